"""Roles in profile lines (issue 22): a person's profile line names their job, and the title with its
qualifier ("Fleet Manager, South", "华东区域经理") becomes a node the person holds, so a question that
names the role instead of the person reaches the holder; a subjectless sentence of a profile ("Reports to
X.", "Based in Y.") is about the profile's person, its first word no name. Fresh text, written for these
tests (none from the evaluation sets); no encoder (names link exactly)."""

from __future__ import annotations

from autoglm.services.memory.graph.extract import ChunkInput, extract_document, find_mentions
from autoglm.services.memory.graph.index import TenantGraph, embed_doc
from autoglm.services.memory.graph.model import DocGraph
from autoglm.services.memory.graph.reason import Reasoner

PEOPLE_EN = (
    "# Harrow Marine — who reports to whom\n\n"
    "- **Carla Mendonça** — Chief Operating Officer, reports to Piet Aalders.\n"
    "- **Idris Baptiste** — Fleet Manager, South. Reports to Carla Mendonça. Based in Valparaíso.\n"
    "- **Mei Lindqvist** — Fleet Manager, North. Answers to Carla Mendonça.\n"
    "- **Oren Vasquez** — Head of Procurement (fuel and spares), reports to Carla Mendonça.\n"
    "- **Pita Havili** — Port Captain for the eastern terminals; reports to Idris Baptiste.\n"
)
PEOPLE_ZH = (
    "# 澜港船务 管理层\n\n"
    "- **葛文涛**：华东区域经理，向沈蔓汇报。\n"
    "- **沈蔓**：运营副总裁。\n"
    "- **澜石物流（Lanshi Logistics）**：总部设在泉州。\n"
)


def _graph(text: str) -> DocGraph:
    return extract_document([ChunkInput(chunk_id="p#0", text=text, citation="people.md")], source="people.md")


def _rel(g: DocGraph) -> set[tuple[str, str, str]]:
    return {(r.head, r.label, r.tail) for r in g.relations}


def test_a_profile_line_gives_the_person_their_title_with_its_qualifier() -> None:
    rel = _rel(_graph(PEOPLE_EN))
    assert ("Idris Baptiste", "job title", "Fleet Manager, South") in rel
    assert ("Mei Lindqvist", "job title", "Fleet Manager, North") in rel
    assert ("Carla Mendonça", "job title", "Chief Operating Officer") in rel
    # the aside and the reporting line are no part of the title
    assert ("Oren Vasquez", "job title", "Head of Procurement") in rel
    assert ("Pita Havili", "job title", "Port Captain for the eastern terminals") in rel


def test_a_chinese_profile_line_gives_the_title_and_an_organisation_gets_none() -> None:
    g = _graph(PEOPLE_ZH)
    rel = _rel(g)
    assert ("葛文涛", "job title", "华东区域经理") in rel
    assert ("沈蔓", "job title", "运营副总裁") in rel
    assert not any(label == "job title" and "泉州" in tail for _, label, tail in rel)
    assert not any(head.startswith("澜石物流") and label == "job title" for head, label, _ in rel)


def test_a_subjectless_sentence_of_a_profile_is_about_its_person() -> None:
    g = _graph(PEOPLE_EN)
    edges = {(r.head, r.tail) for r in g.relations}
    assert ("Idris Baptiste", "Carla Mendonça") in edges
    assert ("Mei Lindqvist", "Carla Mendonça") in edges
    names = {e.name for e in g.entities}
    assert not names & {"Reports", "Answers", "Based"}


def test_a_capitalised_verb_is_no_name_but_a_name_before_a_preposition_stays() -> None:
    assert "Reports" not in {m.name for m in find_mentions("Reports to Nadia Osei since May.")}
    assert "Working" not in {m.name for m in find_mentions("Working with Bram Keller on the audit.")}
    assert "Athens" in {m.name for m in find_mentions("Athens in spring hosts the Harrow fair.")}
    assert "Siemens" in {m.name for m in find_mentions("Siemens supplies the drives.")}


def _reasoner(*texts: str) -> Reasoner:
    docs = [embed_doc(extract_document([ChunkInput(chunk_id=f"d{i}#0", text=t, citation=f"d{i}.md")], source=f"d{i}.md"), None)
            for i, t in enumerate(texts)]
    return Reasoner(TenantGraph.build(docs))


def test_a_question_that_names_the_role_reaches_the_holder_and_their_manager() -> None:
    r = _reasoner(PEOPLE_EN)
    found = r.answer("Who does the Fleet Manager, South report to?")
    assert found is not None and found.answer == "Carla Mendonça"
    assert any(h.label == "job title" for h in found.path)
    found = r.answer("Who is the Fleet Manager, North?")
    assert found is not None and found.answer == "Mei Lindqvist"


def test_a_chinese_role_question_reaches_the_holders_manager() -> None:
    found = _reasoner(PEOPLE_ZH).answer("华东区域经理向谁汇报？")
    assert found is not None and found.answer == "沈蔓"
