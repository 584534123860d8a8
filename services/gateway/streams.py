"""Server-Sent Events for one task: stored progress, then live progress, then the result, then close.

Event ids are the progress records' offsets (one task's progress is on one partition of
``autoglm.progress``, so offsets order it the same way on every replica) and ``result`` for the result.
A client that reconnects with ``Last-Event-ID`` gets exactly the events after that id, from whichever
replica it reaches. A stream holds no Kafka consumer and no buffer of its own: it reads the store when
the :class:`Notifier` says its task has news, so a disconnected client costs nothing once its two
coroutines are cancelled (the writer and the disconnect listener).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from .problems import Problem
from .store import EventRow, TaskStore

EVENT_NAMES = {"tokens": "token", "plan": "plan", "step": "step"}
RESULT_ID = "result"
PAGE = 500
log = logging.getLogger("autoglm.gateway")


class Notifier:
    """Wakes whoever waits on a task (event streams, ``Prefer: wait`` requests) when its rows change."""

    def __init__(self) -> None:
        self._waiters: dict[str, set[asyncio.Event]] = {}
        self.closing = False

    def subscribe(self, task_id: str) -> asyncio.Event:
        event = asyncio.Event()
        self._waiters.setdefault(task_id, set()).add(event)
        return event

    def unsubscribe(self, task_id: str, event: asyncio.Event) -> None:
        waiters = self._waiters.get(task_id)
        if waiters is not None:
            waiters.discard(event)
            if not waiters:
                del self._waiters[task_id]

    def wake(self, task_ids: set[str]) -> None:
        for task_id in task_ids:
            for event in self._waiters.get(task_id, ()):
                event.set()

    def close(self) -> None:
        """Shutting down: every stream ends (its client reconnects elsewhere with Last-Event-ID)."""
        self.closing = True
        for waiters in self._waiters.values():
            for event in waiters:
                event.set()

    @property
    def watched(self) -> int:
        return len(self._waiters)


def parse_last_event_id(value: str | None) -> int | None:
    """The offset to resume after: -1 for a new stream, None when the client already has the result."""
    if value is None or not value.strip():
        return -1
    value = value.strip()
    if value == RESULT_ID:
        return None
    if value.isdigit() and len(value) < 20:
        return int(value)
    raise Problem("bad-request", f"Last-Event-ID {value[:40]!r} is not an id this API sent")


def format_event(event: str, data: bytes, event_id: str) -> bytes:
    # orjson never writes a raw newline, so the data is one `data:` line.
    return b"id: " + event_id.encode() + b"\nevent: " + event.encode() + b"\ndata: " + data + b"\n\n"


def progress_event(row: EventRow) -> bytes:
    return format_event(EVENT_NAMES.get(row.kind, row.kind), row.data, str(row.seq))


async def task_stream(
    store: TaskStore, notifier: Notifier, task_id: str, after: int | None, heartbeat: float
) -> AsyncIterator[bytes]:
    """The bytes of one task's event stream, resuming after offset ``after``."""
    if after is None:
        return
    wake = notifier.subscribe(task_id)
    try:
        yield b"retry: 2000\n\n"
        while True:
            wake.clear()
            rows = store.events_after(task_id, after, PAGE)
            for row in rows:
                yield progress_event(row)
                after = row.seq
            if len(rows) == PAGE:
                continue
            task = store.task(task_id)
            if task is None:
                return  # pruned while streaming
            if task.result is not None:
                yield format_event("result", task.result, RESULT_ID)
                return
            if notifier.closing:
                return
            try:
                async with asyncio.timeout(heartbeat):
                    await wake.wait()
            except TimeoutError:
                yield b": ping\n\n"
    finally:
        notifier.unsubscribe(task_id, wake)


class EventStreamResponse(StreamingResponse):
    """``text/event-stream`` from an async iterator of bytes; stops the iterator the moment the client
    disconnects (a listener on ``receive``), not at the next write."""

    media_type = "text/event-stream"

    def __init__(self, body: AsyncIterator[bytes], on_close: Callable[[], Any] | None = None) -> None:
        super().__init__(
            body, status_code=200, headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
            media_type=self.media_type,
        )
        self.on_close = on_close

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def write() -> None:
            await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
            async for chunk in self.body_iterator:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})

        async def listen() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass

        writer = asyncio.ensure_future(write())
        listener = asyncio.ensure_future(listen())
        try:
            await asyncio.wait((writer, listener), return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (writer, listener):
                task.cancel()
            for task in (writer, listener):
                with contextlib.suppress(asyncio.CancelledError, OSError, Exception):
                    await task
            with contextlib.suppress(Exception):
                await self.body_iterator.aclose()  # type: ignore[union-attr]
            if self.on_close is not None:
                self.on_close()
        if writer.done() and not writer.cancelled() and not isinstance(writer.exception(), (OSError, type(None))):
            log.warning("event stream ended with %r", writer.exception())
