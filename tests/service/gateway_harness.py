"""The gateway on a real HTTP port with a fake Kafka side: what it publishes is recorded, and results,
progress and memory replies are delivered by the test (service tier: no broker)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import uvicorn

from autoglm.services.gateway.auth import mint_hs256
from autoglm.services.gateway.config import GatewaySettings
from autoglm.services.gateway.main import GatewayServer, bind, create_app
from autoglm.services.gateway.store import ProgressSeen, ResultSeen, TaskStore
from autoglm.services.gateway.streams import Notifier
from autoglm.shared.events import CloudEvent, EventType, StepCompleted, StepRequest

SECRET = b"s" * 48
MemoryHandler = Callable[[Any, str, str], StepCompleted]


class FakeLink:
    def __init__(self, store: TaskStore, notifier: Notifier) -> None:
        self.store = store
        self.notifier = notifier
        self.published: list[tuple[str, CloudEvent[Any], str]] = []
        self.memory: MemoryHandler | None = None
        self.ready = True
        self.on_task: Callable[[CloudEvent[Any]], Any] | None = None

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    async def publish(self, topic: str, event: CloudEvent[Any], key: str) -> None:
        self.published.append((topic, event, key))
        if self.on_task is not None and event.type == EventType.TASK_REQUESTED.value:
            self.on_task(event)

    async def call(self, topic: str, etype: EventType, request: StepRequest, *, tenant: str, session_id: str,
                   timeout: float, traceparent: str | None = None) -> StepCompleted:
        if self.memory is None:
            await asyncio.sleep(timeout)
            raise TimeoutError
        return self.memory(request, tenant, session_id)

    def tasks(self) -> list[CloudEvent[Any]]:
        return [e for t, e, _ in self.published if e.type == EventType.TASK_REQUESTED.value]

    def finish(self, task_id: str, tenant: str, *, answer: str = "60", status: str = "completed",
               session_id: str | None = None, **extra: Any) -> dict[str, Any]:
        data = {"task_id": task_id, "status": status, "answer": answer, "error": None, "steps": [],
                "trace_id": extra.pop("trace_id", None), "intents": [], "metadata": {}, "duration_ms": 12.5, **extra}
        self.store.apply([ResultSeen(task_id, tenant, session_id or task_id, status, orjson.dumps(data),
                                     data["trace_id"], time.time())], {})
        self.notifier.wake({task_id})
        return data

    def progress(self, task_id: str, tenant: str, seq: int, kind: str = "tokens", **data: Any) -> None:
        doc = {"task_id": task_id, "kind": kind, **data}
        self.store.apply([ProgressSeen(task_id, tenant, task_id, seq, kind, orjson.dumps(doc), time.time())], {})
        self.notifier.wake({task_id})


@dataclass
class Running:
    url: str
    link: FakeLink
    settings: GatewaySettings
    tokens: dict[str, str] = field(default_factory=dict)

    def auth(self, who: str = "acme") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


def gateway_settings(tmp: Path, **gateway: Any) -> GatewaySettings:
    secret = tmp / "jwt.secret"
    secret.write_bytes(SECRET)
    cfg: dict[str, Any] = {"port": 0, "sse_heartbeat_seconds": 0.3, "lookup_grace_seconds": 0.2, "auth": {"jwt": {"secret_file": str(secret)}}}
    for key, value in gateway.items():
        if isinstance(value, dict) and isinstance(cfg.get(key), dict):
            cfg[key] = {**cfg[key], **value}
        else:
            cfg[key] = value
    return GatewaySettings(data_dir=tmp, gateway=cfg)


@contextlib.asynccontextmanager
async def running_gateway(settings: GatewaySettings) -> AsyncIterator[Running]:
    holder: dict[str, FakeLink] = {}

    def factory(_settings: GatewaySettings, store: TaskStore, notifier: Notifier) -> FakeLink:
        holder["link"] = FakeLink(store, notifier)
        return holder["link"]

    app = create_app(settings, link_factory=factory)
    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    server = GatewayServer(uvicorn.Config(app, log_level="warning", lifespan="on", http="httptools",
                                          timeout_graceful_shutdown=2), app)
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if serving.done():
            serving.result()
        await asyncio.sleep(0.01)
    tokens = {
        "acme": mint_hs256(SECRET, tenant="acme", user="alice", ttl_seconds=600),
        "acme-bob": mint_hs256(SECRET, tenant="acme", user="bob", ttl_seconds=600),
        "acme-service": mint_hs256(SECRET, tenant="acme", user=None, ttl_seconds=600),
        "globex": mint_hs256(SECRET, tenant="globex", user="alice", ttl_seconds=600),
    }
    try:
        yield Running(f"http://127.0.0.1:{port}", holder["link"], settings, tokens)
    finally:
        server.should_exit = True
        await serving
