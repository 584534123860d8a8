"""oneDNN-prepacked linear layers against plain `F.linear` (small random bf16 layers, no model)."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from autoglm.services.inference.cpu_kernels import PrepackedLinear, can_prepack, prepack_linears


def _model(dtype: torch.dtype) -> nn.Module:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 96, bias=False), nn.SiLU(), nn.Linear(96, 40, bias=True))
    model.head = nn.Linear(40, 64, bias=False)
    model.embed = nn.Embedding(64, 40)
    model.head.weight = model.embed.weight  # tied, like a causal LM's lm_head and input embeddings
    return model.to(dtype)


needs_onednn = pytest.mark.skipif(not can_prepack(_model(torch.bfloat16)), reason="no oneDNN bf16 linear ops")


@needs_onednn
@pytest.mark.parametrize("rows", [1, 2, 3, 16, 100])
def test_prepacked_linear_matches_plain_linear_for_any_row_count(rows: int) -> None:
    linear = _model(torch.bfloat16)[2]
    packed = PrepackedLinear(linear)
    x = torch.randn(rows, 1, 96, dtype=torch.bfloat16)
    with torch.inference_mode():
        got, want = packed(x), F.linear(x, linear.weight, linear.bias)
        with torch.backends.mkldnn.flags(enabled=False):
            plain = packed(x)  # oneDNN off (the runner's GEMV steps): the plain weight
    assert got.shape == want.shape == (rows, 1, 40)
    torch.testing.assert_close(got.float(), want.float(), atol=2e-2, rtol=2e-2)
    assert torch.equal(plain, want)


@needs_onednn
def test_prepack_linears_swaps_every_linear_and_keeps_the_weights_shared() -> None:
    model = _model(torch.bfloat16)
    weights = [id(m.weight) for m in (model[0], model[2], model.head)]
    x = torch.randn(5, 64, dtype=torch.bfloat16)
    with torch.inference_mode():
        before = model.head(model[2](model[1](model[0](x))))
        assert prepack_linears(model) == 3
        after = model.head(model[2](model[1](model[0](x))))
    assert all(isinstance(m, PrepackedLinear) for m in (model[0], model[2], model.head))
    assert [id(m.weight) for m in (model[0], model[2], model.head)] == weights
    assert model.head.weight is model.embed.weight
    torch.testing.assert_close(after.float(), before.float(), atol=5e-2, rtol=5e-2)
    assert prepack_linears(model) == 0  # nothing left to swap


def test_prepack_leaves_fp32_models_alone() -> None:
    model = _model(torch.float32)
    assert not can_prepack(model)
    assert prepack_linears(model) == 0
    assert all(type(m) is nn.Linear for m in (model[0], model[2], model.head))


class _Block(nn.Module):
    """Attention-style and MLP-style projections named as in transformers' decoder layers."""

    def __init__(self) -> None:
        super().__init__()
        self.q_proj, self.k_proj, self.v_proj = (nn.Linear(64, n, bias=True) for n in (64, 16, 16))
        self.gate_proj, self.up_proj = (nn.Linear(64, 96, bias=False) for _ in range(2))
        self.down_proj = nn.Linear(96, 64, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q, k, v = self.q_proj(x), self.k_proj(x), self.v_proj(x)
        h = x + q + torch.cat([k, v], dim=-1).repeat(1, 1, 2)
        return self.down_proj(F.silu(self.gate_proj(h)) * self.up_proj(h))


@needs_onednn
def test_fused_siblings_give_each_projection_its_own_output_in_any_call_order() -> None:
    torch.manual_seed(1)
    block = _Block().to(torch.bfloat16)
    plain = {name: (m.weight.clone(), m.bias) for name, m in block.named_children()}
    x, y = (torch.randn(6, 1, 64, dtype=torch.bfloat16) for _ in range(2))
    with torch.inference_mode():
        want = block(x)
        assert prepack_linears(block) == 6
        assert block.q_proj.fused is block.v_proj.fused is not None
        assert block.gate_proj.fused is block.up_proj.fused is not block.q_proj.fused
        assert block.down_proj.fused is None
        torch.testing.assert_close(block(x).float(), want.float(), atol=5e-2, rtol=5e-2)
        # Out of order, repeated, and interleaved with another input: every call still gets its own result.
        calls = [("v_proj", x), ("q_proj", y), ("q_proj", y), ("k_proj", x), ("k_proj", y), ("v_proj", y)]
        for name, inp in calls:
            weight, bias = plain[name]
            torch.testing.assert_close(
                getattr(block, name)(inp).float(), F.linear(inp, weight, bias).float(), atol=2e-2, rtol=2e-2
            )
