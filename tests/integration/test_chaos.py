"""Chaos and backpressure on a stack of their own (the chaos run kills services, so it can't share
the session stack). The planner's admission limit is small here so a modest burst exceeds it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from autoglm.shared.cli.stack import Stack
from autoglm.shared.devtools.backpressure import run_burst
from autoglm.shared.devtools.chaos import run_chaos, running_stack

pytestmark = pytest.mark.integration

ADMISSION_LIMIT = 30


@pytest.fixture(scope="module")
def own_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    env = {"AUTOGLM_TIMEOUT_SECONDS": "300", "AUTOGLM_PLANNER__MAX_TASKS_IN_FLIGHT": str(ADMISSION_LIMIT)}
    with running_stack(tmp_path_factory.mktemp("own"), env=env) as stack:
        yield stack


@pytest.mark.timeout(600)
def test_a_burst_ten_times_the_admission_limit_waits_in_kafka_and_drains(own_stack: Stack) -> None:
    # Sync test: the stack's start-up runs its own event loop.
    report = asyncio.run(run_burst(own_stack, capacity_tasks=0, burst_tasks=10 * ADMISSION_LIMIT, timeout_s=400))
    assert report["lost"] == 0, report
    assert report["duplicates"] == 0, report
    # One fetched batch (at most the limit) can land before the planner pauses its intents.
    assert report["planner_open_tasks_peak"] <= 2 * ADMISSION_LIMIT, report
    # the planner paused its intake at least once (its own count: a pause between two samples counts too)
    assert report["planner_pauses"] >= 1, report


@pytest.mark.timeout(600)
def test_every_task_gets_exactly_one_result_while_services_are_killed(own_stack: Stack) -> None:
    report = asyncio.run(run_chaos(
        own_stack, 40, kill=("planner", "parser", "tool_executor", "memory"), window_s=16.0, result_timeout_s=240,
        settle_s=4, seed=1,
    ))
    assert sorted(report["killed"]) == ["memory", "parser", "planner", "tool_executor"], report
    assert report["lost"] == 0, report
    assert report["duplicates"] == 0, report
    # The turn write gets no reply (the planner finishes on the broker's acknowledgement): every
    # turn must still be in memory, a memory kill and a planner kill included.
    assert report["turns_stored"] == report["tasks"], report
    assert all(report["restarts"][name] >= 1 for name in report["killed"]), report
