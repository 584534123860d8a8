"""Feedback service subscribers: tasks and results in (the store), feedback in (review, store, effects),
operations in (replies). The logic is in intake.py; here records become calls and outputs become records."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from autoglm.shared.events import (
    EventType,
    FeedbackSubmitted,
    StepCompleted,
    StepRequest,
    TaskCompleted,
    TaskRequested,
)
from autoglm.shared.kafka.codec import Received, Rejected
from autoglm.shared.kafka.runtime import ServiceRuntime
from autoglm.shared.resources import Resource
from autoglm.shared.topics import FEEDBACK, FEEDBACK_REQUESTS, REPLY_TOPICS, RESULTS, TASKS

from . import metrics
from .effects import effect_records
from .intake import Intake, OperationError, Out
from .review import Refused
from .store import RequestSeen, ResultSeen, TaskRecord

SERVICE = "feedback"


async def publish_all(rt: ServiceRuntime, out: list[Out]) -> None:
    for o in out:
        await rt.publish(o.topic, rt.event(o.type, o.data, tenant=o.tenant, taskid=None, sessionid=None), key=o.key)


async def _reply(rt: ServiceRuntime, item: Received, step_id: str, reply_to: str | None, *, ok: bool,
                 output: dict[str, Any] | None = None, error: str | None = None, started: float) -> None:
    if not reply_to or reply_to not in REPLY_TOPICS:
        return
    reply = StepCompleted(step_id=step_id, ok=ok, output=output or {}, error=error, service=SERVICE,
                          duration_ms=(time.perf_counter() - started) * 1000)
    await rt.publish(reply_to, rt.event(EventType.STEP_COMPLETED, reply, like=item.event))


def register(rt: ServiceRuntime, intake_ref: Resource[Intake], *, unknown_task_wait: float) -> None:
    """``intake_ref`` holds the service's :class:`Intake` (made at startup, after the store opened)."""
    tasks_topic, results_topic = rt.topic(TASKS), rt.topic(RESULTS)

    async def on_batch(items: list[Received]) -> None:
        requests, results = [], []
        for item in items:
            ev = item.event
            at = ev.time.timestamp()
            if item.topic == tasks_topic:
                req: TaskRequested = ev.data
                requests.append(RequestSeen(ev.task_id, ev.tenant, req.user, ev.session_id, req.text, at))
            elif item.topic == results_topic:
                res: TaskCompleted = ev.data
                results.append(ResultSeen(
                    task_id=res.task_id, tenant=ev.tenant, session_id=ev.session_id, status=res.status.value,
                    answer=res.answer, intents=res.intents, steps=[s.model_dump(mode="json") for s in res.steps],
                    prompt_versions=res.prompt_versions,
                    answer_source=getattr(res, "answer_source", None), at=at,
                ))
        await publish_all(rt, intake_ref.get().observe(requests, results))

    async def on_record(item: Received) -> None:
        return None  # stored by on_batch, one transaction per poll

    async def known_task(task_id: str) -> TaskRecord | None:
        """The task, waiting a little for its events when this service is behind on them."""
        deadline = time.monotonic() + unknown_task_wait
        while True:
            task = intake_ref.get().task(task_id)
            if task is not None or time.monotonic() >= deadline:
                return task
            await asyncio.sleep(0.1)

    async def on_feedback(item: Received) -> None:
        started = time.perf_counter()
        ev = item.event
        fb: FeedbackSubmitted = ev.data
        task = await known_task(fb.task_id)
        try:
            outcome = intake_ref.get().submit(ev.id, ev.tenant, fb, task)
        except Refused as refused:
            metrics.REFUSED.labels(refused.error_type).inc()
            await _reply(rt, item, ev.id, fb.reply_to, ok=False, error=refused.message, started=started)
            raise Rejected(refused.error_type, refused.message, fb.task_id) from None
        records = [*effect_records(outcome.effects), *outcome.out]
        for effect in outcome.effects:
            metrics.CORRECTIONS.labels(type(effect).__name__).inc()
        await publish_all(rt, records)
        await _reply(rt, item, ev.id, fb.reply_to, ok=True, started=started, output={
            "task_id": fb.task_id, "stored": outcome.stored, "applied": list(outcome.accepted.applied),
            "reward": outcome.accepted.reward,
        })

    async def on_request(item: Received) -> None:
        started = time.perf_counter()
        req: StepRequest = item.event.data.root
        try:
            output, out = intake_ref.get().run(item.event.tenant, req)
        except OperationError as exc:
            await _reply(rt, item, req.step_id, req.reply_to, ok=False, error=str(exc), started=started)
            return
        await publish_all(rt, out)
        await _reply(rt, item, req.step_id, req.reply_to, ok=True, output=output, started=started)

    rt.subscribe([TASKS, RESULTS], {TASKS: [EventType.TASK_REQUESTED], RESULTS: [EventType.TASK_COMPLETED]},
                 on_record, max_records=256, on_batch=on_batch, observe=True)  # the parser and planner own them
    # Pipelined: feedback on a task whose result is still on its way waits without holding back the rest.
    rt.subscribe([FEEDBACK], [EventType.FEEDBACK_SUBMITTED], on_feedback, max_records=64, pipelined=64)
    rt.subscribe([FEEDBACK_REQUESTS], [EventType.FEEDBACK_REQUESTED], on_request, max_records=16)
