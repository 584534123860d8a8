"""Prometheus metrics of the gateway (beside the common ones in shared/metrics.py)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter(
    "autoglm_http_requests_total", "HTTP requests answered, by route template and status.", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "autoglm_http_request_duration_seconds",
    "Time to the response's first byte, by route template (event streams: until the stream opens).",
    ["method", "route"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
SSE_STREAMS = Gauge("autoglm_sse_streams", "Open Server-Sent Event streams.")
RATE_LIMITED = Counter("autoglm_rate_limited_total", "Requests refused with 429, by tenant.", ["tenant"])
AUTH_FAILURES = Counter("autoglm_auth_failures_total", "Requests refused with 401, by problem type.", ["type"])
TASKS_SUBMITTED = Counter("autoglm_gateway_tasks_submitted_total", "Tasks published by this replica.", ["tenant"])
RECORDS_READ = Counter("autoglm_gateway_records_read_total", "Records read into the store.")
STORE_WRITE = Histogram(
    "autoglm_gateway_store_write_seconds", "One polled batch written to the store.",
    buckets=(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1),
)
STORE_TASKS = Gauge("autoglm_gateway_store_tasks", "Tasks in this replica's store.")
