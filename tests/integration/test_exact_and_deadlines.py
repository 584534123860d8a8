"""Issue 16 through the real stack: a chained calculation is done by the calculator (also across turns), a
failed tool in a two-intent request finishes the task at once, and a generation cut at its deadline keeps
its text.

No assertion here depends on how fast a loaded machine generates: the calculations involve no model, the
failing tool fails on its first call, and the truncated generation runs on a stack of its own whose writing
profile cannot end before its deadline (its end-of-sequence token is held back for 4,096 tokens)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest

from autoglm.shared.cli.stack import Stack
from autoglm.shared.devtools.chaos import running_stack
from autoglm.shared.word_problem import numbers_in

from .conftest import Bus, task_event

pytestmark = pytest.mark.integration


async def test_a_chained_calculation_is_done_by_the_calculator(bus: Bus) -> None:
    ev = task_event("先算250乘以0.8，再减去优惠券的20元")
    await bus.publish("autoglm.tasks", ev, key=ev["sessionid"])
    data = (await bus.result(ev["taskid"], 120))["data"]
    assert data["status"] == "completed", data
    assert "250*0.8 = 200" in data["answer"] and "200-20 = 180" in data["answer"], data["answer"]
    assert [s["name"] for s in data["steps"] if s.get("intent_id")] == ["calculator", "calculator"]
    assert not any(s["kind"] == "generation" for s in data["steps"])  # no model anywhere


async def test_a_word_problem_no_reader_computes_is_named_not_guessed(bus: Bus) -> None:
    # A tiered price the compiler does not read: no model, no query, no knowledge base is asked, and the answer
    # says which part was not computed, in the request's language, with no number the request did not state.
    text = "Parking is 12 for the first 2 hours and 5 for each hour after that. I parked 6.5 hours. What do I owe?"
    ev = task_event(text)
    await bus.publish("autoglm.tasks", ev, key=ev["sessionid"])
    data = (await bus.result(ev["taskid"], 120))["data"]
    assert data["status"] in ("failed", "partial"), data
    assert "not computed" in data["answer"] and "one step per sentence" in data["answer"], data["answer"]
    assert set(numbers_in(data["answer"])) <= set(numbers_in(text)), data["answer"]
    assert not any(s["kind"] == "generation" for s in data["steps"]), data["steps"]
    assert not any(s["name"] in ("sql_query", "sql_schema", "kb_search", "weather") for s in data["steps"])


async def test_the_next_turn_goes_on_from_the_last_result(bus: Bus) -> None:
    session = f"chain-{uuid.uuid4().hex[:8]}"
    first = task_event("what is 15% of 80", session=session)
    await bus.publish("autoglm.tasks", first, key=session)
    assert "= 12" in (await bus.result(first["taskid"], 120))["data"]["answer"]
    # the turn is stored once the result is out; the follow-up recalls it
    await bus.turn_stored(first["taskid"], session)
    second = task_event("then subtract 30", session=session)
    await bus.publish("autoglm.tasks", second, key=session)
    data = (await bus.result(second["taskid"], 120))["data"]
    assert data["status"] == "completed", data
    # the step in the request's words, then its calculation
    assert data["answer"].endswith("subtract 30: 12-30 = -18"), data["answer"]


async def test_a_failed_tool_in_a_two_intent_request_finishes_in_seconds(bus: Bus) -> None:
    # 拉萨 is not a city the stand-in weather service knows: the tool fails on its first call ("city not
    # found", not retried). The task's deadline is 300 s; it must not wait for it.
    ev = task_event("查询拉萨明天的天气并生成一段提醒文案", now="2026-11-25T10:00:00+08:00", timeout_seconds=300)
    await bus.publish("autoglm.tasks", ev, key=ev["sessionid"])
    data = (await bus.result(ev["taskid"], 200))["data"]
    assert data["status"] == "failed", data
    assert data["duration_ms"] < 120_000, data["duration_ms"]  # far from the 300 s deadline, even on a busy CPU
    [weather] = [s for s in data["steps"] if s["name"] == "weather"]
    [writing] = [s for s in data["steps"] if s.get("intent_id") == "i2"]
    assert weather["status"] == "failed" and writing["status"] == "skipped"
    assert "查询拉萨明天的天气" in data["answer"] and "没有执行" in data["answer"], data["answer"]
    assert "unfinished" not in (data["error"] or "")


# ------------------------------------------------------------------ a generation cut at its deadline

WRITING_TIMEOUT_S = 10


@pytest.fixture(scope="module")
def slow_writer() -> Iterator[Stack]:
    """A stack whose writing steps get 10 s and whose writing profile cannot end sooner: 4,096 tokens at least,
    budget fitting off, so the generation is always running when its deadline comes."""
    profile = {"creative_writing": {"temperature": 0.0, "max_new_tokens": 4096, "min_new_tokens": 4096,
                                    "no_repeat_ngram_size": 4}}
    env = {
        "AUTOGLM_TIMEOUT_SECONDS": "120",
        "AUTOGLM_PLANNER__GENERATION_TIMEOUT_S": str(WRITING_TIMEOUT_S),
        "AUTOGLM_PLANNER__TOKEN_BUDGETS": json.dumps({"creative_writing": 4096}),
        "AUTOGLM_INFERENCE__MAX_NEW_TOKENS_CAP": "4096",
        "AUTOGLM_INFERENCE__ADMISSION_CONTROL": "false",
        "AUTOGLM_INFERENCE__PROFILES": json.dumps(profile),
    }
    with running_stack(env=env) as stack:
        yield stack


@pytest.mark.timeout(600)
async def test_a_generation_at_its_deadline_keeps_its_text_and_the_task_is_partial(slow_writer: Stack) -> None:
    bus = Bus(slow_writer)
    ev = task_event("Write a long story about a lighthouse keeper and a storm.")
    await bus.publish("autoglm.tasks", ev, key=ev["sessionid"])
    data = (await bus.result(ev["taskid"], 300))["data"]
    assert data["status"] == "partial", data
    assert data["truncated"] is True
    [gen] = [s for s in data["steps"] if s["kind"] == "generation"]
    assert gen["status"] == "completed" and gen["truncated"] == "deadline", gen
    text, _, note = data["answer"].rpartition(" … ")
    assert text.strip() and "cut off at the deadline" in note, data["answer"]
    assert data["error"].startswith("partial:") and "cut off at its deadline" in data["error"]
