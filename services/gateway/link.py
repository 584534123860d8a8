"""The gateway's only Kafka code: it publishes tasks, feedback and memory requests, and keeps the store
current from the topics.

Every replica reads every partition of ``autoglm.tasks``, ``autoglm.results``, ``autoglm.progress`` and
``autoglm.feedback`` itself, without a consumer group (groups would split the partitions between
replicas, and each replica must know every task), and applies each poll to its store in one
transaction with the next offsets (store.py). On start it resumes from the offsets in its store (or,
the first time, from the records of the retention window), and says it is ready only once it has read
up to where the topics ended when it started: a restarted replica answers for the tasks it knew, and a
new replica for those before it, before it takes traffic. Replies of the memory service to the
gateway's requests come on ``autoglm.client.replies``, read from its end, correlated by step id.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaConnectionError, KafkaError

from autoglm.shared.config import Settings
from autoglm.shared.events import CloudEvent, EventType, StepCompleted, StepRequest
from autoglm.shared.kafka.aiokafka_compat import refresh_metadata
from autoglm.shared.kafka.broker_check import check_broker
from autoglm.shared.kafka.codec import encode
from autoglm.shared.kafka.security import security_kwargs
from autoglm.shared.topics import CLIENT_REPLIES, FEEDBACK, PROGRESS, RESULTS, TASKS

from . import metrics
from .records import TopicKind, decode, document
from .store import TaskStore
from .streams import Notifier

log = logging.getLogger("autoglm.gateway")

READ: dict[str, TopicKind] = {TASKS: "task", RESULTS: "result", PROGRESS: "progress", FEEDBACK: "feedback"}
SOURCE = "/autoglm/gateway"


class Unavailable(RuntimeError):
    """Kafka refused or did not take a record in time."""


class KafkaLink:
    def __init__(
        self,
        settings: Settings,
        store: TaskStore,
        notifier: Notifier,
        *,
        retention_seconds: float,
        on_batch: Callable[[int], None] | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.notifier = notifier
        self.retention_seconds = retention_seconds
        self.on_batch = on_batch
        self.prefix = settings.topic_prefix
        self.kinds = {self.prefix + name: kind for name, kind in READ.items()}
        self.replies_topic = self.prefix + CLIENT_REPLIES
        self.producer: AIOKafkaProducer | None = None
        self.consumer: AIOKafkaConsumer | None = None
        self._reader: asyncio.Task[None] | None = None
        self._replies: dict[str, asyncio.Future[StepCompleted]] = {}
        self._catch_up: dict[TopicPartition, int] = {}
        self.caught_up = asyncio.Event()
        self.failed: BaseException | None = None

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        b = self.settings.broker
        bootstrap = b.bootstrap_servers
        if not bootstrap:
            raise RuntimeError("No Kafka bootstrap servers: set KAFKA_BOOTSTRAP_SERVERS or run `autoglm up`.")
        security = security_kwargs(self.settings)
        limit = max(b.max_record_bytes, self.settings.max_event_bytes) + 65_536
        self.producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap, acks="all", enable_idempotence=b.enable_idempotence, linger_ms=0,
            max_request_size=limit, client_id="autoglm-gateway", **security,
        )
        try:
            await self.producer.start()
        except KafkaConnectionError:
            await self.producer.stop()
            self.producer = None
            await check_broker(bootstrap, self.settings)  # raises BrokerUnreachable saying why
            raise
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False, auto_offset_reset="earliest",
            fetch_max_wait_ms=b.fetch_max_wait_ms, max_partition_fetch_bytes=limit, client_id="autoglm-gateway",
            **security,
        )
        await self.consumer.start()
        parts = await self._partitions([*self.kinds, self.replies_topic])
        self.consumer.assign(parts)
        stored = self.store.offsets()
        fresh: list[TopicPartition] = []
        for tp in parts:
            if tp.topic == self.replies_topic:
                continue
            if (tp.topic, tp.partition) in stored:
                self.consumer.seek(tp, stored[(tp.topic, tp.partition)])
            else:
                fresh.append(tp)
        await self._seek_to_window(fresh)
        replies = [tp for tp in parts if tp.topic == self.replies_topic]
        await self.consumer.seek_to_end(*replies)
        for tp in replies:
            await self.consumer.position(tp)
        ends = await self.consumer.end_offsets([tp for tp in parts if tp.topic != self.replies_topic])
        for tp, end in ends.items():
            if await self.consumer.position(tp) < end:
                self._catch_up[tp] = end
        if not self._catch_up:
            self.caught_up.set()
        self._reader = asyncio.create_task(self._read())

    async def stop(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        for client in (self.consumer, self.producer):
            if client is not None:
                with contextlib.suppress(Exception):
                    await client.stop()

    @property
    def ready(self) -> bool:
        return self.caught_up.is_set() and self.failed is None and self._reader is not None and not self._reader.done()

    async def _partitions(self, topics: list[str]) -> list[TopicPartition]:
        assert self.consumer is not None
        parts: list[TopicPartition] = []
        for topic in topics:
            found = None
            for _ in range(100):
                found = self.consumer.partitions_for_topic(topic)
                if found:
                    break
                await refresh_metadata(self.consumer)  # the topic may be new
                await asyncio.sleep(0.1)
            parts += [TopicPartition(topic, p) for p in sorted(found or {0})]
        return parts

    async def _seek_to_window(self, parts: list[TopicPartition]) -> None:
        """Partitions this store has never read: from the first record of the retention window."""
        assert self.consumer is not None
        if not parts:
            return
        since = int((time.time() - self.retention_seconds) * 1000)
        try:
            found = await self.consumer.offsets_for_times({tp: since for tp in parts})
        except (KafkaError, ValueError) as exc:  # a broker without timestamp lookups: read everything
            log.info("offsets_for_times unavailable (%s): reading from the beginning", type(exc).__name__)
            found = {}
        for tp in parts:
            at = found.get(tp)
            if at is None:
                await self.consumer.seek_to_beginning(tp)
            else:
                self.consumer.seek(tp, at.offset)

    # ------------------------------------------------------------------ reading

    async def _read(self) -> None:
        assert self.consumer is not None
        poll_ms = self.settings.broker.poll_interval_ms
        while True:
            try:
                batch = await self.consumer.getmany(timeout_ms=poll_ms, max_records=2000)
            except UnicodeDecodeError:
                await self._skip_unreadable()
                continue
            except KafkaError as exc:
                log.warning("reading the topics failed (%s); retrying", exc)
                await asyncio.sleep(1.0)
                continue
            if batch:
                try:
                    self._apply(batch)
                except Exception as exc:  # noqa: BLE001 - e.g. a full disk: read the batch again later
                    self.failed = exc
                    log.exception("store write failed; the batch will be read again")
                    for tp, records in batch.items():
                        self.consumer.seek(tp, records[0].offset)
                    await asyncio.sleep(1.0)
                    continue
                self.failed = None
            if self._catch_up and not self.caught_up.is_set():
                for tp, end in list(self._catch_up.items()):
                    if await self.consumer.position(tp) >= end:
                        del self._catch_up[tp]
                if not self._catch_up:
                    self.caught_up.set()

    def _apply(self, batch: dict[TopicPartition, list[Any]]) -> None:
        facts = []
        touched: set[str] = set()
        offsets: dict[tuple[str, int], int] = {}
        records = 0
        for tp, recs in batch.items():
            if tp.topic == self.replies_topic:
                self._replied(recs)
                continue
            kind = self.kinds[tp.topic]
            for rec in recs:
                fact = decode(kind, rec.value, rec.offset, rec.timestamp, rec.headers)
                if fact is not None:
                    facts.append(fact)
                    touched.add(fact.task_id)
            offsets[(tp.topic, tp.partition)] = recs[-1].offset + 1
            records += len(recs)
        if offsets:
            started = time.perf_counter()
            self.store.apply(facts, offsets)
            metrics.STORE_WRITE.observe(time.perf_counter() - started)
        self.notifier.wake(touched)
        if self.on_batch is not None:
            self.on_batch(records)

    def _replied(self, records: list[Any]) -> None:
        for rec in records:
            raw = document(rec.value, rec.headers)
            try:
                step_id = raw["data"]["step_id"]  # type: ignore[index]
            except (KeyError, TypeError):
                continue
            fut = self._replies.get(step_id) if isinstance(step_id, str) else None
            if fut is not None and not fut.done():
                with contextlib.suppress(ValueError):
                    fut.set_result(StepCompleted.model_validate(raw["data"]))

    async def _skip_unreadable(self) -> None:
        """A record aiokafka can't decode (a header key that isn't UTF-8) would stop a partition for good:
        read each partition one record at a time from where it was delivered and step over the bad one."""
        assert self.consumer is not None
        for tp in self.consumer.assignment():
            self.consumer.seek(tp, await self.consumer.position(tp))
        for tp in sorted(self.consumer.assignment()):
            for _ in range(1000):
                try:
                    got = await self.consumer.getmany(tp, timeout_ms=50, max_records=1)
                except UnicodeDecodeError:
                    offset = await self.consumer.position(tp)
                    log.warning("skipped an unreadable record at %s[%d]@%d", tp.topic, tp.partition, offset)
                    self.consumer.seek(tp, offset + 1)
                    self.store.apply([], {(tp.topic, tp.partition): offset + 1})
                    return
                if not got:
                    break
                self._apply(got)

    # ------------------------------------------------------------------ writing

    async def publish(self, topic: str, event: CloudEvent[Any], key: str) -> None:
        assert self.producer is not None
        value, headers = encode(event)  # structured mode, the same bytes and headers as the services write
        try:
            ack = await self.producer.send(self.prefix + topic, value, key=key.encode(), headers=headers)
            await asyncio.wait_for(ack, 15.0)
        except (KafkaError, TimeoutError) as exc:
            raise Unavailable(f"Kafka did not take the record: {type(exc).__name__}: {exc}") from exc

    async def call(
        self, topic: str, etype: EventType, request: StepRequest, *, tenant: str, session_id: str,
        timeout: float, traceparent: str | None = None,
    ) -> StepCompleted:
        """One step request to a worker service and its reply (``TimeoutError`` when none comes in time)."""
        request.step_id = f"gw-{uuid.uuid4().hex}"
        request.reply_to = CLIENT_REPLIES
        fut: asyncio.Future[StepCompleted] = asyncio.get_running_loop().create_future()
        self._replies[request.step_id] = fut
        event = CloudEvent[type(request)](  # type: ignore[misc]
            source=SOURCE, type=etype.value, taskid=request.step_id, sessionid=session_id, tenant=tenant,
            traceparent=traceparent, data=request,
        )
        try:
            await self.publish(topic, event, key=session_id)
            return await asyncio.wait_for(fut, timeout)
        finally:
            self._replies.pop(request.step_id, None)
