"""Parser service: natural-language tasks to intent graphs."""

from __future__ import annotations

import asyncio

from faststream import FastStream

from autoglm.shared.app import configure_logging, service_app
from autoglm.shared.config import Settings
from autoglm.shared.messaging import ServiceRuntime

from . import handlers
from .dialogue import continue_after_question
from .logic import parse_request


def create_app(settings: Settings | None = None) -> FastStream:
    settings = settings or Settings()
    rt = ServiceRuntime("parser", settings)
    handlers.register(rt, parse_request, continue_after_question)
    return service_app(rt)


def main() -> None:
    configure_logging()
    asyncio.run(create_app().run())


if __name__ == "__main__":
    main()
