"""The memory service as the `autoglm kb` / `autoglm memory` commands see it.

The embedded Qdrant store has exactly one owner, the memory service, so the CLI reaches it over
Kafka: :class:`RemoteMemoryStore` offers the store methods the commands use and forwards each to
the memory service (scoped by the tenant the command names). Vectors come from the multilingual
encoder in the CLI's own process, the same one the memory service embeds with.
A background event loop carries the Kafka client so the synchronous store methods can be
called from any thread.

It takes the Kafka step client from whoever builds it (the application's CLI passes the SDK's
``StepClient``), so this module imports no client floor: only events and topics.
"""

from __future__ import annotations

import asyncio
import base64
import threading
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any, Protocol, TypeVar

import numpy as np

from autoglm.shared.events import EventType, MemoryRequested, StepCompleted, StepRequest
from autoglm.shared.topics import MEMORY_REQUESTS

from .store import KbIngestReport, MemoryHit, MemoryWrite, Passage, PruneReport

T = TypeVar("T")


class StepCaller(Protocol):
    """A started request/reply client of the worker services (the SDK's ``StepClient``)."""

    async def call(self, topic: str, etype: EventType, request: StepRequest, timeout: float = ...) -> StepCompleted: ...

    async def close(self) -> None: ...


Connect = Callable[[str], Coroutine[Any, Any, StepCaller]]
"""``connect(tenant)``: a started client whose requests carry that tenant."""


class _Loop:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 300) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


class RemoteMemoryStore:
    def __init__(self, connect: Connect) -> None:
        self._connect = connect
        self._bg = _Loop()
        self._clients: dict[str, StepCaller] = {}

    def _client(self, tenant: str) -> StepCaller:
        if tenant not in self._clients:
            self._clients[tenant] = self._bg.run(self._connect(tenant))
        return self._clients[tenant]

    def _call(self, tenant: str, **fields: Any) -> dict[str, Any]:
        request = MemoryRequested(step_id="x", reply_to="x", **fields).root  # the operation's own model
        reply = self._bg.run(self._client(tenant).call(MEMORY_REQUESTS, EventType.MEMORY_REQUESTED, request))
        return reply.output

    @staticmethod
    def _chunk_dicts(chunks: Any) -> list[dict[str, Any]]:
        return [{"text": c.text, "heading": c.heading, "index": c.index, "title": c.title} for c in chunks]

    def kb_missing(self, *, tenant: str, source: str, chunks: Any) -> list[int]:
        out = self._call(tenant, operation="kb_missing", source=source, chunks=self._chunk_dicts(chunks))
        return [int(i) for i in out["missing"]]

    def kb_upsert(self, *, tenant: str, source: str, chunks: Any, vectors: Any) -> Any:
        encoded = [
            None if v is None else base64.b64encode(np.asarray(v, dtype="<f4").tobytes()).decode() for v in vectors
        ]
        out = self._call(tenant, operation="kb_upsert", source=source, chunks=self._chunk_dicts(chunks),
                         vectors_b64=encoded)
        return KbIngestReport(**out)

    def kb_list(self, *, tenant: str) -> list[dict[str, Any]]:
        return list(self._call(tenant, operation="kb_list")["documents"])

    def kb_graph(self, *, tenant: str, entity: str | None = None, fmt: str = "json", hops: int = 1) -> Any:
        out = self._call(tenant, operation="kb_graph", entity=entity, graph_format=fmt, limit=hops)
        return out["dot"] if fmt == "dot" else out["graph"]

    def kb_delete(self, *, tenant: str, source: str) -> int:
        return int(self._call(tenant, operation="kb_delete", source=source)["deleted"])

    def kb_search(self, *, tenant: str, vector: Any, top_k: int = 5, query: str | None = None) -> list[Any]:
        out = self._call(
            tenant, operation="kb_search", vector=[float(x) for x in vector], limit=top_k, query=query
        )
        fields = ("text", "source", "score", "chunk_id", "heading", "title", "index")
        return [Passage(**{k: p[k] for k in fields}) for p in out["passages"]]

    def remember_item(self, *, tenant: str, item: Any) -> Any:
        out = self._call(
            tenant, operation="remember", text=item.text, vector=[float(x) for x in item.vector], kind=item.kind,
            user=item.user, importance=item.importance, confidence=item.confidence, source=item.source,
        )
        return MemoryWrite(**{k: out[k] for k in ("id", "action", "text", "kind", "confidence")})

    def forget_memory(self, *, tenant: str, memory_id: str, user: str | None = None) -> bool:
        return bool(self._call(tenant, operation="forget", memory_id=memory_id, user=user)["deleted"])

    def list_memories(
        self, *, tenant: str, user: str | None = None, kinds: Any = None, limit: int = 100
    ) -> list[dict[str, Any]]:
        kind = kinds[0] if kinds else None
        return list(self._call(tenant, operation="memories", user=user, kind=kind, limit=limit)["memories"])

    def search(self, *, tenant: str, vector: Any, limit: int = 5, user: str | None = None, kinds: Any = None) -> list[Any]:
        out = self._call(tenant, operation="search", vector=[float(x) for x in vector], limit=limit, user=user,
                         kind=kinds[0] if kinds else None)
        return [MemoryHit(**{**h, "created_at": datetime.fromisoformat(h["created_at"])}) for h in out["hits"]]

    def prune(self, *, now: Any = None) -> Any:
        return PruneReport(**self._call("default", operation="prune"))

    def stats(self) -> dict[str, Any]:
        return dict(self._call("default", operation="stats"))

    def close(self) -> None:
        for client in self._clients.values():
            self._bg.run(client.close())
        self._clients.clear()
        self._bg.stop()
