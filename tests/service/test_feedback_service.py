"""The feedback service on faststream's in-memory broker: tasks and results are read into its store, feedback
is answered with a verdict on `autoglm.client.replies`, refused feedback is dead-lettered with its class and
the service goes on, operations are answered, and prompt policies and assignments go out on `autoglm.prompts`."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from faststream import TestApp
from faststream.kafka import TestKafkaBroker

from autoglm.services.feedback.config import FeedbackServiceSettings
from autoglm.services.feedback.main import create_app
from autoglm.services.feedback.store import FeedbackStore
from autoglm.shared.events import (
    CloudEvent,
    EventType,
    FeedbackCorrection,
    FeedbackList,
    FeedbackRequested,
    FeedbackSubmitted,
    PromptAdd,
    PromptVariant,
    TaskCompleted,
    TaskRequested,
    TaskStatus,
)
from autoglm.shared.topics import CLIENT_REPLIES, DLQ, FEEDBACK, FEEDBACK_REQUESTS, PROMPTS, RESULTS, TASKS


def _ev(etype: EventType, data: Any, **attrs: Any) -> bytes:
    return CloudEvent[type(data)](source="/tests", type=etype.value, data=data, **attrs).model_dump_json().encode()  # type: ignore[misc]


@pytest.fixture
def settings(tmp_path: Path) -> FeedbackServiceSettings:
    return FeedbackServiceSettings(data_dir=tmp_path, broker={"bootstrap_servers": "127.0.0.1:1"},
                                   telemetry={"metrics_port": 0}, feedback={"unknown_task_wait_seconds": 0.2})


async def test_feedback_round_trip_refusals_and_operations(settings: FeedbackServiceSettings, tmp_path: Path) -> None:
    store = FeedbackStore.open(tmp_path / "fb.sqlite")
    app = create_app(settings, store=store)
    seen: dict[str, list[dict[str, Any]]] = {CLIENT_REPLIES: [], DLQ: [], PROMPTS: []}
    for topic, bucket in seen.items():
        def collect(bucket: list[dict[str, Any]] = bucket) -> Any:
            async def on(body: bytes) -> None:
                bucket.append(json.loads(body))
            return on
        app.broker.subscriber(topic)(collect())

    async with TestKafkaBroker(app.broker) as br, TestApp(app):
        await br.publish(_ev(EventType.TASK_REQUESTED, TaskRequested(text="写一首诗", user="u1"), taskid="t1",
                             sessionid="s1", tenant="acme"), TASKS, key=b"s1")
        await br.publish(_ev(EventType.TASK_COMPLETED, TaskCompleted(
            task_id="t1", status=TaskStatus.COMPLETED, answer="春风",
            intents=[{"id": "i1", "type": "creative_writing", "text": "写一首诗"}],
            prompt_versions={"creative_writing": "v1"}), taskid="t1", sessionid="s1", tenant="acme"), RESULTS, key=b"s1")
        good = FeedbackSubmitted(task_id="t1", score=1, user="u1", reply_to=CLIENT_REPLIES)
        await br.publish(_ev(EventType.FEEDBACK_SUBMITTED, good, id="fb-1", taskid="t1", tenant="acme"), FEEDBACK)
        other = FeedbackSubmitted(task_id="t1", score=-1, user="u9", reply_to=CLIENT_REPLIES)
        await br.publish(_ev(EventType.FEEDBACK_SUBMITTED, other, id="fb-2", taskid="t1", tenant="globex"), FEEDBACK)
        ghost = FeedbackSubmitted(task_id="ghost", score=1, reply_to=CLIENT_REPLIES)
        await br.publish(_ev(EventType.FEEDBACK_SUBMITTED, ghost, id="fb-3", taskid="ghost", tenant="acme"), FEEDBACK)
        broken = FeedbackSubmitted(task_id="t1", score=-1, user="u1", reply_to=CLIENT_REPLIES,
                                   correction=FeedbackCorrection(intents={"intents": [{"type": "teleport"}]}))
        await br.publish(_ev(EventType.FEEDBACK_SUBMITTED, broken, id="fb-4", taskid="t1", tenant="acme"), FEEDBACK)
        raw = b'{"specversion": "1.0", "id": "fb-5", "source": "/x", "type": "autoglm.feedback.submitted", ' \
              b'"data": {"task_id": "t1", "score": 7}}'
        await br.publish(raw, FEEDBACK)
        listing = FeedbackRequested(FeedbackList(step_id="op-1", reply_to=CLIENT_REPLIES)).root
        await br.publish(_ev(EventType.FEEDBACK_REQUESTED, listing, tenant="acme"), FEEDBACK_REQUESTS)
        add = PromptAdd(step_id="op-2", reply_to=CLIENT_REPLIES, task_type="creative_writing",
                        variant=PromptVariant(id="short", system="Be short."))
        await br.publish(_ev(EventType.FEEDBACK_REQUESTED, add, tenant="acme"), FEEDBACK_REQUESTS)

    replies = {r["data"]["step_id"]: r["data"] for r in seen[CLIENT_REPLIES]}
    assert replies["fb-1"]["ok"] and replies["fb-1"]["output"]["applied"] == ["rating"]
    assert not replies["fb-2"]["ok"] and "no task 't1' in tenant 'globex'" in replies["fb-2"]["error"]
    assert not replies["fb-3"]["ok"] and "no task 'ghost'" in replies["fb-3"]["error"]
    assert not replies["fb-4"]["ok"] and "malformed" in replies["fb-4"]["error"]
    letters = {base64.b64decode(d["data"]["original_b64"])[:200]: d["data"] for d in seen[DLQ]}
    kinds = sorted(d["error_type"] for d in letters.values())
    assert kinds == ["invalid_correction", "invalid_event", "other_tenant_task", "unknown_task"]
    assert all(d["service"] == "feedback" for d in letters.values())
    [row] = replies["op-1"]["output"]["feedback"]
    assert row["task_id"] == "t1" and row["request"] == "写一首诗" and row["answer"] == "春风"
    assert replies["op-2"]["ok"] and replies["op-2"]["output"] == {"added": "short", "scope": "acme"}
    [policy] = seen[PROMPTS]
    assert policy["type"] == EventType.PROMPT_POLICY.value and policy["data"]["variants"][0]["id"] == "short"
    assert policy["tenant"] == "acme"
    store.close()
