"""RFC 9457 problem details: every error the gateway answers is ``application/problem+json``.

A problem's ``type`` is ``/problems/<slug>`` on the gateway itself, which serves a short description of
it (so the URI dereferences), ``title`` is fixed per type, ``detail`` says what happened this time, and
``instance`` is the request path. Extension members: ``errors`` (validation), ``retry_after`` (429).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import orjson
from starlette.responses import Response

MEDIA_TYPE = "application/problem+json"


@dataclass(frozen=True, slots=True)
class ProblemType:
    slug: str
    status: int
    title: str
    description: str


TYPES: dict[str, ProblemType] = {
    t.slug: t
    for t in (
        ProblemType("malformed-json", 400, "Malformed JSON", "The request body is not valid JSON."),
        ProblemType("bad-request", 400, "Bad request", "A header or parameter has a value the API can't use."),
        ProblemType(
            "unauthenticated", 401, "Authentication required",
            "The request has no credential. Send `Authorization: Bearer <JWT or API key>`.",
        ),
        ProblemType(
            "invalid-token", 401, "Invalid credential",
            "The token is malformed, expired, not yet valid, for another audience or issuer, badly signed, "
            "or the API key is unknown.",
        ),
        ProblemType("forbidden", 403, "Forbidden", "The credential may not do this (e.g. act for another user)."),
        ProblemType(
            "not-found", 404, "Not found",
            "No such resource for this caller. Another tenant's task is not found either.",
        ),
        ProblemType("method-not-allowed", 405, "Method not allowed", "The resource does not support this method."),
        ProblemType(
            "idempotency-conflict", 409, "Idempotency key reused",
            "The Idempotency-Key was already used with a different request body.",
        ),
        ProblemType("payload-too-large", 413, "Request body too large", "The request body is over the limit."),
        ProblemType(
            "unsupported-media-type", 415, "Unsupported media type",
            "JSON endpoints take `application/json`; uploads take `multipart/form-data`.",
        ),
        ProblemType(
            "validation-failed", 422, "Request does not match the schema",
            "The body is JSON but some fields are missing or invalid (see `errors`).",
        ),
        ProblemType(
            "rate-limited", 429, "Too many requests",
            "The tenant's request rate is over its limit. Retry after `Retry-After` seconds.",
        ),
        ProblemType("internal", 500, "Internal error", "The gateway failed; the trace has the details."),
        ProblemType(
            "unavailable", 503, "Service unavailable",
            "The gateway can't reach Kafka or a service behind it right now, or is not ready yet.",
        ),
        ProblemType("upstream-timeout", 504, "Upstream timeout", "A service behind the gateway did not answer in time."),
    )
}


@dataclass
class Problem(Exception):
    """Raise anywhere in a request to answer with this problem."""

    slug: str
    detail: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.detail)

    @property
    def type(self) -> ProblemType:
        return TYPES[self.slug]


def problem_response(problem: Problem, instance: str) -> Response:
    kind = problem.type
    body: dict[str, Any] = {
        "type": f"/problems/{kind.slug}",
        "title": kind.title,
        "status": kind.status,
        "detail": problem.detail or kind.description,
        "instance": instance,
        **problem.extra,
    }
    return Response(orjson.dumps(body), status_code=kind.status, media_type=MEDIA_TYPE, headers=problem.headers)


def unauthenticated(detail: str = "no credential") -> Problem:
    return Problem("unauthenticated", detail, headers={"WWW-Authenticate": 'Bearer realm="autoglm"'})


def invalid_token(detail: str) -> Problem:
    # RFC 6750 section 3: the error code in the challenge; the description is ASCII without quotes.
    safe = "".join(c for c in detail if 32 <= ord(c) < 127 and c not in '"\\')[:200]
    challenge = f'Bearer realm="autoglm", error="invalid_token", error_description="{safe}"'
    return Problem("invalid-token", detail, headers={"WWW-Authenticate": challenge})


def rate_limited(retry_after: float, tenant: str) -> Problem:
    seconds = max(1, math.ceil(retry_after))
    return Problem(
        "rate-limited",
        f"tenant {tenant!r} is over its request rate; retry in {seconds} s",
        headers={"Retry-After": str(seconds)},
        extra={"retry_after": seconds},
    )


def describe(slug: str) -> dict[str, Any] | None:
    kind = TYPES.get(slug)
    if kind is None:
        return None
    return {"type": f"/problems/{kind.slug}", "title": kind.title, "status": kind.status, "description": kind.description}
