"""`autoglm parser example add|list|remove`: a tenant's labelled examples for the parser's example bank.

Examples go to `autoglm.parser.examples` (compacted, keyed `<tenant>:<example_id>`), which every parser replica
follows: a request the tenant labelled parses as labelled from then on, for that tenant only, across restarts.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from autoglm.shared.config import Settings
from autoglm.shared.events import CloudEvent, ExampleLabelled
from autoglm.shared.topics import PARSER_EXAMPLES

from .examples import example_event, example_id, graph_of, publish_example

app = typer.Typer(help="Parser: labelled examples per tenant.", no_args_is_help=True)
example_app = typer.Typer(help="A tenant's labelled examples (the example bank).", no_args_is_help=True)
app.add_typer(example_app, name="example")
console = Console()
err = Console(stderr=True)


@dataclass(frozen=True)
class CommandDeps:
    """What the commands are injected with by the CLI's root (typer's context object): how to find the running
    stack's broker (a service imports no CLI floor)."""

    bootstrap: Callable[[Settings], str]


def _broker(ctx: typer.Context, settings: Settings) -> tuple[str, dict[str, Any]]:
    from autoglm.shared.kafka.security import security_kwargs

    deps = ctx.obj
    if not isinstance(deps, CommandDeps):
        err.print("[red]no broker: run this through `autoglm parser example …`[/]")
        raise typer.Exit(2)
    return deps.bootstrap(settings), security_kwargs(settings)


def _graph_option(graph: str | None, type_: str | None, tool: str | None) -> dict[str, Any]:
    if graph is None:
        if type_ is None:
            err.print("[red]give the label: --graph JSON, or --type (and --tool) for a one-intent request[/]")
            raise typer.Exit(2)
        return {"intents": [{"type": type_, "tool": tool, "entities": {}, "depends_on": []}]}
    raw = Path(graph[1:]).read_text(encoding="utf-8") if graph.startswith("@") else graph
    try:
        doc = json.loads(raw)
    except ValueError as exc:
        err.print(f"[red]--graph is not JSON: {exc}[/]")
        raise typer.Exit(2) from None
    if isinstance(doc, list):
        doc = {"intents": doc}
    if not isinstance(doc, dict):
        err.print("[red]--graph must be an object {language, intents, clarification} or a list of intents[/]")
        raise typer.Exit(2)
    return doc


@example_app.command("add")
def add(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="The request as a user wrote it.")],
    tenant: Annotated[str, typer.Option(help="Whose example it is; no other tenant's parse sees it.")] = "default",
    graph: Annotated[str | None, typer.Option(
        help='The labelled intent graph: {"language", "intents": [{"type", "tool", "entities", "depends_on"}], '
        '"clarification"} or a list of intents; @FILE reads it from a file.')] = None,
    type_: Annotated[str | None, typer.Option("--type", help="Shorthand for a one-intent label: its type.")] = None,
    tool: Annotated[str | None, typer.Option(help="With --type: the tool.")] = None,
    now: Annotated[str | None, typer.Option(help="ISO time the label's dates were resolved at (default: now).")] = None,
    tz: Annotated[str | None, typer.Option(help="IANA zone of --now (default: the configured zone).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the published event.")] = False,
) -> None:
    """Label a request for TENANT (replaces an earlier label of the same request)."""
    settings = Settings()
    doc = _graph_option(graph, type_, tool)
    when = datetime.fromisoformat(now) if now else datetime.now().astimezone()
    try:
        ev = example_event(tenant, text, doc, source="cli", now=when, timezone=tz or settings.default_timezone)
    except ValidationError as exc:
        err.print(f"[red]invalid label:[/] {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}")
        raise typer.Exit(2) from None
    bootstrap, kwargs = _broker(ctx, settings)
    asyncio.run(publish_example(bootstrap, settings.topic_prefix + PARSER_EXAMPLES, ev, client_kwargs=kwargs))
    if as_json:
        console.print_json(ev.model_dump_json())
        return
    labels = ", ".join(f"{i.type.value}{'/' + i.tool if i.tool else ''}" for i in ev.data.intents) or "(clarification)"
    console.print(f"example {ev.data.example_id} of tenant {tenant}: {text!r} -> {labels}")


async def _read_all(bootstrap: str, topic: str, kwargs: dict[str, Any]) -> dict[str, bytes | None]:
    from aiokafka import AIOKafkaConsumer, TopicPartition

    from autoglm.shared.kafka.clients import read_to_end

    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False, **kwargs)
    await consumer.start()
    try:
        await consumer.topics()
        parts = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or {0})]
        latest: dict[str, bytes | None] = {}
        for rec in await read_to_end(consumer, parts):
            if rec.key:
                latest[rec.key.decode("utf-8", "replace")] = rec.value
        return latest
    finally:
        await consumer.stop()


@example_app.command("list")
def list_(
    ctx: typer.Context,
    tenant: Annotated[str, typer.Option(help="Whose examples.")] = "default",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """TENANT's labelled examples, as the parser replicas have them."""
    settings = Settings()
    bootstrap, kwargs = _broker(ctx, settings)
    latest = asyncio.run(_read_all(bootstrap, settings.topic_prefix + PARSER_EXAMPLES, kwargs))
    rows: list[dict[str, Any]] = []
    for key, value in sorted(latest.items()):
        owner, _, _ = key.partition(":")
        if owner != tenant or value is None:
            continue
        try:
            ev = CloudEvent[ExampleLabelled].model_validate_json(value)
        except ValueError:
            continue
        rows.append({"example_id": ev.data.example_id, "text": ev.data.text, "graph": graph_of(ev.data),
                     "source": ev.data.source})
    if as_json:
        print(json.dumps(rows, ensure_ascii=False))
        return
    table = Table("id", "text", "intents", "source")
    for r in rows:
        intents = ", ".join(f"{i['type']}{'/' + i['tool'] if i['tool'] else ''}" for i in r["graph"]["intents"])
        table.add_row(r["example_id"], r["text"], intents or "(clarification)", r["source"])
    console.print(table)


@example_app.command("remove")
def remove(
    ctx: typer.Context,
    text_or_id: Annotated[str, typer.Argument(help="The request's text, or its example id.")],
    tenant: Annotated[str, typer.Option(help="Whose example.")] = "default",
) -> None:
    """Remove one of TENANT's examples (a tombstone: every replica drops it)."""
    settings = Settings()
    bootstrap, kwargs = _broker(ctx, settings)
    ident = text_or_id if len(text_or_id) == 16 and all(c in "0123456789abcdef" for c in text_or_id) else example_id(
        text_or_id)
    asyncio.run(publish_example(bootstrap, settings.topic_prefix + PARSER_EXAMPLES, None, tenant=tenant,
                                example=ident, client_kwargs=kwargs))
    console.print(f"example {ident} of tenant {tenant} removed")
