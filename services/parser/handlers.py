"""Parser subscribers: tasks in, intent graphs out; re-parse requests from the planner."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from opentelemetry import trace

from autoglm.shared import metrics, telemetry
from autoglm.shared.events import (
    EventType,
    IntentGraph,
    IntentsParsed,
    ParseRequested,
    TaskCompleted,
    TaskRequested,
    TaskStatus,
)
from autoglm.shared.kafka.codec import Received
from autoglm.shared.kafka.runtime import ServiceRuntime
from autoglm.shared.safety import Category, Guard, InputVerdict
from autoglm.shared.topics import INTENTS, PARSE_REQUESTS, RESULTS, TASKS

from .fallback import FallbackNotLoaded

Parse = Callable[..., IntentGraph]


def register(
    rt: ServiceRuntime,
    parse: Parse,
    answer: Parse | None = None,
    *,
    offload: Callable[[], bool] | None = None,
    inline: Parse | None = None,
    guard: Guard | None = None,
) -> None:
    """``parse`` parses a request; ``answer`` merges a reply into the request whose question it answers (both
    take the event's ``tenant``: a tenant's labelled examples shape only its own parses).
    While ``offload()`` is true, ``parse`` may block (a fallback loading its model): a request is first
    parsed on the loop by ``inline``, which raises :class:`FallbackNotLoaded` where it would need that
    model, and only then by ``parse`` in a worker thread. The thread hand-off costs ~1 ms and, under
    load, a fifth of the parser's CPU, so requests the rules place skip it."""
    default_tz = rt.settings.default_timezone

    async def off_loop(call: Callable[[], IntentGraph], text: str, now: datetime, tz: str | None,
                       context: list[str], tenant: str) -> IntentGraph:
        if inline is not None:
            try:
                return inline(text, now=now, tz=tz or default_tz, context=context, tenant=tenant)
            except FallbackNotLoaded:
                pass  # this request needs the model: load and run it off the loop
        return await asyncio.to_thread(call)

    async def run_parse(text: str, now: datetime, tz: str | None, context: list[str], tenant: str) -> IntentGraph:
        # What the parse found goes on the event's process span: the parse is the whole of that
        # handling but its publish, and a child span of its own cost ~5% of the parser per task.
        call = partial(parse, text, now=now, tz=tz or default_tz, context=context, tenant=tenant)
        graph = call() if offload is None or not offload() else await off_loop(call, text, now, tz, context, tenant)
        attributes: dict[str, Any] = {
            "autoglm.parser.context_turns": len(context),
            "autoglm.intent.count": len(graph.intents),
            "autoglm.intent.types": [i.type.value for i in graph.intents],
            "autoglm.intent.sources": [i.source for i in graph.intents],
            "autoglm.intent.confidences": [i.confidence for i in graph.intents],
            "autoglm.parser.language": graph.language,
        }
        if graph.clarification:
            attributes["autoglm.parser.clarification"] = True
        trace.get_current_span().set_attributes(attributes)
        return graph

    async def blocked(ev: Any, request: TaskRequested, verdict: InputVerdict) -> None:
        # The request's text goes nowhere: not into the result, the span or a log line.
        result = TaskCompleted(
            task_id=ev.task_id,
            status=TaskStatus.BLOCKED,
            answer=verdict.message,
            error=f"blocked by the safety guard: {verdict.category.value}",
            safety_category=verdict.category.value,
            trace_id=telemetry.trace_id_of(trace.get_current_span()),
            metadata=request.metadata,
            duration_ms=round((time.time() - ev.time.timestamp()) * 1000, 2),
        )
        await rt.publish(RESULTS, rt.event(EventType.TASK_COMPLETED, result, like=ev))
        metrics.TASKS_FINISHED.labels(TaskStatus.BLOCKED.value).inc()

    def screen(ev: Any, request: TaskRequested) -> InputVerdict | None:
        if guard is None:
            return None
        started = time.perf_counter()
        verdict = guard.check_input(request.text, tenant=ev.tenant)
        metrics.STAGE_LATENCY.labels("parser", "safety_input").observe(time.perf_counter() - started)
        if verdict.category is not Category.BENIGN:
            trace.get_current_span().set_attributes(verdict.span_attributes())
            metrics.SAFETY_VERDICTS.labels("parser", "input", verdict.category.value, verdict.action).inc()
        return verdict

    async def on_task(item: Received) -> None:
        ev = item.event
        request: TaskRequested = ev.data
        verdict = screen(ev, request)
        if verdict is not None and verdict.blocked:
            await blocked(ev, request, verdict)
            return
        graph = await run_parse(request.text, request.now or ev.time, request.timezone, [], ev.tenant)
        out = IntentsParsed(request=request, graph=graph, received_at=ev.time)
        await rt.publish(INTENTS, rt.event(EventType.INTENTS_PARSED, out, like=ev))

    async def on_reparse(item: Received) -> None:
        ev = item.event
        req: ParseRequested = ev.data
        started = time.perf_counter()
        try:
            if req.pending_request and answer is not None:
                with rt.span("continue clarified request"):
                    graph = answer(
                        req.pending_request,
                        req.text,
                        now=req.now or ev.time,
                        tz=req.timezone or default_tz,
                        context=req.context,
                        tenant=ev.tenant,
                    )
            else:
                graph = await run_parse(req.text, req.now or ev.time, req.timezone, req.context, ev.tenant)
            output = {"graph": graph.model_dump(mode="json")}
        except Exception as exc:  # reply with the error: the planner falls back to the first parse
            trace.get_current_span().record_exception(exc)
            await rt.reply(ev, req, ok=False, error=f"{type(exc).__name__}: {exc}", started=started)
            return
        await rt.reply(ev, req, ok=True, output=output, started=started)

    tasks_topic = rt.topic(TASKS)

    async def on_record(item: Received) -> None:
        await (on_task(item) if item.topic == tasks_topic else on_reparse(item))

    # One consumer for both topics: one fetch loop polling the broker instead of two.
    rt.subscribe(
        [TASKS, PARSE_REQUESTS],
        {TASKS: [EventType.TASK_REQUESTED], PARSE_REQUESTS: [EventType.PARSE_REQUESTED]},
        on_record,
        max_records=256,
    )
