"""Which of two named things leads to a third (issue 22): "A 和 B，哪位的上级常驻 C？" names two
candidates and a condition; the answer is the candidate whose path reaches the condition, with that path
cited. Neither reaching it is no answer from this shape. Fresh text, no encoder (names link exactly)."""

from __future__ import annotations

from autoglm.services.memory.graph.extract import ChunkInput, extract_document
from autoglm.services.memory.graph.index import TenantGraph, embed_doc
from autoglm.services.memory.graph.question import analyze
from autoglm.services.memory.graph.reason import Reasoner

ORG = """# Crew organisation

- Mara Linde (林玛拉) reports to Otto Brandt.
- Jonas Weber (韦乔纳) reports to Ilka Sommer.
"""
BASES = """# 基地名录

| 姓名 | 常驻基地 |
| --- | --- |
| 奥托·勃兰特（Otto Brandt） | 基尔基地 |
| 伊尔卡·佐默（Ilka Sommer） | 不来梅基地 |
"""


def _reasoner() -> Reasoner:
    docs = []
    for name, text in (("org.md", ORG), ("bases.md", BASES)):
        g = extract_document([ChunkInput(chunk_id=f"{name}#0", text=text, heading="", citation=name)], source=name)
        docs.append(embed_doc(g, None))
    return Reasoner(TenantGraph.build(docs))


def test_which_of_two_with_a_condition_is_a_filter_question() -> None:
    assert analyze("林玛拉和韦乔纳，哪位的上级常驻基尔基地？").shape == "filter"
    assert analyze("Which of Mara Linde or Jonas Weber has a boss at Bremen Base?").shape == "filter"
    # a direction word makes it a comparison, "whose" asks which of the two as "which" does
    assert analyze("Whose contract was signed first, Mara Linde's or Jonas Weber's?").shape == "comparison"


def test_the_candidate_whose_path_reaches_the_condition_wins() -> None:
    r = _reasoner()
    a = r.answer("林玛拉和韦乔纳，哪位的上级常驻基尔基地？")
    assert a is not None and a.answer.startswith("林玛拉")
    assert a.path[-1].tail == "基尔基地"
    b = r.answer("Which of Mara Linde or Jonas Weber reports to someone based at 不来梅基地?")
    assert b is not None and b.answer.startswith("Jonas Weber")
    assert {h.source for h in b.path} == {"org.md", "bases.md"}
