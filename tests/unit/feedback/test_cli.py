"""`autoglm feedback` and `autoglm prompts` with the feedback service faked (CommandDeps): the task-or-command
group, scores and corrections as typed, clear errors, export pages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from autoglm.services.feedback.cli import (
    CommandDeps,
    feedback_app,
    parse_correction,
    parse_score,
    prompts_app,
)
from autoglm.shared.events import FeedbackExport, PromptStats, StepRequest

runner = CliRunner()


class Fake:
    def __init__(self) -> None:
        self.submitted: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
        self.calls: list[tuple[str, StepRequest]] = []

    async def submit(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self.submitted.append((args, kwargs))
        if args[0] == "ghost":
            raise RuntimeError("no task 'ghost' in tenant 'default'")
        return {"task_id": args[0], "applied": ["stored", "parser_example"]}

    async def call(self, tenant: str, op: StepRequest) -> dict[str, Any]:
        self.calls.append((tenant, op))
        if isinstance(op, FeedbackExport):
            rows = [{"n": n} for n in range(5)]
            return {"rows": rows[op.offset:op.offset + 2], "total": 5, "offset": op.offset}
        if isinstance(op, PromptStats):
            return {"prompts": [{"task_type": "creative_writing", "pinned": None, "min_share": 0.05, "variants": [
                {"variant": "v1", "status": "live", "traffic": 3, "traffic_share": 0.75, "ratings": 2, "mean": 0.5,
                 "ci95": [0.09, 0.91], "p_best": 0.4}]}]}
        return {"feedback": [], "stats": []}


def invoke(app: Any, fake: Fake, *args: str) -> Any:
    return runner.invoke(app, list(args), obj=CommandDeps(submit=fake.submit, call=fake.call))


def test_scores_and_corrections_as_typed(tmp_path: Path) -> None:
    assert parse_score("up", False) == (1, "thumbs") and parse_score("-1", False) == (-1, "thumbs")
    assert parse_score("4", False) == (4, "stars") and parse_score("1", True) == (1, "stars")
    for bad in ("0", "6", "meh"):
        with pytest.raises(ValueError):
            parse_score(bad, False)
    assert parse_correction("15 days") == "15 days"
    assert parse_correction('{"intents": [{"type": "lookup"}]}') == {"intents": [{"type": "lookup"}]}
    graph = tmp_path / "g.json"
    graph.write_text('{"intents": []}')
    assert parse_correction(f"@{graph}") == {"intents": []}
    with pytest.raises(ValueError, match="not JSON"):
        parse_correction('{"intents": [')


def test_feedback_task_is_the_default_command() -> None:
    fake = Fake()
    result = invoke(feedback_app, fake, "t-1", "--score", "down", "--comment", "wrong city",
                    "--correction", '{"intents": [{"type": "lookup", "tool": "weather"}]}', "--tenant", "acme")
    assert result.exit_code == 0, result.output
    assert "stored, parser_example" in result.output
    (args, kwargs), = fake.submitted
    assert args == ("t-1", -1) and kwargs["tenant"] == "acme" and kwargs["comment"] == "wrong city"
    assert kwargs["correction"] == {"intents": [{"type": "lookup", "tool": "weather"}]}


def test_refusals_and_bad_input_exit_2_with_the_reason() -> None:
    fake = Fake()
    refused = invoke(feedback_app, fake, "ghost", "--score", "up")
    assert refused.exit_code == 2 and "no task 'ghost'" in refused.output
    bad = invoke(feedback_app, fake, "t-1", "--score", "7")
    assert bad.exit_code == 2 and "1 to 5 stars" in bad.output and not fake.submitted[1:]


def test_export_reads_every_page(tmp_path: Path) -> None:
    fake = Fake()
    out = tmp_path / "sft.jsonl"
    result = invoke(feedback_app, fake, "export", "--format", "sft", "--tenant", "acme", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["n"] for line in out.read_text().splitlines()] == [0, 1, 2, 3, 4]
    assert [op.offset for _, op in fake.calls] == [0, 2, 4]  # type: ignore[attr-defined]


def test_prompt_stats_table() -> None:
    result = invoke(prompts_app, Fake(), "stats", "--tenant", "acme")
    assert result.exit_code == 0, result.output
    assert "creative_writing" in result.output and "[0.090, 0.910]" in result.output
