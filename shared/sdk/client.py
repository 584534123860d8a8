"""Python SDK: publish tasks on `autoglm.tasks` and wait for their results on `autoglm.results`.

Results are correlated by task id (faststream's request/reply does not work on a real
broker). The client reads every partition of the result topic without a consumer
group, from the end as of when it started, so it never steals results from other
readers and never misses its own. Without an address it finds the broker by itself
(``shared/local_stack.py``): ``KAFKA_BOOTSTRAP_SERVERS``, else the running ``autoglm up`` stack.

    async with AutoGLMClient() as client:
        result = await client.submit("(12+8)*3等于多少？")
        print(result.answer)
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, NamedTuple

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError
from opentelemetry.trace import SpanKind

from .. import telemetry
from ..config import Settings
from ..events import (
    CONTENT_TYPE,
    CloudEvent,
    EventType,
    FeedbackCorrection,
    FeedbackSubmitted,
    StepCompleted,
    TaskCompleted,
    TaskProgress,
    TaskRequested,
    check_text_length,
    new_id,
)
from ..kafka.broker_check import check_broker
from ..kafka.clients import close_clients, tail_from_end
from ..kafka.codec import encode, read_event
from ..kafka.security import security_kwargs
from ..local_stack import locate
from ..topics import CLIENT_REPLIES, FEEDBACK, PROGRESS, RESULTS, TASKS


class FeedbackRefused(RuntimeError):
    """The feedback service refused a piece of feedback (unknown task, another tenant's task, malformed
    correction); ``str(exc)`` says why."""


class PreparedTask(NamedTuple):
    """A task's record, serialised and ready to send (``AutoGLMClient.prepare_task``)."""

    task_id: str
    value: bytes
    key: bytes
    headers: list[tuple[str, bytes]] = [("content-type", CONTENT_TYPE.encode())]


class AutoGLMClient:
    """Tasks in, results out. ``bootstrap_servers`` None: the configured cluster or the running local stack
    (its topic prefix too), found when the client starts; :class:`~autoglm.shared.local_stack.NoStack` says
    what to do when there is none. A text over 8,000 characters raises :class:`~autoglm.shared.events.TextTooLong`
    before anything is sent."""

    def __init__(
        self,
        bootstrap_servers: str | None = None,
        *,
        settings: Settings | None = None,
        source: str = "/autoglm/sdk",
        topic_prefix: str | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self.bootstrap = bootstrap_servers
        self.source = source
        self._prefix_given = topic_prefix is not None
        self.prefix = self.settings.topic_prefix if topic_prefix is None else topic_prefix
        self.tracer_provider = telemetry.setup_tracing("client", self.settings)
        self.tracer = self.tracer_provider.get_tracer("autoglm.sdk")
        self._producer: AIOKafkaProducer | None = None
        self._consumer: AIOKafkaConsumer | None = None
        self._reader: asyncio.Task[None] | None = None
        self._waiters: dict[str, asyncio.Future[TaskCompleted]] = {}
        self._progress: dict[str, asyncio.Queue[TaskProgress]] = {}
        self._replies: dict[str, asyncio.Future[StepCompleted]] = {}

    async def __aenter__(self) -> AutoGLMClient:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def start(self) -> None:
        if self.bootstrap is None:
            found = locate(self.settings)
            self.bootstrap = found.bootstrap_servers
            if found.topic_prefix is not None and not self._prefix_given:
                self.prefix = found.topic_prefix
        security = security_kwargs(self.settings)
        self._producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, acks="all", **security)
        try:
            await self._producer.start()
        except KafkaConnectionError:
            await self._producer.stop()
            self._producer = None
            await check_broker(self.bootstrap, self.settings)  # raises BrokerUnreachable saying why
            raise
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap, group_id=None, enable_auto_commit=False, fetch_max_wait_ms=10, **security
        )
        await self._consumer.start()
        await tail_from_end(self._consumer, [self.prefix + RESULTS, self.prefix + PROGRESS, self.prefix + CLIENT_REPLIES])
        self._reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        await close_clients(self._reader, self._consumer, self._producer)
        self.tracer_provider.shutdown()

    async def _read(self) -> None:
        assert self._consumer is not None
        results_topic, replies_topic = self.prefix + RESULTS, self.prefix + CLIENT_REPLIES
        while True:
            batch = await self._consumer.getmany(timeout_ms=200)
            for tp, records in batch.items():
                for rec in records:
                    event = read_event(rec.value, rec.headers)  # either content mode
                    if event is None:
                        continue
                    attrs, data = event
                    if tp.topic == results_topic:
                        fut = self._waiters.get(attrs.get("taskid", ""))
                        if fut is not None and not fut.done():
                            fut.set_result(TaskCompleted.model_validate(data))
                    elif tp.topic == replies_topic:
                        waiter = self._replies.get(str((data or {}).get("step_id", "")) if isinstance(data, dict) else "")
                        if waiter is not None and not waiter.done():
                            waiter.set_result(StepCompleted.model_validate(data))
                    else:
                        queue = self._progress.get(attrs.get("taskid", ""))
                        if queue is not None:
                            queue.put_nowait(TaskProgress.model_validate(data))

    async def publish_task(self, text: str, **kwargs: Any) -> str:
        """Publish one task (keyword arguments as ``prepare_task``) and wait for the broker's ack."""
        prepared = self.prepare_task(text, **kwargs)
        await self.send_prepared(prepared)
        return prepared.task_id

    def prepare_task(
        self,
        text: str,
        *,
        task_id: str | None = None,
        session_id: str | None = None,
        tenant: str = "default",
        timeout: float | None = None,
        user: str | None = None,
        now: datetime | None = None,
        timezone: str | None = None,
        allow_destructive: bool = False,
        metadata: dict[str, str] | None = None,
    ) -> PreparedTask:
        """Build a task's record (CloudEvent, key, headers, trace context) without sending it, so a
        caller can publish many at a controlled rate with the serialisation done beforehand."""
        check_text_length(text)
        task_id = task_id or new_id()
        with self.tracer.start_as_current_span(
            f"send {TASKS}",
            kind=SpanKind.PRODUCER,
            attributes={
                "messaging.system": "kafka",
                "messaging.operation.type": "send",
                "messaging.destination.name": TASKS,
                telemetry.TASK_ID: task_id,
                telemetry.TENANT: tenant,
            },
        ):
            event = CloudEvent[TaskRequested](
                source=self.source,
                type=EventType.TASK_REQUESTED.value,
                taskid=task_id,
                sessionid=session_id or task_id,
                tenant=tenant,
                traceparent=telemetry.inject_traceparent(),
                data=TaskRequested(
                    text=text,
                    timeout_seconds=timeout,
                    user=user,
                    now=now,
                    timezone=timezone,
                    allow_destructive=allow_destructive,
                    metadata=metadata or {},
                ),
            )
        value, headers = encode(event)
        return PreparedTask(task_id, value, (session_id or task_id).encode(), headers)

    async def send_prepared(self, prepared: PreparedTask, *, wait: bool = True) -> asyncio.Future[Any]:
        """Send a prepared task. With ``wait=False`` it returns once the record is queued in the
        producer's batch; await the returned future for the broker's ack."""
        assert self._producer is not None
        self._waiters.setdefault(prepared.task_id, asyncio.get_running_loop().create_future())
        ack = await self._producer.send(self.prefix + TASKS, prepared.value, key=prepared.key, headers=prepared.headers)
        if wait:
            await ack
        return ack

    async def wait_result(self, task_id: str, timeout: float = 120.0) -> TaskCompleted:
        fut = self._waiters.setdefault(task_id, asyncio.get_running_loop().create_future())
        try:
            return await asyncio.wait_for(asyncio.shield(fut), timeout)
        finally:
            if fut.done():
                self._waiters.pop(task_id, None)

    async def submit(self, text: str, *, timeout: float | None = None, wait: float | None = None, **kwargs: Any) -> TaskCompleted:
        """Publish a task and wait for its result. ``timeout`` is the task's deadline."""
        task_id = await self.publish_task(text, timeout=timeout, **kwargs)
        return await self.wait_result(task_id, wait or (timeout or self.settings.timeout_seconds) + 30)

    async def feedback(
        self,
        task_id: str,
        score: int,
        *,
        scale: str = "thumbs",
        comment: str | None = None,
        correction: str | dict[str, Any] | FeedbackCorrection | None = None,
        tenant: str = "default",
        user: str | None = None,
        session_id: str | None = None,
        wait: float | None = 30.0,
    ) -> dict[str, Any]:
        """Rate a task's answer: ``score`` -1/+1 (``scale`` thumbs) or 1..5 (stars); ``correction`` is the
        corrected answer (a string) or intent graph (a dict with ``intents``). Waits up to ``wait`` seconds for
        the feedback service's verdict and returns it (``applied``: what the feedback changed); raises
        :class:`FeedbackRefused` with the reason when it was refused, ``ValueError`` before sending when the
        feedback itself is invalid, and ``TimeoutError`` when no verdict came (no feedback service running?).
        ``wait=None`` returns once the broker has the event: ``{"feedback_id": ...}``."""
        assert self._producer is not None
        if isinstance(correction, str):
            correction = FeedbackCorrection(answer=correction)
        elif isinstance(correction, dict):
            correction = FeedbackCorrection(intents=correction)
        data = FeedbackSubmitted(
            task_id=task_id, score=score, scale=scale, comment=comment, correction=correction,  # type: ignore[arg-type]
            user=user, session_id=session_id, reply_to=CLIENT_REPLIES if wait else None,
        )
        event = CloudEvent[FeedbackSubmitted](
            source=self.source, type=EventType.FEEDBACK_SUBMITTED.value, taskid=task_id,
            sessionid=session_id or task_id, tenant=tenant, traceparent=telemetry.inject_traceparent(), data=data,
        )
        verdict: asyncio.Future[StepCompleted] = asyncio.get_running_loop().create_future()
        if wait:
            self._replies[event.id] = verdict
        try:
            await self._producer.send_and_wait(
                self.prefix + FEEDBACK, event.model_dump_json(exclude_none=True).encode(),
                key=(session_id or task_id).encode(), headers=[("content-type", CONTENT_TYPE.encode())],
            )
            if not wait:
                return {"feedback_id": event.id, "task_id": task_id}
            try:
                reply = await asyncio.wait_for(verdict, wait)
            except TimeoutError:
                raise TimeoutError(f"no verdict on feedback {event.id} within {wait:g} s: is the feedback service "
                                   "running?") from None
        finally:
            self._replies.pop(event.id, None)
        if not reply.ok:
            raise FeedbackRefused(reply.error or "the feedback was refused")
        return {"feedback_id": event.id, **reply.output}

    async def stream(self, task_id: str) -> AsyncIterator[TaskProgress]:
        queue = self._progress.setdefault(task_id, asyncio.Queue())
        while True:
            chunk = await queue.get()
            yield chunk
