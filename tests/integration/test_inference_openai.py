"""The OpenAI-compatible backend against a fake server on 127.0.0.1 (no model loaded)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from autoglm.services.inference.config import InferenceConfig, OpenAIBackendConfig
from autoglm.services.inference.engine import GenerateRequest, InferenceEngine, InferenceError
from tests.support.fake_openai import FakeOpenAI, running_fake_openai

pytestmark = pytest.mark.integration


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with running_fake_openai() as server:
        yield server


async def make_engine(fake: FakeOpenAI, tmp_path: Path, **kw: Any) -> InferenceEngine:
    oc = OpenAIBackendConfig(
        base_url=fake.url,
        api_key="sk-test",
        model="glm-test",
        embedding_model="emb",
        backoff_seconds=0.01,
        **kw,
    )
    cfg = InferenceConfig(backend="openai", openai=oc, model_path=None, embedding_model_path=None)
    return await InferenceEngine.create(cfg, data_dir=tmp_path)


def chat(text: str = "hi", **kw: Any) -> GenerateRequest:
    return GenerateRequest(messages=[{"role": "user", "content": text}], **kw)


async def test_streams_tokens_and_sends_profile_params(fake: FakeOpenAI, tmp_path: Path) -> None:
    engine = await make_engine(fake, tmp_path)
    fake.replies.append((200, "Hello there, world", 0.0))
    chunks: list[str] = []
    result = await engine.generate(
        chat(task_type="code_generation", params={"stop": ["END"]}), on_token=chunks.append
    )
    assert result.text == "Hello there, world" == "".join(chunks) and len(chunks) > 1
    assert (result.prompt_tokens, result.completion_tokens, result.model) == (5, 4, "glm-test")
    body = fake.requests[0]["body"]
    assert (body["temperature"], body["top_p"], body["max_tokens"], body["stop"]) == (0.2, 0.8, 256, ["END"])
    assert fake.requests[0]["auth"] == "Bearer sk-test"
    await engine.aclose()


async def test_json_schema_uses_response_format_and_validates(fake: FakeOpenAI, tmp_path: Path) -> None:
    engine = await make_engine(fake, tmp_path)
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}
    fake.replies.append((200, '{"n": 3}', 0.0))
    result = await engine.generate(chat(json_schema=schema))
    assert json.loads(result.text) == {"n": 3}
    assert fake.requests[-1]["body"]["response_format"]["json_schema"]["schema"] == schema
    fake.replies.append((200, '{"n": "three"}', 0.0))
    with pytest.raises(InferenceError) as info:
        await engine.generate(chat("again", json_schema=schema))
    assert info.value.code == "invalid_output"
    await engine.aclose()


async def test_retries_server_errors_then_succeeds(fake: FakeOpenAI, tmp_path: Path) -> None:
    engine = await make_engine(fake, tmp_path, retries=2)
    fake.replies += [(503, "busy", 0.0), (429, "slow down", 0.0), (200, "fine", 0.0)]
    assert (await engine.generate(chat())).text == "fine"
    assert len(fake.requests) == 3
    fake.replies += [(400, "bad request", 0.0)]
    with pytest.raises(InferenceError) as info:
        await engine.generate(chat("other"))
    assert info.value.code == "backend_error"
    await engine.aclose()


async def test_backend_timeout_is_a_clear_error(fake: FakeOpenAI, tmp_path: Path) -> None:
    engine = await make_engine(fake, tmp_path, retries=1, timeout_seconds=0.2)
    fake.replies += [(200, "late", 1.0), (200, "late", 1.0)]
    with pytest.raises(InferenceError) as info:
        await engine.generate(chat())
    assert info.value.code == "backend_timeout"
    await engine.aclose()


async def test_unknown_model_and_empty_prompt(fake: FakeOpenAI, tmp_path: Path) -> None:
    engine = await make_engine(fake, tmp_path)
    with pytest.raises(InferenceError) as info:
        await engine.generate(chat(params={"model": "other"}))
    assert info.value.code == "unknown_model"
    with pytest.raises(InferenceError) as info:
        await engine.generate(chat(""))
    assert info.value.code == "empty_prompt"
    assert fake.requests == []
    await engine.aclose()


async def test_cache_serves_repeated_greedy_requests(fake: FakeOpenAI, tmp_path: Path) -> None:
    engine = await make_engine(fake, tmp_path)
    fake.replies.append((200, "once", 0.0))
    first = await engine.generate(chat(task_type="parsing"))
    second = await engine.generate(chat(task_type="parsing"))
    assert second.cached and second.text == first.text == "once" and len(fake.requests) == 1
    assert engine.stats["cache_hits"] == 1 and engine.stats["cache_misses"] == 1
    await engine.aclose()


async def test_embeddings_are_normalized(fake: FakeOpenAI, tmp_path: Path) -> None:
    engine = await make_engine(fake, tmp_path)
    vectors = await engine.embed(["a", "b"])
    assert vectors == [[0.6, 0.8], [0.0, 1.0]]
    await engine.aclose()
