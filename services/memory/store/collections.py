"""The store's floor: one Qdrant client, a collection per tenant and kind, one lock.

Collection names are ``<prefix>_<kind>__<tenant>`` (kinds ``turns``, ``mem``, ``kb``); a tenant's
collection is created on its first write. Vectors are unit-normalised on the way in, so the dot
product the collections use is the cosine. Every payload carries its tenant, and reads check it
again (:meth:`Collections._owned`), besides the per-tenant collection.

Every public method of the store takes ``_lock`` (reentrant) for its whole call into Qdrant.
"""

from __future__ import annotations

import math
import re
import threading
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from qdrant_client import QdrantClient
from qdrant_client import models as qm

from autoglm.shared.qdrant_compat import local_sqlite_connections

from ..config import MemoryConfig

TENANT_RE = re.compile(r"^[A-Za-z0-9._\-]{1,64}$")


NS = uuid.UUID("6d0c1f5e-3a4b-4c2d-9e8f-7a6b5c4d3e2f")
"""Namespace of every point id (uuid5): ids derive from what a point is, so a write is idempotent."""
TURNS, MEM, KB = "turns", "mem", "kb"
TURN_VECTOR = "turn"
_SCROLL_PAGE = 1000


def epoch(value: datetime | None) -> float:
    if value is None:
        return datetime.now(UTC).timestamp()
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def from_epoch(value: float) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def _fast_commits(client: QdrantClient) -> None:
    """Embedded Qdrant writes every point as its own SQLite transaction, in the default rollback-journal
    mode: a journal file created, synced and deleted per point (~0.6 ms of CPU per session turn, the
    largest part of the memory service's cost per task). Write-ahead logging with ``synchronous=NORMAL``
    costs ~0.2 ms. A committed point still survives a killed process (what a service crash is); only an
    operating-system crash or power loss can lose the last commits, which the embedded broker (memory
    only) loses anyway. A Qdrant server (``url``) is not touched. The connections are qdrant-client
    internals, reached through :mod:`autoglm.shared.qdrant_compat` (a version without them is left as
    it is).
    """
    for conn in local_sqlite_connections(client):  # repeating the pragmas on a tuned one is a no-op
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")


class Collections:
    """The client, the configuration and the lock that the store's parts (turns.py, memories.py, kb.py)
    share; :class:`~autoglm.services.memory.store.MemoryStore` puts them together."""

    def __init__(self, client: QdrantClient, cfg: MemoryConfig, *, local: bool) -> None:
        """Use :meth:`MemoryStore.open`; this constructor expects a client whose layout was already checked.
        ``local`` selects the embedded-mode strategy (see the package docstring)."""
        self._client = client
        self._cfg = cfg
        self._local = local
        self._lock = threading.RLock()
        self._collections: set[str] = {c.name for c in client.get_collections().collections}

    @property
    def config(self) -> MemoryConfig:
        return self._cfg

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
            if kind in (TURNS, MEM, KB) and TENANT_RE.fullmatch(tenant):
                tenants.add(tenant)
        return sorted(tenants)

    def _ensure(self, kind: str, tenant: str) -> str:
        name = self._name(kind, tenant)
        if name in self._collections:
            return name
        # vectors are unit-normalized here, so dot product is the cosine; embedded Qdrant's COSINE
        # re-normalizes the whole matrix on every query, which triples the cost of a search
        params = qm.VectorParams(size=self._cfg.vector_size, distance=qm.Distance.DOT)
        if kind == TURNS:
            self._client.create_collection(name, vectors_config={TURN_VECTOR: params})
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
            TURNS: {"tenant": keyword, "session_id": keyword, "created_at": number},
            MEM: {"tenant": keyword, "kind": keyword, "user": keyword, "key": keyword, "created_at": number},
            KB: {"tenant": keyword, "source": keyword},
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
