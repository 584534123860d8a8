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

from .entities import find_cities, find_order_id
from .pipeline import parse_request
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
) -> IntentGraph:
    """The graph of ``pending_request`` completed by ``reply`` (or ``reply``'s own graph)."""
    own = parse_request(reply, now=now, tz=tz, context=context)
    pending = parse_request(pending_request, now=now, tz=tz)
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
