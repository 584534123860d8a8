"""Prometheus metrics common to every service (one process = one service in production).

Names follow Prometheus conventions; the `service` label says which service counted.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

EVENTS_PROCESSED = Counter(
    "autoglm_events_processed_total", "Events handled successfully.", ["service", "topic"]
)
EVENTS_FAILED = Counter(
    "autoglm_events_failed_total", "Events dead-lettered or answered with an error.", ["service", "reason"]
)
STAGE_LATENCY = Histogram(
    "autoglm_stage_duration_seconds",
    "Time spent in one stage of the pipeline.",
    ["service", "stage"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
IN_FLIGHT = Gauge("autoglm_in_flight", "Work items being processed now.", ["service"])
BATCH_SIZE = Histogram(
    "autoglm_batch_size", "Records per consumed batch.", ["service"], buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256)
)
TASKS_FINISHED = Counter("autoglm_tasks_finished_total", "Task results published.", ["status"])
TASK_LATENCY = Histogram(
    "autoglm_task_duration_seconds",
    "From the task event to its result.",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
)
CONSUMER_LAG = Gauge(
    "autoglm_consumer_lag", "Records not yet consumed on the partitions this replica owns.", ["service", "topic"]
)
OPEN_TASKS = Gauge("autoglm_planner_open_tasks", "Tasks the planner replica holds (planned, not yet finished).")
ADMISSION_PAUSED = Gauge(
    "autoglm_planner_admission_paused", "1 while the planner has stopped taking new intents (at max_tasks_in_flight)."
)
SAFETY_VERDICTS = Counter(
    "autoglm_safety_verdicts_total",
    "Safety guard verdicts other than benign: input (a request) or output (an answer replaced or masked).",
    ["service", "check", "category", "action"],
)
