"""Generation that ends well, with the bundled SmolLM2-135M (issue 16 item 7): a Chinese writing request
answers in Chinese, with no degenerate tail, under the planner's own prompt and parameters. Bounded in tokens
(the planner's budget), never in seconds."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from autoglm.services.inference.config import InferenceConfig
from autoglm.services.inference.engine import GenerateRequest, InferenceEngine
from autoglm.services.planner.prompts import render_prompt
from autoglm.services.planner.requests import generation_params
from autoglm.services.planner.state import PlannerPolicy, PlanStep
from autoglm.shared.events import StepKind

pytestmark = [pytest.mark.slow, pytest.mark.integration]

REPO = Path(__file__).resolve().parents[2]
_HAN = re.compile(r"[\u4e00-\u9fff]")
_LETTER = re.compile(r"[A-Za-z\u4e00-\u9fff]")


def han_share(text: str) -> float:
    letters = _LETTER.findall(text)
    return sum(bool(_HAN.match(c)) for c in letters) / len(letters) if letters else 0.0


def degenerate_tail(text: str) -> bool:
    t = text.strip()
    return bool(re.search(r"(.)\1{5,}", t)) or any(
        len(t) >= 3 * n and t[-n:] == t[-2 * n:-n] == t[-3 * n:-2 * n] for n in range(2, 41))


@pytest.fixture(scope="module")
def engine_and_loop():
    loop = asyncio.new_event_loop()
    cfg = InferenceConfig(enable_cache=False, embedding_model_path=None, cache_dir=REPO / "data" / "models")
    engine = loop.run_until_complete(InferenceEngine.create(cfg, data_dir=REPO / "data"))
    yield engine, loop
    loop.run_until_complete(engine.aclose())
    loop.close()


def _planned(text: str, task: str, language: str) -> GenerateRequest:
    """The request the planner sends for this intent (prompt, budget, output language)."""
    from datetime import UTC, datetime

    from autoglm.services.planner.build import new_state
    from autoglm.shared.events import Intent, IntentGraph, IntentType, TaskRequested

    policy = PlannerPolicy()
    intent = Intent(id="i1", type=IntentType(task), text=text)
    state = new_state(task_id="t", session_id="s", tenant="t", request=TaskRequested(text=text),
                      graph=IntentGraph(language=language, intents=[intent]), received_at=datetime.now(UTC),
                      timeout_s=120, partition=0, policy=policy)
    step = PlanStep(id="s1", kind=StepKind.GENERATE, name="generate", intent_id="i1", task_type=task,
                    arguments={"text": text, "entities": {}, "history": []})
    messages = render_prompt(task, request=text, full_request=text, inputs=[], history=[], language=language,
                             entities={})
    return GenerateRequest(messages=messages, task_type=task,
                           params={**generation_params(state, step, policy), "seed": 7})


@pytest.mark.parametrize("text", ["写一首关于秋天的诗", "生成一段提醒文案，提醒大家明天带伞"])
def test_a_chinese_writing_request_is_answered_in_chinese_without_a_degenerate_tail(engine_and_loop, text) -> None:
    engine, loop = engine_and_loop
    req = _planned(text, "creative_writing", "zh")
    assert req.params["language"] == "zh" and req.params["max_new_tokens"] <= 256
    result = loop.run_until_complete(engine.generate(req))
    assert result.completion_tokens <= req.params["max_new_tokens"]
    assert han_share(result.text) >= 0.5, result.text
    assert not degenerate_tail(result.text), result.text


def test_an_english_request_stays_english(engine_and_loop) -> None:
    engine, loop = engine_and_loop
    result = loop.run_until_complete(engine.generate(_planned("Write a short poem about the sea", "creative_writing",
                                                               "en")))
    assert result.text.strip() and han_share(result.text) == 0.0, result.text
    assert not degenerate_tail(result.text), result.text
