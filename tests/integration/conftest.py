"""One real stack for the integration tests: embedded Tansu, five service processes, real models, real Qdrant.

Topics carry a per-run prefix and the data directory is a fresh temporary folder, so runs never
share state. Converted model weights are cached under data/models so only the first run converts.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from autoglm.shared.cli.stack import Stack
from autoglm.shared.config import Settings
from autoglm.shared.devtools.fake_open_meteo import serve as serve_weather

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    data_dir = tmp_path_factory.mktemp("stack")
    prefix = f"it{uuid.uuid4().hex[:6]}."
    weather = serve_weather()
    weather_url = weather.__enter__()
    env = {
        "AUTOGLM_TOOLS__WEATHER__FORECAST_BASE_URL": weather_url,
        "AUTOGLM_TOOLS__WEATHER__GEOCODING_BASE_URL": weather_url,
        "AUTOGLM_INFERENCE__CACHE_DIR": str(REPO / "data" / "models"),
        "AUTOGLM_TIMEOUT_SECONDS": "120",
        # Bound generations by tokens, not by the clock: the tests check that generation runs, streams and is
        # composed, not how long it is. At the default cap (256) a degenerate Chinese poem ran past the planner's
        # 90 s generation limit on the shared 2-core machine (load ~3); 128 tokens halve the worst case.
        "AUTOGLM_INFERENCE__MAX_NEW_TOKENS_CAP": "128",
        # the gateway on a free port, with a development token minted by the stack; tenant `limited` gets a
        # tiny rate so the 429 path is reachable in a few requests
        "AUTOGLM_GATEWAY__PORT": "0",
        "AUTOGLM_GATEWAY__SSE_HEARTBEAT_SECONDS": "1",
        "AUTOGLM_GATEWAY__RATE_LIMIT__TENANTS": '{"limited": [0.2, 2]}',
    }
    # The test process's own environment stays untouched: other tests build their own settings.
    settings = Settings(data_dir=data_dir, topic_prefix=prefix, timeout_seconds=120)
    s = Stack(settings, extra_env=env)
    stop = [False]
    supervisor = threading.Thread(target=s.supervise, args=(stop,), daemon=True)
    try:
        s.start()
        if not s.wait_ready(400):
            logs = "\n".join(
                f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in (data_dir / "logs").glob("*.log")
            )
            raise RuntimeError(f"stack not ready: {s.ready()}\n{logs}")
        supervisor.start()  # restarts a killed service, as `autoglm up` does
        yield s
    finally:
        stop[0] = True
        if supervisor.is_alive():
            supervisor.join(5)
        s.stop()
        weather.__exit__(None, None, None)


class Bus:
    """Raw Kafka access as an upstream/downstream system has it: JSON bytes in, JSON bytes out."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.prefix = stack.settings.topic_prefix
        self.bootstrap = stack.bootstrap or ""

    async def publish(self, topic: str, value: bytes | dict[str, Any], key: str | None = None) -> None:
        producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap)
        await producer.start()
        try:
            raw = value if isinstance(value, bytes) else json.dumps(value, ensure_ascii=False).encode()
            await producer.send_and_wait(self.prefix + topic, raw, key=key.encode() if key else None)
        finally:
            await producer.stop()

    async def read(self, topic: str, predicate: Any, count: int = 1, timeout: float = 120) -> list[dict[str, Any]]:
        """Records of ``topic`` (from the beginning) whose decoded JSON satisfies ``predicate``."""
        consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, group_id=None, enable_auto_commit=False,
                                    fetch_max_wait_ms=20)
        await consumer.start()
        found: list[dict[str, Any]] = []
        try:
            name = self.prefix + topic
            parts = [TopicPartition(name, p) for p in sorted(consumer.partitions_for_topic(name) or {0})]
            consumer.assign(parts)
            await consumer.seek_to_beginning(*parts)
            loop = asyncio.get_running_loop()
            deadline = loop.time() + timeout
            while len(found) < count and loop.time() < deadline:
                batch = await consumer.getmany(timeout_ms=200)
                for records in batch.values():
                    for rec in records:
                        try:
                            doc = json.loads(rec.value)
                        except (TypeError, ValueError):
                            continue
                        if predicate(doc):
                            found.append(doc)
            return found
        finally:
            await consumer.stop()

    async def result(self, task_id: str, timeout: float = 150) -> dict[str, Any]:
        found = await self.read("autoglm.results", lambda d: d.get("taskid") == task_id, 1, timeout)
        assert found, f"no result for {task_id} within {timeout}s"
        return found[0]

    async def turn_stored(self, task_id: str, session: str, tenant: str = "acme", timeout: float = 120) -> None:
        """Wait until memory has the session turn of ``task_id`` (written after the result, fire-and-forget), by
        asking memory for the session's turns: no wall-clock guess at how long the write takes."""
        from autoglm.shared.events import EventType, MemoryRecall
        from autoglm.shared.sdk.rpc import StepClient
        from autoglm.shared.topics import MEMORY_REQUESTS

        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        async with StepClient(self.bootstrap, self.stack.settings, tenant=tenant, source="/tests") as client:
            while True:
                reply = await client.call(MEMORY_REQUESTS, EventType.MEMORY_REQUESTED,
                                          MemoryRecall(step_id="x", reply_to="x", limit=50), session_id=session)
                if any(t.get("task_id") == task_id for t in reply.output.get("turns", [])):
                    return
                assert loop.time() < deadline, f"the turn of {task_id} was not stored within {timeout}s"
                await asyncio.sleep(0.3)

    async def results(self, task_id: str, settle: float = 2.0) -> list[dict[str, Any]]:
        """Every result of a task (to check there is exactly one)."""
        await asyncio.sleep(settle)
        return await self.read("autoglm.results", lambda d: d.get("taskid") == task_id, 10**6, timeout=3)


@pytest.fixture
def bus(stack: Stack) -> Bus:
    return Bus(stack)


def task_event(text: str, *, task_id: str | None = None, session: str | None = None, **data: Any) -> dict[str, Any]:
    """A task exactly as an upstream system writes it: plain JSON, CloudEvents structured mode."""
    task_id = task_id or f"it-{uuid.uuid4().hex[:12]}"
    return {
        "specversion": "1.0",
        "id": task_id,
        "source": "/tests/upstream",
        "type": "autoglm.task.requested",
        "taskid": task_id,
        "sessionid": session or task_id,
        "tenant": "acme",
        "data": {"text": text, **data},
    }


def log_tails(stack: Stack, lines: int = 60) -> str:
    """The last ``lines`` lines of each service's log (and where the whole logs are)."""
    logs = stack.settings.data_dir / "logs"
    parts = [f"(the stack's logs: {logs})"]
    for path in sorted(logs.glob("*.log")):
        tail = path.read_text(errors="replace").splitlines()[-lines:]
        parts.append(f"--- {path.name}\n" + "\n".join(tail))
    return "\n".join(parts)


@contextlib.contextmanager
def logs_on_failure(stack: Stack) -> Iterator[None]:
    """A failed assertion inside carries the services' log tails, so a failure under load can be read
    after the stack (and a temporary data directory) is gone."""
    try:
        yield
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{log_tails(stack)}") from None
