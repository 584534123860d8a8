"""MCP servers that die are restarted: a real stdio server process is killed and its tools come back;
a streamable HTTP server that goes away and comes back is connected to again.

Each test names its server uniquely, so the Prometheus samples it reads are its own.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest
from prometheus_client import REGISTRY

from autoglm.services.tool_executor.config import McpServerConfig, ToolsConfig
from autoglm.services.tool_executor.context import ToolContext
from autoglm.services.tool_executor.registry import ToolRegistry, build_registry
from tests.unit.tool_executor.test_mcp import SERVER, _free_port

CTX = ToolContext()


def server_pid(script: Path) -> int:
    """The pid of the one live process running `script` (a child of this test process)."""
    pids = [
        p.pid
        for p in psutil.Process().children(recursive=True)
        if p.is_running() and p.status() != psutil.STATUS_ZOMBIE and str(script) in p.cmdline()
    ]
    assert len(pids) == 1, pids
    return pids[0]


def sample(metric: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(metric, labels) or 0.0


async def until(check: Callable[[], bool], timeout_s: float = 30.0) -> None:
    """Poll `check` (bounded, not a fixed sleep)."""
    async with asyncio.timeout(timeout_s):
        while not check():
            await asyncio.sleep(0.05)


async def started(tmp_path: Path, retries: int = 1, **server: object) -> tuple[ToolRegistry, str, Path]:
    name = "s" + uuid.uuid4().hex[:8]
    script = tmp_path / f"{name}.py"
    script.write_text(SERVER)
    cfg = ToolsConfig(
        plugins_enabled=False,
        default_retries=retries,
        mcp_servers=[McpServerConfig(name=name, command=sys.executable, args=[str(script)], **server)],  # type: ignore[arg-type]
    )
    registry = await build_registry(cfg, data_dir=tmp_path)
    assert f"{name}__add" in registry.names
    return registry, name, script


async def add(registry: ToolRegistry, name: str, a: int = 2, b: int = 40) -> str:
    result = await registry.call(f"{name}__add", {"a": a, "b": b}, CTX)
    return ("ERROR " if result.isError else "") + result.text


async def kill(script: Path) -> int:
    pid = server_pid(script)
    proc = psutil.Process(pid)
    proc.kill()
    await asyncio.to_thread(proc.wait, 10)
    return pid


async def test_killed_server_is_restarted_before_the_next_call(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The ping notices the death between calls; the next call simply works, on a new process."""
    caplog.set_level(logging.INFO, logger="autoglm.services.tool_executor.mcp_bridge")
    registry, name, script = await started(tmp_path, ping_interval_s=0.2, restart_backoff_s=0.1)
    try:
        assert await add(registry, name) == "42"
        assert sample("autoglm_mcp_server_up", server=name) == 1
        old_pid = await kill(script)

        await until(lambda: sample("autoglm_mcp_restarts_total", server=name, result="ok") == 1)
        assert await add(registry, name, 1, 2) == "3"
        assert server_pid(script) != old_pid
        assert sample("autoglm_mcp_server_up", server=name) == 1
        messages = [r.getMessage() for r in caplog.records]
        assert any(m.startswith(f"MCP server {name} lost its connection") for m in messages), messages
        assert any(m.startswith(f"MCP server {name} restarted (attempt 1)") for m in messages), messages
    finally:
        await registry.aclose()
    assert sample("autoglm_mcp_server_up", server=name) == 0


async def test_calls_while_down_get_a_clear_error_then_succeed(tmp_path: Path) -> None:
    """No ping: the first call after the death notices it; calls during the backoff say when to expect it.

    No registry retries here, so each call's own message is seen.
    """
    registry, name, script = await started(tmp_path, retries=0, ping_interval_s=0, restart_backoff_s=1.0)
    try:
        assert await add(registry, name) == "42"
        await kill(script)

        noticed = await add(registry, name)
        assert noticed.startswith(f"ERROR MCP server {name} lost its connection"), noticed
        assert "restarting it" in noticed
        # While the dead session is torn down calls hear "restarting it"; during the backoff, when.
        down = await add(registry, name)
        async with asyncio.timeout(5):
            while "restart attempt 1 of 5 in" not in down:
                assert down.startswith(f"ERROR MCP server {name} is down (a call failed: "), down
                assert down.endswith("; restarting it"), down
                await asyncio.sleep(0.05)
                down = await add(registry, name)
        assert down.startswith(f"ERROR MCP server {name} is down (a call failed: "), down

        await until(lambda: sample("autoglm_mcp_restarts_total", server=name, result="ok") == 1)
        assert await add(registry, name, 5, 6) == "11"
    finally:
        await registry.aclose()


async def test_restarts_are_bounded(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A server that cannot come back is tried `restart_attempts` times, then reported down for good."""
    registry, name, script = await started(
        tmp_path, ping_interval_s=0.2, restart_backoff_s=0.05, restart_attempts=2, connect_timeout_s=10
    )
    try:
        assert await add(registry, name) == "42"
        pid = server_pid(script)
        script.rename(script.with_suffix(".gone"))  # every restart now exits at once: no such file
        psutil.Process(pid).kill()

        await until(lambda: sample("autoglm_mcp_restarts_total", server=name, result="gave_up") == 1)
        assert sample("autoglm_mcp_restarts_total", server=name, result="failed") == 2
        assert sample("autoglm_mcp_restarts_total", server=name, result="ok") == 0
        down = await add(registry, name)
        assert down.startswith(f"ERROR MCP server {name} is down"), down
        assert "gave up after 2 restart attempts; restart the tool executor" in down
        assert any(
            r.levelno == logging.ERROR and r.getMessage().startswith(f"MCP server {name} is down after 2")
            for r in caplog.records
        )

        script.with_suffix(".gone").rename(script)  # back, but nobody tries again: the bound holds
        await asyncio.sleep(0.5)
        assert sample("autoglm_mcp_restarts_total", server=name, result="failed") == 2
        assert (await add(registry, name)).startswith("ERROR")
    finally:
        await registry.aclose()


async def test_no_restart_when_switched_off(tmp_path: Path) -> None:
    registry, name, script = await started(tmp_path, ping_interval_s=0.2, restart_attempts=0)
    try:
        await kill(script)
        await until(lambda: sample("autoglm_mcp_restarts_total", server=name, result="gave_up") == 1)
        down = await add(registry, name)
        assert "restarts are off (restart_attempts: 0)" in down, down
    finally:
        await registry.aclose()


async def serve_http(script: Path, port: int) -> asyncio.subprocess.Process:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(script), stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )
    async with asyncio.timeout(20):  # wait for the port, bounded
        while True:
            try:
                _reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                return proc
            except OSError:
                await asyncio.sleep(0.1)


async def test_streamable_http_server_is_reconnected_after_it_comes_back(tmp_path: Path) -> None:
    """An HTTP server is not ours to start: its tools are down while it is, and work again once it is back."""
    port = _free_port()
    script = tmp_path / "http_server.py"
    script.write_text(
        SERVER.replace("server.run()", f'server.run("streamable-http", host="127.0.0.1", port={port})')
    )
    name = "h" + uuid.uuid4().hex[:8]
    cfg = ToolsConfig(
        plugins_enabled=False,
        default_retries=0,
        mcp_servers=[
            McpServerConfig(
                name=name,
                transport="streamable_http",
                url=f"http://127.0.0.1:{port}/mcp",
                ping_interval_s=0.2,
                restart_backoff_s=0.2,
                restart_attempts=10,
            )
        ],
    )
    proc = await serve_http(script, port)
    registry = await build_registry(cfg, data_dir=tmp_path)
    try:
        assert await add(registry, name) == "42"
        proc.kill()
        await proc.wait()
        await until(lambda: sample("autoglm_mcp_server_up", server=name) == 0)
        down = await add(registry, name)
        assert down.startswith(f"ERROR MCP server {name} is down"), down

        proc = await serve_http(script, port)
        await until(lambda: sample("autoglm_mcp_restarts_total", server=name, result="ok") == 1)
        assert await add(registry, name, 20, 3) == "23"
    finally:
        await registry.aclose()
        proc.kill()
        await proc.wait()
