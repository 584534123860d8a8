"""Task submission rules (pure): the request body, idempotency, whose user a task is, and the views.

Idempotency works across replicas without shared state: a task submitted with an ``Idempotency-Key``
gets a task id derived from (tenant, user, key), so a retry reaching any replica names the same task,
and the body's fingerprint, kept with the task (and recomputed from the task record by every replica
that reads ``autoglm.tasks``), says whether it is the same request (same task back) or not (409).
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field

from autoglm.shared.events import ID_PATTERN, MAX_TEXT_CHARS

from .auth import Principal
from .problems import Problem
from .store import TaskRow

_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
_WAIT = re.compile(r"(?:^|[,;\s])wait\s*=\s*(\d+(?:\.\d+)?)", re.IGNORECASE)


class TaskSubmission(BaseModel):
    """`POST /v1/tasks`: a natural-language task. The tenant and user come from the credential."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(
        min_length=1, max_length=MAX_TEXT_CHARS, description="The request in natural language (at most 8,000 characters).",
        examples=["(12+8)*3等于多少？"],
    )
    session_id: str | None = Field(
        None, min_length=1, max_length=128, pattern=ID_PATTERN,
        description="Conversation id: later tasks of the session see its earlier turns. Default: the task id.",
        examples=["sess-7"],
    )
    user_id: str | None = Field(
        None, max_length=128,
        description="End user, for a tenant-wide credential (an API key without a user) acting for its users. "
        "A credential that names its user acts only as that user: another value answers 403.",
        examples=["u-1"],
    )
    metadata: dict[str, str] = Field(
        default_factory=dict, max_length=32, description="Opaque key/values echoed back on the result.",
        examples=[{"ticket": "T-9"}],
    )
    timeout_seconds: float | None = Field(
        None, gt=0, le=3600, description="The task's deadline in seconds; default from config.", examples=[60]
    )


class FeedbackCorrectionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answer: str | None = Field(None, max_length=8000, description="The answer the task should have given.")
    intents: dict[str, Any] | None = Field(None, description="The intent graph the request should have parsed to.")


class FeedbackBody(BaseModel):
    """`POST /v1/tasks/{id}/feedback`: a rating of the task's answer, with an optional correction."""

    model_config = ConfigDict(extra="forbid")

    score: int = Field(
        ge=-1, le=5,
        description="-1 or +1 (thumbs down/up), or 1-5 with `scale: stars`.", examples=[1],
    )
    scale: str = Field("thumbs", pattern="^(thumbs|stars)$", description="`thumbs` (-1/+1) or `stars` (1-5).")
    comment: str | None = Field(None, max_length=2000, description="Free text.", examples=["wrong city"])
    correction: str | FeedbackCorrectionBody | None = Field(
        None, description="The corrected answer (a string), or `{answer?, intents?}`.",
        examples=["上海明天小雨"],
    )


def fingerprint(
    text: str, session_id: str | None, user: str | None, metadata: dict[str, Any], timeout: float | None
) -> str:
    """What makes two submissions the same request (the session only when the caller chose one)."""
    doc = {"t": text, "s": session_id, "u": user, "m": metadata, "x": None if timeout is None else float(timeout)}
    return hashlib.sha256(orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)).hexdigest()[:32]


def idempotency_key(value: str | None) -> str | None:
    if value is None:
        return None
    if not _KEY.match(value):
        raise Problem("bad-request", "Idempotency-Key must be 1 to 255 visible ASCII characters")
    return value


def idempotent_task_id(tenant: str, user: str | None, key: str) -> str:
    digest = hashlib.sha256(f"{tenant}\x1f{user or ''}\x1f{key}".encode()).hexdigest()
    return f"idem-{digest[:40]}"


def effective_user(principal: Principal, body_user: str | None) -> str | None:
    """The task's user: the credential's, or the body's for a credential without one."""
    if principal.user is None:
        return body_user
    if body_user is not None and body_user != principal.user:
        raise Problem("forbidden", "user_id differs from the credential's user")
    return principal.user


def may_see(principal: Principal, row: TaskRow | None) -> bool:
    """A task is the caller's when it is of the caller's tenant and, for a credential naming a user, that user's."""
    if row is None or row.tenant != principal.tenant:
        return False
    return principal.user is None or row.user in (None, principal.user)


def check_session(user: str | None, users_of_session: set[str | None]) -> None:
    """A session belongs to the user who started it: another user of the tenant can't continue it (the
    planner would recall that user's turns into this one's task)."""
    if any(u != user for u in users_of_session):
        raise Problem("forbidden", "this session belongs to another user")


def prefer_wait(header: str | None, limit: float) -> float | None:
    """Seconds of ``Prefer: wait=N`` (RFC 7240), at most ``limit``; None without one."""
    if not header:
        return None
    found = _WAIT.search(header)
    if not found:
        return None
    return min(float(found.group(1)), limit)


def links(task_id: str) -> dict[str, str]:
    base = f"/v1/tasks/{task_id}"
    return {"self": base, "events": f"{base}/events", "trace": f"{base}/trace", "feedback": f"{base}/feedback"}


def _iso(ts: float | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC).isoformat()


def task_view(row: TaskRow) -> dict[str, Any]:
    """`GET /v1/tasks/{id}`: the task's state and, once finished, the result event's `data` as it is."""
    return {
        "task_id": row.task_id,
        "status": row.status,
        "session_id": row.session_id,
        "user": row.user,
        "request": row.request,
        "created_at": _iso(row.created_at),
        "finished_at": _iso(row.finished_at),
        "trace_id": row.trace_id,
        "result": row.result_doc(),
        "links": links(row.task_id),
    }
