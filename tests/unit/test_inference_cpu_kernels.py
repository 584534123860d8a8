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
