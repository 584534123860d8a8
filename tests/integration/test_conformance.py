"""Conformance with clients we didn't write: librdkafka (confluent-kafka) and the CloudEvents SDK only.

An upstream producer publishes tasks in both CloudEvents content modes and a downstream consumer reads
results and dead letters, exactly as the README's guide tells a third party to: murmur2_random partitioning,
assign() instead of subscribe() (no group join on the embedded broker), the SDK's generic Kafka reader.
Checked: every result and dead letter is a valid CloudEvent by the SDK, the trace continues the producer's
traceparent, tenant and session survive (dead letters too), and a session key lands on the partition the
project's own producers use. Tasks are calculator questions: no text generation, so nothing races a model.
The README's Python and Node.js examples of that guide run here too, as written (topic names prefixed).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiokafka.partitioner import DefaultPartitioner
from cloudevents.core.bindings import kafka as ce_kafka
from cloudevents.core.v1.event import CloudEvent
from confluent_kafka import OFFSET_BEGINNING, Consumer, Message, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from autoglm.shared.cli.stack import Stack

from ..support.node import MODULES, node_with_modules

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
WAIT_S = 150.0


def traceparent() -> tuple[str, str]:
    trace_id = uuid.uuid4().hex
    return trace_id, f"00-{trace_id}-{uuid.uuid4().hex[:16]}-01"


class ThirdParty:
    """An upstream producer and a downstream reader built from confluent-kafka and the CloudEvents SDK."""

    def __init__(self, stack: Stack) -> None:
        self.prefix = stack.settings.topic_prefix
        self.bootstrap = stack.bootstrap or ""
        # The partitioner the README tells librdkafka users to set: the same murmur2 as the project's producers.
        self.producer = Producer({"bootstrap.servers": self.bootstrap, "partitioner": "murmur2_random",
                                  "acks": "all", "log.connection.close": False})
        self.delivered: dict[bytes, int] = {}

    def send(self, value: bytes, key: str, headers: dict[str, bytes]) -> int:
        """Publish one task record and return the partition librdkafka put it on."""
        def on_delivery(err: Any, msg: Message) -> None:
            assert err is None, err
            self.delivered[msg.key()] = msg.partition()

        self.producer.produce(self.prefix + "autoglm.tasks", value=value, key=key.encode(),
                              headers=list(headers.items()), on_delivery=on_delivery)
        assert self.producer.flush(30) == 0
        return self.delivered[key.encode()]

    def send_structured(self, event: CloudEvent, key: str) -> int:
        msg = ce_kafka.to_structured_event(event)
        return self.send(msg.value, key, dict(msg.headers))

    def send_binary(self, event: CloudEvent, key: str) -> int:
        msg = ce_kafka.to_binary_event(event)
        return self.send(msg.value, key, dict(msg.headers))

    def read(self, topic: str, wanted: Callable[[CloudEvent], bool], count: int) -> list[tuple[CloudEvent, Message]]:
        """Records of ``topic`` read from the beginning with assign() (no group join), parsed by the SDK's generic
        Kafka reader, that ``wanted`` keeps; waits for ``count`` of them."""
        name = self.prefix + topic
        consumer = Consumer({"bootstrap.servers": self.bootstrap, "group.id": f"conformance-{uuid.uuid4().hex[:8]}",
                             "enable.auto.commit": False, "log.connection.close": False})
        try:
            partitions = consumer.list_topics(name, timeout=10).topics[name].partitions
            consumer.assign([TopicPartition(name, p, OFFSET_BEGINNING) for p in partitions])
            found: list[tuple[CloudEvent, Message]] = []
            deadline = time.monotonic() + WAIT_S
            while len(found) < count and time.monotonic() < deadline:
                msg = consumer.poll(0.5)
                if msg is None or msg.error():
                    continue
                event = ce_kafka.from_kafka_event(ce_kafka.KafkaMessage(
                    headers=dict(msg.headers() or []), key=msg.key(), value=msg.value()))
                if wanted(event):
                    found.append((event, msg))
            return found
        finally:
            consumer.close()


@pytest.fixture(scope="module")
def third_party(stack: Stack) -> Iterator[ThirdParty]:
    client = ThirdParty(stack)
    yield client
    client.producer.flush(10)


def task(task_id: str, text: str, tp: str, session: str, tenant: str = "acme") -> CloudEvent:
    return CloudEvent(attributes={
        "id": task_id, "source": "/conformance/upstream", "type": "autoglm.task.requested",
        "datacontenttype": "application/json", "taskid": task_id, "sessionid": session, "tenant": tenant,
        "traceparent": tp,
    }, data={"text": text})


def _one(found: list[tuple[CloudEvent, Message]], what: str) -> tuple[dict[str, Any], Any, Message]:
    assert len(found) == 1, f"{what}: {len(found)} records"
    event, msg = found[0]
    return event.get_attributes(), event.get_data(), msg


def _data(raw: Any) -> dict[str, Any]:
    return dict(json.loads(raw) if isinstance(raw, (bytes, str)) else raw)


@pytest.mark.parametrize("mode", ["structured", "binary"])
def test_a_task_in_either_mode_gets_a_valid_cloudevent_result(third_party: ThirdParty, mode: str) -> None:
    task_id, session = f"cf-{mode}-{uuid.uuid4().hex[:8]}", f"cf-sess-{uuid.uuid4().hex[:6]}"
    trace_id, tp = traceparent()
    event = task(task_id, "What is 2+3?", tp, session)
    sent = third_party.send_binary(event, session) if mode == "binary" else third_party.send_structured(event, session)

    attrs, raw, msg = _one(third_party.read("autoglm.results", lambda e: e.get_attributes().get("taskid") == task_id, 1),
                           "results")
    data = _data(raw)
    assert attrs["type"] == "autoglm.task.completed" and attrs["specversion"] == "1.0"
    assert (attrs["tenant"], attrs["sessionid"], attrs["subject"]) == ("acme", session, task_id)
    assert attrs["source"].startswith("/autoglm/") and attrs["id"] and attrs["time"]
    assert data["status"] == "completed" and "5" in data["answer"], data
    assert "error" in data and data["error"] is None  # present as null, as documented
    # The trace continues the producer's traceparent: the result's own context and the reported trace id.
    assert attrs["traceparent"].split("-")[1] == trace_id and data["trace_id"] == trace_id
    headers = dict(msg.headers() or [])
    assert headers["content-type"] == b"application/cloudevents+json"
    assert not [h for h in headers if h.startswith("ce_")], "a ce_* header on a structured record"
    assert headers["traceparent"].decode().split("-")[1] == trace_id
    # The session's records share a partition number across the topics (one producer's murmur2, another's).
    assert msg.key() == session.encode() and msg.partition() == sent


def test_dead_letters_keep_tenant_session_and_trace(third_party: ThirdParty) -> None:
    run = uuid.uuid4().hex[:8]
    bin_id, broken_id, session = f"cf-long-{run}", f"cf-broken-{run}", f"cf-dl-{run}"
    bin_trace, bin_tp = traceparent()
    broken_trace, broken_tp = traceparent()
    # Binary mode, text over the 8,000-character limit: refused with one line, answered for its tenant.
    third_party.send_binary(task(bin_id, "x" * 8001, bin_tp, session, tenant="globex"), session)
    # Structured but not JSON: its tenant, session and trace are still read from its bytes.
    broken = (f'{{"specversion": "1.0", "id": "{broken_id}", "source": "/conformance", "tenant": "globex", '
              f'"sessionid": "{session}", "traceparent": "{broken_tp}", "data": {{"text": ').encode()
    third_party.send(broken, session, {"content-type": b"application/cloudevents+json"})

    letters = third_party.read("autoglm.dlq", lambda e: _data(e.get_data()).get("task_id") in (bin_id, broken_id), 2)
    by_task = {_data(e.get_data())["task_id"]: (e.get_attributes(), _data(e.get_data())) for e, _ in letters}
    assert set(by_task) == {bin_id, broken_id}
    for task_id, trace_id in ((bin_id, bin_trace), (broken_id, broken_trace)):
        attrs, letter = by_task[task_id]
        assert attrs["type"] == "autoglm.deadletter"
        assert (attrs["tenant"], attrs["sessionid"], attrs["taskid"]) == ("globex", session, task_id)
        assert attrs["traceparent"].split("-")[1] == trace_id, "the dead letter started a new trace"
        assert letter["topic"] == "autoglm.tasks"
    assert by_task[bin_id][1]["error_type"] == "text_too_long"
    assert by_task[broken_id][1]["error_type"] == "malformed_json"
    assert by_task[bin_id][1]["headers"]["ce_tenant"]  # the binary record's headers are kept for replay

    results = third_party.read("autoglm.results", lambda e: e.get_attributes().get("taskid") in (bin_id, broken_id), 2)
    for event, _ in results:
        attrs, data = event.get_attributes(), _data(event.get_data())
        assert data["status"] == "failed" and (attrs["tenant"], attrs["sessionid"]) == ("globex", session)
    failed = {e.get_attributes()["taskid"]: _data(e.get_data()) for e, _ in results}
    assert failed[bin_id]["error"] == (
        "rejected (text_too_long): the task text is 8,001 characters long; the limit is 8,000")
    assert failed[bin_id]["trace_id"] == bin_trace


def test_session_keys_land_where_the_projects_producers_put_them(third_party: ThirdParty) -> None:
    """murmur2_random (librdkafka) and aiokafka's default partitioner agree on every key; librdkafka's own
    default (consistent_random, CRC32) does not, which is why the README names the setting."""
    tasks = third_party.prefix + "autoglm.tasks"
    count = len(third_party.producer.list_topics(tasks, timeout=10).topics[tasks].partitions)
    name = f"{third_party.prefix}conformance.keys.{uuid.uuid4().hex[:6]}"  # a scratch topic shaped like the task topic
    admin = AdminClient({"bootstrap.servers": third_party.bootstrap})
    admin.create_topics([NewTopic(name, num_partitions=count, replication_factor=1)])[name].result(30)
    keys = [f"sess-{i}-{uuid.uuid4().hex[:4]}".encode() for i in range(40)]
    ours = DefaultPartitioner()
    crc = Producer({"bootstrap.servers": third_party.bootstrap, "log.connection.close": False})
    default_placed: dict[bytes, int] = {}
    for key in keys:
        third_party.producer.produce(name, value=b"{}", key=key, headers=[("content-type", b"application/json")],
                                     on_delivery=lambda err, msg: third_party.delivered.__setitem__(msg.key(), msg.partition()))
        crc.produce(name, value=b"{}", key=key, headers=[("content-type", b"application/json")],
                    on_delivery=lambda err, msg: default_placed.__setitem__(msg.key(), msg.partition()))
    assert third_party.producer.flush(30) == 0 and crc.flush(30) == 0
    partitions = list(range(count))
    expected = {key: ours(key, partitions, partitions) for key in keys}
    assert {key: third_party.delivered[key] for key in keys} == expected
    assert any(default_placed[key] != expected[key] for key in keys), "CRC32 happened to agree on 40 keys"


# ---------------------------------------------------------------- the README's guide, run as written


def _readme_example(language: str, stack: Stack, tmp_path: Path) -> Path:
    """The README's ``language`` example of "Connecting other systems", its topic names given the test's prefix."""
    section = (REPO / "README.md").read_text().split("## Connecting other systems", 1)[1].split("\n## ", 1)[0]
    code = section.split(f"```{language}\n", 1)[1].split("```", 1)[0]
    for topic in ("autoglm.tasks", "autoglm.results"):
        assert f'"{topic}"' in code
        code = code.replace(f'"{topic}"', f'"{stack.settings.topic_prefix}{topic}"')
    path = tmp_path / ("example.py" if language == "python" else "example.js")
    path.write_text(code)
    return path


def _check_printed(stdout: str) -> None:
    """``status answer error trace_id``, as both examples print them."""
    words = stdout.split()
    assert words[0] == "completed" and "60" in words[1:-2], stdout
    assert words[-2] in ("None", "null") and len(words[-1]) == 32, stdout


def test_the_readme_python_example_runs(stack: Stack, tmp_path: Path) -> None:
    script = _readme_example("python", stack, tmp_path)
    done = subprocess.run([sys.executable, str(script), stack.bootstrap or ""], capture_output=True, text=True,
                          timeout=WAIT_S)
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    _check_printed(done.stdout)


def test_the_readme_node_example_runs(stack: Stack, tmp_path: Path) -> None:
    node = node_with_modules("kafkajs")
    script = _readme_example("javascript", stack, tmp_path)
    done = subprocess.run([node, str(script), stack.bootstrap or ""], capture_output=True, text=True,
                          timeout=WAIT_S, env={**os.environ, "NODE_PATH": str(MODULES)})
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    _check_printed(done.stdout)
