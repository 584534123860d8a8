"""Parser service: natural-language tasks to intent graphs."""

from __future__ import annotations

import asyncio
from functools import partial

from faststream import FastStream

from autoglm.shared.app import configure_logging, service_app
from autoglm.shared.config import Settings
from autoglm.shared.kafka.runtime import ServiceRuntime
from autoglm.shared.safety import Guard

from . import handlers
from .config import ParserConfig, ParserSettings, make_fallback
from .dialogue import continue_after_question
from .fallback import LoadedOnly
from .pipeline import parse_request


def create_app(settings: Settings | None = None) -> FastStream:
    settings = settings or ParserSettings()
    cfg = settings.parser if isinstance(settings, ParserSettings) else ParserConfig()
    rt = ServiceRuntime("parser", settings)
    fallback = make_fallback(cfg.fallback, cfg)
    parse = partial(parse_request, fallback=fallback) if fallback is not None else parse_request
    # A fallback may load its model on the first clause that needs it (seconds), or call a remote
    # model: until an in-process model is loaded, a parse that reaches the fallback runs off the
    # event loop (it is tried on the loop first with a fallback that refuses to load).
    offload = None if fallback is None else (lambda: not getattr(fallback, "loaded", False))
    inline = partial(parse_request, fallback=LoadedOnly(fallback)) if fallback is not None else None
    # The input guard: rules and a small linear model, ~0.5 ms a request; both load once per process.
    guard = Guard(settings.safety) if settings.safety.enabled else None
    handlers.register(rt, parse, continue_after_question, offload=offload, inline=inline, guard=guard)
    return service_app(rt)


def main() -> None:
    configure_logging()
    asyncio.run(create_app().run())


if __name__ == "__main__":
    main()
