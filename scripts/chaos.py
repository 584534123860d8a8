"""Chaos: tasks through the embedded stack while each of the five services is SIGKILLed once.

Every task must get exactly one result; the supervisor restarts each killed service.
Env: BENCH_QUICK=1 -> 200 tasks (else 1000), BENCH_OUT=path for the JSON.
JSON: {"tasks", "results", "lost", "duplicates", "killed": [names], "statuses", "restarts",
"duration_s", "machine"}. Exits 1 when a task is lost or answered twice.
"""

from __future__ import annotations

import asyncio
import sys

from autoglm.shared.devtools.bench import emit_report, quick_mode
from autoglm.shared.devtools.chaos import run_chaos, running_stack


def main() -> int:
    quick = quick_mode()
    n_tasks = 200 if quick else 1000
    window = 30.0 if quick else 90.0
    # A generous deadline: a task caught by a restart still finishes rather than timing out.
    with running_stack(env={"AUTOGLM_TIMEOUT_SECONDS": "180"}) as stack:
        report = asyncio.run(run_chaos(stack, n_tasks, window_s=window, result_timeout_s=600, settle_s=10))
    emit_report(report)
    return 1 if report["lost"] or report["duplicates"] else 0


if __name__ == "__main__":
    sys.exit(main())
