"""What a new user meets first: finding the running stack from anywhere, and one clear line for a text over the
limit from every command and the SDK (no traceback)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autoglm.shared import local_stack
from autoglm.shared.config import Settings
from autoglm.shared.events import MAX_TEXT_CHARS, TextTooLong
from autoglm.shared.sdk import AutoGLMClient

LONG = "字" * (MAX_TEXT_CHARS + 1)
LINE = "the task text is 8,001 characters long; the limit is 8,000"


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    return tmp_path


def _fake_stack(data_dir: Path, *, pid: int | None = None, prefix: str = "p.") -> None:
    """What `autoglm up` leaves behind: the state file and the user's pointer to it."""
    pid = pid or os.getpid()
    (data_dir / "run").mkdir(parents=True)
    (data_dir / "run" / "stack.json").write_text(json.dumps(
        {"pid": pid, "bootstrap_servers": f"127.0.0.1:{1000 + len(str(data_dir)) % 1000}", "topic_prefix": prefix,
         "data_dir": str(data_dir), "services": {}}))
    local_stack.register(data_dir, pid)


def test_a_stack_started_elsewhere_is_found(registry: Path) -> None:
    started = registry / "repo" / "data"
    _fake_stack(started)
    here = Settings(data_dir=registry / "elsewhere")  # the user's cwd has no stack of its own
    found = local_stack.locate(here)
    assert found.data_dir == started and found.topic_prefix == "p."
    assert found.bootstrap_servers.startswith("127.0.0.1:")


def test_the_configured_cluster_and_the_local_data_dir_come_first(registry: Path) -> None:
    _fake_stack(registry / "a")
    _fake_stack(registry / "b", prefix="b.")
    explicit = Settings(data_dir=registry / "x", broker={"bootstrap_servers": "kafka:9092"})
    assert local_stack.locate(explicit).bootstrap_servers == "kafka:9092"
    assert local_stack.locate(Settings(data_dir=registry / "b")).topic_prefix == "b."
    with pytest.raises(local_stack.NoStack, match="2 stacks are running"):  # elsewhere: not guessed between
        local_stack.locate(Settings(data_dir=registry / "x"))


def test_no_stack_says_what_to_do_and_stale_pointers_go(registry: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    _fake_stack(registry / "gone", pid=int(dead.stdout))
    with pytest.raises(local_stack.NoStack, match="autoglm up --detach"):
        local_stack.locate(Settings(data_dir=registry / "x"))
    assert not list(local_stack.registry_dir().glob("*.json"))
    with pytest.raises(local_stack.NoStack, match="is not running"):
        local_stack.locate(Settings(data_dir=registry / "gone"))


async def test_the_sdk_refuses_an_over_limit_text_before_sending() -> None:
    client = AutoGLMClient("127.0.0.1:1")
    with pytest.raises(TextTooLong) as refused:
        await client.publish_task(LONG)
    assert str(refused.value) == LINE


async def test_the_http_sdk_refuses_an_over_limit_text_before_sending() -> None:
    from autoglm.shared.sdk import AutoGLMHTTPClient

    async with AutoGLMHTTPClient("http://127.0.0.1:1", None) as client:
        with pytest.raises(TextTooLong, match="the limit is 8,000"):
            await client.publish_task(LONG)


async def test_the_sdk_without_an_address_says_there_is_no_stack(registry: Path) -> None:
    client = AutoGLMClient(settings=Settings(data_dir=registry / "none"))
    with pytest.raises(local_stack.NoStack, match="autoglm up --detach"):
        await client.start()


@pytest.mark.parametrize("command", [["submit"], ["parse", "--json"], ["plan", "--json"]])
def test_every_command_answers_an_over_limit_text_with_one_line(command: list[str], registry: Path) -> None:
    env = {**os.environ, "XDG_STATE_HOME": str(registry / "state"), "AUTOGLM_DATA_DIR": str(registry / "d")}
    done = subprocess.run([sys.executable, "-m", "autoglm.shared.cli", command[0], LONG, *command[1:]], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.strip() == f"error: {LINE}" and "Traceback" not in done.stderr


def test_parse_batch_answers_the_long_line_and_goes_on(registry: Path) -> None:
    batch = registry / "batch.txt"
    batch.write_text(f"What is 2+3?\n{LONG}\n明天北京天气\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "autoglm.shared.cli", "parse", "--batch", str(batch),
                           "--fallback", "none"], capture_output=True, text=True, timeout=120)
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(lines) == 3 and lines[1]["error"] == LINE and lines[2]["intents"]


def test_submit_without_a_stack_is_one_line(registry: Path) -> None:
    env = {**os.environ, "XDG_STATE_HOME": str(registry / "state"), "AUTOGLM_DATA_DIR": str(registry / "d")}
    env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
    done = subprocess.run([sys.executable, "-m", "autoglm.shared.cli", "submit", "What is 2+3?"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "autoglm up --detach" in done.stderr and "Traceback" not in done.stderr
