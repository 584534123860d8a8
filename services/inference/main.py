"""Inference service: the only process that loads torch and the models."""

from __future__ import annotations

import asyncio
from typing import Any

from faststream import FastStream

from autoglm.shared.app import configure_logging, service_app
from autoglm.shared.kafka.runtime import ServiceRuntime
from autoglm.shared.resources import Resource

from . import handlers
from .config import InferenceServiceSettings
from .engine import InferenceEngine


def create_app(settings: InferenceServiceSettings | None = None, engine: Any = None) -> FastStream:
    """``engine`` may be injected (tests); otherwise it is created from config at startup."""
    settings = settings or InferenceServiceSettings()
    rt = ServiceRuntime("inference", settings)
    cfg = settings.inference_config()
    loaded: Resource[Any] = Resource("the inference engine", engine)

    async def startup() -> None:
        if loaded.peek() is None:
            loaded.set(await InferenceEngine.create(cfg, data_dir=settings.data_dir))

    async def shutdown() -> None:
        if engine is None and (created := loaded.peek()) is not None:
            await created.aclose()

    handlers.register(rt, loaded, max_records=cfg.max_batch_size + (cfg.max_batch_size if cfg.max_waiting is None else cfg.max_waiting))
    return service_app(
        rt,
        startup=startup,
        shutdown=shutdown,
        details=lambda: {"model": getattr(loaded.peek(), "model_name", None)},
    )


def main() -> None:
    configure_logging()
    asyncio.run(create_app().run())


if __name__ == "__main__":
    main()
