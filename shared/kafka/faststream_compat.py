"""Every reach into faststream's internals, in one place (written against faststream 0.7.8).

pyproject pins ``faststream>=0.7,<0.8``; tests/unit/test_compat.py checks each reach below against
the installed faststream and fails naming the one that moved, so a new faststream is checked here
and nowhere else. Each function degrades safely at run time (None, or nothing done) and the
test is what fails loudly.

- :func:`connected_producer`: ``broker.config.producer._producer.producer``, the connected
  broker's aiokafka producer (its state object raises ``IncorrectState`` before it connects).
- :func:`subscriber_consumer`: ``subscriber.consumer``, a started subscriber's aiokafka consumer
  (None before start and after stop).
- :func:`replace_batch_poll`: ``BatchSubscriber.get_msg``, replaced on the instance. faststream's
  consume loop (``_run_consume_loop``) calls it once per poll, skips an empty tuple, and returns on
  ``ConsumerStoppedError``.
- :func:`aiokafka_security_kwargs`: ``faststream.kafka.security.parse_security``, faststream's
  translation of its security object into aiokafka keyword arguments.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from faststream.exceptions import IncorrectState
from faststream.kafka import KafkaBroker

BatchPoll = Callable[[Any], Awaitable[tuple[ConsumerRecord, ...]]]


def connected_producer(broker: KafkaBroker) -> AIOKafkaProducer | None:
    """The connected broker's own aiokafka producer; None before it connects and under faststream's
    in-memory TestKafkaBroker (whose fake producer is not an aiokafka one)."""
    state = getattr(getattr(broker.config, "producer", None), "_producer", None)
    try:
        producer = getattr(state, "producer", None)
    except IncorrectState:  # not connected
        return None
    return producer if isinstance(producer, AIOKafkaProducer) else None


def subscriber_consumer(subscriber: Any) -> AIOKafkaConsumer | None:
    """The aiokafka consumer of a started subscriber, else None."""
    return getattr(subscriber, "consumer", None)


def replace_batch_poll(subscriber: Any, get_msg: BatchPoll) -> None:
    """Make ``get_msg(consumer)`` the batch subscriber's poll: it returns the polled records (a
    tuple, empty when none came) and ends the loop by raising ``ConsumerStoppedError``."""
    subscriber.get_msg = get_msg


def aiokafka_security_kwargs(security: Any) -> dict[str, Any]:
    """aiokafka client arguments for a faststream security object (None: plaintext, no arguments)."""
    if security is None:
        return {}
    from faststream.kafka.security import parse_security

    return dict(parse_security(security))
