"""Knowledge-base answers across Chinese and English with the tenant's own glossary (services/memory/glossary.py):
the row or sentence that names the asked thing in the other language is chosen, a neighbour's value is not
given for a thing the documents say nothing about, and a question about the tenant's own things that no passage
answers is "not found" (not a model's guess). Real store, real multilingual encoder; documents and questions
written for these tests (tests/data/kb_glossary), none from an evaluation set."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from opentelemetry import trace

from autoglm.services.memory import glossary as gl
from autoglm.services.memory.chunking import chunk_document, load_document
from autoglm.services.memory.config import MemoryConfig
from autoglm.services.memory.handlers import Caller, run
from autoglm.services.memory.store import MemoryStore
from autoglm.shared import grounding as G
from autoglm.shared.events import MemoryRequested
from autoglm.shared.lexical import document_frequencies
from autoglm.shared.multilingual import default_encoder

DATA = Path(__file__).resolve().parents[1] / "data" / "kb_glossary"
DOCS = ["passes-and-lessons.md", "雪具租赁须知.md"]


def _embed(texts: list[str]) -> list[list[float]]:
    return default_encoder().encode(texts).tolist()


def _req(**kw: object) -> Any:
    return MemoryRequested(step_id="s1", reply_to="autoglm.steps.completed", **kw).root  # type: ignore[arg-type]


def _at() -> Caller:
    return Caller("snow", "s", "t", trace.get_tracer("test"), _embed)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> MemoryStore:
    s = MemoryStore.open(MemoryConfig(), path=tmp_path_factory.mktemp("kbg") / "q")
    for name in DOCS:
        out = run(s, _at(), _req(operation="kb_ingest", source=f"upload:{name}", filename=name,
                                 document_b64=base64.b64encode((DATA / name).read_bytes()).decode()))
        assert out.get("chunks"), out
    yield s  # type: ignore[misc]
    s.close()


def ask(store: MemoryStore, question: str) -> dict[str, Any]:
    return run(store, _at(), _req(operation="kb_search", query=question, limit=3))


@pytest.mark.parametrize(
    ("question", "value"),
    [
        ("松花湖的班车最晚几点？", "16:00"),  # the row whose romanised name (Songhua) the question says in Chinese
        ("北山停车场免费3小时以后每小时收多少钱？", "10 per hour"),
        ("How much is it to rent a ski suit for a day?", "80"),  # 雪服（ski suit）
        ("南坡雪具大厅租一套单板一天多少钱？", "160"),
        ("少儿滑雪学校收几岁的孩子？", "5 to 12"),
        # the column the question names in the other language (Nanpo -> 南坡雪具大厅), not the first one
        ("What does a ski suit cost at the Nanpo rental hall?", "80"),
        ("Double-board set for a day at the Beishan hall, how much?", "150"),
    ],
)
def test_the_other_languages_row_or_sentence_that_names_the_thing_answers(store: MemoryStore, question: str,
                                                                           value: str) -> None:
    out = ask(store, question)
    assert value in (out.get("extract") or {}).get("text", ""), out


@pytest.mark.parametrize(
    "question",
    [
        "南坡停车每小时多少钱？",  # only the Beishan car park has a price; Nanpo has none
        "What does parking at Nanpo cost per hour?",
    ],
)
def test_a_neighbours_value_is_not_given_for_a_thing_the_documents_do_not_price(store: MemoryStore,
                                                                                 question: str) -> None:
    out = ask(store, question)
    assert "extract" not in out and out["not_found"]["on_topic"], out


def _df() -> tuple[dict[str, int], int]:
    chunks = [c for f in DOCS for c in chunk_document(load_document(DATA / f), max_chars=800, overlap=100)]
    return document_frequencies(f"{c.title}\n{c.heading}\n{c.text}" for c in chunks)


@pytest.mark.parametrize(
    ("question", "about"),
    [
        ("How much is a hot chocolate at the resort's café?", True),
        ("Do you rent out ski boots for children?", True),
        ("What time does your ski shop close on Sundays?", True),
        ("Is there a fee for storing skis overnight?", True),
        ("What does a snowmobile tour cost?", False),  # nothing of the resort's named: could be anywhere
        ("Who invented the snowboard?", False),
        ("How much does a coffee cost in Paris?", False),
        ("Could you write a short poem about snow?", False),
        ("Can you explain how avalanches start?", False),
        ("滑雪场的热可可多少钱？", False),  # Chinese questions are settled by the planner's untrusted-language rule
    ],
)
def test_about_tenant_reads_questions_on_the_providers_own_terms(question: str, about: bool) -> None:
    df, n = _df()
    assert G.about_tenant(question, df, n) is about


@pytest.mark.parametrize(
    ("text", "question", "refused"),
    [
        # a row about another of the collection's things than the one asked
        ("| Guest | Per night |\n|---|---|\n| Cat | CNY 70 |\n| Small dog | CNY 90 |",
         "How much is a night for a hamster?", True),
        ("| Guest | Per night |\n|---|---|\n| Cat | CNY 70 |\n| Small dog | CNY 90 |",
         "What does a night for a small dog cost?", False),
        ("| Item | Fee |\n|---|---|\n| Flat tyre | CNY 20 |\n| Broken chain | CNY 35 |",
         "What do you charge to fix a broken chain?", False),
        ("| Item | Fee |\n|---|---|\n| Flat tyre | CNY 20 |\n| Broken chain | CNY 35 |",
         "What is the fee for a broken saddle?", True),
        # a verb the row does not repeat names no other thing ("repair" is said in a sentence, not listed)
        ("| Item | Fee |\n|---|---|\n| Flat tyre | CNY 20 |\n| Broken chain | CNY 35 |",
         "What does a repair of a flat tyre cost?", False),
    ],
)
def test_a_row_that_does_not_name_the_asked_thing_is_refused(text: str, question: str, refused: bool) -> None:
    # the collection: the table, plus tables that list the other things (hamsters, saddles) elsewhere
    chunks = [text, "| Species we treat | Vet |\n|---|---|\n| Hamster | Dr Lin |", "| Part | Stock |\n|---|---|\n| Saddle | 12 |",
              "Our clinic and repair shop open at 09:00.", "Payment by card or cash.", "Parking is free."]
    df, n = document_frequencies(chunks)
    things = gl.build(chunks).listed
    ex = G.extract_answer(question, chunks, df=df, n_docs=n)
    assert ex is not None and ex.kind == "row"
    assert (G.unmatched_subject(question, ex, df=df, n_docs=n, things=things) is not None) is refused, ex


def test_a_name_the_documents_say_only_in_the_other_script_is_known(store: MemoryStore) -> None:
    # only the Chinese document names the 青石 shop: "Qingshi" is its romanised name, not a name the documents
    # never mention
    out = ask(store, "How much per hour is a kayak at the Qingshi shop?")
    assert "60" in (out.get("extract") or {}).get("text", ""), out
