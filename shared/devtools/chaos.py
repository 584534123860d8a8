"""Chaos run: tasks through the embedded stack while services are SIGKILLed and restarted.

Every task must get exactly one result. Results are read raw from ``autoglm.results`` from
its beginning (not through the SDK's waiters), so a duplicate is counted, not hidden.

Tasks need no text generation (calculator, clock, "remember that ..."): generation on a CPU takes
seconds per task and would measure the model, not delivery. The inference and memory services still
take part: a remember task embeds the fact and stores it in long-term memory before its result, and
every task's turn is stored in session memory after it, so a kill there hits real work.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import platform
import random
import signal
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from ..cli.stack import SERVICES, Stack
from ..config import Settings
from ..kafka.codec import read_event
from ..kafka.security import security_kwargs
from ..sdk.client import AutoGLMClient
from ..topics import RESULTS

REPO = Path(__file__).resolve().parents[2]


def machine() -> str:
    return f"{os.cpu_count()}-core CPU ({platform.machine()}, {platform.system()}), no GPU, embedded Tansu broker"


@contextlib.contextmanager
def running_stack(
    data_dir: Path | None = None,
    *,
    env: dict[str, str] | None = None,
    ready_timeout: float = 400.0,
    services: tuple[str, ...] = SERVICES,
) -> Iterator[Stack]:
    """An embedded stack with its own data directory and topic prefix, supervised (dead services restart).
    By default the five pipeline services only: no gateway process takes CPU from what is measured."""
    tmp = None
    if data_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="autoglm-chaos-")
        data_dir = Path(tmp.name)
    wanted = {
        "AUTOGLM_DATA_DIR": str(data_dir),
        "AUTOGLM_TOPIC_PREFIX": f"chaos{uuid.uuid4().hex[:6]}.",
        "AUTOGLM_INFERENCE__CACHE_DIR": os.environ.get("AUTOGLM_INFERENCE__CACHE_DIR", str(REPO / "data" / "models")),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
        **(env or {}),
    }
    old = {k: os.environ.get(k) for k in wanted}
    os.environ.update(wanted)
    stack = Stack(Settings(), services=services)
    stop = [False]
    supervisor = threading.Thread(target=stack.supervise, args=(stop,), daemon=True)
    try:
        stack.start()
        if not stack.wait_ready(ready_timeout):
            logs = "\n".join(
                f"--- {p.name}\n{p.read_text(errors='replace')[-2000:]}" for p in (data_dir / "logs").glob("*.log")
            )
            raise RuntimeError(f"stack not ready: {stack.ready()}\n{logs}")
        supervisor.start()
        yield stack
    finally:
        stop[0] = True
        if supervisor.is_alive():
            supervisor.join(5)
        stack.stop()
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        if tmp is not None:
            tmp.cleanup()


def task_texts(n: int, seed: int = 7) -> list[str]:
    """Mostly calculator tasks with varied numbers, every tenth a clock question, every tenth a fact to remember."""
    rng = random.Random(seed)
    texts = []
    for i in range(n):
        a, b, c = rng.randint(2, 999), rng.randint(2, 999), rng.randint(2, 9)
        if i % 10 == 9:
            texts.append(rng.choice(["现在几点", "现在几点？", "What time is it now?"]))
        elif i % 10 == 4:
            texts.append(rng.choice([f"记住我的储物柜号码是{a}", f"Remember that my locker number is {a}."]))
        elif i % 3 == 0:
            texts.append(f"({a}+{b})*{c}等于多少？")
        else:
            texts.append(f"What is {a}*{b}?")
    return texts


async def read_results(
    bootstrap: str,
    topic: str,
    task_ids: set[str],
    *,
    timeout: float,
    settle: float,
    settings: Settings | None = None,
) -> tuple[Counter[str], Counter[str]]:
    """Count every record per task id on ``topic`` from its beginning, until all ids are seen and
    ``settle`` seconds passed without a new one, or ``timeout``. Returns (count per task, status count).
    ``settings``: the broker security to connect with (default: plaintext)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                                fetch_max_wait_ms=50, **(security_kwargs(settings) if settings else {}))
    await consumer.start()
    counts: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    try:
        parts = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or {0})]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        last_new = loop.time()
        while loop.time() < deadline:
            batch = await consumer.getmany(timeout_ms=200)
            for records in batch.values():
                for rec in records:
                    event = read_event(rec.value, rec.headers)
                    if event is None:
                        continue
                    attrs, data = event
                    task_id = attrs.get("taskid")
                    if task_id in task_ids:
                        counts[task_id] += 1
                        statuses[str((data or {}).get("status"))] += 1
                        last_new = loop.time()
            if len(counts) == len(task_ids) and loop.time() - last_new >= settle:
                break
        return counts, statuses
    finally:
        await consumer.stop()


PUBLISH_TICK_S = 0.005


async def publish_paced(
    client: AutoGLMClient, texts: list[str], rate: float | None, tag: str, *, tenant: str = "default"
) -> tuple[set[str], float]:
    """Publish ``texts`` at ``rate`` tasks/s (None: as fast as possible).

    Every record is built and serialised before the clock starts, and the records due at each
    5 ms tick go into the producer's batch together, so the publisher is limited by the broker,
    not by building events one at a time on the same two cores as the stack. Returns the task ids
    and the monotonic time the clock started (after the records were built)."""
    prepared = [
        client.prepare_task(text, task_id=f"{tag}-{i:06d}-{uuid.uuid4().hex[:6]}", tenant=tenant)
        for i, text in enumerate(texts)
    ]
    acks = []
    t0 = time.monotonic()
    sent = 0
    while sent < len(prepared):
        due = len(prepared) if not rate else min(len(prepared), int((time.monotonic() - t0) * rate) + 1)
        for p in prepared[sent:due]:
            acks.append(await client.send_prepared(p, wait=False))
        sent = due
        if sent < len(prepared):
            await asyncio.sleep(PUBLISH_TICK_S)
    await asyncio.gather(*acks)
    return {p.task_id for p in prepared}, t0


async def stored_turns(stack: Stack, tenant: str, expected: int, *, timeout: float) -> int:
    """Session turns the memory service holds for ``tenant``, asked until ``expected`` or ``timeout``.
    (Turns are written after the result, so they may trail the last result by a moment.)"""
    from ..events import EventType, MemoryStats
    from ..sdk.rpc import StepClient
    from ..topics import MEMORY_REQUESTS

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    turns = 0
    async with StepClient(stack.bootstrap or "", stack.settings) as client:
        while True:
            request = MemoryStats(step_id="x", reply_to="x")
            reply = await client.call(MEMORY_REQUESTS, EventType.MEMORY_REQUESTED, request, timeout=60)
            turns = int(reply.output.get(tenant, {}).get("turns", 0))
            if turns >= expected or loop.time() >= deadline:
                return turns
            await asyncio.sleep(1.0)


def _killer(stack: Stack, schedule: list[tuple[float, str]], started: float, killed: list[str]) -> None:
    for at, name in schedule:
        time.sleep(max(0.0, started + at - time.monotonic()))
        sp = stack.procs[name]
        if sp.proc is not None and sp.proc.poll() is None:
            os.kill(sp.proc.pid, signal.SIGKILL)
            killed.append(name)


async def run_chaos(
    stack: Stack,
    n_tasks: int,
    *,
    kill: Sequence[str] = SERVICES,
    window_s: float = 20.0,
    result_timeout_s: float = 300.0,
    settle_s: float = 5.0,
    seed: int | None = None,
) -> dict[str, Any]:
    """Publish ``n_tasks`` spread over ``window_s`` while each service in ``kill`` is SIGKILLed once,
    at a random moment in its own slice of the window; then count results."""
    rng = random.Random(seed)
    order = list(kill)
    rng.shuffle(order)
    slot = window_s / max(1, len(order))
    schedule = [(slot * i + rng.uniform(0.2, 0.8) * slot, name) for i, name in enumerate(order)]
    bootstrap = stack.bootstrap or ""
    prefix = stack.settings.topic_prefix
    texts = task_texts(n_tasks, seed=rng.randint(0, 10**6))
    killed: list[str] = []
    # A tenant of the run's own: its stored session turns are this run's and nothing else's.
    tenant = f"chaos-{uuid.uuid4().hex[:8]}"
    started = time.monotonic()
    async with AutoGLMClient(bootstrap, settings=stack.settings, source="/autoglm/chaos") as client:
        killer = threading.Thread(target=_killer, args=(stack, schedule, time.monotonic(), killed), daemon=True)
        killer.start()
        task_ids, _ = await publish_paced(client, texts, n_tasks / window_s, "chaos", tenant=tenant)
        await asyncio.to_thread(killer.join)
        counts, statuses = await read_results(
            bootstrap, prefix + RESULTS, task_ids, timeout=result_timeout_s, settle=settle_s, settings=stack.settings
        )
    # Every task stores its turn once (idempotent by task id), so the count is the task count.
    turns = await stored_turns(stack, tenant, n_tasks, timeout=60)
    return {
        "tasks": n_tasks,
        "results": sum(counts.values()),
        "lost": len(task_ids - set(counts)),
        "duplicates": sum(c - 1 for c in counts.values() if c > 1),
        "killed": killed,
        "turns_stored": turns,
        "statuses": dict(statuses),
        "restarts": {n: p.restarts for n, p in stack.procs.items()},
        "duration_s": round(time.monotonic() - started, 2),
        "machine": machine(),
    }
