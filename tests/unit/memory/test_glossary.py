"""The tenant's own zh<->en glossary (services/memory/glossary.py): name pairs its documents state side by side,
Chinese names meeting their romanised English forms, and the store keeping it per tenant until the documents
change. Sentences and documents written for these tests (tests/data/kb_glossary), none from an evaluation set."""

from __future__ import annotations

from pathlib import Path

import pytest

from autoglm.services.memory import glossary as gl
from autoglm.services.memory.chunking import chunk_document, load_document
from autoglm.services.memory.config import MemoryConfig
from autoglm.services.memory.store import MemoryStore

DATA = Path(__file__).resolve().parents[2] / "data" / "kb_glossary"


@pytest.mark.parametrize(
    ("text", "pair"),
    [
        ("The Harbour View wing (海景翼楼) reopens in May.", ("海景翼楼", "Harbour View wing")),
        ("请到东门服务台（East Gate desk）办理退房。", ("东门服务台", "East Gate desk")),
        ("本规定适用于青禾书院（Qinghe Academy）的全体学员。", ("青禾书院", "Qinghe Academy")),
        ("院内配有自动售票机（ticket machine）两台。", ("自动售票机", "ticket machine")),
        ("- Airport transfer (机场接送): CNY 120 per car", ("机场接送", "Airport transfer")),
        ("两艘渡轮：白沙号（MV White Sands，WS-3）和青鸟号。", ("白沙号", "MV White Sands")),
        ("## 退款政策 / Refund policy", ("退款政策", "Refund policy")),
        ("| 项目 / Item | 价格 / Price |", ("价格", "Price")),
    ],
)
def test_pairs_the_documents_state_side_by_side(text: str, pair: tuple[str, str]) -> None:
    assert pair in gl.stated_pairs(text)


@pytest.mark.parametrize(
    "text",
    [
        "Each bag may weigh up to 30 kg (about 66 lb).",
        "最多带 2 件行李（每件不超过 20 kg）。",
        "A taxi to the station costs CNY 50 (约 7 美元).",
        "退款在 3 个工作日内到账（节假日顺延）。",
    ],
)
def test_brackets_that_translate_nothing_give_no_pair(text: str) -> None:
    assert gl.stated_pairs(text) == []


@pytest.fixture(scope="module")
def resort() -> gl.Glossary:
    chunks = [c for f in sorted(DATA.glob("*.md")) if f.name != "README.md"
              for c in chunk_document(load_document(f), max_chars=800, overlap=100)]
    return gl.build(f"{c.title}\n{c.heading}\n{c.text}" for c in chunks)


@pytest.mark.parametrize(
    ("question", "term", "other"),
    [
        ("南坡雪具大厅租单板一天多少钱？", "南坡", "nanpo"),  # the Chinese name's pinyin is an English document's word
        ("松花湖那边的班车最晚几点？", "松花", "songhua"),
        ("北山停车场收费吗", "北山", "beishan"),
        ("What does a snowboard set cost at the Nanpo hall?", "nanpo", "南坡"),  # and the reverse
        ("Can I rent a ski suit at Beishan?", "beishan", "北山"),
        ("How much is a locker per day?", "locker", "储物"),  # a bracketed translation
        ("Is there a children's ski school for 4-year-olds?", "school", "学校"),
        ("雪岭度假区的夜场票多少钱？", "雪岭", "snowridge"),
    ],
)
def test_a_question_term_is_bridged_to_the_other_scripts_terms(resort: gl.Glossary, question: str, term: str,
                                                                other: str) -> None:
    assert other in resort.bridge(question).get(term, ())


@pytest.mark.parametrize(
    "question",
    [
        "度假区门票多少钱？",  # part of 雪岭度假区 alone is not the name
        "What is a good ski wax?",
        "How far is Harbin from here?",  # a romanised name the documents never use
        "学校几点放学？",  # 学校 alone is not 少儿滑雪学校
    ],
)
def test_words_the_glossary_does_not_hold_whole_are_not_bridged(resort: gl.Glossary, question: str) -> None:
    assert resort.bridge(question) == {}


def test_names_in_gives_one_key_per_thing_in_either_script(resort: gl.Glossary) -> None:
    assert "nanpo" in resort.names_in("南坡雪具大厅") and "nanpo" in resort.names_in("the Nanpo base")
    assert "beishan" in resort.names_in("The Beishan base has a car park")
    assert "snowridge resort" in resort.names_in("雪岭度假区在北山")
    assert resort.names_in("每套雪具押金 1,000 元") == set()


def test_store_keeps_the_glossary_per_tenant_and_drops_it_when_documents_change(tmp_path: Path) -> None:
    store = MemoryStore.open(MemoryConfig(vector_size=4), path=tmp_path / "q")
    try:
        zh = chunk_document(load_document(DATA / "雪具租赁须知.md"), max_chars=800, overlap=100)
        store.kb_upsert(tenant="snow", source="zh.md", chunks=zh, vectors=[[1.0, 0, 0, 0]] * len(zh))
        first = store.kb_glossary(tenant="snow")
        assert store.kb_glossary(tenant="snow") is first  # kept
        assert "locker" in first.bridge("How much is a locker?")
        assert store.kb_glossary(tenant="other").bridge("How much is a locker?") == {}  # per tenant
        store.kb_delete(tenant="snow", source="zh.md")
        assert store.kb_glossary(tenant="snow").bridge("How much is a locker?") == {}  # rebuilt from what is left
    finally:
        store.close()


def _embed(texts: list[str]) -> list[list[float]]:
    from autoglm.shared.multilingual import default_encoder

    return default_encoder().encode(texts).tolist()


@pytest.fixture(scope="module")
def resort_by_meaning() -> gl.Glossary:
    chunks = [c for f in sorted(DATA.glob("*.md")) if f.name != "README.md"
              for c in chunk_document(load_document(f), max_chars=800, overlap=100)]
    return gl.build((f"{c.title}\n{c.heading}\n{c.text}" for c in chunks), _embed)


@pytest.mark.parametrize(
    ("question", "term", "other"),
    [
        ("Do I have to pay for a helmet?", "helmet", "头盔"),
        ("北山的停车场前几个小时免费？", "停车", "park"),  # "car park" only in the English one
        ("夜场滑雪平时多少钱？", "夜场", "night"),
    ],
)
def test_words_are_bridged_by_meaning_to_the_documents_own_words(resort_by_meaning: gl.Glossary, question: str,
                                                                  term: str, other: str) -> None:
    assert other in resort_by_meaning.by_meaning(question, _embed).get(term, ())


def test_a_word_with_no_counterpart_in_the_documents_is_not_bridged_by_meaning(resort_by_meaning: gl.Glossary) -> None:
    bridged = resort_by_meaning.by_meaning("Is there a sauna I can use after skiing?", _embed)
    assert "sauna" not in bridged
