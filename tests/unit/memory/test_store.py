"""MemoryStore on real embedded Qdrant (tmp_path): session memory, ranking, confidence rule,
knowledge-base idempotence, retention, restart and layout versioning. Vectors are handmade."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from autoglm.services.memory.chunking import Chunk, chunk_document, parse_markdown
from autoglm.services.memory.config import MemoryConfig
from autoglm.services.memory.store import KbCapacityError, LayoutMismatch, MemoryStore

# the payload-filters mode creates payload indexes, which embedded Qdrant accepts and ignores
pytestmark = pytest.mark.filterwarnings("ignore:Payload indexes have no effect:UserWarning")

DIM = 8
# recent enough that session turns written at T0 are within the session TTL when recalled
T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)


def axis(i: int, j: int | None = None, mix: float = 0.0) -> list[float]:
    """Unit vector along axis i, optionally tilted towards axis j."""
    v = np.zeros(DIM)
    v[i] = 1.0
    if j is not None:
        v[j] = mix
    return list(v / np.linalg.norm(v))


@pytest.fixture
def cfg() -> MemoryConfig:
    return MemoryConfig(vector_size=DIM)


@pytest.fixture(params=["embedded", "payload-filters"])
def store(request: pytest.FixtureRequest, tmp_path: Path, cfg: MemoryConfig) -> Iterator[MemoryStore]:
    # "payload-filters" runs the Qdrant-server code paths (filters, payload indexes) on the embedded store
    s = MemoryStore.open(cfg, path=tmp_path / "q", payload_filters=request.param == "payload-filters")
    yield s
    s.close()


def turn(store: MemoryStore, tenant: str, session: str, task: str, at: datetime, request: str = "") -> str:
    return store.store_turn(
        tenant=tenant,
        session_id=session,
        task_id=task,
        user="u1",
        request=request or task,
        answer=f"answer to {task}",
        status="completed",
        intents=[{"id": "i1"}],
        vector=None,
        created_at=at,
    )


# --------------------------------------------------------------------------- session memory


def test_recall_returns_last_turns_in_order_and_scoped(store: MemoryStore) -> None:
    # stored out of order on purpose: recall orders by the turn's time
    for k in [3, 0, 4, 1, 2]:
        turn(store, "acme", "s1", f"t{k}", T0 + timedelta(minutes=k))
    turn(store, "acme", "s2", "other-session", T0)
    turn(store, "globex", "s1", "other-tenant", T0)

    got = store.recall_session(tenant="acme", session_id="s1", limit=3)
    assert [t["task_id"] for t in got] == ["t2", "t3", "t4"]
    assert got[0]["answer"] == "answer to t2" and got[0]["intents"] == [{"id": "i1"}]
    assert [t["task_id"] for t in store.recall_session(tenant="acme", session_id="s1", limit=10)] == [
        "t0",
        "t1",
        "t2",
        "t3",
        "t4",
    ]
    assert [t["task_id"] for t in store.recall_session(tenant="globex", session_id="s1", limit=10)] == [
        "other-tenant"
    ]
    assert store.recall_session(tenant="initech", session_id="s1", limit=10) == []


def test_store_turn_is_idempotent_by_task_id(store: MemoryStore) -> None:
    first = turn(store, "acme", "s1", "t1", T0, request="first")
    turn(store, "acme", "s1", "t2", T0 + timedelta(minutes=1))
    again = turn(store, "acme", "s1", "t1", T0 + timedelta(hours=1), request="redelivered")
    assert first == again
    got = store.recall_session(tenant="acme", session_id="s1", limit=10)
    assert [t["task_id"] for t in got] == ["t1", "t2"]  # kept its first place
    assert got[0]["request"] == "redelivered"


def test_recall_skips_turns_past_the_ttl(store: MemoryStore, cfg: MemoryConfig) -> None:
    turn(store, "acme", "s", "old", T0 - timedelta(seconds=cfg.session_ttl_seconds + 60))
    turn(store, "acme", "s", "new", T0)
    assert [t["task_id"] for t in store.recall_session(tenant="acme", session_id="s", limit=5, now=T0)] == [
        "new"
    ]


def test_turn_vector_is_optional_and_checked(store: MemoryStore) -> None:
    store.store_turn(
        tenant="acme",
        session_id="s",
        task_id="t",
        user=None,
        request="r",
        answer="a",
        status="completed",
        intents=[],
        vector=axis(0),
    )
    with pytest.raises(ValueError):
        store.store_turn(
            tenant="acme",
            session_id="s",
            task_id="t2",
            user=None,
            request="r",
            answer="a",
            status="completed",
            intents=[],
            vector=[1.0, 0.0],
        )


def test_invalid_tenant_is_refused(store: MemoryStore) -> None:
    for bad in ["", "a/b", "a b", "x" * 65]:
        with pytest.raises(ValueError):
            store.recall_session(tenant=bad, session_id="s", limit=1)


def test_concurrent_writers_from_threads(store: MemoryStore) -> None:
    # the service calls the store through asyncio.to_thread, so calls may overlap
    def write(worker: int) -> None:
        for k in range(15):
            turn(store, "acme", f"s{worker % 2}", f"w{worker}-{k}", T0 + timedelta(seconds=k))
            store.remember(tenant="acme", text=f"w{worker}-{k}", vector=axis(k % DIM))

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(write, range(4)))
    assert len(store.recall_session(tenant="acme", session_id="s0", limit=100)) == 30
    assert len(store.recall_session(tenant="acme", session_id="s1", limit=100)) == 30
    assert store.stats()["acme"] == {"turns": 60, "mem": 60, "kb": 0}


# --------------------------------------------------------------------------- long-term memory


def test_recent_memory_beats_old_one_of_equal_similarity(store: MemoryStore) -> None:
    now = T0 + timedelta(days=60)
    old = store.remember(tenant="acme", text="old", vector=axis(0, 1, 0.5), created_at=T0)
    new = store.remember(
        tenant="acme", text="new", vector=axis(0, 2, 0.5), created_at=now - timedelta(hours=1)
    )
    hits = store.search(tenant="acme", vector=axis(0), limit=2, now=now)
    assert [h.id for h in hits] == [new, old]
    assert hits[0].similarity == pytest.approx(hits[1].similarity, abs=1e-6)
    assert hits[0].recency > hits[1].recency


def test_similarity_dominates_and_importance_breaks_ties(store: MemoryStore) -> None:
    store.remember(tenant="acme", text="relevant", vector=axis(0), importance=0.1, created_at=T0)
    store.remember(tenant="acme", text="unrelated", vector=axis(3), importance=1.0, created_at=T0)
    store.remember(
        tenant="acme", text="relevant important", vector=axis(0, 1, 0.01), importance=0.9, created_at=T0
    )
    hits = store.search(tenant="acme", vector=axis(0), limit=3, now=T0)
    assert [h.text for h in hits] == ["relevant important", "relevant", "unrelated"]
    # the documented formula
    w = MemoryConfig().ranking
    h = hits[1]
    assert h.score == pytest.approx(
        w.similarity * h.similarity + w.recency * h.recency + w.importance * h.importance
    )


def test_preferences_are_personal_and_boosted(store: MemoryStore) -> None:
    store.remember(tenant="acme", text="shared fact", vector=axis(0), kind="fact", created_at=T0)
    pref = store.remember(
        tenant="acme",
        text="u1 likes short answers",
        vector=axis(0),
        kind="preference",
        user="u1",
        created_at=T0,
    )
    store.remember(
        tenant="acme",
        text="u2 likes long answers",
        vector=axis(0),
        kind="preference",
        user="u2",
        created_at=T0,
    )
    hits = store.search(tenant="acme", vector=axis(0), limit=5, user="u1", now=T0)
    assert [h.text for h in hits] == ["u1 likes short answers", "shared fact"]
    assert hits[0].id == pref
    # without a user only shared memories are visible
    assert [h.text for h in store.search(tenant="acme", vector=axis(0), limit=5, now=T0)] == ["shared fact"]
    only = store.search(tenant="acme", vector=axis(0), limit=5, user="u2", kinds=["preference"], now=T0)
    assert [h.text for h in only] == ["u2 likes long answers"]


def test_filtered_search_finds_rare_kinds_beyond_the_candidates(
    store: MemoryStore, cfg: MemoryConfig
) -> None:
    rng = np.random.default_rng(1)
    for i in range(cfg.ranking.candidates + 20):
        v = rng.normal(size=DIM)
        v[0] = 5.0  # all near the query
        store.remember(tenant="acme", text=f"fact {i}", vector=list(v), created_at=T0)
    store.remember(tenant="acme", text="the one answer", vector=axis(7), kind="answer", created_at=T0)
    hits = store.search(tenant="acme", vector=axis(0), limit=3, kinds=["answer"], now=T0)
    assert [h.text for h in hits] == ["the one answer"]


def test_low_confidence_never_overwrites_trusted_fact(store: MemoryStore, cfg: MemoryConfig) -> None:
    trusted = cfg.trusted_confidence
    mid = store.remember(tenant="acme", text="HQ is in Beijing", vector=axis(0), key="hq", confidence=trusted)
    same = store.remember(
        tenant="acme", text="HQ is in Paris", vector=axis(1), key="hq", confidence=trusted - 0.3
    )
    assert same == mid
    assert store.get_memory(tenant="acme", memory_id=mid)["text"] == "HQ is in Beijing"  # type: ignore[index]
    # an equally trusted write does update it
    store.remember(tenant="acme", text="HQ is in Shanghai", vector=axis(2), key="hq", confidence=0.95)
    assert store.get_memory(tenant="acme", memory_id=mid)["text"] == "HQ is in Shanghai"  # type: ignore[index]
    # an untrusted fact can be replaced by another untrusted one
    k = store.remember(tenant="acme", text="v1", vector=axis(0), key="rumour", confidence=0.2)
    store.remember(tenant="acme", text="v2", vector=axis(0), key="rumour", confidence=0.1)
    assert store.get_memory(tenant="acme", memory_id=k)["text"] == "v2"  # type: ignore[index]
    # the same key in another tenant is another fact
    other = store.remember(tenant="globex", text="HQ is in Paris", vector=axis(1), key="hq", confidence=0.1)
    assert other != mid
    assert store.get_memory(tenant="globex", memory_id=mid) is None


def test_same_text_is_stored_once(store: MemoryStore) -> None:
    a = store.remember(tenant="acme", text="x", vector=axis(0))
    b = store.remember(tenant="acme", text="x", vector=axis(0))
    assert a == b
    assert store.stats()["acme"]["mem"] == 1


# --------------------------------------------------------------------------- knowledge base


DOC_V1 = """# Help

## Reset password

Open settings, then Reset.

## Billing

Invoices are sent monthly.
"""

DOC_V2 = """# Help

## Reset password

Open settings, then Reset.

## Refunds

Refunds take five days.
"""


def kb_vectors(chunks: list[Chunk]) -> list[list[float]]:
    return [axis(int(c.content_hash, 16) % DIM) for c in chunks]


def test_kb_ingest_is_idempotent_and_updates(store: MemoryStore) -> None:
    v1 = chunk_document(parse_markdown(DOC_V1, source="help.md"), max_chars=500, overlap=0)
    r1 = store.kb_upsert(tenant="acme", source="help.md", chunks=v1, vectors=kb_vectors(v1))
    assert (r1.added, r1.unchanged, r1.removed) == (len(v1), 0, 0)
    again = store.kb_upsert(tenant="acme", source="help.md", chunks=v1, vectors=kb_vectors(v1))
    assert (again.added, again.unchanged, again.removed) == (0, len(v1), 0)
    assert store.kb_list(tenant="acme")[0]["chunks"] == len(v1)

    v2 = chunk_document(parse_markdown(DOC_V2, source="help.md"), max_chars=500, overlap=0)
    missing = store.kb_missing(tenant="acme", source="help.md", chunks=v2)
    assert [v2[i].heading for i in missing] == ["Help > Refunds"]
    vectors = [axis(5) if i in missing else None for i in range(len(v2))]
    r2 = store.kb_upsert(tenant="acme", source="help.md", chunks=v2, vectors=vectors)
    assert (r2.added, r2.unchanged, r2.removed) == (1, len(v2) - 1, 1)
    texts = {p.text for p in store.kb_search(tenant="acme", vector=axis(5), top_k=10)}
    assert "Refunds take five days." in texts and "Invoices are sent monthly." not in texts

    best = store.kb_search(tenant="acme", vector=axis(5), top_k=1)[0]
    assert (best.source, best.heading, best.title) == ("help.md", "Help > Refunds", "Help")
    assert best.score == pytest.approx(1.0, abs=1e-5)
    assert best.citation == "Help § Help > Refunds"

    assert store.kb_delete(tenant="globex", source="help.md") == 0
    assert store.kb_delete(tenant="acme", source="help.md") == len(v2)
    assert store.kb_list(tenant="acme") == []


def test_kb_cap_refuses_ingest(tmp_path: Path) -> None:
    cfg = MemoryConfig(vector_size=DIM, max_kb_chunks_per_tenant=1)
    with MemoryStore.open(cfg, path=tmp_path / "q") as store:
        chunks = chunk_document(parse_markdown(DOC_V1, source="a.md"), max_chars=500, overlap=0)
        assert len(chunks) > 1
        with pytest.raises(KbCapacityError):
            store.kb_upsert(tenant="acme", source="a.md", chunks=chunks, vectors=kb_vectors(chunks))
        assert store.kb_list(tenant="acme") == []


# --------------------------------------------------------------------------- retention


def test_prune_expires_turns_and_caps_tenants(tmp_path: Path) -> None:
    cfg = MemoryConfig(
        vector_size=DIM, session_ttl_seconds=3600, max_turns_per_tenant=3, max_memories_per_tenant=2
    )
    now = T0 + timedelta(days=1)
    with MemoryStore.open(cfg, path=tmp_path / "q") as store:
        turn(store, "acme", "s", "expired", now - timedelta(hours=2))
        for k in range(5):
            turn(store, "acme", "s", f"t{k}", now - timedelta(minutes=50 - k))
        turn(store, "globex", "s", "fresh", now)
        trusted = store.remember(
            tenant="acme",
            text="trusted old",
            vector=axis(0),
            confidence=0.9,
            importance=0.1,
            created_at=T0 - timedelta(days=300),
        )
        store.remember(
            tenant="acme",
            text="old minor",
            vector=axis(1),
            importance=0.1,
            created_at=T0 - timedelta(days=30),
        )
        keep = store.remember(
            tenant="acme", text="new important", vector=axis(2), importance=0.9, created_at=now
        )
        store.remember(tenant="acme", text="new minor", vector=axis(3), importance=0.2, created_at=now)

        report = store.prune(now=now)
        assert (report.turns_expired, report.turns_evicted, report.memories_evicted) == (1, 2, 2)
        assert [t["task_id"] for t in store.recall_session(tenant="acme", session_id="s", limit=10)] == [
            "t2",
            "t3",
            "t4",
        ]
        assert [t["task_id"] for t in store.recall_session(tenant="globex", session_id="s", limit=10)] == [
            "fresh"
        ]
        left = {h.id for h in store.search(tenant="acme", vector=axis(0), limit=10, now=now)}
        assert left == {trusted, keep}
        assert store.prune(now=now).to_dict()["turns_expired"] == 0


def test_forget_tenant(store: MemoryStore) -> None:
    turn(store, "acme", "s", "t", T0)
    store.remember(tenant="acme", text="x", vector=axis(0))
    turn(store, "globex", "s", "t", T0)
    store.forget_tenant(tenant="acme")
    assert store.recall_session(tenant="acme", session_id="s", limit=5) == []
    assert store.search(tenant="acme", vector=axis(0)) == []
    assert len(store.recall_session(tenant="globex", session_id="s", limit=5)) == 1


# --------------------------------------------------------------------------- restart and layout


def test_reopen_keeps_everything(tmp_path: Path, cfg: MemoryConfig) -> None:
    path = tmp_path / "q"
    with MemoryStore.open(cfg, path=path) as store:
        turn(store, "acme", "s", "t1", T0)
        mid = store.remember(tenant="acme", text="kept", vector=axis(0))
        chunks = chunk_document(parse_markdown(DOC_V1, source="help.md"), max_chars=500, overlap=0)
        store.kb_upsert(tenant="acme", source="help.md", chunks=chunks, vectors=kb_vectors(chunks))
    with MemoryStore.open(cfg, path=path) as store:
        assert [t["task_id"] for t in store.recall_session(tenant="acme", session_id="s", limit=5)] == ["t1"]
        turn(store, "acme", "s", "t2", T0 + timedelta(minutes=1))
        assert [t["task_id"] for t in store.recall_session(tenant="acme", session_id="s", limit=5)] == [
            "t1",
            "t2",
        ]
        assert store.search(tenant="acme", vector=axis(0), limit=1)[0].id == mid
        assert store.kb_list(tenant="acme")[0]["chunks"] == len(chunks)
        assert store.kb_missing(tenant="acme", source="help.md", chunks=chunks) == []


def test_layout_mismatch_is_refused(tmp_path: Path, cfg: MemoryConfig) -> None:
    path = tmp_path / "q"
    MemoryStore.open(cfg, path=path).close()
    with pytest.raises(LayoutMismatch):
        MemoryStore.open(cfg.model_copy(update={"layout_version": 3}), path=path)
    with pytest.raises(LayoutMismatch):
        MemoryStore.open(cfg.model_copy(update={"vector_size": DIM * 2}), path=path)
    # the refused open released the path: the right config still opens it
    MemoryStore.open(cfg, path=path).close()
