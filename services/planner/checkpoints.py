"""Durable plan state: checkpoints on a compacted topic, recovery on partition assignment.

Each task's :class:`TaskState` is written to ``autoglm.planner.state`` (key: task id) on
the same partition number as the task's session key, so the planner replica that owns
partition *p* of its input topics also owns partition *p* of the checkpoints. A done
task's key gets a tombstone. Recovery reads the assigned checkpoint partitions to their
end, then scans the same partitions of ``autoglm.results`` to learn which tasks already
have a result (a crash can fall between publishing a result and checkpointing it).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from autoglm.shared.kafka.clients import read_to_end
from autoglm.shared.kafka.codec import read_event

from .state import TaskState

log = logging.getLogger("autoglm.planner")


async def recover(
    *,
    bootstrap_servers: str,
    state_topic: str,
    results_topic: str,
    partitions: Iterable[int],
    client_kwargs: dict[str, Any] | None = None,
) -> tuple[dict[str, TaskState], set[str]]:
    """Live states and the ids of tasks that are already finished, for the given partitions."""
    parts = sorted(set(partitions))
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        enable_auto_commit=False,
        group_id=None,
        fetch_max_wait_ms=50,
        **(client_kwargs or {}),
    )
    await consumer.start()
    try:
        states: dict[str, TaskState] = {}
        finished: set[str] = set()
        for rec in await read_to_end(consumer, [TopicPartition(state_topic, p) for p in parts]):
            task_id = rec.key.decode() if rec.key else None
            if task_id is None:
                continue
            if rec.value is None:
                states.pop(task_id, None)
                finished.add(task_id)
                continue
            try:
                states[task_id] = TaskState.model_validate_json(rec.value)
            except ValueError:
                log.warning("unreadable checkpoint for %s skipped", task_id)
        if states:
            # read_to_end's assign() replaces the assignment. Calling unsubscribe() in between,
            # inside the rebalance callback, left the group consumer's close() hanging forever.

            for rec in await read_to_end(consumer, [TopicPartition(results_topic, p) for p in parts]):
                parts_of = read_event(rec.value, rec.headers)  # results may be configured binary
                task_id = parts_of[0].get("taskid") if parts_of else None
                if task_id in states:
                    states[task_id].result_published = True
        return states, finished
    finally:
        await consumer.stop()
