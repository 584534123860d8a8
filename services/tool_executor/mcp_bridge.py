"""Tools of external MCP servers (stdio or streamable HTTP), through the official `mcp` SDK.

Each server's tools are registered as ``<prefix>__<tool>`` (prefix defaults to the server name; a
double underscore keeps names valid for LLM function-calling APIs), titled ``[server] title``, with
the server's schemas and annotations (MCP defaults where the server gives none, so a tool without
annotations counts as destructive and open-world). Calls are forwarded as MCP tools/call and the
server's result is passed through.

A connection's context managers are entered and exited by one background task per server, as the
SDK's anyio scopes require; calls use the session from any task. A server that fails its first start is
logged and skipped. A server whose connection is lost later (its process died, its HTTP endpoint went
away) is restarted by that task (a stdio server's process is started again; an HTTP endpoint, which is
not ours to start, is connected to again): noticed by a failing call or by a ping every `ping_interval_s`,
then restarted after a backoff (`restart_backoff_s`, doubling, at most 30 s) up to `restart_attempts` times in
a row. While it is down its tools answer with an error that says so and when the next attempt is; once the
attempts run out they say the service must be restarted. Each loss, restart and give-up is logged and
counted (`autoglm_mcp_restarts_total`, `autoglm_mcp_server_up`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any, Literal

from .config import McpServerConfig
from .context import ToolCallResult, ToolContext, ToolError
from .metrics import MCP_RESTARTS, MCP_SERVER_UP
from .plugin import ToolDefinition

log = logging.getLogger(__name__)

_CONNECTION_CLOSED = -32000  # the JSON-RPC code the SDK gives requests on a closed connection
_BACKOFF_CAP_S = 30.0
_STABLE_AFTER_S = 60.0  # up this long, a server's next loss starts the restart count again

State = Literal["connecting", "up", "lost", "restarting", "down", "closed"]


def is_connection_lost(exc: BaseException) -> bool:
    """Whether `exc` from a session call means the connection is gone (not that the tool failed)."""
    import anyio
    import httpx

    if isinstance(
        exc,
        anyio.ClosedResourceError
        | anyio.BrokenResourceError
        | anyio.EndOfStream
        | OSError
        | httpx.TransportError,
    ):
        return True
    return getattr(getattr(exc, "error", None), "code", None) == _CONNECTION_CLOSED


def _why(exc: BaseException) -> str:
    if isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        return _why(exc.exceptions[0])
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


class McpConnection:
    """One MCP server: started by :meth:`start`, kept connected (restarted) until :meth:`close`."""

    def __init__(self, cfg: McpServerConfig) -> None:
        self.cfg = cfg
        self.session: Any = None
        self.tools: list[dict[str, Any]] = []
        self.state: State = "connecting"
        self.reason = ""  # why the server is down, for the callers' error messages
        self._attempt = 0
        self._next_attempt_at = 0.0
        self._lost_reason: str | None = None
        self._stopping = False
        self._wake = asyncio.Event()  # set when the connection is lost or close() is called
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

    async def _list_tools(self, session: Any) -> list[dict[str, Any]]:
        tools: list[dict[str, Any]] = []
        cursor = None
        while True:
            listed = await session.list_tools(params=_page(cursor)) if cursor else await session.list_tools()
            tools += [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in listed.tools]
            cursor = getattr(listed, "nextCursor", None) or getattr(listed, "next_cursor", None)
            if not cursor:
                return tools

    async def _connect_and_serve(self, on_up: Callable[[Any, list[dict[str, Any]]], None]) -> None:
        """Connect, call `on_up`, then hold the connection until it is lost or close() is called."""
        from mcp import ClientSession

        self._lost_reason = None
        self._wake.clear()
        async with contextlib.AsyncExitStack() as stack:
            async with asyncio.timeout(self.cfg.connect_timeout_s):
                streams = await stack.enter_async_context(self._transport())
                session = await stack.enter_async_context(ClientSession(streams[0], streams[1]))
                await session.initialize()
                tools = await self._list_tools(session)
            on_up(session, tools)
            try:
                await self._watch(session)
            finally:
                self.session = None
                if self.state == "up":
                    self.state = "lost"

    async def _watch(self, session: Any) -> None:
        """Return once the connection is lost (a call noticed, or a ping failed) or close() is called."""
        interval = self.cfg.ping_interval_s or None
        while not self._wake.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), interval)
                return
            try:
                await asyncio.wait_for(session.send_ping(), max(interval or 0, 1.0))
            except TimeoutError:
                continue  # a busy server is not a dead one
            except Exception as exc:  # noqa: BLE001
                if is_connection_lost(exc):
                    self._lose(session, f"ping failed: {_why(exc)}")
                    return
                log.debug("MCP server %s: ping failed: %s", self.cfg.name, _why(exc))

    def _lose(self, session: Any, reason: str) -> None:
        """`session` is dead: calls stop using it at once, and the supervisor wakes to restart the server.

        A no-op when the supervisor has already moved on from `session` (a late failure of an old call).
        """
        if session is self.session and not self._wake.is_set():
            self.session, self.state, self.reason, self._lost_reason = None, "lost", reason, reason
            self._wake.set()

    async def _supervise(self, ready: asyncio.Future[None]) -> None:
        """Run the connection; after a loss, restart it with backoff until attempts run out or close()."""
        name = self.cfg.name
        loop = asyncio.get_running_loop()
        failures_in_a_row = 0
        while True:
            up_since: float | None = None

            def on_up(session: Any, tools: list[dict[str, Any]]) -> None:
                nonlocal up_since
                up_since = loop.time()
                if ready.done():  # a restart, not the first start
                    MCP_RESTARTS.labels(name, "ok").inc()
                    log.info(
                        "MCP server %s restarted (attempt %d), %d tools", name, self._attempt, len(tools)
                    )
                    before = {t["name"] for t in self.tools}
                    if before != {t["name"] for t in tools}:
                        log.warning(
                            "MCP server %s came back with other tools; only those listed at start are served",
                            name,
                        )
                self.session, self.tools, self.state, self.reason = session, tools, "up", ""
                MCP_SERVER_UP.labels(name).set(1)
                if not ready.done():
                    ready.set_result(None)

            try:
                await self._connect_and_serve(on_up)
                why = self._lost_reason or "the connection closed"
            except Exception as exc:  # noqa: BLE001 - a transport error is a lost connection too
                why = _why(exc)
                if not ready.done():  # the first start failed: start() reports it, nothing to restart
                    ready.set_exception(exc)
                    return
            MCP_SERVER_UP.labels(name).set(0)
            if self._stopping:
                return
            if up_since is None:
                MCP_RESTARTS.labels(name, "failed").inc()
                log.warning("MCP server %s: restart attempt %d failed: %s", name, self._attempt, why)
            else:
                log.warning("MCP server %s lost its connection: %s", name, why)
                if loop.time() - up_since >= _STABLE_AFTER_S:
                    failures_in_a_row = 0
            self.reason = why
            failures_in_a_row += 1
            if failures_in_a_row > self.cfg.restart_attempts:
                self.state = "down"
                MCP_RESTARTS.labels(name, "gave_up").inc()
                log.error(
                    "MCP server %s is down after %d restart attempts (%s); its tools answer with errors until "
                    "the tool executor restarts",
                    name,
                    self.cfg.restart_attempts,
                    why,
                )
                return
            delay = min(self.cfg.restart_backoff_s * 2 ** (failures_in_a_row - 1), _BACKOFF_CAP_S)
            self.state, self._attempt = "restarting", failures_in_a_row
            self._next_attempt_at = loop.time() + delay
            log.info(
                "MCP server %s: restart attempt %d of %d in %.2f s",
                name,
                failures_in_a_row,
                self.cfg.restart_attempts,
                delay,
            )
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)
            if self._stopping:
                return

    async def start(self) -> None:
        """Connect for the first time; raise if that fails (the server is then skipped, never restarted)."""
        ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._task = asyncio.create_task(self._supervise(ready), name=f"mcp:{self.cfg.name}")
        try:
            # The connect timeout is enforced inside; this bound only guards against a stuck transport.
            await asyncio.wait_for(asyncio.shield(ready), self.cfg.connect_timeout_s + 5)
        except BaseException:
            await self.close()
            raise

    def unavailable(self) -> ToolError:
        """The error a call gets while there is no session: why, and whether and when it may come back."""
        name, why = self.cfg.name, f" ({self.reason})" if self.reason else ""
        if self.state == "restarting":
            left = self._next_attempt_at - asyncio.get_running_loop().time()
            when = f"in {left:.1f} s" if left > 0 else "under way"
            return ToolError(
                f"MCP server {name} is down{why}; restart attempt {self._attempt} of "
                f"{self.cfg.restart_attempts} {when}",
                retryable=True,
            )
        if self.state == "down":
            hint = (
                f"gave up after {self.cfg.restart_attempts} restart attempts"
                if self.cfg.restart_attempts
                else "restarts are off (restart_attempts: 0)"
            )
            return ToolError(f"MCP server {name} is down{why}; {hint}; restart the tool executor")
        if self.state == "lost":
            return ToolError(f"MCP server {name} is down{why}; restarting it", retryable=True)
        if self.state == "closed":
            return ToolError(f"MCP server {name} is closed")
        return ToolError(f"MCP server {name} is not connected yet", retryable=True)

    async def call(self, tool: str, arguments: dict[str, Any]) -> ToolCallResult:
        session = self.session
        if session is None:
            raise self.unavailable()
        try:
            result = await session.call_tool(tool, arguments)
        except Exception as exc:
            if not is_connection_lost(exc):
                raise
            self._lose(session, f"a call failed: {_why(exc)}")
            raise ToolError(
                f"MCP server {self.cfg.name} lost its connection ({_why(exc)}); restarting it", retryable=True
            ) from None
        data = result.model_dump(mode="json", by_alias=True, exclude_none=True)
        return ToolCallResult(
            isError=bool(data.get("isError", False)),
            content=list(data.get("content") or []),
            structuredContent=data.get("structuredContent"),
        )

    async def close(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, 10)
            except (TimeoutError, asyncio.CancelledError):
                self._task.cancel()
            except Exception:  # noqa: BLE001
                log.exception("closing MCP server %s failed", self.cfg.name)
            self._task = None
        self.state = "closed"

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
