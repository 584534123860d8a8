"""Session memory: each task's turn (request, answer, status, intents, optional embedding) in its session.

A turn's point id derives from tenant and task id, so a redelivered write replaces it and keeps its first
``created_at``. Embedded Qdrant evaluates payload filters point by point in Python (~85 ms at 10k
points), so in local mode recall reads an in-memory index of each tenant's sessions (built on first use,
kept current by every write and prune); on a Qdrant server a payload filter is cheap and used directly.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from qdrant_client import QdrantClient
from qdrant_client import models as qm

from ..config import MemoryConfig
from .collections import NS, TURN_VECTOR, TURNS, Collections, epoch, from_epoch


class SessionTurns(Collections):
    """The session-memory part of :class:`~autoglm.services.memory.store.MemoryStore`."""

    def __init__(self, client: QdrantClient, cfg: MemoryConfig, *, local: bool) -> None:
        super().__init__(client, cfg, local=local)
        # local mode only: tenant -> session_id -> [(created_at, point id)], built on first use
        self._sessions: dict[str, dict[str, list[tuple[float, str]]]] = {}

    def _session_index(self, tenant: str) -> dict[str, list[tuple[float, str]]]:
        index = self._sessions.get(tenant)
        if index is None:
            index = {}
            name = self._existing(TURNS, tenant)
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
            name = self._ensure(TURNS, tenant)
            point_id = str(uuid.uuid5(NS, f"turn\x1f{tenant}\x1f{task_id}"))
            ts = epoch(created_at)
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
            vectors: dict[str, Any] = {} if vector is None else {TURN_VECTOR: self._vector(vector)}
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
        cutoff = epoch(now) - self._cfg.session_ttl_seconds
        with self._lock:
            name = self._existing(TURNS, tenant)
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
                "created_at": from_epoch(p["created_at"]).isoformat(),
            }
            for p in turns[-limit:]
        ]

    def _prune_turns(self, tenant: str, ref: float) -> tuple[int, int]:
        """Drop this tenant's turns older than ``session_ttl_seconds``, then the oldest past
        ``max_turns_per_tenant``; returns (expired, evicted). The caller holds the lock."""
        name = self._existing(TURNS, tenant)
        if not name:
            return 0, 0
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
        if drop:
            self._sessions.pop(tenant, None)
        return len(expired), len(evicted)
