"""ServiceRuntime.reply answers a step request the same way for every worker; pause/resume hold one topic."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import pytest
from aiokafka import TopicPartition

from autoglm.shared.config import Settings
from autoglm.shared.events import CloudEvent, EventType, StepCompleted, ToolCallRequested
from autoglm.shared.kafka.runtime import ServiceRuntime
from autoglm.shared.topics import CLIENT_REPLIES, NO_REPLY, STEPS_COMPLETED, TOOL_CALLS


@pytest.fixture
def rt(monkeypatch: pytest.MonkeyPatch) -> tuple[ServiceRuntime, list[tuple[str, CloudEvent[Any]]]]:
    runtime = ServiceRuntime("tool_executor", Settings(broker={"bootstrap_servers": "127.0.0.1:1"}))
    sent: list[tuple[str, CloudEvent[Any]]] = []

    async def publish(topic: str, event: CloudEvent[Any], **_: Any) -> None:
        sent.append((topic, event))

    monkeypatch.setattr(runtime, "publish", publish)
    return runtime, sent


def _request(reply_to: str) -> tuple[CloudEvent[Any], ToolCallRequested]:
    req = ToolCallRequested(step_id="s1", attempt=2, reply_to=reply_to, tool="calculator")
    ev = CloudEvent[ToolCallRequested](source="/t", type=EventType.TOOL_CALL_REQUESTED.value, taskid="t-1",
                                       sessionid="sess", tenant="acme", data=req)
    return ev, req


@pytest.mark.parametrize("reply_to", [STEPS_COMPLETED, CLIENT_REPLIES])
async def test_a_reply_echoes_the_request_and_continues_its_task(rt: Any, reply_to: str) -> None:
    runtime, sent = rt
    ev, req = _request(reply_to)
    assert await runtime.reply(ev, req, ok=True, output={"result": 60}, text="60", started=time.perf_counter() - 0.01)
    [(topic, event)] = sent
    assert topic == reply_to and event.type == EventType.STEP_COMPLETED.value
    assert (event.taskid, event.sessionid, event.tenant) == ("t-1", "sess", "acme")
    reply: StepCompleted = event.data
    assert (reply.step_id, reply.attempt, reply.ok, reply.output, reply.text) == ("s1", 2, True, {"result": 60}, "60")
    assert reply.service == "tool_executor" and reply.error is None and reply.duration_ms >= 10


async def test_a_failed_step_replies_with_its_error(rt: Any) -> None:
    runtime, sent = rt
    ev, req = _request(STEPS_COMPLETED)
    assert await runtime.reply(ev, req, ok=False, error="ZeroDivisionError: division by zero")
    reply: StepCompleted = sent[0][1].data
    assert not reply.ok and reply.error == "ZeroDivisionError: division by zero" and reply.output == {}


async def test_fire_and_forget_gets_no_reply_and_a_foreign_topic_is_refused_on_the_span(rt: Any) -> None:
    runtime, sent = rt
    with runtime.span("handle") as span:
        assert not await runtime.reply(*_request(NO_REPLY), ok=True)
        assert not await runtime.reply(*_request(TOOL_CALLS), ok=True)  # a request can't make a worker write there
    assert sent == []
    refused = [e for e in span.events if e.name == "reply_to refused"]
    assert [e.attributes["reply_to"] for e in refused] == [TOOL_CALLS]  # NO_REPLY is not a refusal


class _Consumer:
    def __init__(self, assigned: set[TopicPartition]) -> None:
        self.assigned, self.paused = assigned, set[TopicPartition]()

    def assignment(self) -> set[TopicPartition]:
        return self.assigned

    def pause(self, *tps: TopicPartition) -> None:
        self.paused |= set(tps)

    def resume(self, *tps: TopicPartition) -> None:
        self.paused -= set(tps)


def test_pause_holds_one_topic_of_a_shared_consumer() -> None:
    runtime = ServiceRuntime("planner", Settings(topic_prefix="p.", broker={"bootstrap_servers": "127.0.0.1:1"}))
    assert not runtime.pause("autoglm.intents")  # no consumer started yet
    intents = {TopicPartition("p.autoglm.intents", n) for n in range(2)}
    consumer = _Consumer(intents | {TopicPartition("p.autoglm.steps.completed", 0)})
    runtime.subscribers = [SimpleNamespace(consumer=None), SimpleNamespace(consumer=consumer)]
    assert runtime.pause("autoglm.intents") and consumer.paused == intents
    assert runtime.resume("autoglm.intents") and consumer.paused == set()


async def test_a_bad_record_on_an_observed_topic_is_left_to_its_owner(monkeypatch: pytest.MonkeyPatch) -> None:
    """The feedback service reads the tasks the parser owns: a bad task gets one dead letter and one failed
    result (the parser's), not a second pair from every reader."""
    from aiokafka.structs import ConsumerRecord

    from autoglm.shared.kafka.codec import Rejected
    from autoglm.shared.topics import FEEDBACK, RESULTS, TASKS

    async def handle(item: Any) -> None:
        return None

    def record(topic: str) -> ConsumerRecord:
        return ConsumerRecord(topic=topic, partition=0, offset=7, timestamp=0, timestamp_type=0, key=b"s",
                              value=b"{broken", checksum=None, serialized_key_size=1, serialized_value_size=7,
                              headers=[])

    for observe, expected in ((True, []), (False, ["autoglm.dlq", "autoglm.results"])):
        runtime = ServiceRuntime("feedback", Settings(broker={"bootstrap_servers": "127.0.0.1:1"}))
        sent: list[str] = []

        async def publish(topic: str, event: CloudEvent[Any], sent: list[str] = sent, **_: Any) -> None:
            sent.append(topic)

        monkeypatch.setattr(runtime, "publish", publish)
        runtime.subscribe([TASKS, RESULTS], {TASKS: [EventType.TASK_REQUESTED], RESULTS: [EventType.TASK_COMPLETED]},
                          handle, observe=observe)
        runtime.subscribe([FEEDBACK], [EventType.FEEDBACK_SUBMITTED], handle)
        rej = Rejected("malformed_json", "not JSON", "t-bad")
        await runtime.dead_letter(record(TASKS), rej)
        assert sent == expected
        sent.clear()
        await runtime.dead_letter(record(FEEDBACK), rej)  # its own topic: always dead-lettered
        assert sent == ["autoglm.dlq"]
