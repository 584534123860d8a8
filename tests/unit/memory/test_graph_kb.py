"""The knowledge graph inside the memory store: built by `kb ingest`, cited by chunk id, rebuilt on
re-ingest, removed by `kb delete`, per tenant, shown by `autoglm kb graph`, asked by kb_search."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from opentelemetry import trace
from typer.testing import CliRunner

from autoglm.services.memory import cli
from autoglm.services.memory.config import MemoryConfig
from autoglm.services.memory.handlers import Caller, run
from autoglm.services.memory.kb import ingest_paths
from autoglm.services.memory.store import MemoryStore
from autoglm.shared.events import MemoryRequested

from .test_kb import DIM, FakeEmbedder


@pytest.fixture
def cfg() -> MemoryConfig:
    return MemoryConfig(vector_size=DIM, kb_min_score=0.0)


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    root.mkdir()
    (root / "suppliers.md").write_text(
        "# Suppliers\n\n| Material | Supplier |\n| --- | --- |\n| packaging film | Acme Films Co. |\n"
        "| printing ink | Brightway Inks |\n"
    )
    (root / "profiles_cn.md").write_text(
        "# 供应商档案\n\n艾克薄膜（Acme Films Co.）总部位于宁波。明道油墨（Brightway Inks）总部位于苏州。\n"
    )
    return root


def req(**fields: object) -> Any:
    return MemoryRequested(step_id="s1", reply_to="autoglm.steps.completed", **fields).root  # type: ignore[arg-type]


def _run(store: MemoryStore, tenant: str, session_id: str, task_id: str, request: Any) -> dict[str, Any]:
    return run(store, Caller(tenant, session_id, task_id, trace.get_tracer("test"), FakeEmbedder().vectors), request)


async def test_ingest_builds_the_graph_and_kb_search_answers_across_documents(
    tmp_path: Path, cfg: MemoryConfig, docs: Path
) -> None:
    emb = FakeEmbedder()
    with MemoryStore.open(cfg, path=tmp_path / "q") as store:
        reports = await ingest_paths(store, emb, cfg, tenant="acme", paths=[docs])
        assert all(r.graph and r.graph["graph"] == "built" for r in reports)
        again = await ingest_paths(store, emb, cfg, tenant="acme", paths=[docs])
        assert all(r.graph == {"graph": "unchanged"} for r in again)  # idempotent: nothing re-extracted

        [vector] = await emb.embed(["Which city is the supplier of our packaging film based in?"])
        out = _run(store, "acme", "s", "t", req(operation="kb_search", vector=vector, limit=3,
                                                query="Which city is the supplier of our packaging film based in?"))
        graph = out["graph"]
        assert "宁波" in graph["answer"]
        hops = graph["reasoning_path"]
        assert [Path(h["source"]).name for h in hops] == ["suppliers.md", "profiles_cn.md"]
        for h in hops:  # every hop cites a stored chunk whose text holds its evidence
            [point] = store._client.retrieve(store._name("kb", "acme"), [h["chunk_id"]], with_payload=True)
            assert h["evidence"].split(";")[0].split(": ")[-1] in point.payload["text"]

        # another tenant sees none of it
        out = _run(store, "globex", "s", "t", req(operation="kb_search", vector=vector, limit=3,
                                                  query="Which city is the supplier of our packaging film based in?"))
        assert "graph" not in out and out["passages"] == []

        # the supplier changes: the old edge goes, the new one comes
        (docs / "suppliers.md").write_text(
            "# Suppliers\n\n| Material | Supplier |\n| --- | --- |\n| packaging film | Brightway Inks |\n"
        )
        await ingest_paths(store, emb, cfg, tenant="acme", paths=[docs / "suppliers.md"])
        out = _run(store, "acme", "s", "t", req(operation="kb_search", vector=vector, limit=3,
                                                query="Which city is the supplier of our packaging film based in?"))
        assert "苏州" in out["graph"]["answer"]

        profiles = next(d["source"] for d in store.kb_list(tenant="acme") if d["source"].endswith("profiles_cn.md"))
        store.kb_delete(tenant="acme", source=profiles)
        exported = _run(store, "acme", "s", "t", req(operation="kb_graph"))["graph"]
        assert not any(n["name"] in ("宁波", "苏州") for n in exported["nodes"])


def test_cli_kb_graph(tmp_path: Path, cfg: MemoryConfig, docs: Path) -> None:
    emb = FakeEmbedder()

    @asynccontextmanager
    async def embedder() -> AsyncIterator[FakeEmbedder]:
        yield emb

    deps = cli.CommandDeps(open_store=lambda: (MemoryStore.open(cfg, path=tmp_path / "q"), cfg), embedder=embedder)
    runner = CliRunner()
    res = runner.invoke(cli.kb_app, ["ingest", str(docs), "--tenant", "acme"], obj=deps)
    assert res.exit_code == 0 and "relations" in res.output, res.output
    res = runner.invoke(cli.kb_app, ["graph", "--tenant", "acme"], obj=deps)
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    names = {n["name"] for n in data["nodes"]}
    assert {"packaging film", "宁波"} <= names
    assert all(e["citation"] and e["evidence"] and e["chunk_id"] for e in data["edges"])
    res = runner.invoke(cli.kb_app, ["graph", "--tenant", "acme", "--entity", "Acme Films", "--format", "dot"], obj=deps)
    assert res.exit_code == 0 and res.output.startswith("digraph kb {") and "宁波" in res.output
    assert runner.invoke(cli.kb_app, ["graph", "--tenant", "globex"], obj=deps).exit_code == 1
