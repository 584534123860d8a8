"""A small chaos run on its own stack (it kills services, so it can't share the session stack)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from autoglm.shared.chaos import run_chaos, running_stack

pytestmark = pytest.mark.integration


@pytest.mark.timeout(600)
def test_every_task_gets_exactly_one_result_while_services_are_killed(tmp_path: Path) -> None:
    with running_stack(tmp_path, env={"AUTOGLM_TIMEOUT_SECONDS": "180"}) as stack:
        # Sync test: the stack's start-up runs its own event loop.
        report = asyncio.run(run_chaos(
            stack, 40, kill=("planner", "parser", "tool_executor"), window_s=12.0, result_timeout_s=240, settle_s=4,
            seed=1,
        ))
    assert sorted(report["killed"]) == ["parser", "planner", "tool_executor"], report
    assert report["lost"] == 0, report
    assert report["duplicates"] == 0, report
    assert all(report["restarts"][name] >= 1 for name in report["killed"]), report
