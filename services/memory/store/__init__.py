"""The memory store: session turns, long-term memories and the knowledge base, in Qdrant.

Layout (version 1). Every tenant has its own collections, so tenant isolation needs no payload filter
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

import math
import re
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from qdrant_client import QdrantClient
from qdrant_client import models as qm

from autoglm.services.memory import lexical
from autoglm.services.memory.chunking import Chunk
from autoglm.services.memory.config import MemoryConfig

T = TypeVar("T")
TENANT_RE = re.compile(r"^[A-Za-z0-9._\-]{1,64}$")
_NS = uuid.UUID("6d0c1f5e-3a4b-4c2d-9e8f-7a6b5c4d3e2f")
_TURNS, _MEM, _KB = "turns", "mem", "kb"
_TURN_VECTOR = "turn"
_META_ID = str(uuid.uuid5(_NS, "layout"))
_SCROLL_PAGE = 1000


class LayoutMismatch(RuntimeError):
    """The store at this path/URL was written with another layout version or vector size."""


class KbCapacityError(RuntimeError):
    """An ingest would take a tenant's knowledge base past its cap."""


@dataclass
class MemoryItem:
    """One long-term memory to store (see :meth:`MemoryStore.remember`)."""

    text: str
    vector: Sequence[float]
    kind: str = "fact"
    user: str | None = None
    session_id: str | None = None
    importance: float = 0.5
    confidence: float = 0.5
    source: str | None = None
    key: str | None = None
    created_at: datetime | None = None


@dataclass
class MemoryHit:
    """A long-term memory returned by :meth:`MemoryStore.search`, with its ranking terms."""

    id: str
    text: str
    kind: str
    score: float
    similarity: float
    recency: float
    importance: float
    confidence: float
    created_at: datetime
    user: str | None = None
    session_id: str | None = None
    source: str | None = None
    key: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["created_at"] = self.created_at.isoformat()
        return d


@dataclass
class MemoryWrite:
    """What one :meth:`MemoryStore.remember_item` did.

    ``action``: ``created`` (a new point), ``updated`` (the same memory, or a near-duplicate of it,
    was replaced) or ``kept`` (a trusted memory was kept against a lower-confidence write).
    ``text`` is what is stored under ``id`` afterwards."""

    id: str
    action: str
    text: str
    kind: str
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Passage:
    """A knowledge-base chunk returned by :meth:`MemoryStore.kb_search`; cite it by ``source``."""

    text: str
    source: str
    score: float
    chunk_id: str
    heading: str
    title: str
    index: int

    @property
    def citation(self) -> str:
        name = self.title or self.source
        return f"{name} § {self.heading}" if self.heading else name

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["citation"] = self.citation
        return d


@dataclass
class KbIngestReport:
    """What one :meth:`MemoryStore.kb_upsert` changed."""

    tenant: str
    source: str
    chunks: int
    added: int
    unchanged: int
    removed: int
    error: str | None = None  # the file could not be ingested (nothing of it was changed): why

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


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


def _epoch(value: datetime | None) -> float:
    if value is None:
        return datetime.now(UTC).timestamp()
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def _from_epoch(value: float) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def _fast_commits(client: QdrantClient) -> None:
    """Embedded Qdrant writes every point as its own SQLite transaction, in the default rollback-journal
    mode: a journal file created, synced and deleted per point (~0.6 ms of CPU per session turn, the
    largest part of the memory service's cost per task). Write-ahead logging with ``synchronous=NORMAL``
    costs ~0.2 ms. A committed point still survives a killed process (what a service crash is); only an
    operating-system crash or power loss can lose the last commits, which the embedded broker (memory
    only) loses anyway. A Qdrant server (``url``) is not touched. Reaches into qdrant-client's local
    mode (``QdrantLocal.collections[*].storage.storage``); a version without those is left as it is.
    """
    for collection in getattr(getattr(client, "_client", None), "collections", {}).values():
        conn = getattr(getattr(collection, "storage", None), "storage", None)
        if isinstance(conn, sqlite3.Connection):  # repeating the pragmas on a tuned one is a no-op
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")


class MemoryStore:
    """Tenant-scoped session memory, long-term memory and knowledge base over one Qdrant client."""

    def __init__(self, client: QdrantClient, cfg: MemoryConfig, *, local: bool) -> None:
        """Use :meth:`open`; this constructor expects a client whose layout was already checked.
        ``local`` selects the embedded-mode strategy (see the module docstring)."""
        self._client = client
        self._cfg = cfg
        self._local = local
        self._lock = threading.RLock()
        self._collections: set[str] = {c.name for c in client.get_collections().collections}
        # local mode only: tenant -> session_id -> [(created_at, point id)], built on first use
        self._sessions: dict[str, dict[str, list[tuple[float, str]]]] = {}

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

    # ------------------------------------------------------------------ lifecycle

    @classmethod
    def open(
        cls,
        cfg: MemoryConfig,
        *,
        path: Path | None,
        url: str | None = None,
        api_key: str | None = None,
        payload_filters: bool | None = None,
    ) -> MemoryStore:
        """Open (or create) the store: embedded at ``path`` unless ``url`` names a Qdrant server.

        ``payload_filters`` picks the server strategy (Qdrant payload filters and indexes) over the
        embedded one (in-memory session index, post-filtering); default: by mode. Tests pass True to
        run the server code paths on an embedded store.
        Raises :class:`LayoutMismatch` when the stored layout version or vector size differs from ``cfg``.
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
            cls._check_layout(client, cfg)
            store = cls(client, cfg, local=local if payload_filters is None else not payload_filters)
            if not store._local:
                for name in sorted(store._collections):
                    store._ensure_indexes(name)
        except Exception:
            client.close()
            raise
        return store

    @staticmethod
    def _check_layout(client: QdrantClient, cfg: MemoryConfig) -> None:
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
        if got != expected:
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

    # ------------------------------------------------------------------ collections

    def _name(self, kind: str, tenant: str) -> str:
        if not isinstance(tenant, str) or not TENANT_RE.fullmatch(tenant):
            raise ValueError(f"invalid tenant id {tenant!r}")
        return f"{self._cfg.collection_prefix}_{kind}__{tenant}"

    def _tenants(self) -> list[str]:
        prefix = f"{self._cfg.collection_prefix}_"
        tenants: set[str] = set()
        for name in self._collections:
            if not name.startswith(prefix) or "__" not in name:
                continue
            kind, _, tenant = name[len(prefix) :].partition("__")
            if kind in (_TURNS, _MEM, _KB) and TENANT_RE.fullmatch(tenant):
                tenants.add(tenant)
        return sorted(tenants)

    def _ensure(self, kind: str, tenant: str) -> str:
        name = self._name(kind, tenant)
        if name in self._collections:
            return name
        # vectors are unit-normalized here, so dot product is the cosine; embedded Qdrant's COSINE
        # re-normalizes the whole matrix on every query, which triples the cost of a search
        params = qm.VectorParams(size=self._cfg.vector_size, distance=qm.Distance.DOT)
        if kind == _TURNS:
            self._client.create_collection(name, vectors_config={_TURN_VECTOR: params})
        else:
            self._client.create_collection(name, vectors_config=params)
        self._collections.add(name)
        _fast_commits(self._client)
        if not self._local:
            self._ensure_indexes(name)
        return name

    def _ensure_indexes(self, name: str) -> None:
        prefix = f"{self._cfg.collection_prefix}_"
        kind = name[len(prefix) :].partition("__")[0] if name.startswith(prefix) else ""
        keyword, number = qm.PayloadSchemaType.KEYWORD, qm.PayloadSchemaType.FLOAT
        fields = {
            _TURNS: {"tenant": keyword, "session_id": keyword, "created_at": number},
            _MEM: {"tenant": keyword, "kind": keyword, "user": keyword, "key": keyword, "created_at": number},
            _KB: {"tenant": keyword, "source": keyword},
        }.get(kind, {})
        for field_name, schema in fields.items():
            self._client.create_payload_index(name, field_name=field_name, field_schema=schema)

    def _existing(self, kind: str, tenant: str) -> str | None:
        name = self._name(kind, tenant)
        return name if name in self._collections else None

    def _vector(self, vector: Sequence[float] | None) -> list[float]:
        if vector is None:
            raise ValueError("a vector is required")
        vec = [float(x) for x in vector]
        if len(vec) != self._cfg.vector_size:
            raise ValueError(f"vector has {len(vec)} dimensions, expected {self._cfg.vector_size}")
        if not all(math.isfinite(x) for x in vec):
            raise ValueError("vector must be finite")
        norm = math.sqrt(math.fsum(x * x for x in vec))
        if norm == 0.0:
            raise ValueError("vector must be non-zero")
        return [x / norm for x in vec]

    def _scroll(
        self, name: str, *, flt: qm.Filter | None = None, payload: bool | list[str] = True
    ) -> Iterable[qm.Record]:
        offset: Any = None
        while True:
            records, offset = self._client.scroll(
                name,
                scroll_filter=flt,
                limit=_SCROLL_PAGE,
                offset=offset,
                with_payload=payload,
                with_vectors=False,
            )
            yield from records
            if offset is None:
                return

    def _delete_ids(self, name: str, ids: Iterable[str]) -> None:
        batch: list[qm.ExtendedPointId] = list(ids)
        for start in range(0, len(batch), 1000):
            self._client.delete(
                name, points_selector=qm.PointIdsList(points=batch[start : start + 1000]), wait=True
            )

    @staticmethod
    def _owned(record: Any, tenant: str) -> bool:
        return bool(record.payload) and record.payload.get("tenant") == tenant

    # ------------------------------------------------------------------ session memory

    def _session_index(self, tenant: str) -> dict[str, list[tuple[float, str]]]:
        index = self._sessions.get(tenant)
        if index is None:
            index = {}
            name = self._existing(_TURNS, tenant)
            if name:
                for rec in self._scroll(name, payload=["session_id", "created_at"]):
                    p = rec.payload or {}
                    index.setdefault(str(p.get("session_id")), []).append(
                        (float(p["created_at"]), str(rec.id))
                    )
                for items in index.values():
                    items.sort()
            self._sessions[tenant] = index
        return index

    def store_turn(
        self,
        *,
        tenant: str,
        session_id: str,
        task_id: str,
        user: str | None,
        request: str,
        answer: str,
        status: str,
        intents: list[dict[str, Any]],
        vector: Sequence[float] | None,
        created_at: datetime | None = None,
    ) -> str:
        """Store one turn of a session. Idempotent by ``task_id``: storing it again replaces the
        content but keeps the first ``created_at`` (so a redelivered event keeps the turn's place)."""
        with self._lock:
            name = self._ensure(_TURNS, tenant)
            point_id = str(uuid.uuid5(_NS, f"turn\x1f{tenant}\x1f{task_id}"))
            ts = _epoch(created_at)
            index = self._session_index(tenant) if self._local else {}
            existing = self._client.retrieve(
                name, [point_id], with_payload=["created_at", "tenant", "session_id"]
            )
            old_session: str | None = None
            if existing and self._owned(existing[0], tenant):
                ts = float((existing[0].payload or {})["created_at"])
                old_session = str((existing[0].payload or {}).get("session_id"))
            payload = {
                "tenant": tenant,
                "session_id": session_id,
                "task_id": task_id,
                "user": user,
                "request": request,
                "answer": answer,
                "status": status,
                "intents": intents,
                "created_at": ts,
            }
            vectors: dict[str, Any] = {} if vector is None else {_TURN_VECTOR: self._vector(vector)}
            self._client.upsert(
                name, [qm.PointStruct(id=point_id, vector=vectors, payload=payload)], wait=True
            )
            if self._local:
                if old_session is not None:
                    items = index.get(old_session, [])
                    index[old_session] = [it for it in items if it[1] != point_id]
                items = index.setdefault(session_id, [])
                items.append((ts, point_id))
                items.sort()
            return point_id

    def recall_session(
        self, *, tenant: str, session_id: str, limit: int | None = None, now: datetime | None = None
    ) -> list[dict[str, Any]]:
        """The last ``limit`` (default ``session_turns``) turns of this tenant's session, oldest first.
        Turns older than ``session_ttl_seconds`` are not returned even before :meth:`prune` runs."""
        limit = limit or self._cfg.session_turns
        cutoff = _epoch(now) - self._cfg.session_ttl_seconds
        with self._lock:
            name = self._existing(_TURNS, tenant)
            if name is None:
                return []
            if self._local:
                ids = [pid for _, pid in self._session_index(tenant).get(session_id, [])[-limit:]]
                records = self._client.retrieve(name, ids, with_payload=True) if ids else []
            else:
                flt = qm.Filter(
                    must=[
                        qm.FieldCondition(key="tenant", match=qm.MatchValue(value=tenant)),
                        qm.FieldCondition(key="session_id", match=qm.MatchValue(value=session_id)),
                    ]
                )
                records = list(self._scroll(name, flt=flt))
        turns = [
            r.payload
            for r in records
            if r.payload
            and self._owned(r, tenant)
            and r.payload.get("session_id") == session_id
            and float(r.payload["created_at"]) >= cutoff
        ]
        turns.sort(key=lambda p: (p["created_at"], p["task_id"]))
        return [
            {
                "task_id": p["task_id"],
                "session_id": p["session_id"],
                "user": p.get("user"),
                "request": p.get("request", ""),
                "answer": p.get("answer", ""),
                "status": p.get("status", ""),
                "intents": p.get("intents", []),
                "created_at": _from_epoch(p["created_at"]).isoformat(),
            }
            for p in turns[-limit:]
        ]

    # ------------------------------------------------------------------ long-term memory

    @staticmethod
    def _memory_id(tenant: str, it: MemoryItem) -> str:
        """A memory's point id (identity: ``key``, else kind+user+text), after checking its fields."""
        if not 0.0 <= it.importance <= 1.0 or not 0.0 <= it.confidence <= 1.0:
            raise ValueError("importance and confidence must lie in [0, 1]")
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,31}", it.kind):
            raise ValueError(f"invalid memory kind {it.kind!r}")
        identity = it.key if it.key is not None else f"{it.kind}\x1f{it.user or ''}\x1f{it.text}"
        return str(uuid.uuid5(_NS, f"mem\x1f{tenant}\x1f{identity}"))

    @staticmethod
    def _memory_point(tenant: str, pid: str, it: MemoryItem, vec: list[float]) -> qm.PointStruct:
        payload = {
            "tenant": tenant,
            "text": it.text,
            "kind": it.kind,
            "user": it.user,
            "session_id": it.session_id,
            "importance": it.importance,
            "confidence": it.confidence,
            "source": it.source,
            "key": it.key,
            "created_at": _epoch(it.created_at),
        }
        return qm.PointStruct(id=pid, vector=vec, payload=payload)

    def remember(
        self,
        *,
        tenant: str,
        text: str,
        vector: Sequence[float],
        kind: str = "fact",
        user: str | None = None,
        session_id: str | None = None,
        importance: float = 0.5,
        confidence: float = 0.5,
        source: str | None = None,
        key: str | None = None,
        created_at: datetime | None = None,
    ) -> str:
        """Store a long-term memory and return its id.

        ``key`` names the fact (e.g. ``"user:u1:city"``); without it the identity is kind+user+text, so
        the same memory stored twice is one point. A write whose confidence is below
        ``trusted_confidence`` never replaces a stored memory at or above it: the stored one is kept
        and its id returned.
        """
        item = MemoryItem(
            text=text,
            vector=vector,
            kind=kind,
            user=user,
            session_id=session_id,
            importance=importance,
            confidence=confidence,
            source=source,
            key=key,
            created_at=created_at,
        )
        return self.remember_many(tenant=tenant, items=[item])[0]

    def remember_many(self, *, tenant: str, items: Sequence[MemoryItem]) -> list[str]:
        """:meth:`remember` for many memories in one write (same rules); returns their ids in order."""
        prepared: list[tuple[str, MemoryItem, list[float]]] = []
        for it in items:
            prepared.append((self._memory_id(tenant, it), it, self._vector(it.vector)))
        trusted = self._cfg.trusted_confidence
        with self._lock:
            name = self._ensure(_MEM, tenant)
            stored = {
                str(r.id): float((r.payload or {}).get("confidence", 0.0))
                for r in self._client.retrieve(
                    name, sorted({pid for pid, _, _ in prepared}), with_payload=["confidence", "tenant"]
                )
                if self._owned(r, tenant)
            }
            points: dict[str, qm.PointStruct] = {}
            for pid, it, vec in prepared:
                old = stored.get(pid)
                if old is not None and old >= trusted and it.confidence < trusted:
                    continue
                stored[pid] = it.confidence
                points[pid] = self._memory_point(tenant, pid, it, vec)
            batch = list(points.values())
            for start in range(0, len(batch), 500):
                self._client.upsert(name, batch[start : start + 500], wait=True)
        return [pid for pid, _, _ in prepared]

    def get_memory(self, *, tenant: str, memory_id: str) -> dict[str, Any] | None:
        """One memory's payload, or None (also when it belongs to another tenant)."""
        with self._lock:
            name = self._existing(_MEM, tenant)
            if name is None:
                return None
            found = self._client.retrieve(name, [memory_id], with_payload=True)
        if not found or not self._owned(found[0], tenant):
            return None
        return dict(found[0].payload or {})

    def remember_item(self, *, tenant: str, item: MemoryItem) -> MemoryWrite:
        """Store a fact or preference someone stated, merging it with what is already known.

        Same rules as :meth:`remember` (identity by ``key``, else kind+user+text; a write below
        ``trusted_confidence`` never replaces a trusted memory), and without a ``key`` a
        near-duplicate counts as the same memory: the nearest stored memory of the same user and a
        kind in ``mergeable_kinds`` whose cosine is at least ``duplicate_similarity`` is updated in
        place (or kept, when it is trusted and the write is not), so restating a fact in other words
        never leaves two copies.
        """
        if not item.text.strip():
            raise ValueError("a memory needs a text")
        pid = self._memory_id(tenant, item)
        vec = self._vector(item.vector)
        with self._lock:
            name = self._ensure(_MEM, tenant)
            found = [
                r for r in self._client.retrieve(name, [pid], with_payload=True) if self._owned(r, tenant)
            ]
            target: Any = found[0] if found else None
            if target is None and item.key is None and item.kind in self._cfg.mergeable_kinds:
                target = self._near_duplicate(name, tenant, vec, item.user)
            if target is None:
                self._upsert_memory(name, tenant, pid, item, vec)
                return MemoryWrite(
                    id=pid, action="created", text=item.text, kind=item.kind, confidence=item.confidence
                )
            old = dict(target.payload or {})
            old_confidence = float(old.get("confidence", 0.0))
            if old_confidence >= self._cfg.trusted_confidence > item.confidence:
                return MemoryWrite(
                    id=str(target.id),
                    action="kept",
                    text=str(old.get("text", "")),
                    kind=str(old.get("kind", "")),
                    confidence=old_confidence,
                )
            self._upsert_memory(name, tenant, str(target.id), item, vec)
            return MemoryWrite(
                id=str(target.id),
                action="updated",
                text=item.text,
                kind=item.kind,
                confidence=item.confidence,
            )

    def _near_duplicate(self, name: str, tenant: str, vec: list[float], user: str | None) -> Any:
        owner: qm.Condition = (
            qm.IsNullCondition(is_null=qm.PayloadField(key="user"))
            if user is None
            else qm.FieldCondition(key="user", match=qm.MatchValue(value=user))
        )
        flt = qm.Filter(
            must=[
                qm.FieldCondition(key="tenant", match=qm.MatchValue(value=tenant)),
                qm.FieldCondition(key="kind", match=qm.MatchAny(any=sorted(self._cfg.mergeable_kinds))),
                owner,
            ]
        )
        # remembering is rare (people state facts); an exact filtered search is affordable here
        points = self._client.query_points(
            name, query=vec, limit=1, with_payload=True, query_filter=flt
        ).points
        for p in points:
            payload = p.payload or {}
            if (
                self._owned(p, tenant)
                and payload.get("user") == user
                and payload.get("kind") in self._cfg.mergeable_kinds
                and p.score >= self._cfg.duplicate_similarity
            ):
                return p
        return None

    def _upsert_memory(self, name: str, tenant: str, pid: str, it: MemoryItem, vec: list[float]) -> None:
        self._client.upsert(name, [self._memory_point(tenant, pid, it, vec)], wait=True)

    def forget_memory(self, *, tenant: str, memory_id: str, user: str | None = None) -> bool:
        """Delete one long-term memory of this tenant; with ``user``, only if it is that user's own.
        Returns whether something was deleted."""
        with self._lock:
            name = self._existing(_MEM, tenant)
            if name is None:
                return False
            try:
                found = self._client.retrieve(name, [memory_id], with_payload=["tenant", "user"])
            except ValueError:  # not a point id at all (qdrant ids are UUIDs or integers)
                return False
            if not found or not self._owned(found[0], tenant):
                return False
            if user is not None and (found[0].payload or {}).get("user") != user:
                return False
            self._delete_ids(name, [memory_id])
        return True

    def list_memories(
        self,
        *,
        tenant: str,
        user: str | None = None,
        kinds: Sequence[str] | None = None,
        limit: int = 100,
    ) -> list[dict[str, Any]]:
        """This tenant's long-term memories visible to ``user`` (shared ones and the user's own; without
        a user, all of them), newest first."""
        kind_set = set(kinds) if kinds else None
        with self._lock:
            name = self._existing(_MEM, tenant)
            if name is None:
                return []
            records = [r for r in self._scroll(name) if self._owned(r, tenant)]
        out: list[dict[str, Any]] = []
        for r in records:
            p = r.payload or {}
            if user is not None and not self._visible(p, user, kind_set):
                continue
            if user is None and kind_set is not None and p.get("kind") not in kind_set:
                continue
            out.append(
                {
                    "id": str(r.id),
                    "text": p.get("text", ""),
                    "kind": p.get("kind", ""),
                    "user": p.get("user"),
                    "importance": float(p.get("importance", 0.0)),
                    "confidence": float(p.get("confidence", 0.0)),
                    "source": p.get("source"),
                    "key": p.get("key"),
                    "created_at": float(p["created_at"]),
                }
            )
        out.sort(key=lambda m: m["created_at"], reverse=True)
        for m in out:
            m["created_at"] = _from_epoch(m["created_at"]).isoformat()
        return out[:limit]

    def _visible(self, payload: dict[str, Any], user: str | None, kinds: set[str] | None) -> bool:
        owner = payload.get("user")
        if owner is not None and owner != user:
            return False
        return kinds is None or payload.get("kind") in kinds

    def search(
        self,
        *,
        tenant: str,
        vector: Sequence[float],
        limit: int = 5,
        user: str | None = None,
        kinds: Sequence[str] | None = None,
        now: datetime | None = None,
    ) -> list[MemoryHit]:
        """Long-term memories of this tenant, best first.

        Visible: memories without a user, and the asking ``user``'s own. The nearest
        ``max(ranking.candidates, 4*limit)`` neighbours are re-ranked by
        ``w_sim*cosine + w_rec*exp(-ln2*age/half_life) + w_imp*importance`` plus ``preference_boost``
        for the asking user's ``preference`` memories.
        """
        vec = self._vector(vector)
        kind_set = set(kinds) if kinds else None
        r = self._cfg.ranking
        n = max(r.candidates, 4 * limit)
        with self._lock:
            name = self._existing(_MEM, tenant)
            if name is None:
                return []
            if self._local:
                points = self._client.query_points(name, query=vec, limit=n, with_payload=True).points
                visible = [p for p in points if p.payload and self._visible(p.payload, user, kind_set)]
                if len(visible) < limit and len(points) == n:
                    # too few survived the post-filter: pay for the exact filtered search
                    points = self._client.query_points(
                        name,
                        query=vec,
                        limit=n,
                        with_payload=True,
                        query_filter=self._mem_filter(tenant, user, kind_set),
                    ).points
            else:
                points = self._client.query_points(
                    name,
                    query=vec,
                    limit=n,
                    with_payload=True,
                    query_filter=self._mem_filter(tenant, user, kind_set),
                ).points
        ref = _epoch(now)
        hits: list[MemoryHit] = []
        for p in points:
            payload = p.payload or {}
            if not self._owned(p, tenant) or not self._visible(payload, user, kind_set):
                continue
            age_h = max(0.0, ref - float(payload["created_at"])) / 3600.0
            recency = math.exp(-math.log(2) * age_h / r.half_life_hours)
            importance = float(payload.get("importance", 0.0))
            score = r.similarity * p.score + r.recency * recency + r.importance * importance
            if payload.get("kind") == "preference" and user is not None and payload.get("user") == user:
                score += r.preference_boost
            hits.append(
                MemoryHit(
                    id=str(p.id),
                    text=str(payload.get("text", "")),
                    kind=str(payload.get("kind", "")),
                    score=score,
                    similarity=p.score,
                    recency=recency,
                    importance=importance,
                    confidence=float(payload.get("confidence", 0.0)),
                    created_at=_from_epoch(float(payload["created_at"])),
                    user=payload.get("user"),
                    session_id=payload.get("session_id"),
                    source=payload.get("source"),
                    key=payload.get("key"),
                )
            )
        hits.sort(key=lambda h: h.score, reverse=True)
        return hits[:limit]

    @staticmethod
    def _mem_filter(tenant: str, user: str | None, kinds: set[str] | None) -> qm.Filter:
        owner: list[qm.Condition] = [qm.IsNullCondition(is_null=qm.PayloadField(key="user"))]
        if user is not None:
            owner.append(qm.FieldCondition(key="user", match=qm.MatchValue(value=user)))
        must: list[qm.Condition] = [
            qm.FieldCondition(key="tenant", match=qm.MatchValue(value=tenant)),
            qm.Filter(should=owner),
        ]
        if kinds:
            must.append(qm.FieldCondition(key="kind", match=qm.MatchAny(any=sorted(kinds))))
        return qm.Filter(must=must)

    # ------------------------------------------------------------------ knowledge base

    @staticmethod
    def _chunk_ids(tenant: str, source: str, chunks: Sequence[Chunk]) -> list[str]:
        seen: dict[str, int] = {}
        ids: list[str] = []
        for c in chunks:
            ident = f"{c.heading}\x1f{c.content_hash}"
            n = seen.get(ident, 0)
            seen[ident] = n + 1
            ids.append(str(uuid.uuid5(_NS, f"kb\x1f{tenant}\x1f{source}\x1f{ident}\x1f{n}")))
        return ids

    def _source_ids(self, name: str, tenant: str, source: str) -> set[str]:
        flt = qm.Filter(must=[qm.FieldCondition(key="source", match=qm.MatchValue(value=source))])
        return {str(r.id) for r in self._scroll(name, flt=flt, payload=["tenant"]) if self._owned(r, tenant)}

    def kb_missing(self, *, tenant: str, source: str, chunks: Sequence[Chunk]) -> list[int]:
        """Indexes of the chunks not stored yet: only these need embedding before :meth:`kb_upsert`."""
        with self._lock:
            name = self._existing(_KB, tenant)
            ids = self._chunk_ids(tenant, source, chunks)
            if name is None:
                return list(range(len(chunks)))
            stored = {str(r.id) for r in self._client.retrieve(name, ids, with_payload=False)}
        return [i for i, pid in enumerate(ids) if pid not in stored]

    def kb_upsert(
        self, *, tenant: str, source: str, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float] | None]
    ) -> KbIngestReport:
        """Make ``source``'s stored chunks exactly ``chunks``: add new ones, drop stale ones.

        Idempotent by content hash: a chunk's id derives from tenant, source, heading and text, so
        re-ingesting an unchanged document changes nothing. ``vectors`` aligns with ``chunks``; an entry
        may be None for a chunk already stored (see :meth:`kb_missing`).
        """
        if len(vectors) != len(chunks):
            raise ValueError("vectors must align with chunks")
        ids = self._chunk_ids(tenant, source, chunks)
        with self._lock:
            name = self._ensure(_KB, tenant)
            existing = self._source_ids(name, tenant, source)
            new = [i for i, pid in enumerate(ids) if pid not in existing]
            stale = existing - set(ids)
            total = self._client.count(name, exact=True).count
            if total - len(stale) + len(new) > self._cfg.max_kb_chunks_per_tenant:
                raise KbCapacityError(
                    f"tenant {tenant!r} would hold more than {self._cfg.max_kb_chunks_per_tenant} chunks"
                )
            now = _epoch(None)
            points = []
            for i in new:
                c = chunks[i]
                if vectors[i] is None:
                    raise ValueError(f"chunk {i} is not stored yet and needs a vector")
                points.append(
                    qm.PointStruct(
                        id=ids[i],
                        vector=self._vector(vectors[i]),
                        payload={
                            "tenant": tenant,
                            "source": source,
                            "title": c.title,
                            "heading": c.heading,
                            "index": c.index,
                            "text": c.text,
                            "content_hash": c.content_hash,
                            "ingested_at": now,
                        },
                    )
                )
            for start in range(0, len(points), 256):
                self._client.upsert(name, points[start : start + 256], wait=True)
            kept = [i for i, pid in enumerate(ids) if pid in existing]
            for i in kept:
                # unchanged text may have moved within the document
                self._client.set_payload(
                    name,
                    payload={"index": chunks[i].index, "title": chunks[i].title},
                    points=[ids[i]],
                    wait=True,
                )
            if stale:
                self._delete_ids(name, sorted(stale))
        return KbIngestReport(
            tenant=tenant,
            source=source,
            chunks=len(chunks),
            added=len(new),
            unchanged=len(kept),
            removed=len(stale),
        )

    def kb_search(
        self,
        *,
        tenant: str,
        vector: Sequence[float],
        top_k: int = 5,
        min_score: float | None = None,
        query: str | None = None,
    ) -> list[Passage]:
        """This tenant's knowledge-base passages most relevant to a question, best first, only those scoring
        at least ``min_score`` (default ``memory.kb_min_score``): an empty list means "not found".

        With the question's ``query`` text, the score blends the cosine of ``vector`` with the question's
        word overlap (:mod:`.lexical`, weight ``memory.kb_lexical_weight``) over the nearest
        ``memory.kb_candidates`` passages; without it, the score is the cosine alone."""
        vec = self._vector(vector)
        floor = self._cfg.kb_min_score if min_score is None else min_score
        weight = self._cfg.kb_lexical_weight if query else 0.0
        limit = max(top_k, self._cfg.kb_candidates) if weight else top_k
        with self._lock:
            name = self._existing(_KB, tenant)
            if name is None:
                return []
            flt = (
                None
                if self._local
                else qm.Filter(must=[qm.FieldCondition(key="tenant", match=qm.MatchValue(value=tenant))])
            )
            points = self._client.query_points(
                name, query=vec, limit=limit, with_payload=True, query_filter=flt
            ).points
        found = [
            Passage(
                text=str(p.payload.get("text", "")),
                source=str(p.payload.get("source", "")),
                score=p.score,
                chunk_id=str(p.id),
                heading=str(p.payload.get("heading", "")),
                title=str(p.payload.get("title", "")),
                index=int(p.payload.get("index", 0)),
            )
            for p in points
            if p.payload and self._owned(p, tenant)
        ]
        if weight and query:
            overlap = lexical.coverage(query, [f"{p.title}\n{p.heading}\n{p.text}" for p in found])
            for p, cov in zip(found, overlap, strict=True):
                p.score = (1 - weight) * p.score + weight * cov
            found.sort(key=lambda p: p.score, reverse=True)
        return [p for p in found if p.score >= floor][:top_k]

    def kb_list(self, *, tenant: str) -> list[dict[str, Any]]:
        """This tenant's documents: source, title, chunk count, last ingest time."""
        with self._lock:
            name = self._existing(_KB, tenant)
            if name is None:
                return []
            docs: dict[str, dict[str, Any]] = {}
            for r in self._scroll(name, payload=["tenant", "source", "title", "ingested_at"]):
                if not self._owned(r, tenant):
                    continue
                p = r.payload or {}
                doc = docs.setdefault(
                    str(p["source"]),
                    {"source": p["source"], "title": p.get("title", ""), "chunks": 0, "ingested_at": 0.0},
                )
                doc["chunks"] += 1
                doc["ingested_at"] = max(doc["ingested_at"], float(p.get("ingested_at", 0.0)))
        for doc in docs.values():
            doc["ingested_at"] = _from_epoch(doc["ingested_at"]).isoformat()
        return sorted(docs.values(), key=lambda d: d["source"])

    def kb_delete(self, *, tenant: str, source: str) -> int:
        """Remove a document from this tenant's knowledge base; returns the chunks removed."""
        with self._lock:
            name = self._existing(_KB, tenant)
            if name is None:
                return 0
            ids = self._source_ids(name, tenant, source)
            if ids:
                self._delete_ids(name, sorted(ids))
        return len(ids)

    # ------------------------------------------------------------------ retention

    def forget_tenant(self, *, tenant: str) -> None:
        """Drop everything stored for a tenant."""
        with self._lock:
            for kind in (_TURNS, _MEM, _KB):
                name = self._existing(kind, tenant)
                if name:
                    self._client.delete_collection(name)
                    self._collections.discard(name)
            self._sessions.pop(tenant, None)

    def prune(self, *, now: datetime | None = None) -> PruneReport:
        """Apply retention: drop session turns older than ``session_ttl_seconds``, then trim each
        tenant to its caps. Turns go oldest first; memories go lowest retention value first, where
        ``value = w_rec*recency + w_imp*importance`` (+1 for trusted facts, which go last)."""
        ref = _epoch(now)
        report = PruneReport()
        with self._lock:
            tenants = self._tenants()
            report.tenants = len(tenants)
            for tenant in tenants:
                stats = {"turns_expired": 0, "turns_evicted": 0, "memories_evicted": 0}
                name = self._existing(_TURNS, tenant)
                if name:
                    turns = sorted(
                        (float((r.payload or {})["created_at"]), str(r.id))
                        for r in self._scroll(name, payload=["created_at"])
                    )
                    cutoff = ref - self._cfg.session_ttl_seconds
                    expired = [pid for ts, pid in turns if ts < cutoff]
                    alive = [pid for ts, pid in turns if ts >= cutoff]
                    excess = max(0, len(alive) - self._cfg.max_turns_per_tenant)
                    evicted = alive[:excess]
                    drop = expired + evicted
                    self._delete_ids(name, drop)
                    stats["turns_expired"], stats["turns_evicted"] = len(expired), len(evicted)
                    if drop:
                        self._sessions.pop(tenant, None)
                name = self._existing(_MEM, tenant)
                if name:
                    count = self._client.count(name, exact=True).count
                    excess = count - self._cfg.max_memories_per_tenant
                    if excess > 0:
                        r = self._cfg.ranking
                        scored = []
                        for rec in self._scroll(name, payload=["created_at", "importance", "confidence"]):
                            p = rec.payload or {}
                            age_h = max(0.0, ref - float(p["created_at"])) / 3600.0
                            value = r.recency * math.exp(-math.log(2) * age_h / r.half_life_hours)
                            value += r.importance * float(p.get("importance", 0.0))
                            if float(p.get("confidence", 0.0)) >= self._cfg.trusted_confidence:
                                value += 1.0
                            scored.append((value, float(p["created_at"]), str(rec.id)))
                        scored.sort()
                        drop = [pid for _, _, pid in scored[:excess]]
                        self._delete_ids(name, drop)
                        stats["memories_evicted"] = len(drop)
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
                    for kind in (_TURNS, _MEM, _KB)
                }
        return out
