"""How a subscriber polls: wake on records, skip a record the client can't read, long-poll while busy.

faststream's batch poll waits ``batch_timeout_ms`` for records and, when none came, sleeps as long
again, blind: a record fetched during the sleep waits for it, so a short timeout is needed for
latency and then every idle subscriber spins (a 2 ms poll cost ~9% of a core per idle service).
:func:`wake_on_records` replaces that poll with one ``getmany`` call with a long timeout, which
wakes the moment aiokafka's background fetcher delivers: both prompt and idle.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from itertools import chain
from typing import Any

from aiokafka import ConsumerRecord

from .aiokafka_compat import set_fetch_max_wait
from .faststream_compat import replace_batch_poll


def wake_on_records(
    subscriber: Any,
    idle_ms: int,
    max_records: int,
    on_unreadable: Callable[[ConsumerRecord], Awaitable[None]] | None = None,
    waits: FetchWaits | None = None,
) -> None:
    """Make the subscriber's poll return as soon as aiokafka has fetched records (see the module
    docstring). A record aiokafka can't decode is found by reading one record per partition at a
    time, skipped, and handed to ``on_unreadable``; ``waits`` adapts the fetch wait to the load."""

    probing = [0]  # polls left to find an unreadable record, one record per partition at a time

    async def get_msg(consumer: Any) -> tuple[ConsumerRecord, ...]:
        if probing[0]:
            return await probe(consumer)
        try:
            batch = await consumer.getmany(timeout_ms=idle_ms, max_records=max_records)
        except UnicodeDecodeError:
            # A record aiokafka can't decode (a header key that isn't UTF-8). Left alone, its partition
            # is stuck forever and the fetch it came in skips the good records before it. Rewind every
            # partition to what was delivered, then read one record at a time to find and skip it.
            for tp in consumer.assignment():
                consumer.seek(tp, await consumer.position(tp))
            probing[0] = 20
            return ()
        records = tuple(chain.from_iterable(batch.values()))
        if waits is not None:
            waits.adapt(consumer, len(records))
        return records

    async def probe(consumer: Any) -> tuple[ConsumerRecord, ...]:
        probing[0] -= 1
        out: list[ConsumerRecord] = []
        for tp in sorted(consumer.assignment()):
            try:
                got = await consumer.getmany(tp, timeout_ms=50, max_records=1)
            except UnicodeDecodeError:
                offset = await consumer.position(tp)  # records before it were delivered one by one
                consumer.seek(tp, offset + 1)
                probing[0] = 0
                if on_unreadable is not None:
                    await on_unreadable(ConsumerRecord(tp.topic, tp.partition, offset, -1, 0, None, None, None, -1, -1, ()))
                break
            out += chain.from_iterable(got.values())
        return tuple(out)

    replace_batch_poll(subscriber, get_msg)


@dataclass(frozen=True, slots=True)
class FetchWaits:
    """Long-poll harder while busy: after a poll of at least ``busy_at`` records a consumer's next
    fetches wait up to ``busy_ms`` for data, after a smaller poll ``idle_ms`` (its configured
    ``fetch_max_wait_ms``). A fetch returns at once when it finds records; the wait only matters
    when it finds none. aiokafka reads the wait from its fetcher for every fetch request it builds."""

    idle_ms: int
    busy_ms: int
    busy_at: int

    def adapt(self, consumer: Any, records: int) -> None:
        set_fetch_max_wait(consumer, max(self.idle_ms, self.busy_ms) if records >= self.busy_at else self.idle_ms)
