"""Durable per-tenant graph records in Qdrant, beside the knowledge base.

One collection per tenant (``<prefix>_graph__<tenant>``, no vectors), one point per document (id from
tenant and source) whose payload is the document's :class:`~.index.StoredDoc`. Re-ingesting a document
replaces its point, deleting it removes the point: its entities and edges go with it, because the
tenant graph is assembled from the points that are there (:meth:`GraphStore.graph`, cached until the
tenant's records change). Why Qdrant and not a second store: the memory service already owns this one
client (embedded Qdrant allows one), it is durable the same way as the chunks the edges cite, a
Qdrant server makes it shared by memory replicas, and a collection per tenant is the isolation the
knowledge base already relies on. A tenant's graph is small next to its chunks (tens of records),
so it is read whole and reasoned over in memory (numpy), where path search and PageRank are cheap.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

from qdrant_client import QdrantClient
from qdrant_client import models as qm

from .index import StoredDoc, TenantGraph

_NS = uuid.UUID("0b7c3f52-54a1-4b9e-9a55-2f4d7f1c2e11")
_PAGE = 256


class GraphStore:
    """Per-tenant document graphs over a Qdrant client (the memory service's)."""

    def __init__(
        self, client: QdrantClient, prefix: str = "autoglm", *, lock: Any = None, check_tenant: Any = None
    ) -> None:
        """``lock``: the lock of whoever else uses ``client`` (the memory store's), so the two never call
        into it at once; ``check_tenant`` raises for an invalid tenant id."""
        self._client = client
        self._prefix = prefix
        self._lock = lock if lock is not None else threading.RLock()
        self._cache: dict[str, tuple[str, TenantGraph]] = {}
        self._check = check_tenant

    def _name(self, tenant: str) -> str:
        if self._check is not None:
            self._check(tenant)
        return f"{self._prefix}_graph__{tenant}"

    def _exists(self, name: str) -> bool:
        return any(c.name == name for c in self._client.get_collections().collections)

    @staticmethod
    def _id(tenant: str, source: str) -> str:
        return str(uuid.uuid5(_NS, f"{tenant}\x1f{source}"))

    def key(self, *, tenant: str, source: str) -> str | None:
        """The stored fingerprint of a document's graph (None when it has none)."""
        name = self._name(tenant)
        with self._lock:
            if not self._exists(name):
                return None
            found = self._client.retrieve(name, [self._id(tenant, source)], with_payload=["tenant", "key"])
        if not found or (found[0].payload or {}).get("tenant") != tenant:
            return None
        return str((found[0].payload or {}).get("key", ""))

    def put(self, *, tenant: str, doc: StoredDoc) -> None:
        """Store (or replace) a document's graph."""
        name = self._name(tenant)
        payload = {"tenant": tenant, "source": doc.graph.source, "key": doc.graph.key, **doc.to_payload()}
        with self._lock:
            if not self._exists(name):
                self._client.create_collection(name, vectors_config={})
            self._client.upsert(
                name, [qm.PointStruct(id=self._id(tenant, doc.graph.source), vector={}, payload=payload)], wait=True
            )
            self._cache.pop(tenant, None)

    def delete(self, *, tenant: str, source: str) -> bool:
        """Remove a document's graph; True when there was one."""
        name = self._name(tenant)
        with self._lock:
            if not self._exists(name) or self.key(tenant=tenant, source=source) is None:
                return False
            self._client.delete(name, points_selector=qm.PointIdsList(points=[self._id(tenant, source)]), wait=True)
            self._cache.pop(tenant, None)
        return True

    def drop(self, *, tenant: str) -> None:
        name = self._name(tenant)
        with self._lock:
            if self._exists(name):
                self._client.delete_collection(name)
            self._cache.pop(tenant, None)

    def docs(self, *, tenant: str) -> list[StoredDoc]:
        """This tenant's document graphs (only records carrying this tenant, defence in depth)."""
        name = self._name(tenant)
        out: list[StoredDoc] = []
        with self._lock:
            if not self._exists(name):
                return out
            offset: Any = None
            while True:
                records, offset = self._client.scroll(name, limit=_PAGE, offset=offset, with_payload=True)
                out.extend(
                    StoredDoc.from_payload(r.payload) for r in records if r.payload and r.payload.get("tenant") == tenant
                )
                if offset is None:
                    break
        return out

    def _version(self, tenant: str) -> str:
        name = self._name(tenant)
        if not self._exists(name):
            return ""
        keys: list[str] = []
        offset: Any = None
        while True:
            records, offset = self._client.scroll(
                name, limit=_PAGE, offset=offset, with_payload=["tenant", "source", "key"]
            )
            keys += [f"{(r.payload or {}).get('source')}:{(r.payload or {}).get('key')}" for r in records
                     if r.payload and r.payload.get("tenant") == tenant]
            if offset is None:
                return "|".join(sorted(keys))

    def graph(self, *, tenant: str) -> TenantGraph:
        """The tenant's assembled graph, rebuilt only after one of its documents changed (a query reads
        only the documents' keys to know)."""
        with self._lock:
            version = self._version(tenant)
            cached = self._cache.get(tenant)
            if cached is not None and cached[0] == version:
                return cached[1]
            g = TenantGraph.build(self.docs(tenant=tenant))
            self._cache[tenant] = (version, g)
            return g
