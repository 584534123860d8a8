"""Dead letters: a record no handler may act on goes to ``autoglm.dlq`` with the reason and its bytes.

The letter keeps the record's value, key and headers (base64) and where it came from, so
``autoglm dlq replay`` can publish it again; a record too large for the broker keeps a prefix
(``truncated``). The letter's envelope keeps whatever session, tenant and trace context the record
names (:func:`.codec.record_context`: binary or structured mode, or a broken record's bytes), and its
span continues the record's trace. A record from the public task topic that names a task also gets
that task's ``failed`` result, for the same tenant and session, so its sender is answered; on internal
topics the planner's deadline answers instead.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from typing import TYPE_CHECKING

from aiokafka import ConsumerRecord

from .. import metrics, telemetry
from ..events import DeadLetter, EventType, TaskCompleted, TaskStatus
from ..topics import DLQ, RESULTS, TASKS
from .codec import Rejected, record_context

if TYPE_CHECKING:
    from .runtime import ServiceRuntime

log = logging.getLogger("autoglm")

TRUNCATED_ORIGINAL_BYTES = 65_536
"""What a dead letter keeps of a value too large to carry whole (base64 grows it by a third)."""
_MAX_LETTER_KEY = 4096
_MAX_LETTER_HEADERS = 65_536


async def dead_letter(rt: ServiceRuntime, record: ConsumerRecord, rej: Rejected) -> None:
    """Publish ``record`` to the DLQ (and, from the task topic, the task's ``failed`` result).

    Never raises on a bad record: a letter too big for the broker keeps a prefix of the original
    (``truncated``), and a letter that still can't be published is retried without the original,
    so the rest of the batch is handled either way. Raises only when the broker itself refuses
    even that (the batch is then not committed)."""
    metrics.EVENTS_FAILED.labels(rt.service, rej.error_type).inc()
    source_topic = str(record.topic)
    public_topic = source_topic.removeprefix(rt.settings.topic_prefix)
    log.warning("dead-lettered %s/%s@%s: %s", source_topic, record.partition, record.offset, rej.reason)
    letter = _letter(record, rej, rt.service, public_topic, _letter_budget(rt))
    ctx = record_context(record)
    tenant = ctx.tenant or "default"  # the sender's tenant reads its result
    session_id = ctx.session_id or rej.task_id
    with rt.tracer.start_as_current_span(
        f"dead_letter {public_topic}",
        context=telemetry.context_from_traceparent(ctx.traceparent),
        attributes={"error.type": rej.error_type, telemetry.TASK_ID: rej.task_id or "", telemetry.TENANT: tenant,
                    telemetry.SESSION_ID: session_id or "", "messaging.destination.name": DLQ},
    ) as span:
        telemetry.mark_error(span, rej.reason)
        attrs = {"taskid": rej.task_id, "sessionid": session_id, "tenant": tenant}
        # A record key is the session id: short. A longer one (an attacker's) isn't reused as ours.
        key = letter.key if letter.key is not None and len(letter.key) <= 256 else rej.task_id
        try:
            await rt.publish(DLQ, rt.event(EventType.DEAD_LETTERED, letter, **attrs), key=key)
        except Exception as exc:  # noqa: BLE001 - e.g. the broker's own size limit; keep the facts
            log.warning("dead letter refused (%s); publishing it without the original", type(exc).__name__)
            bare = letter.model_copy(
                update={"original_b64": "", "headers": {}, "key": None, "truncated": True,
                        "reason": f"{letter.reason} (the broker refused the full dead letter: {type(exc).__name__})"}
            )
            await rt.publish(DLQ, rt.event(EventType.DEAD_LETTERED, bare, **attrs), key=rej.task_id)
        # Only the public task topic answers the sender: on internal topics the
        # planner's deadline produces the task's one result.
        if public_topic == TASKS and rej.task_id:
            result = TaskCompleted(
                task_id=rej.task_id,
                status=TaskStatus.FAILED,
                error=f"rejected ({rej.error_type}): {rej.reason}",
                answer="",
                trace_id=telemetry.trace_id_of(span),
            )
            await rt.publish(RESULTS, rt.event(EventType.TASK_COMPLETED, result, **attrs))
            metrics.TASKS_FINISHED.labels("failed").inc()


def unreadable(record: ConsumerRecord) -> Rejected:
    """The refusal of a record the Kafka client could not read (its bytes are gone)."""
    return Rejected(
        "unreadable_record",
        f"record at offset {record.offset} can't be read by the Kafka client (a header key that isn't UTF-8); "
        "it was skipped and its bytes are not kept",
    )


def _letter_budget(rt: ServiceRuntime) -> int:
    """Bytes a dead letter may take: the producer's request limit less room for the envelope."""
    return max(rt.settings.broker.max_record_bytes, rt.settings.max_event_bytes)


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


def _b64(data: bytes | None) -> str:
    return base64.b64encode(data or b"").decode()
