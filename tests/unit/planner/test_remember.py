"""Plans for "remember this" requests, from the real parser's graph: an embed step and a memory step
(op ``remember``) per stated fact, an acknowledgement in the user's language without a model, and
generation steps of the same request that see the fact."""

from __future__ import annotations

from datetime import datetime

from autoglm.services.parser.pipeline import parse_request
from autoglm.services.planner.advance import apply_reply, mark_dispatched, ready_steps
from autoglm.services.planner.build import build_execution
from autoglm.services.planner.compose import acknowledgement, compose, executed_steps
from autoglm.services.planner.requests import turn_record
from autoglm.services.planner.state import PlannerPolicy, PlanStep, TaskState, execution_finished
from autoglm.shared.events import StepCompleted, StepKind, StepStatus, TaskStatus

from .test_plan import POLICY, T0, ok, state_for

NOW = datetime.fromisoformat("2026-11-25T10:00:00+08:00")


def planned(text: str, policy: PlannerPolicy = POLICY) -> TaskState:
    state = state_for(parse_request(text, now=NOW), text=text, tenant_kb=False)  # a tenant without documents
    [recall] = ready_steps(state, T0)
    mark_dispatched(recall, T0)
    apply_reply(state, ok(recall.id, turns=[]), T0)
    build_execution(state, policy)
    return state


def finish(state: TaskState, step: PlanStep, **output: object) -> None:
    mark_dispatched(step, T0)
    apply_reply(state, StepCompleted(step_id=step.id, ok=True, output=output, service="test"), T0 + 0.1)


def test_remember_request_becomes_a_memory_step_and_an_acknowledgement() -> None:
    state = planned("记住我喜欢喝无糖的咖啡")
    [store] = ready_steps(state, T0)  # the memory service embeds the fact itself
    assert (store.kind, store.name, store.intent_id) == (StepKind.REMEMBER, "remember", "i1")
    assert store.arguments["text"] == "我喜欢喝无糖的咖啡" and store.arguments["kind"] == "preference"
    assert store.arguments["confidence"] == POLICY.remember_confidence and store.idempotent
    finish(state, store, id="m1", action="created", text="我喜欢喝无糖的咖啡", kind="preference")
    assert execution_finished(state)
    status, answer, error = compose(state)
    assert status is TaskStatus.COMPLETED and error is None
    assert answer == "好的，我记住您的偏好了：我喜欢喝无糖的咖啡"
    steps = executed_steps(state)
    assert [(s.kind, s.name) for s in steps][-1:] == [(StepKind.REMEMBER, "remember")]
    assert steps[-1].summary == "我喜欢喝无糖的咖啡"
    # the acknowledgement is not kept as an answer memory: the fact itself is stored
    state.status, state.answer = status, answer
    assert turn_record(state)["keep"] is False


def test_acknowledgement_follows_language_kind_and_what_the_store_did() -> None:
    fact = {"action": "created", "text": "our office is in Hangzhou", "kind": "fact"}
    assert acknowledgement(fact, zh=False) == "Got it, I'll remember that: our office is in Hangzhou"
    assert (
        acknowledgement({**fact, "action": "kept"}, zh=True)
        == "我之前记下的是：our office is in Hangzhou，已保留。"
    )
    assert "preference" in acknowledgement({**fact, "kind": "preference"}, zh=False)


def test_failed_memory_write_is_named_in_the_answer() -> None:
    state = planned("remember that I prefer window seats")
    [store] = ready_steps(state, T0)
    mark_dispatched(store, T0)
    apply_reply(
        state, StepCompleted(step_id=store.id, ok=False, error="ValueError: bad", service="memory"), T0
    )
    status, answer, error = compose(state)
    assert status is TaskStatus.FAILED and "not done" in answer and "bad" in (error or "")


def test_remember_and_weather_run_side_by_side() -> None:
    state = planned("记住我住在上海，然后查一下明天的天气")
    ready = {s.name: s for s in ready_steps(state, T0)}
    assert set(ready) == {"remember", "weather"}  # independent: neither waits for the other
    assert ready["weather"].arguments["city"] == "上海"
    finish(state, ready["weather"])
    store = ready["remember"]
    finish(state, store, id="m1", action="created", text="我住在上海", kind="fact")
    assert compose(state)[1].startswith("1. 好的，我记住了：我住在上海")
    assert turn_record(state)["keep"] is True  # the weather answer is worth keeping


def test_generation_in_the_same_request_waits_for_the_stated_fact() -> None:
    policy = POLICY.model_copy(update={"long_term_limit": 3})
    state = planned("Please remember that I am allergic to peanuts, then recommend a snack", policy)
    remember = next(s for s in state.steps if s.name == "remember")
    search = next(s for s in state.steps if s.name == "long_term_search")
    assert remember.id in search.depends_on
    # the long-term search looks for the whole request, never the fact alone
    assert search.arguments["query"] == state.request.text
    assert not [s for s in state.steps if s.kind is StepKind.EMBED]
    finish(state, remember, id="m1", action="created", text="I am allergic to peanuts", kind="fact")
    [ready] = ready_steps(state, T0)
    assert ready is search and search.status is StepStatus.PENDING
