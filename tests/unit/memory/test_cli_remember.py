"""`autoglm memory remember/list/search/forget` over a real embedded store, with the fake bag-of-words
embedder of the knowledge-base tests in place of the inference service."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from autoglm.services.memory import cli
from autoglm.services.memory.config import MemoryConfig
from autoglm.services.memory.store import MemoryStore

from .test_kb import DIM, FakeEmbedder


@pytest.fixture
def deps(tmp_path: Path) -> cli.CommandDeps:
    cfg = MemoryConfig(vector_size=DIM)
    emb = FakeEmbedder()

    @asynccontextmanager
    async def embedder() -> AsyncIterator[FakeEmbedder]:
        yield emb

    def open_store() -> tuple[MemoryStore, MemoryConfig]:
        return MemoryStore.open(cfg, path=tmp_path / "q"), cfg

    return cli.CommandDeps(open_store=open_store, embedder=embedder)


class _Runner(CliRunner):
    """Invokes the commands with ``deps`` injected, as the `autoglm` CLI injects its own."""

    def __init__(self, deps: cli.CommandDeps) -> None:
        super().__init__()
        self.deps = deps

    def invoke(self, *args: Any, **kwargs: Any) -> Result:  # type: ignore[override]
        kwargs.setdefault("obj", self.deps)
        return super().invoke(*args, **kwargs)


@pytest.fixture
def runner(deps: cli.CommandDeps) -> CliRunner:
    return _Runner(deps)


def invoke(runner: CliRunner, *args: str) -> object:
    res = runner.invoke(cli.memory_app, list(args))
    assert res.exit_code == 0, res.output
    return json.loads(res.output) if "--json" in args else res.output


WINDOW = ["remember", "I prefer window seats on long flights", "--tenant", "acme", "--user", "u1"]


def test_remember_list_search_forget(runner: CliRunner) -> None:
    pref = invoke(runner, *WINDOW, "--kind", "preference", "--json")
    assert isinstance(pref, dict) and pref["action"] == "created" and pref["kind"] == "preference"
    again = invoke(runner, *WINDOW, "--kind", "preference", "--json")
    assert isinstance(again, dict) and (again["action"], again["id"]) == ("updated", pref["id"])
    # a less confident restatement does not replace the trusted one (default confidence 0.9)
    weak = invoke(runner, *WINDOW, "--kind", "preference", "--confidence", "0.3", "--json")
    assert isinstance(weak, dict) and (weak["action"], weak["id"]) == ("kept", pref["id"])
    fact = invoke(runner, "remember", "our office is in Hangzhou", "--tenant", "acme", "--json")
    assert isinstance(fact, dict) and fact["kind"] == "fact"
    invoke(runner, "remember", "our office is in Paris", "--tenant", "globex")

    listed = invoke(runner, "list", "--tenant", "acme", "--user", "u1", "--json")
    assert isinstance(listed, list) and {m["id"] for m in listed} == {pref["id"], fact["id"]}
    only = invoke(runner, "list", "--tenant", "acme", "--user", "u1", "--kind", "preference", "--json")
    assert isinstance(only, list) and [m["id"] for m in only] == [pref["id"]]
    assert invoke(runner, "list", "--tenant", "acme", "--user", "u2", "--json") == [
        m for m in listed if m["user"] is None
    ]  # another user sees only the shared fact

    hits = invoke(runner, "search", "where is the office", "--tenant", "acme", "--user", "u1", "--json")
    assert isinstance(hits, list) and hits[0]["text"] == "our office is in Hangzhou"
    hits = invoke(runner, "search", "where is the office", "--tenant", "globex", "--json")
    assert isinstance(hits, list) and [h["text"] for h in hits] == ["our office is in Paris"]
    assert "window seats" in str(invoke(runner, "search", "seats", "--tenant", "acme", "--user", "u1"))

    assert runner.invoke(cli.memory_app, ["forget", pref["id"], "--tenant", "globex"]).exit_code == 1
    assert (
        runner.invoke(cli.memory_app, ["forget", pref["id"], "--tenant", "acme", "--user", "u2"]).exit_code
        == 1
    )
    assert "deleted" in str(invoke(runner, "forget", pref["id"], "--tenant", "acme", "--user", "u1"))
    assert invoke(runner, "list", "--tenant", "acme", "--kind", "preference", "--json") == []


def test_remember_rejects_an_unknown_kind(runner: CliRunner) -> None:
    res = runner.invoke(cli.memory_app, ["remember", "x", "--tenant", "acme", "--kind", "rumour"])
    assert res.exit_code == 2
