"""The services' Kafka shortcuts on the real embedded broker: the busy fetch wait of a real aiokafka
consumer, and publishing through faststream's connected aiokafka producer.

A consumer whose poll brought a big batch long-polls harder (fewer empty fetches under a burst);
after a small or empty poll it is back on its configured wait, which bounds a lone task's latency.
aiokafka keeps the wait in a private attribute of its fetcher: if an upgrade renames it, this fails
instead of the setting silently doing nothing.
"""

from __future__ import annotations

import json
import time
from types import SimpleNamespace
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from autoglm.shared.cli.embedded import EmbeddedBroker, create_topics
from autoglm.shared.config import Settings
from autoglm.shared.events import EventType, TaskRequested
from autoglm.shared.kafka.poll import FetchWaits, wake_on_records
from autoglm.shared.kafka.runtime import ServiceRuntime
from autoglm.shared.topics import INTENTS, PLAN_STATE


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
            wake_on_records(sub, 500, 100, None, waits=FetchWaits(idle_ms=10, busy_ms=77, busy_at=32))
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


async def test_services_publish_through_the_brokers_own_aiokafka_producer() -> None:
    """The runtime sends records with faststream's connected aiokafka producer directly: same topic,
    key, headers and value as faststream's publish would send, tombstones included."""
    with EmbeddedBroker() as broker:
        bootstrap = broker.bootstrap_servers
        await create_topics(bootstrap, partitions=1)
        rt = ServiceRuntime("parser", Settings(broker={"bootstrap_servers": bootstrap}))
        assert rt.kafka_producer() is None  # not connected yet
        await rt.broker.start()
        consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, fetch_max_wait_ms=10)
        await consumer.start()
        try:
            assert isinstance(rt.kafka_producer(), AIOKafkaProducer)
            event = rt.event(EventType.TASK_REQUESTED, TaskRequested(text="What is 2+2?"), taskid="t-9", sessionid="s-9")
            await rt.publish(INTENTS, event)
            await rt.publish_raw(PLAN_STATE, None, key=b"t-9")
            got: dict[str, Any] = {}
            for topic in (INTENTS, PLAN_STATE):
                tp = TopicPartition(topic, 0)
                consumer.assign([tp])
                await consumer.seek_to_beginning(tp)
                got[topic] = (await consumer.getmany(tp, timeout_ms=5000))[tp][0]
        finally:
            await consumer.stop()
            await rt.broker.stop()
    record = got[INTENTS]
    assert record.key == b"s-9" and json.loads(record.value)["taskid"] == "t-9"
    headers = dict(record.headers)
    assert headers["content-type"] == b"application/cloudevents+json"
    assert not [name for name in headers if name.startswith("ce_")]  # structured mode: no ce_* header at all
    assert got[PLAN_STATE].key == b"t-9" and got[PLAN_STATE].value is None
