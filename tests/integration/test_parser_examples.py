"""A tenant's labelled example, added with the CLI, changes that tenant's parse only and survives a parser restart.

Its own small stack (embedded broker and the parser alone): the test kills the parser.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from autoglm.shared.cli.stack import Stack
from autoglm.shared.config import Settings
from autoglm.shared.events import CloudEvent, EventType, TaskRequested
from tests.integration.conftest import Bus

pytestmark = pytest.mark.integration
TEXT = "Pencil in the quarterly offsite with the design team"


@pytest.fixture(scope="module")
def parser_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("examples"), topic_prefix=f"px{uuid.uuid4().hex[:6]}.")
    stack = Stack(settings, services=("parser",))
    try:
        stack.start()
        assert stack.wait_ready(300), stack.ready()
        yield stack
    finally:
        stack.stop()


def cli(stack: Stack, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **stack.client_env()}
    out = subprocess.run([sys.executable, "-m", "autoglm.shared.cli", "parser", "example", *args], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    return out


async def parse(bus: Bus, text: str, tenant: str) -> list[tuple[str, str | None, str]]:
    """The intents the running parser publishes for ``text`` as a task of ``tenant``."""
    task_id = f"t-{uuid.uuid4().hex[:10]}"
    ev = CloudEvent[TaskRequested](source="/test", type=EventType.TASK_REQUESTED.value, tenant=tenant, taskid=task_id,
                                   data=TaskRequested(text=text))
    await bus.publish("autoglm.tasks", ev.model_dump_json().encode(), key=task_id)
    found = await bus.read("autoglm.intents", lambda d: d.get("taskid") == task_id, 1, timeout=60)
    assert found, f"no intents for {task_id}"
    # defaults (a null tool, source "rule") are left out of the record
    return [(i["type"], i.get("tool"), i.get("source", "rule")) for i in found[0]["data"]["graph"]["intents"]]


async def until(check: Any, bus: Bus, text: str, tenant: str, tries: int = 40) -> list[tuple[str, str | None, str]]:
    """Parse until ``check`` holds: the follower applies an example within a fetch, not at once."""
    got: list[tuple[str, str | None, str]] = []
    for _ in range(tries):
        got = await parse(bus, text, tenant)
        if check(got):
            return got
        await asyncio.sleep(0.5)
    return got


def test_an_example_changes_its_tenants_parse_only_and_survives_a_restart(parser_stack: Stack) -> None:
    bus = Bus(parser_stack)
    unsupported = [("unsupported", None, "example")]
    before = asyncio.run(parse(bus, TEXT, "acme"))
    assert before != unsupported and all(src == "rule" for _, _, src in before)

    out = cli(parser_stack, "add", "--tenant", "acme", TEXT, "--graph",
              json.dumps([{"type": "unsupported", "tool": None, "entities": {}, "depends_on": []}]))
    assert "acme" in out.stdout
    assert asyncio.run(until(lambda g: g == unsupported, bus, TEXT, "acme")) == unsupported
    assert asyncio.run(parse(bus, TEXT, "globex")) == before  # another tenant never sees it
    listed = json.loads(cli(parser_stack, "list", "--tenant", "acme", "--json").stdout)
    assert [r["text"] for r in listed] == [TEXT]
    assert json.loads(cli(parser_stack, "list", "--tenant", "globex", "--json").stdout) == []

    # kill -9 the parser; the supervisor's restart reads the example back from the topic before taking tasks
    proc = parser_stack.procs["parser"].proc
    assert proc is not None
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    parser_stack.check_children()
    assert parser_stack.wait_ready(300), parser_stack.ready()
    assert parser_stack.procs["parser"].restarts == 1
    assert asyncio.run(parse(bus, TEXT.lower() + "!", "acme")) == unsupported
    assert asyncio.run(parse(bus, TEXT, "globex")) == before

    cli(parser_stack, "remove", "--tenant", "acme", TEXT)
    assert asyncio.run(until(lambda g: g == before, bus, TEXT, "acme")) == before


def test_a_bad_label_is_refused_before_it_reaches_kafka(parser_stack: Stack) -> None:
    env = {**os.environ, **parser_stack.client_env()}
    out = subprocess.run([sys.executable, "-m", "autoglm.shared.cli", "parser", "example", "add", "--tenant", "acme",
                          "hello", "--graph", '[{"type": "booking"}]'], env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 2 and "invalid label" in (out.stdout + out.stderr)
    assert Path(parser_stack.settings.data_dir).exists()
