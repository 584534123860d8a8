"""Exact whole-graph accuracy over the hand-labeled request sets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from autoglm.services.parser.evaluation import evaluate, graph_matches, load_labeled
from autoglm.shared.events import Intent, IntentGraph

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.mark.parametrize("name", ["parser_labeled.jsonl", "parser_heldout.jsonl"])
def test_accuracy(name: str) -> None:
    examples = load_labeled(DATA / name)
    assert len(examples) >= (200 if name == "parser_labeled.jsonl" else 50)
    result = evaluate(examples)
    failures = "\n".join(f["text"][:120] for f in result.failures)
    assert result.accuracy >= 0.95, f"accuracy {result.accuracy:.3f}; failures:\n{failures}"


@pytest.mark.parametrize(
    ("name", "floor"),
    [
        # fixed against: every error class found on it was fixed (README, Parser accuracy)
        ("parser_unseen.jsonl", 0.95),
        # never tuned on: labelled and committed before the parser ran on it; measured 102/135 = 75.6%
        # (rules only) with the rules frozen before it was scored. The floor only guards against regressions.
        ("parser_unseen2.jsonl", 0.72),
        # labelled blind and committed before the parser ran on it; scored 82/134 = 61.2% (rules only) with the
        # rules frozen, then its error classes were fixed by general rules (README, Parser accuracy)
        ("parser_unseen3.jsonl", 0.95),
    ],
)
def test_unseen_sets(name: str, floor: float) -> None:
    examples = load_labeled(DATA / name)
    assert {ex["expected"]["language"] for ex in examples} == {"zh", "en"}
    result = evaluate(examples)
    failures = "\n".join(f["text"][:120] for f in result.failures)
    assert result.accuracy >= floor, f"accuracy {result.accuracy:.3f}; failures:\n{failures}"


def test_labeled_set_covers_every_type_and_tool() -> None:
    examples = load_labeled(DATA / "parser_labeled.jsonl")
    intents = [i for ex in examples for i in ex["expected"]["intents"]]
    assert {i["type"] for i in intents} == {
        "question_answering", "lookup", "calculation", "code_generation",
        "creative_writing", "summarization", "translation", "chitchat",
    }
    assert {i["tool"] for i in intents} >= {"weather", "sql_query", "kb_search", "datetime", "calculator", "http_get"}
    languages = [ex["expected"]["language"] for ex in examples]
    assert 0.35 < languages.count("zh") / len(languages) < 0.65
    assert any(ex.get("context") for ex in examples)
    assert any(len(ex["text"]) > 2000 for ex in examples)


def test_graph_matches_rules() -> None:
    actual = IntentGraph(
        language="en",
        intents=[Intent(id="i1", type="question_answering", tool="kb_search", text="x", entities={"query": "Reset my password?"})],
    )
    expected = {"language": "en", "clarification": None, "intents": [
        {"id": "i1", "type": "question_answering", "tool": "kb_search", "entities": {"query": "reset my password"}, "depends_on": []}
    ]}
    assert graph_matches(expected, actual)
    assert not graph_matches({**expected, "language": "zh"}, actual)
    assert not graph_matches({**expected, "clarification": "?"}, actual)
    wrong_dep = {**expected, "intents": [{**expected["intents"][0], "depends_on": ["i0"]}]}
    assert not graph_matches(wrong_dep, actual)
    extra_key = {**expected, "intents": [{**expected["intents"][0], "entities": {"query": "x", "city": "y"}}]}
    assert not graph_matches(extra_key, actual)


def test_every_emitted_entity_key_is_documented() -> None:
    from datetime import datetime

    from autoglm.services.parser.entities import ENTITY_KEYS
    from autoglm.services.parser.pipeline import parse_request

    for name in ("parser_labeled.jsonl", "parser_heldout.jsonl"):
        for ex in load_labeled(DATA / name):
            graph = parse_request(ex["text"], now=datetime.fromisoformat(ex["now"]), context=ex.get("context", ()))
            for intent in graph.intents:
                assert set(intent.entities) <= set(ENTITY_KEYS), (ex["text"], intent.entities)


@pytest.fixture(scope="module")
def embedding_fallback() -> Any:
    from autoglm.services.parser.fallback import EmbeddingFallback

    return EmbeddingFallback()  # the real bundled all-MiniLM-L6-v2, loaded once for the module


@pytest.mark.parametrize("name", ["parser_labeled.jsonl", "parser_heldout.jsonl"])
def test_embedding_fallback_does_no_harm(name: str, embedding_fallback: Any) -> None:
    examples = load_labeled(DATA / name)
    plain, with_fallback = evaluate(examples), evaluate(examples, embedding_fallback)
    failures = "\n".join(f["text"][:120] for f in with_fallback.failures)
    assert with_fallback.correct >= plain.correct, f"failures with the fallback:\n{failures}"
    if name == "parser_labeled.jsonl":
        assert with_fallback.accuracy == 1.0, failures


@pytest.fixture(scope="module")
def bank() -> Any:
    from autoglm.services.parser.bank import ExampleBank

    return ExampleBank().load()  # the shipped seed, in the real USE multilingual space


@pytest.mark.parametrize("name", ["parser_labeled.jsonl", "parser_heldout.jsonl", "parser_unseen2.jsonl",
                                  "parser_unseen3.jsonl"])
def test_example_bank_does_no_harm_on_a_set_it_has_not_seen(name: str, bank: Any) -> None:
    """Each set scored with its own examples left out of the bank (the honest leave-one-set-out score)."""
    from autoglm.services.parser.understanding import ExampleFallback

    examples = load_labeled(DATA / name)
    plain = evaluate(examples)
    with_bank = evaluate(examples, ExampleFallback(bank, exclude_origins=frozenset({Path(name).stem})))
    failures = "\n".join(f["text"][:120] for f in with_bank.failures)
    assert with_bank.correct >= plain.correct, f"failures with the bank:\n{failures}"
