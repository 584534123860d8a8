"""The knowledge graph as the memory service uses it: built when a document is ingested, dropped
when it is deleted, asked beside every knowledge-base search, exported for `autoglm kb graph`.

Plain functions over a :class:`~.store.GraphStore` and an encoder (the multilingual one in the
service; a fake in tests), so the handlers stay thin and nothing here knows Kafka.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from .extract import ChunkInput, extract_document
from .index import Encoder, embed_doc
from .reason import ReasonConfig, Reasoner
from .store import GraphStore


def citation(title: str, heading: str, source: str) -> str:
    """How a chunk is cited (the knowledge base's ``Passage.citation``)."""
    name = title or source
    return f"{name} § {heading}" if heading else name


def document_key(chunk_ids: Sequence[str]) -> str:
    """A document graph's fingerprint: its chunks' ids (derived from their content), in order."""
    return hashlib.sha256("\x1f".join(chunk_ids).encode()).hexdigest()[:32]


def ingest(
    graphs: GraphStore, encoder: Encoder | None, *, tenant: str, source: str, title: str,
    chunks: Sequence[tuple[str, str, str]],
) -> dict[str, Any]:
    """(Re)build a document's graph from its chunks ``(chunk_id, text, heading)``; unchanged chunks
    (same key as stored) cost nothing. Returns what was done, for the ingest report."""
    key = document_key([c[0] for c in chunks])
    if graphs.key(tenant=tenant, source=source) == key:
        return {"graph": "unchanged"}
    inputs = [ChunkInput(chunk_id=cid, text=text, heading=heading, citation=citation(title, heading, source))
              for cid, text, heading in chunks]
    doc = embed_doc(extract_document(inputs, source=source, title=title, key=key), encoder)
    graphs.put(tenant=tenant, doc=doc)
    return {"graph": "built", "entities": len(doc.graph.entities), "relations": len(doc.graph.relations)}


def answer(
    graphs: GraphStore, encoder: Encoder | None, *, tenant: str, question: str, cfg: ReasonConfig | None = None
) -> dict[str, Any] | None:
    """The graph's answer to a question in this tenant (None when the graph has nothing to say)."""
    g = graphs.graph(tenant=tenant)
    if not g.edges:
        return None
    found = Reasoner(g, encoder, cfg).answer(question)
    return found.to_dict() if found else None


def export(graphs: GraphStore, *, tenant: str, entity: str | None = None, fmt: str = "json", hops: int = 1) -> Any:
    """The tenant's graph (or ``hops`` around ``entity``) as JSON data or DOT text."""
    g = graphs.graph(tenant=tenant)
    return g.to_dot(entity, hops) if fmt == "dot" else g.to_json(entity, hops)
