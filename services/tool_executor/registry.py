"""The tool registry: lists tools in MCP's shape and runs calls within their limits.

This is the one place where arguments are validated, destructive tools are gated, timeouts,
concurrency limits and retries are enforced, and output size is capped. `call` never raises:
every failure is an MCP result with ``isError: true`` and a message that says why.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
from pydantic import BaseModel

from .config import ToolsConfig
from .context import ToolCallResult, ToolContext, ToolError
from .plugin import ToolDefinition, discover_plugins

log = logging.getLogger(__name__)

KbBackend = Callable[[str, int, ToolContext], Awaitable[Any]]
Closer = Callable[[], Awaitable[None]]

__all__ = ["KbBackend", "ToolCallResult", "ToolContext", "ToolError", "ToolRegistry", "build_registry"]


class _OutputTooLarge(Exception):
    pass


def _check_size(obj: Any, cap: int) -> None:
    """Raise _OutputTooLarge once the JSON form of `obj` passes `cap` bytes, without building all of it."""
    if isinstance(obj, str) and len(obj) > cap:  # characters <= bytes: no need to encode it
        raise _OutputTooLarge
    size = 0
    for chunk in _ENCODER.iterencode(obj):
        size += len(chunk) if chunk.isascii() else len(chunk.encode())
        if size > cap:
            raise _OutputTooLarge


_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)


class ToolRegistry:
    """Tools by name, plus the limits they run under."""

    def __init__(self, cfg: ToolsConfig, *, max_threads: int = 16) -> None:
        self.cfg = cfg
        self._tools: dict[str, ToolDefinition] = {}
        self._validators: dict[str, jsonschema.protocols.Validator] = {}
        self._semaphores: dict[str, asyncio.Semaphore] = {}
        self._closers: list[Closer] = []
        # Sync tools run here, not in the loop's default pool, so a hung tool can't starve the service.
        self._executor = ThreadPoolExecutor(max_workers=max_threads, thread_name_prefix="tool")

    # ------------------------------------------------------------------ registration

    def add(self, definition: ToolDefinition) -> bool:
        """Register a tool unless config disables it or the name is taken. Returns whether it was added."""
        name = definition.name
        if self.cfg.enabled is not None and name not in self.cfg.enabled:
            return False
        if name in self.cfg.disabled:
            return False
        if name in self._tools:
            log.warning(
                "tool %s from %s ignored: name taken by %s", name, definition.source, self._tools[name].source
            )
            return False
        validator_cls = jsonschema.validators.validator_for(
            definition.input_schema, jsonschema.Draft202012Validator
        )
        validator_cls.check_schema(definition.input_schema)
        self._validators[name] = validator_cls(definition.input_schema)
        limits = self.cfg.per_tool.get(name)
        width = (
            (limits and limits.max_concurrency)
            or definition.max_concurrency
            or self.cfg.default_max_concurrency
        )
        self._semaphores[name] = asyncio.Semaphore(width)
        self._tools[name] = definition
        return True

    def add_closer(self, closer: Closer) -> None:
        """Run `closer` on :meth:`aclose` (MCP sessions, HTTP clients)."""
        self._closers.append(closer)

    def get(self, name: str) -> ToolDefinition | None:
        return self._tools.get(name)

    @property
    def names(self) -> list[str]:
        return sorted(self._tools)

    def list_tools(self) -> list[dict[str, Any]]:
        """Every tool as an MCP tools/list entry, sorted by name."""
        return [self._tools[n].to_mcp() for n in self.names]

    # ------------------------------------------------------------------ calling

    async def call(self, name: str, arguments: dict[str, Any] | None, ctx: ToolContext) -> ToolCallResult:
        """Run one tool call. Never raises; failures come back as ``isError`` results.

        Retries (idempotent tools only) follow a ``ToolError(retryable=True)`` or an ``OSError``.
        """
        started = time.perf_counter()
        try:
            result = await self._call(name, arguments if arguments is not None else {}, ctx)
        except ToolError as exc:
            result = ToolCallResult.error(str(exc))
        except Exception as exc:  # noqa: BLE001 - the contract is: never a traceback
            log.exception("tool %s crashed", name)
            result = ToolCallResult.error(f"{name} failed: {type(exc).__name__}: {exc}")
        # DEBUG, not INFO: a log line per call cost a tenth of the executor's CPU, and the
        # execute_tool span records the same (tool, task, error, duration).
        log.debug(
            "tool call %s task=%s error=%s %.1f ms",
            name,
            ctx.task_id,
            result.isError,
            (time.perf_counter() - started) * 1000,
        )
        return result

    async def _call(self, name: str, arguments: Any, ctx: ToolContext) -> ToolCallResult:
        definition = self._tools.get(name)
        if definition is None:
            raise ToolError(f"unknown tool {name!r}; available: {', '.join(self.names)}")
        if not isinstance(arguments, dict):
            raise ToolError(
                f"invalid arguments for {name}: expected a JSON object, got {type(arguments).__name__}"
            )
        error = jsonschema.exceptions.best_match(self._validators[name].iter_errors(arguments))
        if error is not None:
            where = "/".join(str(p) for p in error.absolute_path)
            raise ToolError(f"invalid arguments for {name}: {where + ': ' if where else ''}{error.message}")
        if definition.destructive and not ctx.allow_destructive:
            raise ToolError(f"{name} is destructive and this task does not allow destructive tools")
        value = await self._run_limited(definition, arguments, ctx)
        return self._to_result(definition, value)

    def _limits(self, definition: ToolDefinition) -> tuple[float, int]:
        override = self.cfg.per_tool.get(definition.name)
        timeout = (override and override.timeout_s) or definition.timeout_s or self.cfg.default_timeout_s
        retries = 0
        if definition.idempotent:
            retries = (
                override.retries if override and override.retries is not None else self.cfg.default_retries
            )
        return timeout, retries

    async def _run_limited(
        self, definition: ToolDefinition, arguments: dict[str, Any], ctx: ToolContext
    ) -> Any:
        limit, retries = self._limits(definition)
        semaphore = self._semaphores[definition.name]
        for attempt in range(retries + 1):
            timeout = limit
            if ctx.deadline is not None:
                deadline = ctx.deadline if ctx.deadline.tzinfo else ctx.deadline.replace(tzinfo=UTC)
                left = (deadline - datetime.now(UTC)).total_seconds()
                if left <= 0:
                    raise ToolError(f"{definition.name} not run: the task's deadline has passed")
                timeout = min(limit, left)
            try:
                # The deadline covers waiting for a concurrency slot too: a call never waits forever.
                async with asyncio.timeout(timeout), semaphore:
                    return await self._invoke(definition, arguments, ctx)
            except TimeoutError:
                raise ToolError(f"{definition.name} timed out after {timeout:.3g} s") from None
            except ToolError as exc:
                if not exc.retryable or attempt == retries:
                    raise
                reason: Exception = exc
            except OSError as exc:  # connection trouble: worth another try for an idempotent tool
                if attempt == retries:
                    raise ToolError(f"{definition.name} failed: {type(exc).__name__}: {exc}") from None
                reason = exc
            except Exception as exc:  # noqa: BLE001 - a bug or bad input: retrying won't help
                raise ToolError(f"{definition.name} failed: {type(exc).__name__}: {exc}") from None
            delay = self.cfg.retry_backoff_s * (2**attempt)
            log.info("retrying idempotent tool %s in %.2f s after: %s", definition.name, delay, reason)
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def _invoke(self, definition: ToolDefinition, arguments: dict[str, Any], ctx: ToolContext) -> Any:
        if definition.is_async:
            return await definition.handler(arguments, ctx)  # type: ignore[misc]
        if definition.inline:
            return definition.handler(arguments, ctx)
        loop = asyncio.get_running_loop()
        # A sync tool that ignores its deadline keeps its thread; the caller still gets the timeout.
        return await loop.run_in_executor(self._executor, definition.handler, arguments, ctx)

    def _to_result(self, definition: ToolDefinition, value: Any) -> ToolCallResult:
        """Shape a tool's return value as an MCP result, refusing it once it passes the size cap.

        Sizes are measured before any JSON text is built, so an oversized value is never copied.
        """
        cap = self.cfg.max_output_bytes

        def fits(obj: Any) -> None:
            try:
                _check_size(obj, cap)
            except _OutputTooLarge:
                raise ToolError(f"{definition.name} returned more than {cap} bytes; output refused") from None

        if isinstance(value, str):
            fits(value)
            return ToolCallResult.ok(value, {"result": value} if definition.output_schema else None)
        if isinstance(value, ToolCallResult):
            fits(value.content)
            fits(value.structuredContent)
            return value
        if isinstance(value, BaseModel):
            # A model may say how it reads as text (`tool_text()`); otherwise the text block is its JSON.
            structured = value.model_dump(mode="json")
            fits(structured)
            text = value.tool_text() if hasattr(value, "tool_text") else None
            fits(text)
            return ToolCallResult.from_structured(structured, text)
        fits(value)
        if isinstance(value, dict):
            return ToolCallResult.from_structured(value)
        return ToolCallResult.ok(json.dumps(value, ensure_ascii=False, default=str), {"result": value})

    async def aclose(self) -> None:
        """Close MCP sessions and clients; abandon threads of sync tools still running."""
        for closer in reversed(self._closers):
            try:
                await closer()
            except Exception:  # noqa: BLE001
                log.exception("closing a tool resource failed")
        self._closers.clear()
        self._executor.shutdown(wait=False, cancel_futures=True)


async def build_registry(
    cfg: ToolsConfig,
    *,
    data_dir: Path,
    kb_backend: KbBackend | None = None,
    extra_tools: Iterable[ToolDefinition] = (),
) -> ToolRegistry:
    """Built-ins, then plugins, then MCP servers' tools (earlier names win on a clash).

    `kb_backend(query, top_k, ctx)` serves kb_search; without it kb_search answers with an error that
    names the memory service. A plugin or MCP server that fails to load is logged and skipped.
    """
    from .builtins import builtin_tools
    from .mcp_bridge import connect_mcp_servers

    registry = ToolRegistry(cfg)
    for definition in builtin_tools(cfg, data_dir=data_dir, kb_backend=kb_backend):
        registry.add(definition)
    for definition in extra_tools:
        registry.add(definition)
    if cfg.plugins_enabled:
        for definition in discover_plugins(cfg.plugins_allow):
            registry.add(definition)
    if cfg.mcp_servers:
        await connect_mcp_servers(registry, cfg.mcp_servers)
    return registry
