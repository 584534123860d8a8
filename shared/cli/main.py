"""`autoglm`: run the stack, submit tasks, read traces, the DLQ, the config and the AsyncAPI document."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import enum
import json
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..app import escape_for_log
from ..config import Settings
from ..events import MAX_TEXT_CHARS, text_too_long_message

app = typer.Typer(help="Open-AutoGLM: event-driven task automation over Kafka.", no_args_is_help=True)
dlq_app = typer.Typer(help="Inspect and replay dead-lettered records.", no_args_is_help=True)
config_app = typer.Typer(help="Configuration.", no_args_is_help=True)
app.add_typer(dlq_app, name="dlq")
app.add_typer(config_app, name="config")
# Piped output (make demo under CI, logs) gets a wide fixed width so waterfalls stay readable.
console = Console(width=None if sys.stdout.isatty() else 150)
err = Console(stderr=True)


def _settings() -> Settings:
    return Settings()


def _stack_settings(settings: Settings | None = None, *, required: bool = True) -> Settings:
    """Settings pointed at the running stack, found by itself (``shared/local_stack.py``): a configured
    cluster, the stack on this data directory, or this user's one running stack anywhere. With
    ``required`` a missing stack ends the command with one line saying what to do (exit 2)."""
    from ..local_stack import SeveralStacks
    from .stack import for_running_stack

    settings = settings or _settings()
    try:
        return for_running_stack(settings)
    except RuntimeError as exc:
        if not required and not isinstance(exc, SeveralStacks):
            return settings
        err.print(f"[red]{exc}[/]", soft_wrap=True)
        raise typer.Exit(2) from None


def _mount_optional() -> None:
    """Sub-commands of services; each is optional so the CLI still works if one fails to import.
    A mount's context object (typer's ``obj``) is what its commands are injected with."""
    mounts: list[tuple[str, str, str, str, Callable[[], Any] | None]] = [
        ("autoglm.services.tool_executor.cli", "app", "tools", "MCP-shaped tool registry: list and call tools.", None),
        ("autoglm.services.memory.cli", "kb_app", "kb", "Knowledge base: ingest, list, delete, search.", _memory_deps),
        ("autoglm.services.memory.cli", "memory_app", "memory", "Memory maintenance.", _memory_deps),
        ("autoglm.services.parser.cli", "app", "parser", "Parser: a tenant's labelled examples.", _parser_deps),
        ("autoglm.services.feedback.cli", "feedback_app", "feedback",
         "Rate and correct tasks' answers (`autoglm feedback TASK --score up`); list, stats, export.", _feedback_deps),
        ("autoglm.services.feedback.cli", "prompts_app", "prompts",
         "Prompt variants per task type: stats, add, pin, retire, propose.", _feedback_deps),
    ]
    import importlib

    for module, attr, name, help_text, deps in mounts:
        try:
            sub = getattr(importlib.import_module(module), attr)
            settings = {"obj": deps()} if deps is not None else None
        except Exception as exc:  # noqa: BLE001 - report, don't break the whole CLI
            broken = typer.Typer(help=f"{help_text} (unavailable: {exc})")

            @broken.callback(invoke_without_command=True)
            def _unavailable(exc: Exception = exc) -> None:
                err.print(f"[red]unavailable:[/] {exc}")
                raise typer.Exit(2)

            app.add_typer(broken, name=name)
            continue
        app.add_typer(sub, name=name, help=help_text, context_settings=settings)


def _memory_deps() -> Any:
    """`autoglm kb` / `autoglm memory` reach the memory service of the running stack
    (the Kafka clients are imported when a command runs, not on every `autoglm` start)."""
    from autoglm.services.memory.cli import CommandDeps

    def open_store() -> Any:
        from autoglm.services.memory.client import RemoteMemoryStore
        from autoglm.services.memory.config import MemoryServiceSettings

        from ..sdk.rpc import StepClient
        from .stack import bootstrap_from

        settings = _stack_settings(MemoryServiceSettings())
        bootstrap = bootstrap_from(settings)
        return RemoteMemoryStore(lambda tenant: StepClient(bootstrap, settings, tenant=tenant).start()), settings.memory

    # texts are embedded in this process by the memory CLI's default, the multilingual encoder
    return CommandDeps(open_store=open_store)


def _parser_deps() -> Any:
    """`autoglm parser example …` publish to and read the running stack's `autoglm.parser.examples`."""
    from autoglm.services.parser.cli import CommandDeps

    def bootstrap(settings: Settings) -> str:
        from .stack import bootstrap_from

        try:
            return bootstrap_from(settings)
        except RuntimeError as exc:
            err.print(f"[red]{exc}[/]")
            raise typer.Exit(2) from None

    return CommandDeps(bootstrap=bootstrap)


def _feedback_deps() -> Any:
    """`autoglm feedback` / `autoglm prompts` reach the feedback service of the running stack over Kafka."""
    from autoglm.services.feedback.cli import CommandDeps

    def bootstrap() -> tuple[str, Settings]:
        from .stack import bootstrap_from

        settings = _settings()
        try:
            return bootstrap_from(settings), settings
        except RuntimeError as exc:
            err.print(f"[red]{exc}[/]")
            raise typer.Exit(2) from None

    async def submit(task_id: str, score: int, *, tenant: str, **kwargs: Any) -> dict[str, Any]:
        from ..sdk.client import AutoGLMClient

        address, settings = bootstrap()
        async with AutoGLMClient(address, settings=settings, source="/autoglm/cli") as client:
            return await client.feedback(task_id, score, tenant=tenant, **kwargs)

    async def call(tenant: str, op: Any) -> dict[str, Any]:
        from ..events import EventType
        from ..sdk.rpc import StepClient
        from ..topics import FEEDBACK_REQUESTS

        address, settings = bootstrap()
        async with StepClient(address, settings, tenant=tenant) as client:
            reply = await client.call(FEEDBACK_REQUESTS, EventType.FEEDBACK_REQUESTED, op, timeout=30.0)
        return reply.output

    return CommandDeps(submit=submit, call=call)


# ------------------------------------------------------------------ stack


@app.command()
def up(
    detach: Annotated[bool, typer.Option("--detach", "-d", help="Return once every service is ready.")] = False,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for readiness.")] = 300.0,
) -> None:
    """Start the broker (unless KAFKA_BOOTSTRAP_SERVERS is set) and the services (the five of the pipeline and the feedback service)."""
    from . import stack

    settings = _settings()
    if detach:
        try:
            state = stack.start_detached(settings, timeout)
        except RuntimeError as exc:
            err.print(f"[red]{exc}[/]")
            raise typer.Exit(1) from None
        console.print(f"stack ready: broker {state['bootstrap_servers']}, supervisor pid {state['pid']}")
        _print_gateway(state.get("gateway") or {})
        _print_tools(state["services"].get("tool_executor", {}).get("port"))
        return

    def on_ready(s: stack.Stack) -> None:
        console.print(f"[green]stack ready[/] broker {s.bootstrap}; Ctrl-C stops it")
        _print_status(s.settings)
        _print_gateway({"url": s.gateway_url}, s.dev_token)
        _print_tools(s.procs["tool_executor"].port if "tool_executor" in s.procs else None)

    raise typer.Exit(stack.run_foreground(settings, on_ready=on_ready, ready_timeout=timeout))


def _print_gateway(gateway: dict[str, Any], token: str | None = None) -> None:
    """The console's address and, when the stack generated one, the development token."""
    url = gateway.get("url")
    if not url:
        return
    if token is None and gateway.get("token_file"):
        with contextlib.suppress(OSError):
            token = Path(gateway["token_file"]).read_text().strip()
    console.print(f"gateway and console: {url}/  (API docs {url}/docs)")
    if token:
        console.print(f"development token (tenant default, user dev, valid 24 h; AUTOGLM_TOKEN for the CLI):\n{token}",
                      markup=False, soft_wrap=True)
        console.print(f"console signed in: {url}/#token={token}", markup=False, soft_wrap=True)


def _print_tools(port: int | None, wait: float = 5.0) -> None:
    """The tool executor's start-up check (which tools can work from here), once it has finished."""
    from .stack import probe

    deadline = time.monotonic() + wait
    tools: dict[str, str] = {}
    while port and not tools and time.monotonic() < deadline:
        tools = probe(port)[1].get("tools") or {}
        if not tools:
            time.sleep(0.2)
    if not tools:
        return
    working = [name for name, state in tools.items() if not state.startswith("unreachable")]
    console.print(f"tools reachable: {', '.join(working)}", markup=False, highlight=False, soft_wrap=True)
    for name, state in tools.items():
        if state.startswith("unreachable"):
            err.print(f"{name} {state}", markup=False, highlight=False, soft_wrap=True)


@app.command()
def down() -> None:
    """Stop a detached stack."""
    from . import stack

    if stack.stop_detached(_stack_settings(required=False)):
        console.print("stack stopped")
    else:
        console.print("no stack running")


def _print_status(settings: Settings, as_json: bool = False) -> bool:
    from . import stack

    state = stack.read_state(settings)
    if not state or not stack.pid_alive(state.get("pid")):
        if as_json:
            print(json.dumps({"running": False, "ready": False, "services": {}}))
        else:
            console.print("[red]no stack running[/]")
        return False
    rows = {}
    for name, svc in state["services"].items():
        ok, details = stack.probe(svc.get("port"))
        metrics = _scrape(svc.get("port"))
        rows[name] = {
            "ready": ok,
            "alive": stack.pid_alive(svc.get("pid")),
            "pid": svc.get("pid"),
            "port": svc.get("port"),
            "restarts": svc.get("restarts", 0),
            "processed": metrics.get("processed", 0),
            "failed": metrics.get("failed", 0),
            "in_flight": metrics.get("in_flight", 0),
            "lag": sum((details.get("consumer_lag") or {}).values()),
            "per_s": round(metrics.get("processed", 0) / max(1.0, time.time() - state.get("started_at", time.time())), 2),
            **{k: v for k, v in details.items() if k not in ("service", "ready")},
        }
    all_ready = all(r["ready"] for r in rows.values())
    if as_json:
        print(json.dumps({"running": True, "ready": all_ready, "broker": state["bootstrap_servers"], "services": rows}))
        return all_ready
    table = Table(title=f"Open-AutoGLM stack — broker {state['bootstrap_servers']}")
    for col in ("service", "state", "pid", "port", "restarts", "processed", "failed", "in flight", "lag", "events/s"):
        table.add_column(col)
    for name, r in rows.items():
        st = "[green]ready[/]" if r["ready"] else ("[yellow]starting[/]" if r["alive"] else "[red]down[/]")
        table.add_row(name, st, str(r["pid"]), str(r["port"]), str(r["restarts"]), f"{r['processed']:.0f}",
                      f"{r['failed']:.0f}", f"{r['in_flight']:.0f}", str(r["lag"]), f"{r['per_s']:.2f}")
    console.print(table)
    return all_ready


def _scrape(port: int | None) -> dict[str, float]:
    import urllib.request

    out = {"processed": 0.0, "failed": 0.0, "in_flight": 0.0}
    if not port:
        return out
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=1) as resp:  # noqa: S310
            text = resp.read().decode()
    except OSError:
        return out
    for line in text.splitlines():
        if line.startswith("autoglm_events_processed_total{"):
            out["processed"] += float(line.rsplit(" ", 1)[1])
        elif line.startswith("autoglm_events_failed_total{"):
            out["failed"] += float(line.rsplit(" ", 1)[1])
        elif line.startswith("autoglm_in_flight{"):
            out["in_flight"] += float(line.rsplit(" ", 1)[1])
    return out


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Show each service's state; exit 0 only when every service is ready."""
    raise typer.Exit(0 if _print_status(_stack_settings(required=False), as_json) else 1)


# ------------------------------------------------------------------ tasks


def _check_text(text: str) -> None:
    """One line and exit 2 for a text over the task limit (the limit every way in shares)."""
    from ..events import TextTooLong, check_text_length

    try:
        check_text_length(text)
    except TextTooLong as exc:
        err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None


def _print_result(result: Any, as_json: bool, task_id: str) -> None:
    if as_json:
        print(json.dumps({"task_id": task_id, **result.model_dump(mode="json", exclude={"task_id"})}, ensure_ascii=False))
        return
    from .demo import STATUS_COLOURS

    colour = STATUS_COLOURS.get(result.status.value, "yellow")
    console.print(f"[{colour}]{result.status.value}[/] task {task_id}  trace {result.trace_id}  {result.duration_ms:.0f} ms")
    console.print(result.answer or "", markup=False)
    if result.error:
        console.print(f"[red]error:[/] {result.error}", markup=True)
    table = Table(show_header=True, box=None)
    for col in ("step", "kind", "tool/model", "status", "ms", "output"):
        table.add_column(col)
    for s in result.steps:
        table.add_row(s.id, s.kind.value, s.name, s.status.value, f"{s.duration_ms:.1f}", s.summary[:80])
    console.print(table)


class Via(enum.StrEnum):
    kafka = "kafka"
    http = "http"


ViaOption = Annotated[Via, typer.Option("--via", help="kafka (the task topic) or http (the gateway's REST API).")]
UrlOption = Annotated[
    str | None, typer.Option("--url", help="Gateway URL (--via http); default AUTOGLM_GATEWAY_URL, else the stack's.")
]
TokenOption = Annotated[
    str | None,
    typer.Option("--token", help="JWT or API key (--via http); default AUTOGLM_TOKEN, else the stack's dev token."),
]


def _gateway(settings: Settings, url: str | None, token: str | None) -> tuple[str, str | None]:
    """Where the gateway is and the credential to use: options, then the environment, then `autoglm up`'s."""
    import os

    from . import stack

    state = stack.read_state(settings) or {}
    gateway = state.get("gateway") or {}
    url = url or os.environ.get("AUTOGLM_GATEWAY_URL") or gateway.get("url")
    if not url:
        err.print("[red]no gateway: give --url, set AUTOGLM_GATEWAY_URL or start the stack with `autoglm up`[/]")
        raise typer.Exit(2)
    token = token or os.environ.get("AUTOGLM_TOKEN")
    if token is None and gateway.get("token_file"):
        with contextlib.suppress(OSError):
            token = Path(gateway["token_file"]).read_text().strip()
    return url, token


@app.command()
def submit(
    text: Annotated[str, typer.Argument(help="The request in natural language.")],
    session: Annotated[str | None, typer.Option(help="Session id (conversation).")] = None,
    tenant: Annotated[str, typer.Option(help="Tenant id (--via kafka; over HTTP the token says).")] = "default",
    timeout: Annotated[float | None, typer.Option(help="Task deadline in seconds.")] = None,
    user: Annotated[str | None, typer.Option(help="End-user id.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result event's data as JSON.")] = False,
    via: ViaOption = Via.kafka,
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """Publish a task (on autoglm.tasks, or through the HTTP gateway) and wait for its result."""
    from pydantic import ValidationError

    from ..kafka.broker_check import BrokerUnreachable

    _check_text(text)
    settings = _stack_settings(required=via is Via.kafka)
    wait = (timeout or settings.timeout_seconds) + 30
    if via is Via.http:
        from ..sdk.http import AutoGLMHTTPClient, GatewayError

        base, credential = _gateway(settings, url, token)

        async def over_http() -> tuple[str, Any]:
            async with AutoGLMHTTPClient(base, credential) as client:
                task_id = await client.publish_task(text, session_id=session, timeout=timeout, user_id=user)
                return task_id, await client.wait_result(task_id, wait)

        try:
            task_id, result = asyncio.run(over_http())
        except GatewayError as exc:
            err.print(f"[red]{exc}[/]", markup=False)
            raise typer.Exit(2) from None
        except TimeoutError:
            err.print("[red]no result before the wait ran out[/]")
            raise typer.Exit(3) from None
        _print_result(result, as_json, task_id)
        raise typer.Exit(0 if result.status.value != "failed" else 1)

    from ..sdk.client import AutoGLMClient
    from .stack import bootstrap_from

    bootstrap = bootstrap_from(settings)

    async def run() -> tuple[str, Any]:
        async with AutoGLMClient(bootstrap, settings=settings, source="/autoglm/cli") as client:
            task_id = await client.publish_task(text, session_id=session, tenant=tenant, timeout=timeout, user=user)
            return task_id, await client.wait_result(task_id, wait)

    try:
        task_id, result = asyncio.run(run())
    except TimeoutError:
        err.print("[red]no result before the wait ran out[/]")
        raise typer.Exit(3) from None
    except ValidationError as exc:  # an id or option the event schema refuses
        first = exc.errors(include_url=False)[0]
        err.print(f"[red]error:[/] {'.'.join(str(p) for p in first['loc'])}: {first['msg']}", markup=True)
        raise typer.Exit(2) from None
    except BrokerUnreachable as exc:
        err.print(f"[red]error:[/] {exc}", markup=True)
        raise typer.Exit(2) from None
    _print_result(result, as_json, task_id)
    raise typer.Exit(0 if result.status.value != "failed" else 1)


@app.command()
def trace(
    task_id: Annotated[str, typer.Argument(help="Task id.")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
    wait: Annotated[float, typer.Option(help="Seconds to wait for spans to be flushed.")] = 3.0,
    via: Annotated[Via, typer.Option("--via", help="kafka: the stack's local span files; http: the gateway.")] = Via.kafka,
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """Print a task's spans as a waterfall (service, operation, duration, status)."""
    from .traceview import render_waterfall, spans_for_task

    settings = _stack_settings(required=False)
    if via is Via.http:
        from ..sdk.http import AutoGLMHTTPClient, GatewayError

        base, credential = _gateway(settings, url, token)

        async def fetch() -> list[dict[str, Any]]:
            async with AutoGLMHTTPClient(base, credential) as client:
                return await client.trace(task_id)

        try:
            spans = asyncio.run(fetch())
        except GatewayError as exc:
            err.print(f"[red]{exc}[/]", markup=False)
            raise typer.Exit(2) from None
        if as_json:
            print(json.dumps(spans, ensure_ascii=False))
        else:
            render_waterfall(spans, console)
        raise typer.Exit(0 if spans else 1)
    deadline = time.monotonic() + wait
    spans = spans_for_task(settings.span_dir, task_id)
    while not spans and time.monotonic() < deadline:
        time.sleep(0.25)
        spans = spans_for_task(settings.span_dir, task_id)
    if settings.telemetry.otlp_endpoint and not spans:
        err.print("spans go to the OTLP endpoint; look the task up there (attribute autoglm.task.id)")
    if as_json:
        print(json.dumps(spans, ensure_ascii=False))
    else:
        render_waterfall(spans, console)
    raise typer.Exit(0 if spans else 1)


# ------------------------------------------------------------------ docs and config


@app.command()
def finetune(
    file: Annotated[Path, typer.Argument(help="JSONL of `autoglm feedback export` (sft, or dpo: trained on chosen).",
                                         exists=True, dir_okay=False)],
    tenant: Annotated[str | None, typer.Option(help="Write the adapter for this tenant only (default: every "
                                               "tenant's).")] = None,
    steps: Annotated[int, typer.Option(min=1, help="Optimizer steps (the run is bounded by steps).")] = 60,
    batch_size: Annotated[int, typer.Option(min=1)] = 8,
    learning_rate: Annotated[float, typer.Option(min=0)] = 5e-4,
    rank: Annotated[int, typer.Option(min=1, help="LoRA rank.")] = 8,
    heldout: Annotated[float, typer.Option(min=0, max=0.9, help="Share of rows held out for evaluation.")] = 0.2,
    eval_generate: Annotated[int, typer.Option(min=0, help="Held-out rows answered greedily for exact match and "
                                               "overlap.")] = 40,
    device: Annotated[str, typer.Option(help="auto (CUDA when present), cpu or cuda.")] = "auto",
    seed: Annotated[int, typer.Option()] = 0,
    objective: Annotated[str, typer.Option(help="sft (assistant turns) or dpo (prompt/chosen/rejected rows, against "
                                           "the base model as the reference).")] = "sft",
    out: Annotated[Path | None, typer.Option(help="Adapters folder (default: inference.adapters_dir).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Train a LoRA adapter of the generation model on feedback (sft rows, or dpo rows: trained on the chosen answer,
    or with --objective dpo on the pairs), evaluate it against the base model on a held-out split, and write it
    where the inference service loads it (restart the service to serve it)."""
    from autoglm.services.inference.config import InferenceServiceSettings
    from autoglm.services.inference.finetune import FinetuneOptions, read_rows
    from autoglm.services.inference.finetune import finetune as run_finetune

    settings = InferenceServiceSettings()
    cfg = settings.inference
    if cfg.model_path is None:
        err.print("[red]no generation model: set inference.model_path (the bundled one is not installed)[/]")
        raise typer.Exit(2)
    opts = FinetuneOptions(steps=steps, batch_size=batch_size, learning_rate=learning_rate, rank=rank, alpha=2 * rank,
                           heldout=heldout, eval_generate=eval_generate, seed=seed, device=device, objective=objective)
    try:
        report = run_finetune(read_rows(file), model_path=cfg.model_path,
                              cache_dir=cfg.cache_dir or settings.data_dir / "models",
                              out_dir=out or settings.adapters_dir, tenant=tenant, opts=opts,
                              progress=None if as_json else (lambda m: err.print(m)))
    except ValueError as exc:
        err.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from None
    if as_json:
        console.print_json(json.dumps(report.to_dict(), ensure_ascii=False))
        return
    table = Table(title=f"held-out split: {report.heldout_rows} of {report.rows} rows")
    for column in ("model", "loss", "exact match", "overlap", "prefers chosen"):
        table.add_column(column)
    for name, sc in (("base", report.base), ("adapted", report.adapted)):
        table.add_row(name, f"{sc.loss:.3f}", "-" if sc.exact_match is None else f"{sc.exact_match:.1%}",
                      "-" if sc.overlap is None else f"{sc.overlap:.3f}",
                      "-" if sc.preference is None else f"{sc.preference:.1%}")
    console.print(table)
    console.print(f"{report.steps} steps in {report.train_seconds:.0f} s on {report.device}; adapter: "
                  f"{report.adapter_dir} (restart the inference service to serve it)")


@app.command()
def asyncapi(
    fmt: Annotated[str, typer.Option("--format", help="json or yaml")] = "yaml",
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
) -> None:
    """Print the AsyncAPI 3.1 document generated from the code and the configured content modes."""
    from .asyncapi import build_asyncapi

    doc = build_asyncapi(settings=_settings())  # content_modes from the configuration
    text = json.dumps(doc, indent=2, ensure_ascii=False) if fmt == "json" else yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
    if output:
        output.write_text(text)
    else:
        print(text)


def all_settings() -> dict[str, Any]:
    """The effective config of every service (secrets masked)."""
    import importlib

    merged: dict[str, Any] = json.loads(Settings().model_dump_json())
    for module, cls in (
        ("autoglm.services.parser.config", "ParserSettings"),
        ("autoglm.services.planner.config", "PlannerSettings"),
        ("autoglm.services.tool_executor.config", "ToolExecutorSettings"),
        ("autoglm.services.inference.config", "InferenceServiceSettings"),
        ("autoglm.services.memory.config", "MemoryServiceSettings"),
        ("autoglm.services.gateway.config", "GatewaySettings"),
        ("autoglm.services.feedback.config", "FeedbackServiceSettings"),
    ):
        try:
            settings = getattr(importlib.import_module(module), cls)()
        except Exception as exc:  # noqa: BLE001
            merged.setdefault("_errors", {})[module] = str(exc)
            continue
        merged.update(json.loads(settings.model_dump_json()))
    return merged


@config_app.command("show")
def config_show(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Print the effective configuration (file + environment + defaults)."""
    from ..config import config_file

    data = all_settings()
    if as_json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return
    source = config_file()
    console.print(f"# config file: {source or '(none; defaults + environment)'}")
    print(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


# ------------------------------------------------------------------ DLQ


async def _read_topic(bootstrap: str, topic: str, settings: Settings) -> list[Any]:
    from aiokafka import AIOKafkaConsumer, TopicPartition

    from ..kafka.clients import read_to_end
    from ..kafka.security import security_kwargs

    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False, **security_kwargs(settings)
    )
    await consumer.start()
    try:
        parts = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or {0})]
        return await read_to_end(consumer, parts)
    finally:
        await consumer.stop()


def _dlq_entries(settings: Settings) -> list[dict[str, Any]]:
    from ..kafka.codec import read_event
    from ..topics import DLQ
    from .stack import bootstrap_from

    records = asyncio.run(_read_topic(bootstrap_from(settings), settings.topic_prefix + DLQ, settings))
    entries = []
    for rec in records:
        event = read_event(rec.value, rec.headers)
        if event is None or not isinstance(event[1], dict):
            continue
        attrs, data = event
        entries.append({"id": attrs.get("id"), "offset": rec.offset, "time": attrs.get("time"),
                        "tenant": attrs.get("tenant"), "session_id": attrs.get("sessionid"), **data})
    return entries


@dlq_app.command("list")
def dlq_list(
    as_json: Annotated[bool, typer.Option("--json")] = False,
    limit: Annotated[int, typer.Option(help="Newest N.")] = 50,
) -> None:
    """List dead-lettered records: reason, origin and task id."""
    entries = _dlq_entries(_stack_settings())[-limit:]
    if as_json:
        print(json.dumps(entries, ensure_ascii=False))
        return
    table = Table(title=f"autoglm.dlq — {len(entries)} record(s)")
    for col in ("id", "service", "from", "error", "reason", "tenant", "task", "bytes"):
        table.add_column(col)
    for e in entries:
        cells = (e["id"], e.get("service", ""), f"{e.get('topic')}[{e.get('partition')}]@{e.get('offset')}",
                 e.get("error_type", ""), str(e.get("reason", ""))[:60], e.get("tenant") or "", e.get("task_id") or "",
                 e.get("original_size"))
        # Dead letters quote what attackers wrote: shown as plain text, never as rich markup or terminal controls.
        table.add_row(*(Text(escape_for_log(str(c))) for c in cells))
    console.print(table)


@dlq_app.command("replay")
def dlq_replay(
    record_id: Annotated[str | None, typer.Argument(help="DLQ record id (see `autoglm dlq list`).")] = None,
    replay_all: Annotated[bool, typer.Option("--all", help="Replay every record.")] = False,
) -> None:
    """Re-publish dead-lettered records' original bytes to the topic they came from."""
    from aiokafka import AIOKafkaProducer

    from .stack import bootstrap_from

    settings = _stack_settings()
    entries = _dlq_entries(settings)
    chosen = entries if replay_all else [e for e in entries if e["id"] == record_id]
    if not chosen:
        err.print("[red]nothing to replay[/] (give a record id or --all)")
        raise typer.Exit(1)

    async def run() -> None:
        from ..kafka.security import security_kwargs

        producer = AIOKafkaProducer(bootstrap_servers=bootstrap_from(settings), acks="all", **security_kwargs(settings))
        await producer.start()
        try:
            for e in chosen:
                if e.get("truncated"):
                    err.print(f"skipped {e['id']}: only part of its original was kept (too large for the DLQ)")
                    continue
                value = base64.b64decode(e["original_b64"])
                key = e.get("key")
                headers = [(k, base64.b64decode(v)) for k, v in e.get("headers", {}).items()]
                headers.append(("autoglm-replayed-from", str(e["id"]).encode()))
                await producer.send_and_wait(
                    settings.topic_prefix + e["topic"], value, key=key.encode() if key else None, headers=headers
                )
        finally:
            await producer.stop()

    asyncio.run(run())
    replayable = sum(1 for e in chosen if not e.get("truncated"))
    console.print(f"replayed {replayable} record(s)")


# ------------------------------------------------------------------ parser and planner, offline


def _iso(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        err.print(f"[red]--now must be ISO-8601, got {value!r}[/]")
        raise typer.Exit(2) from None


def _parse_one(text: str, now: str | None, tz: str | None, fallback: Any = None) -> Any:
    from autoglm.services.parser.pipeline import parse_request

    settings = _settings()
    return parse_request(text, now=_iso(now), tz=tz or settings.default_timezone, fallback=fallback)


def _parser_fallback(mode: str | None) -> Any:
    """The fallback `--fallback` names, else the parser service's configured one (same default)."""
    from autoglm.services.parser.config import ParserSettings, make_fallback

    config = ParserSettings().parser
    try:
        return make_fallback(mode or config.fallback, config)  # type: ignore[arg-type]
    except ValueError as exc:
        err.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from None


class FallbackChoice(enum.StrEnum):
    none = "none"
    bank = "bank"
    embedding = "embedding"
    llm = "llm"


@app.command()
def parse(
    text: Annotated[str | None, typer.Argument(help="The request.")] = None,
    batch: Annotated[Path | None, typer.Option("--batch", help="One request per line; one JSON per line out.")] = None,
    now: Annotated[str | None, typer.Option(help="Reference time, ISO-8601.")] = None,
    tz: Annotated[str | None, typer.Option(help="IANA time zone.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    fallback_mode: Annotated[
        FallbackChoice | None,
        typer.Option(
            "--fallback",
            help="For clauses no rule places: bank (the example bank: nearest labelled examples, Chinese and "
            "English), embedding (all-MiniLM-L6-v2, English), llm (the chat model at parser.llm) or none. Default: "
            "the parser service's setting (parser.fallback, default bank).",
        ),
    ] = None,
) -> None:
    """Parse a request into an intent graph (no running stack needed)."""
    fallback = _parser_fallback(fallback_mode.value if fallback_mode else None)
    if batch is not None:
        lines = batch.read_text(encoding="utf-8").splitlines() if str(batch) != "-" else sys.stdin.read().splitlines()
        for line in lines:
            if not line.strip():
                print(json.dumps({"language": "", "intents": [], "clarification": None}))
                continue
            if len(line) > MAX_TEXT_CHARS:  # one output line per input line, the refusal included
                print(json.dumps({"language": "", "intents": [], "clarification": None,
                                  "error": text_too_long_message(len(line))}))
                continue
            graph = _parse_one(line, now, tz, fallback)
            print(json.dumps(graph.model_dump(mode="json"), ensure_ascii=False))
        return
    if text is None:
        err.print("[red]give TEXT or --batch FILE[/]")
        raise typer.Exit(2)
    _check_text(text)
    graph = _parse_one(text, now, tz, fallback)
    if as_json:
        print(json.dumps(graph.model_dump(mode="json"), ensure_ascii=False))
    else:
        console.print_json(json.dumps(graph.model_dump(mode="json"), ensure_ascii=False))


@app.command()
def plan(
    text: Annotated[str, typer.Argument(help="The request.")],
    now: Annotated[str | None, typer.Option(help="Reference time, ISO-8601.")] = None,
    tz: Annotated[str | None, typer.Option(help="IANA time zone.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Print the execution plan of a request without running it."""
    from autoglm.services.planner.build import build_execution, new_state
    from autoglm.services.planner.state import PlannerPolicy
    from autoglm.shared.events import TaskRequested, utcnow

    _check_text(text)
    graph = _parse_one(text, now, tz, _parser_fallback(None))
    policy = PlannerPolicy()
    state = new_state(task_id="plan", session_id="plan", tenant="default", request=TaskRequested(text=text),
                        graph=graph, received_at=_iso(now) or utcnow(), timeout_s=60, partition=0, policy=policy)
    build_execution(state, policy)
    doc = {
        "graph": graph.model_dump(mode="json"),
        "steps": [
            {
                "id": s.id,
                "kind": s.kind.value,
                "name": s.name,
                "intent_id": s.intent_id,
                "depends_on": s.depends_on,
                "arguments": s.arguments if s.kind.value != "generation" else {
                    "task_type": s.task_type,
                    "text": s.arguments.get("text"),
                    # text-to-SQL: the reference day and the date ranges resolved from the question
                    **{k: s.arguments[k] for k in ("today", "date_ranges") if k in s.arguments},
                },
                "timeout_s": s.timeout_s,
                "max_attempts": s.max_attempts,
                "idempotent": s.idempotent,
            }
            for s in state.steps
        ],
    }
    if as_json:
        print(json.dumps(doc, ensure_ascii=False))
    else:
        console.print_json(json.dumps(doc, ensure_ascii=False))


@app.command()
def demo(
    keep_data: Annotated[bool, typer.Option(help="Keep the demo's data directory.")] = False,
    stay: Annotated[bool, typer.Option(help="Keep the stack running after the examples (Ctrl-C stops it).")] = False,
) -> None:
    """Start the embedded stack, run the example tasks, print results and traces, stop."""
    from ..devtools.fake_open_meteo import serve
    from .demo import run_demo

    raise typer.Exit(run_demo(console, serve, keep_data=keep_data, stay=stay))


_mount_optional()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
