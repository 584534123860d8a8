"""Memory service: the one owner of the Qdrant store (embedded path or server)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from faststream import FastStream

from autoglm.shared.app import configure_logging, service_app
from autoglm.shared.kafka.runtime import ServiceRuntime
from autoglm.shared.multilingual import default_encoder
from autoglm.shared.resources import Resource

from . import handlers
from .config import MemoryServiceSettings
from .store import MemoryStore


def create_app(settings: MemoryServiceSettings | None = None) -> FastStream:
    settings = settings or MemoryServiceSettings()
    rt = ServiceRuntime("memory", settings)
    store: Resource[MemoryStore] = Resource("the memory store")
    tasks: list[asyncio.Task[None]] = []
    encoder = default_encoder()

    def embed(texts: list[str]) -> list[list[float]]:
        return encoder.encode(texts).tolist()

    async def retention() -> None:
        while True:
            await asyncio.sleep(settings.memory.prune_interval_seconds)
            try:
                report = await asyncio.to_thread(store.get().prune)
                logging.getLogger("autoglm.memory").info("retention: %s", report.to_dict())
            except Exception:  # retention must never take the service down
                logging.getLogger("autoglm.memory").exception("retention failed")

    async def startup() -> None:
        api_key = settings.qdrant.api_key.get_secret_value() if settings.qdrant.api_key else None
        store.set(await asyncio.to_thread(
            MemoryStore.open,
            settings.memory,
            path=settings.qdrant_path,
            url=settings.qdrant.url,
            api_key=api_key,
            reembed=embed,
        ))
        # the same encoder embeds what the store keeps and names and links the knowledge graph's entities
        await asyncio.to_thread(encoder.encode, ["warm-up"])  # weights load now, not in a first request
        store.get().graph_encoder = encoder
        if settings.memory.prune_interval_seconds > 0:
            tasks.append(asyncio.create_task(retention()))

    async def shutdown() -> None:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if (opened := store.peek()) is not None:
            await asyncio.to_thread(opened.close)

    handlers.register(rt, store, embed)
    return service_app(rt, startup=startup, shutdown=shutdown)


def main() -> None:
    configure_logging()
    asyncio.run(create_app().run())


if __name__ == "__main__":
    main()
