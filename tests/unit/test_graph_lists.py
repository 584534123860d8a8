"""Graph extraction of lists (issue 22): a sentence that ends in a colon and names one end of a relation
hands that relation to every item of the list below it, in either direction and in Chinese or English;
the list ends where running text resumes."""

from __future__ import annotations

from autoglm.services.memory.graph.extract import ChunkInput, extract_document


def _edges(text: str) -> set[tuple[str, str]]:
    g = extract_document([ChunkInput(chunk_id="d#0", text=text, heading="Team", citation="d.md")], source="d.md")
    return {(r.head, r.tail) for r in g.relations}


def test_items_take_the_relation_their_introduction_names() -> None:
    edges = _edges(
        "Priya Raman is the Director of Perception. Two leads report to Priya Raman:\n\n"
        "- Aisha Okoye, Test Automation Lead. She owns the nightly regression runs.\n"
        "- Lin Xiaoyu, Mapping Lead.\n"
    )
    assert ("Aisha Okoye", "Priya Raman") in edges
    assert ("Lin Xiaoyu", "Priya Raman") in edges


def test_the_named_subject_is_the_head_when_it_comes_first() -> None:
    edges = _edges("Tomas Ferreira manages:\n\n- Wei Jun, Firmware Lead.\n- Sofia Berg, Drives Lead.\n")
    assert ("Tomas Ferreira", "Wei Jun") in edges
    assert ("Tomas Ferreira", "Sofia Berg") in edges


def test_chinese_list() -> None:
    edges = _edges("以下两位向 Helena Marsh 汇报：\n\n- Priya Raman，感知总监。\n- Tomas Ferreira，运动控制总监。\n")
    assert ("Priya Raman", "Helena Marsh") in edges
    assert ("Tomas Ferreira", "Helena Marsh") in edges


def test_the_list_ends_where_running_text_resumes() -> None:
    edges = _edges(
        "Two leads report to Priya Raman:\n\n- Aisha Okoye, Test Automation Lead.\n\n"
        "Daniel Brandt is the Chief Executive Officer.\n\n- Maria Lopez, Office Manager.\n"
    )
    assert ("Aisha Okoye", "Priya Raman") in edges
    assert ("Maria Lopez", "Priya Raman") not in edges


def test_an_introduction_without_a_named_entity_relates_nothing() -> None:
    edges = _edges("Contacts:\n\n- Aisha Okoye, Test Automation Lead.\n- Lin Xiaoyu, Mapping Lead.\n")
    assert not any({"Aisha Okoye", "Lin Xiaoyu"} == set(e) for e in edges)


def test_several_fields_on_one_line_each_relate_the_section_entity() -> None:
    g = extract_document([ChunkInput(chunk_id="d#0", text="- Based in: Linyi\n- Last audit: April 2026, by Ivy Chen; result: pass\n",
                                     heading="Wotian Cooperative", citation="d.md")], source="d.md")
    rel = {(r.head, r.label, r.tail) for r in g.relations}
    assert ("Wotian Cooperative", "Last audit", "Ivy Chen") in rel
    assert any(h == "Wotian Cooperative" and label == "result" for h, label, _ in rel)
    assert all(h != "Last" for h, _, _ in rel)


def test_a_name_column_with_its_other_language_column_is_an_entity_with_the_later_cells() -> None:
    g = extract_document([ChunkInput(
        chunk_id="d#0", heading="经销商", citation="d.md",
        text="| 区域 | 经销商 | 英文名 | 所在城市 | 代理产品 |\n| --- | --- | --- | --- | --- |\n"
             "| 华东 | 申通商贸 | Shentong Trading | 上海 | 金禾米醋、金禾芝麻酱 |\n")], source="d.md")
    rel = {(r.head, r.tail) for r in g.relations}
    assert {("申通商贸", "上海"), ("申通商贸", "金禾米醋"), ("申通商贸", "金禾芝麻酱")} <= rel  # a list cell: one edge each
    assert ("华东", "申通商贸") in rel  # the first column still keys the row
    ent = next(e for e in g.entities if e.name == "申通商贸")
    assert "Shentong Trading" in ent.aliases
