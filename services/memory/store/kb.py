"""The knowledge base: a tenant's documents as chunks with their embeddings, searched for passages.

A chunk's id derives from tenant, source, heading and text (its content hash), so re-ingesting an
unchanged document changes nothing and a changed one only adds its new chunks and drops the stale
ones. Search blends the cosine with the question's word overlap (:mod:`autoglm.shared.lexical`) over the nearest
candidates and drops what scores under ``kb_min_score``: an empty result means "not found".
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from qdrant_client import models as qm

from autoglm.shared import lexical

from .. import glossary
from ..chunking import Chunk
from ..graph.service import export as graph_export
from ..graph.service import ingest as graph_ingest
from ..graph.store import GraphStore
from .collections import KB, NS, Collections, epoch, from_epoch

_TERM_STATS_TENANTS = 256
"""Tenants whose term statistics (:meth:`KnowledgeBase.kb_terms`) are kept at once."""


class KbCapacityError(RuntimeError):
    """An ingest would take a tenant's knowledge base past its cap."""


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
    graph: dict[str, Any] | None = None  # what the knowledge graph did with it (see graph.service.ingest)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class KnowledgeBase(Collections):
    """The knowledge-base part of :class:`~autoglm.services.memory.store.MemoryStore`, with the tenants'
    knowledge graphs (:mod:`..graph`): built from a document's chunks when it is ingested, dropped with it."""

    # the multilingual encoder the graph names and links entities with (set by the service; without
    # one the graph is built and searched by words alone)
    graph_encoder: Any = None
    _graphs: GraphStore | None = None
    # tenant -> (term -> how many of its chunks hold it, chunk count): see kb_terms
    _term_stats: dict[str, tuple[dict[str, int], int]] | None = None
    # tenant -> its zh<->en glossary: see kb_glossary
    _glossaries: dict[str, glossary.Glossary] | None = None

    @property
    def graphs(self) -> GraphStore:
        """The tenants' knowledge graphs, in the same Qdrant (a collection per tenant, see
        :mod:`..graph.store`), behind the same lock."""
        if self._graphs is None:
            self._graphs = GraphStore(self._client, self._cfg.collection_prefix, lock=self._lock,
                                      check_tenant=lambda t: self._name(KB, t))
        return self._graphs

    def chunk_ids(self, *, tenant: str, source: str, chunks: Sequence[Chunk]) -> list[str]:
        """The point ids ``chunks`` have (or will have) in the tenant's knowledge base: what the graph's
        edges cite."""
        self._name(KB, tenant)
        return self._chunk_ids(tenant, source, chunks)

    def kb_graph(self, *, tenant: str, entity: str | None = None, fmt: str = "json", hops: int = 1) -> Any:
        """The tenant's knowledge graph (or ``hops`` around ``entity``): JSON data, or DOT text."""
        return graph_export(self.graphs, tenant=tenant, entity=entity, fmt=fmt, hops=hops)

    @staticmethod
    def _chunk_ids(tenant: str, source: str, chunks: Sequence[Chunk]) -> list[str]:
        seen: dict[str, int] = {}
        ids: list[str] = []
        for c in chunks:
            ident = f"{c.heading}\x1f{c.content_hash}"
            n = seen.get(ident, 0)
            seen[ident] = n + 1
            ids.append(str(uuid.uuid5(NS, f"kb\x1f{tenant}\x1f{source}\x1f{ident}\x1f{n}")))
        return ids

    def _source_ids(self, name: str, tenant: str, source: str) -> set[str]:
        flt = qm.Filter(must=[qm.FieldCondition(key="source", match=qm.MatchValue(value=source))])
        return {str(r.id) for r in self._scroll(name, flt=flt, payload=["tenant"]) if self._owned(r, tenant)}

    def kb_missing(self, *, tenant: str, source: str, chunks: Sequence[Chunk]) -> list[int]:
        """Indexes of the chunks not stored yet: only these need embedding before :meth:`kb_upsert`."""
        with self._lock:
            name = self._existing(KB, tenant)
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
            name = self._ensure(KB, tenant)
            existing = self._source_ids(name, tenant, source)
            new = [i for i, pid in enumerate(ids) if pid not in existing]
            stale = existing - set(ids)
            total = self._client.count(name, exact=True).count
            if total - len(stale) + len(new) > self._cfg.max_kb_chunks_per_tenant:
                raise KbCapacityError(
                    f"tenant {tenant!r} would hold more than {self._cfg.max_kb_chunks_per_tenant} chunks"
                )
            now = epoch(None)
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
            self._terms_changed(tenant)
        # the document's entities and relations, citing these chunks (extraction runs outside the lock)
        graph = graph_ingest(
            self.graphs, self.graph_encoder, tenant=tenant, source=source, title=chunks[0].title if chunks else "",
            chunks=[(cid, c.text, c.heading) for cid, c in zip(ids, chunks, strict=True)],
        )
        return KbIngestReport(
            tenant=tenant,
            source=source,
            chunks=len(chunks),
            added=len(new),
            unchanged=len(kept),
            removed=len(stale),
            graph=graph,
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

        With the question's ``query`` text, the nearest ``memory.kb_candidates`` passages are scored
        ``cosine + kb_lexical_weight * overlap`` (the rarity-weighted share of the question's terms the
        passage holds, :mod:`autoglm.shared.lexical`) ``+ kb_cross_language_bonus`` when the question and
        the passage are written in different scripts (Chinese against Latin); without it, the score is the
        cosine alone."""
        vec = self._vector(vector)
        floor = self._cfg.kb_min_score if min_score is None else min_score
        weight = self._cfg.kb_lexical_weight if query else 0.0
        limit = max(top_k, self._cfg.kb_candidates) if weight else top_k
        with self._lock:
            name = self._existing(KB, tenant)
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
            asked_cjk = lexical.mostly_cjk(query)
            for p, cov in zip(found, overlap, strict=True):
                # a question in another script than the passage shares no words with it and its cosine
                # runs lower (calibrated: README, Memory)
                across = self._cfg.kb_cross_language_bonus if lexical.mostly_cjk(p.text) != asked_cjk else 0.0
                p.score = p.score + weight * cov + across
            found.sort(key=lambda p: p.score, reverse=True)
        return [p for p in found if p.score >= floor][:top_k]

    def kb_terms(self, *, tenant: str) -> tuple[dict[str, int], int]:
        """Document frequencies of the tenant's knowledge base: for each term (:func:`lexical.terms` of a
        chunk's title, heading and text), how many chunks hold it, and how many chunks there are. Extracts
        weigh a question's words by this rarity (a product name in every chunk counts little) and tell a
        name the knowledge base never mentions. Kept per tenant until its documents change."""
        return self._per_tenant(self._term_stats_cache(), tenant, lexical.document_frequencies)

    def kb_glossary(self, *, tenant: str, embed: glossary.Embed | None = None) -> glossary.Glossary:
        """The tenant's zh<->en glossary, read from its own documents (:mod:`..glossary`: bracketed
        other-language names, bilingual headings, romanised Chinese names, and with ``embed`` its words
        embedded for matching by meaning). Kept per tenant until its documents change, like :meth:`kb_terms`
        (the first call after a change decides whether it has the embedded words)."""
        if self._glossaries is None:
            self._glossaries = {}
        return self._per_tenant(self._glossaries, tenant, lambda texts: glossary.build(texts, embed))

    def _term_stats_cache(self) -> dict[str, Any]:
        if self._term_stats is None:
            self._term_stats = {}
        return self._term_stats

    def _per_tenant(self, cache: dict[str, Any], tenant: str, make: Any) -> Any:
        with self._lock:
            cached = cache.get(tenant)
            if cached is not None:
                return cached
            name = self._existing(KB, tenant)
            texts = [] if name is None else [
                f"{(r.payload or {}).get('title', '')}\n{(r.payload or {}).get('heading', '')}\n"
                f"{(r.payload or {}).get('text', '')}"
                for r in self._scroll(name, payload=["tenant", "title", "heading", "text"]) if self._owned(r, tenant)
            ]
            made = make(texts)
            if len(cache) >= _TERM_STATS_TENANTS:
                cache.pop(next(iter(cache)))  # the longest-held tenant's, rebuilt on demand
            cache[tenant] = made
            return made

    def _terms_changed(self, tenant: str) -> None:
        for cache in (self._term_stats, self._glossaries):
            if cache is not None:
                cache.pop(tenant, None)

    def kb_size(self, *, tenant: str) -> int:
        """How many chunks this tenant's knowledge base holds (0: none; no search, no embedding needed).
        Cheap: an in-memory name check, then a count (embedded Qdrant counts a numpy mask)."""
        with self._lock:
            name = self._existing(KB, tenant)
            return 0 if name is None else int(self._client.count(name, exact=True).count)

    def kb_list(self, *, tenant: str) -> list[dict[str, Any]]:
        """This tenant's documents: source, title, chunk count, last ingest time."""
        with self._lock:
            name = self._existing(KB, tenant)
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
            doc["ingested_at"] = from_epoch(doc["ingested_at"]).isoformat()
        return sorted(docs.values(), key=lambda d: d["source"])

    def kb_delete(self, *, tenant: str, source: str) -> int:
        """Remove a document from this tenant's knowledge base; returns the chunks removed."""
        with self._lock:
            name = self._existing(KB, tenant)
            if name is None:
                return 0
            ids = self._source_ids(name, tenant, source)
            if ids:
                self._delete_ids(name, sorted(ids))
            self._terms_changed(tenant)
            self.graphs.delete(tenant=tenant, source=source)  # its entities and edges go with it
        return len(ids)
