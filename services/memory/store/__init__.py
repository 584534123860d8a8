"""The memory store: session turns, long-term memories and the knowledge base, in Qdrant.

One facade, :class:`MemoryStore`, over one module per concern: turns.py (session memory), memories.py
(long-term memory), kb.py (knowledge base), each a class on collections.py (client, naming, lock).
The facade is the union of the three (as redis-py composes its client of command classes), so callers
keep one object, one lock and one API; this module opens the store, checks its layout, and runs
retention and statistics across the parts.

Layout (version 2: every vector is a 512-d USE multilingual v3 embedding that the memory service makes
itself, so Chinese and English share one space; version 1 held 384-d all-MiniLM vectors from the
inference service and is migrated at open, see ../migration.py). Every tenant has its own collections, so tenant isolation needs no payload filter
and a tenant-scoped search is a plain nearest-neighbour search over that tenant's points only:

- ``<prefix>_turns__<tenant>``: session turns (named vector ``turn``, optional), payload session_id,
  task_id, user, request, answer, status, intents, created_at.
- ``<prefix>_mem__<tenant>``: long-term memories (facts, answers, preferences), unit vectors (dot
  product = cosine), payload kind, text, user, session_id, importance, confidence, source, key,
  created_at.
- ``<prefix>_kb__<tenant>``: knowledge-base chunks, unit vectors, payload source, title, heading,
  index, text, content_hash, ingested_at.
- ``<prefix>_meta``: one point holding the layout version and vector size; a store written with another
  layout is refused at open.

The tenant is also written into every payload and checked again on every read (defence in depth).
Embedded Qdrant (local mode) is brute-force numpy and evaluates payload filters point by point in Python
(~85 ms at 10k points), so in local mode session recall uses an in-memory index of each tenant's
sessions and memory search post-filters the nearest neighbours instead of filtering in Qdrant.
On a Qdrant server, payload indexes make filters cheap, and they are used directly.

The API is synchronous and guarded by one lock: the service calls it through ``asyncio.to_thread``
and one process owns the store (embedded Qdrant allows a single client per path).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from qdrant_client import QdrantClient
from qdrant_client import models as qm

from ..config import MemoryConfig
from .collections import KB, MEM, NS, TENANT_RE, TURNS, _fast_commits, epoch
from .kb import KbCapacityError, KbIngestReport, KnowledgeBase, Passage
from .memories import Memories, MemoryHit, MemoryItem, MemoryWrite
from .turns import SessionTurns

__all__ = [
    "TENANT_RE",
    "KbCapacityError",
    "KbIngestReport",
    "LayoutMismatch",
    "MemoryHit",
    "MemoryItem",
    "MemoryStore",
    "MemoryWrite",
    "Passage",
    "PruneReport",
]

T = TypeVar("T")
_META_ID = str(uuid.uuid5(NS, "layout"))


class LayoutMismatch(RuntimeError):
    """The store at this path/URL was written with another layout version or vector size."""


@dataclass
class PruneReport:
    """What one :meth:`MemoryStore.prune` removed, per category, summed over tenants."""

    tenants: int = 0
    turns_expired: int = 0
    turns_evicted: int = 0
    memories_evicted: int = 0
    per_tenant: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class MemoryStore(SessionTurns, Memories, KnowledgeBase):
    """Tenant-scoped session memory, long-term memory and knowledge base over one Qdrant client."""

    def run_if_free(self, fn: Callable[[], T]) -> tuple[bool, T | None]:
        """Run ``fn`` (a call into this store) on the caller's thread if no other thread is using the
        store, so a quick operation can skip the hand-off to a worker thread without ever waiting
        behind a long one: ``(True, result)``, or ``(False, None)`` without running it."""
        if not self._lock.acquire(blocking=False):
            return False, None
        try:
            return True, fn()  # the store's methods take the same (reentrant) lock again
        finally:
            self._lock.release()

    @classmethod
    def open(
        cls,
        cfg: MemoryConfig,
        *,
        path: Path | None,
        url: str | None = None,
        api_key: str | None = None,
        payload_filters: bool | None = None,
        reembed: Callable[[list[str]], Sequence[Sequence[float]]] | None = None,
    ) -> MemoryStore:
        """Open (or create) the store: embedded at ``path`` unless ``url`` names a Qdrant server.

        ``payload_filters`` picks the server strategy (Qdrant payload filters and indexes) over the
        embedded one (in-memory session index, post-filtering); default: by mode. Tests pass True to
        run the server code paths on an embedded store.
        Raises :class:`LayoutMismatch` when the stored layout version or vector size differs from ``cfg``,
        except a layout-1 store, which is migrated (:mod:`..migration`) when ``cfg.migrate_on_open`` and
        ``reembed`` (texts -> vectors of ``cfg.vector_size``) is given.
        """
        if url:
            client = QdrantClient(url=url, api_key=api_key)
            local = False
        else:
            if path is None:
                raise ValueError("embedded mode needs a path (or pass url= for a Qdrant server)")
            Path(path).mkdir(parents=True, exist_ok=True)
            client = QdrantClient(path=str(path))
            local = True
            _fast_commits(client)
        try:
            cls._check_layout(client, cfg, reembed)
            store = cls(client, cfg, local=local if payload_filters is None else not payload_filters)
            if not store._local:
                for name in sorted(store._collections):
                    store._ensure_indexes(name)
        except Exception:
            client.close()
            raise
        return store

    @staticmethod
    def _check_layout(
        client: QdrantClient, cfg: MemoryConfig, reembed: Callable[[list[str]], Sequence[Sequence[float]]] | None = None
    ) -> None:
        meta = f"{cfg.collection_prefix}_meta"
        names = {c.name for c in client.get_collections().collections}
        ours = [n for n in names if n.startswith(f"{cfg.collection_prefix}_") and n != meta]
        expected = {"layout_version": cfg.layout_version, "vector_size": cfg.vector_size}
        if meta not in names:
            if ours:
                raise LayoutMismatch(
                    f"collections with prefix {cfg.collection_prefix!r} exist but carry no layout version"
                )
            client.create_collection(meta, vectors_config={})
            client.upsert(meta, [qm.PointStruct(id=_META_ID, vector={}, payload=expected)], wait=True)
            return
        found = client.retrieve(meta, [_META_ID], with_payload=True)
        stored = dict(found[0].payload or {}) if found else {}
        got = {k: stored.get(k) for k in expected}
        if got == expected:
            return
        from .. import migration

        if migration.migratable(got, expected):
            if cfg.migrate_on_open and reembed is not None:
                migration.migrate(client, cfg, reembed)
                client.upsert(meta, [qm.PointStruct(id=_META_ID, vector={}, payload=expected)], wait=True)
                return
            raise LayoutMismatch(
                f"stored layout {got} is the 384-d English-only one; this version stores {expected} "
                "(multilingual vectors). Start the memory service with memory.migrate_on_open=true to re-embed "
                "it in place, or move the store away and re-ingest your documents: autoglm kb ingest PATH --tenant T"
            )
        raise LayoutMismatch(
            f"stored layout {got} differs from configured {expected}; migrate or use another path"
        )

    def close(self) -> None:
        """Release the client (and the embedded store's path lock)."""
        with self._lock:
            self._client.close()

    def __enter__(self) -> MemoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def forget_tenant(self, *, tenant: str) -> None:
        """Drop everything stored for a tenant."""
        with self._lock:
            for kind in (TURNS, MEM, KB):
                name = self._existing(kind, tenant)
                if name:
                    self._client.delete_collection(name)
                    self._collections.discard(name)
            self._sessions.pop(tenant, None)
            self.graphs.drop(tenant=tenant)
            self._terms_changed(tenant)

    def prune(self, *, now: datetime | None = None) -> PruneReport:
        """Apply retention: drop session turns older than ``session_ttl_seconds``, then trim each
        tenant to its caps. Turns go oldest first; memories go lowest retention value first, where
        ``value = w_rec*recency + w_imp*importance`` (+1 for trusted facts, which go last)."""
        ref = epoch(now)
        report = PruneReport()
        with self._lock:
            tenants = self._tenants()
            report.tenants = len(tenants)
            for tenant in tenants:
                expired, evicted = self._prune_turns(tenant, ref)
                stats = {"turns_expired": expired, "turns_evicted": evicted,
                         "memories_evicted": self._prune_memories(tenant, ref)}
                report.turns_expired += stats["turns_expired"]
                report.turns_evicted += stats["turns_evicted"]
                report.memories_evicted += stats["memories_evicted"]
                if any(stats.values()):
                    report.per_tenant[tenant] = stats
        return report

    def stats(self) -> dict[str, dict[str, int]]:
        """Point counts per tenant and category (for metrics and `autoglm memory prune`)."""
        out: dict[str, dict[str, int]] = {}
        with self._lock:
            for tenant in self._tenants():
                out[tenant] = {
                    kind: self._client.count(n, exact=True).count
                    if (n := self._existing(kind, tenant))
                    else 0
                    for kind in (TURNS, MEM, KB)
                }
        return out
