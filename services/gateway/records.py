"""What one record of a topic the gateway reads says, as a store fact (pure: bytes in, fact out).

Records are decoded leniently and cheaply (orjson, the few attributes needed): the gateway is a reader
of other services' output, not their validator, and it skips what it can't use. The parser dead-letters
a bad task record; a result or progress record without a task id is of no use to an HTTP client. Both
CloudEvents content modes are read: a binary-mode record (an upstream's task, or an output configured
binary by ``content_modes``) has its attributes in ``ce_*`` headers and its data as the value.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

import orjson

from autoglm.shared.kafka.codec import content_mode

from .store import Fact, FeedbackSeen, ProgressSeen, ResultSeen, TaskSeen
from .submissions import fingerprint

TopicKind = Literal["task", "result", "progress", "feedback"]
_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
_TENANT = re.compile(r"^[A-Za-z0-9._\-]{1,64}$")
_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$")


def _id(value: Any) -> str | None:
    return value if isinstance(value, str) and _ID.match(value) else None


def trace_of(traceparent: Any) -> str | None:
    """The trace id of a W3C ``traceparent`` (``00-<32 hex>-<16 hex>-<flags>``)."""
    if isinstance(traceparent, str):
        found = _TRACEPARENT.match(traceparent)
        if found:
            return found.group(1)
    return None


def _time(raw: dict[str, Any], fallback: float) -> float:
    value = raw.get("time")
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            pass
    return fallback


Headers = list[tuple[str, bytes | None]]


def document(value: bytes | None, headers: Headers | None = None) -> dict[str, Any] | None:
    """The event a record holds as one dict (attributes and ``data``), in either content mode; None if unreadable."""
    if not value:
        return None
    try:
        if headers and content_mode(headers) == "binary":
            attrs: dict[str, Any] = {name[3:]: raw.decode("utf-8", "replace") for name, raw in headers
                                     if name.startswith("ce_") and raw is not None}
            attrs["data"] = orjson.loads(value)
            return attrs
        raw = orjson.loads(value)
    except orjson.JSONDecodeError:
        return None
    return raw if isinstance(raw, dict) else None


def decode(kind: TopicKind, value: bytes | None, offset: int, timestamp_ms: int,
           headers: Headers | None = None) -> Fact | None:
    """The fact a record states, or None for a record the gateway can't use."""
    raw = document(value, headers)
    if raw is None:
        return None
    data = raw.get("data")
    if not isinstance(data, dict):
        return None
    task_id = _id(raw.get("taskid")) or (_id(raw.get("id")) if kind == "task" else None)
    tenant = raw.get("tenant", "default")
    if task_id is None or not isinstance(tenant, str) or not _TENANT.match(tenant):
        return None
    session_id = _id(raw.get("sessionid")) or task_id
    at = _time(raw, timestamp_ms / 1000.0)
    if kind == "task":
        text = data.get("text")
        if not isinstance(text, str):
            return None
        user = data.get("user") if isinstance(data.get("user"), str) else None
        metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
        timeout = data.get("timeout_seconds")
        fp = fingerprint(
            text,
            session_id if session_id != task_id else None,
            user,
            metadata,
            timeout if isinstance(timeout, int | float) else None,
        )
        source = raw.get("source") if isinstance(raw.get("source"), str) else ""
        return TaskSeen(task_id, tenant, user, session_id, text, fp, source[:256], at, trace_of(raw.get("traceparent")))
    if kind == "result":
        status = data.get("status")
        if not isinstance(status, str):
            return None
        trace_id = data.get("trace_id") if isinstance(data.get("trace_id"), str) else None
        return ResultSeen(task_id, tenant, session_id, status, orjson.dumps(data), trace_id, at)
    if kind == "progress":
        progress_kind = data.get("kind", "tokens")
        if not isinstance(progress_kind, str) or len(progress_kind) > 32:
            return None
        return ProgressSeen(task_id, tenant, session_id, offset, progress_kind, orjson.dumps(data), at)
    event_id = _id(raw.get("id"))
    if event_id is None:
        return None
    user = data.get("user") if isinstance(data.get("user"), str) else None
    doc = {"id": event_id, "tenant": tenant, "time": raw.get("time"), **data}
    return FeedbackSeen(event_id, task_id, tenant, user, at, orjson.dumps(doc))
