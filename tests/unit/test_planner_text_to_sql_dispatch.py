"""The coordinator's text-to-SQL dispatches: schema-constrained generation, compiled sql_query, refusals.

The runtime's publish is captured, so this runs without a broker.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from autoglm.services.planner import build as P
from autoglm.services.planner.coordinator import Coordinator
from autoglm.shared.config import Settings
from autoglm.shared.events import StepCompleted, StepStatus
from autoglm.shared.kafka.runtime import ServiceRuntime

from .test_plan_text_to_sql import POLICY, SCHEMA, TOP_PRODUCT, question_state


def _coordinator() -> tuple[Coordinator, list[Any]]:
    rt = ServiceRuntime("planner", Settings(topic_prefix="t.", broker={"bootstrap_servers": "127.0.0.1:1"}))
    sent: list[Any] = []

    async def publish(topic: str, event: Any, **_: Any) -> None:
        sent.append(event.data)

    rt.publish = publish  # type: ignore[method-assign]
    return Coordinator(rt, POLICY), sent


def _dispatch(c: Coordinator, state: P.TaskState, step: P.PlanStep) -> None:
    send = c._dispatch(state, step)
    if send is not None:
        asyncio.run(send)  # type: ignore[arg-type]


def _reply(state: P.TaskState, step: P.PlanStep, **fields: Any) -> None:
    P.apply_reply(state, StepCompleted(step_id=step.id, ok=True, service="test", **fields))


def test_generation_is_schema_constrained_and_the_call_carries_compiled_sql() -> None:
    c, sent = _coordinator()
    state = question_state("上个月销售额最高的产品")
    schema_step, gen, query = state.steps[1:]
    _dispatch(c, state, schema_step)
    assert sent[-1].tool == "sql_schema"
    _reply(state, schema_step, output=SCHEMA)
    _dispatch(c, state, gen)
    request = sent[-1]
    assert request.json_schema["properties"]["table"]["enum"] == ["orders"]
    assert request.params == {"temperature": 0.0, "max_new_tokens": POLICY.sql_max_new_tokens}
    assert request.stream is False and request.task_type == P.TEXT_TO_SQL
    _reply(state, gen, text=json.dumps(TOP_PRODUCT))
    _dispatch(c, state, query)
    call = sent[-1]
    assert call.tool == "sql_query" and call.arguments["query"].startswith("SELECT")
    assert call.arguments["params"] == ["2026-11-01", "2026-12-01"] and call.arguments["database"] == "orders"


def test_output_that_does_not_compile_fails_the_step_without_a_call() -> None:
    c, sent = _coordinator()
    state = question_state("上个月销售额最高的产品")
    schema_step, gen, query = state.steps[1:]
    _reply(state, schema_step, output=SCHEMA)
    _reply(state, gen, text=json.dumps({**TOP_PRODUCT, "table": "secrets"}))
    _dispatch(c, state, query)
    assert sent == []
    assert query.status is StepStatus.FAILED and "no SQL built from the question" in (query.error or "")


def test_a_database_without_tables_fails_the_generation_without_a_model_call() -> None:
    c, sent = _coordinator()
    state = question_state("上个月销售额最高的产品")
    schema_step, gen, _ = state.steps[1:]
    _reply(state, schema_step, output={"database": "empty", "dialect": "sqlite", "tables": []})
    _dispatch(c, state, gen)
    assert sent == []
    assert gen.status is StepStatus.FAILED and "no tables" in (gen.error or "")
