"""The reaches into libraries' internals still reach: one check per reach in shared/kafka/faststream_compat.py,
shared/kafka/aiokafka_compat.py and shared/qdrant_compat.py.

At run time those functions degrade quietly (None, or nothing done), so a library release that moves one of
them would only show as a slower or subtly different service. These checks fail instead, naming the
reach to re-check; fix it in its compat module and nowhere else.
"""

from __future__ import annotations

import inspect
import sqlite3
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.client import AIOKafkaClient
from aiokafka.consumer.fetcher import Fetcher
from aiokafka.errors import ConsumerStoppedError
from faststream.exceptions import IncorrectState
from faststream.kafka import KafkaBroker
from faststream.kafka.publisher.state import RealProducer
from faststream.kafka.subscriber.usecase import BatchSubscriber, LogicSubscriber
from faststream.security import SASLScram512
from qdrant_client import QdrantClient
from qdrant_client import models as qm

from autoglm.shared.kafka import aiokafka_compat, faststream_compat
from autoglm.shared.qdrant_compat import local_sqlite_connections


def _source(obj: object) -> str:
    return inspect.getsource(obj)  # type: ignore[arg-type]


# ---------------------------------------------------------------- faststream


def test_connected_producer_reads_the_brokers_producer_state() -> None:
    broker = KafkaBroker("127.0.0.1:1")
    state = broker.config.producer._producer  # noqa: SLF001 - the reach under test
    with pytest.raises(IncorrectState):
        _ = state.producer  # before connecting: faststream_compat.connected_producer must see "not connected"
    assert faststream_compat.connected_producer(broker) is None
    connect = _source(type(broker.config.producer).connect)
    assert "self._producer = RealProducer(producer)" in connect, "faststream_compat.connected_producer: re-check"
    sentinel = object()
    assert RealProducer(sentinel).producer is sentinel  # type: ignore[arg-type]


async def test_connected_producer_finds_an_aiokafka_producer_in_a_connected_state() -> None:
    broker = KafkaBroker("127.0.0.1:1")
    producer = AIOKafkaProducer(bootstrap_servers="127.0.0.1:1")  # never started: nothing is sent
    broker.config.producer._producer = RealProducer(producer)  # noqa: SLF001 - what connect() does
    assert faststream_compat.connected_producer(broker) is producer


def test_a_subscribers_consumer_is_its_consumer_attribute() -> None:
    broker = KafkaBroker("127.0.0.1:1")
    subscriber = broker.subscriber("t", group_id="g", batch=True)
    assert isinstance(subscriber, BatchSubscriber)
    assert faststream_compat.subscriber_consumer(subscriber) is None  # not started
    start = _source(type(subscriber).start)
    assert "self.consumer = consumer = self.builder(" in start, "faststream_compat.subscriber_consumer: re-check"


def test_the_batch_poll_is_get_msg_called_by_the_consume_loop() -> None:
    loop = _source(LogicSubscriber._run_consume_loop)  # noqa: SLF001 - the contract replace_batch_poll relies on
    for expected in ("msg = await self.get_msg(consumer)", "except ConsumerStoppedError", "if msg:"):
        assert expected in loop, f"faststream_compat.replace_batch_poll: the consume loop changed ({expected!r})"
    assert "get_msg" in vars(BatchSubscriber)
    assert "ConsumerStoppedError" in vars(inspect.getmodule(LogicSubscriber))  # the one our poll raises
    assert vars(inspect.getmodule(LogicSubscriber))["ConsumerStoppedError"] is ConsumerStoppedError
    broker = KafkaBroker("127.0.0.1:1")
    subscriber = broker.subscriber("t", group_id="g", batch=True)

    async def poll(consumer: object) -> tuple[()]:
        return ()

    faststream_compat.replace_batch_poll(subscriber, poll)
    assert subscriber.get_msg is poll  # type: ignore[attr-defined]


def test_faststream_translates_its_security_into_aiokafka_arguments() -> None:
    security = SASLScram512(username="u", password="p", use_ssl=False)
    kwargs = faststream_compat.aiokafka_security_kwargs(security)
    assert kwargs["sasl_mechanism"] == "SCRAM-SHA-512"
    assert kwargs["sasl_plain_username"] == "u" and kwargs["sasl_plain_password"] == "p"
    assert kwargs["security_protocol"] == "SASL_PLAINTEXT"
    assert faststream_compat.aiokafka_security_kwargs(None) == {}


# ---------------------------------------------------------------- aiokafka


async def test_the_fetch_wait_is_read_from_the_fetcher_for_every_fetch_request() -> None:
    assert not aiokafka_compat.set_fetch_max_wait(AIOKafkaConsumer(bootstrap_servers="127.0.0.1:1"), 5)  # no fetcher yet
    assert "self._fetcher = Fetcher(" in _source(AIOKafkaConsumer.start), "aiokafka_compat.set_fetch_max_wait: re-check"
    builds = _source(Fetcher._get_actions_per_node)  # noqa: SLF001
    assert "self._fetch_max_wait_ms" in builds, "aiokafka_compat.set_fetch_max_wait: re-check"


async def test_a_consumer_can_refresh_its_metadata() -> None:
    consumer = AIOKafkaConsumer(bootstrap_servers="127.0.0.1:1")  # never started
    client = consumer._client  # noqa: SLF001 - the reach under test
    assert isinstance(client, AIOKafkaClient), "aiokafka_compat.refresh_metadata: re-check"
    assert callable(client.force_metadata_update), "aiokafka_compat.refresh_metadata: re-check"


# ---------------------------------------------------------------- qdrant-client


def test_an_embedded_store_exposes_its_sqlite_connections(tmp_path: Path) -> None:
    client = QdrantClient(path=str(tmp_path / "q"))
    try:
        client.create_collection("c", vectors_config=qm.VectorParams(size=4, distance=qm.Distance.COSINE))
        connections = local_sqlite_connections(client)
        assert len(connections) == 1, "qdrant_compat.local_sqlite_connections: re-check"
        assert isinstance(connections[0], sqlite3.Connection)
        assert connections[0].execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"
    finally:
        client.close()
    memory = QdrantClient(":memory:")
    memory.create_collection("c", vectors_config=qm.VectorParams(size=4, distance=qm.Distance.COSINE))
    assert local_sqlite_connections(memory) == []  # nothing on disk: nothing to tune
