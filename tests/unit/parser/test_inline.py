"""Parsing on the event loop while the fallback's model is not loaded: :class:`LoadedOnly` lets the
rules answer and refuses (instead of loading the model) only where a clause needs the fallback."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from autoglm.services.parser.classify import Classification
from autoglm.services.parser.fallback import FallbackNotLoaded, LoadedOnly
from autoglm.services.parser.pipeline import parse_request

NOW = datetime.fromisoformat("2026-11-25T10:00:00+08:00")


class _Lazy:
    """A fallback whose model is "loaded" on its first use, recording the clauses it was asked."""

    def __init__(self) -> None:
        self.loaded = False
        self.asked: list[str] = []

    def classify(self, clause: str, language: str) -> Classification | None:
        self.loaded = True
        self.asked.append(clause)
        return Classification("chitchat", None)


def _shape(text: str, fallback: Any) -> list[tuple[str, str | None, dict[str, Any]]]:
    return [(i.type.value, i.tool, i.entities) for i in parse_request(text, now=NOW, fallback=fallback).intents]


@pytest.mark.parametrize(
    "text",
    ["What is 123*456?", "(12+8)*3等于多少？", "北京明天天气怎么样", "translate hello into French", "现在几点"],
)
def test_requests_the_rules_place_parse_on_the_loop_as_they_would_with_the_model(text: str) -> None:
    lazy = _Lazy()
    assert _shape(text, LoadedOnly(lazy)) == _shape(text, _Lazy())
    assert not lazy.loaded and not lazy.asked


def test_a_clause_that_needs_the_model_is_refused_until_it_is_loaded() -> None:
    lazy = _Lazy()
    with pytest.raises(FallbackNotLoaded):
        parse_request("good news, I passed my exam", now=NOW, fallback=LoadedOnly(lazy))
    assert not lazy.loaded  # refused, not loaded on the event loop
    parse_request("good news, I passed my exam", now=NOW, fallback=lazy)  # the worker thread's parse
    assert lazy.loaded
    inline = _shape("good news, I passed my exam", LoadedOnly(lazy))
    assert inline == [("chitchat", None, {})] and len(lazy.asked) == 2  # loaded: it answers on the loop


def test_a_fallback_without_a_loaded_flag_always_goes_off_the_loop() -> None:
    class Remote:
        def classify(self, clause: str, language: str) -> None:
            raise AssertionError("a remote model must not be called on the event loop")

    with pytest.raises(FallbackNotLoaded):
        parse_request("good news, I passed my exam", now=NOW, fallback=LoadedOnly(Remote()))
