"""The parser service on faststream's in-memory broker: decode, parse, publish, dead-letter."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from faststream.kafka import TestKafkaBroker

from autoglm.services.parser.main import create_app
from autoglm.shared.config import Settings
from autoglm.shared.events import CloudEvent, EventType, ParseRequested, TaskRequested


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, broker={"bootstrap_servers": "127.0.0.1:1"})


def task_event(text: str, **attrs: object) -> bytes:
    ev = CloudEvent[TaskRequested](source="/test", type=EventType.TASK_REQUESTED.value, data=TaskRequested(text=text), **attrs)
    return ev.model_dump_json().encode()


async def test_task_becomes_intent_graph(settings: Settings) -> None:
    app = create_app(settings)
    broker = app.broker
    seen: list[dict] = []

    @broker.subscriber("autoglm.intents")
    async def collect(body: bytes) -> None:
        seen.append(json.loads(body))

    async with TestKafkaBroker(broker) as br:
        await br.publish(task_event("(12+8)*3等于多少？", taskid="t-1", sessionid="s-1"), "autoglm.tasks", key=b"s-1")
    assert len(seen) == 1
    ev = seen[0]
    assert ev["type"] == "autoglm.intents.parsed"
    assert ev["taskid"] == "t-1" and ev["sessionid"] == "s-1"
    intent = ev["data"]["graph"]["intents"][0]
    assert intent["tool"] == "calculator"
    assert intent["entities"]["expression"] == "(12+8)*3"


@pytest.mark.parametrize(
    ("raw", "error_type", "task_id"),
    [
        (b'{"taskid": "t-bad", "oops"', "malformed_json", "t-bad"),
        (b"\xff\xfe\x00", "invalid_utf8", None),
        (b"[1, 2, 3]", "invalid_event", None),
        (json.dumps({"specversion": "1.0", "id": "t-2", "source": "/x", "type": "autoglm.task.requested", "data": {}}).encode(), "invalid_event", "t-2"),
        (json.dumps({"specversion": "1.0", "id": "t-3", "source": "/x", "type": "nope", "data": {"text": "hi"}}).encode(), "unknown_type", "t-3"),
        (json.dumps({"specversion": "1.0", "id": "t-4", "source": "/x", "type": "autoglm.task.requested", "schemaversion": "9", "data": {"text": "hi"}}).encode(), "unsupported_version", "t-4"),
        (json.dumps({"specversion": "0.3", "id": "t-5", "source": "/x", "type": "autoglm.task.requested", "data": {"text": "hi"}}).encode(), "invalid_event", "t-5"),
    ],
)
async def test_bad_records_are_dead_lettered(settings: Settings, raw: bytes, error_type: str, task_id: str | None) -> None:
    app = create_app(settings)
    broker = app.broker
    dlq: list[dict] = []
    results: list[dict] = []

    @broker.subscriber("autoglm.dlq")
    async def on_dlq(body: bytes) -> None:
        dlq.append(json.loads(body))

    @broker.subscriber("autoglm.results")
    async def on_result(body: bytes) -> None:
        results.append(json.loads(body))

    async with TestKafkaBroker(broker) as br:
        await br.publish(raw, "autoglm.tasks", key=b"k")
        # The service keeps going: a good task after the bad one is still parsed.
        await br.publish(task_event("What is 2^10?"), "autoglm.tasks", key=b"k2")

    assert len(dlq) == 1
    letter = dlq[0]["data"]
    assert letter["error_type"] == error_type
    assert letter["topic"] == "autoglm.tasks" and letter["service"] == "parser"
    import base64

    assert base64.b64decode(letter["original_b64"]) == raw
    if task_id:
        assert len(results) == 1
        assert results[0]["data"]["task_id"] == task_id
        assert results[0]["data"]["status"] == "failed"
        assert error_type in results[0]["data"]["error"]
    else:
        assert results == []


async def test_oversize_record_is_refused_unread(settings: Settings) -> None:
    settings.max_event_bytes = 1000
    app = create_app(settings)
    broker = app.broker
    dlq: list[dict] = []

    @broker.subscriber("autoglm.dlq")
    async def on_dlq(body: bytes) -> None:
        dlq.append(json.loads(body))

    async with TestKafkaBroker(broker) as br:
        await br.publish(task_event("x" * 2000, taskid="big"), "autoglm.tasks")
    assert dlq[0]["data"]["error_type"] == "oversize"
    assert dlq[0]["data"]["task_id"] == "big"


async def test_one_consumer_keeps_each_topics_types_and_size_limit(settings: Settings) -> None:
    """The parser reads both its topics with one consumer; each topic still accepts only its own
    event type, and only the public tasks topic has the (smaller) public event size limit."""
    settings.max_event_bytes = 1000
    app = create_app(settings)
    broker = app.broker
    seen: dict[str, list[dict]] = {"autoglm.dlq": [], "autoglm.intents": [], "autoglm.steps.completed": []}
    for name, bucket in seen.items():
        def collect(bucket: list[dict] = bucket) -> Any:
            async def on(body: bytes) -> None:
                bucket.append(json.loads(body))
            return on
        broker.subscriber(name)(collect())

    parse = CloudEvent[ParseRequested](
        source="/test", type=EventType.PARSE_REQUESTED.value, taskid="t-p", sessionid="s-1",
        data=ParseRequested(step_id="st-1", attempt=1, reply_to="autoglm.steps.completed", text="What is 2+2?",
                            context=["earlier turn " + "y" * 1200]),
    ).model_dump_json().encode()
    task = task_event("What is 3*3?", taskid="t-t", sessionid="s-1")
    assert len(parse) > settings.max_event_bytes > len(task)
    async with TestKafkaBroker(broker) as br:
        await br.publish(parse, "autoglm.tasks", key=b"s-1")  # right event, wrong topic
        await br.publish(task, "autoglm.parse.requests", key=b"s-1")
        await br.publish(parse, "autoglm.parse.requests", key=b"s-1")  # over the public limit: fine here
        await br.publish(task, "autoglm.tasks", key=b"s-1")

    letters = [ev["data"] for ev in seen["autoglm.dlq"]]
    assert [(x["topic"], x["error_type"]) for x in letters] == [
        ("autoglm.tasks", "oversize"), ("autoglm.parse.requests", "unknown_type")
    ]
    assert [ev["taskid"] for ev in seen["autoglm.intents"]] == ["t-t"]
    replies = [ev["data"] for ev in seen["autoglm.steps.completed"]]
    assert [(r["step_id"], r["ok"]) for r in replies] == [("st-1", True)]
