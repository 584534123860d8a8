"""Knowledge-base ingestion and query on top of :class:`MemoryStore`, with embeddings from an injected
:class:`Embedder` (:class:`MultilingualEmbedder`, the encoder the memory service uses, by default; a
fake in tests). Only chunks not stored yet are embedded, so re-ingesting an unchanged document costs
nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Protocol

from .chunking import (
    SUPPORTED_SUFFIXES,
    UnsupportedDocument,
    chunk_document,
    load_document,
)
from .config import MemoryConfig
from .store import KbIngestReport, MemoryStore, Passage


class Embedder(Protocol):
    """Turns texts into vectors of ``MemoryConfig.vector_size`` dimensions, in order."""

    async def embed(self, texts: list[str]) -> list[list[float]]: ...


class MultilingualEmbedder:
    """USE multilingual v3 in this process (numpy, on a worker thread): the vectors of a layout-2 store."""

    async def embed(self, texts: list[str]) -> list[list[float]]:
        from autoglm.shared.multilingual import default_encoder

        return (await asyncio.to_thread(default_encoder().encode, texts)).tolist()


@asynccontextmanager
async def multilingual_embedder() -> AsyncIterator[Embedder]:
    yield MultilingualEmbedder()


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named directly, and supported files found recursively under named folders (sorted)."""
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                if (
                    f.is_file()
                    and f.suffix.lower() in SUPPORTED_SUFFIXES - {""}
                    and not f.name.startswith(".")
                ):
                    yield f
        else:
            yield path


async def embed_batched(embedder: Embedder, texts: list[str], batch_size: int = 32) -> list[list[float]]:
    """Embed in bounded batches (keeps each request well under the broker's record size)."""
    out: list[list[float]] = []
    for start in range(0, len(texts), batch_size):
        batch = texts[start : start + batch_size]
        vectors = await embedder.embed(batch)
        if len(vectors) != len(batch):
            raise RuntimeError(f"embedder returned {len(vectors)} vectors for {len(batch)} texts")
        out.extend(vectors)
    return out


async def ingest_file(
    store: MemoryStore,
    embedder: Embedder,
    cfg: MemoryConfig,
    *,
    tenant: str,
    path: Path,
    source: str | None = None,
) -> KbIngestReport:
    """Load, chunk, embed what is new, and make the stored document match the file.

    A file that cannot be read (binary, unknown encoding, corrupt PDF, unsupported type, or no text at all,
    like a scanned PDF without a text layer) changes nothing and comes back as a report with ``error``."""
    src = source or Path(path).resolve().as_posix()
    try:
        doc = await asyncio.to_thread(load_document, path, source=src)
    except (UnsupportedDocument, OSError) as exc:
        return KbIngestReport(
            tenant=tenant, source=src, chunks=0, added=0, unchanged=0, removed=0, error=str(exc)
        )
    chunks = chunk_document(doc, max_chars=cfg.chunk_max_chars, overlap=cfg.chunk_overlap)
    if not chunks:
        return KbIngestReport(
            tenant=tenant,
            source=src,
            chunks=0,
            added=0,
            unchanged=0,
            removed=0,
            error=f"{path}: no text found",
        )
    missing = await asyncio.to_thread(store.kb_missing, tenant=tenant, source=doc.source, chunks=chunks)
    fresh = await embed_batched(embedder, [chunks[i].embed_text for i in missing])
    vectors: list[list[float] | None] = [None] * len(chunks)
    for i, vec in zip(missing, fresh, strict=True):
        vectors[i] = vec
    return await asyncio.to_thread(
        store.kb_upsert, tenant=tenant, source=doc.source, chunks=chunks, vectors=vectors
    )


async def ingest_paths(
    store: MemoryStore, embedder: Embedder, cfg: MemoryConfig, *, tenant: str, paths: Iterable[Path]
) -> list[KbIngestReport]:
    """:func:`ingest_file` for every file in ``paths`` (folders are walked); a file that fails is reported
    in its own report and the others are still ingested."""
    return [await ingest_file(store, embedder, cfg, tenant=tenant, path=p) for p in expand_paths(paths)]


async def search_kb(
    store: MemoryStore, embedder: Embedder, *, tenant: str, query: str, top_k: int = 5
) -> list[Passage]:
    """Embed the query and return this tenant's relevant passages, each with its source and score (none
    when nothing passes ``memory.kb_min_score``)."""
    [vector] = await embedder.embed([query])
    return await asyncio.to_thread(store.kb_search, tenant=tenant, vector=vector, top_k=top_k, query=query)


def format_citations(passages: Iterable[Passage]) -> str:
    """A numbered source list for an answer built on these passages (one line per distinct source)."""
    lines: list[str] = []
    seen: set[str] = set()
    for p in passages:
        if p.citation in seen:
            continue
        seen.add(p.citation)
        lines.append(
            f"[{len(lines) + 1}] {p.citation} ({p.source})" if p.title else f"[{len(lines) + 1}] {p.citation}"
        )
    return "\n".join(lines)
