"""Pipelined consumption commits only up to the first unfinished record of each partition."""

from __future__ import annotations

from aiokafka import TopicPartition

from autoglm.shared.kafka.pipeline import OffsetTracker

P0 = TopicPartition("t", 0)
P1 = TopicPartition("t", 1)


def test_commit_stops_at_the_first_unfinished_record() -> None:
    tracker = OffsetTracker()
    for offset in (10, 11, 12):
        tracker.begin(P0, offset)
    tracker.end(P0, 11)
    tracker.end(P0, 12)
    assert tracker.committable() == {P0: 10}  # 10 still running: a crash must redeliver it
    tracker.committed.update(tracker.committable())
    assert tracker.committable() == {}
    tracker.end(P0, 10)
    assert tracker.committable() == {P0: 13}


def test_partitions_are_independent_and_revocation_forgets() -> None:
    tracker = OffsetTracker()
    tracker.begin(P0, 5)
    tracker.begin(P1, 7)
    tracker.end(P1, 7)
    assert tracker.committable() == {P0: 5, P1: 8}
    assert tracker.pending({P0}) == 1 and tracker.pending({P1}) == 0
    tracker.forget({P0})
    assert tracker.committable() == {P1: 8}
