"""Sibling walks (issue 22): "X —r→ M ←r— Y → Z" goes from X to another thing Y that shares M with it
(two projects with the same lead, two plants with the same certifier); what Y leads to says nothing
about X, so a chain may not take that turn: a question about X's vendor is not answered with Y's.
Fresh text, written for these tests; no encoder (names link exactly)."""

from __future__ import annotations

from autoglm.services.memory.graph.extract import ChunkInput, extract_document
from autoglm.services.memory.graph.index import TenantGraph, embed_doc
from autoglm.services.memory.graph.reason import ReasonConfig, Reasoner

DOCS = (
    "Project Alder is led by Bea Lindholm.\n\nProject Birch is led by Bea Lindholm.\n",
    "Quillmark Design is the design vendor of Project Birch.\n\nQuillmark Design is based in Dublin.\n",
    "Corvo Cold Store is certified by Veritand Assurance.\n\nMarsh Lane Plant is certified by Veritand Assurance.\n\n"
    "Marsh Lane Plant is managed by Oskar Brandt.\n",
)


def _reasoner(cfg: ReasonConfig | None = None) -> Reasoner:
    docs = [embed_doc(extract_document([ChunkInput(chunk_id=f"d{i}#0", text=t, citation=f"d{i}.md")], source=f"d{i}.md"), None)
            for i, t in enumerate(DOCS)]
    return Reasoner(TenantGraph.build(docs), cfg=cfg)


def test_a_chain_does_not_turn_to_a_sibling_sharing_the_same_relation() -> None:
    r = _reasoner()
    found = r.answer("Which city is the design vendor of Project Alder based in?")
    assert found is None or "Dublin" not in found.text
    found = r.answer("Who manages Corvo Cold Store?")
    assert found is None or "Oskar Brandt" not in found.text


def test_the_siblings_own_chain_is_still_answered() -> None:
    r = _reasoner()
    found = r.answer("Which city is the design vendor of Project Birch based in?")
    assert found is not None and found.answer == "Dublin"
    found = r.answer("Who manages Marsh Lane Plant?")
    assert found is not None and found.answer == "Oskar Brandt"


def test_sibling_walks_can_be_allowed() -> None:
    found = _reasoner(ReasonConfig(sibling_walks=True)).answer("Who manages Corvo Cold Store?")
    assert found is not None and found.answer == "Oskar Brandt"  # what the guard prevents
