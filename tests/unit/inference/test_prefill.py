"""Packed prefill (prompts end to end, block-diagonal mask) against padded prefill, on a tiny random Llama."""

from __future__ import annotations

import pytest
import torch
from transformers import LlamaConfig, LlamaForCausalLM

from autoglm.services.inference.params import SamplingParams
from autoglm.services.inference.runner import RowPayload, TorchRunner
from autoglm.services.inference.scheduler import Sequence

PROMPTS = [[5, 9, 3], [7, 1, 8, 8, 2, 6, 4], [11], [3, 3, 9, 12, 30]]


@pytest.fixture(scope="module")
def model() -> LlamaForCausalLM:
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=64,
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=128,
        attn_implementation="sdpa",
    )
    return LlamaForCausalLM(config).eval()


def _seqs(prefix: list[int], tag: str) -> list[Sequence]:
    return [
        Sequence(
            request_id=f"{tag}{i}",
            prompt_ids=prefix + p,
            max_new_tokens=8,
            arrival=0.0,
            payload=RowPayload(params=SamplingParams(temperature=0.0), prefix_len=len(prefix)),
        )
        for i, p in enumerate(PROMPTS)
    ]


@pytest.mark.parametrize("prefix", [[], [2, 4, 6, 8]])
def test_packed_prefill_matches_padded_prefill_and_decodes_the_same(model, prefix: list[int]) -> None:
    runners = [TorchRunner(model, pad_token_id=0) for _ in range(2)]
    assert runners[0]._packed_prefill
    runners[1]._packed_prefill = False
    outputs = []
    with torch.inference_mode():
        for runner in runners:
            seqs = _seqs(prefix, "r")
            logits, cache, mask = (
                runner._prefill_packed if runner._packed_prefill else runner._prefill_padded
            )(tuple(prefix), seqs)
            outputs.append((logits, [layer.keys for layer in cache.layers], mask))
            tokens = [runner.step(seqs, [])]
            tokens += [runner.step([], seqs) for _ in range(5)]
            outputs[-1] += (tokens,)
    (l1, k1, m1, t1), (l2, k2, m2, t2) = outputs
    assert torch.equal(m1, m2)
    torch.testing.assert_close(l1, l2, rtol=1e-5, atol=1e-5)
    for a, b in zip(k1, k2, strict=True):
        # Compare the real entries only: padded prefill leaves model output for pad tokens in its cache.
        torch.testing.assert_close(a * m1[:, None, :, None], b * m2[:, None, :, None], rtol=1e-5, atol=1e-5)
    assert t1 == t2
