"""A service process runs with its configured cycle-collector thresholds, and gives them back on exit."""

from __future__ import annotations

import gc
from pathlib import Path

from faststream import TestApp
from faststream.kafka import TestKafkaBroker

from autoglm.services.parser.main import create_app
from autoglm.shared.config import Settings


async def test_the_service_lifespan_sets_and_restores_the_gc_thresholds(tmp_path: Path) -> None:
    before = gc.get_threshold()
    settings = Settings(data_dir=tmp_path, broker={"bootstrap_servers": "127.0.0.1:1"},
                        telemetry={"metrics_port": 0}, gc_thresholds=(54_321, 7, 9))
    app = create_app(settings)
    async with TestKafkaBroker(app.broker), TestApp(app):
        assert gc.get_threshold() == (54_321, 7, 9)
    assert gc.get_threshold() == before

