"""Tools of external MCP servers (stdio or streamable HTTP), through the official `mcp` SDK.

Each server's tools are registered as ``<prefix>__<tool>`` (prefix defaults to the server name; a
double underscore keeps names valid for LLM function-calling APIs), titled ``[server] title``, with
the server's schemas and annotations (MCP defaults where the server gives none, so a tool without
annotations counts as destructive and open-world). Calls are forwarded as MCP tools/call and the
server's result is passed through.

A connection's context managers are entered and exited by one background task per server, as the
SDK's anyio scopes require; calls use the session from any task. A server that fails to start is
logged and skipped. There is no reconnect: a dead server's tools answer with errors until restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from .config import McpServerConfig
from .context import ToolCallResult, ToolContext, ToolError
from .plugin import ToolDefinition

log = logging.getLogger(__name__)


class McpConnection:
    """One MCP server: started by :meth:`start`, stopped by :meth:`close`."""

    def __init__(self, cfg: McpServerConfig) -> None:
        self.cfg = cfg
        self.session: Any = None
        self.tools: list[dict[str, Any]] = []
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def prefix(self) -> str:
        return self.cfg.prefix or self.cfg.name

    def _transport(self) -> contextlib.AbstractAsyncContextManager[Any]:
        if self.cfg.transport == "stdio":
            from mcp.client.stdio import StdioServerParameters, stdio_client

            if not self.cfg.command:
                raise ValueError(f"MCP server {self.cfg.name}: stdio needs `command`")
            params = StdioServerParameters(
                command=self.cfg.command, args=self.cfg.args, env=self.cfg.env, cwd=self.cfg.cwd
            )
            return stdio_client(params)
        if not self.cfg.url:
            raise ValueError(f"MCP server {self.cfg.name}: streamable_http needs `url`")
        from mcp.client import streamable_http

        if hasattr(streamable_http, "streamable_http_client"):  # mcp >= 2
            from mcp.shared._httpx_utils import create_mcp_http_client

            client = create_mcp_http_client(headers=self.cfg.headers or None)
            return streamable_http.streamable_http_client(self.cfg.url, http_client=client)
        legacy: Any = getattr(streamable_http, "streamablehttp_client")  # noqa: B009 - mcp 1.x only
        return legacy(self.cfg.url, headers=self.cfg.headers or None)  # type: ignore[no-any-return]

    async def _run(self, ready: asyncio.Future[None]) -> None:
        from mcp import ClientSession

        try:
            async with contextlib.AsyncExitStack() as stack:
                streams = await stack.enter_async_context(self._transport())
                session = await stack.enter_async_context(ClientSession(streams[0], streams[1]))
                await session.initialize()
                tools: list[dict[str, Any]] = []
                cursor = None
                while True:
                    listed = (
                        await session.list_tools(params=_page(cursor))
                        if cursor
                        else await session.list_tools()
                    )
                    tools += [
                        t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in listed.tools
                    ]
                    cursor = getattr(listed, "nextCursor", None) or getattr(listed, "next_cursor", None)
                    if not cursor:
                        break
                self.session, self.tools = session, tools
                ready.set_result(None)
                await self._stop.wait()
        except BaseException as exc:  # noqa: BLE001 - reported through `ready`, or logged after start
            if not ready.done():
                ready.set_exception(exc if isinstance(exc, Exception) else RuntimeError(repr(exc)))
            elif not isinstance(exc, asyncio.CancelledError):
                log.warning("MCP server %s stopped: %s", self.cfg.name, exc)
        finally:
            self.session = None

    async def start(self) -> None:
        ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._task = asyncio.create_task(self._run(ready), name=f"mcp:{self.cfg.name}")
        try:
            await asyncio.wait_for(asyncio.shield(ready), self.cfg.connect_timeout_s)
        except BaseException:
            await self.close()
            raise

    async def call(self, tool: str, arguments: dict[str, Any]) -> ToolCallResult:
        if self.session is None:
            raise ToolError(f"MCP server {self.cfg.name} is not connected", retryable=True)
        result = await self.session.call_tool(tool, arguments)
        data = result.model_dump(mode="json", by_alias=True, exclude_none=True)
        return ToolCallResult(
            isError=bool(data.get("isError", False)),
            content=list(data.get("content") or []),
            structuredContent=data.get("structuredContent"),
        )

    async def close(self) -> None:
        self._stop.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, 10)
            except (TimeoutError, asyncio.CancelledError):
                self._task.cancel()
            except Exception:  # noqa: BLE001
                log.exception("closing MCP server %s failed", self.cfg.name)
            self._task = None

    def definitions(self) -> list[ToolDefinition]:
        out = []
        for tool in self.tools:
            remote = tool["name"]
            hints = tool.get("annotations") or {}
            read_only = bool(hints.get("readOnlyHint", False))

            async def handler(
                arguments: dict[str, Any], ctx: ToolContext, _remote: str = remote
            ) -> ToolCallResult:
                return await self.call(_remote, arguments)

            title = tool.get("title") or hints.get("title") or remote
            out.append(
                ToolDefinition(
                    name=f"{self.prefix}__{remote}",
                    title=f"[{self.cfg.name}] {title}",
                    description=tool.get("description") or title,
                    input_schema=tool.get("inputSchema") or {"type": "object"},
                    output_schema=tool.get("outputSchema"),
                    handler=handler,
                    read_only=read_only,
                    destructive=bool(hints.get("destructiveHint", not read_only)),
                    idempotent=bool(hints.get("idempotentHint", False)),
                    open_world=bool(hints.get("openWorldHint", True)),
                    source=f"mcp:{self.cfg.name}",
                    extra={"remote_name": remote},
                )
            )
        return out


def _page(cursor: str) -> Any:
    from mcp import types

    return types.PaginatedRequestParams(cursor=cursor)


async def connect_mcp_servers(registry: Any, servers: list[McpServerConfig]) -> list[McpConnection]:
    """Start every enabled server and register its tools; failures are logged and skipped."""
    connections = []
    for cfg in servers:
        if not cfg.enabled:
            continue
        connection = McpConnection(cfg)
        try:
            await connection.start()
        except Exception as exc:  # noqa: BLE001 - one bad server must not stop the service
            log.warning("MCP server %s skipped: %s: %s", cfg.name, type(exc).__name__, exc)
            continue
        registry.add_closer(connection.close)
        for definition in connection.definitions():
            try:
                registry.add(definition)
            except Exception as exc:  # noqa: BLE001 - e.g. an invalid inputSchema
                log.warning("MCP tool %s skipped: %s", definition.name, exc)
        connections.append(connection)
    return connections
