"""Parser service: natural-language tasks to intent graphs."""

from __future__ import annotations

import asyncio
from functools import partial

from faststream import FastStream

from autoglm.shared.app import configure_logging, service_app
from autoglm.shared.config import Settings
from autoglm.shared.kafka.runtime import ServiceRuntime
from autoglm.shared.safety import Guard
from autoglm.shared.topics import PARSER_EXAMPLES

from . import handlers
from .config import ParserConfig, ParserSettings, make_fallback
from .examples import ExampleFollower
from .fallback import LoadedOnly
from .understanding import Understander


def create_app(settings: Settings | None = None) -> FastStream:
    settings = settings or ParserSettings()
    cfg = settings.parser if isinstance(settings, ParserSettings) else ParserConfig()
    rt = ServiceRuntime("parser", settings)
    fallback = make_fallback(cfg.fallback, cfg)
    understander = Understander(fallback)
    # A fallback may load its model on the first clause that needs it (seconds), or call a remote
    # model: until an in-process model is loaded, a parse that reaches the fallback runs off the
    # event loop (it is tried on the loop first with a fallback that refuses to load). The example
    # bank loads at startup, so in the running service every parse stays on the loop.
    offload = None if fallback is None else (lambda: not understander.loaded)
    inline = partial(understander.parse, fallback=LoadedOnly(fallback)) if fallback is not None else None
    # The input guard: rules and a small linear model, ~0.5 ms a request; both load once per process. Its
    # semantic layer shares the multilingual encoder (one per process) with the example bank.
    guard = Guard(settings.safety) if settings.safety.enabled else None
    handlers.register(rt, understander.parse, understander.answer, offload=offload, inline=inline, guard=guard)
    followers: list[ExampleFollower] = []

    async def startup() -> None:
        if guard is not None:
            await asyncio.to_thread(guard.warm)  # the encoder of the semantic layer, before the first task
        bank = understander.bank
        if bank is None:
            return
        await asyncio.to_thread(bank.load)  # the encoder and the seed's vectors, before the first task
        if cfg.follow_examples and settings.broker.bootstrap_servers:
            from autoglm.shared.kafka.security import security_kwargs

            follower = ExampleFollower(bank, settings.broker.bootstrap_servers, rt.topic(PARSER_EXAMPLES),
                                       client_kwargs=security_kwargs(settings))
            await follower.start()  # every tenant's examples, read to the end before tasks are taken
            followers.append(follower)

    async def shutdown() -> None:
        for follower in followers:
            await follower.stop()

    return service_app(rt, startup=startup, shutdown=shutdown)


def main() -> None:
    configure_logging()
    asyncio.run(create_app().run())


if __name__ == "__main__":
    main()
