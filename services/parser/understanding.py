"""How the example bank's votes become intents: accept, confirm, ask, or keep out.

:class:`ExampleFallback` is the parser's :class:`~autoglm.services.parser.pipeline.Fallback` over an
:class:`~autoglm.services.parser.bank.ExampleBank`, seen as one tenant. The rules stay the fast, exact path; the
bank is asked only where they are unsure or silent, and about a tenant's own corrections:

- ``classify`` (a clause no specific rule placed, or only the catch-all question words): the nearest examples'
  label wins when its similarity-weighted share is at least ``accept_share`` and its nearest example is at least
  ``accept_best`` similar; the general-question label confirms the default with that confidence. When the rules
  found nothing and the neighbours split between two specific tasks that together hold ``ask_share`` of the vote,
  the parser asks which one was meant (it names them) instead of guessing. Otherwise the default stands.
- ``review`` (a clause a rule placed): only a tenant's own example can overrule a rule, and only when it is
  nearly the same clause (``correction_similarity``): that is the tenant saying "this, you got wrong".
- ``depends`` (a later clause the rules left independent): it uses the clause before it when its nearest
  labelled later clauses mostly did.

The thresholds were chosen on the sets the parser may learn from, each scored with its own examples left out of
the bank (``make eval-parser`` prints that leave-one-set-out score): at share >= 0.7 and similarity >= 0.5 the
bank changed 8 clauses the rules had left to the default, 7 of them to the labelled task.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from autoglm.shared.events import Intent, IntentGraph

from .bank import ExampleBank, Recalled, Vote
from .classify import Classification
from .classify import classify as rule_classify
from .dates import date_entities
from .pipeline import parse_request
from .text import detect_language

__all__ = ["ExampleFallback", "Thresholds", "Understander", "recalled_graph"]

_UNSET: Any = object()

_GENERAL = ("question_answering", None)


@dataclass(frozen=True)
class Thresholds:
    accept_share: float = 0.7
    accept_best: float = 0.5
    # A clause the catch-all question words placed (what/how/解释/吗) is a question unless the examples are sure.
    generic_share: float = 0.8
    generic_best: float = 0.6
    ask_share: float = 0.8
    ask_best: float = 0.45
    correction_similarity: float = 0.9
    depends_share: float = 0.75
    depends_best: float = 0.6


class ExampleFallback:
    """The bank as the parser's second opinion for one tenant (see the module doc)."""

    def __init__(
        self,
        bank: ExampleBank,
        tenant: str | None = None,
        *,
        thresholds: Thresholds | None = None,
        exclude_origins: frozenset[str] = frozenset(),
    ) -> None:
        self.bank = bank
        self.tenant = tenant
        self.t = thresholds or Thresholds()
        self.exclude = exclude_origins

    @property
    def loaded(self) -> bool:
        return self.bank.loaded

    def for_tenant(self, tenant: str | None) -> ExampleFallback:
        return ExampleFallback(self.bank, tenant, thresholds=self.t, exclude_origins=self.exclude)

    def prefetch(self, unsure: list[str], sure: list[str]) -> None:
        """Embed, in one encoder call, the clauses a parse will ask about: the unsure ones, and the sure ones too
        where the tenant has corrections of its own to review them against."""
        texts = [t for t in unsure if t.strip()]
        if self.bank.has_tenant_examples(self.tenant):
            texts += [t for t in sure if t.strip()]
        self.bank.prefetch(texts)

    def votes(self, clause: str) -> list[Vote]:
        return self.bank.vote(clause, self.tenant, exclude_origins=self.exclude)

    def classify(self, clause: str, language: str) -> Classification | None:
        if not clause.strip():
            return None
        votes = self.votes(clause)
        if not votes:
            return None
        top = votes[0]
        generic = rule_classify(clause).generic
        share, best = (self.t.generic_share, self.t.generic_best) if generic else (self.t.accept_share, self.t.accept_best)
        if top.share >= share and top.best >= best:
            return Classification(top.type, top.tool, confidence=round(top.share, 3), source="example")
        if len(votes) > 1:
            second = votes[1]
            pair = (top.label, second.label)
            if (
                _GENERAL not in pair
                and "unsupported" not in (top.type, second.type)
                and top.share + second.share >= self.t.ask_share
                and max(top.best, second.best) >= self.t.ask_best
            ):
                return Classification(top.type, top.tool, confidence=round(top.share, 3), source="example", options=pair)
        return None

    def review(self, clause: str, language: str, rule: Classification) -> Classification | None:
        if not self.bank.has_tenant_examples(self.tenant):
            return None  # nothing of the tenant's own: a rule's answer stands, and no encoder call is made
        own = self.bank.nearest_own(clause, self.tenant)
        if own is None or own.similarity < self.t.correction_similarity:
            return None
        if own.example.label == (rule.type, rule.tool):
            return None
        return Classification(own.example.type, own.example.tool, confidence=round(own.similarity, 3), source="example")

    def depends(self, clause: str, language: str) -> bool:
        near = self.bank.neighbours(
            clause, self.tenant, exclude_origins=self.exclude, where=lambda e: e.depends is not None
        )
        if not near:
            return False
        weight = sum(max(n.similarity, 0.0) for n in near) or 1.0
        yes = sum(max(n.similarity, 0.0) for n in near if n.example.depends)
        best = max((n.similarity for n in near if n.example.depends), default=0.0)
        return yes / weight >= self.t.depends_share and best >= self.t.depends_best


class Understander:
    """The parser as the service runs it, per tenant: a request the tenant has labelled comes back with its label
    (``source: example``), anything else goes to the rules with the tenant's view of the bank as their fallback.

    ``fallback`` may be any :class:`~autoglm.services.parser.pipeline.Fallback`; only an :class:`ExampleFallback`
    knows tenants."""

    def __init__(self, fallback: Any = None) -> None:
        self.fallback = fallback
        self.bank: ExampleBank | None = fallback.bank if isinstance(fallback, ExampleFallback) else None

    @property
    def loaded(self) -> bool:
        return self.fallback is None or bool(getattr(self.fallback, "loaded", False))

    def _fallback(self, tenant: str | None) -> Any:
        if isinstance(self.fallback, ExampleFallback):
            return self.fallback.for_tenant(tenant)
        return self.fallback

    def parse(
        self,
        text: str,
        *,
        now: datetime | None = None,
        tz: str = "Asia/Shanghai",
        context: Sequence[str] = (),
        tenant: str | None = None,
        fallback: Any = _UNSET,
    ) -> IntentGraph:
        if self.bank is not None and self.bank.has_tenant_requests(tenant):
            hit = self.bank.recall(tenant, text)
            if hit is not None:
                return recalled_graph(hit, text, now, tz)
        chosen = self._fallback(tenant) if fallback is _UNSET else fallback
        return parse_request(text, now=now, tz=tz, context=context, fallback=chosen)

    def answer(
        self,
        pending_request: str,
        reply: str,
        *,
        now: datetime | None = None,
        tz: str = "Asia/Shanghai",
        context: Sequence[str] = (),
        tenant: str | None = None,
    ) -> IntentGraph:
        """A reply to the clarifying question ``pending_request`` raised, merged into it (``dialogue.py``)."""
        from .dialogue import continue_after_question

        return continue_after_question(pending_request, reply, now=now, tz=tz, context=context,
                                       fallback=self._fallback(tenant))


def _today(now: datetime | None, tz: str) -> date:
    try:
        zone = ZoneInfo(tz)
    except (ValueError, ZoneInfoNotFoundError):
        zone = ZoneInfo("UTC")
    when = now or datetime.now(zone)
    if when.tzinfo is None:
        when = when.replace(tzinfo=zone)
    return when.astimezone(zone).date()


def recalled_graph(hit: Recalled, text: str, now: datetime | None, tz: str) -> IntentGraph:
    """The graph of a request the tenant labelled, for a request that repeats it now. A date the label resolved
    from the request's own words ("明天") is resolved again against today; any other entity is the label's."""
    graph = hit.graph
    today = _today(now, tz)
    then = _today(hit.now, hit.timezone or tz) if hit.now is not None else today
    relative = date_entities(hit.text, then)
    intents = []
    for n, i in enumerate(graph.get("intents", [])):
        entities = dict(i.get("entities") or {})
        if relative and entities.get("date") == relative.get("date"):
            entities.pop("days", None)
            entities.update(date_entities(text, today) or relative)
        intents.append(Intent(
            id=i.get("id") or f"i{n + 1}", type=i["type"], tool=i.get("tool"), text=text, entities=entities,
            depends_on=list(i.get("depends_on") or []), confidence=round(min(hit.similarity, 1.0), 3), source="example",
        ))
    language = str(graph.get("language") or detect_language(text))
    clarification = None
    if graph.get("clarification"):
        clarification = "请再具体说明一下您想让我做什么。" if language == "zh" else "Could you tell me a bit more about what you'd like?"
    return IntentGraph(language=language, intents=intents, clarification=clarification)
