"""CPU decode kernels: oneDNN-prepacked bf16 linear layers, sibling projections fused.

PyTorch's bf16 `F.linear` on CPU hands the plain `[out, in]` weight to oneDNN on every call, which reorders
it into its blocked layout each time. For the small-M matmuls of a decode step that reorder is a third or more
of the cost: on the 2-core EPYC (avx512_bf16, no AMX) all of SmolLM2-135M's linears at 16 rows took ~25-35 ms per
step plain and ~16-19 ms prepacked (a 256-token prefill's: ~153 vs ~135 ms). One and two rows
stay on ATen's GEMV (the runner turns oneDNN off for them), which beats oneDNN there even prepacked.

Only CPU bf16 is packed: CUDA and fp32 (MKL's sgemm, no reorder) keep their own kernels untouched.
"""

from __future__ import annotations

import logging
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

log = logging.getLogger(__name__)

# oneDNN picks the blocked layout for this batch-size hint; the result is correct for any M, and 1-64
# gave the same speed within noise on this CPU.
_PACK_HINT = 16


def _pack(weight: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        return torch.ops.mkldnn._reorder_linear_weight(weight.detach(), _PACK_HINT)


def _packed_linear(x: torch.Tensor, packed: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
    return torch.ops.mkldnn._linear_pointwise(x, packed, bias, "none", [], "")


class FusedProjections:
    """One packed matmul for projections that read the same input (q/k/v of attention, gate/up of an MLP).

    Fewer, wider matmuls: at 16 rows a SmolLM2-135M decode step took ~5-10% less time fused. The first
    member called with an input computes every member's output; the others take theirs from it. Contract:
    the members are called on the same tensor object, unchanged in between (so do the attention and MLP
    modules of transformers' decoder models); any other call order is still correct, it just recomputes.
    """

    def __init__(self, linears: list[nn.Linear]) -> None:
        self.sizes = [lin.out_features for lin in linears]
        self.packed = _pack(torch.cat([lin.weight for lin in linears]))
        biases = [lin.bias for lin in linears]
        self.bias = None if biases[0] is None else torch.cat([b.detach() for b in biases if b is not None])
        self._input: torch.Tensor | None = None
        self._outputs: list[torch.Tensor] = []
        self._taken: set[int] = set()

    def output(self, x: torch.Tensor, index: int) -> torch.Tensor:
        if self._input is not x or index in self._taken:
            self._input = x
            self._outputs = list(_packed_linear(x, self.packed, self.bias).split(self.sizes, dim=-1))
            self._taken = set()
        out = self._outputs[index]
        self._taken.add(index)
        if len(self._taken) == len(self.sizes):  # all handed out: hold no activations between calls
            self._input, self._outputs = None, []
        return out


class PrepackedLinear(nn.Module):
    """An `nn.Linear` stand-in holding the weight in oneDNN's blocked layout as well as the plain one.

    `weight` stays the original parameter (tied embeddings keep sharing it); the packed copy is made once,
    or shared with sibling projections through a `FusedProjections`. While oneDNN is switched off (the runner does so for one- and two-row decode steps, where
    ATen's GEMV is faster) the plain weight is used.
    """

    def __init__(self, linear: nn.Linear, fused: FusedProjections | None = None, index: int = 0) -> None:
        super().__init__()
        self.in_features = linear.in_features
        self.out_features = linear.out_features
        self.weight = linear.weight
        self.bias = linear.bias
        self.fused = fused
        self.index = index
        self.packed = None if fused is not None else _pack(linear.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not torch.backends.mkldnn.enabled:
            return F.linear(x, self.weight, self.bias)
        if self.fused is not None:
            return self.fused.output(x, self.index)
        return _packed_linear(x, self.packed, self.bias)


def can_prepack(model: Any) -> bool:
    """Whether `prepack_linears` applies: a bf16 model on CPU with this torch build's oneDNN linear ops."""
    first = next(model.parameters())
    return (
        first.device.type == "cpu"
        and first.dtype == torch.bfloat16
        and torch.backends.mkldnn.is_available()
        and hasattr(torch.ops.mkldnn, "_linear_pointwise")
        and hasattr(torch.ops.mkldnn, "_reorder_linear_weight")
    )


# Sibling projections fused into one matmul, by attribute name (Llama, Mistral, Qwen, Gemma, ... layers).
_FUSABLE = (("q_proj", "k_proj", "v_proj"), ("gate_proj", "up_proj"))


def _fuse_siblings(model: nn.Module) -> int:
    fused = 0
    for parent in model.modules():
        for names in _FUSABLE:
            linears = [getattr(parent, name, None) for name in names]
            if not all(type(lin) is nn.Linear for lin in linears):
                continue
            if (
                len({lin.in_features for lin in linears}) != 1
                or len({lin.bias is None for lin in linears}) != 1
            ):
                continue
            group = FusedProjections(linears)
            for index, (name, lin) in enumerate(zip(names, linears, strict=True)):
                setattr(parent, name, PrepackedLinear(lin, group, index))
            fused += len(names)
    return fused


def prepack_linears(model: nn.Module, fuse: bool = True) -> int:
    """Replace the `nn.Linear` layers of a CPU bf16 `model` in place by `PrepackedLinear`; returns how many.

    With `fuse`, q/k/v and gate/up projections share one packed matmul (`FusedProjections`). Does nothing
    (returns 0) where `can_prepack` is false. Memory: one more copy of the linear weights.
    """
    if not can_prepack(model):
        return 0
    fused = _fuse_siblings(model) if fuse else 0
    targets = [
        (parent, name, child)
        for parent in model.modules()
        for name, child in parent.named_children()
        if type(child) is nn.Linear
    ]
    for parent, name, child in targets:
        setattr(parent, name, PrepackedLinear(child))
    log.info("prepacked %d linear layers for oneDNN (%d fused with siblings)", fused + len(targets), fused)
    return fused + len(targets)
