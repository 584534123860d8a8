"""A failed step never leaves a task waiting for its deadline (issue 16, item 4).

Every shape the issue lists, driven through ``advance`` with hand-written replies: a tool that fails with
one, two and three dependants (side by side and in a chain), and a failed step in one branch of a
parallel plan while the other branch completes. In each, the result is published by the same ``advance``
call that sees the failure (no clock tick, no deadline), and the answer names what failed and why.
"""

from __future__ import annotations

from datetime import UTC, datetime

from autoglm.services.planner.advance import Publish, advance, apply_reply
from autoglm.services.planner.build import new_state
from autoglm.services.planner.requests import Dispatch
from autoglm.services.planner.state import PlannerPolicy, TaskState
from autoglm.shared.events import (
    Intent,
    IntentGraph,
    IntentType,
    StepCompleted,
    StepStatus,
    TaskRequested,
    TaskStatus,
)

POLICY = PlannerPolicy(step_timeout_s=5, generation_timeout_s=10, max_attempts=3, long_term_limit=0)
T0 = 1_800_000_000.0
DEADLINE = 180


def _weather(iid: str = "i1") -> Intent:
    return Intent(id=iid, type=IntentType.LOOKUP, tool="weather", text="查询北京明天的天气",
                  entities={"city": "北京", "date": "2026-12-07"})


def _writing(iid: str, on: str, text: str = "生成一段提醒文案") -> Intent:
    return Intent(id=iid, type=IntentType.CREATIVE_WRITING, text=text, depends_on=[on])


def _state(*intents: Intent) -> TaskState:
    return new_state(
        task_id="t1", session_id="s1", tenant="acme", request=TaskRequested(text="request", user="u1"),
        graph=IntentGraph(language="zh", intents=list(intents)),
        received_at=datetime.fromtimestamp(T0, UTC), timeout_s=DEADLINE, partition=0, policy=POLICY,
    )


def _start(state: TaskState) -> list[Dispatch]:
    """Past the session recall (answered with no turns): the first requests of the plan."""
    actions = advance(state, POLICY, T0)
    if state.phase == "recall":
        [recall] = actions
        apply_reply(state, StepCompleted(step_id=recall.step.id, ok=True, output={"turns": []}, service="memory"), T0)
        actions = advance(state, POLICY, T0)
    assert all(isinstance(a, Dispatch) for a in actions), actions
    return actions


def _fail(state: TaskState, step_id: str, error: str, at: float) -> list:
    apply_reply(state, StepCompleted(step_id=step_id, ok=False, error=error, service="tool-executor"), at)
    return advance(state, POLICY, at)


def _published(actions: list) -> Publish:
    [publish] = actions
    assert isinstance(publish, Publish), actions
    return publish


def test_a_failed_tool_with_one_dependant_finishes_the_task_at_once() -> None:
    state = _state(_weather(), _writing("i2", on="i1"))
    [weather] = _start(state)
    assert weather.step.name == "weather"
    publish = _published(_fail(state, weather.step.id, "city not found: 北京", T0 + 1))
    result = publish.result
    assert result.status is TaskStatus.FAILED and result.duration_ms == 1000.0  # not 180 s
    writing = state.step(weather.step.id.replace("1", "2"))
    assert writing is not None and writing.status is StepStatus.SKIPPED
    # the answer names what failed and what was therefore not done
    assert "city not found" in result.answer and "生成一段提醒文案" in result.answer
    assert "weather 调用失败" in result.answer  # which tool failed, said as a failure
    assert "查询北京明天的天气" in (writing.error or "") and "city not found" in (writing.error or "")
    assert "unfinished" not in (result.error or "")


def test_a_retryable_failure_is_retried_then_finishes_the_task_without_waiting_for_the_deadline() -> None:
    state = _state(_weather(), _writing("i2", on="i1"))
    [weather] = _start(state)
    at = T0
    for attempt in (1, 2):
        at += 1
        assert _fail(state, weather.step.id, "weather service unavailable (HTTP 503)", at) == []  # backing off
        at += 1
        [again] = advance(state, POLICY, at)
        assert isinstance(again, Dispatch) and again.payload.attempt == attempt + 1
    publish = _published(_fail(state, weather.step.id, "weather service unavailable (HTTP 503)", at + 1))
    assert publish.result.status is TaskStatus.FAILED
    assert publish.result.duration_ms == (at + 1 - T0) * 1000
    assert "unavailable" in publish.result.answer


def test_a_slow_failure_is_not_retried() -> None:
    # The tool's own timeout fired after 2 s of a 5 s step: another attempt would wait as long again.
    state = _state(_weather(), _writing("i2", on="i1"))
    [weather] = _start(state)
    publish = _published(_fail(state, weather.step.id, "weather service unreachable: ReadTimeout", T0 + 2))
    assert publish.result.status is TaskStatus.FAILED and "ReadTimeout" in publish.result.answer
    assert state.step(weather.step.id).attempts == 1


def test_a_failed_tool_with_two_dependants() -> None:
    state = _state(_weather(), _writing("i2", on="i1"), _writing("i3", on="i1", text="再写一条英文短信"))
    [weather] = _start(state)
    result = _published(_fail(state, weather.step.id, "city not found", T0 + 1)).result
    assert result.status is TaskStatus.FAILED
    skipped = [s for s in state.steps if s.intent_id in ("i2", "i3")]
    assert [s.status for s in skipped] == [StepStatus.SKIPPED] * 2
    assert "生成一段提醒文案" in result.answer and "再写一条英文短信" in result.answer
    # the failure once, with its reason; each dependant names what it needed
    assert result.answer.count("city not found") == 1 and result.answer.count("“查询北京明天的天气”") == 2


def test_a_failed_tool_with_three_dependants_side_by_side_and_in_a_chain() -> None:
    # i2 and i3 read the weather; i4 reads i3: the skip runs down the chain, naming the first failure.
    state = _state(_weather(), _writing("i2", on="i1"), _writing("i3", on="i1", text="写一首短诗"),
                   _writing("i4", on="i3", text="把诗翻译成英文"))
    [weather] = _start(state)
    result = _published(_fail(state, weather.step.id, "city not found", T0 + 1)).result
    assert result.status is TaskStatus.FAILED
    chained = next(s for s in state.steps if s.intent_id == "i4")
    assert chained.status is StepStatus.SKIPPED
    assert "weather" in (chained.error or "") and "city not found" in (chained.error or "")
    assert all(s.status is not StepStatus.PENDING for s in state.steps)


def test_a_failed_step_in_one_branch_leaves_the_other_branch_in_the_answer() -> None:
    calc = Intent(id="i3", type=IntentType.CALCULATION, tool="calculator", text="(12+8)*3",
                  entities={"expression": "(12+8)*3"})
    state = _state(_weather(), _writing("i2", on="i1"), calc)
    sent = _start(state)
    assert sorted(d.step.name for d in sent) == ["calculator", "weather"]  # the branches run side by side
    weather = next(d for d in sent if d.step.name == "weather")
    calculator = next(d for d in sent if d.step.name == "calculator")
    # The weather branch fails first: the task waits only for the calculation still running.
    assert _fail(state, weather.step.id, "city not found", T0 + 1) == []
    apply_reply(state, StepCompleted(step_id=calculator.step.id, ok=True, text="60", output={"result": 60},
                                     service="tool-executor"), T0 + 2)
    result = _published(advance(state, POLICY, T0 + 2)).result
    assert result.status is TaskStatus.PARTIAL
    assert "(12+8)*3 = 60" in result.answer and "city not found" in result.answer
    assert result.error and result.error.startswith("partial:")


def test_the_other_branch_finishing_first_then_the_failure_publishes_at_once() -> None:
    calc = Intent(id="i3", type=IntentType.CALCULATION, tool="calculator", text="2+2", entities={"expression": "2+2"})
    state = _state(_weather(), _writing("i2", on="i1"), calc)
    sent = _start(state)
    calculator = next(d for d in sent if d.step.name == "calculator")
    weather = next(d for d in sent if d.step.name == "weather")
    apply_reply(state, StepCompleted(step_id=calculator.step.id, ok=True, text="4", output={"result": 4},
                                     service="tool-executor"), T0 + 1)
    assert advance(state, POLICY, T0 + 1) == []
    result = _published(_fail(state, weather.step.id, "city not found", T0 + 2)).result
    assert result.status is TaskStatus.PARTIAL and "2+2 = 4" in result.answer
