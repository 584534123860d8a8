"""The busy fetch wait on a real aiokafka consumer and the real embedded broker.

A consumer whose poll brought a big batch long-polls harder (fewer empty fetches under a burst);
after a small or empty poll it is back on its configured wait, which bounds a lone task's latency.
aiokafka keeps the wait in a private attribute of its fetcher: if an upgrade renames it, this fails
instead of the setting silently doing nothing.
"""

from __future__ import annotations

import time
from types import SimpleNamespace

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from autoglm.shared.embedded import EmbeddedBroker
from autoglm.shared.messaging import _wake_on_records


async def test_a_big_poll_lengthens_the_fetch_wait_and_a_small_one_restores_it() -> None:
    with EmbeddedBroker() as broker:
        bootstrap = broker.bootstrap_servers
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
        consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, fetch_max_wait_ms=10)
        await producer.start()
        await consumer.start()
        try:
            tp = TopicPartition("waits", 0)
            for i in range(40):
                await producer.send("waits", f"r{i}".encode(), partition=0)
            await producer.flush()
            consumer.assign([tp])
            await consumer.seek_to_beginning(tp)
            sub = SimpleNamespace()
            _wake_on_records(sub, 500, 100, None, busy=(32, 77))
            fetcher = consumer._fetcher  # noqa: SLF001 - what the setting changes
            got = []
            waits_after_big_polls = []
            deadline = time.monotonic() + 20
            while len(got) < 40 and time.monotonic() < deadline:
                batch = await sub.get_msg(consumer)
                got += batch
                if len(batch) >= 32:
                    waits_after_big_polls.append(fetcher._fetch_max_wait_ms)  # noqa: SLF001
            assert len(got) == 40
            assert waits_after_big_polls == [77]  # the 40 records come in one poll of up to 100
            assert await sub.get_msg(consumer) == ()  # nothing left: an empty poll
            assert fetcher._fetch_max_wait_ms == 10  # noqa: SLF001
            # A lone record still arrives promptly: the restored wait, not the busy one, applies.
            await producer.send_and_wait("waits", b"lone", partition=0)
            started = time.monotonic()
            lone = ()
            while not lone and time.monotonic() - started < 5:
                lone = await sub.get_msg(consumer)
            assert [r.value for r in lone] == [b"lone"]
            assert fetcher._fetch_max_wait_ms == 10  # noqa: SLF001
        finally:
            await consumer.stop()
            await producer.stop()
