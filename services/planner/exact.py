"""Exact things done exactly (pure; issue 16 item 2).

Arithmetic, unit conversions, date arithmetic and counting go to tools, also when they work on an earlier
result. The parser marks such an operand with a *reference* in the tool's argument (the contract agreed in
/work/coord/log.md):

- ``{i1}``: the result of intent ``i1`` of this request (``i1`` is in the intent's ``depends_on``);
- ``{last}``: the result of the session's previous turn (the plan then recalls the session first).

:func:`resolve_references` puts the number (or date) in when the step is dispatched; an input whose result is
no number fails the step with that reason, never a guess by the model. A generation that would only restate a
tool's output ("…，然后告诉我结果", "and tell me the answer") is not sent to the model: :func:`restates_only`
finds it when the plan is built and :func:`restatement` writes it from a template.
"""

from __future__ import annotations

import re
from typing import Any

from autoglm.shared.events import Intent, StepStatus

from .state import PlanStep, TaskState, intent_step

EXACT_TOOLS = frozenset({"calculator", "convert_units", "datetime", "text_stats"})
REFERENCE = re.compile(r"\{(i\d+|last)\}")
# The argument that takes an earlier result, per tool.
_REFERENCE_ARGS = {"calculator": ("expression",), "convert_units": ("value",), "datetime": ("start", "end"),
                   "text_stats": ("text",)}


class ReferenceError_(ValueError):
    """A reference that can't be resolved: the step fails with this message."""


def references(arguments: dict[str, Any]) -> list[str]:
    """The references (``i1``, ``last``) in a step's arguments."""
    found: list[str] = []
    for value in arguments.values():
        if isinstance(value, str):
            found += REFERENCE.findall(value)
    return found


def refers_to_last_turn(intent: Intent) -> bool:
    return any(isinstance(v, str) and "{last}" in v for v in intent.entities.values())


def result_of(step: PlanStep) -> Any:
    """The exact value a completed step produced: a calculation's or conversion's number, a date, a count;
    None when the step's output is not one exact value (a generation, a table)."""
    out = step.output
    if step.name in ("calculator", "convert_units") and isinstance(out.get("result"), int | float):
        return out["result"]
    if step.name == "datetime":
        if out.get("difference_days") is not None:
            return out["difference_days"]
        return out.get("date") if out.get("operation") == "add" else None
    if step.name == "text_stats":
        return out["occurrences"] if out.get("occurrences") is not None else out.get("words")
    if step.name == "sql_query":
        rows, columns = out.get("rows"), out.get("columns")
        if isinstance(rows, list) and len(rows) == 1 and isinstance(columns, list) and len(columns) == 1:
            value = rows[0][0] if rows[0] else None
            return value if isinstance(value, int | float) and not isinstance(value, bool) else None
    return None


_LAST_NUMBER = re.compile(r"=\s*(-?\d+(?:\.\d+)?)\s*$")


def last_turn_result(turns: list[dict[str, Any]]) -> Any:
    """The previous turn's exact result: recorded on its intents (``turn_record``), else an answer that ends
    ``= <number>`` (a calculation answered before results were recorded)."""
    if not turns:
        return None
    turn = turns[-1]
    for intent in reversed(turn.get("intents") or []):
        if isinstance(intent, dict) and intent.get("result") is not None:
            return intent["result"]
    m = _LAST_NUMBER.search(str(turn.get("answer") or "").strip())
    if m:
        text = m.group(1)
        return float(text) if "." in text else int(text)
    return None


def _value_of(state: TaskState, name: str) -> Any:
    if name == "last":
        value = last_turn_result(state.turns)
        if value is None:
            raise ReferenceError_("there is no earlier result in this conversation to work on")
        return value
    step = intent_step(state, name)
    if step is None or step.status is not StepStatus.COMPLETED:
        raise ReferenceError_(f"the result of {name} is not available")
    value = result_of(step)
    if value is None:
        raise ReferenceError_(f"the result of {name} ({step.name}) is not a single number or date")
    return value


def _format(value: Any, in_expression: bool) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        value = int(value)
    text = repr(value) if isinstance(value, float) else str(value)
    return f"({text})" if in_expression and isinstance(value, int | float) and value < 0 else text


def resolve_references(state: TaskState, step: PlanStep) -> dict[str, Any]:
    """``step.arguments`` with every reference replaced by its value (numbers typed as numbers where the
    whole argument is one reference). Raises :class:`ReferenceError_` when one can't be resolved."""
    args = dict(step.arguments)
    for key in _REFERENCE_ARGS.get(step.name, ()):
        value = args.get(key)
        if not isinstance(value, str) or not REFERENCE.search(value):
            continue
        whole = REFERENCE.fullmatch(value.strip())
        if whole and key != "expression":
            args[key] = _value_of(state, whole.group(1))
            continue
        in_expression = key == "expression"
        args[key] = REFERENCE.sub(lambda m, e=in_expression: _format(_value_of(state, m.group(1)), e), value)
    return args


# ------------------------------------------------------------------ restating a tool's output

_RESTATE = re.compile(
    r"^\s*(?:然后|并且|并|再|和|、|,|，)?\s*(?:请)?(?:告诉我|跟我说|给我说|说一下|说说|回复我|告知|给我|报一下|输出|显示|列出)?"
    r"(?:一下)?(?:计算|算出|换算|查询|查到)?的?(?:结果|答案|数值|值|多少|是多少|日期|是哪天)(?:是什么|是多少)?\s*[。.!！?？]?\s*$"
    r"|^\s*(?:and\s+|then\s+)?(?:please\s+)?(?:tell|give|show|let)\s+me\s+(?:know\s+)?(?:the\s+|what\s+the\s+)?"
    r"(?:result|answer|number|value|total|date)(?:\s+is)?\s*[.!?]?\s*$"
    r"|^\s*(?:and\s+|then\s+)?(?:report|print|output|show|return)\s+(?:the\s+)?(?:result|answer|total|value)\s*[.!?]?\s*$",
    re.IGNORECASE,
)


def restates_only(intent: Intent, inputs: list[Intent]) -> bool:
    """A generation that only asks to be told an exact tool's result (no content of its own)."""
    return (not intent.tool and bool(inputs) and all(i.tool in EXACT_TOOLS or i.tool == "sql_query" for i in inputs)
            and bool(_RESTATE.match(intent.text)))


def restatement(state: TaskState, step: PlanStep, zh: bool) -> str:
    """The template that answers a restating request: each input's result, as compose renders it."""
    from .compose import exact_text  # compose renders tool outputs; it imports nothing from here at load

    lines = []
    for dep in map(state.step, step.depends_on):
        if dep is not None and dep.status is StepStatus.COMPLETED and dep.intent_id:
            lines.append(exact_text(dep, zh) or dep.text.strip())
    body = "；".join(lines) if zh else "; ".join(lines)
    return f"结果是：{body}" if zh else f"The result is: {body}"
