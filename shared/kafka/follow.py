"""Following a compacted topic whose whole content every replica needs (prompt policies, parser examples).

A :class:`TopicFollower` reads every partition of its topic from the start with a group-less consumer (every
replica reads everything; nothing is committed: the topic is replayed on start), returns from :meth:`start`
once it has read to the end offsets as of the call, and then follows the topic in the background, handing
each record's key and value (None for a tombstone) to ``apply``. A topic that does not exist yet, or a broker
that can't be reached at start, is waited for in the background: there is nothing to read yet, and the service
should not refuse work for it (it works with what it has, e.g. no policies).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError

log = logging.getLogger("autoglm")

Apply = Callable[[bytes | None, bytes | None], None]


class TopicFollower:
    def __init__(
        self,
        bootstrap_servers: str,
        topic: str,
        apply: Apply,
        *,
        client_kwargs: Mapping[str, Any] | None = None,
        fetch_max_wait_ms: int = 100,
        in_thread: bool = False,
    ) -> None:
        """``in_thread``: ``apply`` runs on a worker thread, one record at a time (work that would hold the
        event loop, like encoding a parser example)."""
        self.topic = topic
        self.apply = apply
        self.in_thread = in_thread
        self._kwargs = dict(bootstrap_servers=bootstrap_servers, group_id=None, enable_auto_commit=False,
                            fetch_max_wait_ms=fetch_max_wait_ms, **dict(client_kwargs or {}))
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None
        self.applied = 0
        self.failed = 0

    async def _connect(self) -> AIOKafkaConsumer:
        if self._consumer is None:
            consumer = AIOKafkaConsumer(**self._kwargs)
            try:
                await consumer.start()
            except BaseException:
                with contextlib.suppress(Exception):
                    await consumer.stop()
                raise
            self._consumer = consumer
        return self._consumer

    async def start(self, timeout_s: float = 10.0) -> None:
        try:
            await self._connect()
            parts = await self._partitions(timeout_s)
        except (TimeoutError, KafkaError, OSError) as exc:
            log.info("%s not readable yet (%s); following it once it is", self.topic, type(exc).__name__)
            self._task = asyncio.create_task(self._late_start())
            return
        await self._catch_up(parts)
        self._task = asyncio.create_task(self._follow())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        if self._consumer is not None:
            with contextlib.suppress(Exception):
                await self._consumer.stop()

    async def _late_start(self) -> None:
        while True:
            try:
                await self._connect()
                await self._catch_up(await self._partitions(float("inf")))
                break
            except asyncio.CancelledError:
                raise
            except Exception:  # a broker hiccup while waiting: wait on
                log.exception("following %s: waiting for it failed", self.topic)
                await asyncio.sleep(2.0)
        await self._follow()

    async def _partitions(self, timeout_s: float) -> list[TopicPartition]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        consumer = await self._connect()
        while True:
            await consumer.topics()  # refreshes the metadata
            parts = consumer.partitions_for_topic(self.topic)
            if parts:
                return [TopicPartition(self.topic, p) for p in sorted(parts)]
            if loop.time() > deadline:
                raise TimeoutError(f"topic {self.topic} not found")
            await asyncio.sleep(0.5)

    async def _catch_up(self, parts: list[TopicPartition]) -> None:
        consumer = await self._connect()
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        remaining = {tp for tp in parts if ends[tp] > 0}
        while remaining:
            await self._apply(await consumer.getmany(*remaining, timeout_ms=500, max_records=2000))
            for tp in list(remaining):
                if await consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)

    async def _follow(self) -> None:
        consumer = await self._connect()
        while True:
            try:
                await self._apply(await consumer.getmany(timeout_ms=1000, max_records=500))
            except asyncio.CancelledError:
                raise
            except Exception:  # a broker hiccup must not stop the follower; the next fetch retries
                log.exception("following %s: fetch failed", self.topic)
                await asyncio.sleep(1.0)

    async def _apply(self, batch: Mapping[TopicPartition, list[Any]]) -> None:
        for records in batch.values():
            for rec in records:
                try:
                    if self.in_thread:
                        await asyncio.to_thread(self.apply, rec.key, rec.value)
                    else:
                        self.apply(rec.key, rec.value)
                    self.applied += 1
                except Exception:  # one bad record must not stop the follower
                    self.failed += 1
                    log.exception("following %s: record at offset %s not applied", self.topic, rec.offset)
