"""`make demo`: the whole stack on its embedded defaults, the example tasks, their traces, a bad record."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.panel import Panel

from ..config import Settings
from ..events import TaskCompleted
from .stack import Stack, check_gateway_port
from .traceview import render_waterfall, spans_for_task

EXAMPLES = (
    "(12+8)*3等于多少？",
    "What is 2^10?",
    "写一首关于秋天的诗",
    "查询北京明天的天气并生成一段提醒文案",
    "订单1024的状态是什么？",
)


STATUS_COLOURS = {"completed": "green", "partial": "yellow", "failed": "red", "needs_clarification": "yellow",
                  "blocked": "red"}
"""How a result's status is shown (rich colour names)."""

WeatherServer = Callable[[], AbstractContextManager[str]]
"""Starts an Open-Meteo-compatible server on loopback and yields its base URL."""


def _start_weather(serve: WeatherServer, env: Any) -> Any:
    """The demo's Open-Meteo-compatible server: synthetic, clearly labelled data, on loopback.

    The demo runs offline, so the weather tool is pointed at this local stand-in (the CLI passes
    devtools' fake_open_meteo); a real deployment points `tools.weather.*_base_url` at Open-Meteo
    or a mirror.
    """
    ctx = serve()
    base = ctx.__enter__()
    env["AUTOGLM_TOOLS__WEATHER__FORECAST_BASE_URL"] = base
    env["AUTOGLM_TOOLS__WEATHER__GEOCODING_BASE_URL"] = base
    return ctx


def run_demo(console: Console, weather_server: WeatherServer, keep_data: bool = False, stay: bool = False) -> int:
    data_dir = Path(tempfile.mkdtemp(prefix="autoglm-demo-"))
    os.environ["AUTOGLM_DATA_DIR"] = str(data_dir)
    # Converted model weights outlive the demo so the next run loads in seconds.
    os.environ.setdefault("AUTOGLM_INFERENCE__CACHE_DIR", str(Path("data/models").resolve()))
    settings = Settings()
    weather = _start_weather(weather_server, os.environ)
    try:
        check_gateway_port(dict(os.environ))
    except RuntimeError:  # another program (or another demo) has 8080: the demo's gateway takes a free port
        os.environ["AUTOGLM_GATEWAY__PORT"] = "0"
    stack = Stack(settings)
    interrupted = [False]

    def _interrupt(*_: object) -> None:
        interrupted[0] = True
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _interrupt)
    code = 1
    try:
        console.rule("Open-AutoGLM demo")
        console.print(f"data directory: {data_dir}")
        t0 = time.monotonic()
        stack.start()
        console.print(f"embedded broker (Tansu) on {stack.bootstrap}; starting services…")
        console.print(f"weather: local Open-Meteo-compatible stand-in with synthetic data at "
                      f"{os.environ['AUTOGLM_TOOLS__WEATHER__FORECAST_BASE_URL']}")
        if not stack.wait_ready(300):
            console.print("[red]services did not become ready[/]; logs in", data_dir / "logs")
            return 1
        console.print(f"[green]all services ready[/] in {time.monotonic() - t0:.1f}s")
        url = stack.gateway_url
        if url:
            console.print(f"[bold]web console:[/] {url}/   API docs: {url}/docs")
            if stack.dev_token:
                console.print(f"development token (tenant default, user dev):\n{stack.dev_token}", markup=False,
                              soft_wrap=True)
                console.print(f"console, signed in: {url}/#token={stack.dev_token}", markup=False, soft_wrap=True)
        code = asyncio.run(_run_tasks(console, settings, stack.bootstrap or ""))
        if url and stack.dev_token:
            code = max(code, _via_http(console, url, stack.dev_token))
        time.sleep(1.0)  # span processors flush every 200 ms
        console.rule("traces")
        for task_id, text in _DEMO_TASKS:
            spans = spans_for_task(settings.span_dir, task_id)
            services = sorted({str(s.get("service", "")).removeprefix("autoglm-") for s in spans})
            traces = {s["trace_id"] for s in spans}
            console.print(Panel(f"{text}\ntask {task_id}: {len(spans)} spans, {len(traces)} trace id(s), services: {', '.join(services)}"))
            render_waterfall(spans, console)
        if stay and url:
            console.rule("the stack keeps running")
            console.print(f"open {url}/ (token above); Ctrl-C stops the stack")
            while True:
                time.sleep(1.0)
    except KeyboardInterrupt:
        console.print("[yellow]interrupted[/]")
    finally:
        console.rule("stopping")
        stack.stop()
        weather.__exit__(None, None, None)
        console.print("stopped broker and services")
        if not keep_data and not interrupted[0]:
            shutil.rmtree(data_dir, ignore_errors=True)
    return code


_DEMO_TASKS: list[tuple[str, str]] = []


def _via_http(console: Console, url: str, token: str) -> int:
    """One task through the HTTP gateway, as a client without Kafka would send it."""
    import httpx

    console.rule("the same system over HTTP: POST /v1/tasks with Prefer: wait=60")
    resp = httpx.post(f"{url}/v1/tasks", json={"text": "What is 6*7?"}, timeout=90,
                      headers={"Authorization": f"Bearer {token}", "Prefer": "wait=60"})
    doc = resp.json()
    result = doc.get("result") or {}
    console.print(f"HTTP {resp.status_code}: task {doc.get('task_id')} {doc.get('status')} -> {result.get('answer')!r}",
                  markup=False)
    console.print(f"curl -H 'Authorization: Bearer $TOKEN' {url}/v1/tasks/{doc.get('task_id')}", markup=False)
    return 0 if resp.status_code == 200 and result.get("status") == "completed" else 1


def answered(result: TaskCompleted) -> bool:
    """Whether a demo task got its answer. A partial answer is one: on a busy machine a generation may be cut at
    its deadline and keep the text it had (the result says so). A task whose every step ran but whose text failed
    the answer checks (the bundled model's poem looped: it says so instead of handing it over) is one too; a step
    that failed fails the demo."""
    if result.status.value in ("completed", "partial"):
        return True
    return result.status.value == "failed" and bool(result.steps) and all(
        step.status.value in ("completed", "skipped") for step in result.steps)


async def _run_tasks(console: Console, settings: Settings, bootstrap: str) -> int:
    from aiokafka import AIOKafkaProducer

    from ..kafka.security import security_kwargs
    from ..sdk.client import AutoGLMClient

    ok = True
    async with AutoGLMClient(bootstrap, settings=settings, source="/autoglm/demo") as client:
        for text in EXAMPLES:
            console.rule(text)
            task_id = await client.publish_task(text, session_id="demo-session", timeout=120)
            result = await client.wait_result(task_id, 180)
            _DEMO_TASKS.append((task_id, text))
            colour = STATUS_COLOURS.get(result.status.value, "yellow")
            console.print(f"[{colour}]{result.status.value}[/] in {result.duration_ms:.0f} ms, trace {result.trace_id}")
            console.print(Panel(result.answer or "(empty)", title="answer"))
            for step in result.steps:
                console.print(
                    f"  {step.id} {step.kind.value:<14} {step.name:<12} {step.status.value:<10} "
                    f"{step.duration_ms:8.1f} ms  {step.summary[:70]}",
                    markup=False,
                )
            ok = ok and answered(result)
        console.rule("a malformed record on autoglm.tasks")
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, **security_kwargs(settings))
        await producer.start()
        await producer.send_and_wait(settings.topic_prefix + "autoglm.tasks", b'{"taskid": "bad-1", "oops"', key=b"bad-1")
        await producer.stop()
        result = await client.wait_result("bad-1", 30)
        console.print(f"error result for bad-1: [red]{result.status.value}[/] — {result.error}")
        after = await client.submit("What is 6*7?", timeout=60)
        console.print(f"the stack keeps answering: What is 6*7? -> {after.answer}")
        console.print("see it with: autoglm dlq list")
    console.print(json.dumps({"examples": len(EXAMPLES), "all_answered": ok}))
    return 0 if ok else 1
