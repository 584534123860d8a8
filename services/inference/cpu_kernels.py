"""CPU decode kernels: oneDNN-prepacked bf16 linear layers.

PyTorch's bf16 `F.linear` on CPU hands the plain `[out, in]` weight to oneDNN on every call, which reorders
it into its blocked layout each time. For the small-M matmuls of a decode step that reorder is most of the
cost: on the 2-core EPYC (avx512_bf16, no AMX) all of SmolLM2-135M's linears at 16 rows took ~25-35 ms per
step plain and ~16-19 ms prepacked, and a 256-row prefill ~130 ms instead of up to ~960 ms. One and two rows
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


class PrepackedLinear(nn.Module):
    """An `nn.Linear` stand-in holding the weight in oneDNN's blocked layout as well as the plain one.

    `weight` stays the original parameter (tied embeddings keep sharing it); the packed copy is a buffer
    made once. While oneDNN is switched off (the runner does so for one- and two-row decode steps, where
    ATen's GEMV is faster) the plain weight is used.
    """

    def __init__(self, linear: nn.Linear) -> None:
        super().__init__()
        self.in_features = linear.in_features
        self.out_features = linear.out_features
        self.weight = linear.weight
        self.bias = linear.bias
        with torch.no_grad():
            packed = torch.ops.mkldnn._reorder_linear_weight(linear.weight.detach(), _PACK_HINT)
        self.register_buffer("packed", packed, persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not torch.backends.mkldnn.enabled:
            return F.linear(x, self.weight, self.bias)
        return torch.ops.mkldnn._linear_pointwise(x, self.packed, self.bias, "none", [], "")


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


def prepack_linears(model: nn.Module) -> int:
    """Replace the `nn.Linear` layers of a CPU bf16 `model` in place by `PrepackedLinear`; returns how many.

    Does nothing (returns 0) where `can_prepack` is false. Memory: one more copy of the linear weights.
    """
    if not can_prepack(model):
        return 0
    targets = [
        (parent, name, child)
        for parent in model.modules()
        for name, child in parent.named_children()
        if type(child) is nn.Linear
    ]
    for parent, name, child in targets:
        setattr(parent, name, PrepackedLinear(child))
    log.info("prepacked %d linear layers for oneDNN", len(targets))
    return len(targets)
