"""Prepacked, fused bf16 linears on the real bundled SmolLM2-135M against the plain model (CPU).

On the 2-core EPYC the logits come out bit-identical (oneDNN runs the same kernel on the reordered
weight); other CPUs may round differently, so the test allows a tolerance and checks the greedy choice
wherever the plain model's best token leads the next one by more than the largest difference.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from autoglm.services.inference.config import InferenceConfig
from autoglm.services.inference.cpu_kernels import PrepackedLinear, can_prepack, prepack_linears
from autoglm.services.inference.loading import load_causal_lm

pytestmark = [pytest.mark.slow, pytest.mark.integration]

PROMPTS = [
    "What is the capital of France?",
    "Write one sentence about autumn leaves.",
    "Explain in simple words what a database index is and when it helps.",
    "Translate to French: The weather in Beijing will be sunny tomorrow with a light breeze.",
]


def test_prepacked_fused_model_gives_the_plain_models_logits(tmp_path: Path) -> None:
    cfg = InferenceConfig()
    assert cfg.model_path is not None
    plain, packed = (load_causal_lm(cfg.model_path, tmp_path, "cpu", "bfloat16", None) for _ in range(2))
    if not can_prepack(packed.model):
        pytest.skip("this torch build has no oneDNN bf16 linear ops")
    assert prepack_linears(packed.model) > 0
    attn = packed.model.model.layers[0].self_attn
    assert isinstance(attn.q_proj, PrepackedLinear) and attn.q_proj.fused is attn.v_proj.fused is not None
    tok = plain.tokenizer
    tok.padding_side = "left"
    texts = [
        tok.apply_chat_template([{"role": "user", "content": p}], add_generation_prompt=True, tokenize=False)
        for p in PROMPTS
    ]
    batch = tok(texts, return_tensors="pt", padding=True, add_special_tokens=False)
    with torch.inference_mode():
        want = plain.model(**batch).logits.float()
        got = packed.model(**batch).logits.float()
    real = batch["attention_mask"].bool()
    want, got = want[real], got[real]
    scale = want.abs().max()
    diff = (got - want).abs().max(dim=-1).values
    top2 = want.topk(2, dim=-1).values
    clear = (top2[:, 0] - top2[:, 1]) > 2 * diff.max()
    assert float(diff.max()) < 0.05 * float(scale)
    assert torch.equal(got[clear].argmax(-1), want[clear].argmax(-1))
