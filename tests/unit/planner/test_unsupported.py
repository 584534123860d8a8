"""A request no tool can serve is answered by a template that says so and lists what the system can do."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from autoglm.services.planner.advance import Publish, advance, ready_steps
from autoglm.services.planner.build import build_execution, new_state
from autoglm.services.planner.capabilities import CAN_DO_EN, CAN_DO_ZH, message_draft, unsupported_answer
from autoglm.services.planner.compose import compose
from autoglm.services.planner.requests import Dispatch
from autoglm.services.planner.state import PlannerPolicy, TaskState, execution_finished
from autoglm.shared.events import (
    Intent,
    IntentGraph,
    IntentType,
    StepKind,
    StepStatus,
    TaskRequested,
    TaskStatus,
)


def state_for(graph: IntentGraph, text: str, *, recalled: bool = True) -> TaskState:
    state = new_state(task_id="t1", session_id="s1", tenant="acme", request=TaskRequested(text=text), graph=graph,
                      received_at=datetime.now(UTC), timeout_s=60, partition=0, policy=PlannerPolicy())
    if recalled:
        for step in state.steps:  # the session recall is done (or skipped) before the intents' steps are built
            step.status = StepStatus.COMPLETED
    return state


def test_an_unsupported_request_is_answered_without_a_worker() -> None:
    text = "Book me a table for two at 7pm"
    graph = IntentGraph(language="en", intents=[Intent(id="i1", type=IntentType.UNSUPPORTED, text=text)])
    state = state_for(graph, text)
    build_execution(state, PlannerPolicy())
    [step] = [s for s in state.steps if s.intent_id == "i1"]
    assert (step.kind, step.status) == (StepKind.COMPOSE, StepStatus.COMPLETED)
    assert not ready_steps(state)  # nothing to dispatch for it
    assert execution_finished(state)
    status, answer, error = compose(state)
    assert status is TaskStatus.COMPLETED and error is None
    assert "can't" in answer and text in answer and all(c in answer for c in CAN_DO_EN)


def test_the_planner_publishes_it_at_once() -> None:
    text = "Turn off the kitchen lights"
    graph = IntentGraph(language="en", intents=[Intent(id="i1", type=IntentType.UNSUPPORTED, text=text)])
    state = state_for(graph, text)
    actions = advance(state, PlannerPolicy(), now=1000.0)
    assert not any(isinstance(a, Dispatch) for a in actions)
    [publish] = [a for a in actions if isinstance(a, Publish)]
    assert publish.result.status is TaskStatus.COMPLETED and "can't" in publish.result.answer


def test_beside_a_real_task_both_are_answered() -> None:
    graph = IntentGraph(language="zh", intents=[
        Intent(id="i1", type=IntentType.UNSUPPORTED, text="帮我订一张去成都的机票"),
        Intent(id="i2", type=IntentType.LOOKUP, tool="weather", text="查一下成都明天的天气",
               entities={"city": "成都", "date": "2026-11-26"}),
    ])
    state = state_for(graph, "帮我订一张去成都的机票，顺便查一下成都明天的天气")
    build_execution(state, PlannerPolicy())
    assert [s.name for s in ready_steps(state)] == ["weather"]
    unsupported = next(s for s in state.steps if s.intent_id == "i1")
    assert "做不到" in unsupported.text and all(c in unsupported.text for c in CAN_DO_ZH)


@pytest.mark.parametrize(("request_text", "language", "message"), [
    ("帮我给物业发条短信，告诉他们地下车库的灯坏了三盏", "zh", "物业您好，地下车库的灯坏了三盏。"),
    ("给陈老师发个微信，问她明天的家长会几点开始", "zh", "陈老师您好，请问明天的家长会几点开始？"),
    ("发条消息给我爸，让他别忘了带身份证", "zh", "爸，请你别忘了带身份证。"),
    ("跟小周发个消息说她的报销单批下来了", "zh", "小周您好，您的报销单批下来了。"),
    ("Text Priya that the meeting room changed to 4B", "en", "Hi Priya, the meeting room changed to 4B."),
    ("Email my landlord to ask whether he can fix the boiler this week", "en",
     "Hi, could you let me know if you can fix the boiler this week?"),
    ("Send the team a message saying lunch is on me today", "en", "Hi team, lunch is on me today."),
    ("message Leo and tell him his parcel is at the front desk", "en", "Hi Leo, your parcel is at the front desk."),
])
def test_a_message_to_send_is_written_out_for_the_user_to_send(request_text: str, language: str, message: str) -> None:
    answer = unsupported_answer(request_text, language)
    assert answer.endswith("\n" + message), answer
    assert ("没法替您发送" in answer) if language == "zh" else ("can't send" in answer)


@pytest.mark.parametrize("request_text", ["Call my mom", "给张经理打个电话", "Text Sam", "帮我给客户发个邮件"])
def test_with_nothing_to_say_there_is_no_message_only_what_it_can_do(request_text: str) -> None:
    language = "zh" if request_text[0] > "~" else "en"
    assert message_draft(request_text, language) is None
    assert all(c in unsupported_answer(request_text, language) for c in (CAN_DO_ZH if language == "zh" else CAN_DO_EN))
