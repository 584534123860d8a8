"""Continuing a task after a clarifying question.

When the previous turn of a session ended in ``needs_clarification``, the user's next message
is usually the missing piece ("北京", "1024", "the second one") rather than a request of its
own. It is merged into the request that raised the question: a missing slot is filled, or the
reply becomes the object of a referent. A reply that is a complete request replaces the
pending one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from autoglm.shared.events import IntentGraph, IntentType

from .classify import Classification, classify
from .entities import find_cities, find_order_id
from .pipeline import OPTION_NAMES, Fallback, parse_request
from .text import normalize

_BARE_ID = re.compile(r"(?<![A-Za-z0-9])#?([A-Za-z]{0,4}\d[\w-]{1,31})(?![A-Za-z0-9])")
_NEEDS_OBJECT = {IntentType.TRANSLATION, IntentType.SUMMARIZATION, IntentType.QUESTION_ANSWERING}


def _is_complete(graph: IntentGraph) -> bool:
    return graph.clarification is None and any(i.type is not IntentType.CHITCHAT for i in graph.intents)


def continue_after_question(
    pending_request: str,
    reply: str,
    *,
    now: datetime | None = None,
    tz: str = "Asia/Shanghai",
    context: Sequence[str] = (),
    fallback: Fallback | None = None,
) -> IntentGraph:
    """The graph of ``pending_request`` completed by ``reply`` (or ``reply``'s own graph)."""
    own = parse_request(reply, now=now, tz=tz, context=context, fallback=fallback)
    pending = parse_request(pending_request, now=now, tz=tz, fallback=fallback)
    if pending.clarification is not None and not pending.intents:
        # The question named the tasks the request could be ("天气，还是时间？"): the reply picks one.
        chosen = chosen_option(pending.clarification, reply)
        if chosen is not None:
            picked = parse_request(pending_request, now=now, tz=tz, fallback=_Pick(chosen))
            if picked.clarification is None and picked.intents:
                return picked
    if pending.clarification is None or not pending.intents:
        return own
    text = normalize(reply)
    missing = False
    for intent in pending.intents:
        if intent.tool == "weather" and "city" not in intent.entities:
            cities = find_cities(text, allow_guess=True) or find_cities(f"{text}天气", allow_guess=True)
            if cities:
                intent.entities["city"] = cities[-1]
            else:
                missing = True
        elif intent.tool == "sql_query" and not intent.entities:
            match = find_order_id(text) or (m.group(1) if (m := _BARE_ID.search(text)) else None)
            if match:
                intent.entities["order_id"] = match
            else:
                missing = True
        elif intent.type in _NEEDS_OBJECT and intent.tool is None and "referent" not in intent.entities:
            intent.entities["referent"] = reply.strip()
    if not missing:
        return IntentGraph(language=pending.language, intents=pending.intents, clarification=None)
    return own if _is_complete(own) else pending


_ORDINALS = (
    (re.compile(r"第一|头一个|前一个|前者|^1$|^一$|\bfirst\b|\bformer\b|\bthe 1st\b|^\s*(?:option\s*)?(?:1|a)\s*$", re.I), 0),
    (re.compile(r"第二|后一个|后者|^2$|^二$|\bsecond\b|\blatter\b|\bthe 2nd\b|^\s*(?:option\s*)?(?:2|b)\s*$", re.I), 1),
)


def chosen_option(question: str, reply: str) -> tuple[str, str | None] | None:
    """Which of the tasks a clarifying question named (``OPTION_NAMES``) the reply picks: by position ("第二个",
    "the first one") or by naming it ("查天气", "the time")."""
    named = sorted(
        ((question.find(name), label) for label, names in OPTION_NAMES.items() for name in names if name in question),
        key=lambda x: x[0],
    )
    options = list(dict.fromkeys(label for _, label in named))
    if len(options) < 2:
        return None
    text = normalize(reply).strip()
    for pattern, index in _ORDINALS:
        if pattern.search(text):
            return options[index]
    said = classify(text)
    for label in options:
        if (said.type, said.tool) == label:
            return label
    for label in options:
        names = OPTION_NAMES[label]
        if any(n in text or text in n for n in names if text):
            return label
    return None


class _Pick:
    """A fallback that answers every clause the rules were unsure of with the task the user picked."""

    def __init__(self, label: tuple[str, str | None]) -> None:
        self.label = label

    def classify(self, clause: str, language: str) -> Classification:
        return Classification(self.label[0], self.label[1], confidence=0.9, source="rule")
