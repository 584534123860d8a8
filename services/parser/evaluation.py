"""Exact whole-graph accuracy of the parser over a labeled set.

A labeled line: ``{"text", "now", "tz", "context"?, "expected": IntentGraph without intent texts}``.
A graph matches when the language is equal, the clarification is null in both or non-null in
both, and the intents agree one by one on id, type, tool, entities and depends_on. Entities must
have the same keys and values; the free-text keys (``query``, ``topic``, ``referent``, ``memory``) are
compared after case-folding and removing whitespace and punctuation, since their exact spacing
carries no meaning.

``routed`` counts the looser match on language and each intent's type and tool only: whether the
request reaches the right tools and generation tasks, whatever its entities and dependencies.

Beside the totals a result keeps, per request language and per ``class`` (when a set's lines have one), the exact
matches; a confusion count of labelled against parsed ``type/tool`` over the intents of requests cut into the
labelled number of intents; and, for the others, whether the parser cut too many or too few (``split`` errors).
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from autoglm.shared.events import IntentGraph

from .pipeline import Fallback, parse_request

FREE_TEXT_KEYS = frozenset({"query", "topic", "referent", "memory"})
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def _norm_free(value: Any) -> str:
    return _NOISE.sub("", str(value)).casefold()


def _entities_match(expected: dict[str, Any], actual: dict[str, Any]) -> bool:
    if set(expected) != set(actual):
        return False
    for key, value in expected.items():
        if key in FREE_TEXT_KEYS:
            if _norm_free(value) != _norm_free(actual[key]):
                return False
        elif value != actual[key]:
            return False
    return True


def graph_matches(expected: dict[str, Any], actual: IntentGraph) -> bool:
    """Whether ``actual`` matches the labeled ``expected`` graph exactly (see module doc)."""
    if expected.get("language") != actual.language:
        return False
    if (expected.get("clarification") is None) != (actual.clarification is None):
        return False
    exp_intents = expected.get("intents", [])
    if len(exp_intents) != len(actual.intents):
        return False
    for exp, act in zip(exp_intents, actual.intents, strict=True):
        if exp["id"] != act.id or exp["type"] != act.type.value or exp.get("tool") != act.tool:
            return False
        if list(exp.get("depends_on", [])) != list(act.depends_on):
            return False
        if not _entities_match(exp.get("entities", {}), act.entities):
            return False
    return True


def intents_route(expected: dict[str, Any], actual: IntentGraph) -> bool:
    """Whether ``actual`` has the labeled language and the labeled intents' types and tools, in order."""
    exp = [(i["type"], i.get("tool")) for i in expected.get("intents", [])]
    act = [(i.type.value, i.tool) for i in actual.intents]
    return expected.get("language") == actual.language and exp == act


@dataclass
class EvalResult:
    """Outcome of an evaluation run."""

    total: int = 0
    correct: int = 0
    routed: int = 0
    by_type: Counter[str] = field(default_factory=Counter)
    correct_by_type: Counter[str] = field(default_factory=Counter)
    by_language: Counter[str] = field(default_factory=Counter)
    correct_by_language: Counter[str] = field(default_factory=Counter)
    by_class: Counter[str] = field(default_factory=Counter)
    correct_by_class: Counter[str] = field(default_factory=Counter)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)  # (labelled, parsed) type/tool per intent
    split: Counter[str] = field(default_factory=Counter)  # over-split / under-split / clarification errors
    sources: Counter[str] = field(default_factory=Counter)  # what decided each parsed intent
    class_errors: dict[str, Counter[str]] = field(default_factory=dict)  # per class: "a -> b" confusions, split errors
    failures: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


def load_labeled(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _label_types(expected: dict[str, Any]) -> list[str]:
    types = sorted({i["type"] for i in expected.get("intents", [])})
    if expected.get("clarification") is not None:
        types.append("(clarification)")
    if len(expected.get("intents", [])) > 1:
        types.append("(multi-intent)")
    return types or ["(empty)"]


def evaluate(examples: Iterable[dict[str, Any]], fallback: Fallback | None = None) -> EvalResult:
    """Parse every example (with ``fallback`` for clauses no rule recognises) and compare with its label."""
    result = EvalResult()
    started = time.perf_counter()
    for ex in examples:
        now = datetime.fromisoformat(ex["now"]) if ex.get("now") else None
        actual = parse_request(
            ex["text"],
            now=now,
            tz=ex.get("tz", "Asia/Shanghai"),
            context=ex.get("context", ()),
            fallback=fallback,
        )
        ok = graph_matches(ex["expected"], actual)
        result.total += 1
        result.correct += ok
        result.routed += intents_route(ex["expected"], actual)
        for t in _label_types(ex["expected"]):
            result.by_type[t] += 1
            result.correct_by_type[t] += ok
        lang = str(ex["expected"].get("language"))
        result.by_language[lang] += 1
        result.correct_by_language[lang] += ok
        if ex.get("class"):
            result.by_class[ex["class"]] += 1
            result.correct_by_class[ex["class"]] += ok
        _confusion(result, ex["expected"], actual, ex.get("class"))
        if not ok:
            result.failures.append(
                {
                    "text": ex["text"],
                    "context": ex.get("context", []),
                    "expected": ex["expected"],
                    "actual": actual.model_dump(mode="json"),
                }
            )
    result.seconds = time.perf_counter() - started
    return result


def label_of(type_: str, tool: str | None) -> str:
    return f"{type_}/{tool}" if tool else type_


def _confusion(result: EvalResult, expected: dict[str, Any], actual: IntentGraph, cls: str | None = None) -> None:
    for i in actual.intents:
        result.sources[i.source] += 1
    errors = result.class_errors.setdefault(cls, Counter()) if cls else Counter()
    exp = expected.get("intents", [])
    if expected.get("language") != actual.language:
        result.split["language"] += 1
        errors["language"] += 1
    if (expected.get("clarification") is None) != (actual.clarification is None):
        kind = "clarification asked" if actual.clarification else "clarification missed"
        result.split[kind] += 1
        errors[kind] += 1
    if len(exp) == len(actual.intents):
        for e, a in zip(exp, actual.intents, strict=True):
            pair = (label_of(e["type"], e.get("tool")), label_of(a.type.value, a.tool))
            result.confusion[pair] += 1
            if pair[0] != pair[1]:
                errors[f"{pair[0]} -> {pair[1]}"] += 1
            elif list(e.get("depends_on", [])) != list(a.depends_on):
                errors["dependencies"] += 1
            elif not _entities_match(e.get("entities", {}), a.entities):
                errors[f"entities of {pair[0]}"] += 1
    else:
        kind = "over-split" if len(actual.intents) > len(exp) else "under-split"
        result.split[kind] += 1
        errors[kind] += 1
