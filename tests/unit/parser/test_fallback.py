"""The parser's embedding fallback, with the real bundled all-MiniLM-L6-v2 (loaded once for the module)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from autoglm.services.parser.classify import Classification
from autoglm.services.parser.config import ParserSettings, make_fallback
from autoglm.services.parser.evaluation import load_labeled
from autoglm.services.parser.fallback import EmbeddingFallback
from autoglm.services.parser.pipeline import parse_request

NOW = datetime.fromisoformat("2026-11-25T10:00:00+08:00")  # a Wednesday
DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def fallback() -> EmbeddingFallback:
    return EmbeddingFallback()


def _intents(text: str, fallback: Any) -> list[tuple[str, str | None, dict[str, Any]]]:
    graph = parse_request(text, now=NOW, fallback=fallback)
    return [(i.type.value, i.tool, i.entities) for i in graph.intents]


@pytest.mark.parametrize(
    ("text", "type_", "tool", "entities"),
    [
        # no rule word at all ("I feel lonely tonight" used to be here: the feelings rule places it now)
        ("good news, I passed my exam", "chitchat", None, {}),
        # only the catch-all question words
        (
            "Could it get icy in Denver on Saturday?",
            "lookup",
            "weather",
            {"city": "Denver", "date": "2026-11-28"},
        ),
        (
            "number of customers who churned last quarter",
            "lookup",
            "sql_query",
            {"query": "number of customers who churned last quarter"},
        ),
        (
            "how many days off do staff get per year",
            "question_answering",
            "kb_search",
            {"query": "how many days off do staff get per year"},
        ),
    ],
)
def test_clauses_no_rule_placed_get_the_nearest_label(
    fallback: EmbeddingFallback, text: str, type_: str, tool: str | None, entities: dict[str, Any]
) -> None:
    assert _intents(text, None) == [("question_answering", None, {})]  # what the rules alone say
    assert _intents(text, fallback) == [(type_, tool, entities)]


@pytest.mark.parametrize(
    "text",
    [
        "who painted the Mona Lisa",
        "the population of Brazil",
        "the history of the Roman empire",
        "What is the capital of France?",
    ],
)
def test_general_questions_stay_question_answering(fallback: EmbeddingFallback, text: str) -> None:
    assert _intents(text, fallback) == [("question_answering", None, {})]


def test_chitchat_placed_by_a_rule_is_untouched(fallback: EmbeddingFallback) -> None:
    assert _intents("hello there, how are you", fallback) == [("chitchat", None, {})]


class _Always:
    """A fallback that always answers, to see where the parser consults it."""

    def __init__(self, answer: Classification) -> None:
        self.answer = answer
        self.asked: list[str] = []

    def classify(self, clause: str, language: str) -> Classification:
        self.asked.append(clause)
        return self.answer


def test_the_fallback_never_changes_an_intent_a_specific_rule_placed() -> None:
    spy = _Always(Classification("translation", None))
    for ex in load_labeled(DATA / "parser_labeled.jsonl"):
        kw: dict[str, Any] = {"now": datetime.fromisoformat(ex["now"]), "context": ex.get("context", ())}
        plain = parse_request(ex["text"], **kw).intents
        forced = parse_request(ex["text"], fallback=spy, **kw).intents
        assert len(plain) == len(forced)
        for a, b in zip(plain, forced, strict=True):
            if (a.type.value, a.tool) != ("question_answering", None):
                assert (b.type.value, b.tool, b.entities) == (a.type.value, a.tool, a.entities), ex["text"]
    assert spy.asked  # it was consulted, on the clauses no specific rule placed


def test_a_calculator_guess_without_an_expression_keeps_the_default() -> None:
    spy = _Always(Classification("calculation", "calculator"))
    assert _intents("split the bill between the four of us", spy) == [("question_answering", None, {})]


def test_chinese_is_not_classified_and_loads_nothing() -> None:
    def encode(texts: list[str]) -> Any:
        raise AssertionError("the encoder must not run for Chinese")

    fb = EmbeddingFallback(encode)
    assert fb.classify("窗外那棵老银杏树", "zh") is None
    assert _intents("窗外那棵老银杏树", fb) == [("question_answering", None, {})]
    assert not fb.loaded


def test_requests_the_rules_place_load_no_model() -> None:
    fb = EmbeddingFallback()
    for text in (
        "北京明天天气怎么样",
        "What's the weather in Paris tomorrow?",
        "(12+8)*3等于多少",
        "translate hello into French",
    ):
        parse_request(text, now=NOW, fallback=fb)
    assert not fb.loaded


def test_scores_rank_every_label(fallback: EmbeddingFallback) -> None:
    scores = fallback.scores("will it snow in Denver tomorrow")
    assert len(scores) == len(fallback.labels)
    assert [s.score for s in scores] == sorted((s.score for s in scores), reverse=True)
    assert scores[0].label.tool == "weather"


@pytest.mark.parametrize("name", ["parser_unseen.jsonl", "parser_unseen2.jsonl"])
def test_fallback_loses_nothing_on_the_unseen_sets(fallback: EmbeddingFallback, name: str) -> None:
    # Before the rules were fixed against parser_unseen the fallback gained 9 requests on it; the rules now
    # place every clause of it. On parser_unseen2 (never tuned on) it measured 102 -> 104 of 135 (README).
    from autoglm.services.parser.evaluation import evaluate

    unseen = load_labeled(DATA / name)
    assert len(unseen) >= 60
    assert {ex["expected"]["language"] for ex in unseen} == {"zh", "en"}
    before, after = evaluate(unseen), evaluate(unseen, fallback)
    assert after.correct >= before.correct, (before.correct, after.correct)


def test_setting_and_cli_option(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AUTOGLM_CONFIG", raising=False)
    assert ParserSettings().parser.fallback == "bank"  # the example bank (issue 17); embedding stays selectable
    assert isinstance(make_fallback("embedding"), EmbeddingFallback)
    monkeypatch.setenv("AUTOGLM_PARSER__FALLBACK", "none")
    assert ParserSettings().parser.fallback == "none"
    assert make_fallback("none") is None

    from autoglm.shared.cli import app

    runner = CliRunner()
    text = "good news, I passed my exam"
    off = runner.invoke(app, ["parse", text, "--json"])  # the environment says none
    on = runner.invoke(app, ["parse", text, "--json", "--fallback", "embedding"])
    assert off.exit_code == 0 and on.exit_code == 0, off.output + on.output
    assert json.loads(off.stdout)["intents"][0]["type"] == "question_answering"
    assert json.loads(on.stdout)["intents"][0]["type"] == "chitchat"
    no_endpoint = runner.invoke(app, ["parse", text, "--fallback", "llm"])
    assert no_endpoint.exit_code == 2 and "base_url" in no_endpoint.output
    assert runner.invoke(app, ["parse", text, "--fallback", "gpt"]).exit_code != 0
