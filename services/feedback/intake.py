"""The feedback service's logic around its store: events in, records to publish out (no Kafka here).

- :meth:`Intake.observe`: requests and results of a poll of ``autoglm.tasks``/``autoglm.results`` are stored;
  a result whose generation used a managed prompt variant fixes that user's sticky assignment, and the
  assignment goes out on ``autoglm.prompts`` for every planner replica.
- :meth:`Intake.submit`: one piece of feedback is reviewed (review.py), stored with its task's request,
  plan, answer and prompt versions, and its correction's effects go out: a labelled example for the parser,
  or a trusted fact for memory. The tenant's prompt policies it rated are published again with the new
  evidence.
- :meth:`Intake.run`: one operation of ``autoglm.feedback.requests`` (list, stats, export, prompt stats and
  management), answered with its output.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from autoglm.shared.events import (
    EventType,
    FeedbackExport,
    FeedbackList,
    FeedbackStats,
    FeedbackSubmitted,
    PromptAdd,
    PromptPin,
    PromptPolicy,
    PromptPropose,
    PromptRetire,
    PromptStats,
    StepRequest,
    VariantAssigned,
)
from autoglm.shared.topics import PROMPTS

from . import metrics
from .config import FeedbackConfig
from .export import export_rows
from .review import Accepted, Effect, review
from .store import EVERYONE, FeedbackRow, FeedbackStore, RequestSeen, ResultSeen, TaskRecord
from .variants import BASE, build_policy, propose, variant_rows


@dataclass(frozen=True, slots=True)
class Out:
    """A record to publish: ``data`` as an event of ``type`` for ``tenant`` on ``topic`` under ``key``."""

    topic: str
    type: EventType
    data: BaseModel
    key: str
    tenant: str


@dataclass(slots=True)
class Outcome:
    """What one piece of feedback did: stored or not (a redelivery), what it changed, and records to publish."""

    accepted: Accepted
    stored: bool
    effects: tuple[Effect, ...]
    out: list[Out] = field(default_factory=list)


def user_key(user: str | None, session_id: str | None) -> str | None:
    """Whom a sticky assignment belongs to: the user, or for an anonymous task its session."""
    return user or (f"session:{session_id}" if session_id else None)


def policy_key(scope: str, task_type: str) -> str:
    return f"{scope}/{task_type}"


class OperationError(ValueError):
    """An operation that can't be done as asked (its message goes back to the caller)."""


class Intake:
    def __init__(self, store: FeedbackStore, cfg: FeedbackConfig) -> None:
        self.store = store
        self.cfg = cfg

    @property
    def sticky_seconds(self) -> float:
        return self.cfg.sticky_hours * 3600.0

    # ------------------------------------------------------------------ tasks and results

    def observe(self, requests: Iterable[RequestSeen], results: Iterable[ResultSeen]) -> list[Out]:
        requests, results = list(requests), list(results)
        self.store.record(requests, results)
        out: list[Out] = []
        for r in results:
            if not r.prompt_versions:
                continue
            task = self.store.task(r.task_id)
            who = user_key(task.user if task else None, r.session_id)
            if who is None:
                continue
            for task_type, variant in r.prompt_versions.items():
                if not self.store.managed(r.tenant, task_type):
                    continue
                if self.store.assign(r.tenant, task_type, who, variant, r.at, self.sticky_seconds):
                    held = self.store.assignment(r.tenant, task_type, who)
                    assert held is not None
                    data = VariantAssigned(task_type=task_type, user=who, variant=held[0],
                                           assigned_at=datetime.fromtimestamp(held[1], tz=UTC))
                    out.append(Out(PROMPTS, EventType.PROMPT_ASSIGNED, data,
                                   f"{policy_key(r.tenant, task_type)}/@{who}", r.tenant))
        return out

    def task(self, task_id: str) -> TaskRecord | None:
        return self.store.task(task_id)

    # ------------------------------------------------------------------ feedback

    def submit(self, event_id: str, tenant: str, fb: FeedbackSubmitted, task: TaskRecord | None,
               now: float | None = None) -> Outcome:
        """Review and store ``fb``; raises review.Refused when it is not taken."""
        accepted = review(task, tenant, fb)
        assert task is not None
        row = FeedbackRow(
            id=event_id, tenant=tenant, task_id=task.task_id, user=fb.user, created_at=now or time.time(),
            score=fb.score, scale=fb.scale, reward=accepted.reward, comment=fb.comment,
            correction=accepted.correction, kind=accepted.kind, applied=list(accepted.applied),
            task_type=task.task_type, prompt_versions=task.prompt_versions,
        )
        stored = self.store.add_feedback(row, rater=fb.user or f"event:{event_id}")
        outcome = Outcome(accepted, stored, accepted.effects if stored else ())
        if stored:
            for task_type, variant in (task.prompt_versions or {"": ""}).items():
                label = "up" if accepted.reward >= 0.5 else "down"
                if fb.scale == "stars":
                    label = str(fb.score)
                metrics.RATINGS.labels(task_type or task.task_type or "unknown", variant or "none", label).inc()
                metrics.REWARD.labels(task_type or task.task_type or "unknown", variant or "none").inc(accepted.reward)
            for task_type in task.prompt_versions:
                if self.store.managed(tenant, task_type):
                    outcome.out.append(self._policy_out(tenant, task_type))
        return outcome

    # ------------------------------------------------------------------ prompt policies

    def policy(self, scope: str, task_type: str) -> PromptPolicy:
        if scope == EVERYONE:
            live, evidence = self.store.variants(EVERYONE, task_type), {}
        else:
            live, evidence = self.store.live_variants(scope, task_type), self.store.arm_evidence(scope, task_type)
        pinned, min_share = self.store.policy(scope, task_type)
        return build_policy(
            task_type, live=live, retired=self.store.retired(scope, task_type), pinned=pinned,
            min_share=self.cfg.min_share if min_share is None else min_share, sticky_seconds=self.sticky_seconds,
            evidence=evidence,
        )

    def _policy_out(self, scope: str, task_type: str) -> Out:
        return Out(PROMPTS, EventType.PROMPT_POLICY, self.policy(scope, task_type), policy_key(scope, task_type),
                   scope if scope != EVERYONE else "default")

    def all_policies(self) -> list[Out]:
        """Every policy in force (published at start, so a planner that starts later reads them all)."""
        return [self._policy_out(scope, task_type) for scope, task_type in self.store.policy_keys()]

    def _changed(self, scope: str, task_type: str) -> list[Out]:
        keys = [(s, t) for s, t in self.store.policy_keys() if t == task_type and (scope == EVERYONE or s == scope)]
        return [self._policy_out(s, t) for s, t in keys]

    # ------------------------------------------------------------------ operations

    def run(self, tenant: str, op: StepRequest) -> tuple[dict[str, Any], list[Out]]:
        """One operation for ``tenant``: its output and the records it makes to publish."""
        handler = OPS.get(type(op))
        if handler is None:
            raise OperationError(f"unknown operation {type(op).__name__}")
        return handler(self, tenant, op)


def _list(intake: Intake, tenant: str, op: FeedbackList) -> tuple[dict[str, Any], list[Out]]:
    rows = intake.store.feedback_of(tenant, task_id=op.task_id, task_type=op.task_type, limit=op.limit)
    return {"feedback": rows}, []


def _stats(intake: Intake, tenant: str, op: FeedbackStats) -> tuple[dict[str, Any], list[Out]]:
    return {"stats": intake.store.stats(tenant)}, []


def _export(intake: Intake, tenant: str, op: FeedbackExport) -> tuple[dict[str, Any], list[Out]]:
    rows = export_rows(intake.store.rated_answers(tenant), op.format, good=intake.cfg.good_reward,
                       bad=intake.cfg.bad_reward)
    page = rows[op.offset:op.offset + op.limit]
    return {"format": op.format, "rows": page, "total": len(rows), "offset": op.offset}, []


def _prompt_stats(intake: Intake, tenant: str, op: PromptStats) -> tuple[dict[str, Any], list[Out]]:
    types = [op.task_type] if op.task_type else intake.store.task_types(tenant)
    out = []
    for task_type in types:
        policy = intake.policy(tenant, task_type)
        rows = variant_rows(policy, intake.store.arm_evidence(tenant, task_type),
                            intake.store.traffic(tenant, task_type))
        out.append({"task_type": task_type, "pinned": policy.pinned, "min_share": policy.min_share, "variants": rows})
    return {"prompts": out}, []


def _scope(tenant: str, everyone: bool) -> str:
    return EVERYONE if everyone else tenant


def _add(intake: Intake, tenant: str, op: PromptAdd) -> tuple[dict[str, Any], list[Out]]:
    if op.variant.id == BASE:
        raise OperationError(f"{BASE!r} is the base templates' id; choose another")
    scope = _scope(tenant, op.everyone)
    intake.store.add_variant(scope, op.task_type, op.variant)
    return {"added": op.variant.id, "scope": scope}, intake._changed(scope, op.task_type)


def _retire(intake: Intake, tenant: str, op: PromptRetire) -> tuple[dict[str, Any], list[Out]]:
    intake.store.retire(tenant, op.task_type, op.variant)
    return {"retired": op.variant}, intake._changed(tenant, op.task_type)


def _pin(intake: Intake, tenant: str, op: PromptPin) -> tuple[dict[str, Any], list[Out]]:
    if op.variant is not None:
        live = {BASE, *(v.id for v in intake.store.live_variants(tenant, op.task_type))}
        live -= intake.store.retired(tenant, op.task_type)
        if op.variant not in live:
            raise OperationError(f"no live variant {op.variant!r} for {op.task_type} (live: {', '.join(sorted(live))})")
    intake.store.pin(tenant, op.task_type, op.variant, op.min_share)
    return {"pinned": op.variant}, intake._changed(tenant, op.task_type)


def _propose(intake: Intake, tenant: str, op: PromptPropose) -> tuple[dict[str, Any], list[Out]]:
    variant = propose(op.task_type, intake.store.rated_answers(tenant, op.task_type), examples=op.examples,
                      min_reward=op.min_reward)
    if variant is None:
        raise OperationError(f"fewer than {op.examples} well-rated answers of {op.task_type} in tenant {tenant!r}")
    intake.store.add_variant(tenant, op.task_type, variant)
    return {"added": variant.id, "variant": variant.model_dump(mode="json")}, intake._changed(tenant, op.task_type)


OPS: Mapping[type[StepRequest], Any] = {
    FeedbackList: _list,
    FeedbackStats: _stats,
    FeedbackExport: _export,
    PromptStats: _prompt_stats,
    PromptAdd: _add,
    PromptRetire: _retire,
    PromptPin: _pin,
    PromptPropose: _propose,
}
