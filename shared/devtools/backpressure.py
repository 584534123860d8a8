"""Backpressure run: a burst of tasks far above the stack's sustained capacity.

What must hold: every task gets exactly one result, the backlog drains, and no service's memory
grows with the size of the burst, because the backlog waits in Kafka. The planner is the one
service that holds state per task; it stops fetching intents at ``planner.max_tasks_in_flight``
open tasks (``Coordinator._admit``). The other services have bounded in-flight work by
construction (batch consumers, or ``pipelined=N`` slots).

The run has two phases on one stack:

1. capacity: ``capacity_tasks`` published at once; sustained tasks/s = tasks / (last result - first
   publish). Peak RSS per service here is the baseline.
2. burst: tasks published at ``burst_factor`` x capacity for ``burst_s`` seconds, while RSS per
   service, the planner's open tasks and the backlog (published - results) are sampled.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections import Counter
from typing import Any

import psutil

from ..cli.stack import Stack, probe
from ..sdk.client import AutoGLMClient
from ..topics import RESULTS
from .chaos import machine, publish_paced, read_results, task_texts

SAMPLE_S = 0.25
SETTLE_S = 2.0  # after the last result, how long to keep counting duplicates


class _Sampler:
    """Peak RSS per service process, the planner's open tasks, admission pauses."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self._stop = asyncio.Event()
        self.reset()

    def reset(self) -> None:
        self.rss_peak_mb: dict[str, float] = {}
        self.open_tasks_peak = 0
        self.paused_samples = 0
        # the planner's own count of pauses since this reset: one shorter than a sample interval is still seen
        self.pauses = 0
        ok, details = probe(self.stack.procs["planner"].port, "/readyz", timeout=0.5) \
            if "planner" in self.stack.procs else (False, {})
        self._pauses_before = int(details.get("admission_pauses", 0)) if ok else 0
        self.samples = 0

    def _sample(self) -> None:
        for name, sp in self.stack.procs.items():
            if sp.proc is None or sp.proc.poll() is not None:
                continue
            try:
                rss = psutil.Process(sp.proc.pid).memory_info().rss / 2**20
            except psutil.Error:
                continue
            self.rss_peak_mb[name] = round(max(self.rss_peak_mb.get(name, 0.0), rss), 1)
        ok, details = probe(self.stack.procs["planner"].port, "/readyz", timeout=0.5)
        if ok:
            self.open_tasks_peak = max(self.open_tasks_peak, int(details.get("tasks_in_flight", 0)))
            self.paused_samples += bool(details.get("admission_paused"))
            self.pauses = max(self.pauses, int(details.get("admission_pauses", 0)) - self._pauses_before)
        self.samples += 1

    async def run(self) -> None:
        while not self._stop.is_set():
            await asyncio.to_thread(self._sample)
            await asyncio.sleep(SAMPLE_S)

    def stop(self) -> None:
        self._stop.set()


def _prioritise_publisher() -> bool:
    """Run this (the publisher's event-loop) thread at nice -5 where allowed.

    Upstream systems publish from their own machines; here the publisher shares two cores with
    the whole stack it is flooding, which starves it below the burst rate. A higher priority for
    the publishing thread stands in for its own machine. False when the OS refuses."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), -5)
    except (PermissionError, OSError):
        return False
    return True


async def _phase(
    stack: Stack, client: AutoGLMClient, texts: list[str], rate: float | None, tag: str, timeout: float
) -> tuple[set[str], Counter[str], float, float]:
    """Publish and count results. Returns (ids, result count per id, seconds to publish, seconds to last result)."""
    ids, t0 = await publish_paced(client, texts, rate, tag)
    published = time.monotonic() - t0
    counts, _ = await read_results(
        stack.bootstrap or "",
        stack.settings.topic_prefix + RESULTS,
        ids,
        timeout=timeout,
        settle=SETTLE_S,
        settings=stack.settings,
    )
    return ids, counts, published, time.monotonic() - t0 - SETTLE_S


async def run_burst(
    stack: Stack,
    *,
    capacity_tasks: int = 300,
    burst_factor: float = 10.0,
    burst_s: float = 10.0,
    burst_tasks: int | None = None,
    timeout_s: float = 600.0,
    seed: int = 11,
) -> dict[str, Any]:
    """Measure capacity, then push ``burst_factor`` x capacity for ``burst_s`` seconds (or exactly
    ``burst_tasks`` tasks, published as fast as possible, when given) and report what held."""
    sampler = _Sampler(stack)
    watcher = asyncio.create_task(sampler.run())
    try:
        async with AutoGLMClient(stack.bootstrap or "", settings=stack.settings, source="/autoglm/burst") as client:
            capacity = None
            baseline: dict[str, float] = {}
            if capacity_tasks:
                ids, counts, _, took = await _phase(
                    stack, client, task_texts(capacity_tasks, seed), None, "cap", timeout_s
                )
                capacity = round(len(counts) / took, 1)
                baseline = dict(sampler.rss_peak_mb)
            sampler.reset()
            if burst_tasks is None:
                assert capacity, "a burst sized from capacity needs the capacity phase"
                rate: float | None = capacity * burst_factor
                burst_tasks = int(rate * burst_s)
            else:
                rate = None
            prioritised = _prioritise_publisher()
            ids, counts, published_s, drained_s = await _phase(
                stack, client, task_texts(burst_tasks, seed + 1), rate, "burst", timeout_s
            )
    finally:
        sampler.stop()
        await watcher
    return {
        "machine": machine(),
        "capacity_tasks_per_s": capacity,
        "burst_tasks": burst_tasks,
        "burst_publish_rate_per_s": round(burst_tasks / published_s, 1) if published_s else None,
        "burst_publish_s": round(published_s, 2),
        "publisher_prioritised": prioritised,
        "drain_s": round(drained_s, 2),
        "burst_throughput_per_s": round(len(counts) / drained_s, 1) if drained_s else None,
        "lost": len(ids - set(counts)),
        "duplicates": sum(c - 1 for c in counts.values() if c > 1),
        "rss_mb_capacity_phase_peak": baseline,
        "rss_mb_burst_peak": dict(sampler.rss_peak_mb),
        "planner_open_tasks_peak": sampler.open_tasks_peak,
        "planner_paused_samples": sampler.paused_samples,
        "planner_pauses": sampler.pauses,
        "samples": sampler.samples,
    }
