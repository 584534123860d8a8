"""`make bench-gateway`: what the HTTP gateway adds to a task's latency, and how many event streams one
gateway process holds.

(a) latency: the same calculator tasks submitted one at a time through the SDK on Kafka (publish on
    autoglm.tasks, read autoglm.results) and through the gateway (``POST /v1/tasks`` with
    ``Prefer: wait=60`` over a kept-alive HTTP/1.1 connection), alternating which goes first, on one
    stack. Each is timed from the call to the result in hand; ``added_p50_ms`` is the difference of the
    medians. A short idle gap before each task lets the previous one's after-result work (its turn
    write) finish, as in bench-pipeline.
(b) streams: a stack of the broker and the gateway alone, so tasks stay pending and their streams
    stay open: N tasks are submitted, N event streams opened (one per task, raw sockets), held through
    heartbeats, then every task's result is published on autoglm.results as the planner would, and
    each stream must deliver it and close. Reports the gateway's RSS before and with N streams open,
    and how fast the N results reached their streams.

Env: BENCH_QUICK=1 for a short run, BENCH_OUT=path for the JSON, BENCH_STREAMS=N (default 1000).
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import resource
import sys
import time
import uuid
from typing import Any

import httpx
import numpy as np
import psutil
from aiokafka import AIOKafkaProducer

from autoglm.shared.cli.stack import GATEWAY, WITH_GATEWAY, Stack
from autoglm.shared.config import Settings
from autoglm.shared.devtools.bench import emit_report, quick_mode
from autoglm.shared.devtools.chaos import machine, running_stack
from autoglm.shared.events import CONTENT_TYPE, CloudEvent, EventType, TaskCompleted, TaskStatus
from autoglm.shared.sdk.client import AutoGLMClient
from autoglm.shared.topics import RESULTS

IDLE_GAP_S = 0.4
HEARTBEAT_S = 5.0


def pct(samples: list[float], q: float) -> float:
    return round(float(np.percentile(np.array(samples), q)), 3)


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# ------------------------------------------------------------------ (a) latency


async def latency(stack: Stack, n: int) -> dict[str, Any]:
    url, token = stack.gateway_url, stack.dev_token
    assert url and token
    kafka_ms: list[float] = []
    http_ms: list[float] = []
    headers = {"Authorization": f"Bearer {token}", "Prefer": "wait=60"}
    async with AutoGLMClient(stack.bootstrap or "", settings=stack.settings, source="/autoglm/bench") as kafka, \
            httpx.AsyncClient(base_url=url, timeout=90, http2=False) as http:

        async def via_kafka(text: str) -> float:
            started = time.perf_counter()
            result = await kafka.submit(text, tenant="default", user="dev", timeout=60)
            took = (time.perf_counter() - started) * 1000
            assert result.status == TaskStatus.COMPLETED, result
            return took

        async def via_http(text: str) -> float:
            started = time.perf_counter()
            resp = await http.post("/v1/tasks", json={"text": text}, headers=headers)
            took = (time.perf_counter() - started) * 1000
            assert resp.status_code == 200 and resp.json()["status"] == "completed", resp.text
            return took

        warmup = 10
        for i in range(n + warmup):
            order = (via_kafka, via_http) if i % 2 == 0 else (via_http, via_kafka)
            for fn in order:
                await asyncio.sleep(IDLE_GAP_S)
                took = await fn(f"({i}+{uuid.uuid4().int % 97})*3等于多少？")
                if i >= warmup:
                    (kafka_ms if fn is via_kafka else http_ms).append(took)
    return {
        "tasks_each": n,
        "kafka_p50_ms": pct(kafka_ms, 50), "kafka_p90_ms": pct(kafka_ms, 90), "kafka_p99_ms": pct(kafka_ms, 99),
        "http_p50_ms": pct(http_ms, 50), "http_p90_ms": pct(http_ms, 90), "http_p99_ms": pct(http_ms, 99),
        "added_p50_ms": round(pct(http_ms, 50) - pct(kafka_ms, 50), 3),
        "added_mean_ms": round(float(np.mean(http_ms) - np.mean(kafka_ms)), 3),
    }


# ------------------------------------------------------------------ (b) streams


async def open_stream(host: str, port: int, path: str, token: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
                 "Accept: text/event-stream\r\n\r\n".encode())
    await writer.drain()
    status = await reader.readline()
    if b" 200 " not in status:
        raise RuntimeError(f"stream refused: {status!r}")
    while (await reader.readline()) not in (b"\r\n", b""):
        pass
    return reader, writer


async def follow(reader: asyncio.StreamReader, seen: dict[str, float], key: str) -> None:
    """Read a stream until its result; note when the first heartbeat and the result came."""
    buffer = b""
    while True:
        chunk = await reader.read(65536)
        if not chunk:
            return
        buffer = (buffer + chunk)[-4096:]
        if b": ping" in buffer and f"{key}:ping" not in seen:
            seen[f"{key}:ping"] = time.perf_counter()
        if b"event: result" in buffer:
            seen[key] = time.perf_counter()
            return


async def streams(stack: Stack, n: int) -> dict[str, Any]:
    url, token = stack.gateway_url, stack.dev_token
    assert url and token
    host, port = url.removeprefix("http://").split(":")
    gateway = psutil.Process(stack.procs[GATEWAY].pid)
    task_ids: list[str] = []
    async with httpx.AsyncClient(base_url=url, timeout=30,
                                 limits=httpx.Limits(max_connections=16)) as http:
        sem = asyncio.Semaphore(16)

        async def submit(i: int) -> None:
            async with sem:
                resp = await http.post("/v1/tasks", json={"text": f"stream {i}"},
                                       headers={"Authorization": f"Bearer {token}"})
                assert resp.status_code == 202, resp.text
                task_ids.append(resp.json()["task_id"])

        await asyncio.gather(*(submit(i) for i in range(n)))
    await asyncio.sleep(1.0)
    rss_before = gateway.memory_info().rss
    opened = time.perf_counter()
    conns = []
    for start in range(0, n, 100):  # open in waves, as clients arrive, not in one SYN flood
        conns += await asyncio.gather(*(open_stream(host, int(port), f"/v1/tasks/{t}/events", token)
                                        for t in task_ids[start:start + 100]))
    open_s = time.perf_counter() - opened
    seen: dict[str, float] = {}
    readers = [asyncio.create_task(follow(r, seen, t)) for (r, _), t in zip(conns, task_ids, strict=True)]
    await asyncio.sleep(HEARTBEAT_S + 2)  # every stream gets a heartbeat while it waits
    pinged = sum(1 for t in task_ids if f"{t}:ping" in seen)
    rss_open = gateway.memory_info().rss
    cpu_idle_0 = gateway.cpu_times()
    await asyncio.sleep(5.0)
    cpu_idle_1 = gateway.cpu_times()
    idle_cpu = (cpu_idle_1.user + cpu_idle_1.system - cpu_idle_0.user - cpu_idle_0.system) / 5.0

    producer = AIOKafkaProducer(bootstrap_servers=stack.bootstrap or "", acks="all", linger_ms=2)
    await producer.start()
    try:
        published = time.perf_counter()
        acks = []
        for t in task_ids:
            event = CloudEvent[TaskCompleted](
                source="/bench/planner", type=EventType.TASK_COMPLETED.value, taskid=t, sessionid=t, tenant="default",
                data=TaskCompleted(task_id=t, status=TaskStatus.COMPLETED, answer=f"done {t}"),
            )
            acks.append(await producer.send(stack.settings.topic_prefix + RESULTS, event.model_dump_json().encode(),
                                            key=t.encode(), headers=[("content-type", CONTENT_TYPE.encode())]))
        await asyncio.gather(*acks)
        await asyncio.wait_for(asyncio.gather(*readers), 120)
    finally:
        await producer.stop()
        for _, w in conns:
            w.close()
    delivered = [seen[t] - published for t in task_ids if t in seen]
    await asyncio.sleep(1.0)
    rss_after = gateway.memory_info().rss
    return {
        "streams": n,
        "opened_s": round(open_s, 2),
        "streams_with_heartbeat": pinged,
        "gateway_rss_mb_before": round(rss_before / 2**20, 1),
        "gateway_rss_mb_with_streams": round(rss_open / 2**20, 1),
        "rss_kb_per_stream": round((rss_open - rss_before) / n / 1024, 1),
        "gateway_cpu_idle_with_streams": round(idle_cpu, 3),
        "results_delivered": len(delivered),
        "all_results_delivered_s": round(max(delivered), 3) if delivered else None,
        "result_delivery_p50_ms": pct([d * 1000 for d in delivered], 50) if delivered else None,
        "gateway_rss_mb_after_close": round(rss_after / 2**20, 1),
    }


def main() -> int:
    quick = quick_mode()
    n_latency = 60 if quick else 300
    n_streams = int(os.environ.get("BENCH_STREAMS", 200 if quick else 1000))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))  # the gateway inherits it
    gc.set_threshold(*Settings().gc_thresholds)
    env = {"AUTOGLM_GATEWAY__PORT": "0", "AUTOGLM_TIMEOUT_SECONDS": "120",
           "AUTOGLM_GATEWAY__RATE_LIMIT__REQUESTS_PER_SECOND": "100000", "AUTOGLM_GATEWAY__RATE_LIMIT__BURST": "100000",
           "AUTOGLM_GATEWAY__SSE_HEARTBEAT_SECONDS": str(HEARTBEAT_S)}
    load_before = load()
    with running_stack(env=env, services=WITH_GATEWAY) as stack:
        lat = asyncio.run(latency(stack, n_latency))
    load_mid = load()
    with running_stack(env=env, services=(GATEWAY,)) as stack:
        held = asyncio.run(streams(stack, n_streams))
    report = {
        "latency": lat,
        "streams": held,
        "targets": {"added_p50_ms<=3": lat["added_p50_ms"] <= 3.0,
                    "streams>=1000": held["streams"] >= 1000 and held["results_delivered"] == held["streams"],
                    "rss_mb<=300": held["gateway_rss_mb_with_streams"] <= 300},
        "load_avg_1_5_15": {"before": load_before, "between": load_mid, "after": load()},
        "machine": machine(),
        "fetch_max_wait_ms": Settings().broker.fetch_max_wait_ms,
    }
    emit_report(report)
    print(json.dumps(report["targets"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
