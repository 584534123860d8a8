"""Session-turn writes of tasks that finish together go to the memory service as one request.

Every finished task stores its turn (request, answer, intents) in its session's memory. One request
per turn cost the memory service a whole event handling per task (decode, process span, offsets),
and the planner a publish: about a seventh of the CPU of a calculator task. Tasks finish in batches
(the planner handles the step replies of a poll together), so the writes made while one batch is
handled are collected and sent, per tenant, as one ``store_turns`` request right after.

Each write is still fire-and-forget and done when the broker acknowledges the request that carries
it (see ``PlanStep.acked_only``): the memory service consumes at least once and stores every turn
idempotently by task id. Each turn carries its task's trace context, so its store span joins the
task's trace.
"""

from __future__ import annotations

import asyncio
import contextvars

from autoglm.shared.events import EventType, MemoryStoreTurns, TurnWrite, new_id
from autoglm.shared.kafka.runtime import ServiceRuntime
from autoglm.shared.topics import MEMORY_REQUESTS, NO_REPLY

MAX_TURNS = 256
"""Turns in one request at most (an event stays far below the record size limit)."""


class TurnBatcher:
    def __init__(self, rt: ServiceRuntime, max_turns: int = MAX_TURNS) -> None:
        self.rt = rt
        self.max_turns = max_turns
        self._pending: dict[str, list[tuple[TurnWrite, asyncio.Future[None]]]] = {}
        self._scheduled = False
        self._sending: set[asyncio.Task[None]] = set()

    async def write(self, tenant: str, turn: TurnWrite) -> None:
        """Returns when the request carrying ``turn`` is acknowledged; raises if it was refused."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self._pending.setdefault(tenant, []).append((turn, done))
        if not self._scheduled:
            # The handlers of one batch reach their writes in the same turn of the event loop (their
            # result publishes were acknowledged together); a callback queued now runs after them.
            self._scheduled = True
            loop.call_soon(self._flush, context=contextvars.Context())
        await done

    def _flush(self) -> None:
        self._scheduled = False
        pending, self._pending = self._pending, {}
        for tenant, items in pending.items():
            for start in range(0, len(items), self.max_turns):
                task = asyncio.create_task(self._send(tenant, items[start : start + self.max_turns]))
                self._sending.add(task)
                task.add_done_callback(self._sending.discard)

    async def _send(self, tenant: str, items: list[tuple[TurnWrite, asyncio.Future[None]]]) -> None:
        turns = [turn for turn, _ in items]
        try:
            request = MemoryStoreTurns(step_id=f"turns-{new_id()}", reply_to=NO_REPLY, turns=turns)
            # The batch is no task's event: it has its own id and no trace of its own (each turn has one).
            event = self.rt.event(EventType.MEMORY_REQUESTED, request, tenant=tenant, traceparent=None)
            await self.rt.publish(MEMORY_REQUESTS, event, key=turns[0].session_id)
        except Exception as exc:  # noqa: BLE001 - every waiting task learns it, the checkpoint stays
            _settle(items, exc)
        else:
            _settle(items, None)


def _settle(items: list[tuple[TurnWrite, asyncio.Future[None]]], error: Exception | None) -> None:
    for _, done in items:
        if done.done():  # its task was cancelled
            continue
        if error is None:
            done.set_result(None)
        else:
            done.set_exception(error)
