"""The planner stops promptly after it has recovered its partitions.

Recovery reads the checkpoint and result partitions with a second, group-less consumer inside
the rebalance callback. Unsubscribing that consumer there once left the group consumer's
close() waiting forever, so every graceful stop ended in the supervisor's SIGKILL.
"""

from __future__ import annotations

import asyncio

from autoglm.services.planner.config import PlannerSettings
from autoglm.services.planner.main import create_app
from autoglm.shared.cli.embedded import EmbeddedBroker, create_topics


async def _assigned(app_task: asyncio.Task[None], coordinator_owned: set[int], timeout: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not coordinator_owned and loop.time() < deadline and not app_task.done():
        await asyncio.sleep(0.2)


async def test_planner_stops_after_recovering_its_partitions() -> None:
    with EmbeddedBroker() as broker:
        await create_topics(broker.bootstrap_servers)
        settings = PlannerSettings(
            broker={"bootstrap_servers": broker.bootstrap_servers, "session_timeout_ms": 2000, "heartbeat_interval_ms": 300}
        )
        app = create_app(settings)
        run = asyncio.create_task(app.run())
        try:
            coordinator = app.coordinator  # type: ignore[attr-defined]
            await _assigned(run, coordinator.owned, 60)
            assert coordinator.owned, "the planner never got its partitions"
            # Generous bound: a healthy stop takes well under a second; the defect hung forever.
            await asyncio.wait_for(app.stop(), 30)
        finally:
            if not run.done():
                run.cancel()
