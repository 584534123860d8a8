"""Planner service: intent graphs in, step requests out, one result per task."""

from __future__ import annotations

import asyncio
import os

from faststream import FastStream

from autoglm.shared.app import configure_logging, service_app
from autoglm.shared.kafka.follow import TopicFollower
from autoglm.shared.kafka.runtime import ServiceRuntime
from autoglm.shared.kafka.security import security_kwargs
from autoglm.shared.safety import Guard, configured_secrets
from autoglm.shared.topics import PROMPTS

from . import answers
from .config import PlannerSettings
from .coordinator import Coordinator
from .prompts import protected_texts
from .variants import VariantBook


def create_app(settings: PlannerSettings | None = None) -> FastStream:
    settings = settings or PlannerSettings()
    rt = ServiceRuntime("planner", settings)
    policy = settings.planner
    if "timezone" not in policy.model_fields_set:
        # Reference days follow the zone the parser resolved the request's dates in.
        policy = policy.model_copy(update={"timezone": settings.default_timezone})
    guard = None
    if settings.safety.enabled:
        # The output guard: answers may not repeat the prompts' system lines or a configured secret.
        guard = Guard(settings.safety)
        guard.protect(texts=protected_texts(), secrets=configured_secrets(settings, dict(os.environ)))
    book = VariantBook()
    coordinator = Coordinator(rt, policy, guard, book)
    coordinator.subscribe()
    followers: list[TopicFollower] = []

    async def startup() -> None:
        # The answer checks' models load now, before the first task, off the event loop (answers.py).
        await asyncio.to_thread(answers.load_checkers)
        # Prompt policies first (read to the end), so the first tasks already get their users' variants.
        follower = TopicFollower(settings.broker.bootstrap_servers or "", rt.topic(PROMPTS), book.apply,
                                 client_kwargs=security_kwargs(settings))
        await follower.start()
        followers.append(follower)
        await coordinator.start()

    async def shutdown() -> None:
        await coordinator.stop()
        for follower in followers:
            await follower.stop()

    app = service_app(
        rt,
        startup=startup,
        shutdown=shutdown,
        details=lambda: {
            "tasks_in_flight": len(coordinator.tasks),
            "admission_paused": coordinator.admission_paused,
            "admission_pauses": coordinator.admission_pauses,
            "partitions": sorted(coordinator.owned),
        },
    )
    app.coordinator = coordinator  # type: ignore[attr-defined]
    return app


def main() -> None:
    configure_logging()
    asyncio.run(create_app().run())


if __name__ == "__main__":
    main()
