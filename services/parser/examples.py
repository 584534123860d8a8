"""Per-tenant labelled examples on Kafka: publishing one, and following the topic into the example bank.

`autoglm.parser.examples` is compacted and keyed ``<tenant>:<example_id>``: the latest label of a request wins
and a tombstone removes it, so the topic *is* the durable store, shared by every parser replica. A replica reads
it from the start before it takes tasks (:meth:`ExampleFollower.start` returns once it has caught up), then
follows it, so an example added on one replica's watch reaches all of them within a fetch.

A labelled request becomes two things in the bank (``bank.py``): the clause examples it teaches (cut by the rules,
paired with the labels; they vote on clauses the rules are unsure of, and a near-copy overrules a rule), and the
whole request, which a later request of the same tenant with the same wording gets back as its graph
(:meth:`~autoglm.services.parser.bank.ExampleBank.recall`).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from aiokafka import AIOKafkaProducer

from autoglm.shared.events import CloudEvent, EventType, ExampleLabelled
from autoglm.shared.kafka.follow import TopicFollower

from .bank import ExampleBank
from .labelled import clause_examples
from .text import detect_language, normalize

log = logging.getLogger("autoglm.parser")

__all__ = ["ExampleFollower", "example_id", "example_event", "graph_of", "learn", "publish_example", "record_key"]


def example_id(text: str) -> str:
    """The default id of a tenant's example: the same request (after normalisation) gets the same id."""
    return hashlib.sha256(" ".join(normalize(text).lower().split()).encode()).hexdigest()[:16]


def record_key(tenant: str, example: str) -> bytes:
    return f"{tenant}:{example}".encode()


def graph_of(ex: ExampleLabelled) -> dict[str, Any]:
    """The labelled graph in the parser's contract shape (ids filled in by position)."""
    intents = []
    for n, i in enumerate(ex.intents):
        intents.append({"id": i.id or f"i{n + 1}", "type": i.type.value, "tool": i.tool, "entities": dict(i.entities),
                        "depends_on": list(i.depends_on)})
    return {"language": ex.language or detect_language(ex.text), "intents": intents,
            "clarification": "?" if ex.clarification else None}


def example_event(
    tenant: str,
    text: str,
    graph: Mapping[str, Any],
    *,
    source: str = "api",
    now: datetime | None = None,
    timezone: str | None = None,
    example: str | None = None,
) -> CloudEvent[ExampleLabelled]:
    """The event for one labelled request (``graph`` in the contract's shape: language, intents, clarification)."""
    data = ExampleLabelled(
        example_id=example or example_id(text),
        text=text,
        language=graph.get("language"),
        intents=[{k: v for k, v in i.items() if k in ("id", "type", "tool", "entities", "depends_on")}
                 for i in graph.get("intents", [])],
        clarification=bool(graph.get("clarification")),
        now=now,
        timezone=timezone,
        source=source,  # type: ignore[arg-type]
    )
    return CloudEvent[ExampleLabelled](
        source=f"/autoglm/{source}", type=EventType.EXAMPLE_LABELLED.value, tenant=tenant, data=data,
        subject=data.example_id,
    )


async def publish_example(
    bootstrap_servers: str,
    topic: str,
    event: CloudEvent[ExampleLabelled] | None,
    *,
    tenant: str | None = None,
    example: str | None = None,
    client_kwargs: Mapping[str, Any] | None = None,
) -> None:
    """Write one example (or, with ``event=None``, the tombstone of ``tenant``'s ``example``) and wait for the ack."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, acks="all", **dict(client_kwargs or {}))
    await producer.start()
    try:
        if event is None:
            assert tenant and example, "a removal names the tenant and the example"
            await producer.send_and_wait(topic, None, key=record_key(tenant, example))
        else:
            key = record_key(event.tenant, event.data.example_id)
            await producer.send_and_wait(topic, event.model_dump_json().encode(), key=key,
                                         headers=[("content-type", b"application/cloudevents+json")])
    finally:
        await producer.stop()


def learn(bank: ExampleBank, tenant: str, ex: ExampleLabelled) -> int:
    """Put one labelled request of ``tenant`` into the bank; the number of clause examples it taught."""
    graph = graph_of(ex)
    clauses = clause_examples(ex.text, graph, now=ex.now, tz=ex.timezone or "Asia/Shanghai", origin="tenant")
    bank.put(tenant, ex.example_id, clauses, request=(ex.text, graph, ex.now, ex.timezone))
    return len(clauses)


class ExampleFollower:
    """Reads ``autoglm.parser.examples`` into ``bank`` from the start, then follows it (see the module doc):
    a :class:`~autoglm.shared.kafka.follow.TopicFollower` (group-less: every replica reads every partition,
    nothing is committed) whose records are checked and learnt on a worker thread (encoding holds the CPU)."""

    def __init__(
        self,
        bank: ExampleBank,
        bootstrap_servers: str,
        topic: str,
        *,
        client_kwargs: Mapping[str, Any] | None = None,
        fetch_max_wait_ms: int = 100,
    ) -> None:
        self.bank = bank
        self.topic = topic
        self.applied = 0
        self.rejected = 0
        self._follower = TopicFollower(bootstrap_servers, topic, self._apply_one, client_kwargs=client_kwargs,
                                       fetch_max_wait_ms=fetch_max_wait_ms, in_thread=True)

    @property
    def _task(self) -> asyncio.Task[None] | None:
        return self._follower._task

    async def start(self, timeout_s: float = 30.0) -> None:
        """Read to the end as of now (the examples every earlier replica saw), then follow in the background.
        A topic or broker not there yet is waited for in the background: the parser does not refuse tasks for it."""
        await self._follower.start(timeout_s)
        log.info("example bank: %d examples read from %s", self.applied, self.topic)

    def _apply_one(self, key: bytes | None, value: bytes | None) -> None:
        tenant, _, example = (key or b"").decode("utf-8", "replace").partition(":")
        if not tenant or not example:
            self.rejected += 1
            return
        if value is None:
            self.bank.remove(tenant, example)
            self.applied += 1
            return
        try:
            ev = CloudEvent[ExampleLabelled].model_validate_json(value)
        except ValueError:
            self.rejected += 1
            log.warning("example %s:%s is not an ExampleLabelled event; skipped", tenant, example)
            return
        if ev.tenant != tenant or ev.data.example_id != example:
            self.rejected += 1  # a record must not reach another tenant's layer through its key
            log.warning("example key %s:%s does not match its event; skipped", tenant, example)
            return
        learn(self.bank, tenant, ev.data)
        self.applied += 1

    async def stop(self) -> None:
        await self._follower.stop()
