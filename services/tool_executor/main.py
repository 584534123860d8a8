"""Tool-executor service: runs tool calls with allowlists, limits and timeouts."""

from __future__ import annotations

import asyncio

from faststream import FastStream

from autoglm.shared.app import configure_logging, service_app
from autoglm.shared.kafka.runtime import ServiceRuntime
from autoglm.shared.resources import Resource

from . import handlers
from .config import ToolExecutorSettings
from .registry import ToolRegistry, build_registry


def create_app(settings: ToolExecutorSettings | None = None) -> FastStream:
    settings = settings or ToolExecutorSettings()
    rt = ServiceRuntime("tool_executor", settings)
    registry: Resource[ToolRegistry] = Resource("the tool registry")

    async def startup() -> None:
        registry.set(await build_registry(settings.tools, data_dir=settings.data_dir))

    async def shutdown() -> None:
        if (built := registry.peek()) is not None:
            await built.aclose()

    handlers.register(rt, registry)
    return service_app(rt, startup=startup, shutdown=shutdown)


def main() -> None:
    configure_logging()
    asyncio.run(create_app().run())


if __name__ == "__main__":
    main()
