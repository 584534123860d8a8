"""The example bank: nearest-neighbour votes, tenant layers, the policy that turns votes into intents."""

from __future__ import annotations

import subprocess
import sys
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from autoglm.services.parser.bank import Example, ExampleBank, load_seed
from autoglm.services.parser.classify import Classification
from autoglm.services.parser.labelled import clause_examples, examples_from_lines
from autoglm.services.parser.pipeline import parse_request
from autoglm.services.parser.understanding import ExampleFallback

ROOT = Path(__file__).resolve().parents[3]


class CharGrams:
    """A deterministic stand-in encoder: hashed character uni- and bi-grams, L2-normalised. Counts its calls."""

    def __init__(self, dim: int = 512) -> None:
        self.dim = dim
        self.calls = 0

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for n, text in enumerate(texts):
            t = text.lower()
            for gram in [*t, *(t[i : i + 2] for i in range(len(t) - 1))]:
                out[n, zlib.crc32(gram.encode()) % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)


def ex(text: str, type_: str, tool: str | None = None, origin: str = "seed", depends: bool | None = None) -> Example:
    return Example(text, type_, tool, "en", depends=depends, origin=origin)


SEED = [
    ex("book a table for two", "unsupported"),
    ex("book a table for four tonight", "unsupported"),
    ex("reserve a table at the steakhouse", "unsupported"),
    ex("weather in paris tomorrow", "lookup", "weather"),
    ex("weather in rome on friday", "lookup", "weather"),
    ex("why is the sky blue", "question_answering"),
    ex("why do cats purr", "question_answering", origin="other"),
]


@pytest.fixture
def bank() -> ExampleBank:
    return ExampleBank(SEED, encoder=CharGrams(), k=3).load()


def test_votes_weigh_the_nearest_examples(bank: ExampleBank) -> None:
    votes = bank.vote("book a table for three")
    assert votes[0].label == ("unsupported", None)
    assert votes[0].share > 0.9 and votes[0].count == 3
    assert sum(v.share for v in votes) == pytest.approx(1.0)


def test_a_left_out_set_is_not_consulted(bank: ExampleBank) -> None:
    near = bank.neighbours("why do cats purr", k=7, exclude_origins=frozenset({"other"}))
    assert all(n.example.origin != "other" for n in near)
    assert bank.neighbours("why do cats purr", k=1)[0].similarity == pytest.approx(1.0)


def test_a_tenants_examples_are_its_own(bank: ExampleBank) -> None:
    bank.put("acme", "k1", [ex("sing me the acme anthem", "creative_writing", origin="tenant")])
    assert bank.vote("sing me the acme anthem", "acme")[0].label == ("creative_writing", None)
    assert bank.vote("sing me the acme anthem", "acme")[0].tenant
    for other in ("globex", None):
        assert all(not n.tenant for n in bank.neighbours("sing me the acme anthem", other, k=7))
    assert bank.has_tenant_examples("acme") and not bank.has_tenant_examples("globex")


def test_putting_a_key_again_replaces_it_and_nothing_removes_it(bank: ExampleBank) -> None:
    bank.put("acme", "k1", [ex("first wording", "chitchat", origin="tenant")])
    bank.put("acme", "k1", [ex("second wording", "chitchat", origin="tenant")])
    assert [e.text for group in bank.tenant_examples("acme").values() for e in group] == ["second wording"]
    bank.remove("acme", "k1")
    assert bank.tenant_examples("acme") == {} and not bank.has_tenant_examples("acme")


def test_the_policy_accepts_a_clear_vote_and_keeps_out_of_a_weak_one(bank: ExampleBank) -> None:
    fb = ExampleFallback(bank)
    got = fb.classify("book a table for three", "en")
    assert got is not None and (got.type, got.tool, got.source) == ("unsupported", None, "example")
    assert got.confidence is not None and got.confidence > 0.9
    assert fb.classify("zzzz qqqq", "en") is None  # nothing near: the rules' default stands


def test_an_even_split_between_two_tasks_asks_which(bank: ExampleBank) -> None:
    split = ExampleBank(
        [ex("ping the status board", "lookup", "http_get"), ex("ping the status team", "creative_writing")],
        encoder=CharGrams(), k=2,
    ).load()
    got = ExampleFallback(split).classify("ping the status", "en")
    assert got is not None and set(got.options) == {("lookup", "http_get"), ("creative_writing", None)}


def test_only_a_tenants_own_near_copy_overrules_a_rule(bank: ExampleBank) -> None:
    encoder = CharGrams()
    b = ExampleBank(SEED, encoder=encoder, k=3).load()
    fb = ExampleFallback(b, "acme")
    rule = Classification("lookup", "weather")
    calls = encoder.calls
    assert fb.review("weather in paris tomorrow", "en", rule) is None
    assert encoder.calls == calls  # no examples of its own: not even an encoder call
    b.put("acme", "k", [ex("weather in paris tomorrow", "creative_writing", origin="tenant")])
    got = fb.review("weather in paris tomorrow", "en", rule)
    assert got is not None and (got.type, got.source) == ("creative_writing", "example")
    assert fb.review("weather in rome on friday", "en", rule) is None  # not near enough to be the same request
    assert fb.for_tenant("globex").review("weather in paris tomorrow", "en", rule) is None


def test_dependency_votes_come_from_later_clauses_only(bank: ExampleBank) -> None:
    b = ExampleBank(
        [ex("write an apology for it", "creative_writing", depends=True),
         ex("write an apology for them", "creative_writing", depends=True),
         ex("write an apology for it", "creative_writing")],  # a first clause: says nothing about dependencies
        encoder=CharGrams(), k=3,
    ).load()
    assert ExampleFallback(b).depends("write an apology note for it", "en")
    assert not ExampleFallback(ExampleBank([ex("write an apology", "creative_writing", depends=False)],
                                            encoder=CharGrams()).load()).depends("write an apology", "en")


def test_labelled_requests_are_cut_as_the_parser_cuts_them() -> None:
    graph = {"language": "zh", "clarification": None, "intents": [
        {"id": "i1", "type": "lookup", "tool": "weather", "entities": {}, "depends_on": []},
        {"id": "i2", "type": "creative_writing", "tool": None, "entities": {}, "depends_on": ["i1"]},
    ]}
    got = clause_examples("查询北京明天的天气并生成一段提醒文案", graph, origin="t")
    assert [(e.text, e.type, e.depends) for e in got] == [
        ("查询北京明天的天气", "lookup", None), ("生成一段提醒文案", "creative_writing", True)]
    # the content after a colon is not part of the example
    short = examples_from_lines([{"text": "翻译成英文：今天天气很好", "type": "translation", "tool": None}], "t")
    assert [(e.text, e.type) for e in short] == [("翻译成英文", "translation")]
    # a clarifying question teaches nothing about a clause
    assert clause_examples("翻译一下", {"language": "zh", "intents": [{"type": "translation"}], "clarification": "?"}) == []


def test_the_committed_seed_is_current() -> None:
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_parser_bank.py"), "--check"],
                         capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    seed = load_seed()
    assert not any("blind" in e.origin for e in seed)
    assert {e.origin for e in seed} >= {"parser_labeled", "parser_heldout", "examples"}


def test_the_parser_takes_the_banks_label_with_its_confidence() -> None:
    bank = ExampleBank([ex("zorp the flux capacitor", "unsupported"), ex("zorp the flux capacitor now", "unsupported"),
                        ex("why is the sky blue", "question_answering")], encoder=CharGrams(), k=3).load()
    graph = parse_request("zorp the flux capacitors", fallback=ExampleFallback(bank))
    [intent] = graph.intents
    assert (intent.type.value, intent.tool, intent.source, intent.entities) == ("unsupported", None, "example", {})
    assert 0.7 <= intent.confidence <= 1.0  # the two zorp examples' share of the weighted vote
    plain = parse_request("zorp the flux capacitors").intents[0]
    assert plain.source == "rule" and plain.confidence < 0.5  # nothing placed it: the default, unsure
