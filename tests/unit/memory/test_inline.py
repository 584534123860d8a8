"""A quick memory operation runs on the caller's thread only while no other thread uses the store
(``MemoryStore.run_if_free``): it never waits behind a long operation on the event loop."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from autoglm.services.memory.config import MemoryConfig
from autoglm.services.memory.store import MemoryStore

from .test_store import DIM, turn


@pytest.fixture
def store(tmp_path: Path) -> Iterator[MemoryStore]:
    s = MemoryStore.open(MemoryConfig(vector_size=DIM), path=tmp_path / "q")
    yield s
    s.close()


def test_a_free_store_runs_the_call_here(store: MemoryStore) -> None:
    at = datetime(2026, 11, 25, 10, tzinfo=UTC)
    ran, point = store.run_if_free(lambda: turn(store, "acme", "s1", "t1", at))
    assert ran and point
    assert [t["task_id"] for t in store.recall_session(tenant="acme", session_id="s1", now=at)] == ["t1"]


def test_a_store_busy_in_another_thread_is_not_waited_for(store: MemoryStore) -> None:
    inside, release = threading.Event(), threading.Event()

    def long_operation() -> None:
        with store._lock:  # what every store method holds while it works
            inside.set()
            release.wait(10)

    worker = threading.Thread(target=long_operation)
    worker.start()
    inside.wait(10)
    calls: list[int] = []
    try:
        assert store.run_if_free(lambda: calls.append(1)) == (False, None)
        assert calls == []  # not run: the caller hands it to a worker thread instead
    finally:
        release.set()
        worker.join(10)
    assert store.run_if_free(lambda: calls.append(2)) == (True, None) and calls == [2]
