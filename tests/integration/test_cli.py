"""The `autoglm` commands a user types, against a detached stack of their own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    data = tmp_path_factory.mktemp("cli")
    env = {
        **os.environ,
        "AUTOGLM_DATA_DIR": str(data),
        "AUTOGLM_TOPIC_PREFIX": f"cli{uuid.uuid4().hex[:6]}.",
        "AUTOGLM_INFERENCE__CACHE_DIR": str(REPO / "data" / "models"),
        "AUTOGLM_GATEWAY__PORT": "0",  # a free port: the session's stack (conftest) runs a gateway too
        "COLUMNS": "200",
    }
    up = run(env, "up", "--detach", "--timeout", "400", timeout=450)
    assert up.returncode == 0, up.stdout + up.stderr
    # Which tools work from here, said at start-up (weather calls an external service unless pointed elsewhere).
    assert "tools reachable: " in up.stdout and "calculator" in up.stdout, up.stdout + up.stderr
    lines = (up.stdout + up.stderr).splitlines()
    assert any(line.startswith("tools reachable: ") and "weather" in line for line in lines) or any(
        line.startswith("weather unreachable: ") and line.endswith("--port 8765") for line in lines), lines  # one line
    try:
        yield env
    finally:
        down = run(env, "down", timeout=120)
        assert down.returncode == 0, down.stderr
        state = data / "run" / "stack.json"
        assert not state.exists()


def run(env: dict[str, str], *args: str, timeout: float = 300, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "autoglm.shared.cli", *args], env=env, capture_output=True,
                          text=True, timeout=timeout, cwd=cwd)


def test_status_submit_trace_dlq(env: dict[str, str]) -> None:
    status = run(env, "status", "--json")
    assert status.returncode == 0, status.stdout + status.stderr
    doc = json.loads(status.stdout)
    assert doc["ready"] and set(doc["services"]) == {"parser", "planner", "tool_executor", "inference", "memory",
                                                     "feedback", "gateway"}

    submitted = run(env, "submit", "(12+8)*3等于多少？", "--session", "cli-s1", "--tenant", "acme",
                    "--timeout", "60", "--json")
    assert submitted.returncode == 0, submitted.stderr
    result = json.loads(submitted.stdout)
    assert {"task_id", "status", "answer", "trace_id", "steps"} <= set(result)
    assert result["status"] == "completed" and "60" in result["answer"]
    assert all({"kind", "name", "status", "duration_ms"} <= set(s) for s in result["steps"])

    traced = run(env, "trace", result["task_id"], "--json", "--wait", "10")
    assert traced.returncode == 0, traced.stderr
    spans = json.loads(traced.stdout)
    assert {s["trace_id"] for s in spans} == {result["trace_id"]}
    assert {"parser", "planner", "tool_executor", "memory"} <= {s["service"].removeprefix("autoglm-") for s in spans}
    waterfall = run(env, "trace", result["task_id"])
    assert "process autoglm.tasks" in waterfall.stdout

    dlq = run(env, "dlq", "list", "--json")
    assert dlq.returncode == 0, dlq.stderr


def test_clarification_exit_code_and_config(env: dict[str, str]) -> None:
    asked = run(env, "submit", "do it again", "--json")
    assert asked.returncode == 0
    assert json.loads(asked.stdout)["status"] == "needs_clarification"
    shown = run(env, "config", "show", "--json")
    assert shown.returncode == 0, shown.stderr
    config = json.loads(shown.stdout)
    assert {"broker", "telemetry", "qdrant", "tools", "inference", "memory", "planner"} <= set(config)
    assert "timeout_seconds" in config and "enable_caching" in config


def test_asyncapi_document_lists_the_public_topics(env: dict[str, str]) -> None:
    out = run(env, "asyncapi", "--format", "json")
    doc = json.loads(out.stdout)
    addresses = {c["address"] for c in doc["channels"].values()}
    assert {"autoglm.tasks", "autoglm.results", "autoglm.dlq"} <= addresses


def _elsewhere(env: dict[str, str]) -> dict[str, str]:
    """A new user's shell in another directory: nothing says where the stack is."""
    return {k: v for k, v in env.items() if k not in ("AUTOGLM_DATA_DIR", "AUTOGLM_TOPIC_PREFIX", "KAFKA_BOOTSTRAP_SERVERS")}


def test_commands_find_the_running_stack_from_another_directory(env: dict[str, str], tmp_path: Path) -> None:
    bare = _elsewhere(env)
    status = run(bare, "status", "--json", cwd=tmp_path)
    assert status.returncode == 0 and json.loads(status.stdout)["ready"], status.stdout + status.stderr
    submitted = run(bare, "submit", "What is 2+3?", "--json", cwd=tmp_path)
    assert submitted.returncode == 0, submitted.stdout + submitted.stderr
    result = json.loads(submitted.stdout)
    assert result["status"] == "completed" and "5" in result["answer"]
    assert "error" in result and result["error"] is None
    traced = run(bare, "trace", result["task_id"], "--json", "--wait", "10", cwd=tmp_path)
    assert traced.returncode == 0, traced.stderr
    assert run(bare, "dlq", "list", "--json", cwd=tmp_path).returncode == 0


def test_the_readme_sdk_example_works_as_written(env: dict[str, str], tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Python SDK", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    script = tmp_path / "example.py"
    script.write_text(code)
    done = subprocess.run([sys.executable, str(script)], env=_elsewhere(env), cwd=tmp_path, capture_output=True,
                          text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    status, answer = done.stdout.split()[:2]
    assert status == "completed" and "1024" in done.stdout, done.stdout
