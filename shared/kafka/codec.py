"""Records to events: decoding, validation and the refusal that says why not.

A record that cannot be decoded or validated never reaches a handler: :func:`decode_record` raises
:class:`Rejected` with a DLQ error class (``oversize``, ``invalid_utf8``, ``malformed_json``,
``invalid_event``, ``unsupported_version``, ``unknown_type``), the reason, and the task id when one can
be named without answering someone else's task. The subscriber's faststream hooks
(:func:`records_parser`, :func:`records_decoder`) hand the batch's raw records through, so decoding and
validation happen here, once.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiokafka import ConsumerRecord
from faststream.kafka import KafkaMessage
from pydantic import BaseModel, ValidationError

from ..events import CONTENT_TYPE, SUPPORTED_SCHEMA_VERSIONS, CloudEvent, EventType

_TASK_ID_RES = (
    re.compile(rb'"taskid"\s*:\s*"([A-Za-z0-9._:\-]{1,128})"'),
    re.compile(rb'"id"\s*:\s*"([A-Za-z0-9._:\-]{1,128})"'),
)
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


@dataclass(frozen=True, slots=True)
class TopicRule:
    """What one subscribed topic accepts: its event types and its size limit."""

    accepts: dict[EventType, type[BaseModel]]
    max_bytes: int

    def decode(self, record: ConsumerRecord) -> CloudEvent[Any]:
        return decode_record(record, self.accepts, self.max_bytes)


async def records_parser(records: tuple[ConsumerRecord, ...], original: Callable[..., Awaitable[Any]]) -> Any:
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


async def records_decoder(msg: KafkaMessage) -> Any:
    """The batch's ``ConsumerRecord`` objects, undecoded: decoding and validation are ours."""
    return tuple(msg.raw_message)  # type: ignore[arg-type]
