"""Arithmetic answers (issue 16): a part no reader computed is answered by a template that names it and says how
to ask, without a worker; and in an answer to a word problem, a model's number that is neither in the request nor
from a tool step is never shown."""

from __future__ import annotations

from datetime import UTC, datetime

from autoglm.services.planner.arithmetic import invented_numbers, uncomputed_answer
from autoglm.services.planner.build import build_execution, new_state
from autoglm.services.planner.compose import compose
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
from autoglm.shared.word_problem import numbers_in


def state_for(graph: IntentGraph, text: str) -> TaskState:
    state = new_state(task_id="t1", session_id="s1", tenant="acme", request=TaskRequested(text=text), graph=graph,
                      received_at=datetime.now(UTC), timeout_s=60, partition=0, policy=PlannerPolicy())
    for step in state.steps:
        step.status = StepStatus.COMPLETED
    return state


def _uncomputed(i: str, text: str) -> Intent:
    return Intent(id=i, type=IntentType.CALCULATION, text=text, entities={"uncomputed": True})


def test_an_uncomputed_part_is_said_plainly_without_a_worker() -> None:
    text = "A sofa is 4,299 with 12% off and a 300 voucher, paid over 10 months. What is each payment?"
    state = state_for(IntentGraph(language="en", intents=[_uncomputed("i1", text)]), text)
    build_execution(state, PlannerPolicy())
    [step] = [s for s in state.steps if s.intent_id == "i1"]
    assert (step.kind, step.status) == (StepKind.COMPOSE, StepStatus.COMPLETED)
    assert execution_finished(state)
    status, answer, error = compose(state)
    assert status is TaskStatus.FAILED and error
    assert "not computed" in answer and "one step per sentence" in answer
    assert set(numbers_in(answer)) <= set(numbers_in(text))  # no number of its own
    assert state.answer_source == "template"


def test_the_computed_step_is_shown_with_the_part_left_in_the_requests_language() -> None:
    text = "大衣原价 1599 元，打八折，再用 100 元的券，最后付多少？"
    graph = IntentGraph(language="zh", intents=[
        Intent(id="i1", type=IntentType.CALCULATION, tool="calculator", text="大衣原价 1599 元，打八折",
               entities={"expression": "1599*0.8"}),
        _uncomputed("i2", "再用 100 元的券；最后付多少"),
    ])
    state = state_for(graph, text)
    build_execution(state, PlannerPolicy())
    calc = next(s for s in state.steps if s.name == "calculator")
    calc.status, calc.output = StepStatus.COMPLETED, {"result": 1279.2}
    status, answer, _ = compose(state)
    assert status is TaskStatus.PARTIAL
    assert "1599*0.8 = 1279.2" in answer and "未算出" in answer and "一句只问一步" in answer


def test_a_models_invented_number_is_replaced_by_the_statement() -> None:
    text = "I make 42 an hour and worked 37.5 hours this week. What's my pay?"
    graph = IntentGraph(language="en", intents=[Intent(id="i1", type=IntentType.QUESTION_ANSWERING, text=text)])
    state = state_for(graph, text)
    build_execution(state, PlannerPolicy())
    gen = [s for s in state.steps if s.intent_id == "i1"][-1]  # the generation (after any knowledge-base search)
    gen.status, gen.text = StepStatus.COMPLETED, "Your pay is 1,420 dollars."
    status, answer, _ = compose(state)
    assert "1,420" not in answer and "not computed" in answer
    assert status is TaskStatus.FAILED


def test_invented_numbers() -> None:
    request = "The bill is 128.50 plus 7.25% tax, split 3 ways."
    tools = ['{"expression": "128.5*1.0725"} 137.81625']
    assert invented_numbers("Each pays 45.94 of 137.82", request, tools) == [45.94]  # 137.82: the tool's, rounded
    assert invented_numbers("128.50 with 7.25% is 137.81625", request, tools) == []
    assert invented_numbers("It comes to 54.21", request, []) == [54.21]
    assert invented_numbers("1.8 m = 5.90551181102 ft", "1.8 米等于多少英尺", ["convert_units: 1.8 m = 5.90551 ft"]) == []


def test_uncomputed_answer_quotes_the_part() -> None:
    assert "“What is each share”" in uncomputed_answer("What is each share?", "en")
    assert "“每人多少”" in uncomputed_answer("每人多少？", "zh")


def test_the_next_turn_of_a_word_problem_is_not_handed_to_the_model() -> None:
    text = "And how many ounces is that?"
    graph = IntentGraph(language="en", intents=[Intent(id="i1", type=IntentType.QUESTION_ANSWERING, text=text)])
    state = state_for(graph, text)
    state.turns = [{"request": "A cake for 6 needs 240 g of sugar. How much sugar for 15 people?",
                    "intents": [{"type": "calculation", "tool": None}], "answer": "(not computed: …)"}]
    build_execution(state, PlannerPolicy())
    [step] = [s for s in state.steps if s.intent_id == "i1"]
    assert (step.kind, step.status) == (StepKind.COMPOSE, StepStatus.COMPLETED) and "not computed" in step.text
    # after a turn that was no arithmetic, the same words are an ordinary question
    other = state_for(IntentGraph(language="en", intents=[Intent(id="i1", type=IntentType.QUESTION_ANSWERING,
                                                                 text=text)]), text)
    other.turns = [{"request": "Tell me about the Eiffel Tower", "intents": [{"type": "question_answering"}]}]
    build_execution(other, PlannerPolicy())
    assert [s for s in other.steps if s.intent_id == "i1"][-1].kind is StepKind.GENERATE
