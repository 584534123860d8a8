"""Planner admission: intents pause at max_tasks_in_flight open tasks and resume below three quarters."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from aiokafka import TopicPartition

from autoglm.services.planner.coordinator import Coordinator
from autoglm.services.planner.state import PlannerPolicy
from autoglm.shared.config import Settings
from autoglm.shared.kafka.runtime import ServiceRuntime


class _Consumer:
    """The three calls of aiokafka's consumer that admission uses."""

    def __init__(self, assigned: set[TopicPartition]) -> None:
        self.assigned = assigned
        self.paused: set[TopicPartition] = set()

    def assignment(self) -> set[TopicPartition]:
        return self.assigned

    def pause(self, *tps: TopicPartition) -> None:
        self.paused |= set(tps)

    def resume(self, *tps: TopicPartition) -> None:
        self.paused -= set(tps)


def _coordinator(limit: int) -> tuple[Coordinator, _Consumer, set[TopicPartition]]:
    rt = ServiceRuntime("planner", Settings(topic_prefix="t.", broker={"bootstrap_servers": "127.0.0.1:1"}))
    intents = {TopicPartition("t.autoglm.intents", p) for p in range(3)}
    steps = {TopicPartition("t.autoglm.steps.completed", p) for p in range(3)}
    consumer = _Consumer(intents | steps)
    rt.subscribers = [SimpleNamespace(consumer=consumer)]
    return Coordinator(rt, PlannerPolicy(max_tasks_in_flight=limit)), consumer, intents


def _open(c: Coordinator, n: int) -> None:
    tasks: dict[str, Any] = {f"t{i}": object() for i in range(n)}
    c.tasks = tasks  # type: ignore[assignment]
    c._admit()


def test_intents_pause_at_the_limit_and_step_replies_keep_flowing() -> None:
    c, consumer, intents = _coordinator(8)
    _open(c, 7)
    assert not consumer.paused and not c.admission_paused
    _open(c, 8)
    assert consumer.paused == intents  # only intents: replies must still finish the open tasks
    assert c.admission_paused


def test_resume_waits_until_a_quarter_has_drained() -> None:
    c, consumer, intents = _coordinator(8)
    _open(c, 9)
    _open(c, 7)
    assert consumer.paused == intents, "no flapping at the limit"
    _open(c, 6)
    assert not consumer.paused and not c.admission_paused
    _open(c, 8)
    assert consumer.paused == intents
