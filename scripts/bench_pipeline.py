"""Benchmark: our pipeline against a plain aiokafka chain with as many hops, on the same broker.

A hop is one transit through the broker. A calculator task takes 5: upstream -> autoglm.tasks ->
parser -> autoglm.intents -> planner -> autoglm.tool.calls -> tool_executor -> autoglm.steps.completed
-> planner -> autoglm.results -> downstream. (It needs nothing from the session, so there is no
recall; its turn is stored after the result, off the measured path.)

(a) raw: a record goes producer -> c1 -> c2 -> c3 -> c4 -> reader, where each ci is a plain
    aiokafka pass-through consumer (consumer group, the services' fetch_max_wait_ms, session and
    heartbeat settings, manual commit after the forward is acknowledged): four pass-throughs like the
    four service handlings, five hops. One record at a time; every transit's latency is a hop sample.
    Then as many records as ours gets in its sustained run, all in flight at once:
    ``raw_tasks_per_s`` is what the broker and plain pass-throughs (all in this one process) carry.
(b) ours: calculator tasks through the SDK, one at a time (latency), then many in flight
    (sustained tasks per second, first publish to last result). The latency tasks start on an
    idle pipeline (a short gap lets the previous task's after-result work, storing the turn,
    finish, as the raw chain has none); back-to-back figures are reported too.

``overhead_ratio_p50`` follows the issue's formula ``task_p50 / (hops * raw_hop_p50)``;
``overhead_ratio_chain_p50`` is ``task_p50 / raw_chain_p50`` (whole chain against whole chain).

Env: BENCH_QUICK=1 for a short run, BENCH_OUT=path for the JSON.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from autoglm.shared.cli.stack import Stack
from autoglm.shared.cli.traceview import iter_spans
from autoglm.shared.config import Settings
from autoglm.shared.devtools.bench import emit_report, quick_mode
from autoglm.shared.devtools.chaos import machine, running_stack, task_texts
from autoglm.shared.sdk.client import AutoGLMClient
from autoglm.shared.topics import PARTITIONS

HOPS = 5  # broker transits of a calculator task (and of the raw chain)
PASS_THROUGHS = HOPS - 1
IDLE_GAP_S = 0.4
PAYLOAD = "x" * 900  # about the size of our events


def pct(samples: list[float], q: float) -> float:
    return round(float(np.percentile(np.array(samples), q)), 3)


# ------------------------------------------------------------------ (a) raw chain


async def _pass_through(bootstrap: str, source: str, dest: str, group: str, settings: Settings, stop: asyncio.Event) -> None:
    b = settings.broker
    consumer = AIOKafkaConsumer(
        source,
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=b.fetch_max_wait_ms,
        session_timeout_ms=b.session_timeout_ms,
        heartbeat_interval_ms=b.heartbeat_interval_ms,
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=1)
    await consumer.start()
    await producer.start()
    try:
        while not stop.is_set():
            batch = await consumer.getmany(timeout_ms=100, max_records=256)
            sends = []
            for records in batch.values():
                for rec in records:
                    doc = json.loads(rec.value)
                    doc["t"].append(time.time())
                    sends.append(await producer.send(dest, json.dumps(doc).encode(), key=rec.key))
            await asyncio.gather(*sends)  # acknowledged before the commit, like a service's batch
            if batch:
                await consumer.commit()
    finally:
        await producer.stop()
        await consumer.stop()


async def raw_chain(bootstrap: str, settings: Settings, n: int, n_sustained: int) -> dict[str, Any]:
    run = uuid.uuid4().hex[:6]
    topics = [f"bench{run}.raw.{i}" for i in range(PASS_THROUGHS + 1)]
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(t, num_partitions=PARTITIONS, replication_factor=1) for t in topics])
    finally:
        await admin.close()
    stop = asyncio.Event()
    hops = [
        asyncio.create_task(_pass_through(bootstrap, topics[i], topics[i + 1], f"bench{run}-hop{i}", settings, stop))
        for i in range(PASS_THROUGHS)
    ]
    reader = AIOKafkaConsumer(topics[-1], bootstrap_servers=bootstrap, group_id=f"bench{run}-reader",
                              enable_auto_commit=False, auto_offset_reset="earliest", fetch_max_wait_ms=10)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=1)
    await reader.start()
    await producer.start()
    hop_ms: list[float] = []
    chain_ms: list[float] = []
    try:
        warmup = 10
        for i in range(n + warmup):
            key = f"k{i}".encode()
            sent = time.time()
            await producer.send_and_wait(topics[0], json.dumps({"t": [sent], "p": PAYLOAD}).encode(), key=key)
            doc = None
            while doc is None:
                batch = await reader.getmany(timeout_ms=1000)
                for records in batch.values():
                    for rec in records:
                        if rec.key == key:
                            doc = json.loads(rec.value)
                            doc["t"].append(time.time())
            if i >= warmup:  # the first records pay for group joins
                t = doc["t"]
                hop_ms += [(t[j + 1] - t[j]) * 1000 for j in range(len(t) - 1)]
                chain_ms.append((t[-1] - t[0]) * 1000)
        # Sustained: n_sustained records in flight at once, first send to last arrival.
        tag = f"s{uuid.uuid4().hex[:4]}"
        t0 = time.perf_counter()
        acks = [await producer.send(topics[0], json.dumps({"t": [time.time()], "p": PAYLOAD}).encode(),
                                    key=f"{tag}{i}".encode()) for i in range(n_sustained)]
        await asyncio.gather(*acks)
        arrived = 0
        while arrived < n_sustained:
            batch = await reader.getmany(timeout_ms=1000)
            arrived += sum(1 for records in batch.values() for rec in records if rec.key.startswith(tag.encode()))
        sustained = n_sustained / (time.perf_counter() - t0)
    finally:
        stop.set()
        await asyncio.gather(*hops, return_exceptions=True)
        await producer.stop()
        await reader.stop()
    return {
        "raw_tasks_per_s": round(sustained, 1),
        "raw_hop_p50_ms": pct(hop_ms, 50),
        "raw_hop_p99_ms": pct(hop_ms, 99),
        "raw_chain_p50_ms": pct(chain_ms, 50),
        "raw_chain_p99_ms": pct(chain_ms, 99),
        "raw_transits": PASS_THROUGHS + 1,
    }


# ------------------------------------------------------------------ (b) ours


def cpu_seconds(stack: Stack) -> dict[str, float]:
    """CPU time (user + system) used so far by each service process and the broker."""
    pids = {n: p.pid for n, p in stack.procs.items()}
    if stack.broker is not None and stack.broker.process is not None:
        pids["broker"] = stack.broker.process.pid
    pids["bench_client"] = os.getpid()
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for name, pid in pids.items():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            out[name] = (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            continue
    return out


async def ours(stack: Stack, n_seq: int, n_burst: int) -> dict[str, Any]:
    bootstrap = stack.bootstrap or ""
    latencies: list[float] = []
    ids: list[str] = []
    async with AutoGLMClient(bootstrap, settings=stack.settings, source="/autoglm/bench") as client:
        texts = [t for t in task_texts(2 * (n_seq + n_burst) + 20, seed=3) if "等于多少" in t or t.startswith("What is")]
        for text in texts[:10]:  # warm-up
            await client.submit(text, wait=120)
        failed = 0
        for text in texts[10 : 10 + n_seq]:
            await asyncio.sleep(IDLE_GAP_S)  # the previous task's after-result memory write finishes first
            t0 = time.perf_counter()
            result = await client.submit(text, wait=120)
            latencies.append((time.perf_counter() - t0) * 1000)
            ids.append(result.task_id)
            failed += result.status != "completed"
        back_to_back: list[float] = []
        for text in texts[10 + n_seq : 10 + n_seq + n_seq // 2]:
            t0 = time.perf_counter()
            result = await client.submit(text, wait=120)
            back_to_back.append((time.perf_counter() - t0) * 1000)
            failed += result.status != "completed"
        burst = (texts * 3)[:n_burst]
        cpu0 = cpu_seconds(stack)
        t0 = time.perf_counter()
        task_ids = await asyncio.gather(*(client.publish_task(t) for t in burst))
        results = await asyncio.gather(*(client.wait_result(i, timeout=600) for i in task_ids))
        elapsed = time.perf_counter() - t0
        cpu1 = cpu_seconds(stack)
        failed_burst = sum(r.status != "completed" for r in results)
    return {
        "task_p50_ms": pct(latencies, 50),
        "task_p99_ms": pct(latencies, 99),
        "task_back_to_back_p50_ms": pct(back_to_back, 50),
        "task_back_to_back_p99_ms": pct(back_to_back, 99),
        "tasks_per_s": round(n_burst / elapsed, 1),
        "burst_tasks": n_burst,
        "burst_s": round(elapsed, 2),
        "failed": failed + failed_burst,
        "burst_cpu_s": {k: round(cpu1[k] - cpu0[k], 2) for k in cpu1 if k in cpu0},
        "_sample_ids": ids[len(ids) // 2 : len(ids) // 2 + 5],
    }


def breakdown(span_dir: Path, task_ids: list[str]) -> dict[str, float]:
    """Where a sequential task's time goes, up to its result: the median duration of each span
    (service: name) that started before the result was published. Consumer spans ("process ...")
    hold the handler's whole time, their children the publishes (which wait for the broker's ack)."""
    spans = list(iter_spans(span_dir))
    traces = {s["trace_id"] for s in spans if s.get("attributes", {}).get("autoglm.task.id") in set(task_ids)}
    by_trace: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s in spans:
        if s["trace_id"] in traces:
            by_trace[s["trace_id"]].append(s)
    per_name: dict[str, list[float]] = defaultdict(list)
    for trace in by_trace.values():
        done = [s["end_ns"] for s in trace if s["name"] == "publish result"]
        if not done:
            continue
        sums: dict[str, float] = defaultdict(float)
        for s in trace:
            if s["start_ns"] <= min(done):
                sums[f"{str(s.get('service')).removeprefix('autoglm-')}: {s['name']}"] += (s["end_ns"] - s["start_ns"]) / 1e6
        for k, v in sums.items():
            per_name[k].append(v)
    return {k: round(float(np.median(v)), 2) for k, v in sorted(per_name.items())}


def main() -> int:
    quick = quick_mode()
    n_raw, n_seq, n_burst = (200, 100, 500) if quick else (1000, 300, 2000)
    # This process is the upstream and downstream (and the raw chain): it collects garbage as the
    # services do (Settings.gc_thresholds), not every 700 allocations.
    gc.set_threshold(*Settings().gc_thresholds)
    with running_stack(env={"AUTOGLM_TIMEOUT_SECONDS": "300"}) as stack:
        raw = asyncio.run(raw_chain(stack.bootstrap or "", stack.settings, n_raw, n_burst))
        mine = asyncio.run(ours(stack, n_seq, n_burst))
        time.sleep(1.5)  # span files are written every 200 ms
        where = breakdown(stack.settings.span_dir, mine.pop("_sample_ids"))
    report = {
        "hops": HOPS,
        "raw_hop_p50_ms": raw["raw_hop_p50_ms"],
        "raw_hop_p99_ms": raw["raw_hop_p99_ms"],
        "task_p50_ms": mine["task_p50_ms"],
        "task_p99_ms": mine["task_p99_ms"],
        "overhead_ratio_p50": round(mine["task_p50_ms"] / (HOPS * raw["raw_hop_p50_ms"]), 3),
        "tasks_per_s": mine["tasks_per_s"],
        "raw_tasks_per_s": raw["raw_tasks_per_s"],
        "task_back_to_back_p50_ms": mine["task_back_to_back_p50_ms"],
        "task_back_to_back_p99_ms": mine["task_back_to_back_p99_ms"],
        "raw_chain_p50_ms": raw["raw_chain_p50_ms"],
        "raw_chain_p99_ms": raw["raw_chain_p99_ms"],
        "overhead_ratio_chain_p50": round(mine["task_p50_ms"] / raw["raw_chain_p50_ms"], 3),
        "transits": raw["raw_transits"],
        "burst_tasks": mine["burst_tasks"],
        "burst_s": mine["burst_s"],
        "failed_tasks": mine["failed"],
        "burst_cpu_s": mine["burst_cpu_s"],
        "critical_path_ms_p50": where,
        "fetch_max_wait_ms": stack.settings.broker.fetch_max_wait_ms,
        "machine": machine(),
    }
    emit_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
