"""The planner's phase machine as data: hand-built states in, actions out, no broker and no clock.

As vLLM tests its scheduler with hand-built runner outputs, these drive ``advance`` with hand-written
step replies and check the actions it returns: which request goes where, when the result is published,
when the task is forgotten.
"""

from __future__ import annotations

from datetime import UTC, datetime

from autoglm.services.planner.advance import (
    Forget,
    Publish,
    advance,
    apply_reply,
    due,
    expire,
    mark_published,
)
from autoglm.services.planner.build import new_state
from autoglm.services.planner.requests import BUILDERS, Dispatch
from autoglm.services.planner.state import PlannerPolicy, TaskState
from autoglm.shared.events import (
    EventType,
    InferenceRequested,
    Intent,
    IntentGraph,
    IntentType,
    KbSearch,
    MemoryRecall,
    MemoryRemember,
    MemorySearch,
    ParseRequested,
    StepCompleted,
    StepKind,
    StepStatus,
    TaskRequested,
    TaskStatus,
    ToolCallRequested,
    TurnWrite,
)
from autoglm.shared.topics import (
    INFERENCE_REQUESTS,
    MEMORY_REQUESTS,
    PARSE_REQUESTS,
    STEPS_COMPLETED,
    TOOL_CALLS,
)

POLICY = PlannerPolicy(step_timeout_s=5, generation_timeout_s=10, max_attempts=3)
T0 = 1_800_000_000.0


def _state(*intents: Intent, clarification: str | None = None, language: str = "en", timeout: float = 60,
           tenant_kb: bool | None = None) -> TaskState:
    return new_state(
        task_id="t1", session_id="s1", tenant="acme", request=TaskRequested(text="request", user="u1"),
        graph=IntentGraph(language=language, intents=list(intents), clarification=clarification),
        received_at=datetime.fromtimestamp(T0, UTC), timeout_s=timeout, partition=0, policy=POLICY, tenant_kb=tenant_kb,
    )


def _calculation() -> Intent:
    return Intent(id="i1", type=IntentType.CALCULATION, tool="calculator", text="2+2", entities={"expression": "2+2"})


def _question() -> Intent:
    return Intent(id="i1", type=IntentType.QUESTION_ANSWERING, text="why is the sky blue")


def _ok(step_id: str, text: str = "", **output: object) -> StepCompleted:
    return StepCompleted(step_id=step_id, ok=True, text=text, output=dict(output), service="test")


def _dispatches(actions: list) -> list[Dispatch]:
    assert all(isinstance(a, Dispatch) for a in actions), actions
    return actions


def test_a_tool_task_from_request_to_forget() -> None:
    state = _state(_calculation())
    [call] = _dispatches(advance(state, POLICY, T0))  # self-contained: the session recall was skipped
    assert (call.topic, call.type, call.step.name) == (TOOL_CALLS, EventType.TOOL_CALL_REQUESTED, "calculator")
    assert isinstance(call.payload, ToolCallRequested) and call.payload.arguments == {"expression": "2+2"}
    assert call.payload.reply_to == STEPS_COMPLETED and call.payload.attempt == 1
    assert call.payload.deadline == datetime.fromtimestamp(T0 + 5, UTC)  # the step's timeout, before the task's
    assert call.step.status is StepStatus.RUNNING and call.step.dispatched_at == T0
    assert advance(state, POLICY, T0) == []  # nothing new until the reply

    apply_reply(state, _ok(call.step.id, "4", result=4), T0 + 1)
    [publish] = advance(state, POLICY, T0 + 1)
    assert isinstance(publish, Publish)
    assert (publish.result.status, publish.result.answer) == (TaskStatus.COMPLETED, "2+2 = 4")
    assert publish.result.duration_ms == 1000.0
    # Until the result is out, the task waits for it: the turn is written only after.
    assert [type(a) for a in advance(state, POLICY, T0 + 1)] == [Publish] and not state.result_published

    mark_published(state, T0 + 1)
    [write] = _dispatches(advance(state, POLICY, T0 + 1))
    # a calculation is kept for the session only: no embedding, and no reply asked for
    assert write.step.name == "store_turn" and write.step.acked_only and write.topic == MEMORY_REQUESTS
    assert isinstance(write.payload, TurnWrite) and write.payload.turn["answer"] == "2+2 = 4"
    assert state.phase == "remember"

    apply_reply(state, StepCompleted(step_id=write.step.id, ok=True, service="broker"), T0 + 1)
    assert advance(state, POLICY, T0 + 1) == [Forget()]
    assert state.phase == "done"
    assert advance(state, POLICY, T0 + 2) == [Forget()]  # said again until the shell lets it go


def test_recall_then_reparse_with_the_pending_question() -> None:
    state = _state(clarification="Which city's weather would you like to know?")
    [recall] = _dispatches(advance(state, POLICY, T0))
    assert isinstance(recall.payload, MemoryRecall)
    assert (recall.payload.operation, recall.payload.limit, recall.payload.user) == ("recall", POLICY.session_turns, "u1")

    turns = [{"request": "weather?", "answer": "Which city?", "status": TaskStatus.NEEDS_CLARIFICATION.value}]
    apply_reply(state, _ok(recall.step.id, turns=turns), T0 + 1)
    [parse] = _dispatches(advance(state, POLICY, T0 + 1))
    assert (parse.topic, parse.step.kind, state.phase) == (PARSE_REQUESTS, StepKind.PARSE, "reparse")
    assert isinstance(parse.payload, ParseRequested)
    assert parse.payload.pending_request == "weather?" and parse.payload.context == ["weather?", "Which city?"]

    graph = IntentGraph(language="en", intents=[
        Intent(id="i1", type=IntentType.LOOKUP, tool="weather", text="weather in Paris", entities={"city": "Paris"}),
    ])
    apply_reply(state, _ok(parse.step.id, graph=graph.model_dump(mode="json")), T0 + 2)
    [weather] = _dispatches(advance(state, POLICY, T0 + 2))
    assert weather.step.name == "weather" and weather.payload.arguments == {"city": "Paris"}
    assert state.reparsed and state.phase == "execute"


def test_a_failed_recall_still_plans_without_the_session() -> None:
    state = _state(_question(), tenant_kb=False)  # a tenant without documents: no knowledge-base search first
    [recall] = _dispatches(advance(state, POLICY, T0))
    apply_reply(state, StepCompleted(step_id=recall.step.id, ok=False, error="store closed", service="memory"), T0)
    actions = _dispatches(advance(state, POLICY, T0))
    # the long-term search goes out with the request's text (memory embeds it); the generation waits on it
    assert [(a.topic, a.step.name) for a in actions] == [(MEMORY_REQUESTS, "long_term_search")]
    assert isinstance(actions[0].payload, MemorySearch)
    assert (actions[0].payload.operation, actions[0].payload.query, actions[0].payload.vector) == ("search", "request", None)
    assert state.turns == []


def test_a_failed_memory_search_leaves_the_generation_going() -> None:
    state = _state(_question(), tenant_kb=False)
    [recall] = _dispatches(advance(state, POLICY, T0))
    apply_reply(state, _ok(recall.step.id, turns=[]), T0)
    [search] = _dispatches(advance(state, POLICY, T0))
    apply_reply(state, StepCompleted(step_id=search.step.id, ok=False, error="bad input", service="memory"), T0)
    [generate] = _dispatches(advance(state, POLICY, T0))
    assert search.step.status is StepStatus.FAILED and search.step.id in generate.step.depends_on
    assert isinstance(generate.payload, InferenceRequested) and generate.payload.operation == "generate"


def _kb_state() -> TaskState:
    return _state(Intent(id="i1", type=IntentType.QUESTION_ANSWERING, tool="kb_search", text="How long is the refund window?",
                         entities={"query": "refund window"}))


PASSAGE = {"text": "Customers can ask for a refund within 14 days of delivery. Refunds reach the card in 5 business days.",
           "source": "/kb/refunds.md", "heading": "Refund window", "citation": "Refund policy § Refund window", "score": 0.7}


def test_an_empty_knowledge_base_is_answered_by_the_planner() -> None:
    state = _kb_state()
    [recall] = _dispatches(advance(state, POLICY, T0))
    apply_reply(state, _ok(recall.step.id, turns=[]), T0)
    [search] = _dispatches(advance(state, POLICY, T0))  # no embedding step: memory embeds the query
    assert isinstance(search.payload, KbSearch) and search.payload.operation == "kb_search"
    assert search.payload.vector is None and search.payload.query == "refund window"
    apply_reply(state, _ok(search.step.id, passages=[]), T0)
    [publish] = advance(state, POLICY, T0)  # no model call: the answer says nothing was found
    assert isinstance(publish, Publish)
    assert publish.result.answer == "No matching passages were found in the knowledge base."
    assert publish.result.answer_source == "template"


def test_a_knowledge_base_answer_is_its_extract_without_a_model() -> None:
    state = _kb_state()
    [recall] = _dispatches(advance(state, POLICY, T0))
    apply_reply(state, _ok(recall.step.id, turns=[]), T0)
    [search] = _dispatches(advance(state, POLICY, T0))
    extract = {"text": "Customers can ask for a refund within 14 days of delivery.", "passage": 0}
    apply_reply(state, _ok(search.step.id, passages=[PASSAGE], extract=extract), T0)
    [publish] = advance(state, POLICY, T0)
    assert isinstance(publish, Publish) and publish.result.answer_source == "extract"
    assert publish.result.answer == ("Customers can ask for a refund within 14 days of delivery.\nSources:\n"
                                     "[1] Refund policy § Refund window (/kb/refunds.md)")
    assert state.grounded  # worth a long-term memory
    [answer] = [s for s in publish.result.steps if s.name == "kb_answer"]
    assert answer.summary.startswith("Customers can ask")


def test_a_rephrasing_that_changes_a_number_is_rejected() -> None:
    policy = POLICY.model_copy(update={"kb_rephrase": "always"})
    state = _kb_state()
    [recall] = _dispatches(advance(state, policy, T0))
    apply_reply(state, _ok(recall.step.id, turns=[]), T0)
    [search] = _dispatches(advance(state, policy, T0))
    extract = {"text": "Customers can ask for a refund within 14 days of delivery.", "passage": 0}
    apply_reply(state, _ok(search.step.id, passages=[PASSAGE], extract=extract), T0)
    [rephrase] = _dispatches(advance(state, policy, T0))
    assert rephrase.topic == INFERENCE_REQUESTS and isinstance(rephrase.payload, InferenceRequested)
    assert "14 days" in rephrase.payload.messages[-1].content and not rephrase.payload.stream
    apply_reply(state, _ok(rephrase.step.id, "You have 30 days to ask for a refund."), T0)
    [publish] = advance(state, policy, T0)
    assert publish.result.answer_source == "extract" and "14 days" in publish.result.answer
    assert "30" not in publish.result.answer
    [answer] = [s for s in publish.result.steps if s.name == "kb_answer"]
    assert answer.summary.startswith("rephrasing rejected (not in the cited passages: numbers 30)")


def test_the_deadline_fails_what_is_unfinished_and_then_the_turn_is_still_written() -> None:
    state = _state(_calculation(), timeout=3)
    [call] = _dispatches(advance(state, POLICY, T0))
    assert not due(state, T0 + 2)
    assert due(state, T0 + 3)
    [publish] = expire(state, POLICY, T0 + 3)
    assert isinstance(publish, Publish) and publish.result.status is TaskStatus.FAILED
    assert publish.result.error == "deadline of 3s exceeded; unfinished: s1 (calculator)"
    assert call.step.status is StepStatus.FAILED
    mark_published(state, T0 + 3)
    [write] = _dispatches(advance(state, POLICY, T0 + 3))
    assert write.step.name == "store_turn"
    assert expire(state, POLICY, T0 + 4) == []  # one result per task


def test_a_timed_out_step_is_sent_again_after_its_backoff() -> None:
    state = _state(_calculation())
    [call] = _dispatches(advance(state, POLICY, T0))
    assert due(state, T0 + 5) and expire(state, POLICY, T0 + 5) == []
    assert call.step.status is StepStatus.PENDING
    assert advance(state, POLICY, T0 + 5) == []  # backing off
    [again] = _dispatches(advance(state, POLICY, T0 + 5 + POLICY.retry_backoff_s))
    assert again.step is call.step and again.payload.attempt == 2


def test_a_stated_fact_is_remembered_and_acknowledged_without_a_model() -> None:
    state = _state(Intent(id="i1", type=IntentType.CHITCHAT, text="remember I like tea",
                          entities={"memory": "I like tea", "memory_kind": "preference"}))
    [recall] = _dispatches(advance(state, POLICY, T0))
    apply_reply(state, _ok(recall.step.id, turns=[]), T0)
    [remember] = _dispatches(advance(state, POLICY, T0))
    request = remember.payload
    assert isinstance(request, MemoryRemember) and request.operation == "remember"
    assert (request.text, request.kind, request.vector, request.user) == ("I like tea", "preference", None, "u1")
    assert request.source == "task:t1"
    output = {"text": "I like tea", "kind": "preference", "action": "created"}
    apply_reply(state, StepCompleted(step_id=remember.step.id, ok=True, output=output, service="memory"), T0)
    [publish] = advance(state, POLICY, T0)
    assert publish.result.answer == "Got it, I'll remember your preference: I like tea"
    assert publish.result.answer_source == "template"


def test_after_the_result_the_write_waits_for_no_reply_and_says_whether_the_answer_is_grounded() -> None:
    state = _state(_question())
    state.steps[0].status = StepStatus.SKIPPED
    state.phase, state.result_published, state.answer = "execute", True, "blue"
    for step in state.steps:
        step.status = StepStatus.COMPLETED if step.status is StepStatus.PENDING else step.status
    [write] = _dispatches(advance(state, POLICY, T0))
    assert write.step.acked_only and not hasattr(write.payload, "vector")  # memory embeds what it keeps
    assert write.payload.turn["grounded"] is False  # a model's answer is no fact to recall elsewhere


def test_every_kind_a_plan_holds_has_a_request_builder() -> None:
    assert set(BUILDERS) == set(StepKind) - {StepKind.COMPOSE}


def test_progress_reports_the_plan_then_each_change_for_tasks_that_ask() -> None:
    from autoglm.services.planner.compose import progress_report

    quiet = _state(_calculation())
    advance(quiet, POLICY, T0)
    assert progress_report(quiet) is None  # the request did not ask

    state = _state(_calculation())
    state.request = TaskRequested(text="request", user="u1", report_progress=True)
    [call] = _dispatches(advance(state, POLICY, T0))
    plan = progress_report(state)
    assert plan is not None and plan.kind == "plan" and plan.task_id == "t1"
    assert [(s.id, s.name, s.status.value) for s in plan.steps] == [
        ("s0", "recall", "skipped"), (call.step.id, "calculator", "running")]
    assert [i["id"] for i in plan.intents] == ["i1"]
    assert progress_report(state) is None  # nothing changed since

    apply_reply(state, StepCompleted(step_id=call.step.id, ok=False, error="timeout", service="tool_executor"), T0 + 1)
    step = progress_report(state)
    assert step is not None and step.kind == "step" and [s.status.value for s in step.steps] == ["pending"]
    [retry] = _dispatches(advance(state, POLICY, T0 + 2))
    apply_reply(state, _ok(retry.step.id, "4", result=4), T0 + 3)
    [publish] = advance(state, POLICY, T0 + 3)
    mark_published(state, T0 + 3)
    assert progress_report(state) is None  # the result carries every step; the stream ends with it


def _generation(state: TaskState) -> Dispatch | None:
    """Drive a state, completing the other steps, to its first generation dispatch."""
    for _ in range(5):
        dispatches = [a for a in advance(state, POLICY, T0) if isinstance(a, Dispatch)]
        for d in dispatches:
            if d.step.kind is StepKind.GENERATE:
                return d
            apply_reply(state, _ok(d.step.id, turns=[], memories=[]))
    return None


def test_writing_the_model_is_not_trusted_in_is_not_asked_of_it() -> None:
    from autoglm.services.planner.language import not_trusted

    writing = Intent(id="i1", type=IntentType.CREATIVE_WRITING, text="写一条通知：周五下午三点开会")
    state = _state(writing, language="zh")
    step = _generation(state).step
    assert not_trusted(state, step, {}) is None  # nothing known of the model yet: ask it
    assert not_trusted(state, step, {"creative_writing": ["*"]}) is None
    assert not_trusted(state, step, {"creative_writing": ["zh", "en"]}) is None
    assert not_trusted(state, step, {"question_answering": ["en"]}) is None  # known for another task type only
    assert not_trusted(state, step, {"creative_writing": ["en"]}) == ["en"]
    english = _state(Intent(id="i1", type=IntentType.CREATIVE_WRITING, text="Write a notice: meeting at 3 on Friday"))
    assert not_trusted(english, _generation(english).step, {"creative_writing": ["en"]}) is None
    question = _state(Intent(id="i1", type=IntentType.QUESTION_ANSWERING, text="天为什么是蓝的"), language="zh")
    assert not_trusted(question, _generation(question).step, {"question_answering": ["en"]}) is None
