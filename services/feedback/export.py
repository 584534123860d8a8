"""Fine-tuning rows from one tenant's feedback, personal data masked (pure).

``sft``: chat-format pairs ``{"messages": [{"role": "user", ...}, {"role": "assistant", ...}]}``, from
corrected answers (the correction is the target) and from answers rated well (reward >= ``good``).
``dpo``: ``{"prompt": [user message], "chosen": [assistant message], "rejected": [assistant message]}`` (the
conversational preference format TRL reads): a corrected answer is chosen over the answer it corrected;
an answer rated badly (reward <= ``bad``) is rejected against a corrected or well-rated answer to the same
request, when there is one.

Personal data (phone numbers, e-mail addresses, Chinese resident IDs, bank cards: the recognisers of
``autoglm.shared.safety``) is replaced by a typed placeholder (``[PHONE]``) in every text, not partly
masked: a fine-tuned model should learn no digit of it. Rows carry no user id. Intent-graph corrections
teach the parser (its example bank), not the generator, and are not exported.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from autoglm.shared.safety.pii import find_pii

_PLACEHOLDER = {"phone": "[PHONE]", "email": "[EMAIL]", "cn_id": "[ID_NUMBER]", "bank_card": "[CARD_NUMBER]"}


def mask(text: str) -> str:
    """``text`` with every personal-data value replaced by its type's placeholder."""
    found = find_pii(text)
    if not found:
        return text
    out, pos = [], 0
    for m in found:
        out.append(text[pos:m.start])
        out.append(_PLACEHOLDER[m.type])
        pos = m.end
    out.append(text[pos:])
    return "".join(out)


def _key(request: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", request).casefold().split())


def _answer_of(row: Mapping[str, Any]) -> str | None:
    return (row.get("correction") or {}).get("answer")


def sft_rows(rated: Iterable[Mapping[str, Any]], *, good: float) -> list[dict[str, Any]]:
    out = []
    for row in rated:
        request = str(row.get("request") or "")
        corrected = _answer_of(row)
        answer = corrected or (row.get("answer") if row.get("status") == "completed" else None)
        if not request or not answer or (not corrected and float(row.get("reward", 0)) < good):
            continue
        out.append({
            "messages": [{"role": "user", "content": mask(request)},
                         {"role": "assistant", "content": mask(str(answer))}],
            "task_id": row.get("task_id"), "task_type": row.get("task_type"),
            "source": "correction" if corrected else "rated",
        })
    return out


def dpo_rows(rated: Iterable[Mapping[str, Any]], *, good: float, bad: float) -> list[dict[str, Any]]:
    rows = [r for r in rated if r.get("request")]
    better: dict[str, str] = {}
    for row in rows:  # the best known answer per request: a correction, else a well-rated answer
        corrected = _answer_of(row)
        if corrected:
            better[_key(str(row["request"]))] = str(corrected)
        elif float(row.get("reward", 0)) >= good and row.get("answer") and row.get("status") == "completed":
            better.setdefault(_key(str(row["request"])), str(row["answer"]))
    out = []
    for row in rows:
        request, answer = str(row["request"]), str(row.get("answer") or "")
        corrected = _answer_of(row)
        if corrected and answer and corrected.strip() != answer.strip():
            chosen, source = corrected, "correction"
        elif float(row.get("reward", 1)) <= bad and answer:
            chosen = better.get(_key(request))
            source = "low_rating"
            if chosen is None or chosen.strip() == answer.strip():
                continue
        else:
            continue
        out.append({
            "prompt": [{"role": "user", "content": mask(request)}],
            "chosen": [{"role": "assistant", "content": mask(chosen)}],
            "rejected": [{"role": "assistant", "content": mask(answer)}],
            "task_id": row.get("task_id"), "task_type": row.get("task_type"), "source": source,
        })
    return out


def export_rows(rated: Iterable[Mapping[str, Any]], fmt: str, *, good: float, bad: float) -> list[dict[str, Any]]:
    return sft_rows(rated, good=good) if fmt == "sft" else dpo_rows(rated, good=good, bad=bad)
