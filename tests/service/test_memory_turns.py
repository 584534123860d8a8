"""`store_turns` on the memory service (faststream's in-memory broker, a real embedded Qdrant store):
the turns of tasks that finished together, one tenant's, each stored in its own session and in its
own task's trace; a redelivery stores nothing twice; a turn that fails is named on the DLQ while
the others are stored."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from faststream import TestApp
from faststream.kafka import TestKafkaBroker

from autoglm.services.memory.config import MemoryServiceSettings
from autoglm.services.memory.main import create_app
from autoglm.shared.cli.traceview import iter_spans
from autoglm.shared.events import CloudEvent, EventType, MemoryRequested, TurnWrite
from autoglm.shared.topics import DLQ, MEMORY_REQUESTS, NO_REPLY, STEPS_COMPLETED


def _trace(n: int) -> str:
    return f"00-{n:032x}-{n:016x}-01"


def _turn(task_id: str, session_id: str, n: int, intents: Any = None) -> TurnWrite:
    record = {"task_id": task_id, "request": f"what is {n}+{n}", "answer": str(2 * n), "status": "completed",
              "intents": [] if intents is None else intents}
    return TurnWrite(task_id=task_id, session_id=session_id, turn=record, traceparent=_trace(n))


def _event(tenant: str, data: MemoryRequested, **attrs: Any) -> bytes:
    return CloudEvent[MemoryRequested](
        source="/tests", type=EventType.MEMORY_REQUESTED.value, tenant=tenant, data=data, **attrs
    ).model_dump_json().encode()


def _batch(tenant: str, turns: list[TurnWrite]) -> bytes:
    return _event(tenant, MemoryRequested(step_id="turns-1", reply_to=NO_REPLY, operation="store_turns", turns=turns))


def _recall(tenant: str, session: str, step: str) -> bytes:
    req = MemoryRequested(step_id=step, reply_to=STEPS_COMPLETED, operation="recall", limit=10)
    return _event(tenant, req, taskid=f"task-{step}", sessionid=session)


async def test_turns_of_a_batch_land_in_their_sessions_and_traces(tmp_path: Path) -> None:
    settings = MemoryServiceSettings(data_dir=tmp_path, broker={"bootstrap_servers": "127.0.0.1:1"},
                                     telemetry={"metrics_port": 0})
    app = create_app(settings)
    replies: dict[str, dict[str, Any]] = {}
    letters: list[dict[str, Any]] = []

    @app.broker.subscriber(STEPS_COMPLETED)
    async def on_reply(body: bytes) -> None:
        data = json.loads(body)["data"]
        replies[data["step_id"]] = data

    @app.broker.subscriber(DLQ)
    async def on_letter(body: bytes) -> None:
        letters.append(json.loads(body)["data"])

    batch = _batch("acme", [_turn("t1", "s1", 1), _turn("t2", "s2", 2), _turn("t3", "s1", 3)])
    broken = _batch("acme", [_turn("t4", "s4", 4), _turn("t5", "s4", 5, intents=17), _turn("t6", "s4", 6)])
    async with TestKafkaBroker(app.broker) as br, TestApp(app):
        await br.publish(batch, MEMORY_REQUESTS, key=b"s1")
        await br.publish(batch, MEMORY_REQUESTS, key=b"s1")  # redelivered
        await br.publish(broken, MEMORY_REQUESTS, key=b"s4")
        for step, tenant, session in [("r1", "acme", "s1"), ("r2", "acme", "s2"), ("r3", "other", "s1"),
                                      ("r4", "acme", "s4")]:
            await br.publish(_recall(tenant, session, step), MEMORY_REQUESTS, key=session.encode())

    def tasks(step: str) -> list[str]:
        assert replies[step]["ok"], replies[step]
        return sorted(t["task_id"] for t in replies[step]["output"]["turns"])

    assert tasks("r1") == ["t1", "t3"] and tasks("r2") == ["t2"]
    assert tasks("r3") == []  # another tenant's session of the same name sees nothing
    assert tasks("r4") == ["t4", "t6"]  # the broken turn didn't stop its neighbours
    [letter] = letters
    assert letter["error_type"] == "processing_error" and "1 of 3 turns not stored: t5" in letter["reason"]
    assert base64.b64decode(letter["original_b64"]) == broken  # a replay stores them all again

    spans = [s for s in iter_spans(settings.span_dir) if s["name"] == "memory store_turn"]
    first = {s["attributes"]["autoglm.task.id"]: s for s in spans}
    for n, task_id in enumerate(["t1", "t2", "t3"], start=1):
        assert first[task_id]["trace_id"] == f"{n:032x}"  # in its own task's trace
        assert first[task_id]["parent_span_id"] == f"{n:016x}"
    assert first["t5"]["status"] == "ERROR"
