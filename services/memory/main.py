"""Memory service: the one owner of the Qdrant store (embedded path or server)."""

from __future__ import annotations

import asyncio

from faststream import FastStream

from autoglm.shared.app import configure_logging, service_app
from autoglm.shared.messaging import ServiceRuntime

from . import handlers
from .config import MemoryServiceSettings
from .store import MemoryStore


def create_app(settings: MemoryServiceSettings | None = None) -> FastStream:
    settings = settings or MemoryServiceSettings()
    rt = ServiceRuntime("memory", settings)
    ref: dict[str, MemoryStore] = {}

    async def startup() -> None:
        api_key = settings.qdrant.api_key.get_secret_value() if settings.qdrant.api_key else None
        ref["store"] = await asyncio.to_thread(
            MemoryStore.open,
            settings.memory,
            path=settings.qdrant_path,
            url=settings.qdrant.url,
            api_key=api_key,
        )

    async def shutdown() -> None:
        if "store" in ref:
            await asyncio.to_thread(ref["store"].close)

    handlers.register(rt, ref)
    return service_app(rt, startup=startup, shutdown=shutdown)


def main() -> None:
    configure_logging()
    asyncio.run(create_app().run())


if __name__ == "__main__":
    main()
