"""Planner DAG logic without Kafka: building, ordering, dependencies, failures, timeouts, composition."""

from __future__ import annotations

from datetime import UTC, datetime

from autoglm.services.planner.advance import (
    apply_reply,
    expire_steps,
    mark_dispatched,
    needs_reparse,
    ready_steps,
)
from autoglm.services.planner.build import (
    add_remember_steps,
    build_execution,
    new_state,
    self_contained,
    tool_arguments,
)
from autoglm.services.planner.compose import compose, executed_steps
from autoglm.services.planner.requests import context_lines, generation_messages, pending_request
from autoglm.services.planner.state import PlannerPolicy, TaskState, execution_finished
from autoglm.shared.events import (
    Intent,
    IntentGraph,
    IntentType,
    StepCompleted,
    StepKind,
    StepStatus,
    TaskRequested,
    TaskStatus,
)

POLICY = PlannerPolicy(step_timeout_s=5, generation_timeout_s=10, max_attempts=3, long_term_limit=0)
T0 = 1_800_000_000.0


def state_for(graph: IntentGraph, text: str = "request", timeout: float = 60, tenant_kb: bool | None = None) -> TaskState:
    return new_state(
        task_id="t1",
        session_id="s1",
        tenant="acme",
        request=TaskRequested(text=text),
        graph=graph,
        received_at=datetime.fromtimestamp(T0, UTC),
        timeout_s=timeout,
        partition=0,
        policy=POLICY,
        tenant_kb=tenant_kb,
    )


def weather_then_copy() -> IntentGraph:
    return IntentGraph(
        language="zh",
        intents=[
            Intent(id="i1", type=IntentType.LOOKUP, tool="weather", text="查询北京明天的天气",
                   entities={"city": "北京", "date": "2026-11-26"}),
            Intent(id="i2", type=IntentType.CREATIVE_WRITING, text="生成一段提醒文案", depends_on=["i1"]),
        ],
    )


def ok(step_id: str, text: str = "", **output: object) -> StepCompleted:
    return StepCompleted(step_id=step_id, ok=True, text=text, output=dict(output), service="test")


def fail(step_id: str, error: str) -> StepCompleted:
    return StepCompleted(step_id=step_id, ok=False, error=error, service="test")


def run_recall(state: TaskState, turns: list | None = None) -> None:
    if state.steps[0].status is not StepStatus.SKIPPED:  # a self-contained request skips it
        [recall] = ready_steps(state, T0)
        assert recall.kind is StepKind.RECALL
        mark_dispatched(recall, T0)
        apply_reply(state, ok(recall.id, turns=turns or []), T0 + 0.01)
    state.turns = turns or []
    build_execution(state, POLICY)


def test_recall_comes_first_then_dependency_order() -> None:
    state = state_for(weather_then_copy())
    run_recall(state)
    ready = ready_steps(state, T0)
    assert [(s.kind, s.name) for s in ready] == [(StepKind.TOOL, "weather")]
    weather = ready[0]
    assert weather.arguments == {"city": "北京", "date": "2026-11-26"}
    mark_dispatched(weather, T0)
    assert ready_steps(state, T0) == []  # the copy waits for the weather
    apply_reply(state, ok(weather.id, "北京 2026-11-26 晴 3~12°C"), T0 + 0.1)
    [copy] = ready_steps(state, T0)
    assert copy.kind is StepKind.GENERATE and copy.task_type == "creative_writing"
    messages = generation_messages(state, copy)
    assert "晴 3~12°C" in messages[-1]["content"]  # the dependent step receives its input's output


def test_session_recall_is_skipped_only_when_nothing_can_use_it() -> None:
    calc = IntentGraph(language="en", intents=[
        Intent(id="i1", type=IntentType.CALCULATION, tool="calculator", text="2+2", entities={"expression": "2+2"}),
    ])
    assert state_for(calc).steps[0].status is StepStatus.SKIPPED
    referent = IntentGraph(language="en", intents=[
        Intent(id="i1", type=IntentType.TRANSLATION, text="translate that", entities={"referent": "x"}),
    ])
    asks = IntentGraph(language="zh", intents=[], clarification="请问您想查询哪个城市的天气？")
    for graph in (weather_then_copy(), referent, asks):
        state = state_for(graph)
        assert [s.kind for s in ready_steps(state, T0)] == [StepKind.RECALL]


def test_independent_intents_are_ready_together() -> None:
    graph = IntentGraph(
        language="en",
        intents=[
            Intent(id="i1", type=IntentType.CALCULATION, tool="calculator", text="2+2", entities={"expression": "2+2"}),
            Intent(id="i2", type=IntentType.LOOKUP, tool="datetime", text="what time is it"),
        ],
    )
    state = state_for(graph)
    run_recall(state)
    assert {s.name for s in ready_steps(state, T0)} == {"calculator", "datetime"}


def test_failed_input_skips_dependents_and_answer_says_what_failed() -> None:
    state = state_for(weather_then_copy())
    run_recall(state)
    [weather] = ready_steps(state, T0)
    mark_dispatched(weather, T0)
    apply_reply(state, fail(weather.id, "city not found: 北京"), T0 + 0.1)
    assert weather.status is StepStatus.FAILED  # a refusal is not retried
    assert ready_steps(state, T0) == []
    copy = state.steps[-1]
    assert copy.status is StepStatus.SKIPPED and "failed" in (copy.error or "")
    assert execution_finished(state)
    status, answer, error = compose(state)
    assert status is TaskStatus.FAILED
    assert "city not found" in answer and error


def test_partial_answer_when_one_of_two_fails() -> None:
    graph = IntentGraph(
        language="en",
        intents=[
            Intent(id="i1", type=IntentType.CALCULATION, tool="calculator", text="2+2", entities={"expression": "2+2"}),
            Intent(id="i2", type=IntentType.LOOKUP, tool="weather", text="weather in Oslo", entities={"city": "Oslo"}),
        ],
    )
    state = state_for(graph)
    run_recall(state)
    calc, weather = ready_steps(state, T0)
    for s in (calc, weather):
        mark_dispatched(s, T0)
    apply_reply(state, ok(calc.id, "4", result=4), T0 + 0.1)
    apply_reply(state, fail(weather.id, "host not allowed"), T0 + 0.1)
    status, answer, error = compose(state)
    assert status is TaskStatus.PARTIAL
    assert "2+2 = 4" in answer and "host not allowed" in answer
    assert error and error.startswith("partial")


def test_timeouts_retry_idempotent_steps_with_backoff_then_fail() -> None:
    state = state_for(weather_then_copy())
    run_recall(state)
    [weather] = ready_steps(state, T0)
    now = T0
    for attempt in range(1, POLICY.max_attempts + 1):
        mark_dispatched(weather, now)
        assert weather.attempts == attempt
        now += weather.timeout_s + 0.01
        expire_steps(state, now, backoff_s=0.5)
        if attempt < POLICY.max_attempts:
            assert weather.status is StepStatus.PENDING
            assert ready_steps(state, now) == []  # waits for the backoff
            now = weather.dispatched_at or now
            assert ready_steps(state, now) == [weather]
    assert weather.status is StepStatus.FAILED and "timed out" in (weather.error or "")


def test_transient_error_is_retried_but_refusal_is_not() -> None:
    state = state_for(weather_then_copy())
    run_recall(state)
    [weather] = ready_steps(state, T0)
    mark_dispatched(weather, T0)
    apply_reply(state, fail(weather.id, "upstream timeout"), T0 + 1)
    assert weather.status is StepStatus.PENDING
    mark_dispatched(weather, T0 + 2)
    apply_reply(state, fail(weather.id, "refused: host not in allowlist"), T0 + 3)
    assert weather.status is StepStatus.FAILED


def test_duplicate_and_stray_replies_are_ignored() -> None:
    state = state_for(weather_then_copy())
    run_recall(state)
    [weather] = ready_steps(state, T0)
    mark_dispatched(weather, T0)
    assert apply_reply(state, ok(weather.id, "first"), T0 + 1) is not None
    assert apply_reply(state, ok(weather.id, "second"), T0 + 2) is None
    assert weather.text == "first"
    assert apply_reply(state, ok("s99", "stray"), T0 + 2) is None


def test_clarification_composes_a_question() -> None:
    graph = IntentGraph(language="zh", intents=[], clarification="你想查询什么？")
    state = state_for(graph)
    run_recall(state)
    assert execution_finished(state)
    status, answer, _ = compose(state)
    assert status is TaskStatus.NEEDS_CLARIFICATION and answer == "你想查询什么？"


def test_reparse_when_previous_turn_asked_a_question() -> None:
    state = state_for(IntentGraph(language="zh", intents=[Intent(id="i1", type=IntentType.CHITCHAT, text="北京")]))
    state.turns = [{"request": "查一下天气", "answer": "哪个城市？", "status": "needs_clarification"}]
    assert needs_reparse(state)
    state.reparsed = True
    assert not needs_reparse(state)
    assert context_lines(state.turns) == ["查一下天气", "哪个城市？"]
    assert pending_request(state) == "查一下天气"


def test_reparse_a_number_asked_about_the_last_exact_result() -> None:
    # parsed alone, "ok so what would 12 mugs cost at that price" is no sum; with the turn that priced one mug it is
    request = "ok so what would 12 mugs cost at that price"
    state = state_for(IntentGraph(language="en", intents=[Intent(id="i1", type=IntentType.QUESTION_ANSWERING, text=request)]))
    state.request = state.request.model_copy(update={"text": request})
    priced = {"request": "A set of 6 mugs is 21. How much is that per mug?", "answer": "21/6 = 3.5", "status": "completed",
              "intents": [{"id": "i1", "tool": "calculator", "entities": {"expression": "21/6"}, "result": 3.5}]}
    state.turns = [priced]
    assert needs_reparse(state)
    state.turns = [{**priced, "intents": [{"id": "i1", "tool": None, "entities": {}}]}]  # nothing exact before
    assert not needs_reparse(state)


def test_state_round_trips_through_a_checkpoint() -> None:
    state = state_for(weather_then_copy())
    run_recall(state)
    [weather] = ready_steps(state, T0)
    mark_dispatched(weather, T0)
    restored = TaskState.model_validate_json(state.model_dump_json())
    assert restored == state


def _answered(graph: IntentGraph) -> TaskState:
    state = state_for(graph)
    run_recall(state)
    for step in ready_steps(state, T0):
        mark_dispatched(step, T0)
        apply_reply(state, ok(step.id, "answer", result=4), T0 + 0.1)
    state.status, state.answer, _ = compose(state)
    state.result_published = True
    return state


def test_remember_steps_run_after_the_result() -> None:
    graph = IntentGraph(language="en", intents=[Intent(id="i1", type=IntentType.LOOKUP, tool="weather",
                                                        text="weather in Paris", entities={"city": "Paris"})])
    state = _answered(graph)
    add_remember_steps(state, POLICY)
    [store] = ready_steps(state, T0)
    # one write, no embedding: the memory service embeds a turn only when it keeps it long-term
    assert store.name == "store_turn" and store.depends_on == [] and store.after_result and store.acked_only
    assert not [s for s in state.steps if s.kind is StepKind.EMBED]
    assert [s.id for s in executed_steps(state)] == ["s0", "s1"]  # memory writes aren't part of the answer's path


def test_sql_arguments_never_splice_untrusted_text() -> None:
    assert tool_arguments("sql_query", {"order_id": "1024"}, "") == {
        "query": "SELECT * FROM orders WHERE order_id = 1024"
    }
    args = tool_arguments("sql_query", {"order_id": "1; DROP TABLE orders"}, "订单")
    assert "DROP" not in args["query"] or args["query"] == "订单"


def test_long_term_memory_is_context_not_a_hard_input() -> None:
    policy = POLICY.model_copy(update={"long_term_limit": 3})
    state = state_for(weather_then_copy())
    [recall] = ready_steps(state, T0)
    mark_dispatched(recall, T0)
    apply_reply(state, ok(recall.id, turns=[]), T0)
    build_execution(state, policy)
    ready = ready_steps(state, T0)
    assert {s.name for s in ready} == {"long_term_search", "weather"}
    search = next(s for s in ready if s.name == "long_term_search")
    weather = next(s for s in ready if s.name == "weather")
    assert search.optional and search.arguments["query"] == state.request.text
    for s in ready:
        mark_dispatched(s, T0)
    apply_reply(state, fail(search.id, "ValueError: memory down"), T0 + 0.2)
    apply_reply(state, ok(weather.id, "北京 晴"), T0 + 0.2)
    [copy] = ready_steps(state, T0)
    assert copy.kind is StepKind.GENERATE  # runs although its optional context failed
    assert search.id in copy.depends_on


def test_memory_hits_reach_the_prompt_as_labelled_context() -> None:
    policy = POLICY.model_copy(update={"long_term_limit": 3})
    graph = IntentGraph(language="en", intents=[Intent(id="i1", type=IntentType.QUESTION_ANSWERING,
                                                        text="what is my favourite colour?")])
    state = state_for(graph, tenant_kb=False)
    [recall] = ready_steps(state, T0)
    mark_dispatched(recall, T0)
    apply_reply(state, ok(recall.id, turns=[]), T0)
    build_execution(state, policy)
    [search] = ready_steps(state, T0)
    mark_dispatched(search, T0)
    apply_reply(state, ok(search.id, hits=[{"text": "favourite colour: teal", "score": 0.9, "kind": "fact"}]), T0)
    [gen] = ready_steps(state, T0)
    prompt = generation_messages(state, gen)[-1]["content"]
    assert "source=memory>>>" in prompt and "favourite colour: teal" in prompt  # delimited and labelled data


def test_self_contained_tool_plans_do_not_wait_for_the_recall() -> None:
    calc = IntentGraph(language="en", intents=[Intent(id="i1", type=IntentType.CALCULATION, tool="calculator",
                                                       text="2+2", entities={"expression": "2+2"})])
    assert self_contained(state_for(calc))
    assert not self_contained(state_for(weather_then_copy()))  # the copy's prompt uses the session
    asked = IntentGraph(language="zh", intents=[], clarification="哪个城市？")
    assert not self_contained(state_for(asked))
    referent = IntentGraph(language="zh", intents=[Intent(id="i1", type=IntentType.LOOKUP, tool="weather", text="上海呢",
                                                          entities={"city": "上海", "referent": "x"})])
    assert not self_contained(state_for(referent))


def test_writing_whose_model_step_failed_is_answered_by_its_plain_draft() -> None:
    """A busy machine's deadline on the copywriting step: the reminder is written from the forecast without the
    model (as when the model's text is rejected), and the task completes; a poem has no plain draft and fails."""
    state = state_for(weather_then_copy(), "查询北京明天的天气并生成一段提醒文案")
    run_recall(state)
    [weather] = ready_steps(state, T0)
    mark_dispatched(weather, T0)
    day = {"date": "2026-11-26", "weather": "Clear", "weather_zh": "晴", "temperature_min": 3,
           "temperature_max": 12, "precipitation_probability_max": 60}
    apply_reply(state, ok(weather.id, "北京 2026-11-26", city="北京", days=[day]), T0 + 0.1)
    [copy] = ready_steps(state, T0)
    mark_dispatched(copy, T0)
    apply_reply(state, fail(copy.id, "generation timed out"), T0 + 0.2)
    assert copy.status is StepStatus.FAILED
    status, answer, error = compose(state)
    assert status is TaskStatus.COMPLETED and error is None, answer
    assert "温馨提醒：北京2026-11-26晴" in answer and "带伞" in answer

    poem = IntentGraph(language="en", intents=[Intent(id="i1", type=IntentType.CREATIVE_WRITING,
                                                      text="Write a haiku about autumn rain")])
    state = state_for(poem, "Write a haiku about autumn rain")
    run_recall(state)
    [step] = ready_steps(state, T0)
    mark_dispatched(step, T0)
    apply_reply(state, fail(step.id, "generation timed out"), T0 + 0.2)
    status, answer, error = compose(state)
    assert status is TaskStatus.FAILED and "generation timed out" in (error or "")


def test_a_plain_draft_in_place_of_text_cut_at_its_deadline_is_whole() -> None:
    """The model's copy was cut off at its deadline and rejected (it misses the forecast): the reminder written from
    the forecast replaces it, whole: no "cut off" mark, and the task completes."""
    state = state_for(weather_then_copy(), "查询北京明天的天气并生成一段提醒文案")
    run_recall(state)
    [weather] = ready_steps(state, T0)
    mark_dispatched(weather, T0)
    day = {"date": "2026-11-26", "weather": "Clear", "weather_zh": "晴", "temperature_min": 3, "temperature_max": 12,
           "precipitation_probability_max": 10}
    apply_reply(state, ok(weather.id, "北京 2026-11-26", city="北京", days=[day]), T0 + 0.1)
    [copy] = ready_steps(state, T0)
    mark_dispatched(copy, T0)
    apply_reply(state, ok(copy.id, "Dear friends, the weather", finish_reason="deadline", truncated="deadline"),
                T0 + 0.2)
    status, answer, error = compose(state)
    assert status is TaskStatus.COMPLETED and error is None, (answer, error)
    assert "温馨提醒：北京2026-11-26晴" in answer and "截止" not in answer
