"""The common shape of a service app: FastStream + lifespan resources + health endpoint."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from faststream import FastStream

from .health import HealthServer
from .kafka.broker_check import explain_start_failures
from .kafka.runtime import ServiceRuntime

Hook = Callable[[], Awaitable[None]]


# C0/C1 controls, bidi overrides and isolates, zero-width and line/paragraph separators.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


def escape_for_log(text: str) -> str:
    """``text`` on one line with nothing a terminal or log reader would act on (``\\n``, ``\\x1b``, ``\\u202e``)."""
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class EscapingFormatter(logging.Formatter):
    """Log messages carry event text (reasons quoting an attacker's field names, tool errors): one record
    stays one line, so a newline in an event can't forge a log entry. Tracebacks keep their lines."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging's name
        record.message = escape_for_log(record.message)
        return super().formatMessage(record)


def configure_logging() -> None:
    level = os.environ.get("AUTOGLM_LOG_LEVEL", "INFO").upper()
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.setFormatter(EscapingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger("aiokafka").setLevel(logging.WARNING)
    logging.getLogger("faststream").setLevel(logging.WARNING)


def service_app(
    rt: ServiceRuntime,
    *,
    startup: Hook | None = None,
    shutdown: Hook | None = None,
    details: Callable[[], dict] | None = None,
) -> FastStream:
    """Wire lifespan: resources up before the broker consumes, down after it stopped."""
    explain_start_failures(rt.broker, rt.settings.broker.bootstrap_servers or "", rt.settings)
    lag: dict[str, int] = {}

    def all_details() -> dict:
        return {"consumer_lag": dict(lag), **(details() if details else {})}

    health = HealthServer(rt.service, lambda: rt.ready, all_details)

    async def watch_lag() -> None:
        while True:
            await asyncio.sleep(2.0)
            with contextlib.suppress(Exception):
                lag.clear()
                lag.update(await rt.measure_lag())

    @asynccontextmanager
    async def lifespan() -> AsyncIterator[None]:
        gc_before = gc.get_threshold()
        gc.set_threshold(*rt.settings.gc_thresholds)  # see Settings.gc_thresholds
        port = await health.start(rt.settings.telemetry.metrics_port or 0, rt.settings.telemetry.health_host)
        port_file = os.environ.get("AUTOGLM_HEALTH_PORT_FILE")
        if port_file:
            Path(port_file).write_text(str(port))
        if startup is not None:
            await startup()
        watcher = asyncio.create_task(watch_lag())
        try:
            yield
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
            rt.ready = False
            if shutdown is not None:
                await shutdown()
            await health.stop()
            rt.tracer_provider.shutdown()
            gc.set_threshold(*gc_before)

    app = FastStream(rt.broker, lifespan=lifespan, logger=logging.getLogger(f"autoglm.{rt.service}"))

    @app.after_startup
    async def _ready() -> None:
        rt.ready = True

    @app.on_shutdown
    async def _not_ready() -> None:
        rt.ready = False
        await rt.drain()

    app.health = health  # type: ignore[attr-defined]
    return app
