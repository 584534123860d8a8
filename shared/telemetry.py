"""OpenTelemetry setup shared by every service.

Spans go to OTLP/HTTP when an endpoint is configured, otherwise to a JSONL file per
process under ``<data_dir>/traces`` (what ``autoglm trace`` reads). Trace context
crosses Kafka twice over: every event carries it as the CloudEvents ``traceparent``
extension, which survives batching, DLQ replay and non-faststream producers, and
``ServiceRuntime.publish`` copies it into a ``traceparent`` record header.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from .config import Settings

_propagator = TraceContextTextMapPropagator()

# Attribute names: OpenTelemetry messaging and GenAI semantic conventions, plus ours.
TASK_ID = "autoglm.task.id"
SESSION_ID = "autoglm.session.id"
TENANT = "autoglm.tenant"
SERVICE = "autoglm.service"
STEP_ID = "autoglm.step.id"


class JsonlSpanExporter(SpanExporter):
    """Appends finished spans, one JSON object a line, to a file of this process."""

    def __init__(self, directory: Path, service: str) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / f"spans-{service}-{os.getpid()}.jsonl"
        self._lock = threading.Lock()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        lines = b"".join(_span_line(s) for s in spans)
        with self._lock, open(self.path, "ab") as fh:
            fh.write(lines)
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:  # files are closed after every write
        pass


def _span_line(span: ReadableSpan) -> bytes:
    doc = span_to_dict(span)
    try:
        return orjson.dumps(doc) + b"\n"
    except TypeError:  # a lone surrogate in some attribute (orjson refuses invalid UTF-8): escape it
        return json.dumps(doc, default=str).encode() + b"\n"


def span_to_dict(span: ReadableSpan) -> dict[str, Any]:
    ctx = span.context
    assert ctx is not None
    parent = span.parent
    status = span.status
    return {
        "trace_id": f"{ctx.trace_id:032x}",
        "span_id": f"{ctx.span_id:016x}",
        "parent_span_id": f"{parent.span_id:016x}" if parent else None,
        "name": span.name,
        "kind": span.kind.name if span.kind else None,
        "service": span.resource.attributes.get("service.name"),
        "start_ns": span.start_time,
        "end_ns": span.end_time,
        "status": status.status_code.name,
        "status_message": status.description,
        # attribute values are str, bool, int, float or tuples of those: JSON as they are
        "attributes": dict(span.attributes) if span.attributes else {},
        "events": [{"name": e.name, "attributes": dict(e.attributes or {})} for e in span.events],
    }


def setup_tracing(service: str, settings: Settings) -> TracerProvider:
    """A tracer provider for one service. Not installed globally: each app gets its own."""
    provider = TracerProvider(resource=Resource.create({"service.name": f"autoglm-{service}", SERVICE: service}))
    exporter: SpanExporter
    if settings.telemetry.otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        endpoint = settings.telemetry.otlp_endpoint.rstrip("/")
        if not endpoint.endswith("/v1/traces"):
            endpoint += "/v1/traces"
        exporter = OTLPSpanExporter(endpoint=endpoint)
    else:
        exporter = JsonlSpanExporter(settings.span_dir, service)
    provider.add_span_processor(BatchSpanProcessor(exporter, schedule_delay_millis=200))
    return provider


def inject_traceparent(span: Span | None = None) -> str | None:
    carrier: dict[str, str] = {}
    ctx = trace.set_span_in_context(span) if span is not None else None
    _propagator.inject(carrier, context=ctx)
    return carrier.get("traceparent")


def context_from_traceparent(traceparent: str | None) -> otel_context.Context | None:
    if not traceparent:
        return None
    return _propagator.extract({"traceparent": traceparent})


def trace_id_of(span: Span) -> str:
    return format(span.get_span_context().trace_id, "032x")


@contextmanager
def consumer_span(
    tracer: trace.Tracer,
    *,
    topic: str,
    traceparent: str | None,
    attributes: dict[str, Any],
    group: str,
) -> Iterator[Span]:
    """The span of processing one event, continuing the event's trace."""
    parent = context_from_traceparent(traceparent)
    attrs = {
        "messaging.system": "kafka",
        "messaging.operation.type": "process",
        "messaging.operation.name": "process",
        "messaging.destination.name": topic,
        "messaging.consumer.group.name": group,
        **attributes,
    }
    with tracer.start_as_current_span(
        f"process {topic}", context=parent, kind=SpanKind.CONSUMER, attributes=attrs
    ) as span:
        yield span


def mark_error(span: Span, message: str) -> None:
    span.set_status(Status(StatusCode.ERROR, message[:500]))
