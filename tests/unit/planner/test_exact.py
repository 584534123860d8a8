"""Exact things done exactly, and generations that degrade at their deadline (issue 16 items 2, 5, 7), driven
through ``advance`` with hand-written replies."""

from __future__ import annotations

from datetime import UTC, datetime

from autoglm.services.planner.advance import Publish, advance, apply_reply, expire_steps
from autoglm.services.planner.build import new_state
from autoglm.services.planner.requests import Dispatch, turn_record
from autoglm.services.planner.state import PlannerPolicy, TaskState
from autoglm.shared.events import (
    InferenceRequested,
    Intent,
    IntentGraph,
    IntentType,
    StepCompleted,
    StepStatus,
    TaskRequested,
    TaskStatus,
    ToolCallRequested,
)

POLICY = PlannerPolicy(step_timeout_s=5, generation_timeout_s=30, max_attempts=3, long_term_limit=0)
T0 = 1_800_000_000.0


def _calc(iid: str, expression: str, depends_on: list[str] | None = None, text: str = "") -> Intent:
    return Intent(id=iid, type=IntentType.CALCULATION, tool="calculator", text=text or expression,
                  entities={"expression": expression}, depends_on=depends_on or [])


def _state(*intents: Intent, language: str = "zh", timeout: float = 120) -> TaskState:
    return new_state(
        task_id="t1", session_id="s1", tenant="acme", request=TaskRequested(text="request", user="u1"),
        graph=IntentGraph(language=language, intents=list(intents)),
        received_at=datetime.fromtimestamp(T0, UTC), timeout_s=timeout, partition=0, policy=POLICY,
    )


def _ok(step_id: str, text: str = "", **output: object) -> StepCompleted:
    return StepCompleted(step_id=step_id, ok=True, text=text, output=dict(output), service="test")


def _one(actions: list) -> Dispatch:
    [action] = actions
    assert isinstance(action, Dispatch), actions
    return action


def _published(actions: list) -> Publish:
    [action] = actions
    assert isinstance(action, Publish), actions
    return action


def test_a_chained_calculation_gets_the_earlier_result_as_a_number() -> None:
    state = _state(_calc("i1", "250*0.8"), _calc("i2", "{i1}-20", ["i1"], "再减去优惠券的20元"))
    first = _one(advance(state, POLICY, T0))  # self-contained: no recall
    assert isinstance(first.payload, ToolCallRequested) and first.payload.arguments == {"expression": "250*0.8"}
    apply_reply(state, _ok(first.step.id, "200", expression="250*0.8", result=200), T0)
    second = _one(advance(state, POLICY, T0))
    assert second.step.name == "calculator" and second.payload.arguments == {"expression": "200-20"}
    apply_reply(state, _ok(second.step.id, "180", expression="200-20", result=180), T0)
    result = _published(advance(state, POLICY, T0)).result
    assert result.status is TaskStatus.COMPLETED
    # each step says which part of the request it answers, and the chain ends with its final number
    assert result.answer == "1. 250*0.8 = 200\n2. 再减去优惠券的20元：200-20 = 180\n最终结果：180"
    assert not any(s.kind.value == "generation" for s in result.steps)  # no model anywhere
    intents = turn_record(state)["intents"]
    assert [i.get("result") for i in intents] == [200, 180]  # the next turn can go on from 180


def test_a_chain_from_a_date_difference_states_each_step_and_the_final_number() -> None:
    days = Intent(id="i1", type=IntentType.LOOKUP, tool="datetime", text="How many days from 2026-05-01 to 2026-06-15",
                  entities={"operation": "diff", "start": "2026-05-01", "end": "2026-06-15"})
    weeks = _calc("i2", "{i1}/7", ["i1"], "And in weeks?")
    state = _state(days, weeks, language="en")
    first = _one(advance(state, POLICY, T0))
    apply_reply(state, _ok(first.step.id, operation="diff", difference_days=45.0, difference_seconds=3888000.0), T0)
    second = _one(advance(state, POLICY, T0))
    assert second.payload.arguments == {"expression": "45/7"}
    apply_reply(state, _ok(second.step.id, expression="45/7", result=45 / 7), T0)
    answer = _published(advance(state, POLICY, T0)).result.answer
    assert answer == ("1. How many days from 2026-05-01 to 2026-06-15: 45 days\n2. And in weeks: 45/7 = "
                      f"{45 / 7!r}\nFinal result: ≈ 6.43")


def test_a_result_a_piece_of_writing_is_given_says_what_it_is() -> None:
    tweet = Intent(id="i2", type=IntentType.CREATIVE_WRITING, text="then write a tweet about it", depends_on=["i1"])
    state = _state(_calc("i1", "20/1.6", text="Convert 20 km to miles (1 mile = 1.6 km)"), tweet, language="en")
    for _ in range(6):
        actions = advance(state, POLICY, T0)
        if len(actions) == 1 and isinstance(actions[0], Publish):
            break
        for action in actions:
            if action.step.name == "calculator":
                apply_reply(state, _ok(action.step.id, "12.5", expression="20/1.6", result=12.5), T0)
            elif action.step.name == "recall":
                apply_reply(state, _ok(action.step.id, turns=[]), T0)
            else:
                apply_reply(state, _ok(action.step.id, "Just walked 12.5 miles!"), T0)
    answer = actions[0].result.answer
    assert answer.startswith("1. Convert 20 km to miles (1 mile = 1.6 km): 20/1.6 = 12.5\n2. "), answer
    assert "Final result" not in answer  # the answer is not a calculation only


def test_a_negative_earlier_result_goes_in_parenthesised() -> None:
    state = _state(_calc("i1", "2-5"), _calc("i2", "{i1}^2", ["i1"]))
    first = _one(advance(state, POLICY, T0))
    apply_reply(state, _ok(first.step.id, "-3", result=-3), T0)
    assert _one(advance(state, POLICY, T0)).payload.arguments == {"expression": "(-3)^2"}


def test_the_previous_turn_is_recalled_for_last() -> None:
    state = _state(_calc("i1", "{last}-30", text="then subtract 30"), language="en")
    [recall] = advance(state, POLICY, T0)
    assert recall.step.name == "recall"  # {last} needs the session: the plan is not self-contained
    turns = [{"request": "what is 15% of 80", "answer": "80*15/100 = 12", "status": "completed",
              "intents": [{"id": "i1", "tool": "calculator", "result": 12}]}]
    apply_reply(state, _ok(recall.step.id, turns=turns), T0)
    call = _one(advance(state, POLICY, T0))
    assert call.payload.arguments == {"expression": "12-30"}


def test_an_older_turn_without_a_recorded_result_is_read_from_its_answer() -> None:
    state = _state(_calc("i1", "{last}*1.08", text="what is that in euros at 1.08"), language="en")
    [recall] = advance(state, POLICY, T0)
    apply_reply(state, _ok(recall.step.id, turns=[{"request": "120*3", "answer": "120*3 = 360", "intents": []}]), T0)
    assert _one(advance(state, POLICY, T0)).payload.arguments == {"expression": "360*1.08"}


def test_no_earlier_result_fails_the_step_at_once_with_the_reason() -> None:
    state = _state(_calc("i1", "{last}-30", text="then subtract 30"), language="en")
    [recall] = advance(state, POLICY, T0)
    apply_reply(state, _ok(recall.step.id, turns=[]), T0)
    result = _published(advance(state, POLICY, T0)).result  # nothing was sent to a tool or a model
    assert result.status is TaskStatus.FAILED
    assert "no earlier result in this conversation" in result.answer


def test_a_reference_to_a_result_that_is_no_number_fails() -> None:
    weather = Intent(id="i1", type=IntentType.LOOKUP, tool="weather", text="weather", entities={"city": "Oslo"})
    state = _state(weather, _calc("i2", "{i1}+1", ["i1"]), language="en")
    first = _one(advance(state, POLICY, T0))
    apply_reply(state, _ok(first.step.id, "Oslo: 3°C", city="Oslo"), T0)
    result = _published(advance(state, POLICY, T0)).result
    assert result.status is TaskStatus.PARTIAL and "is not a single number or date" in result.answer


def test_a_generation_that_only_restates_the_result_is_a_template() -> None:
    tell = Intent(id="i2", type=IntentType.QUESTION_ANSWERING, text="告诉我结果", depends_on=["i1"])
    state = _state(_calc("i1", "3+5"), tell)
    actions = advance(state, POLICY, T0)
    call = _one(actions) if len(actions) == 1 else next(a for a in actions if a.step.name == "calculator")
    apply_reply(state, _ok(call.step.id, "8", result=8), T0)
    result = _published(advance(state, POLICY, T0)).result
    assert result.answer == "3+5 = 8"  # the calculation once, no model call, no restatement of it
    restate = next(s for s in state.steps if s.intent_id == "i2")
    assert restate.name == "restate" and restate.text == "结果是：3+5 = 8"


def test_exact_tools_read_as_their_results() -> None:
    units = Intent(id="i1", type=IntentType.CALCULATION, tool="convert_units", text="5公里是多少英里",
                   entities={"value": 5, "from_unit": "km", "to_unit": "mi"})
    days = Intent(id="i2", type=IntentType.LOOKUP, tool="datetime", text="距离元旦还有多少天",
                  entities={"operation": "diff", "start": "2026-12-06", "end": "2027-01-01"})
    state = _state(units, days)
    sent = advance(state, POLICY, T0)
    assert [d.payload.arguments for d in sent] == [
        {"value": 5, "from_unit": "km", "to_unit": "mi"},
        {"operation": "diff", "start": "2026-12-06", "end": "2027-01-01"},
    ]
    apply_reply(state, _ok(sent[0].step.id, value=5, from_unit="km", to_unit="mi", result=3.10685596119), T0)
    apply_reply(state, _ok(sent[1].step.id, operation="diff", difference_days=26.0, difference_seconds=2246400.0), T0)
    result = _published(advance(state, POLICY, T0)).result
    assert result.answer == "1. 5 km = 3.10685596119 mi\n2. 相差 26 天"


def _writing(language: str = "zh") -> TaskState:
    return _state(Intent(id="i1", type=IntentType.CREATIVE_WRITING, text="写一首关于秋天的诗"), language=language)


def _generation(state: TaskState) -> Dispatch:
    [recall] = advance(state, POLICY, T0)
    apply_reply(state, _ok(recall.step.id, turns=[]), T0)
    return _one(advance(state, POLICY, T0))


def test_a_generation_is_steered_to_the_request_language_with_a_budget() -> None:
    gen = _generation(_writing())
    assert isinstance(gen.payload, InferenceRequested)
    assert gen.payload.params == {"max_new_tokens": POLICY.token_budgets["creative_writing"], "language": "zh"}
    # its worker ends it before the step's own timeout, so the truncated text can still arrive
    assert gen.payload.deadline == datetime.fromtimestamp(T0 + POLICY.generation_timeout_s, UTC)
    assert gen.step.reply_grace_s == POLICY.generation_reply_grace_s


def test_a_generation_near_the_task_deadline_ends_before_it() -> None:
    state = _state(Intent(id="i1", type=IntentType.CREATIVE_WRITING, text="写诗"), timeout=20)
    gen = _generation(state)
    assert gen.payload.deadline == datetime.fromtimestamp(T0 + 20 - POLICY.generation_reply_grace_s, UTC)


def test_the_planner_waits_the_grace_for_a_truncated_reply() -> None:
    state = _writing()
    gen = _generation(state)
    assert expire_steps(state, T0 + POLICY.generation_timeout_s + 1) == []  # within the grace
    assert gen.step.status is StepStatus.RUNNING
    apply_reply(state, _ok(gen.step.id, "秋风起，落叶", finish_reason="deadline", truncated="deadline"),
                T0 + POLICY.generation_timeout_s + 1)
    result = _published(advance(state, POLICY, T0 + POLICY.generation_timeout_s + 1)).result
    assert result.status is TaskStatus.PARTIAL and result.truncated
    assert result.answer.startswith("秋风起，落叶") and "截止" in result.answer
    assert result.error and "cut off at its deadline" in result.error
    [step] = [s for s in result.steps if s.intent_id == "i1"]
    assert step.truncated == "deadline"


def test_a_deadline_with_no_text_is_a_failure_not_an_empty_answer() -> None:
    state = _writing("en")
    gen = _generation(state)
    apply_reply(state, _ok(gen.step.id, "", finish_reason="deadline", truncated="deadline"), T0 + 30)
    result = _published(advance(state, POLICY, T0 + 30)).result
    assert result.status is TaskStatus.FAILED and "no text was generated" in result.answer


def test_a_length_cut_is_flagged_but_complete() -> None:
    state = _writing("en")
    gen = _generation(state)
    apply_reply(state, _ok(gen.step.id, "Leaves fall", finish_reason="length", truncated="length"), T0 + 3)
    result = _published(advance(state, POLICY, T0 + 3)).result
    assert result.status is TaskStatus.COMPLETED and result.truncated


def test_a_translation_budget_follows_its_source_and_steers_to_the_target() -> None:
    state = _state(Intent(id="i1", type=IntentType.TRANSLATION, text="把 Good morning 翻译成英文",
                          entities={"target_language": "en"}))
    gen = _generation(state)
    assert gen.payload.params == {"max_new_tokens": 48 + len("把 Good morning 翻译成英文"), "language": "en"}


def test_code_is_never_steered() -> None:
    state = _state(Intent(id="i1", type=IntentType.CODE_GENERATION, text="写一个Python函数"))
    assert "language" not in _generation(state).payload.params


def test_an_answer_in_the_wrong_language_is_run_once_more_steered_harder() -> None:
    state = _writing()
    gen = _generation(state)
    apply_reply(state, _ok(gen.step.id, "Autumn leaves fall down.", finish_reason="stop"), T0 + 2, policy=POLICY)
    again = _one(advance(state, POLICY, T0 + 2))
    assert again.step is gen.step and again.payload.params["language_bias"] == 8.0
    apply_reply(state, _ok(gen.step.id, "Still English.", finish_reason="stop"), T0 + 4, policy=POLICY)
    result = _published(advance(state, POLICY, T0 + 4)).result  # once only: the second answer stands
    assert result.answer == "Still English."


def test_an_answer_in_the_right_language_is_kept() -> None:
    state = _writing()
    gen = _generation(state)
    apply_reply(state, _ok(gen.step.id, "秋风起，黄叶落。", finish_reason="stop"), T0 + 2, policy=POLICY)
    assert _published(advance(state, POLICY, T0 + 2)).result.answer == "秋风起，黄叶落。"
