"""Benchmark: tenant-scoped long-term memory retrieval in embedded Qdrant, plus an isolation check.

Points are random unit 384-d vectors (retrieval cost in brute-force local mode does not depend on
what the vectors mean) spread over several tenants, as in real use. Each size is reached by adding
points to the same store, so the 20k figure includes the 1k and 10k points. Searches go through
``MemoryStore.search`` (the service's code path: nearest neighbours, re-ranking, ownership checks).

Also measured for context, on the raw client: one collection holding every point unfiltered (what a
search costs when one tenant owns all of them, the worst case of this layout), and the alternative
layout (all tenants in one collection, tenant as a payload filter).

Env: BENCH_QUICK=1 for a short run, BENCH_OUT=path for the JSON.
JSON: {"points": [...], "search_p50_ms": [...], "search_p99_ms": [...], "tenant_leaks": int, ...};
the ``search_cpu_*`` figures are the searching thread's CPU time, which shows how much of the wall
time went to waiting for a core on a shared machine.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from qdrant_client import QdrantClient
from qdrant_client import models as qm

from autoglm.services.memory.config import MemoryConfig
from autoglm.services.memory.store import MemoryItem, MemoryStore
from autoglm.shared.devtools.bench import emit_report, quick_mode

DIM = 384


def unit(rng: np.random.Generator, n: int) -> np.ndarray:
    v = rng.normal(size=(n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def pct(samples: list[float], q: float) -> float:
    return round(float(np.percentile(np.array(samples), q)), 3)


def main() -> int:
    quick = quick_mode()
    sizes = [1_000, 5_000] if quick else [1_000, 10_000, 20_000]
    queries = 100 if quick else 300
    n_tenants = 8
    rng = np.random.default_rng(42)
    tenants = [f"tenant-{i}" for i in range(n_tenants)]
    cfg = MemoryConfig(vector_size=DIM)
    series: dict[str, list[float]] = {
        "points": [],
        "search_p50_ms": [],
        "search_p99_ms": [],
        "search_cpu_p50_ms": [],
        "search_cpu_p99_ms": [],
        "upsert_s": [],
    }
    result: dict[str, object] = {
        "machine": f"{os.cpu_count()} CPU cores",
        "mode": "embedded (qdrant-client local, path)",
        "tenants": n_tenants,
        "vectors": "random unit 384-d",
        "queries_per_size": queries,
    }
    owner: dict[str, str] = {}
    leaks = 0
    with tempfile.TemporaryDirectory() as tmp:
        store = MemoryStore.open(cfg, path=Path(tmp) / "store")
        stored = 0
        all_vecs: list[np.ndarray] = []
        for size in sizes:
            add = size - stored
            vecs = unit(rng, add)
            all_vecs.append(vecs)
            t0 = time.perf_counter()
            for ti, tenant in enumerate(tenants):
                part = vecs[ti::n_tenants]
                items = [
                    MemoryItem(
                        text=f"{tenant}:{stored + ti + j * n_tenants}", vector=v.tolist(), importance=0.5
                    )
                    for j, v in enumerate(part)
                ]
                for mid in store.remember_many(tenant=tenant, items=items):
                    owner[mid] = tenant
            stored = size
            series["upsert_s"].append(round(time.perf_counter() - t0, 2))
            pool = np.concatenate(all_vecs)
            lat: list[float] = []
            cpu: list[float] = []
            for _ in range(queries):
                tenant = tenants[int(rng.integers(n_tenants))]
                # half the queries are another tenant's stored vector: its exact match must never surface
                q = pool[int(rng.integers(len(pool)))] if rng.random() < 0.5 else unit(rng, 1)[0]
                t0, c0 = time.perf_counter(), time.thread_time()
                hits = store.search(tenant=tenant, vector=q.tolist(), limit=5)
                lat.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.thread_time() - c0) * 1000)
                leaks += sum(
                    1 for h in hits if owner.get(h.id) != tenant or not h.text.startswith(f"{tenant}:")
                )
            series["points"].append(size)
            series["search_p50_ms"].append(pct(lat, 50))
            series["search_p99_ms"].append(pct(lat, 99))
            series["search_cpu_p50_ms"].append(pct(cpu, 50))
            series["search_cpu_p99_ms"].append(pct(cpu, 99))
            print(f"{size:>6} points: p50 {pct(lat, 50)} ms, p99 {pct(lat, 99)} ms", file=sys.stderr)

        # session memory and knowledge base isolation: same session ids in every tenant
        for tenant in tenants:
            for k in range(5):
                store.store_turn(
                    tenant=tenant,
                    session_id="shared-session",
                    task_id=f"task-{k}",
                    user=None,
                    request=f"{tenant}:req{k}",
                    answer="",
                    status="completed",
                    intents=[],
                    vector=None,
                )
        for tenant in tenants:
            turns = store.recall_session(tenant=tenant, session_id="shared-session", limit=50)
            leaks += sum(1 for t in turns if not t["request"].startswith(f"{tenant}:"))
            leaks += abs(len(turns) - 5)
        store.close()

        # context: worst case of this layout (one tenant owns every point) and the alternative layout
        big = unit(rng, sizes[-1])
        client = QdrantClient(path=str(Path(tmp) / "alt"))
        # DOT on unit vectors, as the store's collections use
        client.create_collection("one", vectors_config=qm.VectorParams(size=DIM, distance=qm.Distance.DOT))
        client.upload_points(
            "one",
            [
                qm.PointStruct(
                    id=i,
                    vector=v.tolist(),
                    payload={"tenant": tenants[i % n_tenants], "created_at": float(i)},
                )
                for i, v in enumerate(big)
            ],
            batch_size=1000,
        )
        flt = qm.Filter(must=[qm.FieldCondition(key="tenant", match=qm.MatchValue(value=tenants[0]))])
        unfiltered, filtered = [], []
        client.query_points("one", query=big[0].tolist(), limit=50)  # warm-up
        for _ in range(min(queries, 100)):
            q = unit(rng, 1)[0].tolist()
            t0 = time.perf_counter()
            client.query_points("one", query=q, limit=50)
            unfiltered.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            client.query_points("one", query=q, limit=5, query_filter=flt)
            filtered.append((time.perf_counter() - t0) * 1000)
        client.close()
        result["context"] = {
            "one_collection_points": sizes[-1],
            "one_tenant_holds_all_points_p50_ms": pct(unfiltered, 50),
            "one_tenant_holds_all_points_p99_ms": pct(unfiltered, 99),
            "shared_collection_tenant_filter_p50_ms": pct(filtered, 50),
            "shared_collection_tenant_filter_p99_ms": pct(filtered, 99),
        }
    result.update(series)
    result["tenant_leaks"] = leaks
    emit_report(result)
    return 0 if leaks == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
