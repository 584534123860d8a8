"""Text-to-SQL requests: schema-constrained generation, compiled sql_query, refusals.

The request builders are pure, so this runs without a broker or a coordinator.
"""

from __future__ import annotations

import json
from typing import Any

from autoglm.services.planner.advance import apply_reply, mark_dispatched
from autoglm.services.planner.requests import Dispatch, build_request
from autoglm.services.planner.state import TEXT_TO_SQL, PlanStep, TaskState
from autoglm.shared.events import StepCompleted, StepStatus

from .test_text_to_sql import POLICY, SCHEMA, TOP_PRODUCT, question_state

T0 = 1_800_000_000.0


def _dispatch(state: TaskState, step: PlanStep, sent: list[Any]) -> None:
    """As advance() does: mark the step running, build its request, settle it if the planner answers."""
    mark_dispatched(step, T0)
    built = build_request(state, step, POLICY, T0)
    if isinstance(built, Dispatch):
        sent.append(built.payload)
    else:
        apply_reply(state, built, T0)


def _reply(state: TaskState, step: PlanStep, **fields: Any) -> None:
    apply_reply(state, StepCompleted(step_id=step.id, ok=True, service="test", **fields))


def test_generation_is_schema_constrained_and_the_call_carries_compiled_sql() -> None:
    sent: list[Any] = []
    state = question_state("上个月销售额最高的产品")
    schema_step, gen, query = state.steps[1:]
    _dispatch(state, schema_step, sent)
    assert sent[-1].tool == "sql_schema"
    _reply(state, schema_step, output=SCHEMA)
    _dispatch(state, gen, sent)
    request = sent[-1]
    assert request.json_schema["properties"]["table"]["enum"] == ["orders"]
    assert request.params == {"temperature": 0.0, "max_new_tokens": POLICY.sql_max_new_tokens}
    assert request.stream is False and request.task_type == TEXT_TO_SQL
    _reply(state, gen, text=json.dumps(TOP_PRODUCT))
    _dispatch(state, query, sent)
    call = sent[-1]
    assert call.tool == "sql_query" and call.arguments["query"].startswith("SELECT")
    assert call.arguments["params"] == ["2026-11-01", "2026-12-01"] and call.arguments["database"] == "orders"


def test_output_that_does_not_compile_fails_the_step_without_a_call() -> None:
    sent: list[Any] = []
    state = question_state("上个月销售额最高的产品")
    schema_step, gen, query = state.steps[1:]
    _reply(state, schema_step, output=SCHEMA)
    _reply(state, gen, text=json.dumps({**TOP_PRODUCT, "table": "secrets"}))
    _dispatch(state, query, sent)
    assert sent == []
    assert query.status is StepStatus.FAILED and "no SQL built from the question" in (query.error or "")


def test_a_database_without_tables_fails_the_generation_without_a_model_call() -> None:
    sent: list[Any] = []
    state = question_state("上个月销售额最高的产品")
    schema_step, gen, _ = state.steps[1:]
    _reply(state, schema_step, output={"database": "empty", "dialect": "sqlite", "tables": []})
    _dispatch(state, gen, sent)
    assert sent == []
    assert gen.status is StepStatus.FAILED and "no tables" in (gen.error or "")
