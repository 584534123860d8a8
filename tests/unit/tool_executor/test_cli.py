"""`autoglm tools list/call`: MCP JSON out, errors as results, never a traceback."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from autoglm.services.tool_executor.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AUTOGLM_CONFIG", raising=False)
    monkeypatch.setenv("AUTOGLM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("AUTOGLM_TOOLS__PLUGINS_ENABLED", "false")


def test_list_json() -> None:
    result = runner.invoke(app, ["list", "--json"])
    assert result.exit_code == 0, result.output
    tools = json.loads(result.output)["tools"]
    assert {"calculator", "sql_query", "kb_search"} <= {t["name"] for t in tools}


def test_call_json() -> None:
    result = runner.invoke(app, ["call", "calculator", "--args", '{"expression": "(12+8)*3"}', "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output) == {
        "isError": False,
        "content": [{"type": "text", "text": "60"}],
        "structuredContent": {"expression": "(12+8)*3", "result": 60},
    }


def test_order_question_offline() -> None:
    args = json.dumps({"query": "SELECT status FROM orders WHERE order_id = 1024"})
    result = runner.invoke(app, ["call", "sql_query", "--args", args, "--json"])
    assert json.loads(result.output)["structuredContent"]["rows"] == [["已发货"]]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["call", "nope", "--args", "{}", "--json"], "unknown tool"),
        (["call", "calculator", "--args", "{not json", "--json"], "not valid JSON"),
        (["call", "calculator", "--args", "{}", "--json"], "required property"),
        (["call", "kb_search", "--args", '{"query": "x"}', "--json"], "memory service"),
    ],
)
def test_errors_are_results(argv: list[str], message: str) -> None:
    result = runner.invoke(app, argv)
    assert result.exit_code == 0 and result.exception is None
    payload = json.loads(result.output)
    assert payload["isError"] is True and message in payload["content"][0]["text"]
    assert "Traceback" not in result.output
