"""`autoglm kb ...` and `autoglm memory ...` commands.

The commands work on a store and an :class:`Embedder` (async context manager factory) that the
application mounting them injects as a :class:`CommandDeps` (typer's context object, ``obj``); the
`autoglm` CLI injects the memory service over Kafka (client.py). The embedder is, unless injected, the
multilingual encoder in this process (the one the memory service embeds with, numpy only). Injected
nothing, the commands open the store locally from :class:`MemoryServiceSettings` (:func:`local_store`);
an embedded store is owned by one process, so while the memory service runs the application must inject
something that talks to it instead.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager, closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Literal

import typer

from .config import MemoryConfig, MemoryServiceSettings
from .kb import Embedder, format_citations, ingest_paths, multilingual_embedder, search_kb
from .store import (
    KbIngestReport,
    MemoryHit,
    MemoryItem,
    MemoryStore,
    MemoryWrite,
    Passage,
)

kb_app = typer.Typer(help="Knowledge base: ingest, list, delete, search.", no_args_is_help=True)
memory_app = typer.Typer(
    help="Long-term memory (remember, list, search, forget) and store maintenance.", no_args_is_help=True
)


def local_store() -> tuple[MemoryStore, MemoryConfig]:
    """The store opened in this process from :class:`MemoryServiceSettings` (no service running)."""
    settings = MemoryServiceSettings()
    api_key = settings.qdrant.api_key.get_secret_value() if settings.qdrant.api_key else None
    store = MemoryStore.open(
        settings.memory, path=settings.qdrant_path, url=settings.qdrant.url, api_key=api_key
    )
    return store, settings.memory


@dataclass(frozen=True)
class CommandDeps:
    """What the commands work on. ``open_store()`` returns a store (anything with the store methods the
    commands call, e.g. client.RemoteMemoryStore) and its config; ``embedder()`` an async context
    manager yielding an :class:`Embedder` (default: the multilingual encoder in this process)."""

    open_store: Callable[[], tuple[MemoryStore, MemoryConfig]] = local_store
    embedder: Callable[[], AbstractAsyncContextManager[Embedder]] = multilingual_embedder


def _deps(ctx: typer.Context) -> CommandDeps:
    return ctx.find_object(CommandDeps) or CommandDeps()


def _need_embedder(deps: CommandDeps) -> Callable[[], AbstractAsyncContextManager[Embedder]]:
    return deps.embedder


@kb_app.command("ingest")
def kb_ingest(
    ctx: typer.Context,
    paths: Annotated[
        list[Path], typer.Argument(help="Files or folders (Markdown, text, HTML, PDF).", exists=True)
    ],
    tenant: Annotated[str, typer.Option(help="Tenant that owns the documents.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Ingest documents; re-ingesting updates them and never duplicates chunks."""
    deps = _deps(ctx)
    make_embedder = _need_embedder(deps)
    store, cfg = deps.open_store()

    async def run() -> list[KbIngestReport]:
        async with make_embedder() as embedder:
            return await ingest_paths(store, embedder, cfg, tenant=tenant, paths=paths)

    with closing(store):
        reports = asyncio.run(run())
    failed = [r for r in reports if r.error]
    if as_json:
        typer.echo(json.dumps([r.to_dict() for r in reports], ensure_ascii=False, indent=2))
    else:
        for r in reports:
            if not r.error:
                graph = ""
                if r.graph and r.graph.get("graph") == "built":
                    graph = f"; graph: {r.graph['entities']} entities, {r.graph['relations']} relations"
                typer.echo(
                    f"{r.source}: {r.chunks} chunks ({r.added} added, {r.unchanged} unchanged, {r.removed} removed)"
                    + graph
                )
    for r in failed:
        typer.echo(f"not ingested: {r.error}", err=True)
    if failed:  # the readable files are in; the exit status says some were not
        raise typer.Exit(1)


@kb_app.command("list")
def kb_list(
    ctx: typer.Context,
    tenant: Annotated[str, typer.Option(help="Tenant.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List a tenant's documents."""
    store, _ = _deps(ctx).open_store()
    with closing(store):
        docs = store.kb_list(tenant=tenant)
    if as_json:
        typer.echo(json.dumps(docs, ensure_ascii=False, indent=2))
        return
    for d in docs:
        typer.echo(f"{d['source']}\t{d['chunks']} chunks\t{d['title']}\t{d['ingested_at']}")


@kb_app.command("delete")
def kb_delete(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="The document's source, as `kb list` shows it.")],
    tenant: Annotated[str, typer.Option(help="Tenant.")],
) -> None:
    """Delete a document from a tenant's knowledge base."""
    store, _ = _deps(ctx).open_store()
    with closing(store):
        removed = store.kb_delete(tenant=tenant, source=source)
    typer.echo(f"removed {removed} chunks")
    if removed == 0:
        raise typer.Exit(1)


@kb_app.command("search")
def kb_search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="What to look for.")],
    tenant: Annotated[str, typer.Option(help="Tenant.")],
    top_k: Annotated[int, typer.Option("--top-k", min=1, max=50)] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Search a tenant's knowledge base; passages carry their source and score."""
    deps = _deps(ctx)
    make_embedder = _need_embedder(deps)
    store, _ = deps.open_store()

    async def run() -> list[Passage]:
        async with make_embedder() as embedder:
            return await search_kb(store, embedder, tenant=tenant, query=query, top_k=top_k)

    with closing(store):
        passages = asyncio.run(run())
    if as_json:
        typer.echo(json.dumps([p.to_dict() for p in passages], ensure_ascii=False, indent=2))
        return
    for p in passages:
        typer.echo(f"{p.score:.3f}  {p.citation}\n    {p.text[:200]}")
    if passages:
        typer.echo("\nSources:\n" + format_citations(passages))
    else:
        typer.echo("no relevant passage found")


@kb_app.command("graph")
def kb_graph(
    ctx: typer.Context,
    tenant: Annotated[str, typer.Option(help="Tenant.")],
    entity: Annotated[str | None, typer.Option(help="Only this entity (any of its names) and its neighbours.")] = None,
    hops: Annotated[int, typer.Option(min=1, max=4, help="With --entity: how many hops around it.")] = 1,
    fmt: Annotated[Literal["json", "dot"], typer.Option("--format", help="json, or dot for Graphviz.")] = "json",
) -> None:
    """Show or export a tenant's knowledge graph: entities (with aliases), relations, each citing its sentence."""
    store, _ = _deps(ctx).open_store()
    with closing(store):
        out = store.kb_graph(tenant=tenant, entity=entity, fmt=fmt, hops=hops)
    typer.echo(out if isinstance(out, str) else json.dumps(out, ensure_ascii=False, indent=2))
    if not isinstance(out, str) and not out.get("nodes"):
        raise typer.Exit(1)


@memory_app.command("prune")
def memory_prune(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Apply retention now: session TTL and per-tenant caps."""
    store, _ = _deps(ctx).open_store()
    with closing(store):
        report = store.prune(now=datetime.now(UTC))
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
        return
    typer.echo(
        f"{report.tenants} tenants: {report.turns_expired} turns expired, {report.turns_evicted} turns "
        f"and {report.memories_evicted} memories evicted over caps"
    )


@memory_app.command("stats")
def memory_stats(ctx: typer.Context) -> None:
    """Points stored per tenant: session turns, long-term memories, knowledge-base chunks (JSON)."""
    store, _ = _deps(ctx).open_store()
    with closing(store):
        typer.echo(json.dumps(store.stats(), indent=2))


Kind = Literal["fact", "preference"]
_TENANT = Annotated[str, typer.Option(help="Tenant that owns the memories.")]
_USER = Annotated[str | None, typer.Option(help="End user; without it, memories shared by the whole tenant.")]
_JSON = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@memory_app.command("remember")
def memory_remember(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="The fact or preference, as stated.")],
    tenant: _TENANT,
    user: _USER = None,
    kind: Annotated[
        Kind, typer.Option(help="fact or preference (preferences rank higher for their user).")
    ] = "fact",
    importance: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="0..1, weighs in ranking and retention.")
    ] = 0.7,
    confidence: Annotated[
        float,
        typer.Option(
            min=0.0, max=1.0, help="0..1; a trusted memory is never replaced by a less confident one."
        ),
    ] = 0.9,
    as_json: _JSON = False,
) -> None:
    """Store a fact or preference; restating it (or a near-duplicate) updates it instead of adding a copy."""
    deps = _deps(ctx)
    make_embedder = _need_embedder(deps)
    store, _ = deps.open_store()

    async def run() -> MemoryWrite:
        async with make_embedder() as embedder:
            [vector] = await embedder.embed([text])
        item = MemoryItem(
            text=text.strip(),
            vector=vector,
            kind=kind,
            user=user,
            importance=importance,
            confidence=confidence,
            source="cli",
        )
        return await asyncio.to_thread(store.remember_item, tenant=tenant, item=item)

    with closing(store):
        written = asyncio.run(run())
    if as_json:
        typer.echo(json.dumps(written.to_dict(), ensure_ascii=False, indent=2))
        return
    typer.echo(f"{written.action} {written.id}\t{written.kind}\t{written.text}")


@memory_app.command("list")
def memory_list(
    ctx: typer.Context,
    tenant: _TENANT,
    user: _USER = None,
    kind: Annotated[Kind | None, typer.Option(help="Only this kind.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100)] = 100,
    as_json: _JSON = False,
) -> None:
    """A tenant's long-term memories, newest first (with --user: that user's and the shared ones)."""
    store, _ = _deps(ctx).open_store()
    with closing(store):
        memories = store.list_memories(tenant=tenant, user=user, kinds=[kind] if kind else None, limit=limit)
    if as_json:
        typer.echo(json.dumps(memories, ensure_ascii=False, indent=2))
        return
    for m in memories:
        typer.echo(f"{m['id']}\t{m['kind']}\t{m['user'] or '-'}\t{m['confidence']:.2f}\t{m['text'][:200]}")


@memory_app.command("search")
def memory_search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="What to look for.")],
    tenant: _TENANT,
    user: _USER = None,
    kind: Annotated[Kind | None, typer.Option(help="Only this kind.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=50)] = 5,
    as_json: _JSON = False,
) -> None:
    """Long-term memories ranked as generation steps get them (similarity, recency, importance, preference)."""
    deps = _deps(ctx)
    make_embedder = _need_embedder(deps)
    store, _ = deps.open_store()

    async def run() -> list[MemoryHit]:
        async with make_embedder() as embedder:
            [vector] = await embedder.embed([query])
        return await asyncio.to_thread(
            store.search, tenant=tenant, vector=vector, limit=limit, user=user, kinds=[kind] if kind else None
        )

    with closing(store):
        hits = asyncio.run(run())
    if as_json:
        typer.echo(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=2))
        return
    for h in hits:
        typer.echo(f"{h.score:.3f}  {h.kind}\t{h.text[:200]}")


@memory_app.command("forget")
def memory_forget(
    ctx: typer.Context,
    memory_id: Annotated[str, typer.Argument(help="The memory's id, as `memory list` shows it.")],
    tenant: _TENANT,
    user: _USER = None,
) -> None:
    """Delete one long-term memory (with --user, only if it is that user's own)."""
    store, _ = _deps(ctx).open_store()
    with closing(store):
        deleted = store.forget_memory(tenant=tenant, memory_id=memory_id, user=user)
    typer.echo("deleted" if deleted else "not found")
    if not deleted:
        raise typer.Exit(1)
