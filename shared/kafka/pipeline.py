"""Pipelined consumption: up to N events in flight across batches, offsets committed precisely.

A slow event (a long generation, a hanging tool) doesn't hold back the ones behind it. The consumer
stops fetching while N are in flight (the backlog waits in Kafka), and an offset is committed only
when every record before it in its partition is finished, so a crash redelivers everything unfinished
and skips nothing finished. A revoked partition's running work is finished (bounded) and committed
before it is handed back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiokafka import ConsumerRecord, TopicPartition
from aiokafka.abc import ConsumerRebalanceListener

from .. import metrics
from .codec import Received, Rejected, TopicRule
from .faststream_compat import subscriber_consumer

if TYPE_CHECKING:
    from .runtime import ServiceRuntime

log = logging.getLogger("autoglm")


class OffsetTracker:
    """Which offsets of each partition may be committed while work on later records is still running.

    An offset is committable only when every record before it is finished, so a crash redelivers
    everything unfinished and nothing finished is skipped.
    """

    def __init__(self) -> None:
        self.in_flight: dict[TopicPartition, set[int]] = {}
        self.next_offset: dict[TopicPartition, int] = {}
        self.committed: dict[TopicPartition, int] = {}

    def begin(self, tp: TopicPartition, offset: int) -> None:
        self.in_flight.setdefault(tp, set()).add(offset)
        self.next_offset[tp] = max(self.next_offset.get(tp, 0), offset + 1)

    def end(self, tp: TopicPartition, offset: int) -> None:
        self.in_flight.get(tp, set()).discard(offset)

    def committable(self) -> dict[TopicPartition, int]:
        out = {}
        for tp, nxt in self.next_offset.items():
            pending = self.in_flight.get(tp)
            offset = min(pending) if pending else nxt
            if self.committed.get(tp) != offset:
                out[tp] = offset
        return out

    def pending(self, partitions: set[TopicPartition] | None = None) -> int:
        return sum(len(v) for tp, v in self.in_flight.items() if partitions is None or tp in partitions)

    def forget(self, partitions: set[TopicPartition]) -> None:
        for tp in partitions:
            self.in_flight.pop(tp, None)
            self.next_offset.pop(tp, None)
            self.committed.pop(tp, None)



class Pipeline:
    """Pipelined consumption for one subscriber: bounded in-flight work, precise commits."""

    def __init__(self, rt: ServiceRuntime, limit: int) -> None:
        self.rt = rt
        self.limit = limit
        self.slots = asyncio.Semaphore(limit)
        self.tracker = OffsetTracker()
        self.tasks: set[asyncio.Task[None]] = set()
        self.subscriber: Any = None
        self._committer: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    async def feed(
        self,
        records: tuple[ConsumerRecord, ...],
        rules: dict[str, TopicRule],
        handle: Callable[[Received], Awaitable[None]],
    ) -> None:
        if self._committer is None:
            self._committer = asyncio.create_task(self._commit_forever())
        for record in records:
            tp = TopicPartition(record.topic, record.partition)
            self.tracker.begin(tp, record.offset)
            try:
                item = Received(record, rules[record.topic].decode(record))
            except Rejected as rej:
                await self.rt.dead_letter(record, rej)
                self.tracker.end(tp, record.offset)
                continue
            await self.slots.acquire()  # full: stop fetching until a slot frees up
            metrics.IN_FLIGHT.labels(self.rt.service).inc()
            task = asyncio.create_task(self._run(item, handle, tp))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def _run(self, item: Received, handle: Callable[[Received], Awaitable[None]], tp: TopicPartition) -> None:
        try:
            await self.rt._handle_one(item, handle)  # noqa: SLF001 - same runtime
        finally:
            self.tracker.end(tp, int(item.record.offset))
            self.slots.release()
            metrics.IN_FLIGHT.labels(self.rt.service).dec()
            self._wake.set()

    async def commit(self) -> None:
        consumer = subscriber_consumer(self.subscriber)
        offsets = self.tracker.committable()
        if consumer is None or not offsets:
            return
        assigned = consumer.assignment()
        offsets = {tp: off for tp, off in offsets.items() if tp in assigned}
        if not offsets:
            return
        try:
            await consumer.commit(offsets)
        except Exception as exc:  # noqa: BLE001 - a rebalance in progress; the next round retries
            log.debug("commit deferred: %s", exc)
            return
        self.tracker.committed.update(offsets)

    async def _commit_forever(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), 0.2)
            except TimeoutError:
                pass
            self._wake.clear()
            await asyncio.sleep(0.05)  # coalesce completions into one commit
            await self.commit()

    async def drain(self, timeout: float) -> None:
        if self.tasks:
            await asyncio.wait(set(self.tasks), timeout=timeout)
        await self.commit()
        if self._committer is not None:
            self._committer.cancel()

    def listener(self, inner: ConsumerRebalanceListener | None) -> ConsumerRebalanceListener:
        pipeline = self

        class _HandBack(ConsumerRebalanceListener):  # type: ignore[misc]
            async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
                # Hand the partitions back cleanly: finish what's running on them (bounded), commit.
                deadline = asyncio.get_running_loop().time() + 15
                while pipeline.tracker.pending(revoked) and asyncio.get_running_loop().time() < deadline:
                    await asyncio.sleep(0.05)
                await pipeline.commit()
                pipeline.tracker.forget(revoked)
                if inner is not None:
                    await inner.on_partitions_revoked(revoked)

            async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
                if inner is not None:
                    await inner.on_partitions_assigned(assigned)

        return _HandBack()
