"""Facts and preferences from conversation, end to end on the real stack: a "记住…" request is stored by
the memory service and acknowledged; a later task in another session of the same tenant and user gets it
in its generation context, and other tenants and users never do. `autoglm memory` reaches the same store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from autoglm.shared.cli.stack import Stack

from .conftest import Bus, task_event

pytestmark = pytest.mark.integration


def task(text: str, *, tenant: str, user: str, session: str) -> dict[str, Any]:
    ev = task_event(text, session=session)
    ev["tenant"] = tenant
    ev["data"]["user"] = user
    return ev


async def prompt_of(bus: Bus, ev: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The task's result and the prompt its generation step sent to the model."""
    await bus.publish("autoglm.tasks", ev, key=ev["sessionid"])
    data = (await bus.result(ev["taskid"], 240))["data"]
    requests = await bus.read(
        "autoglm.inference.requests",
        lambda d: d.get("taskid") == ev["taskid"] and d["data"]["operation"] == "generate",
        1,
        10,
    )
    assert requests, data
    return data, requests[0]["data"]["messages"][-1]["content"]


async def test_stated_preference_reaches_later_sessions_of_that_user_only(bus: Bus, stack: Stack) -> None:
    said = task("记住我喜欢喝无糖的咖啡", tenant="rmb", user="u1", session="rmb-a")
    await bus.publish("autoglm.tasks", said, key=said["sessionid"])
    data = (await bus.result(said["taskid"], 240))["data"]
    assert data["status"] == "completed", data
    assert data["answer"] == "好的，我记住您的偏好了：我喜欢喝无糖的咖啡"  # acknowledged, no model call
    memory_step = next(s for s in data["steps"] if s["name"] == "remember")
    assert memory_step["kind"] == "memory_store" and memory_step["status"] == "completed"
    assert not [s for s in data["steps"] if s["kind"] == "generation"]
    [reply] = await bus.read(
        "autoglm.steps.completed",
        lambda d: d.get("taskid") == said["taskid"] and d["data"].get("output", {}).get("action"),
        1,
        10,
    )
    assert reply["data"]["output"]["kind"] == "preference" and reply["data"]["output"]["action"] == "created"

    later = task("推荐一款适合早上喝的饮料", tenant="rmb", user="u1", session="rmb-b")
    data, prompt = await prompt_of(bus, later)
    assert any(s["name"] == "long_term_search" and s["status"] == "completed" for s in data["steps"]), data[
        "steps"
    ]
    assert "我喜欢喝无糖的咖啡" in prompt

    # Another tenant, and another user of the same tenant, never see it.
    for tenant, user, session in (("rmb-other", "u1", "rmb-c"), ("rmb", "u2", "rmb-d")):
        _, prompt = await prompt_of(
            bus, task("推荐一款适合早上喝的饮料", tenant=tenant, user=user, session=session)
        )
        assert "无糖" not in prompt, (tenant, user)


def autoglm(stack: Stack, *args: str) -> Any:
    done = subprocess.run(
        [sys.executable, "-m", "autoglm.shared.cli", "memory", *args, "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **stack.client_env(), "COLUMNS": "200"},
    )
    assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-4000:])
    return json.loads(done.stdout)


def test_memory_cli_over_the_running_stack(stack: Stack) -> None:
    first = autoglm(stack, "remember", "our office is in Hangzhou", "--tenant", "rmb-cli")
    assert first["action"] == "created" and first["kind"] == "fact"
    again = autoglm(
        stack, "remember", "our office is in Hangzhou", "--tenant", "rmb-cli", "--confidence", "0.2"
    )
    assert (again["action"], again["id"]) == ("kept", first["id"])  # trusted fact, less confident write
    hits = autoglm(stack, "search", "where is the office", "--tenant", "rmb-cli")
    assert [h["id"] for h in hits] == [first["id"]]
    assert autoglm(stack, "list", "--tenant", "rmb-elsewhere") == []
