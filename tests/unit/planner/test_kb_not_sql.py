"""A question routed to the database on its data words but about the tenant's documents (issue 16): once the
schema is known, a question about none of its tables, columns or values that a passage answers is answered from
the documents, and the model is never asked to invent a query (schema_fit.py, requests.py)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from autoglm.services.planner.advance import apply_reply, mark_dispatched, ready_steps
from autoglm.services.planner.build import build_execution, new_state
from autoglm.services.planner.compose import compose, executed_steps
from autoglm.services.planner.requests import Dispatch, build_request
from autoglm.services.planner.schema_fit import fits_schema, unmatched_terms
from autoglm.services.planner.state import KB_ANSWER, TEXT_TO_SQL, PlannerPolicy, TaskState, intent_step
from autoglm.services.tool_executor.builtins.sql_schema import make_sql_schema
from autoglm.services.tool_executor.config import SAMPLE_ORDERS_DB, SqlConfig
from autoglm.services.tool_executor.context import ToolContext
from autoglm.shared.events import (
    Intent,
    IntentGraph,
    IntentType,
    StepCompleted,
    StepStatus,
    TaskRequested,
    TaskStatus,
)

POLICY = PlannerPolicy(long_term_limit=0, timezone="Asia/Shanghai")
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
SCHEMA = asyncio.run(
    make_sql_schema(SqlConfig(), data_dir=SAMPLE_ORDERS_DB.parent).handler({}, ToolContext())
).model_dump()
PASSAGE = {"text": "Employees who get married receive 3 days of paid wedding leave, taken within six months.",
           "source": "/docs/leave.md", "heading": "Leave > Wedding leave", "citation": "Leave policy § Wedding leave",
           "score": 0.7}
FOUND = {"passages": [PASSAGE], "extract": {"text": PASSAGE["text"], "passage": 0}, "kb_chunks": 12}
NOTHING = {"passages": [], "kb_chunks": 12}


def sql_state(text: str, language: str = "en", tenant_kb: bool | None = None) -> TaskState:
    graph = IntentGraph(language=language, intents=[
        Intent(id="i1", type=IntentType.LOOKUP, tool="sql_query", text=text, entities={"query": text})])
    state = new_state(task_id="t", session_id="s", tenant="acme", request=TaskRequested(text=text), graph=graph,
                      received_at=NOW, timeout_s=60, partition=0, policy=POLICY, tenant_kb=tenant_kb)
    build_execution(state, POLICY)
    return state


def reply(state: TaskState, name: str, ok: bool = True, **fields: Any) -> None:
    step = next(s for s in state.steps if s.name == name and s.status is StepStatus.PENDING)
    mark_dispatched(step)
    apply_reply(state, StepCompleted(step_id=step.id, ok=ok, service="test", **fields))


def dispatch_ready(state: TaskState) -> list[Dispatch | StepCompleted]:
    out = []
    for step in ready_steps(state):
        mark_dispatched(step)
        request = build_request(state, step, POLICY, now=0.0)
        if isinstance(request, StepCompleted):
            apply_reply(state, request)
        out.append(request)
    return out


def test_a_documents_question_with_data_words_is_answered_from_the_documents() -> None:
    state = sql_state("How many days of wedding leave do employees get?")
    search = state.steps[1]
    assert (search.name, search.optional, search.arguments["kb_first"]) == ("kb_search", True, True)
    reply(state, "kb_search", output=FOUND)
    reply(state, "sql_schema", output=SCHEMA)
    dispatch_ready(state)  # the structured query: settled from the documents, no inference request
    dispatch_ready(state)  # sql_query: stood in for, nothing is queried
    answer_step = intent_step(state, "i1")
    assert answer_step is not None and answer_step.name == KB_ANSWER and answer_step.task_type != TEXT_TO_SQL
    status, answer, error = compose(state)
    assert status is TaskStatus.COMPLETED and error is None
    assert answer.startswith("Employees who get married receive 3 days") and "Leave policy § Wedding leave" in answer
    assert state.answer_source == "extract" and state.grounded
    query = next(s for s in state.steps if s.name == "sql_query")
    assert query.status is StepStatus.COMPLETED and "query" not in query.arguments  # never compiled nor sent
    assert any(s.name == "sql_query" for s in executed_steps(state))  # the path still shows it


def test_a_database_question_is_still_queried_when_a_passage_matches_too() -> None:
    state = sql_state("Which customers placed the most orders last month?")
    reply(state, "kb_search", output=FOUND)
    reply(state, "sql_schema", output=SCHEMA)
    [request] = dispatch_ready(state)
    assert isinstance(request, Dispatch) and request.step.task_type == TEXT_TO_SQL
    assert request.payload.json_schema is not None  # the structured query goes to the model


@pytest.mark.parametrize("search", [{"output": NOTHING}, {"ok": False, "error": "memory unavailable"}])
def test_without_a_passage_the_database_is_asked(search: dict[str, Any]) -> None:
    state = sql_state("How many days of wedding leave do employees get?")
    reply(state, "kb_search", **search)
    reply(state, "sql_schema", output=SCHEMA)
    [request] = dispatch_ready(state)
    assert isinstance(request, Dispatch) and request.step.task_type == TEXT_TO_SQL


def test_a_tenant_known_to_have_no_documents_plans_no_search() -> None:
    state = sql_state("上个月销售额最高的产品", language="zh", tenant_kb=False)
    assert [s.name for s in state.steps[1:]] == ["sql_schema", "generate", "sql_query"]


@pytest.mark.parametrize("question", [
    "What is the backup retention period for the orders database?", "客服热线电话是多少？", "员工的婚假有几天？",
    "Which server hosts the customer portal?",
])
def test_questions_about_other_things_do_not_fit_the_orders_schema(question: str) -> None:
    assert not fits_schema(question, SCHEMA), unmatched_terms(question, SCHEMA)


@pytest.mark.parametrize("question", [
    "How many orders were shipped to Shanghai last week?", "上个月销售额最高的产品", "各城市的订单总金额是多少",
    "Show the top 5 items by quantity", "哪位客户的订单最多？", "list orders still in transit",
])
def test_questions_about_the_orders_fit_it(question: str) -> None:
    assert fits_schema(question, SCHEMA), unmatched_terms(question, SCHEMA)
