"""Whether a piece of feedback can be taken, and what its correction asks for (pure).

Feedback is refused, with a reason its sender can act on, when it names a task this service does not know
(``unknown_task``), a task of another tenant (``other_tenant_task``; the message is the same as for an
unknown one, so a tenant cannot probe for other tenants' task ids), or carries a correction that is
malformed (``invalid_correction``: an intent graph that does not follow the parser contract, an empty
answer). A refused event is dead-lettered with that class and, when the sender asked, answered with the
reason.

An accepted correction says what it changes (``Effect``): a corrected intent graph becomes a labelled
example of the task's tenant for the parser's example bank; a corrected answer to a knowledge-base question
becomes a trusted fact of that tenant (and drops the cached answer); any other corrected answer is kept as
fine-tuning data only.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from autoglm.shared.bandit import reward
from autoglm.shared.events import ID_PATTERN, FeedbackSubmitted, IntentType

from .store import TaskRecord

KB_TOOL = "kb_search"


class Refused(Exception):
    """Feedback that is not taken: ``error_type`` for the dead letter, ``message`` for its sender."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message


class CorrectedIntent(BaseModel):
    """One intent of a corrected graph (the parser contract, without text, confidence or source)."""

    model_config = ConfigDict(extra="ignore")

    id: str | None = Field(None, max_length=16, pattern=r"^i\d{1,3}$")
    type: IntentType
    tool: str | None = Field(None, max_length=64, pattern=r"^[A-Za-z][A-Za-z0-9_.\-]*$")
    entities: dict[str, Any] = Field(default_factory=dict)
    depends_on: list[str] = Field(default_factory=list, max_length=16)


class CorrectedGraph(BaseModel):
    """A corrected intent graph: ``{"language"?, "intents": [...], "clarification"?}``."""

    model_config = ConfigDict(extra="ignore")

    language: str | None = Field(None, max_length=8, pattern=r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")
    intents: list[CorrectedIntent] = Field(default_factory=list, max_length=16)
    clarification: Any = None

    @field_validator("intents")
    @classmethod
    def _ids(cls, intents: list[CorrectedIntent]) -> list[CorrectedIntent]:
        for n, intent in enumerate(intents):
            intent.id = intent.id or f"i{n + 1}"
        return intents

    @model_validator(mode="after")
    def _consistent(self) -> CorrectedGraph:
        if not self.intents and not self.clarification:
            raise ValueError("a corrected graph needs at least one intent (or a clarification)")
        seen: list[str] = []
        for intent in self.intents:
            if intent.id in seen:
                raise ValueError(f"intent id {intent.id} appears twice")
            missing = [d for d in intent.depends_on if d not in seen]
            if missing:
                raise ValueError(f"{intent.id} depends on {', '.join(missing)}, which is not an earlier intent")
            seen.append(intent.id or "")
        return self

    def contract(self) -> dict[str, Any]:
        """The graph in the parser contract's shape."""
        return {
            "language": self.language,
            "intents": [i.model_dump(mode="json") for i in self.intents],
            "clarification": self.clarification if self.clarification else None,
        }


@dataclass(frozen=True, slots=True)
class LabelExample:
    """Teach the parser: ``text`` parses as ``graph`` for ``tenant`` (its example bank)."""

    tenant: str
    text: str
    graph: dict[str, Any]
    example_id: str
    now: float | None = None  # when the request was made: its relative dates resolve against it


@dataclass(frozen=True, slots=True)
class TrustAnswer:
    """Keep ``answer`` as the trusted answer to the knowledge-base question ``question`` for ``tenant``, and drop
    the cached answer to it."""

    tenant: str
    question: str
    answer: str
    task_id: str


Effect = LabelExample | TrustAnswer


@dataclass(frozen=True, slots=True)
class Accepted:
    reward: float
    kind: Literal["rating", "answer", "intents"]
    correction: dict[str, Any] | None
    effects: tuple[Effect, ...]
    applied: tuple[str, ...]


def example_id(text: str) -> str:
    """A corrected request's example id: the same request (up to width, case and spacing) gets the same id,
    so correcting it again replaces its label."""
    import hashlib

    folded = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return "fb-" + hashlib.sha256(folded.encode()).hexdigest()[:16]


_ID_RE = re.compile(ID_PATTERN)


def review(task: TaskRecord | None, tenant: str, fb: FeedbackSubmitted) -> Accepted:
    """Accept ``fb`` from ``tenant`` on ``task`` (None: not known), or raise :class:`Refused`."""
    if task is None or task.tenant != tenant:
        raise Refused(
            "unknown_task" if task is None else "other_tenant_task",
            f"no task {fb.task_id!r} in tenant {tenant!r}: feedback can only be given on a task of your own tenant",
        )
    try:
        value = reward(fb.score, fb.scale)
    except ValueError as exc:  # the event model checks this too; kept for callers building rows by hand
        raise Refused("invalid_score", str(exc)) from None
    correction = fb.correction
    if correction is None or (correction.answer is None and correction.intents is None):
        return Accepted(value, "rating", None, (), ("rating",))
    if correction.answer is not None and correction.intents is not None:
        raise Refused("invalid_correction", "a correction is either an answer or an intent graph, not both")
    if correction.intents is not None:
        return _intent_correction(task, tenant, value, correction.intents)
    answer = correction.answer.strip() if correction.answer else ""
    if not answer:
        raise Refused("invalid_correction", "the corrected answer is empty")
    kb_question = next((i for i in task.intents if i.get("tool") == KB_TOOL), None)
    if kb_question is None:
        return Accepted(value, "answer", {"answer": answer}, (), ("stored",))
    question = str(kb_question.get("text") or task.request).strip() or task.request
    if not question:
        raise Refused("invalid_correction", f"task {task.task_id!r} has no request text to attach the answer to")
    effect = TrustAnswer(tenant=tenant, question=question, answer=answer, task_id=task.task_id)
    return Accepted(value, "answer", {"answer": answer}, (effect,), ("stored", "trusted_fact"))


def _intent_correction(task: TaskRecord, tenant: str, value: float, raw: dict[str, Any]) -> Accepted:
    try:
        graph = CorrectedGraph.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise Refused("invalid_correction",
                      f"the corrected intent graph is malformed: {where + ': ' if where else ''}{first['msg']}") from None
    if not task.request:
        raise Refused("invalid_correction", f"task {task.task_id!r} has no request text to label")
    contract = graph.contract()
    effect = LabelExample(tenant=tenant, text=task.request[:2000], graph=contract, example_id=example_id(task.request),
                          now=task.created_at or None)
    return Accepted(value, "intents", {"intents": contract}, (effect,), ("stored", "parser_example"))
