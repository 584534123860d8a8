"""Feedback service: the one owner of the feedback store (ratings, corrections, prompt variants).

Why a service of its own: feedback state is relational (tasks, ratings per variant, assignments, pins) and
read by the CLI, the bandit and the fine-tuning export; the memory service owns a vector store and answers
the planner's hot path, the planner keeps only open tasks, and the gateway is an edge that keeps what it needs
to answer HTTP. A small service that reads the task, result and feedback topics owns it alone, publishes what
the others need (prompt policies, parser examples, trusted facts) as events, and imports no other service.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from faststream import FastStream

from autoglm.shared.app import configure_logging, service_app
from autoglm.shared.kafka.runtime import ServiceRuntime
from autoglm.shared.resources import Resource

from . import handlers
from .config import FeedbackServiceSettings
from .intake import Intake
from .store import FeedbackStore

log = logging.getLogger("autoglm.feedback")


def create_app(settings: FeedbackServiceSettings | None = None, store: FeedbackStore | None = None) -> FastStream:
    """``store`` may be injected (tests); otherwise it is opened at startup."""
    settings = settings or FeedbackServiceSettings()
    cfg = settings.feedback
    rt = ServiceRuntime("feedback", settings)
    intake: Resource[Intake] = Resource("the feedback store", Intake(store, cfg) if store is not None else None)
    tasks: list[asyncio.Task[None]] = []

    async def retention() -> None:
        while True:
            await asyncio.sleep(3600)
            try:
                removed = intake.get().store.prune(cfg.task_retention_days * 86400)
                log.info("retention: %d unrated task(s) forgotten", removed)
            except Exception:  # retention must never take the service down
                log.exception("retention failed")

    async def startup() -> None:
        if intake.peek() is None:
            intake.set(Intake(FeedbackStore.open(settings.feedback_store_path), cfg))
        tasks.append(asyncio.create_task(retention()))

    async def after_startup() -> None:
        # Policies again at every start: the embedded broker keeps no topic across its restarts.
        await handlers.publish_all(rt, intake.get().all_policies())

    async def shutdown() -> None:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if store is None and (opened := intake.peek()) is not None:
            opened.store.close()

    handlers.register(rt, intake, unknown_task_wait=cfg.unknown_task_wait_seconds)
    app = service_app(rt, startup=startup, shutdown=shutdown)
    app.after_startup(after_startup)
    return app


def main() -> None:
    configure_logging()
    asyncio.run(create_app().run())


if __name__ == "__main__":
    main()
