"""Python SDK over HTTP: the gateway's REST API and event streams, for clients without Kafka.

The same shape as the Kafka client (``AutoGLMClient``): ``submit`` publishes a task and returns its
result, ``publish_task`` + ``wait_result`` split the two halves, ``stream`` yields progress. The tenant
and user come from the token.

    async with AutoGLMHTTPClient("http://127.0.0.1:8080", token) as client:
        result = await client.submit("(12+8)*3等于多少？")
        print(result.answer)
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from ..events import TaskCompleted, TaskProgress, check_text_length

MAX_WAIT = 60.0


class GatewayError(RuntimeError):
    """The gateway answered with an RFC 9457 problem (``problem``) or an unexpected status."""

    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        super().__init__(f"HTTP {status}: {problem.get('title', '')}: {problem.get('detail', '')}".strip(": "))
        self.status = status
        self.problem = problem


@dataclass(frozen=True, slots=True)
class StreamEvent:
    """One Server-Sent Event of a task: ``event`` is plan, step, token or result."""

    id: str | None
    event: str
    data: dict[str, Any]


class AutoGLMHTTPClient:
    def __init__(
        self, base_url: str, token: str | None = None, *, timeout: float = 30.0, transport: Any = None
    ) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.AsyncClient(base_url=base_url.rstrip("/"), headers=headers, timeout=timeout,
                                      transport=transport)

    async def __aenter__(self) -> AutoGLMHTTPClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self.http.aclose()

    @staticmethod
    def _check(resp: httpx.Response, *ok: int) -> dict[str, Any]:
        if resp.status_code not in ok:
            try:
                problem = resp.json()
            except ValueError:
                problem = {"detail": resp.text[:300]}
            raise GatewayError(resp.status_code, problem if isinstance(problem, dict) else {"detail": str(problem)})
        return resp.json()  # type: ignore[no-any-return]

    # ------------------------------------------------------------------ tasks

    async def create_task(
        self,
        text: str,
        *,
        session_id: str | None = None,
        user_id: str | None = None,
        metadata: dict[str, str] | None = None,
        timeout: float | None = None,
        idempotency_key: str | None = None,
        wait: float | None = None,
    ) -> dict[str, Any]:
        """``POST /v1/tasks``: the task document (with its result when it finished within ``wait`` s). A text over
        8,000 characters raises :class:`~autoglm.shared.events.TextTooLong` before anything is sent, as on Kafka."""
        check_text_length(text)
        body: dict[str, Any] = {"text": text}
        for name, value in (("session_id", session_id), ("user_id", user_id), ("metadata", metadata),
                            ("timeout_seconds", timeout)):
            if value is not None:
                body[name] = value
        headers: dict[str, str] = {}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        if wait:
            headers["Prefer"] = f"wait={min(wait, MAX_WAIT):g}"
        http_timeout = (wait or 0) + self.http.timeout.read if self.http.timeout.read else None
        resp = await self.http.post("/v1/tasks", json=body, headers=headers, timeout=http_timeout)
        return self._check(resp, 200, 202)

    async def publish_task(self, text: str, **kwargs: Any) -> str:
        """Submit and return the task id at once."""
        return str((await self.create_task(text, **kwargs))["task_id"])

    async def submit(self, text: str, *, wait: float | None = None, **kwargs: Any) -> TaskCompleted:
        """Submit a task and return its result (``wait``: seconds to wait, default the task's timeout + 30)."""
        budget = wait or (kwargs.get("timeout") or 60) + 30
        doc = await self.create_task(text, wait=min(budget, MAX_WAIT), **kwargs)
        if doc.get("result") is not None:
            return TaskCompleted.model_validate(doc["result"])
        return await self.wait_result(doc["task_id"], budget)

    async def get_task(self, task_id: str) -> dict[str, Any]:
        return self._check(await self.http.get(f"/v1/tasks/{task_id}"), 200)

    async def wait_result(self, task_id: str, timeout: float = 120.0) -> TaskCompleted:
        """The task's result, from its event stream (resumed after a dropped connection)."""
        import asyncio

        async def follow() -> TaskCompleted:
            last: str | None = None
            while True:
                try:
                    async for ev in self.events(task_id, last_event_id=last):
                        last = ev.id or last
                        if ev.event == "result":
                            return TaskCompleted.model_validate(ev.data)
                except (httpx.TransportError, httpx.RemoteProtocolError):
                    await asyncio.sleep(0.5)
                    continue
                doc = await self.get_task(task_id)  # the stream ended without a result (a replica shut down)
                if doc.get("result") is not None:
                    return TaskCompleted.model_validate(doc["result"])
                await asyncio.sleep(0.5)

        return await asyncio.wait_for(follow(), timeout)

    async def events(self, task_id: str, last_event_id: str | None = None) -> AsyncIterator[StreamEvent]:
        """``GET /v1/tasks/{id}/events``: the task's events until its result."""
        headers = {"Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = last_event_id
        async with self.http.stream("GET", f"/v1/tasks/{task_id}/events", headers=headers,
                                    timeout=httpx.Timeout(self.http.timeout.connect, read=None)) as resp:
            if resp.status_code != 200:
                await resp.aread()
                self._check(resp, 200)
            fields: dict[str, str] = {}
            async for line in resp.aiter_lines():
                if line == "":
                    if "data" in fields:
                        yield StreamEvent(fields.get("id"), fields.get("event", "message"), json.loads(fields["data"]))
                    fields = {}
                elif not line.startswith(":"):
                    name, _, value = line.partition(":")
                    fields[name] = fields.get(name, "") + value.removeprefix(" ")

    async def stream(self, task_id: str) -> AsyncIterator[TaskProgress]:
        """The task's progress events (tokens, plan, steps) until it finishes."""
        async for ev in self.events(task_id):
            if ev.event == "result":
                return
            yield TaskProgress.model_validate(ev.data)

    async def trace(self, task_id: str) -> list[dict[str, Any]]:
        return list(self._check(await self.http.get(f"/v1/tasks/{task_id}/trace"), 200)["spans"])

    async def tasks(self, limit: int = 20) -> list[dict[str, Any]]:
        return list(self._check(await self.http.get("/v1/tasks", params={"limit": limit}), 200)["tasks"])

    # ------------------------------------------------------------------ feedback, knowledge base, sessions

    async def feedback(
        self, task_id: str, score: int, *, comment: str | None = None, correction: str | dict[str, Any] | None = None,
        scale: str = "thumbs",
    ) -> str:
        body: dict[str, Any] = {"score": score, "scale": scale}
        if comment is not None:
            body["comment"] = comment
        if correction is not None:
            body["correction"] = correction
        return str(self._check(await self.http.post(f"/v1/tasks/{task_id}/feedback", json=body), 202)["feedback_id"])

    async def upload(self, document: Path | str | bytes, *, filename: str | None = None,
                     source: str | None = None) -> dict[str, Any]:
        """Add a document to the caller's tenant's knowledge base (re-uploading a source updates it)."""
        if isinstance(document, bytes):
            data, name = document, filename or "document.txt"
        else:
            path = Path(document)
            data, name = path.read_bytes(), filename or path.name
        form = {"source": source} if source else None
        resp = await self.http.post("/v1/kb/documents", files={"file": (name, data)}, data=form)
        return self._check(resp, 201)

    async def session(self, session_id: str) -> list[dict[str, Any]]:
        return list(self._check(await self.http.get(f"/v1/sessions/{session_id}"), 200)["turns"])
