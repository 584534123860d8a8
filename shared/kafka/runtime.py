"""Kafka plumbing shared by every service: broker factory, event decoding, dead letters.

Delivery contract: each subscriber consumes a batch, processes every record, publishes
every output and waits for the broker's acknowledgement, and only then lets faststream
commit the batch's offsets. A crash anywhere before the commit redelivers the batch
(at-least-once); consumers make redelivery harmless (the planner de-duplicates by task
and step id, memory writes are idempotent by id).

A record that cannot be decoded or validated never reaches a handler: it goes to
``autoglm.dlq`` with the reason and its original bytes, and, when it came from the public
task topic and names a task, the task gets a ``failed`` result. The service goes on.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import functools
import hashlib
import json
import logging
import re
import ssl
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

from aiokafka import AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.abc import ConsumerRebalanceListener
from aiokafka.coordinator.assignors.range import RangePartitionAssignor
from faststream import AckPolicy
from faststream.exceptions import IncorrectState
from faststream.kafka import KafkaBroker, KafkaMessage
from opentelemetry.trace import Span
from pydantic import BaseModel, ValidationError

from .. import metrics, telemetry
from ..config import Settings
from ..events import (
    CONTENT_TYPE,
    EVENT_PAYLOADS,
    SUPPORTED_SCHEMA_VERSIONS,
    CloudEvent,
    DeadLetter,
    EventType,
    TaskCompleted,
    TaskStatus,
)
from ..topics import DLQ, RESULTS, TASKS

log = logging.getLogger("autoglm")

_TASK_ID_RES = (
    re.compile(rb'"taskid"\s*:\s*"([A-Za-z0-9._:\-]{1,128})"'),
    re.compile(rb'"id"\s*:\s*"([A-Za-z0-9._:\-]{1,128})"'),
)
_SESSION_RE = re.compile(rb'"sessionid"\s*:\s*"([A-Za-z0-9._:\-]{1,128})"')
_TENANT_RE = re.compile(rb'"tenant"\s*:\s*"([A-Za-z0-9._\-]{1,64})"')
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
MAX_JSON_DEPTH = 64
"""Deeper events are refused: re-serializing them (a planner checkpoint) would fail mid-handler."""


class Rejected(Exception):
    """A record that can't be processed; carries the DLQ error class."""

    def __init__(self, error_type: str, reason: str, task_id: str | None = None) -> None:
        super().__init__(reason)
        self.error_type = error_type
        self.reason = reason
        self.task_id = task_id


@dataclass
class Received:
    """One decoded event and where it came from."""

    record: ConsumerRecord
    event: CloudEvent[Any]

    @property
    def topic(self) -> str:
        return str(self.record.topic)

    @property
    def partition(self) -> int:
        return int(self.record.partition)


def build_security(settings: Settings) -> Any:
    from faststream.security import (
        BaseSecurity,
        SASLPlaintext,
        SASLScram256,
        SASLScram512,
    )

    b = settings.broker
    if b.security_protocol == "PLAINTEXT":
        return None
    context: ssl.SSLContext | None = None
    if b.security_protocol in ("SSL", "SASL_SSL"):
        context = ssl.create_default_context(cafile=str(b.ssl_cafile) if b.ssl_cafile else None)
        if b.ssl_certfile:
            context.load_cert_chain(str(b.ssl_certfile), str(b.ssl_keyfile) if b.ssl_keyfile else None)
    if b.security_protocol == "SSL":
        return BaseSecurity(ssl_context=context, use_ssl=True)
    password = b.sasl_password.get_secret_value() if b.sasl_password else ""
    kinds = {"PLAIN": SASLPlaintext, "SCRAM-SHA-256": SASLScram256, "SCRAM-SHA-512": SASLScram512}
    cls = kinds[b.sasl_mechanism or "SCRAM-SHA-512"]
    return cls(
        username=b.sasl_username or "",
        password=password,
        ssl_context=context,
        use_ssl=b.security_protocol == "SASL_SSL",
    )


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


def decode_record(record: ConsumerRecord, accepts: dict[EventType, type[BaseModel]], max_bytes: int) -> CloudEvent[Any]:
    """Bytes to a validated event, or :class:`Rejected` saying exactly why not."""
    try:
        return _decode(record, accepts, max_bytes)
    except Rejected as rej:
        binary = _binary_mode_attributes(record)
        if binary is None:
            raise
        # A CloudEvents binary-mode record (attributes in ce_* headers): say so, and answer its task.
        raise Rejected(
            rej.error_type,
            "CloudEvents binary content mode (ce_* headers) is not supported: publish structured mode "
            f"(content-type {CONTENT_TYPE}, attributes and data in one JSON value); {rej.reason}",
            rej.task_id or _valid_id(binary.get("ce_taskid")) or _valid_id(binary.get("ce_id")),
        ) from None


def _binary_mode_attributes(record: ConsumerRecord) -> dict[str, str] | None:
    attrs = {}
    for name, raw in record.headers or ():
        if name.startswith("ce_") and raw is not None:
            attrs[name] = raw.decode("utf-8", "replace")
    return attrs if "ce_specversion" in attrs else None


# Attributes that name whose event it is: a second copy under the same key is refused, not resolved,
# since JSON parsers disagree on which copy wins (Python's: the last; a regex or a streaming reader: the first).
_SPOOFABLE = tuple(f'"{name}"'.encode() for name in ("taskid", "sessionid", "tenant", "specversion", "schemaversion"))


def _duplicate_keys(value: bytes, text: str) -> set[str]:
    """Keys that occur twice in one JSON object of ``value``; cheap unless an attribute name repeats."""
    suspicious = any(value.count(name) > 1 for name in _SPOOFABLE) or (
        b'"taskid"' not in value and value.count(b'"id"') > 1
    )
    if not suspicious:
        return set()
    dups: set[str] = set()

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: set[str] = set()
        for k, _ in items:
            if k in seen:
                dups.add(k)
            seen.add(k)
        return dict(items)

    json.loads(text, object_pairs_hook=pairs, parse_constant=_reject_constant)
    return dups


def _decode(record: ConsumerRecord, accepts: dict[EventType, type[BaseModel]], max_bytes: int) -> CloudEvent[Any]:
    value = record.value
    guess = _guess_task_id(value)
    if value is None:
        raise Rejected("invalid_event", "empty record value (tombstone)", guess)
    if len(value) > max_bytes:
        raise Rejected("oversize", f"record is {len(value)} bytes; the limit is {max_bytes}", guess)
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Rejected("invalid_utf8", f"record value is not UTF-8: {exc}", guess) from None
    try:
        raw = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise Rejected("malformed_json", f"malformed JSON: {exc}", guess) from None
    if value.count(b"[") + value.count(b"{") > MAX_JSON_DEPTH and _too_deep(raw, MAX_JSON_DEPTH):
        raise Rejected("malformed_json", f"JSON nested deeper than {MAX_JSON_DEPTH} levels", guess)
    if _SURROGATE_ESCAPE.search(value):
        # A lone "\ud800" escape decodes to a str that can't be encoded again: refuse it here,
        # not halfway through a handler that has already published something.
        try:
            json.dumps(raw, ensure_ascii=False).encode()
        except (UnicodeEncodeError, RecursionError) as exc:
            raise Rejected("invalid_utf8", f"string is not valid Unicode: {exc}"[:300], guess) from None
    if not isinstance(raw, dict):
        raise Rejected("invalid_event", f"expected a JSON object, got {type(raw).__name__}", guess)
    task_id = _valid_id(raw.get("taskid")) or _valid_id(raw.get("id"))
    dups = _duplicate_keys(value, text)
    if dups:
        # Whose task it is is ambiguous when its id is what repeats: answer nobody rather than the wrong one.
        ambiguous = {"taskid", "id"} & dups
        raise Rejected("invalid_event", f"duplicate keys in one JSON object: {sorted(dups)[:5]!r}"[:300],
                       None if ambiguous else task_id)
    for attr in ("id", "source"):
        if not isinstance(raw.get(attr), str) or not raw[attr]:
            raise Rejected("invalid_event", f"required CloudEvents attribute {attr!r} is missing or not a string", task_id)
    if raw.get("specversion") != "1.0":
        raise Rejected("invalid_event", f"specversion must be '1.0', got {str(raw.get('specversion'))[:40]!r}", task_id)
    version = str(raw.get("schemaversion", "1"))
    if version not in SUPPORTED_SCHEMA_VERSIONS:
        raise Rejected(
            "unsupported_version",
            f"schemaversion {version[:20]!r} is not supported (supported: {sorted(SUPPORTED_SCHEMA_VERSIONS)})",
            task_id,
        )
    etype = raw.get("type")
    payload_cls = None
    if isinstance(etype, str):
        for accepted, cls in accepts.items():
            if accepted.value == etype:
                payload_cls = cls
    if payload_cls is None:
        expected = ", ".join(t.value for t in accepts)
        raise Rejected("unknown_type", f"event type {str(etype)[:80]!r} not accepted here (expected {expected})", task_id)
    try:
        return envelope(payload_cls).model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors(include_url=False)[:5]
        )
        raise Rejected("invalid_event", f"schema validation failed: {problems}", task_id) from None


@functools.cache
def envelope(payload_cls: type[BaseModel]) -> type[CloudEvent[Any]]:
    """``CloudEvent[payload_cls]``, built once: pydantic keeps parametrized models only weakly, and
    rebuilding one after it was collected costs a few milliseconds."""
    return CloudEvent[payload_cls]  # type: ignore[valid-type]


def _too_deep(doc: Any, limit: int) -> bool:
    stack: list[tuple[Any, int]] = [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            node = node.values()
        elif not isinstance(node, list):
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in node if isinstance(child, (dict, list)))
    return False


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _valid_id(value: Any) -> str | None:
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z0-9._:\-]{1,128}", value):
        return value
    return None


def _only_match(pattern: re.Pattern[bytes], head: bytes) -> str | None:
    """The one value ``pattern`` finds, or None when it finds none or several (ambiguous)."""
    found = set(pattern.findall(head))
    return found.pop().decode() if len(found) == 1 else None


def _guess_task_id(value: bytes | None) -> str | None:
    if not value:
        return None
    head = value[:65_536]
    for pattern in _TASK_ID_RES:
        found = set(pattern.findall(head))
        if len(found) == 1:
            return found.pop().decode()
        if found:
            return None  # two candidates: answering either could answer someone else's task
    return None


def _b64(data: bytes | None) -> str:
    return base64.b64encode(data or b"").decode()


class OffsetTracker:
    """Which offsets of each partition may be committed while work on later records is still running.

    An offset is committable only when every record before it is finished, so a crash redelivers
    everything unfinished and nothing finished is skipped.
    """

    def __init__(self) -> None:
        self.in_flight: dict[TopicPartition, set[int]] = {}
        self.next_offset: dict[TopicPartition, int] = {}
        self.committed: dict[TopicPartition, int] = {}

    def begin(self, tp: TopicPartition, offset: int) -> None:
        self.in_flight.setdefault(tp, set()).add(offset)
        self.next_offset[tp] = max(self.next_offset.get(tp, 0), offset + 1)

    def end(self, tp: TopicPartition, offset: int) -> None:
        self.in_flight.get(tp, set()).discard(offset)

    def committable(self) -> dict[TopicPartition, int]:
        out = {}
        for tp, nxt in self.next_offset.items():
            pending = self.in_flight.get(tp)
            offset = min(pending) if pending else nxt
            if self.committed.get(tp) != offset:
                out[tp] = offset
        return out

    def pending(self, partitions: set[TopicPartition] | None = None) -> int:
        return sum(len(v) for tp, v in self.in_flight.items() if partitions is None or tp in partitions)

    def forget(self, partitions: set[TopicPartition]) -> None:
        for tp in partitions:
            self.in_flight.pop(tp, None)
            self.next_offset.pop(tp, None)
            self.committed.pop(tp, None)


class ServiceRuntime:
    """What a service's handlers share: settings, tracer, broker, publishing and dead letters."""

    def __init__(self, service: str, settings: Settings) -> None:
        self.service = service
        self.settings = settings
        self.tracer_provider = telemetry.setup_tracing(service, settings)
        self.tracer = self.tracer_provider.get_tracer(f"autoglm.{service}")
        self.broker = make_broker(settings, client_id=f"autoglm-{service}")
        self.ready = False
        self.started_at = time.time()
        self.subscribers: list[Any] = []
        self._pipelines: list[_Pipeline] = []

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
        body = event.model_dump_json(exclude_none=True).encode()
        headers = {"content-type": CONTENT_TYPE, "ce_type": event.type}
        if event.traceparent:
            headers["traceparent"] = event.traceparent  # W3C context for consumers that read headers
        record_key = (key or event.sessionid or event.taskid or "").encode()
        await self.publish_raw(topic_name, body, key=record_key, partition=partition, headers=headers)

    async def publish_raw(
        self,
        topic_name: str,
        value: bytes | None,
        *,
        key: bytes | None,
        partition: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Send one record and wait for the broker's acknowledgement (``value`` None: a tombstone)."""
        producer = self.kafka_producer()
        if producer is None:
            await self.broker.publish(value, self.topic(topic_name), key=key, partition=partition, headers=headers)
            return
        sent = await producer.send(
            self.topic(topic_name), value, key=key, partition=partition,
            headers=[(name, text.encode()) for name, text in (headers or {}).items()],
        )
        await sent

    def kafka_producer(self) -> AIOKafkaProducer | None:
        """The connected broker's own aiokafka producer, to send through directly: faststream's publish
        path (command object, middleware chain, a correlation id per record) cost ~40% more CPU per
        record, and the services use none of it. None before the broker connects and under faststream's
        in-memory TestKafkaBroker, whose fake producer then takes the records (faststream 0.7 internals)."""
        state = getattr(getattr(self.broker.config, "producer", None), "_producer", None)
        try:
            producer = getattr(state, "producer", None)
        except IncorrectState:  # not connected
            return None
        return producer if isinstance(producer, AIOKafkaProducer) else None

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
    ) -> None:
        """Register a batch subscriber that decodes, dead-letters bad records and runs ``handle`` per event.

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
        rules: dict[str, _TopicRule] = {
            self.topic(t): _TopicRule(
                {e: EVENT_PAYLOADS[e] for e in per_topic[t]},
                self.settings.max_event_bytes if t == TASKS else max(b.max_record_bytes, self.settings.max_event_bytes),
            )
            for t in topics
        }

        pipeline = _Pipeline(self, pipelined) if pipelined else None

        # One parameter, filled by ``_records_decoder``: a handler that asks for faststream's
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
            parser=_records_parser,
            decoder=_records_decoder,
        )
        subscriber(consume)
        _wake_on_records(subscriber, b.poll_interval_ms, max_records, self._unreadable,
                         waits=FetchWaits(b.fetch_max_wait_ms, b.busy_fetch_max_wait_ms, b.busy_batch_records))
        self.subscribers.append(subscriber)
        if pipeline is not None:
            pipeline.subscriber = subscriber
            self._pipelines.append(pipeline)

    async def drain(self, timeout: float = 20.0) -> None:
        """Finish in-flight pipelined work and commit it (graceful shutdown)."""
        for pipeline in self._pipelines:
            await pipeline.drain(timeout)

    async def measure_lag(self) -> dict[str, int]:
        """Consumer lag per topic on this replica's partitions (high watermark minus position)."""
        lag: dict[str, int] = {}
        for sub in self.subscribers:
            consumer = getattr(sub, "consumer", None)
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
        """Publish ``record`` to the DLQ (and, from the task topic, the task's ``failed`` result).

        Never raises on a bad record: a letter too big for the broker keeps a prefix of the original
        (``truncated``), and a letter that still can't be published is retried without the original,
        so the rest of the batch is handled either way. Raises only when the broker itself refuses
        even that (the batch is then not committed)."""
        metrics.EVENTS_FAILED.labels(self.service, rej.error_type).inc()
        source_topic = str(record.topic)
        public_topic = source_topic.removeprefix(self.settings.topic_prefix)
        log.warning("dead-lettered %s/%s@%s: %s", source_topic, record.partition, record.offset, rej.reason)
        letter = _letter(record, rej, self.service, public_topic, self._letter_budget())
        with self.tracer.start_as_current_span(
            f"dead_letter {public_topic}",
            attributes={"error.type": rej.error_type, telemetry.TASK_ID: rej.task_id or "", "messaging.destination.name": DLQ},
        ) as span:
            telemetry.mark_error(span, rej.reason)
            # A record key is the session id: short. A longer one (an attacker's) isn't reused as ours.
            key = letter.key if letter.key is not None and len(letter.key) <= 256 else rej.task_id
            try:
                await self.publish(DLQ, self.event(EventType.DEAD_LETTERED, letter, taskid=rej.task_id, sessionid=None), key=key)
            except Exception as exc:  # noqa: BLE001 - e.g. the broker's own size limit; keep the facts
                log.warning("dead letter refused (%s); publishing it without the original", type(exc).__name__)
                bare = letter.model_copy(
                    update={"original_b64": "", "headers": {}, "key": None, "truncated": True,
                            "reason": f"{letter.reason} (the broker refused the full dead letter: {type(exc).__name__})"}
                )
                await self.publish(DLQ, self.event(EventType.DEAD_LETTERED, bare, taskid=rej.task_id, sessionid=None),
                                   key=rej.task_id)
            # Only the public task topic answers the sender: on internal topics the
            # planner's deadline produces the task's one result.
            if public_topic == TASKS and rej.task_id:
                head = (record.value or b"")[:65_536]
                session_id = _only_match(_SESSION_RE, head) or rej.task_id
                tenant = _only_match(_TENANT_RE, head) or "default"  # the sender's tenant reads its result
                result = TaskCompleted(
                    task_id=rej.task_id,
                    status=TaskStatus.FAILED,
                    error=f"rejected ({rej.error_type}): {rej.reason}",
                    answer="",
                    trace_id=telemetry.trace_id_of(span),
                )
                await self.publish(
                    RESULTS,
                    self.event(EventType.TASK_COMPLETED, result, taskid=rej.task_id, sessionid=session_id, tenant=tenant),
                )
                metrics.TASKS_FINISHED.labels("failed").inc()

    async def _unreadable(self, record: ConsumerRecord) -> None:
        await self.dead_letter(record, Rejected(
            "unreadable_record",
            f"record at offset {record.offset} can't be read by the Kafka client (a header key that isn't UTF-8); "
            "it was skipped and its bytes are not kept",
        ))

    def _letter_budget(self) -> int:
        """Bytes a dead letter may take: the producer's request limit less room for the envelope."""
        return max(self.settings.broker.max_record_bytes, self.settings.max_event_bytes)

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


TRUNCATED_ORIGINAL_BYTES = 65_536
"""What a dead letter keeps of a value too large to carry whole (base64 grows it by a third)."""
_MAX_LETTER_KEY = 4096
_MAX_LETTER_HEADERS = 65_536


def _letter(record: ConsumerRecord, rej: Rejected, service: str, topic: str, budget: int) -> DeadLetter:
    """The dead letter for ``record``: everything it had, unless that wouldn't fit in ``budget`` bytes."""
    value = record.value or b""
    key = _key_text(record.key)
    headers: dict[str, str] = {}
    header_bytes = 0
    truncated = False
    for name, raw in record.headers or ():
        header_bytes += len(name) + len(raw or b"")
        if header_bytes > _MAX_LETTER_HEADERS:
            truncated = True
            break
        headers[name] = _b64(raw)  # a repeated header name keeps its last value
    if key is not None and len(key) > _MAX_LETTER_KEY:
        key, truncated = key[:_MAX_LETTER_KEY], True
    room = budget - 4 * (header_bytes + len(key or "")) // 3 - len(rej.reason) - 4096
    if 4 * len(value) // 3 + 4 > room:
        value, truncated = value[:TRUNCATED_ORIGINAL_BYTES], True
    truncated = truncated or rej.error_type == "unreadable_record"  # nothing of it to replay
    return DeadLetter(
        reason=rej.reason,
        error_type=rej.error_type,
        service=service,
        topic=topic,
        partition=int(record.partition),
        offset=int(record.offset),
        key=key,
        original_b64=_b64(value),
        original_size=len(record.value or b""),
        original_sha256=hashlib.sha256(record.value or b"").hexdigest(),
        truncated=truncated,
        task_id=rej.task_id,
        headers=headers,
    )


def _key_text(key: bytes | None) -> str | None:
    if key is None:
        return None
    try:
        return key.decode("utf-8")
    except UnicodeDecodeError:
        return _b64(key)


def _wake_on_records(
    subscriber: Any,
    idle_ms: int,
    max_records: int,
    on_unreadable: Callable[[ConsumerRecord], Awaitable[None]] | None = None,
    waits: FetchWaits | None = None,
) -> None:
    """Make the subscriber's poll return as soon as aiokafka has fetched records.

    faststream's batch poll waits ``batch_timeout_ms`` for records and, when none came, sleeps as long
    again, blind: a record fetched during the sleep waits for it, so a short timeout is needed for
    latency and then every idle subscriber spins (a 2 ms poll cost ~9% of a core per idle service).
    ``getmany`` itself wakes the moment the background fetcher delivers, so one call with a long
    timeout is both prompt and idle. (faststream 0.7's ``BatchSubscriber.get_msg``, replaced on the
    instance; its consume loop skips an empty tuple and exits on ``ConsumerStoppedError``.)
    """

    probing = [0]  # polls left to find an unreadable record, one record per partition at a time

    async def get_msg(consumer: Any) -> tuple[ConsumerRecord, ...]:
        if probing[0]:
            return await probe(consumer)
        try:
            batch = await consumer.getmany(timeout_ms=idle_ms, max_records=max_records)
        except UnicodeDecodeError:
            # A record aiokafka can't decode (a header key that isn't UTF-8). Left alone, its partition
            # is stuck forever and the fetch it came in skips the good records before it. Rewind every
            # partition to what was delivered, then read one record at a time to find and skip it.
            for tp in consumer.assignment():
                consumer.seek(tp, await consumer.position(tp))
            probing[0] = 20
            return ()
        records = tuple(chain.from_iterable(batch.values()))
        if waits is not None:
            waits.adapt(consumer, len(records))
        return records

    async def probe(consumer: Any) -> tuple[ConsumerRecord, ...]:
        probing[0] -= 1
        out: list[ConsumerRecord] = []
        for tp in sorted(consumer.assignment()):
            try:
                got = await consumer.getmany(tp, timeout_ms=50, max_records=1)
            except UnicodeDecodeError:
                offset = await consumer.position(tp)  # records before it were delivered one by one
                consumer.seek(tp, offset + 1)
                probing[0] = 0
                if on_unreadable is not None:
                    await on_unreadable(ConsumerRecord(tp.topic, tp.partition, offset, -1, 0, None, None, None, -1, -1, ()))
                break
            out += chain.from_iterable(got.values())
        return tuple(out)

    subscriber.get_msg = get_msg


@dataclass(frozen=True, slots=True)
class FetchWaits:
    """Long-poll harder while busy: after a poll of at least ``busy_at`` records a consumer's next
    fetches wait up to ``busy_ms`` for data, after a smaller poll ``idle_ms`` (its configured
    ``fetch_max_wait_ms``). A fetch returns at once when it finds records; the wait only matters
    when it finds none. aiokafka reads the wait from its fetcher for every fetch request it builds."""

    idle_ms: int
    busy_ms: int
    busy_at: int

    def adapt(self, consumer: Any, records: int) -> None:
        fetcher = getattr(consumer, "_fetcher", None)
        if fetcher is not None and hasattr(fetcher, "_fetch_max_wait_ms"):
            fetcher._fetch_max_wait_ms = max(self.idle_ms, self.busy_ms) if records >= self.busy_at else self.idle_ms


async def _records_parser(records: tuple[ConsumerRecord, ...], original: Callable[..., Awaitable[Any]]) -> Any:
    """faststream's batch parser, made safe for header values that aren't UTF-8 or are null.

    faststream decodes every header value as UTF-8 to build its message object; one such header
    made it raise and drop the whole batch, good records included, with nothing dead-lettered.
    The services never read faststream's decoded headers, so on failure it gets copies with the
    bad values replaced, while the handler (and the DLQ) still get the original records."""
    try:
        return await original(records)
    except (UnicodeDecodeError, AttributeError):
        safe = tuple(dataclasses.replace(r, headers=[(k, _header_text(v)) for k, v in r.headers]) for r in records)
        msg = await original(safe)
        msg.raw_message = records
        return msg


def _header_text(value: bytes | None) -> bytes:
    return (value or b"").decode("utf-8", "replace").encode()


async def _records_decoder(msg: KafkaMessage) -> Any:
    """The batch's ``ConsumerRecord`` objects, undecoded: decoding and validation are ours."""
    return tuple(msg.raw_message)  # type: ignore[arg-type]


def set_error(span: Span, message: str) -> None:
    telemetry.mark_error(span, message)


@dataclass(frozen=True, slots=True)
class _TopicRule:
    """What one subscribed topic accepts: its event types and its size limit."""

    accepts: dict[EventType, type[BaseModel]]
    max_bytes: int

    def decode(self, record: ConsumerRecord) -> CloudEvent[Any]:
        return decode_record(record, self.accepts, self.max_bytes)


class _Pipeline:
    """Pipelined consumption for one subscriber: bounded in-flight work, precise commits."""

    def __init__(self, rt: ServiceRuntime, limit: int) -> None:
        self.rt = rt
        self.limit = limit
        self.slots = asyncio.Semaphore(limit)
        self.tracker = OffsetTracker()
        self.tasks: set[asyncio.Task[None]] = set()
        self.subscriber: Any = None
        self._committer: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    async def feed(
        self,
        records: tuple[ConsumerRecord, ...],
        rules: dict[str, _TopicRule],
        handle: Callable[[Received], Awaitable[None]],
    ) -> None:
        if self._committer is None:
            self._committer = asyncio.create_task(self._commit_forever())
        for record in records:
            tp = TopicPartition(record.topic, record.partition)
            self.tracker.begin(tp, record.offset)
            try:
                item = Received(record, rules[record.topic].decode(record))
            except Rejected as rej:
                await self.rt.dead_letter(record, rej)
                self.tracker.end(tp, record.offset)
                continue
            await self.slots.acquire()  # full: stop fetching until a slot frees up
            metrics.IN_FLIGHT.labels(self.rt.service).inc()
            task = asyncio.create_task(self._run(item, handle, tp))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def _run(self, item: Received, handle: Callable[[Received], Awaitable[None]], tp: TopicPartition) -> None:
        try:
            await self.rt._handle_one(item, handle)  # noqa: SLF001 - same runtime
        finally:
            self.tracker.end(tp, int(item.record.offset))
            self.slots.release()
            metrics.IN_FLIGHT.labels(self.rt.service).dec()
            self._wake.set()

    async def commit(self) -> None:
        consumer = getattr(self.subscriber, "consumer", None)
        offsets = self.tracker.committable()
        if consumer is None or not offsets:
            return
        assigned = consumer.assignment()
        offsets = {tp: off for tp, off in offsets.items() if tp in assigned}
        if not offsets:
            return
        try:
            await consumer.commit(offsets)
        except Exception as exc:  # noqa: BLE001 - a rebalance in progress; the next round retries
            log.debug("commit deferred: %s", exc)
            return
        self.tracker.committed.update(offsets)

    async def _commit_forever(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), 0.2)
            except TimeoutError:
                pass
            self._wake.clear()
            await asyncio.sleep(0.05)  # coalesce completions into one commit
            await self.commit()

    async def drain(self, timeout: float) -> None:
        if self.tasks:
            await asyncio.wait(set(self.tasks), timeout=timeout)
        await self.commit()
        if self._committer is not None:
            self._committer.cancel()

    def listener(self, inner: ConsumerRebalanceListener | None) -> ConsumerRebalanceListener:
        pipeline = self

        class _HandBack(ConsumerRebalanceListener):  # type: ignore[misc]
            async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
                # Hand the partitions back cleanly: finish what's running on them (bounded), commit.
                deadline = asyncio.get_running_loop().time() + 15
                while pipeline.tracker.pending(revoked) and asyncio.get_running_loop().time() < deadline:
                    await asyncio.sleep(0.05)
                await pipeline.commit()
                pipeline.tracker.forget(revoked)
                if inner is not None:
                    await inner.on_partitions_revoked(revoked)

            async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
                if inner is not None:
                    await inner.on_partitions_assigned(assigned)

        return _HandBack()
