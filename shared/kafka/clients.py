"""Plain aiokafka clients outside a service runtime: reading a set of partitions to its end, tailing
topics from their end, and closing a reader.

Used by the SDK (results and replies, read without a consumer group so a client never steals another's),
the planner's checkpoint recovery, and the CLI's DLQ commands.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from .aiokafka_compat import refresh_metadata


async def read_to_end(consumer: AIOKafkaConsumer, partitions: list[TopicPartition]) -> list[Any]:
    """Every record of ``partitions`` from the beginning to the end offsets as of the call.

    Assigns the partitions to ``consumer`` (a started, group-less consumer), replacing any
    earlier assignment."""
    if not partitions:
        return []
    consumer.assign(partitions)
    await consumer.seek_to_beginning(*partitions)
    ends = await consumer.end_offsets(partitions)
    remaining = {tp for tp in partitions if ends[tp] > 0}
    records: list[Any] = []
    while remaining:
        batch = await consumer.getmany(*remaining, timeout_ms=500, max_records=5000)
        for recs in batch.values():
            records.extend(recs)
        for tp in list(remaining):
            if await consumer.position(tp) >= ends[tp]:
                remaining.discard(tp)
    return records


async def tail_from_end(consumer: AIOKafkaConsumer, topics: list[str]) -> None:
    """Assign every partition of ``topics`` and start at their current end, resolved now, so a reply to
    anything sent after this call can't be missed. Waits briefly for topics that are still being created."""
    parts: list[TopicPartition] = []
    for topic in topics:
        found = None
        for _ in range(50):
            found = consumer.partitions_for_topic(topic)
            if found:
                break
            await refresh_metadata(consumer)  # the topic may be new
            await asyncio.sleep(0.1)
        parts += [TopicPartition(topic, p) for p in sorted(found or {0})]
    consumer.assign(parts)
    await consumer.seek_to_end(*parts)
    for tp in parts:
        await consumer.position(tp)


async def close_clients(
    reader: asyncio.Task[None] | None, consumer: AIOKafkaConsumer | None, producer: AIOKafkaProducer | None
) -> None:
    """Stop a reply reader task, then its consumer and producer."""
    if reader:
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await reader
    if consumer:
        await consumer.stop()
    if producer:
        await producer.stop()
