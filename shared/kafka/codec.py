"""Records to events and events to records: both CloudEvents Kafka content modes, validation, and the
refusal that says why not.

A record is in the *binary* content mode when its ``content-type`` header does not start with
``application/cloudevents`` and it has a ``ce_specversion`` header: the attributes are the ``ce_*``
headers and the value is ``data``. Anything else is read as the *structured* mode (one JSON document,
attributes and ``data``), as before binary mode was accepted. Both modes go through the same checks.

A record that cannot be decoded or validated never reaches a handler: :func:`decode_record` raises
:class:`Rejected` with a DLQ error class (``oversize``, ``invalid_utf8``, ``malformed_json``,
``invalid_event``, ``unsupported_version``, ``unknown_type``, ``text_too_long``), the reason, and the
task id when one can be named without answering someone else's task. :func:`record_context` reads
whose record it was (task, session, tenant, trace) from whatever of it is readable, for its dead
letter. The subscriber's faststream hooks (:func:`records_parser`, :func:`records_decoder`) hand the
batch's raw records through, so decoding and validation happen here, once.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from aiokafka import ConsumerRecord
from faststream.kafka import KafkaMessage
from pydantic import BaseModel, ValidationError

from ..events import (
    CONTENT_TYPE,
    DATA_CONTENT_TYPE,
    MAX_TEXT_CHARS,
    SUPPORTED_SCHEMA_VERSIONS,
    CloudEvent,
    EventType,
    TextTooLong,
    text_too_long_message,
)

ContentMode = Literal["structured", "binary"]
Headers = Iterable[tuple[str, bytes | None]]

_TASK_ID_RES = (
    re.compile(rb'"taskid"\s*:\s*"([A-Za-z0-9._:\-]{1,128})"'),
    re.compile(rb'"id"\s*:\s*"([A-Za-z0-9._:\-]{1,128})"'),
)
_SESSION_RE = re.compile(rb'"sessionid"\s*:\s*"([A-Za-z0-9._:\-]{1,128})"')
_TENANT_RE = re.compile(rb'"tenant"\s*:\s*"([A-Za-z0-9._\-]{1,64})"')
_TRACEPARENT_RE = re.compile(rb'"traceparent"\s*:\s*"(00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2})"')
_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")
_TENANT = re.compile(r"[A-Za-z0-9._\-]{1,64}")
_TRACEPARENT = re.compile(r"00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}")
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
MAX_JSON_DEPTH = 64
"""Deeper events are refused: re-serializing them (a planner checkpoint) would fail mid-handler."""
_HEAD = 65_536
"""How much of a value is searched for ids when it can't be parsed."""

_OPTIONAL_ATTRIBUTES = ("subject", "taskid", "sessionid", "traceparent")
"""Envelope attributes that may be unset: left out of the record then (CloudEvents has no null attribute)."""


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


def content_mode(headers: Headers | None) -> ContentMode:
    """The record's CloudEvents content mode, from its headers (see the module docstring)."""
    ctype: bytes | None = None
    binary = False
    for name, raw in headers or ():
        if name == "ce_specversion":
            binary = True
        elif name.lower() == "content-type":
            ctype = raw
    if ctype is not None and ctype[:23].lower() == b"application/cloudevents":
        return "structured"
    return "binary" if binary else "structured"


def decode_record(record: ConsumerRecord, accepts: dict[EventType, type[BaseModel]], max_bytes: int) -> CloudEvent[Any]:
    """Bytes to a validated event (either content mode), or :class:`Rejected` saying exactly why not."""
    if content_mode(record.headers) == "binary":
        raw, task_id = _binary_document(record, max_bytes)
    else:
        raw, task_id = _structured_document(record, max_bytes)
    return _validate(raw, task_id, accepts)


# Attributes that name whose event it is: a second copy under the same key is refused, not resolved,
# since JSON parsers disagree on which copy wins (Python's: the last; a regex or a streaming reader: the first).
_SPOOFABLE = tuple(f'"{name}"'.encode() for name in ("taskid", "sessionid", "tenant", "specversion", "schemaversion"))


def _duplicate_keys(value: bytes) -> set[str]:
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

    json.loads(value.decode("utf-8"), object_pairs_hook=pairs, parse_constant=_reject_constant)
    return dups


def _parse_json(value: bytes, what: str, guess: str | None) -> Any:
    """``value`` as JSON, refusing what the handlers couldn't carry on (bad Unicode, constants, deep nesting)."""
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Rejected("invalid_utf8", f"{what} is not UTF-8: {exc}", guess) from None
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
    return raw


def _structured_document(record: ConsumerRecord, max_bytes: int) -> tuple[dict[str, Any], str | None]:
    """The JSON document of a structured-mode record, and the task id it names."""
    value = record.value
    guess = _guess_task_id(value)
    if value is None:
        raise Rejected("invalid_event", "empty record value (tombstone)", guess)
    if len(value) > max_bytes:
        raise Rejected("oversize", f"record is {len(value)} bytes; the limit is {max_bytes}", guess)
    raw = _parse_json(value, "record value", guess)
    if not isinstance(raw, dict):
        raise Rejected("invalid_event", f"expected a JSON object, got {type(raw).__name__}", guess)
    task_id = _valid_id(raw.get("taskid")) or _valid_id(raw.get("id"))
    dups = _duplicate_keys(value)
    if dups:
        # Whose task it is is ambiguous when its id is what repeats: answer nobody rather than the wrong one.
        ambiguous = {"taskid", "id"} & dups
        raise Rejected("invalid_event", f"duplicate keys in one JSON object: {sorted(dups)[:5]!r}"[:300],
                       None if ambiguous else task_id)
    return raw, task_id


def _binary_document(record: ConsumerRecord, max_bytes: int) -> tuple[dict[str, Any], str | None]:
    """A binary-mode record as the structured document it stands for: ``ce_*`` headers as attributes,
    the value as ``data``, the ``content-type`` header as ``datacontenttype``."""
    attrs: dict[str, str] = {}
    repeated: set[str] = set()
    unreadable: list[str] = []
    ctype: str | None = None
    header_bytes = 0
    for name, raw in record.headers or ():
        header_bytes += len(name) + len(raw or b"")
        if name.lower() == "content-type" and raw is not None:
            ctype = raw.decode("utf-8", "replace")
        if not name.startswith("ce_") or raw is None:
            continue
        attr = name[3:]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            unreadable.append(name)
            continue
        if attr in attrs:
            repeated.add(attr)
        attrs[attr] = text
    # Whose task it is is ambiguous when its id header repeats: answer nobody rather than the wrong one.
    task_id = None if {"taskid", "id"} & repeated else (_valid_id(attrs.get("taskid")) or _valid_id(attrs.get("id")))
    value = record.value
    if len(value or b"") + header_bytes > max_bytes:
        raise Rejected("oversize", f"record is {len(value or b'') + header_bytes} bytes with its headers; "
                       f"the limit is {max_bytes}", task_id)
    if repeated:
        raise Rejected("invalid_event", f"repeated CloudEvents headers: {sorted('ce_' + a for a in repeated)[:5]!r}"[:300],
                       task_id)
    if unreadable:
        raise Rejected("invalid_utf8", f"CloudEvents headers that aren't UTF-8: {sorted(unreadable)[:5]!r}"[:300], task_id)
    if ctype is not None and not _is_json_media_type(ctype):
        raise Rejected("invalid_event", f"binary content mode with content-type {ctype[:80]!r}: the data must be "
                       f"JSON ({DATA_CONTENT_TYPE})", task_id)
    if value is None:
        raise Rejected("invalid_event", "empty record value (tombstone): binary content mode needs the data as the value",
                       task_id)
    data = _parse_json(value, "record value (the data)", task_id)
    if ctype is not None:
        attrs["datacontenttype"] = ctype
    attrs.pop("data", None)  # a header can't stand for the value
    return {**attrs, "data": data}, task_id


def _is_json_media_type(ctype: str) -> bool:
    media = ctype.split(";", 1)[0].strip().lower()
    return media in ("application/json", "text/json") or media.endswith("+json")


def _validate(raw: dict[str, Any], task_id: str | None, accepts: dict[EventType, type[BaseModel]]) -> CloudEvent[Any]:
    """The checks both content modes share: attributes, version, type, then the payload schema."""
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
        errors = exc.errors(include_url=False)
        for err in errors:
            if err["type"] == "string_too_long" and tuple(err["loc"]) == ("data", "text") and \
                    err.get("ctx", {}).get("max_length") == MAX_TEXT_CHARS:
                raise Rejected(TextTooLong.error_type, text_too_long_message(len(raw["data"]["text"])), task_id) from None
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in errors[:5])
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
    if isinstance(value, str) and _ID.fullmatch(value):
        return value
    return None


def _guess_task_id(value: bytes | None) -> str | None:
    if not value:
        return None
    head = value[:_HEAD]
    for pattern in _TASK_ID_RES:
        found = set(pattern.findall(head))
        if len(found) == 1:
            return found.pop().decode()
        if found:
            return None  # two candidates: answering either could answer someone else's task
    return None


# --------------------------------------------------------------------------- events to records


def encode(event: CloudEvent[Any], mode: ContentMode = "structured") -> tuple[bytes, list[tuple[str, bytes]]]:
    """An event as a record's value and headers in ``mode``.

    Structured: the whole event as one JSON document, ``content-type: application/cloudevents+json``.
    Binary: ``data`` as the value, every set attribute as a ``ce_<name>`` header and ``datacontenttype``
    as ``content-type``. Either way a ``traceparent`` header carries the W3C context for consumers that
    read headers, and no other header is written: a stray ``ce_*`` header on a structured record makes
    CloudEvents SDKs read it as binary mode. Payload fields are written even when null (the documented
    schema); envelope attributes without a value are left out."""
    if mode == "binary":
        attrs = event.model_dump(mode="json", exclude={"data", "datacontenttype"}, exclude_none=True)
        headers = [("content-type", event.datacontenttype.encode())]
        headers += [(f"ce_{name}", str(value).encode()) for name, value in attrs.items()]
        value = event.data.model_dump_json().encode()
    else:
        unset = {name for name in _OPTIONAL_ATTRIBUTES if getattr(event, name) is None}
        value = event.model_dump_json(exclude=unset or None).encode()
        headers = [("content-type", CONTENT_TYPE.encode())]
    if event.traceparent:
        headers.append(("traceparent", event.traceparent.encode()))
    return value, headers


def read_event(value: bytes | None, headers: Headers | None) -> tuple[dict[str, Any], Any] | None:
    """Attributes and data of a record in either content mode, unvalidated: for the project's own readers of
    what it wrote (results, replies, dead letters), which must not care how an output was configured.
    None when the record isn't readable as an event."""
    headers = list(headers or ())
    try:
        if content_mode(headers) == "binary":
            attrs = {name[3:]: raw.decode("utf-8", "replace") for name, raw in headers
                     if name.startswith("ce_") and raw is not None}
            return attrs, json.loads(value or b"")
        doc = json.loads(value or b"")
    except (ValueError, RecursionError):
        return None
    return (doc, doc.get("data")) if isinstance(doc, dict) else None


# --------------------------------------------------------------------------- whose record it was


@dataclass(frozen=True, slots=True)
class RecordContext:
    """Whose a record is, as far as its bytes say so unambiguously, even when it failed to decode."""

    session_id: str | None = None
    tenant: str | None = None
    traceparent: str | None = None


def record_context(record: ConsumerRecord) -> RecordContext:
    """Session, tenant and W3C trace context of ``record``, from whatever of it is readable: the ``ce_*``
    headers of a binary-mode record, the attributes of a structured one (parsed, or found in its bytes
    when it isn't valid JSON), and the ``traceparent`` header. A value that occurs twice with different
    contents, or isn't a valid id, is not taken (it could name someone else)."""
    headers = list(record.headers or ())
    header_tp = _only_header(headers, "traceparent")
    if content_mode(headers) == "binary":
        session = _only_header(headers, "ce_sessionid")
        tenant = _only_header(headers, "ce_tenant")
        tp = _only_header(headers, "ce_traceparent") or header_tp
    else:
        doc = _top_level(record.value)
        if doc is not None:
            session, tenant, tp = doc.get("sessionid"), doc.get("tenant"), doc.get("traceparent")
        else:
            head = (record.value or b"")[:_HEAD]
            session, tenant, tp = (_only_match(rx, head) for rx in (_SESSION_RE, _TENANT_RE, _TRACEPARENT_RE))
        tp = tp or header_tp
    return RecordContext(
        session_id=session if isinstance(session, str) and _ID.fullmatch(session) else None,
        tenant=tenant if isinstance(tenant, str) and _TENANT.fullmatch(tenant) else None,
        traceparent=tp if isinstance(tp, str) and _TRACEPARENT.fullmatch(tp) else None,
    )


def _top_level(value: bytes | None) -> dict[str, Any] | None:
    """The record's JSON object when it parses and names no attribute twice; else None."""
    if not value or value[:1] != b"{" and value.lstrip()[:1] != b"{":
        return None
    try:
        doc = json.loads(value.decode("utf-8"), parse_constant=_reject_constant)
        if not isinstance(doc, dict) or _duplicate_keys(value) & {"sessionid", "tenant", "traceparent"}:
            return None
    except (ValueError, RecursionError):
        return None
    return doc


def _only_header(headers: list[tuple[str, bytes | None]], name: str) -> str | None:
    found = {raw for key, raw in headers if key == name and raw is not None}
    if len(found) != 1:
        return None
    try:
        return found.pop().decode("utf-8")
    except UnicodeDecodeError:
        return None


def _only_match(pattern: re.Pattern[bytes], head: bytes) -> str | None:
    """The one value ``pattern`` finds, or None when it finds none or several (ambiguous)."""
    found = set(pattern.findall(head))
    return found.pop().decode() if len(found) == 1 else None


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
