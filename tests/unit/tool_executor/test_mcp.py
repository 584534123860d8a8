"""MCP servers: a tiny stdio server's tools appear prefixed and calls round-trip."""

import sys
import textwrap
from pathlib import Path

from autoglm.services.tool_executor.config import McpServerConfig, ToolsConfig
from autoglm.services.tool_executor.context import ToolContext
from autoglm.services.tool_executor.registry import build_registry

SERVER = textwrap.dedent(
    '''
    try:
        from mcp.server.mcpserver import MCPServer as Server  # mcp >= 2
    except ImportError:
        from mcp.server.fastmcp import FastMCP as Server  # mcp 1.x
    from mcp.types import ToolAnnotations

    server = Server("tiny")

    @server.tool(annotations=ToolAnnotations(readOnlyHint=True, idempotentHint=True))
    def add(a: int, b: int) -> int:
        """Add two integers."""
        return a + b

    @server.tool()
    def wipe(target: str) -> str:
        """Pretend to delete something (no annotations: destructive by MCP's defaults)."""
        return f"wiped {target}"

    @server.tool(annotations=ToolAnnotations(readOnlyHint=True))
    def fail() -> str:
        """Always fails."""
        raise RuntimeError("nope")

    if __name__ == "__main__":
        server.run()
    '''
)


async def test_stdio_server_round_trip(tmp_path: Path) -> None:
    script = tmp_path / "tiny_server.py"
    script.write_text(SERVER)
    cfg = ToolsConfig(
        plugins_enabled=False,
        mcp_servers=[McpServerConfig(name="tiny", command=sys.executable, args=[str(script)])],
    )
    registry = await build_registry(cfg, data_dir=tmp_path)
    try:
        listed = {t["name"]: t for t in registry.list_tools()}
        assert {"tiny__add", "tiny__wipe", "tiny__fail"} <= set(listed)
        add = listed["tiny__add"]
        assert add["title"] == "[tiny] add" and add["description"] == "Add two integers."
        assert add["inputSchema"]["required"] == ["a", "b"]
        assert add["annotations"]["readOnlyHint"] is True and add["annotations"]["destructiveHint"] is False
        assert listed["tiny__wipe"]["annotations"]["destructiveHint"] is True

        ctx = ToolContext()
        result = await registry.call("tiny__add", {"a": 2, "b": 40}, ctx)
        assert not result.isError, result.text
        assert result.content[0]["text"] == "42"
        assert result.structuredContent == {"result": 42}

        invalid = await registry.call("tiny__add", {"a": "two"}, ctx)
        assert invalid.isError and "invalid arguments for tiny__add" in invalid.text

        refused = await registry.call("tiny__wipe", {"target": "db"}, ctx)
        assert refused.isError and "destructive" in refused.text
        allowed = await registry.call(
            "tiny__wipe", {"target": "db"}, ctx.model_copy(update={"allow_destructive": True})
        )
        assert not allowed.isError and allowed.content[0]["text"] == "wiped db"

        failed = await registry.call("tiny__fail", {}, ctx)
        assert failed.isError and "fail" in failed.text
    finally:
        await registry.aclose()


async def test_broken_server_is_skipped(tmp_path: Path) -> None:
    cfg = ToolsConfig(
        plugins_enabled=False,
        mcp_servers=[
            McpServerConfig(name="ghost", command=str(tmp_path / "no-such-binary"), connect_timeout_s=5)
        ],
    )
    registry = await build_registry(cfg, data_dir=tmp_path)
    try:
        assert not any(n.startswith("ghost__") for n in registry.names)
        assert "calculator" in registry.names
    finally:
        await registry.aclose()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_streamable_http_server_round_trip(tmp_path: Path) -> None:
    import asyncio

    port = _free_port()
    script = tmp_path / "tiny_http_server.py"
    script.write_text(
        SERVER.replace("server.run()", f'server.run("streamable-http", host="127.0.0.1", port={port})')
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(script), stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )
    try:
        for _ in range(200):  # wait for the port, bounded (20 s), not a fixed sleep
            try:
                _reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                break
            except OSError:
                await asyncio.sleep(0.1)
        cfg = ToolsConfig(
            plugins_enabled=False,
            mcp_servers=[
                McpServerConfig(
                    name="web", transport="streamable_http", url=f"http://127.0.0.1:{port}/mcp", prefix="w"
                )
            ],
        )
        registry = await build_registry(cfg, data_dir=tmp_path)
        try:
            assert "w__add" in registry.names
            result = await registry.call("w__add", {"a": 1, "b": 2}, ToolContext())
            assert not result.isError and result.content[0]["text"] == "3"
        finally:
            await registry.aclose()
    finally:
        proc.terminate()
        await asyncio.wait_for(proc.wait(), 10)
