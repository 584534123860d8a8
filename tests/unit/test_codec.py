"""Records to events and back: both CloudEvents content modes, what a dead letter can read of a bad record,
and the one-line refusal of an over-limit text. The CloudEvents SDK is the referee for the envelope."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiokafka import ConsumerRecord
from cloudevents.core.bindings import kafka as ce_kafka

from autoglm.shared.events import (
    MAX_TEXT_CHARS,
    CloudEvent,
    EventType,
    ExecutedStep,
    StepKind,
    StepStatus,
    TaskCompleted,
    TaskRequested,
    TaskStatus,
    TextTooLong,
    check_text_length,
)
from autoglm.shared.kafka.codec import (
    Rejected,
    content_mode,
    decode_record,
    encode,
    read_event,
    record_context,
)

ACCEPTS = {EventType.TASK_REQUESTED: TaskRequested}
TP = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def record(value: bytes | None, headers: list[tuple[str, bytes | None]] | None = None, key: bytes = b"s") -> Any:
    return ConsumerRecord("autoglm.tasks", 0, 7, 0, 0, key, value, None, len(key), len(value or b""), headers or [])


def binary_task(text: str = "What is 2+3?", **attrs: str) -> Any:
    headers = {"ce_specversion": "1.0", "ce_id": "bin-1", "ce_source": "/crm", "ce_type": "autoglm.task.requested",
               "ce_tenant": "acme", "ce_sessionid": "sess-9", "content-type": "application/json", **attrs}
    return record(json.dumps({"text": text}).encode(), [(k, v.encode()) for k, v in headers.items()])


def structured(doc: dict[str, Any]) -> Any:
    return record(json.dumps(doc).encode(), [("content-type", b"application/cloudevents+json")])


def result_event() -> CloudEvent[Any]:
    step = ExecutedStep(id="s1", kind=StepKind.TOOL, name="calculator", status=StepStatus.COMPLETED)
    data = TaskCompleted(task_id="t-1", status=TaskStatus.COMPLETED, answer="60", steps=[step], trace_id="ab" * 16)
    return CloudEvent[TaskCompleted](source="/autoglm/planner", type=EventType.TASK_COMPLETED.value, taskid="t-1",
                                     sessionid="s-1", tenant="acme", traceparent=TP, data=data)


# ---------------------------------------------------------------- reading both modes


def test_a_binary_mode_task_decodes_like_its_structured_twin() -> None:
    ev = decode_record(binary_task(ce_traceparent=TP, ce_taskid="t-9"), ACCEPTS, 262_144)
    assert (ev.id, ev.taskid, ev.sessionid, ev.tenant, ev.traceparent) == ("bin-1", "t-9", "sess-9", "acme", TP)
    assert ev.data.text == "What is 2+3?" and ev.datacontenttype == "application/json"


def test_the_cloudevents_sdk_binary_writer_is_accepted() -> None:
    from cloudevents.core.v1.event import CloudEvent as SdkEvent

    sdk = SdkEvent(attributes={"type": "autoglm.task.requested", "source": "/crm", "id": "sdk-1", "tenant": "acme",
                               "datacontenttype": "application/json"}, data={"text": "hi"})
    msg = ce_kafka.to_binary_event(sdk)
    ev = decode_record(record(msg.value, list(msg.headers.items())), ACCEPTS, 262_144)
    assert (ev.taskid, ev.tenant, ev.data.text) == ("sdk-1", "acme", "hi")


@pytest.mark.parametrize(
    ("headers", "expect"),
    [
        ([], "structured"),
        ([("ce_specversion", b"1.0")], "binary"),
        ([("content-type", b"application/json"), ("ce_specversion", b"1.0")], "binary"),
        # The content-type says structured: a stray ce_* header (older results had ce_type) doesn't change that.
        ([("content-type", b"application/cloudevents+json"), ("ce_specversion", b"1.0")], "structured"),
        ([("content-type", b"application/json"), ("ce_type", b"x")], "structured"),
    ],
)
def test_content_mode(headers: list[tuple[str, bytes]], expect: str) -> None:
    assert content_mode(headers) == expect


@pytest.mark.parametrize(
    ("change", "error_type", "task_id"),
    [
        ({"ce_source": None}, "invalid_event", "bin-1"),
        ({"ce_specversion": "0.3"}, "invalid_event", "bin-1"),
        ({"ce_type": "autoglm.other"}, "unknown_type", "bin-1"),
        ({"content-type": "text/plain"}, "invalid_event", "bin-1"),
        ({"ce_schemaversion": "9"}, "unsupported_version", "bin-1"),
    ],
)
def test_a_bad_binary_task_is_refused_and_names_its_task(change: dict[str, str | None], error_type: str,
                                                          task_id: str) -> None:
    base = dict(binary_task().headers)
    headers = [(k, v.encode() if v is not None else None) for k, v in change.items()]
    headers += [(k, v) for k, v in base.items() if k not in change]
    with pytest.raises(Rejected) as refused:
        decode_record(record(binary_task().value, headers), ACCEPTS, 262_144)
    assert (refused.value.error_type, refused.value.task_id) == (error_type, task_id)


def test_binary_value_that_is_not_json_and_repeated_headers_are_refused() -> None:
    rec = binary_task()
    with pytest.raises(Rejected) as refused:
        decode_record(record(b"\x00not json", rec.headers), ACCEPTS, 262_144)
    assert refused.value.error_type == "malformed_json" and refused.value.task_id == "bin-1"
    # A repeated id header: whose task it is is ambiguous, so nobody is answered.
    with pytest.raises(Rejected) as refused:
        decode_record(record(rec.value, [*rec.headers, ("ce_id", b"bin-2")]), ACCEPTS, 262_144)
    assert refused.value.error_type == "invalid_event" and refused.value.task_id is None
    with pytest.raises(Rejected) as refused:
        decode_record(record(rec.value, [*rec.headers, ("ce_tenant", b"evil")]), ACCEPTS, 262_144)
    assert "repeated" in refused.value.reason and refused.value.task_id == "bin-1"


def test_an_oversize_binary_record_counts_its_headers() -> None:
    rec = binary_task()
    with pytest.raises(Rejected) as refused:
        decode_record(record(rec.value, [*rec.headers, ("pad", b"x" * 1000)]), ACCEPTS, 900)
    assert refused.value.error_type == "oversize"


# ---------------------------------------------------------------- the text limit


@pytest.mark.parametrize("mode", ["structured", "binary"])
def test_an_over_limit_text_gets_one_clear_line(mode: str) -> None:
    text = "x" * (MAX_TEXT_CHARS + 1)
    if mode == "binary":
        rec = binary_task(text)
    else:
        rec = structured({"specversion": "1.0", "id": "long-1", "source": "/crm", "type": "autoglm.task.requested",
                          "data": {"text": text}})
    with pytest.raises(Rejected) as refused:
        decode_record(rec, ACCEPTS, 262_144)
    assert refused.value.error_type == "text_too_long"
    assert refused.value.reason == "the task text is 8,001 characters long; the limit is 8,000"
    decode_record(binary_task("x" * MAX_TEXT_CHARS), ACCEPTS, 262_144)  # the limit itself is fine


def test_check_text_length() -> None:
    check_text_length("y" * MAX_TEXT_CHARS)
    with pytest.raises(TextTooLong) as too_long:
        check_text_length("y" * 9000)
    assert str(too_long.value) == "the task text is 9,000 characters long; the limit is 8,000"
    assert "\n" not in str(too_long.value)


# ---------------------------------------------------------------- writing


def test_structured_records_carry_no_ce_header_and_read_with_the_sdk() -> None:
    value, headers = encode(result_event())
    names = [name for name, _ in headers]
    assert names == ["content-type", "traceparent"]
    sdk = ce_kafka.from_kafka_event(ce_kafka.KafkaMessage(headers=dict(headers), key=b"s-1", value=value))
    attrs = sdk.get_attributes()
    assert (attrs["id"], attrs["source"], attrs["type"], attrs["tenant"], attrs["traceparent"]) == (
        json.loads(value)["id"], "/autoglm/planner", "autoglm.task.completed", "acme", TP)
    assert sdk.get_data()["answer"] == "60"


def test_optional_fields_are_written_as_null_and_unset_attributes_left_out() -> None:
    event = result_event()
    event.traceparent = None
    doc = json.loads(encode(event)[0])
    assert "traceparent" not in doc  # CloudEvents has no null attribute
    data = doc["data"]
    assert data["error"] is None and data["clarification"] is None
    assert set(data) == set(TaskCompleted.model_fields)
    assert set(data["steps"][0]) == set(ExecutedStep.model_fields) and data["steps"][0]["intent_id"] is None


def test_binary_records_read_with_the_sdk_and_our_decoder() -> None:
    value, headers = encode(result_event(), "binary")
    names = dict(headers)
    assert names["content-type"] == b"application/json" and names["ce_tenant"] == b"acme"
    assert names["ce_traceparent"] == names["traceparent"] == TP.encode()
    sdk = ce_kafka.from_kafka_event(ce_kafka.KafkaMessage(headers=names, key=b"s-1", value=value))
    assert sdk.get_attributes()["taskid"] == "t-1" and sdk.get_data()["status"] == "completed"
    back = decode_record(record(value, headers), {EventType.TASK_COMPLETED: TaskCompleted}, 262_144)
    assert back.data == result_event().data and back.tenant == "acme"
    attrs, data = read_event(value, headers) or ({}, None)
    assert attrs["taskid"] == "t-1" and data["answer"] == "60"


# ---------------------------------------------------------------- whose a bad record is


def test_record_context_of_structured_binary_and_broken_records() -> None:
    ok = record_context(structured({"id": "x", "tenant": "acme", "sessionid": "s-7", "traceparent": TP}))
    assert (ok.tenant, ok.session_id, ok.traceparent) == ("acme", "s-7", TP)
    binary = record_context(binary_task(ce_traceparent=TP))
    assert (binary.tenant, binary.session_id, binary.traceparent) == ("acme", "sess-9", TP)
    broken = record_context(record(b'{"tenant": "acme", "sessionid": "s-8", "traceparent": "' + TP.encode() + b'", ',
                                   [("content-type", b"application/cloudevents+json")]))
    assert (broken.tenant, broken.session_id, broken.traceparent) == ("acme", "s-8", TP)
    # The W3C header stands in when the value has no traceparent.
    header_only = record_context(record(b"\xff\xfe", [("traceparent", TP.encode())]))
    assert (header_only.tenant, header_only.traceparent) == (None, TP)


def test_record_context_takes_nothing_ambiguous_or_malformed() -> None:
    two = record_context(record(b'{"tenant": "a", "x": {"tenant": "b"}, "sessionid": "s 1", "traceparent": "00-zz"'))
    assert (two.tenant, two.session_id, two.traceparent) == (None, None, None)
    dup = record_context(record(b'{"tenant": "a", "tenant": "b"}'))
    assert dup.tenant is None
    rec = binary_task()
    repeated = record_context(record(rec.value, [*rec.headers, ("ce_tenant", b"evil")]))
    assert repeated.tenant is None and repeated.session_id == "sess-9"
