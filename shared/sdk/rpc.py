"""Request/reply with the worker services over Kafka, for the CLI and SDK.

faststream's request/reply does not work on a real broker, so replies are correlated by step
id on `autoglm.client.replies`, read without a consumer group from its end at start-up.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from ..config import Settings
from ..events import CloudEvent, EventType, StepCompleted, StepRequest
from ..kafka.clients import close_clients, tail_from_end
from ..kafka.codec import encode, read_event
from ..kafka.security import security_kwargs
from ..topics import CLIENT_REPLIES


class StepClient:
    def __init__(self, bootstrap: str, settings: Settings, *, tenant: str = "default", source: str = "/autoglm/cli") -> None:
        self.bootstrap = bootstrap
        self.settings = settings
        self.tenant = tenant
        self.source = source
        self.prefix = settings.topic_prefix
        self._producer: AIOKafkaProducer | None = None
        self._consumer: AIOKafkaConsumer | None = None
        self._reader: asyncio.Task[None] | None = None
        self._waiters: dict[str, asyncio.Future[StepCompleted]] = {}

    async def start(self) -> StepClient:
        security = security_kwargs(self.settings)
        limit = max(self.settings.broker.max_record_bytes, self.settings.max_event_bytes) + 65_536
        self._producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, acks="all", max_request_size=limit, **security)
        await self._producer.start()
        self._consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, group_id=None, enable_auto_commit=False,
                                          fetch_max_wait_ms=10, max_partition_fetch_bytes=limit, **security)
        await self._consumer.start()
        await tail_from_end(self._consumer, [self.prefix + CLIENT_REPLIES])
        self._reader = asyncio.create_task(self._read())
        return self

    async def close(self) -> None:
        await close_clients(self._reader, self._consumer, self._producer)

    async def __aenter__(self) -> StepClient:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _read(self) -> None:
        assert self._consumer is not None
        while True:
            batch = await self._consumer.getmany(timeout_ms=200)
            for records in batch.values():
                for rec in records:
                    event = read_event(rec.value, rec.headers)
                    try:
                        reply = StepCompleted.model_validate(event[1] if event else None)
                    except ValueError:
                        continue
                    fut = self._waiters.get(reply.step_id)
                    if fut is not None and not fut.done():
                        fut.set_result(reply)

    async def call(
        self, topic: str, etype: EventType, request: StepRequest, timeout: float = 120.0, *, session_id: str | None = None
    ) -> StepCompleted:
        """Send one step request and wait for its reply. Raises RuntimeError when the worker reports an error.
        ``session_id``: the session a session-scoped request reads (memory's ``recall``); default: none of note."""
        assert self._producer is not None
        request.step_id = f"cli-{uuid.uuid4().hex}"
        request.reply_to = CLIENT_REPLIES
        fut: asyncio.Future[StepCompleted] = asyncio.get_running_loop().create_future()
        self._waiters[request.step_id] = fut
        task_id = request.step_id
        event = CloudEvent[type(request)](  # type: ignore[misc]
            source=self.source, type=etype.value, taskid=task_id, sessionid=session_id or task_id, tenant=self.tenant,
            data=request,
        )
        value, headers = encode(event)
        try:
            await self._producer.send_and_wait(self.prefix + topic, value, key=task_id.encode(), headers=headers)
            reply = await asyncio.wait_for(fut, timeout)
        finally:
            self._waiters.pop(request.step_id, None)
        if not reply.ok:
            raise RuntimeError(reply.error or "the worker reported an error")
        return reply


def dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
