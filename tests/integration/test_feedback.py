"""Feedback through the real stack (embedded broker, every service, the bundled model): ratings from the SDK and
the CLI stored with their task and listed; refusals answered with the reason and dead-lettered; a prompt
variant added and pinned for one tenant reaches that tenant's generations (named on the result) and not
another tenant's, and its rating shows in `autoglm prompts stats`."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from typing import Any

import pytest

from autoglm.shared.cli.stack import Stack
from autoglm.shared.sdk import AutoGLMClient, FeedbackRefused

from .conftest import Bus

pytestmark = pytest.mark.integration


def cli(stack: Stack, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **stack.client_env(), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "autoglm.shared.cli", *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


def tenant() -> str:
    return f"fb{uuid.uuid4().hex[:8]}"


async def _client(stack: Stack) -> AutoGLMClient:
    client = AutoGLMClient(stack.bootstrap or "", settings=stack.settings)
    await client.start()
    return client


async def test_ratings_from_the_sdk_and_the_cli_are_stored_with_their_task(stack: Stack) -> None:
    acme = tenant()
    client = await _client(stack)
    try:
        result = await client.submit("(12+8)*3等于多少？", tenant=acme, user="u1", timeout=60)
        assert result.status.value == "completed"
        verdict = await client.feedback(result.task_id, 1, tenant=acme, user="u1", comment="right")
        assert verdict["applied"] == ["rating"] and verdict["stored"]
    finally:
        await client.close()
    given = cli(stack, "feedback", result.task_id, "--score", "4", "--comment", "fine", "--tenant", acme,
                "--user", "u2", "--json")
    assert given.returncode == 0, given.stdout + given.stderr
    listed = cli(stack, "feedback", "list", "--tenant", acme, "--json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert sorted((r["user"], r["score"], r["scale"]) for r in rows) == [("u1", 1, "thumbs"), ("u2", 4, "stars")]
    assert all(r["request"] == "(12+8)*3等于多少？" and "60" in r["answer"] and r["intents"] for r in rows)
    assert all(r["task_type"] == "calculation" and r["steps"] for r in rows)
    [stats] = json.loads(cli(stack, "feedback", "stats", "--tenant", acme, "--json").stdout)
    assert (stats["task_type"], stats["prompt_version"], stats["ratings"]) == ("calculation", "none", 2)
    assert stats["thumbs_up"] == 1 and stats["mean_stars"] == 4
    other = json.loads(cli(stack, "feedback", "list", "--tenant", tenant(), "--json").stdout)
    assert other == []


async def test_refused_feedback_says_why_and_is_dead_lettered(stack: Stack, bus: Bus) -> None:
    acme, globex = tenant(), tenant()
    client = await _client(stack)
    try:
        result = await client.submit("2+3等于多少？", tenant=acme, timeout=60)
        with pytest.raises(FeedbackRefused, match="no task 'nope'"):
            await client.feedback("nope", 1, tenant=acme)
        with pytest.raises(FeedbackRefused, match=f"no task '{result.task_id}' in tenant '{globex}'"):
            await client.feedback(result.task_id, -1, tenant=globex)
        with pytest.raises(ValueError):
            await client.feedback(result.task_id, 9, tenant=acme)  # refused before sending
    finally:
        await client.close()
    bad = cli(stack, "feedback", result.task_id, "--score", "down", "--tenant", acme,
              "--correction", '{"intents": [{"type": "teleport"}]}')
    assert bad.returncode == 2 and "malformed" in bad.stderr, bad.stdout + bad.stderr
    letters = await bus.read("autoglm.dlq", lambda d: d["data"].get("service") == "feedback"
                             and d["data"].get("task_id") in ("nope", result.task_id), count=3, timeout=30)
    assert sorted(d["data"]["error_type"] for d in letters) == ["invalid_correction", "other_tenant_task",
                                                                "unknown_task"]


async def _wait_for(check: Any, timeout: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.5)


async def test_a_pinned_variant_shapes_that_tenants_prompts_and_is_rated(stack: Stack) -> None:
    acme, globex = tenant(), tenant()
    added = cli(stack, "prompts", "add", "chitchat", "brief", "--tenant", acme, "--system",
                "Reply in one short sentence. $language_hint", "--example", "hi there=>Hello!")
    assert added.returncode == 0, added.stdout + added.stderr
    pinned = cli(stack, "prompts", "pin", "chitchat", "brief", "--tenant", acme)
    assert pinned.returncode == 0, pinned.stderr
    await asyncio.sleep(2)  # the planner follows autoglm.prompts: a fetch or two
    client = await _client(stack)
    try:
        mine = await client.submit("hello, how are you today?", tenant=acme, user="u1", timeout=120)
        theirs = await client.submit("hello, how are you today?", tenant=globex, user="u1", timeout=120)
        assert mine.prompt_versions == {"chitchat": "brief"}, mine
        assert theirs.prompt_versions == {"chitchat": "v1"}, theirs
        await client.feedback(mine.task_id, 1, tenant=acme, user="u1")
    finally:
        await client.close()
    stats: list[dict[str, Any]] = []

    def rated() -> bool:
        stats[:] = json.loads(cli(stack, "prompts", "stats", "--tenant", acme, "--json").stdout)
        rows = {v["variant"]: v for e in stats for v in e["variants"]}
        return rows.get("brief", {}).get("ratings") == 1

    await _wait_for(rated)
    [entry] = stats
    rows = {v["variant"]: v for v in entry["variants"]}
    assert entry["pinned"] == "brief" and rows["brief"]["traffic"] == 1 and rows["brief"]["status"] == "pinned"
    low, high = rows["brief"]["ci95"]
    assert low < rows["brief"]["mean"] < high
