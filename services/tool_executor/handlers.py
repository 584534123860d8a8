"""Tool-executor subscriber: one tool call in, one StepCompleted out (MCP tools/call result inside)."""

from __future__ import annotations

import time

from autoglm.shared import telemetry
from autoglm.shared.events import EventType, ToolCallRequested
from autoglm.shared.kafka.codec import Received
from autoglm.shared.kafka.runtime import ServiceRuntime
from autoglm.shared.resources import Resource
from autoglm.shared.topics import TOOL_CALLS

from .registry import ToolContext, ToolRegistry


def result_text(content: list[dict]) -> str:
    return "\n".join(str(c.get("text", "")) for c in content if c.get("type") == "text")


def register(rt: ServiceRuntime, registry: Resource[ToolRegistry]) -> None:
    async def on_call(item: Received) -> None:
        ev = item.event
        req: ToolCallRequested = ev.data
        started = time.perf_counter()
        ctx = ToolContext(
            task_id=ev.task_id,
            tenant=ev.tenant,
            session_id=ev.session_id,
            allow_destructive=req.allow_destructive,
            deadline=req.deadline,
        )
        with rt.span(
            f"execute_tool {req.tool}",
            **{
                "gen_ai.operation.name": "execute_tool",
                "gen_ai.tool.name": req.tool,
                "gen_ai.tool.call.id": f"{ev.task_id}/{req.step_id}/{req.attempt}",
                "gen_ai.tool.type": "function",
                telemetry.STEP_ID: req.step_id,
            },
        ) as span:
            result = await registry.get().call(req.tool, req.arguments, ctx)
            text = result_text(result.content)
            if result.isError:
                telemetry.mark_error(span, text or "tool error")
                span.set_attribute("error.type", "tool_error")
        await rt.reply(
            ev,
            req,
            ok=not result.isError,
            output=result.structuredContent or {},
            text=text if not result.isError else "",
            error=text if result.isError else None,
            started=started,
        )

    # Pipelined: a hanging tool (bounded by its timeout) never holds back the calls behind it.
    rt.subscribe([TOOL_CALLS], [EventType.TOOL_CALL_REQUESTED], on_call, max_records=64, pipelined=64)
