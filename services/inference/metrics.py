"""Prometheus metrics of the inference engine (default registry; the service's /metrics exposes them)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

_MS = (1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000)

REQUESTS = Counter(
    "autoglm_inference_requests_total", "Generation requests by outcome.", ["backend", "outcome"]
)
CACHE = Counter("autoglm_inference_cache_total", "Response cache lookups.", ["result"])
BATCH_SIZE = Histogram(
    "autoglm_inference_batch_size",
    "Rows in each decode step.",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
)
QUEUE_DELAY = Histogram(
    "autoglm_inference_queue_delay_ms", "Time from arrival to admission into the batch.", buckets=_MS
)
TTFT = Histogram("autoglm_inference_ttft_ms", "Time to first token.", buckets=_MS)
DURATION = Histogram("autoglm_inference_request_duration_ms", "Whole generation time.", buckets=_MS)
TOKENS = Counter("autoglm_inference_tokens_total", "Tokens processed.", ["kind"])
RUNNING = Gauge("autoglm_inference_running", "Sequences in the running batch.")
WAITING = Gauge("autoglm_inference_waiting", "Sequences waiting for a batch slot.")
EMBED_TEXTS = Counter("autoglm_inference_embedded_texts_total", "Texts embedded.")
ADMISSION = Counter(
    "autoglm_inference_admission_total",
    "Generations whose token budget was cut to fit their deadline (reduced) or refused at once (busy).",
    ["action"],
)
FINISHES = Counter(
    "autoglm_inference_finish_total", "Generations by finish reason (stop, length, deadline, repetition).", ["reason"]
)
DECODE_TOKENS_PER_S = Gauge("autoglm_inference_row_tokens_per_second", "Measured decode speed of one row.")
