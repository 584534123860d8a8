"""Arithmetic answers: exact steps or an honest statement, never a model's number (issue 16).

:func:`uncomputed_answer` is the template the planner gives for an ``uncomputed`` intent (a part of a word
problem that no reader compiled, services/parser/uncomputed.py): it names the part, says no number is given
for it rather than a guess, and how to ask so that each step can be computed. :func:`invented_numbers` is the
answer's last guard: in an answer to a word problem, a number that is neither in the request nor produced by a
tool step is not shown (compose.py replaces the part that carries it by the same statement).
:func:`continues_problem` extends the same to the next turn of a word problem that no tool step reads ("What's
that in kilograms?" after a recipe problem): a template, not the model.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from autoglm.shared.events import Intent, IntentType
from autoglm.shared.word_problem import UNCOMPUTED, is_follow_up, is_word_problem, numbers_in

__all__ = ["UNCOMPUTED", "NOT_COMPUTED", "continues_problem", "invented_numbers", "uncomputed_answer"]

NOT_COMPUTED = "could not be computed exactly"
_QUOTE_CHARS = 120


def uncomputed_answer(part: str, language: str | None) -> str:
    """What the answer says for the part of a word problem no step computed (in the request's language)."""
    quoted = part.strip().rstrip("?？。.!！")
    if len(quoted) > _QUOTE_CHARS:
        quoted = quoted[: _QUOTE_CHARS - 1] + "…"
    if language == "zh":
        return (f"（未算出：“{quoted}”——这部分我没能准确算出来，为避免给出错误的数字，这里不给结果。"
                "可以一句只问一步再问我，例如先问折扣后的价格，再问加上或减去其他费用后是多少。）")
    return (f"(not computed: “{quoted}” — I could not work this part out exactly, so I give no number for it "
            "rather than a guess. Ask me one step per sentence, e.g. first the price after the discount, then "
            "what it is with the other amounts added or taken off.)")


def _key(value: float) -> float:
    return round(value, 6)


def _places(value: float) -> int:
    text = repr(value)
    return len(text.split(".")[1]) if "." in text and "e" not in text and not value.is_integer() else 0


def invented_numbers(text: str, request: str, tool_texts: Iterable[str]) -> list[float]:
    """The numbers in ``text`` that are neither in ``request`` nor in a tool step's output or arguments
    (``tool_texts``); a result shown rounded (419.333 as 419.33) counts as the tool's."""
    known = {_key(n) for n in numbers_in(request)}
    results: list[float] = []
    for t in tool_texts:
        for n in numbers_in(t):
            known.add(_key(n))
            results.append(n)
    invented = []
    for n in numbers_in(text):
        if _key(n) in known:
            continue
        decimals = len(str(n).split(".")[1]) if "." in str(n) and not float(n).is_integer() else 0
        if any(_key(round(r, d)) == _key(n) for r in results for d in range(decimals, 4)):
            continue
        if any(_places(r) >= 3 and _key(round(n, _places(r))) == _key(r) for r in results):
            continue  # the tool's value was itself shown rounded (a step summary: 5.90551 for 5.90551181102)
        invented.append(n)
    return invented


def continues_problem(intent: Intent, turns: Sequence[dict[str, Any]]) -> bool:
    """``intent`` is a model-bound question that asks for a number about the previous turn's arithmetic (that turn
    was a word problem, or had a calculation): no model answers it."""
    if intent.tool or intent.type not in (IntentType.QUESTION_ANSWERING, IntentType.CALCULATION) or not turns:
        return False
    last = turns[-1]
    arithmetic = is_word_problem(str(last.get("request") or "")) or any(
        isinstance(i, dict) and i.get("type") == IntentType.CALCULATION.value for i in last.get("intents") or [])
    return arithmetic and is_follow_up(intent.text)
