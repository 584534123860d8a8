"""Layout 1 -> 2: the store's vectors move from 384-d all-MiniLM-L6-v2 (English-only) to 512-d USE
multilingual v3, re-embedded from the text every point keeps in its payload.

- knowledge-base chunks: heading path and text, as ingestion embeds them;
- long-term memories: their text. Answers stored automatically by layout 1 (kind ``answer``, below
  ``trusted_confidence``: unrated model output) are dropped, not migrated: they are what polluted
  later prompts (README: Memory), and layout 2 keeps only grounded or well-rated answers;
- session turns: request and answer, for the turns that had a vector.

Each collection is read whole, dropped, recreated at the new size and written back; the layout
record is updated only after every collection is done, so a migration that stops part-way is
resumed at the next open (collections already at the new size are skipped). A crash between
dropping one collection and writing it back loses that collection's points (its documents can be
ingested again): back up the store's folder first when that matters.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from qdrant_client import QdrantClient
from qdrant_client import models as qm

from autoglm.services.memory.config import MemoryConfig

log = logging.getLogger("autoglm.memory")
_BATCH = 128
_TURN_VECTOR = "turn"


def migratable(stored: dict[str, Any], expected: dict[str, Any]) -> bool:
    return stored.get("layout_version") == 1 and expected.get("layout_version") == 2


def _size(client: QdrantClient, name: str) -> int | None:
    vectors = client.get_collection(name).config.params.vectors
    if isinstance(vectors, dict):
        params = vectors.get(_TURN_VECTOR)
        return params.size if params else None
    return vectors.size if vectors else None


def _text(kind: str, payload: dict[str, Any]) -> str:
    if kind == "kb":
        heading = str(payload.get("heading") or "")
        return f"{heading}\n{payload.get('text', '')}" if heading else str(payload.get("text", ""))
    if kind == "turns":
        return f"{payload.get('request', '')}\n{payload.get('answer', '')}"[:4000]
    return str(payload.get("text", ""))


def migrate(
    client: QdrantClient, cfg: MemoryConfig, reembed: Callable[[list[str]], Sequence[Sequence[float]]]
) -> dict[str, int]:
    """Re-embed every collection of ``cfg.collection_prefix`` at ``cfg.vector_size``; returns counts."""
    prefix = f"{cfg.collection_prefix}_"
    counts = {"collections": 0, "points": 0, "dropped_answers": 0}
    for desc in sorted(c.name for c in client.get_collections().collections):
        if not desc.startswith(prefix) or "__" not in desc:
            continue
        kind = desc[len(prefix) :].partition("__")[0]
        if kind not in ("turns", "mem", "kb") or _size(client, desc) == cfg.vector_size:
            continue
        records: list[Any] = []
        offset: Any = None
        while True:
            page, offset = client.scroll(desc, limit=1000, offset=offset, with_payload=True, with_vectors=True)
            records.extend(page)
            if offset is None:
                break
        keep: list[tuple[Any, dict[str, Any], bool]] = []
        for r in records:
            payload = dict(r.payload or {})
            if kind == "mem" and payload.get("kind") == "answer" and \
                    float(payload.get("confidence", 0.0)) < cfg.trusted_confidence:
                counts["dropped_answers"] += 1
                continue
            had_vector = bool(r.vector) if kind == "turns" else True
            keep.append((r.id, payload, had_vector))
        texts = [_text(kind, p) for _, p, v in keep if v]
        vectors: list[list[float]] = []
        for start in range(0, len(texts), _BATCH):
            vectors.extend([float(x) for x in v] for v in reembed(texts[start : start + _BATCH]))
        params = qm.VectorParams(size=cfg.vector_size, distance=qm.Distance.DOT)
        client.delete_collection(desc)
        client.create_collection(desc, vectors_config={_TURN_VECTOR: params} if kind == "turns" else params)
        points: list[qm.PointStruct] = []
        it = iter(vectors)
        for pid, payload, had_vector in keep:
            vec: Any = next(it) if had_vector else None
            if kind == "turns":
                vec = {_TURN_VECTOR: vec} if vec is not None else {}
            points.append(qm.PointStruct(id=pid, vector=vec, payload=payload))
        for start in range(0, len(points), 256):
            client.upsert(desc, points[start : start + 256], wait=True)
        counts["collections"] += 1
        counts["points"] += len(points)
        log.info("migrated %s to %d-d vectors: %d points", desc, cfg.vector_size, len(points))
    log.info("memory store migrated to layout 2: %s", counts)
    return counts
