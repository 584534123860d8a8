"""Prompt variants: the policy a planner follows, their statistics, and new variants from good answers (pure).

A tenant's policy for a task type is every live variant (the tenant's own and those added for every
tenant, less the retired ones), its pin and exploration share, and each variant's rating evidence; the
planner adds the base templates (``v1``) unless retired, and assigns new users by Thompson sampling
(``shared/bandit.py``). ``autoglm prompts stats`` shows, per variant, the traffic (tasks that used it), the
ratings, the posterior mean with its 95% credible interval and the probability of being the best.

A proposed variant carries worked examples from the tenant's *own* best-rated answers of that task type
(corrected answers first: a correction is the tenant telling us the right answer), with personal data
masked, since another user of the same tenant will see them in a prompt. Nothing of another tenant is
ever read: the rows come from the store filtered by the tenant.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from autoglm.shared.bandit import Arm, credible_interval, prob_best
from autoglm.shared.events import FewShotExample, PromptPolicy, PromptVariant, VariantStats

from .export import mask
from .store import NO_PROMPT

BASE = "v1"
"""The planner's base templates (services/planner/prompts/v1/) as a variant id."""


def build_policy(
    task_type: str,
    *,
    live: Iterable[PromptVariant],
    retired: Iterable[str],
    pinned: str | None,
    min_share: float,
    sticky_seconds: float,
    evidence: Mapping[str, tuple[float, float, int]],
) -> PromptPolicy:
    variants = [v for v in live if v.id != BASE]
    ids = {BASE, *(v.id for v in variants)} - set(retired)
    return PromptPolicy(
        task_type=task_type,
        variants=variants,
        retired=sorted(set(retired)),
        pinned=pinned if pinned in ids else None,
        min_share=min_share,
        sticky_seconds=sticky_seconds,
        stats=[VariantStats(variant=v, successes=s, failures=f) for v, (s, f, _n) in sorted(evidence.items()) if v in ids],
    )


def variant_rows(
    policy: PromptPolicy, evidence: Mapping[str, tuple[float, float, int]], traffic: Mapping[str, int]
) -> list[dict[str, Any]]:
    """One row per variant (live ones, then retired ones that still have data) for ``prompts stats``."""
    live = [BASE] if BASE not in policy.retired else []
    live += [v.id for v in policy.variants if v.id not in policy.retired]
    names = live + sorted(v for v in {*evidence, *traffic} if v not in live and v != NO_PROMPT)
    arms = {n: Arm(n, *evidence.get(n, (0.0, 0.0, 0))[:2]) for n in names}
    best = prob_best([arms[n] for n in live]) if live else {}
    total = sum(traffic.values()) or 1
    rows = []
    for n in names:
        arm = arms[n]
        low, high = credible_interval(arm)
        rows.append({
            "variant": n,
            "status": "pinned" if policy.pinned == n else "live" if n in live else "retired",
            "traffic": traffic.get(n, 0),
            "traffic_share": traffic.get(n, 0) / total,
            "ratings": evidence.get(n, (0, 0, 0))[2],
            "mean": arm.mean,
            "ci95": [low, high],
            "p_best": best.get(n),
        })
    return rows


def propose(
    task_type: str, rated: Iterable[Mapping[str, Any]], *, examples: int, min_reward: float
) -> PromptVariant | None:
    """A few-shot variant from the tenant's best-rated answers of ``task_type`` (``rated``: the tenant's rows of
    :meth:`~.store.FeedbackStore.rated_answers`), or None when it has too few."""
    candidates = []
    for row in rated:
        if row.get("task_type") != task_type or not row.get("request"):
            continue
        corrected = (row.get("correction") or {}).get("answer")
        answer = corrected or (row.get("answer") if row.get("status") == "completed" else None)
        if not answer or (not corrected and float(row.get("reward", 0)) < min_reward):
            continue
        candidates.append((1 if corrected else 0, float(row.get("reward", 0)), float(row.get("created_at", 0)), row,
                           answer))
    candidates.sort(key=lambda c: (c[0], c[1], c[2]), reverse=True)
    chosen, seen = [], set()
    for _c, _r, _t, row, answer in candidates:
        request = mask(str(row["request"]))[:2000]
        if request.casefold() in seen:
            continue
        seen.add(request.casefold())
        chosen.append((row["task_id"], FewShotExample(request=request, answer=mask(str(answer))[:4000])))
        if len(chosen) == examples:
            break
    if len(chosen) < examples:
        return None
    digest = hashlib.sha256("|".join(t for t, _ in chosen).encode()).hexdigest()[:8]
    return PromptVariant(id=f"fs-{digest}", few_shot=[e for _, e in chosen], origin="proposed")
