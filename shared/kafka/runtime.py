"""The service runtime: what a service's handlers share (settings, tracer, broker, publish, subscribe).

Delivery contract: each subscriber consumes a batch, processes every record, publishes
every output and waits for the broker's acknowledgement, and only then lets faststream
commit the batch's offsets. A crash anywhere before the commit redelivers the batch
(at-least-once); consumers make redelivery harmless (the planner de-duplicates by task
and step id, memory writes are idempotent by id).

A record that cannot be decoded or validated never reaches a handler: it goes to
``autoglm.dlq`` with the reason and its original bytes, and, when it came from the public
task topic and names a task, the task gets a ``failed`` result. The service goes on.

The concerns it composes each have a module: ``codec`` (records to events), ``dlq`` (dead
letters), ``pipeline`` (pipelined consumption and commits), ``poll`` (how a subscriber polls),
``security`` (TLS and SASL), and the ``*_compat`` modules (every reach into a library's internals).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any

from aiokafka import AIOKafkaProducer, ConsumerRecord
from aiokafka.abc import ConsumerRebalanceListener
from aiokafka.coordinator.assignors.range import RangePartitionAssignor
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from opentelemetry import trace
from pydantic import BaseModel

from .. import metrics, telemetry
from ..config import Settings
from ..events import EVENT_PAYLOADS, CloudEvent, EventType, StepCompleted, StepRequest
from ..topics import NO_REPLY, REPLY_TOPICS, TASKS
from . import dlq
from .codec import Received, Rejected, TopicRule, encode, envelope, records_decoder, records_parser
from .faststream_compat import connected_producer, subscriber_consumer
from .pipeline import Pipeline
from .poll import FetchWaits, wake_on_records
from .security import build_security

log = logging.getLogger("autoglm")


def make_broker(settings: Settings, client_id: str) -> KafkaBroker:
    """The service's faststream broker.

    No faststream telemetry middleware: the services make their own consumer span per event (continuing
    the event's ``traceparent``) and put ``traceparent`` in the record headers themselves (``publish``).
    The middleware added a batch span per poll and two spans per publish on top, about half of all spans
    and a fifth of the planner's CPU per task, with nothing a trace reader used."""
    if not settings.broker.bootstrap_servers:
        raise RuntimeError("No Kafka bootstrap servers: set KAFKA_BOOTSTRAP_SERVERS or run `autoglm up`.")
    return KafkaBroker(
        settings.broker.bootstrap_servers,
        client_id=client_id,
        acks="all",
        enable_idempotence=settings.broker.enable_idempotence,
        linger_ms=0,
        max_request_size=max(settings.broker.max_record_bytes, settings.max_event_bytes) + 65_536,
        security=build_security(settings),
        log_level=logging.DEBUG,
        graceful_timeout=20.0,
    )


class ServiceRuntime:
    """What a service's handlers share: settings, tracer, broker, publishing, step replies, dead letters."""

    def __init__(self, service: str, settings: Settings) -> None:
        self.service = service
        self.settings = settings
        self.tracer_provider = telemetry.setup_tracing(service, settings)
        self.tracer = self.tracer_provider.get_tracer(f"autoglm.{service}")
        self.broker = make_broker(settings, client_id=f"autoglm-{service}")
        self.ready = False
        self.started_at = time.time()
        self.subscribers: list[Any] = []
        self._pipelines: list[Pipeline] = []
        self._observed: set[str] = set()  # topics this service reads but does not own (see subscribe)

    # ----------------------------------------------------------------- naming

    def topic(self, name: str) -> str:
        return self.settings.topic_prefix + name

    @property
    def group_id(self) -> str:
        return f"{self.settings.topic_prefix}autoglm-{self.service}"

    @property
    def source(self) -> str:
        return f"/autoglm/{self.service}"

    # ----------------------------------------------------------------- publish

    def event(self, etype: EventType, data: BaseModel, *, like: CloudEvent[Any] | None = None, **attrs: Any) -> CloudEvent[Any]:
        """A new event of this service, continuing ``like``'s task, session, tenant and the current trace."""
        fields: dict[str, Any] = {}
        if like is not None:
            fields = {"taskid": like.taskid, "sessionid": like.sessionid, "tenant": like.tenant}
        fields.update(attrs)
        fields.setdefault("traceparent", telemetry.inject_traceparent())
        return envelope(type(data))(source=self.source, type=etype.value, data=data, **fields)

    async def publish(
        self, topic_name: str, event: CloudEvent[Any], *, partition: int | None = None, key: str | None = None
    ) -> None:
        """Send ``event`` in the topic's content mode (``Settings.content_modes``, structured by default)."""
        body, headers = encode(event, self.settings.content_modes.get(topic_name, "structured"))
        record_key = (key or event.sessionid or event.taskid or "").encode()
        await self.publish_raw(topic_name, body, key=record_key, partition=partition, headers=headers)

    async def publish_raw(
        self,
        topic_name: str,
        value: bytes | None,
        *,
        key: bytes | None,
        partition: int | None = None,
        headers: list[tuple[str, bytes]] | None = None,
    ) -> None:
        """Send one record and wait for the broker's acknowledgement (``value`` None: a tombstone)."""
        producer = self.kafka_producer()
        if producer is None:
            await self.broker.publish(value, self.topic(topic_name), key=key, partition=partition,
                                      headers={name: raw.decode() for name, raw in headers or ()})
            return
        sent = await producer.send(self.topic(topic_name), value, key=key, partition=partition, headers=headers or [])
        await sent

    async def reply(
        self,
        ev: CloudEvent[Any],
        req: StepRequest,
        *,
        ok: bool,
        output: dict[str, Any] | None = None,
        text: str = "",
        error: str | None = None,
        started: float | None = None,
    ) -> bool:
        """Answer a step request: one ``StepCompleted`` from this service on the request's ``reply_to``,
        continuing ``ev``'s task, session and trace. ``started`` (a ``time.perf_counter()`` reading)
        gives the reply's ``duration_ms``.

        Returns whether a reply was sent. A worker writes only to the reply topics (``REPLY_TOPICS``):
        a fire-and-forget request (``reply_to`` ``NO_REPLY``) gets no reply, and any other topic is
        refused, recorded as a ``reply_to refused`` event on the current span."""
        if req.reply_to not in REPLY_TOPICS:
            if req.reply_to != NO_REPLY:
                trace.get_current_span().add_event("reply_to refused", {"reply_to": req.reply_to[:100]})
            return False
        reply = StepCompleted(
            step_id=req.step_id,
            attempt=req.attempt,
            ok=ok,
            output=output or {},
            text=text,
            error=error,
            service=self.service,
            duration_ms=0.0 if started is None else (time.perf_counter() - started) * 1000,
        )
        await self.publish(req.reply_to, self.event(EventType.STEP_COMPLETED, reply, like=ev))
        return True

    def kafka_producer(self) -> AIOKafkaProducer | None:
        """The connected broker's own aiokafka producer, to send through directly: faststream's publish
        path (command object, middleware chain, a correlation id per record) cost ~40% more CPU per
        record, and the services use none of it. None before the broker connects and under faststream's
        in-memory TestKafkaBroker, whose fake producer then takes the records."""
        return connected_producer(self.broker)

    # ----------------------------------------------------------------- consume

    def subscribe(
        self,
        topics: Sequence[str],
        accepts: Iterable[EventType] | Mapping[str, Iterable[EventType]],
        handle: Callable[[Received], Awaitable[None]],
        *,
        max_records: int = 64,
        listener: ConsumerRebalanceListener | None = None,
        co_partitioned: bool = False,
        on_batch: Callable[[list[Received]], Awaitable[None]] | None = None,
        pipelined: int | None = None,
        observe: bool = False,
    ) -> None:
        """Register a batch subscriber that decodes, dead-letters bad records and runs ``handle`` per event.

        ``observe=True``: this service only watches topics another service owns (the feedback service reads
        the tasks and results). A record it can't read is counted (``autoglm_events_failed_total``, reason
        ``observed_<error type>``) and skipped: the owner dead-letters it and answers its sender, once; a
        second dead letter and a second failed result for the same bad task would be duplicates.

        Default: the events of one batch are handled concurrently and the batch is committed after
        every handler returned. ``pipelined=N`` keeps up to N events in flight across batches, so
        a slow event (a long generation, a hanging tool) doesn't hold back the ones behind it; the
        consumer stops fetching while N are in flight (the backlog waits in Kafka) and offsets are
        committed only up to the first unfinished record of each partition.

        ``accepts`` is the event types every topic accepts, or a mapping topic -> its own types:
        one consumer for several topics (``handle`` tells them apart by ``Received.topic``) costs
        one fetch loop instead of one each; on Tansu every idle fetch loop costs CPU.
        """
        b = self.settings.broker
        per_topic = accepts if isinstance(accepts, Mapping) else dict.fromkeys(topics, tuple(accepts))
        if set(per_topic) != set(topics):
            raise ValueError(f"accepted types given for {sorted(per_topic)}, topics are {sorted(topics)}")
        # The tasks topic is the public entry: its size limit is the event limit, not the record limit.
        rules: dict[str, TopicRule] = {
            self.topic(t): TopicRule(
                {e: EVENT_PAYLOADS[e] for e in per_topic[t]},
                self.settings.max_event_bytes if t == TASKS else max(b.max_record_bytes, self.settings.max_event_bytes),
            )
            for t in topics
        }

        if observe:
            self._observed.update(self.topic(t) for t in topics)
        pipeline = Pipeline(self, pipelined) if pipelined else None

        # One parameter, filled by ``records_decoder``: a handler that asks for faststream's
        # message object (a context field) has it resolved on a worker thread, a thread hop of
        # its own on every batch (fast_depends runs synchronous resolvers in a thread pool).
        async def consume(records: Any) -> None:
            metrics.BATCH_SIZE.labels(self.service).observe(len(records))
            if pipeline is not None:
                await pipeline.feed(records, rules, handle)
                return
            good: list[Received] = []
            for record in records:
                try:
                    good.append(Received(record, rules[record.topic].decode(record)))
                except Rejected as rej:
                    await self.dead_letter(record, rej)
            if on_batch is not None and good:
                await on_batch(good)
            metrics.IN_FLIGHT.labels(self.service).inc(len(good))
            try:
                await asyncio.gather(*(self._handle_one(item, handle) for item in good))
            finally:
                metrics.IN_FLIGHT.labels(self.service).dec(len(good))

        consume.__name__ = f"{self.service}_consume"
        subscriber = self.broker.subscriber(
            *[self.topic(t) for t in topics],
            group_id=self.group_id,
            batch=True,
            max_records=max_records,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=b.fetch_max_wait_ms,
            batch_timeout_ms=b.poll_interval_ms,
            session_timeout_ms=b.session_timeout_ms,
            heartbeat_interval_ms=b.heartbeat_interval_ms,
            max_partition_fetch_bytes=max(r.max_bytes for r in rules.values()) + 65_536,
            partition_assignment_strategy=(RangePartitionAssignor,),
            ack_policy=AckPolicy.MANUAL if pipeline is not None else AckPolicy.ACK,
            listener=pipeline.listener(listener) if pipeline is not None else listener,
            parser=records_parser,
            decoder=records_decoder,
        )
        subscriber(consume)
        wake_on_records(subscriber, b.poll_interval_ms, max_records, self._unreadable,
                        waits=FetchWaits(b.fetch_max_wait_ms, b.busy_fetch_max_wait_ms, b.busy_batch_records))
        self.subscribers.append(subscriber)
        if pipeline is not None:
            pipeline.subscriber = subscriber
            self._pipelines.append(pipeline)

    def pause(self, topic_name: str) -> bool:
        """Stop fetching ``topic_name`` on the partitions this replica is assigned; the consumer's other
        topics keep flowing and the backlog waits in Kafka. A new assignment starts unpaused.
        Returns False when no consumer has started yet (nothing was paused)."""
        return self._pause(topic_name, paused=True)

    def resume(self, topic_name: str) -> bool:
        """Fetch ``topic_name`` again after :meth:`pause`; False when no consumer has started yet."""
        return self._pause(topic_name, paused=False)

    def _pause(self, topic_name: str, *, paused: bool) -> bool:
        topic = self.topic(topic_name)
        found = False
        for sub in self.subscribers:
            consumer = subscriber_consumer(sub)
            if consumer is None:
                continue
            found = True
            partitions = [tp for tp in consumer.assignment() if tp.topic == topic]
            if paused:
                consumer.pause(*partitions)
            else:
                consumer.resume(*partitions)
        return found

    async def drain(self, timeout: float = 20.0) -> None:
        """Finish in-flight pipelined work and commit it (graceful shutdown)."""
        for pipeline in self._pipelines:
            await pipeline.drain(timeout)

    async def measure_lag(self) -> dict[str, int]:
        """Consumer lag per topic on this replica's partitions (high watermark minus position)."""
        lag: dict[str, int] = {}
        for sub in self.subscribers:
            consumer = subscriber_consumer(sub)
            if consumer is None:
                continue
            for tp in consumer.assignment():
                high = consumer.highwater(tp)
                if high is None:
                    continue
                try:
                    position = await consumer.position(tp)
                except Exception:  # noqa: BLE001 - a partition being revoked has no position
                    continue
                topic = tp.topic.removeprefix(self.settings.topic_prefix)
                lag[topic] = lag.get(topic, 0) + max(0, high - position)
        for topic, value in lag.items():
            metrics.CONSUMER_LAG.labels(self.service, topic).set(value)
        return lag

    async def _handle_one(self, item: Received, handle: Callable[[Received], Awaitable[None]]) -> None:
        started = time.perf_counter()
        try:
            with self.process_span(item) as span:
                try:
                    await handle(item)
                except Exception as exc:
                    telemetry.mark_error(span, f"{type(exc).__name__}: {exc}")
                    raise
            metrics.EVENTS_PROCESSED.labels(self.service, item.topic).inc()
        except Rejected as rej:  # a handler's own refusal (a valid event it must not act on): no traceback
            await self.dead_letter(item.record, rej)
        except Exception as exc:  # a bug or a poison event: dead-letter it, never crash the consumer
            log.exception("%s failed on %s/%s@%s", self.service, item.topic, item.partition, item.record.offset)
            await self.dead_letter(
                item.record, Rejected("processing_error", f"{type(exc).__name__}: {exc}"[:1000], item.event.taskid)
            )
        finally:
            metrics.STAGE_LATENCY.labels(self.service, "handle").observe(time.perf_counter() - started)

    async def dead_letter(self, record: ConsumerRecord, rej: Rejected) -> None:
        """Publish ``record`` to the DLQ with the reason (see :func:`.dlq.dead_letter`); on a topic this
        service only observes (``subscribe(observe=True)``), count it and leave the letter to the owner."""
        if record.topic in self._observed:
            metrics.EVENTS_FAILED.labels(self.service, f"observed_{rej.error_type}").inc()
            log.info("%s skipped an unreadable record on %s (its owner dead-letters it): %s", self.service,
                     record.topic, rej.error_type)
            return
        await dlq.dead_letter(self, record, rej)

    async def _unreadable(self, record: ConsumerRecord) -> None:
        await dlq.dead_letter(self, record, dlq.unreadable(record))

    def span(self, name: str, **attributes: Any) -> Any:
        return self.tracer.start_as_current_span(name, attributes=attributes)

    def process_span(self, item: Received, extra: dict[str, Any] | None = None) -> Any:
        ev = item.event
        return telemetry.consumer_span(
            self.tracer,
            topic=item.topic.removeprefix(self.settings.topic_prefix),
            traceparent=ev.traceparent,
            group=self.group_id,
            attributes={
                telemetry.TASK_ID: ev.taskid or "",
                telemetry.SESSION_ID: ev.sessionid or "",
                telemetry.TENANT: ev.tenant,
                "messaging.kafka.message.key": ev.sessionid or "",
                "messaging.destination.partition.id": str(item.partition),
                "messaging.kafka.offset": int(item.record.offset),
                "messaging.message.id": ev.id,
                "cloudevents.event_type": ev.type,
                **(extra or {}),
            },
        )
