"""Stated facts and preferences (`remember`, `forget`, `memories`) on real embedded Qdrant: the
confidence rule against near-duplicates, idempotent updates, tenant isolation, ranking. Vectors are
handmade so similarities are exact."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from opentelemetry import trace
from pydantic import ValidationError

from autoglm.services.memory.config import MemoryConfig
from autoglm.services.memory.handlers import Caller, run
from autoglm.services.memory.store import MemoryItem, MemoryStore
from autoglm.shared.events import MemoryRequested

from . import test_store as base
from .test_store import T0, axis

pytestmark = pytest.mark.filterwarnings("ignore:Payload indexes have no effect:UserWarning")


# the same fixtures (both store strategies) as the rest of the memory store tests
cfg, store = base.cfg, base.store


def cos(a: list[float], b: list[float]) -> float:
    return float(np.dot(a, b))


def item(text: str, vector: list[float], **kw: object) -> MemoryItem:
    return MemoryItem(text=text, vector=vector, **{"kind": "fact", "user": "u1", **kw})  # type: ignore[arg-type]


def test_near_duplicate_below_trust_never_replaces_a_trusted_fact(
    store: MemoryStore, cfg: MemoryConfig
) -> None:
    near = axis(0, 1, 0.1)
    assert cos(axis(0), near) >= cfg.duplicate_similarity
    first = store.remember_item(tenant="acme", item=item("my birthday is May 3", axis(0), confidence=0.9))
    assert first.action == "created"
    weak = store.remember_item(tenant="acme", item=item("my birthday is May 4", near, confidence=0.5))
    assert (weak.action, weak.id, weak.text) == ("kept", first.id, "my birthday is May 3")
    assert store.get_memory(tenant="acme", memory_id=first.id)["text"] == "my birthday is May 3"  # type: ignore[index]
    assert store.stats()["acme"]["mem"] == 1
    # an equally trusted restatement replaces it in place: still one memory
    strong = store.remember_item(tenant="acme", item=item("my birthday is May 4", near, confidence=0.9))
    assert (strong.action, strong.id) == ("updated", first.id)
    assert store.get_memory(tenant="acme", memory_id=first.id)["text"] == "my birthday is May 4"  # type: ignore[index]
    assert store.stats()["acme"]["mem"] == 1


def test_untrusted_near_duplicate_is_updated_and_a_distant_one_is_new(store: MemoryStore) -> None:
    a = store.remember_item(tenant="acme", item=item("likes tea", axis(0), confidence=0.3))
    b = store.remember_item(tenant="acme", item=item("likes green tea", axis(0, 1, 0.1), confidence=0.2))
    assert (b.action, b.id) == ("updated", a.id)
    c = store.remember_item(tenant="acme", item=item("lives in Hangzhou", axis(0, 1, 1.0), confidence=0.2))
    assert c.action == "created" and c.id != a.id  # cosine 0.71: another fact
    assert store.stats()["acme"]["mem"] == 2


def test_same_content_updates_instead_of_duplicating(store: MemoryStore) -> None:
    a = store.remember_item(tenant="acme", item=item("prefers window seats", axis(2), created_at=T0))
    b = store.remember_item(tenant="acme", item=item("prefers window seats", axis(2), importance=0.9))
    assert (b.action, b.id) == ("updated", a.id)
    stored = store.get_memory(tenant="acme", memory_id=a.id)
    assert stored is not None and stored["importance"] == 0.9
    assert stored["created_at"] > T0.timestamp()  # restating it makes it recent again
    assert store.stats()["acme"]["mem"] == 1


def test_near_duplicates_of_other_users_and_answers_stay_apart(store: MemoryStore) -> None:
    mine = store.remember_item(tenant="acme", item=item("likes jazz", axis(3)))
    theirs = store.remember_item(tenant="acme", item=item("likes jazz a lot", axis(3, 4, 0.05), user="u2"))
    shared = store.remember_item(tenant="acme", item=item("office in Hangzhou", axis(3, 4, 0.05), user=None))
    answer = store.remember_item(tenant="acme", item=item("Q: jazz?\nA: yes", axis(3), kind="answer"))
    assert len({mine.id, theirs.id, shared.id, answer.id}) == 4
    assert {theirs.action, shared.action, answer.action} == {"created"}


def test_remembered_memories_are_tenant_scoped(store: MemoryStore) -> None:
    a = store.remember_item(tenant="acme", item=item("our office is in Hangzhou", axis(5), user=None))
    g = store.remember_item(tenant="globex", item=item("our office is in Hangzhou", axis(5), user=None))
    assert a.id != g.id and g.action == "created"  # the same fact in another tenant is another memory
    assert [m["id"] for m in store.list_memories(tenant="globex")] == [g.id]
    assert store.get_memory(tenant="globex", memory_id=a.id) is None
    assert store.forget_memory(tenant="globex", memory_id=a.id) is False
    assert [h.id for h in store.search(tenant="acme", vector=axis(5), limit=5)] == [a.id]
    assert store.forget_memory(tenant="acme", memory_id=a.id) is True
    assert store.list_memories(tenant="acme") == []
    assert [m["id"] for m in store.list_memories(tenant="globex")] == [g.id]


def test_forget_checks_the_owner_and_the_id(store: MemoryStore) -> None:
    m = store.remember_item(tenant="acme", item=item("hates long meetings", axis(6), kind="preference"))
    assert store.forget_memory(tenant="acme", memory_id=m.id, user="u2") is False
    assert store.forget_memory(tenant="acme", memory_id="not-a-uuid") is False
    assert store.forget_memory(tenant="acme", memory_id=m.id, user="u1") is True
    assert store.forget_memory(tenant="acme", memory_id=m.id) is False


def test_list_memories_newest_first_visible_and_filtered(store: MemoryStore) -> None:
    store.remember_item(tenant="acme", item=item("old fact", axis(0), created_at=T0))
    store.remember_item(
        tenant="acme", item=item("new pref", axis(1), kind="preference", created_at=T0 + timedelta(hours=1))
    )
    store.remember_item(tenant="acme", item=item("u2 pref", axis(2), kind="preference", user="u2"))
    store.remember_item(
        tenant="acme", item=item("shared", axis(3), user=None, created_at=T0 - timedelta(hours=1))
    )
    assert [m["text"] for m in store.list_memories(tenant="acme", user="u1")] == [
        "new pref",
        "old fact",
        "shared",
    ]
    assert [m["text"] for m in store.list_memories(tenant="acme", user="u1", kinds=["preference"])] == [
        "new pref"
    ]
    assert len(store.list_memories(tenant="acme")) == 4
    assert [m["text"] for m in store.list_memories(tenant="acme", kinds=["preference"], limit=1)] == [
        "u2 pref"
    ]


def test_preference_ranks_above_an_equally_similar_answer(store: MemoryStore, cfg: MemoryConfig) -> None:
    query = axis(0)
    answer = store.remember(
        tenant="acme",
        text="Q: a drink?\nA: coffee",
        vector=axis(0, 1, 0.3),
        kind="answer",
        user="u1",
        importance=0.5,
        created_at=T0,
    )
    pref = store.remember_item(
        tenant="acme",
        item=item(
            "I like sugar-free coffee", axis(0, 2, 0.3), kind="preference", importance=0.5, created_at=T0
        ),
    )
    hits = store.search(tenant="acme", vector=query, limit=2, user="u1", now=T0)
    assert [h.id for h in hits] == [pref.id, answer]
    assert hits[0].similarity == pytest.approx(hits[1].similarity, abs=1e-6)
    assert hits[0].score - hits[1].score == pytest.approx(cfg.ranking.preference_boost)


def test_remember_rejects_bad_input(store: MemoryStore) -> None:
    with pytest.raises(ValueError):
        store.remember_item(tenant="acme", item=item("   ", axis(0)))
    with pytest.raises(ValueError):
        store.remember_item(tenant="acme", item=item("x", axis(0), confidence=1.5))
    with pytest.raises(ValueError):
        store.remember_item(tenant="bad tenant!", item=item("x", axis(0)))


def test_handler_operations_scope_by_the_event_tenant(store: MemoryStore) -> None:
    def req(**kw: object) -> Any:
        return MemoryRequested(step_id="s1", reply_to="autoglm.steps.completed", **kw).root

    embedded: list[str] = []

    def embed(texts: list[str]) -> list[list[float]]:
        embedded.extend(texts)
        return [list(axis(7)) for _ in texts]

    def _run(store: MemoryStore, tenant: str, session_id: str, task_id: str, request: Any) -> dict[str, Any]:
        return run(store, Caller(tenant, session_id, task_id, trace.get_tracer("test"), embed), request)

    out = _run(
        store,
        "acme",
        "sess",
        "t1",
        req(
            operation="remember",
            text=" 我喜欢喝无糖的咖啡 ",
            kind="preference",
            user="u1",
            vector=axis(4),
            confidence=0.9,
            importance=0.7,
        ),
    )
    assert (
        out["action"] == "created" and out["memory_id"] == out["id"] and out["text"] == "我喜欢喝无糖的咖啡"
    )
    stored = store.get_memory(tenant="acme", memory_id=out["id"])
    assert stored is not None
    assert (stored["kind"], stored["user"], stored["session_id"], stored["source"]) == (
        "preference",
        "u1",
        "sess",
        "task:t1",
    )
    listed = _run(store, "acme", "s", "t2", req(operation="memories", user="u1", kind="preference"))[
        "memories"
    ]
    assert [m["id"] for m in listed] == [out["id"]]
    assert _run(store, "globex", "s", "t3", req(operation="memories", user="u1"))["memories"] == []
    hits = _run(store, "acme", "s", "t4", req(operation="search", user="u1", vector=axis(4), kind="fact"))[
        "hits"
    ]
    assert hits == []
    assert _run(store, "globex", "s", "t5", req(operation="forget", memory_id=out["id"]))["deleted"] is False
    assert (
        _run(store, "acme", "s", "t6", req(operation="forget", memory_id=out["id"], user="u1"))["deleted"]
        is True
    )
    # A request without what its operation needs is no MemoryRequested: it is refused when decoded.
    with pytest.raises(ValidationError, match=r"remember\.text\n  Field required"):
        req(operation="remember", vector=axis(4))
    with pytest.raises(ValidationError, match=r"remember\.text\n  Value error, must not be blank"):
        req(operation="remember", text=" \n ", vector=axis(4))
    # without a vector, the text is embedded by the service's encoder
    made = _run(store, "acme", "s", "t8", req(operation="remember", text="x"))
    assert made["action"] == "created" and embedded == ["x"]
    with pytest.raises(ValidationError, match="search needs a query"):
        req(operation="search", user="u1")
    with pytest.raises(ValidationError, match=r"forget\.memory_id\n  Field required"):
        req(operation="forget")
