"""Graph extraction of profiles and registers (issue 22): the subject a list item or a bold-headed
profile paragraph is about carries to its later sentences and its ``Key: value`` sentences; a bold name
with its other-language name in parentheses is one entity; a title in front of a person is no part of
the name; a pronoun after a leading time phrase is the previous subject; a Chinese table cell is one
name; ``Key: value`` lines of a header block stay apart. Fresh text, none from the evaluation sets."""

from __future__ import annotations

from autoglm.services.memory.graph.extract import ChunkInput, _bold_names, extract_document
from autoglm.services.memory.graph.model import DocGraph
from autoglm.services.memory.graph.text import split_units


def _graph(text: str, heading: str = "") -> DocGraph:
    return extract_document([ChunkInput(chunk_id="d#0", text=text, heading=heading, citation="d.md")], source="d.md")


def _edges(g: DocGraph) -> set[tuple[str, str]]:
    return {(r.head, r.tail) for r in g.relations}


def test_later_sentences_of_a_list_item_are_about_its_subject() -> None:
    g = _graph(
        "- Marta Kowalczyk — Head of Logistics; reports to Peter Olsen.\n"
        "- Bruno Salas, Fleet Planner. Since March 2025 he reports to Marta Kowalczyk.\n",
        heading="Harbour Freight (港湾货运) — organisation",
    )
    edges = _edges(g)
    assert ("Marta Kowalczyk", "Peter Olsen") in edges
    assert ("Bruno Salas", "Marta Kowalczyk") in edges
    assert not any(t == "Peter Olsen" and h != "Marta Kowalczyk" for h, t in edges)


def test_a_key_value_sentence_in_an_item_relates_the_item_subject() -> None:
    g = _graph(
        "1. **Spectral imaging camera SIC-40** — Optics Lab, 2024. Supplier: Vantor Optics. Price CNY 0.8 million.\n"
        "2. **Laser cutter LC-9** — Workshop, 2025. Supplier: Vantor Optics.\n"
    )
    rel = {(r.head, r.label, r.tail) for r in g.relations}
    assert ("Spectral imaging camera SIC-40", "Supplier", "Vantor Optics") in rel
    # the same sentence in a second item is that item's fact, not a repeat to skip
    assert ("Laser cutter LC-9", "Supplier", "Vantor Optics") in rel
    names = {e.name: e for e in g.entities}
    assert "SIC-40" in names["Spectral imaging camera SIC-40"].aliases


def test_a_bold_profile_name_with_its_english_name_owns_the_paragraph() -> None:
    g = _graph(
        "本页列出现有外包商。\n\n"
        "**澜石物流（Lanshi Logistics）**：总部设在泉州，在福州设有分拨中心。合同编号 LS-2025-07。客户经理：韦晓彤。\n\n"
        "**北望仓储（Beiwang Storage）**：总部位于大连。客户经理：顾长风。\n",
        heading="外包商一览（采购部）",
    )
    names = {e.name: e for e in g.entities}
    assert "Lanshi Logistics" in names["澜石物流"].aliases
    edges = _edges(g)
    assert ("澜石物流", "泉州") in edges
    assert ("澜石物流", "LS-2025-07") in edges
    assert ("澜石物流", "韦晓彤") in edges
    assert ("北望仓储", "大连") in edges
    assert ("北望仓储", "顾长风") in edges
    assert ("澜石物流", "顾长风") not in edges


def test_a_bold_key_or_a_bold_line_is_a_label_not_a_name() -> None:
    assert _bold_names("**Line:** 4 (Coral Line). **Duty controller:** Ada Brenner.\n") == []
    assert _bold_names("**Leadership**\n\n- Ada Brenner — Director.\n") == []
    assert [m.name for m in _bold_names("2. **Kiln K-7** — Plant 2.\n")] == ["Kiln K-7"]


def test_a_title_before_a_person_is_no_part_of_the_name() -> None:
    g = _graph(
        "Captain Ilse Varnholt flies the E195, so her manager is Chief Pilot Tomas Reyes (雷耶斯).\n"
        "Tomas Reyes reports to Dr Amira Said.\n"
    )
    names = {e.name for e in g.entities}
    assert {"Ilse Varnholt", "Tomas Reyes", "Amira Said"} <= names
    assert not any(n.startswith(("Captain", "Chief Pilot", "Dr")) for n in names)
    assert ("Ilse Varnholt", "Tomas Reyes") in _edges(g)


def test_a_job_title_alone_stays_a_title() -> None:
    g = _graph("Noor Haddad, Senior Safety Investigator, reports to Lena Fischer.\n")
    assert "Safety Investigator" not in {e.name for e in g.entities}
    assert ("Noor Haddad", "Lena Fischer") in _edges(g)


def test_a_chinese_table_cell_is_one_name() -> None:
    g = _graph("| 科室 | 所属医院 | 主任 |\n| --- | --- | --- |\n| 眼科 | 安澜滨海医院 | 冯少杰 |\n")
    assert ("眼科", "安澜滨海医院") in _edges(g)
    assert "滨海医院" not in {e.name for e in g.entities}


def test_key_value_lines_of_a_header_block_stay_apart() -> None:
    units, _ = split_units("Filed: 3 May 2026 by the night nurse, Ella Park\nAsset: VX-311 (see register)\n")
    assert [u.text for u in units] == ["Filed: 3 May 2026 by the night nurse, Ella Park", "Asset: VX-311 (see register)"]


def test_a_short_sentence_repeated_by_the_chunk_overlap_is_read_once() -> None:
    first = "本页列出外包商。\n\n**澜石物流（Lanshi Logistics）**：总部设在泉州。客户经理：韦晓彤。"
    second = "客户经理：韦晓彤。 **北望仓储（Beiwang Storage）**：总部位于大连。"
    g = extract_document(
        [ChunkInput(chunk_id="d#0", text=first, heading="外包商"), ChunkInput(chunk_id="d#1", text=second, heading="外包商")],
        source="d.md",
    )
    assert sum(s.text == "客户经理：韦晓彤。" for s in g.sentences) == 1
    assert ("北望仓储", "大连") in _edges(g)


def test_a_column_name_met_in_running_text_is_no_entity() -> None:
    g = _graph("本表列出各位店长的常驻门店。\n\n| 姓名 | 常驻门店 |\n| --- | --- |\n| 甘露 | 西湖门店 |\n")
    assert "常驻门店" not in {e.name for e in g.entities}
    assert ("甘露", "西湖门店") in _edges(g)
