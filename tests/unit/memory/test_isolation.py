"""Randomized cross-tenant isolation: tenants share session ids, fact keys, document sources and even
identical vectors, and every read must return only the reading tenant's data (zero leaks)."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from autoglm.services.memory.chunking import Chunk
from autoglm.services.memory.config import MemoryConfig
from autoglm.services.memory.store import MemoryStore

# the payload-filters mode creates payload indexes, which embedded Qdrant accepts and ignores
pytestmark = pytest.mark.filterwarnings("ignore:Payload indexes have no effect:UserWarning")

DIM = 16
TENANTS = ["acme", "globex", "initech", "acme-2", "a.b_c"]


@pytest.mark.parametrize(("seed", "payload_filters"), [(1, False), (2, False), (3, True)])
def test_no_cross_tenant_results(tmp_path: Path, seed: int, payload_filters: bool) -> None:
    rnd = random.Random(seed)
    rng = np.random.default_rng(seed)
    vectors = [list(rng.normal(size=DIM)) for _ in range(30)]  # a small pool: tenants reuse the same vectors
    written: dict[str, set[str]] = {t: set() for t in TENANTS}
    cfg = MemoryConfig(vector_size=DIM)
    with MemoryStore.open(cfg, path=tmp_path / "q", payload_filters=payload_filters) as store:
        for step in range(300):
            tenant = rnd.choice(TENANTS)
            op = rnd.random()
            marker = f"{tenant}|{step}"
            written[tenant].add(marker)
            if op < 0.4:
                store.remember(
                    tenant=tenant,
                    text=marker,
                    vector=rnd.choice(vectors),
                    key=rnd.choice([None, "k1", "k2"]),
                    confidence=rnd.random(),
                    user=rnd.choice([None, "u1"]),
                    kind=rnd.choice(["fact", "preference", "answer"]),
                )
            elif op < 0.7:
                store.store_turn(
                    tenant=tenant,
                    session_id=rnd.choice(["s1", "s2"]),
                    task_id=f"t{rnd.randrange(50)}",
                    user="u1",
                    request=marker,
                    answer=marker,
                    status="completed",
                    intents=[],
                    vector=rnd.choice([None, rnd.choice(vectors)]),
                )
            else:
                source = rnd.choice(["faq.md", "guide.md"])
                chunks = [
                    Chunk(text=f"{marker} part {i}", source=source, heading="H", index=i) for i in range(3)
                ]
                store.kb_upsert(
                    tenant=tenant, source=source, chunks=chunks, vectors=[rnd.choice(vectors) for _ in chunks]
                )

        leaks = 0
        for tenant in TENANTS:
            mine = written[tenant]
            for q in vectors:
                for user in (None, "u1"):
                    for hit in store.search(tenant=tenant, vector=q, limit=20, user=user):
                        leaks += hit.text not in mine
                for passage in store.kb_search(tenant=tenant, vector=q, top_k=20):
                    leaks += passage.text.rsplit(" part ", 1)[0] not in mine
            for session in ("s1", "s2"):
                for t in store.recall_session(tenant=tenant, session_id=session, limit=100):
                    leaks += t["request"] not in mine
            for doc in store.kb_list(tenant=tenant):
                leaks += doc["chunks"] != 3
        assert leaks == 0
        # a point id from one tenant is not readable through another
        acme_id = store.remember(tenant="acme", text="secret", vector=vectors[0])
        assert store.get_memory(tenant="globex", memory_id=acme_id) is None
