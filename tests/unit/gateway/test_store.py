"""The gateway's store and the pure rules around it: facts from records, durable state, pruning, the
idempotency fingerprint, the rate limiter and the trace index."""

from __future__ import annotations

import json
import time
from pathlib import Path

import orjson
import pytest

from autoglm.services.gateway.config import RateLimitConfig
from autoglm.services.gateway.ratelimit import RateLimiter
from autoglm.services.gateway.records import decode
from autoglm.services.gateway.store import (
    FeedbackSeen,
    ProgressSeen,
    ResultSeen,
    StoreInUse,
    TaskSeen,
    TaskStore,
)
from autoglm.services.gateway.submissions import fingerprint, idempotent_task_id, prefer_wait
from autoglm.services.gateway.traces import SpanIndex


def task_record(task_id: str = "t1", tenant: str = "acme", **data: object) -> bytes:
    return orjson.dumps({
        "specversion": "1.0", "id": task_id, "source": "/x", "type": "autoglm.task.requested", "taskid": task_id,
        "sessionid": "s1", "tenant": tenant, "time": "2026-12-06T10:00:00Z",
        "traceparent": "00-" + "a" * 32 + "-" + "b" * 16 + "-01", "data": {"text": "hi", "user": "u1", **data},
    })


def result_record(task_id: str = "t1", tenant: str = "acme", status: str = "completed") -> bytes:
    return orjson.dumps({"taskid": task_id, "tenant": tenant, "sessionid": "s1", "data": {
        "task_id": task_id, "status": status, "answer": "ok", "trace_id": "a" * 32}})


def test_records_become_facts_and_junk_is_skipped() -> None:
    task = decode("task", task_record(), 3, 0)
    assert isinstance(task, TaskSeen) and task.user == "u1" and task.trace_id == "a" * 32
    assert task.created_at == pytest.approx(1796551200.0)
    assert task.fingerprint == fingerprint("hi", "s1", "u1", {}, None)
    result = decode("result", result_record(), 7, 0)
    assert isinstance(result, ResultSeen) and json.loads(result.result)["answer"] == "ok"
    progress = decode("progress", orjson.dumps({"taskid": "t1", "data": {"task_id": "t1", "delta": "x"}}), 42, 0)
    assert isinstance(progress, ProgressSeen) and progress.seq == 42 and progress.kind == "tokens"
    for junk in (b"", b"{", b"[1]", orjson.dumps({"taskid": "t1"}), orjson.dumps({"taskid": "a b", "data": {}}),
                 orjson.dumps({"taskid": "t1", "tenant": "x/y", "data": {"status": "completed"}})):
        assert decode("result", junk, 0, 0) is None


def test_store_keeps_state_across_reopen_with_offsets(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    store = TaskStore(path)
    store.apply([decode("task", task_record(), 0, 0)], {("tasks", 0): 1})  # type: ignore[list-item]
    store.apply([decode("result", result_record(), 0, 0)], {("results", 3): 11})  # type: ignore[list-item]
    with pytest.raises(StoreInUse):
        TaskStore(path)  # one process per store file
    store.close()
    again = TaskStore(path)
    row = again.task("t1")
    assert row is not None and row.status == "completed" and row.request == "hi" and row.result_doc()["answer"] == "ok"
    assert again.offsets() == {("tasks", 0): 1, ("results", 3): 11}
    again.close()


def test_first_result_wins_and_other_tenants_facts_change_nothing(tmp_path: Path) -> None:
    store = TaskStore(tmp_path / "s.sqlite")
    store.apply([decode("task", task_record(), 0, 0)], {})  # type: ignore[list-item]
    store.apply([decode("result", result_record(tenant="evil"), 0, 0)], {})  # type: ignore[list-item]
    assert store.task("t1").result is None  # type: ignore[union-attr]
    store.apply([decode("result", result_record(), 0, 0)], {})  # type: ignore[list-item]
    store.apply([decode("result", result_record(status="failed"), 1, 0)], {})  # type: ignore[list-item]
    assert store.task("t1").status == "completed"  # type: ignore[union-attr]
    store.apply([ProgressSeen("t1", "evil", "s1", 5, "tokens", b"{}", 0.0)], {})
    assert store.events_after("t1", -1) == []


def test_result_before_task_record_then_task_fills_in(tmp_path: Path) -> None:
    store = TaskStore(tmp_path / "s.sqlite")
    store.apply([decode("progress", orjson.dumps({"taskid": "t1", "tenant": "acme", "data": {"kind": "plan"}}), 9, 0),
                 decode("result", result_record(), 0, 0)], {})  # type: ignore[list-item]
    store.apply([decode("task", task_record(), 0, 0)], {})  # type: ignore[list-item]
    row = store.task("t1")
    assert row is not None and row.request == "hi" and row.user == "u1" and row.status == "completed"
    assert [e.seq for e in store.events_after("t1", -1)] == [9]


def test_events_are_capped_per_task_and_pruning_bounds_the_store(tmp_path: Path) -> None:
    store = TaskStore(tmp_path / "s.sqlite", max_events_per_task=3)
    store.apply([ProgressSeen("t1", "acme", "s", i, "tokens", b"{}", 0.0) for i in range(10)], {})
    assert [e.seq for e in store.events_after("t1", -1)] == [0, 1, 2]
    now = time.time()
    for i in range(5):
        store.add_task(TaskSeen(f"n{i}", "acme", None, "s", "x", None, "", now - 10 + i))
    store.apply([FeedbackSeen("f1", "t1", "acme", None, 0.0, b"{}")], {})
    assert store.prune(retention_seconds=3600, max_tasks=3, now=now) >= 3
    assert {r.task_id for r in store.tasks_of("acme", None, 10)} == {"n2", "n3", "n4"}
    assert store.events_after("t1", -1) == [] and store.feedback_of("acme") == []


def test_fingerprint_and_idempotent_ids() -> None:
    assert fingerprint("a", None, "u", {"k": "v"}, None) == fingerprint("a", None, "u", {"k": "v"}, None)
    assert fingerprint("a", None, "u", {}, None) != fingerprint("a", "s", "u", {}, None)
    assert fingerprint("a", None, "u", {}, 30) == fingerprint("a", None, "u", {}, 30.0)
    assert idempotent_task_id("acme", "u", "k") == idempotent_task_id("acme", "u", "k")
    assert idempotent_task_id("acme", "u", "k") != idempotent_task_id("globex", "u", "k")
    assert prefer_wait("respond-async, wait=100", 60) == 60 and prefer_wait("wait=2.5", 60) == 2.5
    assert prefer_wait("return=minimal", 60) is None and prefer_wait(None, 60) is None


def test_rate_limiter_per_tenant_bucket() -> None:
    now = [0.0]
    limiter = RateLimiter(RateLimitConfig(requests_per_second=2, burst=2, tenants={"big": (100, 100)}),
                          clock=lambda: now[0])
    assert [limiter.take("a") for _ in range(2)] == [0.0, 0.0]
    assert limiter.take("a") == pytest.approx(0.5)
    assert limiter.take("b") == 0.0 and limiter.take("big") == 0.0
    now[0] += 0.5
    assert limiter.take("a") == 0.0


def test_span_index_reads_files_incrementally(tmp_path: Path) -> None:
    index = SpanIndex(tmp_path, max_traces=2)
    f = tmp_path / "spans-x-1.jsonl"

    def span(trace: str, sid: str, parent: str | None, start: int) -> bytes:
        return orjson.dumps({"trace_id": trace, "span_id": sid, "parent_span_id": parent, "name": sid,
                             "start_ns": start, "end_ns": start + 1}) + b"\n"

    f.write_bytes(span("a" * 32, "root", None, 1) + span("a" * 32, "kid", "root", 2) + b'{"trace_id": "partial')
    assert [(s["name"], s["depth"]) for s in index.spans("a" * 32)] == [("root", 0), ("kid", 1)]
    with open(f, "ab") as fh:
        fh.write(b'"}\n' + span("a" * 32, "late", "root", 3) + span("b" * 32, "other", None, 1))
    assert [s["name"] for s in index.spans("a" * 32)] == ["root", "kid", "late"]
    f2 = tmp_path / "spans-y-2.jsonl"
    f2.write_bytes(span("c" * 32, "c", None, 1))
    assert index.spans("c" * 32)[0]["name"] == "c"
    assert index.spans("a" * 32) == []  # the oldest trace left the bounded index


def test_hostile_records_never_raise() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                               lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(), kids, max_size=3),
                               max_leaves=10)
    envelopes = st.fixed_dictionaries({}, optional={
        "taskid": st.text(max_size=140) | json_values, "tenant": st.text(max_size=70) | json_values,
        "sessionid": st.text() | json_values, "id": st.text() | json_values, "time": st.text() | json_values,
        "traceparent": st.text() | json_values, "data": json_values | st.dictionaries(
            st.sampled_from(["text", "status", "user", "metadata", "kind", "timeout_seconds", "trace_id"]),
            json_values)})

    @settings(max_examples=300, deadline=None)
    @given(kind=st.sampled_from(["task", "result", "progress", "feedback"]),
           value=st.binary(max_size=200) | envelopes.map(lambda d: json.dumps(d).encode()))
    def check(kind: str, value: bytes) -> None:
        decode(kind, value, 0, 0)  # type: ignore[arg-type]

    check()


def test_a_binary_mode_record_is_read_like_a_structured_one() -> None:
    """An upstream's binary-mode task (ce_* headers, data as the value) and a result written binary are read too."""
    headers = [("content-type", b"application/json"), ("ce_specversion", b"1.0"), ("ce_id", b"t9"),
               ("ce_source", b"/crm"), ("ce_type", b"autoglm.task.requested"), ("ce_tenant", b"acme"),
               ("ce_sessionid", b"s9")]
    task = decode("task", orjson.dumps({"text": "What is 2+3?"}), 5, 0, headers)
    assert task is not None and (task.task_id, task.tenant, task.session_id) == ("t9", "acme", "s9")
    result_headers = [*headers[:4], ("ce_type", b"autoglm.task.completed"), ("ce_taskid", b"t9"), ("ce_tenant", b"acme")]
    result = decode("result", orjson.dumps({"task_id": "t9", "status": "completed", "answer": "5"}), 6, 0,
                    result_headers)
    assert result is not None and result.task_id == "t9"
    # A structured record whose headers include a stray ce_* header is still structured (content-type says so).
    stray = decode("result", result_record(), 7, 0, [("content-type", b"application/cloudevents+json"),
                                                      ("ce_type", b"autoglm.task.completed")])
    assert stray is not None
