"""Tool-executor service: runs tool calls with allowlists, limits and timeouts."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from faststream import FastStream

from autoglm.shared.app import configure_logging, service_app
from autoglm.shared.kafka.runtime import ServiceRuntime
from autoglm.shared.resources import Resource

from . import handlers, reachability
from .config import ToolExecutorSettings
from .registry import ToolRegistry, build_registry

log = logging.getLogger("autoglm.tool_executor")


def create_app(settings: ToolExecutorSettings | None = None) -> FastStream:
    settings = settings or ToolExecutorSettings()
    rt = ServiceRuntime("tool_executor", settings)
    registry: Resource[ToolRegistry] = Resource("the tool registry")
    tools: dict[str, str] = {}
    checks: list[asyncio.Task[None]] = []

    async def check_tools(built: ToolRegistry) -> None:
        """In the background: a service on a machine without internet must not wait on DNS to start."""
        tools.update(await reachability.check_tools(settings.tools, built.names))
        line = reachability.summary(tools)
        (log.warning if any(v.startswith("unreachable") for v in tools.values()) else log.info)("%s", line)

    async def startup() -> None:
        registry.set(await build_registry(settings.tools, data_dir=settings.data_dir))
        checks.append(asyncio.create_task(check_tools(registry.get())))

    async def shutdown() -> None:
        for task in checks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if (built := registry.peek()) is not None:
            await built.aclose()

    handlers.register(rt, registry)
    return service_app(rt, startup=startup, shutdown=shutdown, details=lambda: {"tools": dict(tools)})


def main() -> None:
    configure_logging()
    asyncio.run(create_app().run())


if __name__ == "__main__":
    main()
