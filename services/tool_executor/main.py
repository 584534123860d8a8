"""Tool-executor service: runs tool calls with allowlists, limits and timeouts."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from faststream import FastStream

from autoglm.shared.app import configure_logging, service_app
from autoglm.shared.kafka.runtime import ServiceRuntime

from . import handlers, reachability
from .config import ToolExecutorSettings
from .registry import ToolRegistry, build_registry

log = logging.getLogger("autoglm.tool_executor")


def create_app(settings: ToolExecutorSettings | None = None) -> FastStream:
    settings = settings or ToolExecutorSettings()
    rt = ServiceRuntime("tool_executor", settings)
    holder: dict[str, ToolRegistry] = {}
    tools: dict[str, str] = {}
    checks: list[asyncio.Task[None]] = []

    class _Lazy:
        async def call(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return await holder["registry"].call(*args, **kwargs)

    async def check_tools(registry: ToolRegistry) -> None:
        """In the background: a service on a machine without internet must not wait on DNS to start."""
        tools.update(await reachability.check_tools(settings.tools, registry.names))
        line = reachability.summary(tools)
        (log.warning if any(v.startswith("unreachable") for v in tools.values()) else log.info)("%s", line)

    async def startup() -> None:
        holder["registry"] = await build_registry(settings.tools, data_dir=settings.data_dir)
        checks.append(asyncio.create_task(check_tools(holder["registry"])))

    async def shutdown() -> None:
        for task in checks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if "registry" in holder:
            await holder["registry"].aclose()

    handlers.register(rt, _Lazy())  # type: ignore[arg-type]
    return service_app(rt, startup=startup, shutdown=shutdown, details=lambda: {"tools": dict(tools)})


def main() -> None:
    configure_logging()
    asyncio.run(create_app().run())


if __name__ == "__main__":
    main()
