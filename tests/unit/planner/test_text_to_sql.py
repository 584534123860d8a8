"""Planning a database question: sql_schema -> structured query (generation) -> compiled sql_query -> answer."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from typer.testing import CliRunner

from autoglm.services.planner.advance import apply_reply, mark_dispatched, ready_steps
from autoglm.services.planner.build import build_execution, new_state
from autoglm.services.planner.compose import compose, executed_steps
from autoglm.services.planner.requests import generation_messages, generation_schema, sql_arguments
from autoglm.services.planner.state import TEXT_TO_SQL, PlannerPolicy, PlanStep, TaskState, intent_step
from autoglm.services.planner.text_to_sql import QueryError
from autoglm.services.tool_executor.builtins.sql_schema import make_sql_schema
from autoglm.services.tool_executor.config import SAMPLE_ORDERS_DB, SqlConfig
from autoglm.services.tool_executor.context import ToolContext
from autoglm.shared.cli import app
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

# A tenant without documents (kb_first off): no knowledge-base search before the query (test_kb_not_sql.py has it).
POLICY = PlannerPolicy(long_term_limit=0, timezone="Asia/Shanghai", sql_max_rows=20, kb_first=False)
# 2026-11-30 20:00 UTC is already 2026-12-01 in Shanghai: the reference day follows the zone.
NOW = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)
SCHEMA = asyncio.run(
    make_sql_schema(SqlConfig(), data_dir=SAMPLE_ORDERS_DB.parent).handler({}, ToolContext())
).model_dump()


def question_state(text: str, entities: dict[str, Any] | None = None, language: str = "zh") -> TaskState:
    graph = IntentGraph(
        language=language,
        intents=[
            Intent(
                id="i1",
                type=IntentType.LOOKUP,
                tool="sql_query",
                text=text,
                entities=entities if entities is not None else {"query": text},
            )
        ],
    )
    state = new_state(
        task_id="t",
        session_id="s",
        tenant="acme",
        request=TaskRequested(text=text),
        graph=graph,
        received_at=NOW,
        timeout_s=60,
        partition=0,
        policy=POLICY,
    )
    build_execution(state, POLICY)
    return state


def reply(state: TaskState, step: PlanStep, **fields: Any) -> None:
    mark_dispatched(step)
    apply_reply(state, StepCompleted(step_id=step.id, ok=True, service="test", **fields))


def test_a_question_in_words_plans_schema_generation_and_query() -> None:
    state = question_state("上个月销售额最高的产品")
    schema_step, gen, query = state.steps[1:]
    assert (schema_step.kind, schema_step.name) == (StepKind.TOOL, "sql_schema")
    assert (gen.kind, gen.task_type, gen.depends_on) == (StepKind.GENERATE, TEXT_TO_SQL, [schema_step.id])
    assert (query.kind, query.name, query.depends_on) == (StepKind.TOOL, "sql_query", [gen.id])
    assert intent_step(state, "i1") is query
    assert gen.arguments["today"] == "2026-12-01"
    assert gen.arguments["date_ranges"] == [{"phrase": "上个月", "from": "2026-11-01", "to": "2026-11-30"}]
    assert schema_step.idempotent and query.idempotent
    # Nothing in a database question refers to the session: the schema is fetched at once.
    assert "sql_schema" in [s.name for s in ready_steps(state)]


def test_rules_and_sql_keep_their_single_step() -> None:
    by_id = question_state("订单1024的状态", {"order_id": "1024"})
    assert [s.name for s in by_id.steps[1:]] == ["sql_query"]
    assert by_id.steps[1].arguments == {"query": "SELECT * FROM orders WHERE order_id = 1024"}
    sql = question_state("run it", {"query": "SELECT status FROM orders WHERE order_id = 1024"})
    assert [s.name for s in sql.steps[1:]] == ["sql_query"]


def test_parser_dates_reach_the_prompt_when_no_period_is_named() -> None:
    state = question_state("昨天的订单", {"query": "昨天的订单", "date": "2026-11-30"})
    assert state.steps[2].arguments["date_ranges"] == [
        {"phrase": "date", "from": "2026-11-30", "to": "2026-11-30"}
    ]


def drive_to_query(state: TaskState, structured: dict[str, Any] | str) -> PlanStep:
    schema_step, gen, query = state.steps[1:]
    reply(state, schema_step, output=SCHEMA, text="orders(...)")
    json_schema = generation_schema(state, gen)
    assert json_schema is not None and json_schema["properties"]["table"]["enum"] == ["orders"]
    prompt = generation_messages(state, gen)[-1]["content"]
    assert f"Today is {gen.arguments['today']}" in generation_messages(state, gen)[0]["content"]
    assert all(f"{r['phrase']} = {r['from']} .. {r['to']}" in prompt for r in gen.arguments["date_ranges"])
    assert gen.text == "" and state.request.text in prompt
    assert all(c["name"] in prompt for c in SCHEMA["tables"][0]["columns"]) and "上海" in prompt
    reply(
        state,
        gen,
        text=structured if isinstance(structured, str) else json.dumps(structured, ensure_ascii=False),
    )
    return query


TOP_PRODUCT = {
    "table": "orders",
    "select": [{"column": "item", "aggregate": "none"}, {"column": "amount", "aggregate": "sum"}],
    "where": [{"column": "created_at", "op": "between", "value": "2026-11-01", "value_to": "2026-11-30"}],
    "group_by": [],
    "order_by": [{"column": "amount", "aggregate": "sum", "direction": "desc"}],
    "limit": 1,
}


def test_the_structured_query_is_compiled_into_sql_query_arguments_and_the_answer_shows_it() -> None:
    state = question_state("上个月销售额最高的产品")
    query = drive_to_query(state, TOP_PRODUCT)
    args = sql_arguments(state, query, POLICY)
    assert args["database"] == "orders" and args["params"] == ["2026-11-01", "2026-12-01"]
    assert args["query"].startswith('SELECT "item", SUM("amount")') and args["query"].endswith("LIMIT 1")
    query.arguments = args
    reply(
        state,
        query,
        output={"columns": ["item", "sum_amount"], "rows": [["显示器 27英寸", 9595.0]]},
        text="item | sum_amount\n显示器 27英寸 | 9595.0",
    )
    status, answer, error = compose(state)
    assert status is TaskStatus.COMPLETED and error is None
    assert args["query"] in answer and "显示器 27英寸" in answer and "2026-12-01" in answer
    [summary] = [s.summary for s in executed_steps(state) if s.name == "sql_query"]
    assert summary.startswith("SQL: SELECT") and "sum_amount" in summary


def test_a_limit_above_the_policy_is_capped() -> None:
    state = question_state("列出所有订单")
    query = drive_to_query(state, {**TOP_PRODUCT, "limit": 100})
    assert sql_arguments(state, query, POLICY)["query"].endswith(f"LIMIT {POLICY.sql_max_rows}")


@pytest.mark.parametrize(
    "output",
    [
        "not json",
        json.dumps({**TOP_PRODUCT, "table": "users"}),
        json.dumps({**TOP_PRODUCT, "group_by": ["password"]}),
    ],
)
def test_output_that_does_not_compile_is_refused(output: str) -> None:
    state = question_state("上个月销售额最高的产品")
    query = drive_to_query(state, output)
    with pytest.raises(QueryError):
        sql_arguments(state, query, POLICY)


def test_a_failed_schema_step_skips_the_rest_and_says_so() -> None:
    state = question_state("how many orders were shipped to Shanghai last week", language="en")
    schema_step = state.steps[1]
    mark_dispatched(schema_step)
    apply_reply(
        state, StepCompleted(step_id=schema_step.id, ok=False, error="unknown database", service="t")
    )
    ready_steps(state)
    ready_steps(state)
    assert [s.status for s in state.steps[2:]] == [StepStatus.SKIPPED, StepStatus.SKIPPED]
    status, answer, _ = compose(state)
    assert status is TaskStatus.FAILED and "not done" in answer


def test_state_with_text_to_sql_steps_round_trips_through_a_checkpoint() -> None:
    state = question_state("上个月销售额最高的产品")
    drive_to_query(state, TOP_PRODUCT)
    again = TaskState.model_validate_json(state.model_dump_json())
    assert sql_arguments(again, again.steps[3], POLICY) == sql_arguments(state, state.steps[3], POLICY)


def test_cli_plan_shows_schema_generate_sql_query() -> None:
    result = CliRunner().invoke(
        app, ["plan", "上个月销售额最高的产品", "--json", "--now", "2026-11-25T10:00:00+08:00"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    steps = [s for s in doc["steps"] if s["intent_id"] == "i1"]
    # the tenant may have documents: their search comes first (optional; test_kb_not_sql.py)
    search, steps = steps[0], steps[1:]
    assert (search["kind"], search["name"], search["arguments"].get("kb_first")) == ("tool_call", "kb_search", True)
    assert [(s["kind"], s["name"]) for s in steps] == [
        ("tool_call", "sql_schema"),
        ("generation", "generate"),
        ("tool_call", "sql_query"),
    ]
    assert steps[1]["arguments"]["task_type"] == "text_to_sql"
    assert steps[1]["arguments"]["date_ranges"] == [
        {"phrase": "上个月", "from": "2026-10-01", "to": "2026-10-31"}
    ]
    assert steps[2]["depends_on"] == [steps[1]["id"]] and steps[1]["depends_on"] == [steps[0]["id"], search["id"]]


def test_an_unknown_zone_in_the_request_falls_back_to_the_default() -> None:
    graph = IntentGraph(
        language="en",
        intents=[
            Intent(
                id="i1",
                type=IntentType.LOOKUP,
                tool="sql_query",
                text="orders last week",
                entities={"query": "orders last week"},
            )
        ],
    )
    request = TaskRequested(text="orders last week", timezone="Mars/Olympus_Mons")
    state = new_state(
        task_id="t",
        session_id="s",
        tenant="acme",
        request=request,
        graph=graph,
        received_at=NOW,
        timeout_s=60,
        partition=0,
        policy=POLICY,
    )
    build_execution(state, POLICY)
    assert state.steps[2].arguments["today"] == "2026-12-01"  # Asia/Shanghai, the policy's zone
