"""The JSONL span exporter and the trace context helpers: what `autoglm trace` reads back."""

from __future__ import annotations

from pathlib import Path

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

from autoglm.shared import telemetry
from autoglm.shared.cli.traceview import iter_spans, spans_for_task

PARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def _provider(tmp_path: Path) -> TracerProvider:
    provider = TracerProvider(resource=Resource.create({"service.name": "autoglm-test"}))
    provider.add_span_processor(SimpleSpanProcessor(telemetry.JsonlSpanExporter(tmp_path, "test")))
    return provider


def test_spans_round_trip_through_the_jsonl_file(tmp_path: Path) -> None:
    provider = _provider(tmp_path)
    tracer = provider.get_tracer("t")
    with telemetry.consumer_span(
        tracer, topic="autoglm.tasks", traceparent=PARENT, group="g",
        attributes={telemetry.TASK_ID: "t-1", "autoglm.intent.types": ["calculation", "lookup"]},
    ) as span:
        span.set_attribute("autoglm.ratio", 0.25)
        span.add_event("retry", {"attempt": 2})
        with tracer.start_as_current_span("child") as child:
            telemetry.mark_error(child, "boom")
        downstream = telemetry.inject_traceparent()
    provider.shutdown()

    spans = {s["name"]: s for s in iter_spans(tmp_path)}
    process, child_span = spans["process autoglm.tasks"], spans["child"]
    assert process["trace_id"] == "0af7651916cd43dd8448eb211c80319c"  # continues the event's trace
    assert process["parent_span_id"] == "b7ad6b7169203331"
    assert process["kind"] == "CONSUMER" and process["service"] == "autoglm-test"
    assert process["attributes"]["autoglm.intent.types"] == ["calculation", "lookup"]
    assert process["attributes"]["messaging.destination.name"] == "autoglm.tasks"
    assert process["attributes"]["autoglm.ratio"] == 0.25
    assert process["events"] == [{"name": "retry", "attributes": {"attempt": 2}}]
    assert process["end_ns"] >= process["start_ns"] > 0
    assert child_span["parent_span_id"] == process["span_id"]
    assert (child_span["status"], child_span["status_message"]) == ("ERROR", "boom")
    # what the next service gets continues this span
    assert downstream == f"00-{process['trace_id']}-{process['span_id']}-01"
    assert [s["name"] for s in spans_for_task(tmp_path, "t-1")] == ["process autoglm.tasks", "child"]


def test_a_lone_surrogate_in_an_attribute_does_not_lose_the_batch(tmp_path: Path) -> None:
    """Hostile text can reach an attribute; the line is still valid JSON and its neighbours survive."""
    provider = _provider(tmp_path)
    tracer = provider.get_tracer("t")
    with tracer.start_as_current_span("before"):
        pass
    with tracer.start_as_current_span("hostile", attributes={"text": "a\ud800b"}):
        pass
    provider.shutdown()
    spans = {s["name"]: s for s in iter_spans(tmp_path)}
    assert set(spans) == {"before", "hostile"}
    assert spans["hostile"]["attributes"]["text"] == "a\ud800b"
