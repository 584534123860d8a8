"""Knowledge graph end to end (issue 22): documents ingested with `autoglm kb ingest` over the running
stack, a two-hop question answered from two documents with its reasoning path, the graph exported with
`autoglm kb graph`, and another tenant reaching none of it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autoglm.shared.cli.stack import Stack

from .conftest import Bus, task_event
from .test_knowledge import _ENV, autoglm

pytestmark = pytest.mark.integration

SUPPLIERS_MD = """# Approved supplier list

| Material | Supplier | Contract since |
| --- | --- | --- |
| packaging film | Acme Films Co. | 2019 |
| printing ink | Brightway Inks | 2021 |
"""

PROFILES_MD = """# 供应商档案

## 艾克薄膜（Acme Films Co.）
艾克薄膜成立于2008年，总部位于宁波，员工约650人。

## 明道油墨（Brightway Inks）
明道油墨成立于2013年，总部位于苏州。
"""

# "According to the knowledge base, which city …" is split by the parser into two intents at the comma
QUESTION = "Search the knowledge base: which city is the supplier of our packaging film based in?"


@pytest.fixture(scope="module")
def graph_docs(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Path:
    _ENV.update(stack.client_env())
    docs = tmp_path_factory.mktemp("kg")
    (docs / "suppliers.md").write_text(SUPPLIERS_MD, encoding="utf-8")
    (docs / "supplier_profiles_cn.md").write_text(PROFILES_MD, encoding="utf-8")
    done = autoglm("kb", "ingest", str(docs), "--tenant", "kgacme", "--json")
    assert done.returncode == 0, done.stderr
    reports = json.loads(done.stdout)
    assert all(r["graph"]["graph"] == "built" and r["graph"]["relations"] > 0 for r in reports), reports
    return docs


async def test_two_hop_question_is_answered_with_its_path(bus: Bus, graph_docs: Path) -> None:
    ev = task_event(QUESTION)
    ev["tenant"] = "kgacme"
    await bus.publish("autoglm.tasks", ev, key=ev["sessionid"])
    data = (await bus.result(ev["taskid"], 240))["data"]
    assert data["status"] == "completed", data
    assert "宁波" in data["answer"].split("\n")[0] or "Ningbo" in data["answer"].split("\n")[0], data["answer"]
    hops = data["reasoning_path"]
    assert [Path(h["source"]).name for h in hops] == ["suppliers.md", "supplier_profiles_cn.md"], hops
    assert all(h["evidence"] in data["answer"] for h in hops)  # each hop's sentence is quoted and cited
    generated = await bus.read(
        "autoglm.inference.requests",
        lambda d: d.get("taskid") == ev["taskid"] and d["data"]["operation"] == "generate", 1, 3,
    )
    assert generated == []  # the graph answered; no model was asked to restate it


async def test_another_tenant_reaches_none_of_the_graph(bus: Bus, graph_docs: Path) -> None:
    ev = task_event(QUESTION)
    ev["tenant"] = "kgglobex"
    await bus.publish("autoglm.tasks", ev, key=ev["sessionid"])
    data = (await bus.result(ev["taskid"], 240))["data"]
    assert data["reasoning_path"] == []
    assert "宁波" not in data["answer"] and "Acme" not in data["answer"]
    assert autoglm("kb", "graph", "--tenant", "kgglobex").returncode == 1


def test_kb_graph_exports_json_and_dot(graph_docs: Path) -> None:
    out = autoglm("kb", "graph", "--tenant", "kgacme", "--entity", "Acme Films", "--format", "dot")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("digraph kb {") and "宁波" in out.stdout
    data = json.loads(autoglm("kb", "graph", "--tenant", "kgacme").stdout)
    assert {"packaging film", "宁波"} <= {n["name"] for n in data["nodes"]}
