"""Backpressure: a burst of ten times the sustained capacity through the embedded stack.

Measures sustained capacity (the chaos task mix: calculator, clock, remember; many in flight), then publishes at ten
times that rate for 10 s (3 s with BENCH_QUICK=1) and samples each service's RSS, the planner's
open tasks and its admission pauses until every result is in.
Env: BENCH_QUICK=1 for a short run, BENCH_OUT=path for the JSON, BURST_FACTOR (10), BURST_S,
AUTOGLM_PLANNER__MAX_TASKS_IN_FLIGHT (the planner's admission limit, default 1000).
JSON: {"capacity_tasks_per_s", "burst_tasks", "burst_publish_rate_per_s", "drain_s",
"burst_throughput_per_s", "lost", "duplicates", "rss_mb_capacity_phase_peak", "rss_mb_burst_peak",
"planner_open_tasks_peak", "planner_paused_samples", "planner_pauses", "planner_max_tasks_in_flight",
"machine"}.
Exits 1 when a task is lost or answered twice.
"""

from __future__ import annotations

import asyncio
import os
import sys

from autoglm.shared.devtools.backpressure import run_burst
from autoglm.shared.devtools.bench import emit_report, quick_mode
from autoglm.shared.devtools.chaos import running_stack


def main() -> int:
    quick = quick_mode()
    limit = os.environ.get("AUTOGLM_PLANNER__MAX_TASKS_IN_FLIGHT", "1000")
    factor = float(os.environ.get("BURST_FACTOR", "10"))
    burst_s = float(os.environ.get("BURST_S", "3" if quick else "10"))
    with running_stack(env={"AUTOGLM_TIMEOUT_SECONDS": "900", "AUTOGLM_PLANNER__MAX_TASKS_IN_FLIGHT": limit}) as stack:
        report = asyncio.run(
            run_burst(stack, capacity_tasks=150 if quick else 400, burst_factor=factor, burst_s=burst_s, timeout_s=900)
        )
    report["planner_max_tasks_in_flight"] = int(limit)
    emit_report(report)
    return 1 if report["lost"] or report["duplicates"] else 0


if __name__ == "__main__":
    sys.exit(main())
