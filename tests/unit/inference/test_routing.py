"""Per-task model routing (issue 16 item 8) with fake backends: one line adds a stronger model, the route
sends writing and translation to it, chit-chat stays on the small one, and an unloaded route costs nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from autoglm.services.inference.config import InferenceConfig, ModelProfile
from autoglm.services.inference.engine import InferenceEngine
from autoglm.services.inference.params import SamplingParams
from autoglm.services.inference.types import GenerateRequest, GenerateResult, InferenceError


class Fake:
    device, dtype = "cpu", "float32"

    def __init__(self, name: str) -> None:
        self.model_name = name
        self.seen: list[SamplingParams] = []

    def capacity(self) -> int:
        return 4

    def check_schema(self, schema: dict[str, Any]) -> Any:
        return schema

    async def generate(self, req: GenerateRequest, params: SamplingParams, compiled: Any, on_delta: Any) -> GenerateResult:
        self.seen.append(params)
        return GenerateResult(text=self.model_name, finish_reason="stop", model=self.model_name)

    async def embed(self, texts: list[str]) -> list[list[float]]:
        return [[1.0] for _ in texts]

    async def aclose(self) -> None:
        return None


def engine(**cfg: Any) -> tuple[InferenceEngine, Fake, Fake]:
    small, strong = Fake("smollm2-135m"), Fake("qwen2.5-0.5b")
    config = InferenceConfig(model_path=None, embedding_model_path=None, enable_cache=False,
                             models={"strong": ModelProfile(path=Path("/models/qwen"), max_new_tokens_cap=512)}, **cfg)
    return InferenceEngine(config, small, {"strong": strong}), small, strong


def req(task: str | None, **params: Any) -> GenerateRequest:
    return GenerateRequest(messages=[{"role": "user", "content": "hi"}], task_type=task, params=params)


async def test_the_default_route_sends_writing_and_translation_to_the_stronger_model() -> None:
    eng, small, strong = engine()
    assert (await eng.generate(req("creative_writing"))).model == "qwen2.5-0.5b"
    assert (await eng.generate(req("translation"))).model == "qwen2.5-0.5b"
    assert (await eng.generate(req("chitchat"))).model == "smollm2-135m"
    assert (await eng.generate(req(None))).model == "smollm2-135m"
    # the profile's own cap applies on its model: a writing profile asks 1,024 tokens, the strong cap is 512
    assert strong.seen[0].max_new_tokens == 512 and eng.capacity() == 8


async def test_a_request_may_name_a_model() -> None:
    eng, _, _ = engine()
    assert (await eng.generate(req("creative_writing", model="smollm2-135m"))).model == "smollm2-135m"
    assert (await eng.generate(req("chitchat", model="strong"))).model == "qwen2.5-0.5b"
    with pytest.raises(InferenceError) as err:
        await eng.generate(req("chitchat", model="gpt-9"))
    assert err.value.code == "unknown_model"


async def test_a_route_to_a_model_that_is_not_loaded_falls_back() -> None:
    small = Fake("smollm2-135m")
    eng = InferenceEngine(InferenceConfig(model_path=None, embedding_model_path=None, enable_cache=False), small)
    assert (await eng.generate(req("creative_writing"))).model == "smollm2-135m"


def test_one_line_of_environment_adds_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    from autoglm.services.inference.config import InferenceServiceSettings

    monkeypatch.setenv("AUTOGLM_INFERENCE__MODELS__STRONG__PATH", "/models/Qwen2.5-0.5B-Instruct")
    cfg = InferenceServiceSettings().inference_config()
    assert cfg.models["strong"].path == Path("/models/Qwen2.5-0.5B-Instruct")
    assert cfg.route["translation"] == "strong"


async def test_each_result_says_which_languages_its_model_answers_open_questions_in() -> None:
    eng, _, _ = engine(open_answer_languages=["en"])
    assert (await eng.generate(req("chitchat"))).answer_languages == ["en"]  # the small default model
    assert (await eng.generate(req("question_answering"))).answer_languages == ["*"]  # the stronger one: any
    eng, _, _ = engine()
    assert (await eng.generate(req("chitchat"))).answer_languages == ["*"]  # a model that is not the bundled one


def test_the_bundled_model_answers_open_questions_in_english_only() -> None:
    from autoglm.services.inference.config import answer_languages, bundled_generation_model

    bundled = bundled_generation_model()
    if bundled is None:
        pytest.skip("the bundled model is not installed")
    assert answer_languages(InferenceConfig(embedding_model_path=None)) == ["en"]
    assert answer_languages(InferenceConfig(embedding_model_path=None, open_answer_languages=["en", "zh"])) == [
        "en", "zh"]
    assert answer_languages(InferenceConfig(model_path=Path("/models/qwen"), embedding_model_path=None)) == ["*"]
    assert answer_languages(InferenceConfig(backend="openai", embedding_model_path=None)) == ["*"]
