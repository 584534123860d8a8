"""Kafka-level hostile records on the real embedded broker: the parser service in this process.

What an in-memory broker can't show: header values that aren't UTF-8 or are null (faststream decodes
headers before any handler runs), record keys and values near or past the broker's size limits (a
dead letter carries the original base64, a third larger), tombstones. One batch mixes them with good
tasks, so a record that broke the batch would lose its neighbours too.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import time
import uuid
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from autoglm.services.parser.config import ParserSettings
from autoglm.services.parser.main import create_app
from autoglm.shared.cli.embedded import EmbeddedBroker, create_topics
from autoglm.shared.topics import DLQ, INTENTS, RESULTS, TASKS


def task(task_id: str, **data: Any) -> bytes:
    return json.dumps({"specversion": "1.0", "id": task_id, "source": "/tests/kafka", "type": "autoglm.task.requested",
                       "taskid": task_id, "tenant": "acme", "data": {"text": "What is 2+3?", **data}}).encode()


async def read(bootstrap: str, topic: str, count: int, timeout: float) -> list[Any]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                                fetch_max_wait_ms=50, max_partition_fetch_bytes=16 << 20)
    await consumer.start()
    try:
        parts = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or {0})]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        out: list[Any] = []
        deadline = time.monotonic() + timeout
        while len(out) < count and time.monotonic() < deadline:
            for records in (await consumer.getmany(timeout_ms=200)).values():
                out += records
        return out
    finally:
        await consumer.stop()


async def test_kafka_level_oddities_each_end_in_a_dead_letter_and_spare_their_batch() -> None:
    run_id = uuid.uuid4().hex[:6]
    good = [f"good-{run_id}-{i}" for i in range(4)]
    big = "A" * 3_000_000  # past max_event_bytes and, as base64, past the broker's request limit
    # (value, key, headers, expected: "dlq" | "intents", the task id a failed result must name)
    cases: list[tuple[bytes | None, bytes | None, list[tuple[str, bytes | None]], str, str | None]] = [
        (None, b"s", [], "dlq", None),  # tombstone
        (b"", b"s", [], "dlq", None),
        (task(good[0]), b"s", [("h", b"\xff\xfe")] * 3 + [("content-type", b"\xc3(")], "intents", None),
        (task(good[1]), b"s", [("x", None)], "intents", None),
        (task(good[2]), b"K" * 900_000, [(f"h{i}", b"\xff" * 8) for i in range(2000)], "intents", None),
        (b"\x00binary", b"s", [("ce_specversion", b"1.0"), ("ce_id", f"bin-{run_id}".encode())], "dlq", f"bin-{run_id}"),
        (task(f"big-{run_id}", pad=big), b"s", [], "dlq", f"big-{run_id}"),
        (task(f"bigkey-{run_id}", pad=big[:900_000]), b"K" * 900_000, [("h", b"\xff" * 500_000)], "dlq", f"bigkey-{run_id}"),
        (task(good[3]), b"s", [], "intents", None),
    ]
    with EmbeddedBroker() as broker:
        bootstrap = broker.bootstrap_servers
        await create_topics(bootstrap)
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, max_request_size=16 << 20)
        await producer.start()
        try:
            # All of them before the service starts: they arrive in one batch.
            for value, key, headers, _, _ in cases:
                await producer.send_and_wait(TASKS, value, key=key, headers=headers, partition=0)
        finally:
            await producer.stop()
        app = create_app(ParserSettings(broker={"bootstrap_servers": bootstrap}, parser={"fallback": "none"},
                                        telemetry={"metrics_port": 0}))
        running = asyncio.create_task(app.run())
        try:
            expected_dlq = sum(1 for c in cases if c[3] == "dlq")
            intents = await read(bootstrap, INTENTS, len(good), 60)
            letters = await read(bootstrap, DLQ, expected_dlq, 30)
            results = await read(bootstrap, RESULTS, 2, 10)
            assert not running.done(), "the service exited"
        finally:
            await app.stop()
            running.cancel()

    assert sorted(json.loads(r.value)["taskid"] for r in intents) == sorted(good)
    assert len(letters) == expected_dlq, [json.loads(r.value)["data"]["reason"] for r in letters]
    by_hash = {json.loads(r.value)["data"]["original_sha256"]: json.loads(r.value)["data"] for r in letters}
    for value, _key, _headers, outcome, _ in cases:
        if outcome != "dlq":
            continue
        letter = by_hash[hashlib.sha256(value or b"").hexdigest()]
        kept = base64.b64decode(letter["original_b64"])
        assert letter["original_size"] == len(value or b"")
        assert kept == (value or b"") if not letter["truncated"] else (value or b"").startswith(kept) and kept
    assert by_hash[hashlib.sha256(cases[6][0] or b"").hexdigest()]["truncated"]
    # Binary content mode is read (ce_* headers), and its value must then be the data as JSON.
    assert by_hash[hashlib.sha256(cases[5][0] or b"").hexdigest()]["error_type"] == "malformed_json"
    answered = {json.loads(r.value)["taskid"]: json.loads(r.value) for r in results}
    assert set(answered) == {c[4] for c in cases if c[4]}
    assert all(r["data"]["status"] == "failed" for r in answered.values())


# aiokafka's pure-Python record writer with a header key that encodes to bytes that aren't UTF-8:
# its own producer API can't write one otherwise, though any Kafka client could.
_BAD_HEADER_KEY_PRODUCER = r"""
import asyncio, sys
from aiokafka import AIOKafkaProducer

class Key(str):
    def encode(self, *args, **kwargs):
        return b"\xff\xfe-not-utf8"

async def main(bootstrap, topic, *values):
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    for i, value in enumerate(values):
        headers = [(Key("k"), b"v")] if i == 1 else []
        await producer.send_and_wait(topic, value.encode(), headers=headers, partition=0)
    await producer.stop()

asyncio.run(main(*sys.argv[1:]))
"""


async def test_a_record_the_kafka_client_cannot_read_is_skipped_and_dead_lettered() -> None:
    """aiokafka raises on a header key that isn't UTF-8, and its partition used to stay stuck on it forever."""
    import os
    import subprocess
    import sys

    run_id = uuid.uuid4().hex[:6]
    ids = [f"hk-{run_id}-{i}" for i in range(3)]
    with EmbeddedBroker() as broker:
        bootstrap = broker.bootstrap_servers
        await create_topics(bootstrap)
        done = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-c", _BAD_HEADER_KEY_PRODUCER, bootstrap, TASKS, *(task(i).decode() for i in ids)],
            env={**os.environ, "AIOKAFKA_NO_EXTENSIONS": "1"}, capture_output=True, text=True, timeout=60,
        )
        assert done.returncode == 0, done.stderr
        app = create_app(ParserSettings(broker={"bootstrap_servers": bootstrap}, parser={"fallback": "none"},
                                        telemetry={"metrics_port": 0}))
        running = asyncio.create_task(app.run())
        try:
            intents = await read(bootstrap, INTENTS, 2, 60)
            letters = await read(bootstrap, DLQ, 1, 20)
            assert not running.done(), "the service exited"
        finally:
            await app.stop()
            running.cancel()
    assert sorted(json.loads(r.value)["taskid"] for r in intents) == [ids[0], ids[2]]
    assert len(letters) == 1
    letter = json.loads(letters[0].value)["data"]
    assert (letter["error_type"], letter["offset"], letter["truncated"]) == ("unreadable_record", 1, True)
