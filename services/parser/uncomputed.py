"""An arithmetic word problem no reader compiled in full: its exact steps, and the rest named, never guessed.

:func:`honest_graph` is the parser's last word on a request that
:func:`~autoglm.shared.word_problem.is_word_problem` judges a word problem: the exact tool steps the rules
found are kept (a calculator with an expression, a unit conversion, a date computation), and every other
arithmetic clause — one the rules sent to the language model, to text-to-SQL, to the knowledge base or the
weather, or a clarifying question — becomes one ``uncomputed`` calculation intent (tool null, entities
``{"uncomputed": <the clauses>}``). The planner answers it with a template that says which part could not be
computed and how to ask for it; no model is given the arithmetic. The same holds when every step is exact but
a stated number of the request is used by none of them: the steps did not compute the whole problem.
"""

from __future__ import annotations

import re

from autoglm.shared.events import Intent, IntentGraph, IntentType
from autoglm.shared.word_problem import MAX_CHARS, UNCOMPUTED, asks_quantity, numbers_in

__all__ = ["UNCOMPUTED", "account_qualifiers", "honest_graph", "is_exact"]

_WORK_TYPES = {IntentType.CREATIVE_WRITING, IntentType.TRANSLATION, IntentType.SUMMARIZATION,
               IntentType.CODE_GENERATION}
_CLAUSE = re.compile(r"[^,，。；;？?！!]+")
# A step that works on the previous turn's result says so ("and after tax?", "what is that in yen", "再加上…呢").
_GOES_ON = re.compile(r"^\W*(?:and|then|now|plus|also|ok(?:ay)?|so|what about|how about)\b|"
                      r"\b(?:that|it|this|the result|the total)\b|^\W*(?:再|那|然后|接着|加上|减去)|呢|结果|它|这个", re.I)


def is_exact(intent: Intent, has_context: bool = True) -> bool:
    """A step a tool computes exactly from what the parser read (with no earlier turn, one that works on the
    previous turn's result reads nothing: "T恤每件129元" as ``{last}*129``)."""
    if not has_context and not _GOES_ON.search(intent.text) and any("{last}" in str(v) for v in intent.entities.values()):
        return False
    if intent.tool == "calculator":
        return bool(intent.entities.get("expression"))
    if intent.tool == "datetime":
        return bool(intent.entities.get("operation"))
    return intent.tool in ("convert_units", "text_stats")


def _arithmetic_clause(intent: Intent) -> bool:
    return intent.type not in _WORK_TYPES and (bool(numbers_in(intent.text)) or asks_quantity(intent.text))


# A conversion factor the request states ("1 英尺 = 0.3048 米", "using 1 mile = 1.609 km").
_FACTOR = re.compile(r"(?<![\d.])(?:1|one|一)\s*[^\d\s=]{1,12}?\s*(?:=|等于|≈)\s*(\d+(?:\.\d+)?)", re.I)


def _unused_numbers(text: str, exact: list[Intent]) -> bool:
    """A number the request states that no exact step uses ("5万…2.75%" computed as 50*2.75/100: 5 is unused).
    A stated conversion factor counts as used by a unit conversion, whose table holds it."""
    if any(i.tool == "convert_units" for i in exact):
        text = _FACTOR.sub(" ", text)
    used = {round(n, 9) for i in exact for v in i.entities.values() if isinstance(v, str | int | float)
            for n in numbers_in(str(v))}
    # the same number as a step writes it: 5万 = 50000, 1.2k = 1200, 2.75% = 0.0275
    # A 1 is the unit of a stated rate ("1 USD = 7.12 CNY"), used by no step.
    return any(n != 1 and not used & {round(n * f, 9) for f in (1, 1e4, 1e8, 1e3, 1e-2)} for n in numbers_in(text))


def _asked(text: str) -> str:
    """The request's last clause that asks for a number (the part left to compute), else all of it."""
    asking = [m.group(0).strip() for m in _CLAUSE.finditer(text) if asks_quantity(m.group(0))]
    return asking[-1] if asking else text.strip()


def honest_graph(graph: IntentGraph, text: str, has_context: bool = True, compiled: bool = False) -> IntentGraph:
    """``graph`` (the rules' reading of the word problem ``text``) with its non-exact arithmetic replaced by one
    ``uncomputed`` intent; unchanged when its steps are exact and use every stated number. ``has_context``: the
    session has an earlier turn; ``compiled``: the compiler read the whole request (its steps are not checked
    for unused numbers, only for an earlier result the request does not go on from)."""
    if graph.clarification or not graph.intents:
        kept: list[Intent] = []
        left = [text.strip()]
    else:
        kept, left = [], []
        for i in graph.intents:
            lost = any(d not in {k.id for k in kept} for d in i.depends_on)  # its input was not computed
            if not lost and (is_exact(i, has_context) or not _arithmetic_clause(i)):
                kept.append(i)
            else:
                left.append(i.text)
        exact = [i for i in kept if is_exact(i, has_context)]
        if not left and (compiled or not exact or not _unused_numbers(text, exact)):
            return graph
        if not any(asks_quantity(part) for part in left):
            left.append(_asked(text))  # name what was asked, not only the clause that was not read
    ids = {i.id: f"i{n}" for n, i in enumerate(kept, 1)}
    intents = [i.model_copy(update={"id": ids[i.id], "depends_on": [ids[d] for d in i.depends_on if d in ids]})
               for i in kept]
    intents.append(Intent(id=f"i{len(intents) + 1}", type=IntentType.CALCULATION, tool=None,
                          text="; ".join(dict.fromkeys(t.strip() for t in left if t.strip())),
                          entities={UNCOMPUTED: True}, confidence=0.9, source="rule"))
    return graph.model_copy(update={"intents": intents, "clarification": None})


def account_qualifiers(graph: IntentGraph, text: str, has_context: bool = True) -> IntentGraph:
    """``graph`` with every exact step that leaves a qualifier of ``text`` unaccounted (qualifiers.py: "10% off
    the whole lot" applied to one item, "down by 20 °C" converted as a temperature), and every step that depends
    on one, moved into the ``uncomputed`` intent, named with the qualifier: an honest "not computed" instead of an
    exact step with a wrong number. Unchanged when every qualifier is accounted for."""
    from .qualifiers import unaccounted

    if len(text) > MAX_CHARS:
        return graph  # longer requests carry content, never a word problem only (and the checks stay linear)
    exact = [i for i in graph.intents if is_exact(i, has_context) and not i.entities.get(UNCOMPUTED)]
    issues = unaccounted(text, exact) if exact else []
    if not issues:
        return _every_question_answered(graph, text, exact)
    bad = {s for u in issues for s in u.steps} or {i.id for i in exact}
    if any(not u.steps for u in issues):
        bad |= {i.id for i in exact}
    kept: list[Intent] = []
    left: list[str] = []
    for i in graph.intents:
        if i.id in bad or any(d in bad for d in i.depends_on) or i.entities.get(UNCOMPUTED):
            bad.add(i.id)
            left.append(i.text if not i.entities.get(UNCOMPUTED) else str(i.text))
        else:
            kept.append(i)
    if not kept:
        left = [text.strip()]
    elif not any(asks_quantity(part) for part in left):
        left.append(_asked(text))
    ids = {i.id: f"i{n}" for n, i in enumerate(kept, 1)}
    intents = [i.model_copy(update={"id": ids[i.id], "depends_on": [ids[d] for d in i.depends_on if d in ids]})
               for i in kept]
    intents.append(Intent(id=f"i{len(intents) + 1}", type=IntentType.CALCULATION, tool=None,
                          text="; ".join(dict.fromkeys(t.strip() for t in left if t.strip())),
                          entities={UNCOMPUTED: True}, confidence=0.9, source="rule"))
    return graph.model_copy(update={"intents": intents, "clarification": None})


def _every_question_answered(graph: IntentGraph, text: str, exact: list[Intent]) -> IntentGraph:
    """A graph of exact steps only, for a request that asks more questions for a number than it has steps ("2斤是多少克？
    换算成盎司又是多少？" read as one conversion): the last question is named as not computed, not dropped."""
    asked = [q.strip() for q in re.split(r"(?<=[?？])", text) if q.strip().endswith(("?", "？")) and asks_quantity(q)]
    if not exact or len(exact) != len(graph.intents) or len(asked) <= len(exact):
        return graph
    intents = [*graph.intents, Intent(id=f"i{len(graph.intents) + 1}", type=IntentType.CALCULATION, tool=None,
                                      text=asked[-1].rstrip("?？"), entities={UNCOMPUTED: True}, confidence=0.9,
                                      source="rule")]
    return graph.model_copy(update={"intents": intents})
