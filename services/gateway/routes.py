"""The HTTP API: thin handlers that authenticate, decode, call the logic modules and answer.

Every error is a problem (problems.py). Order of checks on a request: credential (401), the tenant's
rate (429), media type (415), size (413), JSON (400), schema (422), then the resource (404, 409).
"""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import orjson
from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.security import APIKeyHeader, HTTPBearer
from opentelemetry.trace import SpanKind
from pydantic import BaseModel, ValidationError
from starlette.responses import Response

from autoglm.shared import telemetry
from autoglm.shared.events import (
    CloudEvent,
    EventType,
    FeedbackCorrection,
    FeedbackSubmitted,
    KbIngest,
    MemoryRecall,
    StepRequest,
    TaskRequested,
    new_id,
)
from autoglm.shared.topics import FEEDBACK, MEMORY_REQUESTS, TASKS

from . import metrics
from .auth import Principal
from .context import Gateway
from .problems import Problem, rate_limited
from .store import FeedbackSeen, TaskRow, TaskSeen
from .streams import EventStreamResponse, parse_last_event_id, task_stream
from .submissions import (
    FeedbackBody,
    TaskSubmission,
    check_session,
    effective_user,
    fingerprint,
    idempotency_key,
    idempotent_task_id,
    links,
    may_see,
    prefer_wait,
    task_view,
)

SOURCE = "/autoglm/gateway"
M = TypeVar("M", bound=BaseModel)

_bearer = HTTPBearer(auto_error=False, description="A JWT, or an API key.")
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key (instead of Authorization).")


class ProblemDetails(BaseModel):
    """RFC 9457 problem details (`application/problem+json`)."""

    type: str
    title: str
    status: int
    detail: str
    instance: str


def _problem_doc(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {
        s: {"model": ProblemDetails, "content": {"application/problem+json": {}}, "description": "A problem."}
        for s in statuses
    }


def _json_body(model: type[BaseModel]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": model.model_json_schema()}}}}


def gateway(request: Request) -> Gateway:
    return request.app.state.gateway  # type: ignore[no-any-return]


async def caller(
    request: Request,
    _bearer_doc: Annotated[Any, Depends(_bearer)] = None,
    _key_doc: Annotated[Any, Depends(_api_key)] = None,
) -> Principal:
    """The authenticated caller, within its tenant's rate."""
    gw = gateway(request)
    try:
        principal = gw.auth.authenticate(request.headers.get("authorization"), request.headers.get("x-api-key"))
    except Problem as exc:
        metrics.AUTH_FAILURES.labels(exc.slug).inc()
        raise
    wait = gw.limiter.take(principal.tenant)
    if wait > 0:
        metrics.RATE_LIMITED.labels(principal.tenant).inc()
        raise rate_limited(wait, principal.tenant)
    return principal


Caller = Annotated[Principal, Depends(caller)]
router = APIRouter(prefix="/v1", responses=_problem_doc(401, 429))


# ------------------------------------------------------------------ request bodies


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise Problem("payload-too-large", f"the body is over the limit of {limit} bytes")
    size = 0
    chunks: list[bytes] = []
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Problem("payload-too-large", f"the body is over the limit of {limit} bytes")
        chunks.append(chunk)
    body = b"".join(chunks)
    request._body = body  # noqa: SLF001 - starlette re-serves a read body from here (request.form())
    return body


async def read_json(request: Request, model: type[M], limit: int) -> M:
    media = _media_type(request)
    if media != "application/json" and not (media.startswith("application/") and media.endswith("+json")):
        raise Problem("unsupported-media-type", f"expected application/json, got {media or 'no Content-Type'}")
    body = await read_body(request, limit)
    try:
        raw = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise Problem("malformed-json", f"the body is not valid JSON: {exc}"[:300]) from None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        errors = [
            {"location": ["body", *(str(p) for p in e["loc"])], "message": e["msg"]}
            for e in exc.errors(include_url=False)[:20]
        ]
        raise Problem("validation-failed", f"{len(errors)} field(s) are missing or invalid", extra={"errors": errors}) from None


# ------------------------------------------------------------------ tasks


async def _wait_for(gw: Gateway, task_id: str, good: Callable[[TaskRow | None], bool], seconds: float) -> TaskRow | None:
    """The task's row once ``good`` says so, waiting up to ``seconds`` for the store to change; else None."""
    row = gw.store.task(task_id)
    if good(row):
        return row
    wake = gw.notifier.subscribe(task_id)
    deadline = time.monotonic() + seconds
    try:
        while (left := deadline - time.monotonic()) > 0 and not gw.notifier.closing:
            wake.clear()
            row = gw.store.task(task_id)
            if good(row):
                return row
            try:
                async with asyncio.timeout(left):
                    await wake.wait()
            except TimeoutError:
                break
    finally:
        gw.notifier.unsubscribe(task_id, wake)
    return None


async def visible_task(gw: Gateway, principal: Principal, task_id: str) -> TaskRow:
    """The caller's task, else 404 (after the same short grace whether it's unknown or another tenant's)."""
    row = await _wait_for(gw, task_id, lambda r: may_see(principal, r), gw.cfg.lookup_grace_seconds)
    if row is None:
        raise Problem("not-found", f"no task {task_id[:128]!r} for this caller")
    return row


def _task_response(row: TaskRow, status: int, headers: dict[str, str]) -> Response:
    return Response(orjson.dumps(task_view(row)), status_code=status, media_type="application/json", headers=headers)


@router.post(
    "/tasks",
    status_code=202,
    summary="Submit a task",
    openapi_extra=_json_body(TaskSubmission),
    responses={
        200: {"description": "Finished within `Prefer: wait=N`: the task with its result."},
        202: {"description": "Accepted: the task id and its links (the result when it was already there)."},
        **_problem_doc(400, 403, 409, 413, 415, 422, 503),
    },
)
async def submit_task(
    request: Request,
    principal: Caller,
    idempotency: Annotated[
        str | None,
        Header(alias="Idempotency-Key", description="Same key and body: the same task; same key, other body: 409."),
    ] = None,
    prefer: Annotated[
        str | None, Header(alias="Prefer", description="`wait=N` (N <= 60): answer 200 with the result if it "
                           "finishes within N seconds, else 202.")
    ] = None,
) -> Response:
    gw = gateway(request)
    body = await read_json(request, TaskSubmission, gw.cfg.max_body_bytes)
    key = idempotency_key(idempotency)
    wait = prefer_wait(prefer, gw.cfg.max_wait_seconds)
    user = effective_user(principal, body.user_id)
    task_id = idempotent_task_id(principal.tenant, user, key) if key else new_id()
    fp = fingerprint(body.text, body.session_id, user, body.metadata, body.timeout_seconds)
    headers: dict[str, str] = {"Location": f"/v1/tasks/{task_id}"}
    lock = gw.submitting.setdefault(task_id, asyncio.Lock())
    try:
        async with lock:
            row = gw.store.task(task_id)
            if row is not None:
                if row.tenant != principal.tenant or (row.fingerprint is not None and row.fingerprint != fp):
                    raise Problem("idempotency-conflict", "this Idempotency-Key was used with a different request")
                headers["Idempotent-Replayed"] = "true"
            else:
                if body.session_id:
                    check_session(user, gw.store.session_users(principal.tenant, body.session_id))
                row = await _publish_task(gw, request, principal, body, task_id, user, fp)
    finally:
        if not lock.locked():
            gw.submitting.pop(task_id, None)
    if wait is not None:
        headers["Preference-Applied"] = f"wait={wait:g}"
        if not row.finished:
            row = await _wait_for(gw, task_id, lambda r: r is not None and r.finished, wait) or gw.store.task(task_id) or row
    return _task_response(row, 200 if wait is not None and row.finished else 202, headers)


async def _publish_task(
    gw: Gateway, request: Request, principal: Principal, body: TaskSubmission, task_id: str, user: str | None,
    fp: str,
) -> TaskRow:
    session_id = body.session_id or task_id
    parent = telemetry.context_from_traceparent(request.headers.get("traceparent"))
    with gw.tracer.start_as_current_span(
        "POST /v1/tasks",
        context=parent,
        kind=SpanKind.SERVER,
        attributes={
            "http.request.method": "POST", "http.route": "/v1/tasks", "url.path": request.url.path,
            telemetry.TASK_ID: task_id, telemetry.SESSION_ID: session_id, telemetry.TENANT: principal.tenant,
            "messaging.system": "kafka", "messaging.destination.name": TASKS,
        },
    ) as span:
        event = CloudEvent[TaskRequested](
            source=SOURCE,
            type=EventType.TASK_REQUESTED.value,
            taskid=task_id,
            sessionid=session_id,
            tenant=principal.tenant,
            traceparent=telemetry.inject_traceparent(),
            data=TaskRequested(
                text=body.text, user=user, metadata=body.metadata, timeout_seconds=body.timeout_seconds,
                report_progress=True,
            ),
        )
        await gw.link.publish(TASKS, event, key=session_id)
        metrics.TASKS_SUBMITTED.labels(principal.tenant).inc()
        gw.store.add_task(
            TaskSeen(task_id, principal.tenant, user, session_id, body.text, fp, SOURCE, event.time.timestamp(),
                     telemetry.trace_id_of(span))
        )
    row = gw.store.task(task_id)
    assert row is not None
    return row


@router.get("/tasks", summary="The caller's recent tasks")
async def list_tasks(
    request: Request, principal: Caller, limit: Annotated[int, Query(ge=1, le=100)] = 20
) -> dict[str, Any]:
    rows = gateway(request).store.tasks_of(principal.tenant, principal.user, limit)
    return {"tasks": [{k: v for k, v in task_view(r).items() if k != "result"} for r in rows]}


@router.get("/tasks/{task_id}", summary="A task's status and result", responses=_problem_doc(404))
async def get_task(request: Request, principal: Caller, task_id: str) -> Response:
    row = await visible_task(gateway(request), principal, task_id)
    return _task_response(row, 200, {})


@router.get(
    "/tasks/{task_id}/events",
    status_code=200,
    summary="A task's live events (Server-Sent Events)",
    response_class=EventStreamResponse,
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "Events `plan`, `step`, `token` (id: the progress record's offset), then `result` "
            "(id `result`), then the stream closes. Comment lines (`: ping`) keep an idle stream open. "
            "Reconnect with `Last-Event-ID` to get exactly the events after it.",
        },
        **_problem_doc(400, 404),
    },
)
async def task_events(
    request: Request,
    principal: Caller,
    task_id: str,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
    after: Annotated[str | None, Query(alias="last_event_id", description="Same as the header.")] = None,
) -> Response:
    gw = gateway(request)
    resume = parse_last_event_id(last_event_id if last_event_id is not None else after)
    await visible_task(gw, principal, task_id)
    metrics.SSE_STREAMS.inc()
    stream = task_stream(gw.store, gw.notifier, task_id, resume, gw.cfg.sse_heartbeat_seconds)
    return EventStreamResponse(stream, on_close=metrics.SSE_STREAMS.dec)


@router.get("/tasks/{task_id}/trace", summary="A task's spans across the services", responses=_problem_doc(404))
async def task_trace(request: Request, principal: Caller, task_id: str) -> dict[str, Any]:
    gw = gateway(request)
    row = await visible_task(gw, principal, task_id)
    trace_id = row.trace_id or (row.result_doc() or {}).get("trace_id")
    out: dict[str, Any] = {"task_id": task_id, "trace_id": trace_id, "spans": []}
    if gw.settings.telemetry.otlp_endpoint:
        out["note"] = f"spans are exported to {gw.settings.telemetry.otlp_endpoint}; look up the trace id there"
        return out
    if trace_id:
        out["spans"] = await asyncio.to_thread(gw.spans.spans, trace_id)
    out["services"] = sorted({str(s.get("service") or "").removeprefix("autoglm-") for s in out["spans"]})
    return out


# ------------------------------------------------------------------ feedback


@router.post(
    "/tasks/{task_id}/feedback",
    status_code=202,
    summary="Rate a task's answer",
    openapi_extra=_json_body(FeedbackBody),
    responses=_problem_doc(400, 404, 413, 415, 422, 503),
)
async def post_feedback(request: Request, principal: Caller, task_id: str) -> Response:
    gw = gateway(request)
    body = await read_json(request, FeedbackBody, gw.cfg.max_body_bytes)
    row = await visible_task(gw, principal, task_id)
    result = row.result_doc() or {}
    correction = body.correction
    if isinstance(correction, str):
        correction_model: FeedbackCorrection | None = FeedbackCorrection(answer=correction)
    elif correction is not None:
        correction_model = FeedbackCorrection(answer=correction.answer, intents=correction.intents)
    else:
        correction_model = None
    try:
        feedback = FeedbackSubmitted(
            task_id=task_id, score=body.score, scale=body.scale, comment=body.comment, correction=correction_model,  # type: ignore[arg-type]
            user=principal.user, session_id=row.session_id, request=row.request or None,
            answer=result.get("answer"), status=result.get("status"), trace_id=row.trace_id,
        )
    except ValidationError as exc:
        raise Problem("validation-failed", str(exc.errors(include_url=False)[0]["msg"])) from None
    event = CloudEvent[FeedbackSubmitted](
        source=SOURCE, type=EventType.FEEDBACK_SUBMITTED.value, taskid=task_id, sessionid=row.session_id,
        tenant=principal.tenant, traceparent=telemetry.inject_traceparent(), data=feedback,
    )
    await gw.link.publish(FEEDBACK, event, key=row.session_id)
    doc = {"id": event.id, "tenant": principal.tenant, "time": event.time.isoformat(),
           **feedback.model_dump(mode="json")}
    gw.store.apply([FeedbackSeen(event.id, task_id, principal.tenant, principal.user, event.time.timestamp(),
                                 orjson.dumps(doc))], {})
    return Response(orjson.dumps({"feedback_id": event.id, "task_id": task_id, "links": links(task_id)}),
                    status_code=202, media_type="application/json")


@router.get("/feedback", summary="Feedback given in the caller's tenant (newest first)")
async def list_feedback(
    request: Request,
    principal: Caller,
    task_id: Annotated[str | None, Query(max_length=128)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    items = gateway(request).store.feedback_of(principal.tenant, user=principal.user, task_id=task_id, limit=limit)
    return {"feedback": items}


# ------------------------------------------------------------------ knowledge base and sessions


@router.post(
    "/kb/documents",
    status_code=201,
    summary="Upload a document into the caller's tenant's knowledge base",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {
                            "file": {"type": "string", "format": "binary",
                                     "description": "Markdown, text, HTML or PDF."},
                            "source": {"type": "string", "description": "Document id; default: the file name. "
                                       "Uploading the same id again updates the document."},
                        },
                    }
                }
            },
        }
    },
    responses=_problem_doc(400, 413, 415, 422, 503, 504),
)
async def upload_document(request: Request, principal: Caller) -> Response:
    gw = gateway(request)
    if _media_type(request) != "multipart/form-data":
        raise Problem("unsupported-media-type", "upload the document as multipart/form-data (field `file`)")
    await read_body(request, gw.cfg.max_upload_bytes)
    try:
        form = await request.form(max_files=1, max_fields=4)
    except Exception as exc:  # noqa: BLE001 - python-multipart's errors vary by version
        raise Problem("bad-request", f"unreadable multipart body: {type(exc).__name__}") from None
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise Problem("validation-failed", "the form has no file field `file`",
                      extra={"errors": [{"location": ["body", "file"], "message": "Field required"}]})
    data = await upload.read()
    filename = (upload.filename or "document.txt").replace("\\", "/").rsplit("/", 1)[-1][:200] or "document.txt"
    source = form.get("source")
    source = str(source)[:1024] if isinstance(source, str) and source.strip() else filename
    request_event = KbIngest(
        step_id="x", reply_to="x", source=source, filename=filename, document_b64=base64.b64encode(data).decode()
    )
    reply = await _memory(gw, principal, request_event, session_id=new_id())
    if not reply.ok:
        raise Problem("unavailable", f"the memory service could not ingest it: {reply.error}"[:500])
    report = reply.output
    if report.get("error"):
        raise Problem("validation-failed", f"the document was not ingested: {report['error']}"[:500])
    return Response(orjson.dumps({"tenant": principal.tenant, **report}), status_code=201,
                    media_type="application/json")


@router.get("/sessions/{session_id}", summary="The caller's own session turns", responses=_problem_doc(404, 503, 504))
async def get_session(
    request: Request, principal: Caller, session_id: str, limit: Annotated[int, Query(ge=1, le=100)] = 50
) -> dict[str, Any]:
    gw = gateway(request)
    users = gw.store.session_users(principal.tenant, session_id)
    if principal.user is not None and any(u != principal.user for u in users):
        raise Problem("not-found", f"no session {session_id[:128]!r} for this caller")
    reply = await _memory(gw, principal, MemoryRecall(step_id="x", reply_to="x", limit=limit), session_id=session_id)
    if not reply.ok:
        raise Problem("unavailable", f"the memory service failed: {reply.error}"[:300])
    turns = [t for t in reply.output.get("turns", []) if principal.user is None or t.get("user") in (None, principal.user)]
    if not turns and not users:
        raise Problem("not-found", f"no session {session_id[:128]!r} for this caller")
    return {"session_id": session_id, "turns": turns}


async def _memory(gw: Gateway, principal: Principal, request: StepRequest, *, session_id: str) -> Any:
    try:
        return await gw.link.call(
            MEMORY_REQUESTS, EventType.MEMORY_REQUESTED, request, tenant=principal.tenant, session_id=session_id,
            timeout=gw.cfg.request_timeout_seconds, traceparent=telemetry.inject_traceparent(),
        )
    except TimeoutError:
        raise Problem("upstream-timeout", "the memory service did not answer in time") from None
    except ValidationError:
        raise Problem("bad-request", "the id is not a valid session id") from None


@router.get("/me", summary="Who the credential says the caller is")
async def whoami(principal: Caller) -> dict[str, Any]:
    return {"tenant": principal.tenant, "user": principal.user, "via": principal.via}
