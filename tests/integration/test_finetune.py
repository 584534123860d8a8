"""A tiny LoRA fine-tune of the bundled SmolLM2-135M on CPU (bounded by steps, not seconds) that lowers the
held-out loss, and the inference engine serving a tenant with that adapter while other tenants keep the base
model."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from autoglm.services.inference.config import InferenceConfig
from autoglm.services.inference.engine import InferenceEngine
from autoglm.services.inference.finetune import FinetuneOptions, FinetuneReport, finetune, overlap
from autoglm.services.inference.types import GenerateRequest

pytestmark = [pytest.mark.slow, pytest.mark.integration]

REPO = Path(__file__).resolve().parents[2]
FAQ = REPO / "tests" / "data" / "finetune" / "faq_sft.jsonl"
CACHE = REPO / "data" / "models"


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[FinetuneReport, Path, list[dict]]:
    rows = [json.loads(line) for line in FAQ.read_text(encoding="utf-8").splitlines()][:48]  # 6 facts, 8 askings
    out = tmp_path_factory.mktemp("adapters")
    cfg = InferenceConfig()
    assert cfg.model_path is not None, "the bundled model is not installed"
    opts = FinetuneOptions(steps=24, batch_size=4, learning_rate=1e-3, max_tokens=96, heldout=0.25, eval_generate=4,
                           max_new_tokens=24, device="cpu")
    report = finetune(rows, model_path=cfg.model_path, cache_dir=CACHE, out_dir=out, tenant="harbor", opts=opts)
    return report, out, rows


def test_a_tiny_finetune_lowers_the_heldout_loss(trained: tuple[FinetuneReport, Path, list[dict]]) -> None:
    report, out, _ = trained
    assert report.heldout_rows == 12 and report.train_rows == 36
    assert report.adapted.loss < report.base.loss * 0.8, (report.base, report.adapted)
    assert (out / "tenants" / "harbor" / "adapter_config.json").exists()


def test_the_engine_serves_the_tenant_with_its_adapter(trained: tuple[FinetuneReport, Path, list[dict]],
                                                       tmp_path: Path) -> None:
    _, out, rows = trained
    cfg = InferenceConfig(dtype="float32", cache_dir=CACHE, adapters_dir=out, max_prompt_tokens=256)
    question, reference = rows[0]["messages"][0]["content"], rows[0]["messages"][1]["content"]

    async def go() -> tuple[str, str, str, str]:
        engine = await InferenceEngine.create(cfg, data_dir=tmp_path)
        try:
            assert set(engine.tenant_backends) == {"harbor"}

            def req(tenant: str) -> GenerateRequest:
                return GenerateRequest(messages=[{"role": "user", "content": question}], tenant=tenant,
                                       params={"temperature": 0, "max_new_tokens": 24})

            mine, theirs = await engine.generate(req("harbor")), await engine.generate(req("acme"))
            return mine.text, mine.model, theirs.text, theirs.model
        finally:
            await engine.aclose()

    mine, mine_model, theirs, theirs_model = asyncio.run(go())
    assert mine_model.endswith("+harbor") and not theirs_model.endswith("+harbor")
    assert overlap(mine, reference) > overlap(theirs, reference), (mine, theirs)
