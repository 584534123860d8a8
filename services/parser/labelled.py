"""Labelled requests -> the clause examples the example bank learns from.

A labelled request is a text with its intent graph (the format of ``tests/data/parser_*.jsonl`` and of
``autoglm parser example add``). The bank votes on clauses, as the parser cuts them, so a request is cut by the
rules alone and each clause is paired with the labelled intent at its position: the label comes from the
labeller, the cut from the parser. Where the rules cut a different number of clauses than the label has
intents, a one-intent label keeps the whole instruction as one example and a longer one is left out (its
clauses can't be paired). Requests that need the session (a context, a clarifying question) teach nothing
about a clause on its own and are left out too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from .bank import Example
from .pipeline import parse_request
from .split import split_payload
from .text import detect_language, normalize

MAX_EXAMPLE_CHARS = 300


def _instruction(text: str) -> str:
    """A clause without the content pasted after it ("翻译成英文：…" -> "翻译成英文")."""
    head, _, payload = split_payload(text, normalize)
    return (head if payload.strip() else text).strip()[:MAX_EXAMPLE_CHARS]


def clause_examples(
    text: str,
    graph: Mapping[str, Any],
    *,
    now: datetime | None = None,
    tz: str = "Asia/Shanghai",
    origin: str = "",
) -> list[Example]:
    """The bank examples one labelled request teaches (see the module doc)."""
    if graph.get("clarification") is not None:
        return []
    intents = list(graph.get("intents") or [])
    if not intents:
        return []
    language = str(graph.get("language") or detect_language(text))
    cut = parse_request(text, now=now, tz=tz).intents
    if len(cut) == len(intents):
        pieces = [_instruction(i.text) or i.text[:MAX_EXAMPLE_CHARS] for i in cut]
    elif len(intents) == 1:
        pieces = [_instruction(text)]
    else:
        return []
    out: list[Example] = []
    for n, (piece, intent) in enumerate(zip(pieces, intents, strict=True)):
        if not piece.strip():
            continue
        out.append(
            Example(
                text=piece,
                type=str(intent["type"]),
                tool=intent.get("tool"),
                language=language,
                depends=bool(intent.get("depends_on")) if n else None,
                origin=origin,
            )
        )
    return out


def examples_from_lines(lines: Iterable[Mapping[str, Any]], origin: str) -> list[Example]:
    """Clause examples of labelled lines: ``{"text", "now"?, "tz"?, "context"?, "expected": graph}``, or the
    short form of a one-intent request, ``{"text", "type", "tool"}``."""
    out: list[Example] = []
    for line in lines:
        if line.get("context"):
            continue
        graph = line.get("expected")
        if graph is None:
            intent = {"id": "i1", "type": line["type"], "tool": line.get("tool"), "entities": {}, "depends_on": []}
            graph = {"language": detect_language(line["text"]), "intents": [intent], "clarification": None}
        now = datetime.fromisoformat(line["now"]) if line.get("now") else None
        out.extend(clause_examples(line["text"], graph, now=now, tz=line.get("tz", "Asia/Shanghai"), origin=origin))
    return out
