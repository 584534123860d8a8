"""Long-term memory: facts, answers and preferences of a tenant's users, ranked for recall.

Identity: a memory's ``key``, else kind + user + text, so the same memory stored twice is one point;
:meth:`Memories.remember_item` also merges a near-duplicate. A write below ``trusted_confidence``
never replaces a trusted memory. Search re-ranks the nearest neighbours by
``w_sim*cosine + w_rec*exp(-ln2*age/half_life) + w_imp*importance`` (+ ``preference_boost`` for the
asking user's preferences). In local mode the neighbours are post-filtered by visibility instead of
filtered in Qdrant (see turns.py for why); a server filters.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from qdrant_client import models as qm

from .collections import MEM, NS, Collections, epoch, from_epoch


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


class Memories(Collections):
    """The long-term-memory part of :class:`~autoglm.services.memory.store.MemoryStore`."""

    @staticmethod
    def _memory_id(tenant: str, it: MemoryItem) -> str:
        """A memory's point id (identity: ``key``, else kind+user+text), after checking its fields."""
        if not 0.0 <= it.importance <= 1.0 or not 0.0 <= it.confidence <= 1.0:
            raise ValueError("importance and confidence must lie in [0, 1]")
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,31}", it.kind):
            raise ValueError(f"invalid memory kind {it.kind!r}")
        identity = it.key if it.key is not None else f"{it.kind}\x1f{it.user or ''}\x1f{it.text}"
        return str(uuid.uuid5(NS, f"mem\x1f{tenant}\x1f{identity}"))

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
            "created_at": epoch(it.created_at),
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
            name = self._ensure(MEM, tenant)
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
            name = self._existing(MEM, tenant)
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
            name = self._ensure(MEM, tenant)
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
            name = self._existing(MEM, tenant)
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
            name = self._existing(MEM, tenant)
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
            m["created_at"] = from_epoch(m["created_at"]).isoformat()
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
        min_similarity: float | None = None,
        answer_min_similarity: float | None = None,
    ) -> list[MemoryHit]:
        """Long-term memories of this tenant, best first.

        Only memories whose cosine to ``vector`` is at least ``min_similarity`` (``answer_min_similarity``
        for kind ``answer``; None: no floor) are returned: recall into a prompt must be about the request,
        not merely the tenant's latest memories.
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
            name = self._existing(MEM, tenant)
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
        ref = epoch(now)
        hits: list[MemoryHit] = []
        for p in points:
            payload = p.payload or {}
            if not self._owned(p, tenant) or not self._visible(payload, user, kind_set):
                continue
            floor = answer_min_similarity if payload.get("kind") == "answer" else min_similarity
            if floor is not None and p.score < floor:
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
                    created_at=from_epoch(float(payload["created_at"])),
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

    def _prune_memories(self, tenant: str, ref: float) -> int:
        """Trim this tenant's memories to ``max_memories_per_tenant``, lowest retention value first
        (see :meth:`MemoryStore.prune`); returns how many went. The caller holds the lock."""
        name = self._existing(MEM, tenant)
        if not name:
            return 0
        count = self._client.count(name, exact=True).count
        excess = count - self._cfg.max_memories_per_tenant
        if excess <= 0:
            return 0
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
        return len(drop)
