"""The local inference engine with the real bundled SmolLM2-135M and MiniLM (CPU).

One engine per module (loading is the slow part); generations are kept to a few tokens. The model runs
in float32 here: in bf16 a row's logits depend slightly on the batch shape, so batched and unbatched
greedy decoding can legitimately pick different tokens at near-ties; fp32 makes the equality exact.
"""

from __future__ import annotations

import asyncio
import json
import math
from pathlib import Path

import jsonschema
import pytest

from autoglm.services.inference.config import InferenceConfig
from autoglm.services.inference.engine import GenerateRequest, InferenceEngine, InferenceError

pytestmark = [pytest.mark.slow, pytest.mark.integration]

PROMPTS = [
    "What is the capital of France?",
    "Write one sentence about autumn leaves.",
    "2+2=?",
    "Say hello in French and explain when to use it.",
]


@pytest.fixture(scope="module")
def engine_and_loop(tmp_path_factory: pytest.TempPathFactory):
    loop = asyncio.new_event_loop()
    cfg = InferenceConfig(dtype="float32", max_batch_size=8, max_queue_delay_ms=20, max_prompt_tokens=200)
    engine = loop.run_until_complete(
        InferenceEngine.create(cfg, data_dir=Path(tmp_path_factory.mktemp("inference")))
    )
    yield engine, loop
    loop.run_until_complete(engine.aclose())
    loop.close()


def _req(text: str, **params) -> GenerateRequest:
    return GenerateRequest(
        messages=[{"role": "user", "content": text}], params={"max_new_tokens": 12, **params}
    )


def test_batched_greedy_equals_unbatched(engine_and_loop) -> None:
    engine, loop = engine_and_loop

    async def go():
        single = [await engine.generate(_req(p, temperature=0)) for p in PROMPTS]
        # A different seed per request keeps the cache out of it while staying greedy.
        together = await asyncio.gather(*(engine.generate(_req(p, temperature=0, seed=1)) for p in PROMPTS))
        return single, together

    single, together = loop.run_until_complete(go())
    assert [r.text for r in single] == [r.text for r in together]
    assert all(r.batch_size == 1 for r in single)
    assert max(r.batch_size for r in together) > 1
    assert all(r.completion_tokens > 0 and r.model for r in together)


def test_engine_greedy_matches_plain_generate_with_prefix_reuse(engine_and_loop) -> None:
    """The shared-prefix KV path (system prompt computed once) gives what `model.generate` gives."""
    import torch

    engine, loop = engine_and_loop
    backend = engine.backend
    chats = [
        [{"role": "system", "content": "You answer in one short sentence."}, {"role": "user", "content": p}]
        for p in PROMPTS[:2]
    ] + [[{"role": "user", "content": PROMPTS[2]}]]

    async def go():
        return await asyncio.gather(
            *(
                engine.generate(GenerateRequest(messages=m, params={"max_new_tokens": 10, "seed": 5}))
                for m in chats
            )
        )

    results = loop.run_until_complete(go())
    assert backend.runner._prefixes, "prefix KV was not reused"
    tok = backend.tokenizer
    for messages, result in zip(chats, results, strict=True):
        ids = tok.apply_chat_template(
            messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
        )
        with torch.inference_mode():
            out = backend.loaded.model.generate(**ids, max_new_tokens=10, do_sample=False)
        assert result.text == tok.decode(out[0, ids["input_ids"].shape[1] :], skip_special_tokens=True)


def test_mixed_sampling_settings_share_a_batch_and_stream(engine_and_loop) -> None:
    engine, loop = engine_and_loop
    chunks: list[str] = []

    async def go():
        return await asyncio.gather(
            engine.generate(_req(PROMPTS[0], temperature=0.9, top_p=0.9, seed=7)),
            engine.generate(_req(PROMPTS[1], temperature=0.5, top_k=20, max_new_tokens=6)),
            engine.generate(_req(PROMPTS[2], temperature=0, stop=["."]), on_token=chunks.append),
        )

    a, b, c = loop.run_until_complete(go())
    assert b.completion_tokens <= 6
    assert "".join(chunks) == c.text and "." not in c.text
    assert max(a.batch_size, b.batch_size, c.batch_size) > 1


def test_json_schema_output_validates(engine_and_loop) -> None:
    engine, loop = engine_and_loop
    schema = {
        "type": "object",
        "properties": {"city": {"type": "string", "maxLength": 20}, "days": {"type": "integer"}},
        "required": ["city", "days"],
        "additionalProperties": False,
    }
    req = GenerateRequest(
        messages=[{"role": "user", "content": "Weather in Beijing for the next 3 days, as JSON."}],
        task_type="parsing",
        params={"max_new_tokens": 40},
        json_schema=schema,
    )
    result = loop.run_until_complete(engine.generate(req))
    jsonschema.validate(json.loads(result.text), schema)


def test_cache_hits_for_deterministic_requests(engine_and_loop) -> None:
    engine, loop = engine_and_loop
    hits = engine.stats["cache_hits"]
    first = loop.run_until_complete(engine.generate(_req("Name a color.", temperature=0, max_new_tokens=4)))
    second = loop.run_until_complete(engine.generate(_req("Name a color.", temperature=0, max_new_tokens=4)))
    assert not first.cached and second.cached and second.text == first.text
    assert engine.stats["cache_hits"] == hits + 1
    sampled = loop.run_until_complete(
        engine.generate(_req("Name a color.", temperature=0.8, max_new_tokens=4))
    )
    assert not sampled.cached


@pytest.mark.parametrize(
    ("request_kwargs", "code"),
    [
        ({"messages": []}, "empty_prompt"),
        ({"messages": [{"role": "user", "content": "  "}]}, "empty_prompt"),
        ({"messages": [{"role": "user", "content": "word " * 400}]}, "prompt_too_long"),
        ({"json_schema": {"type": "nonsense"}}, "invalid_schema"),
        ({"params": {"model": "gpt-17"}}, "unknown_model"),
        ({"params": {"temperature": -1}}, "invalid_params"),
        ({"params": {"bogus": 1}}, "invalid_params"),
    ],
)
def test_bad_requests_get_clear_errors(engine_and_loop, request_kwargs, code) -> None:
    engine, loop = engine_and_loop
    fields = {"messages": [{"role": "user", "content": "hi"}], **request_kwargs}
    with pytest.raises(InferenceError) as info:
        loop.run_until_complete(engine.generate(GenerateRequest(**fields)))
    assert info.value.code == code


def test_timeout_is_an_error_and_engine_keeps_serving(engine_and_loop) -> None:
    engine, loop = engine_and_loop
    with pytest.raises(InferenceError) as info:
        loop.run_until_complete(
            engine.generate(
                GenerateRequest(
                    messages=[{"role": "user", "content": "Count to one hundred."}],
                    params={"max_new_tokens": 200, "temperature": 0.7},
                    timeout_s=0.05,
                )
            )
        )
    # Admission refuses it at once when the measured decode speed says not even a short answer fits (busy);
    # otherwise its deadline ends it with no text (timeout). Either way an error, and the engine serves on.
    assert info.value.code in ("timeout", "busy")
    again = loop.run_until_complete(engine.generate(_req("2+2=?", temperature=0.3, max_new_tokens=3)))
    assert again.completion_tokens >= 1


def test_embeddings_shape_norm_and_similarity(engine_and_loop) -> None:
    engine, loop = engine_and_loop

    async def go():
        return await asyncio.gather(
            engine.embed(["How do I reset my password?", "Steps to change a forgotten password"]),
            engine.embed(["The weather in Beijing tomorrow"]),
        )

    (a, b), (c,) = loop.run_until_complete(go())
    assert len(a) == len(b) == len(c) == 384
    assert all(abs(math.sqrt(sum(x * x for x in v)) - 1.0) < 1e-4 for v in (a, b, c))
    dot = lambda u, v: sum(x * y for x, y in zip(u, v, strict=True))  # noqa: E731
    assert dot(a, b) > dot(a, c)
