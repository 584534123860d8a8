"""A scripted experiment for the prompt bandit: simulated users with a fixed preference rate the answers of
prompt variants, and the same sticky Thompson-sampling assignment the planner uses (``shared/bandit.py``)
picks the variants, against a fixed prompt (the base templates for everyone).

Each of ``users`` users comes back ``tasks_per_day`` times a day on average (Poisson) for ``days`` days and
rates an answer with probability ``rate_prob``; a rating is a thumbs up with the probability the scripted
rater gives that variant (``preference``). Assignments are sticky for ``sticky_hours``; the evidence the
planner samples from is refreshed after every rating (the feedback service republishes the policy). Pure
and deterministic for a seed: ``scripts/eval_prompt_bandit.py`` prints it, tests/unit/test_bandit.py checks it.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..bandit import Arm, sticky_choice


@dataclass
class Day:
    day: int
    tasks: int = 0
    ratings: int = 0
    ups: int = 0
    traffic: dict[str, int] = field(default_factory=dict)

    @property
    def mean(self) -> float:
        return self.ups / self.ratings if self.ratings else 0.0


@dataclass
class Run:
    policy: str
    best: str
    days: list[Day]
    log: list[tuple[str, bool | None]]  # per task, in time order: the variant, and its rating (None: not rated)

    def totals(self) -> tuple[int, int, int]:
        return (sum(d.tasks for d in self.days), sum(d.ratings for d in self.days), sum(d.ups for d in self.days))

    def ratings_until_share(self, share: float, window: int = 100) -> int | None:
        """Ratings given before the best variant first served ``share`` of a trailing window of tasks."""
        ratings, hits = 0, 0
        for n, (variant, rating) in enumerate(self.log):
            hits += variant == self.best
            if n >= window:
                hits -= self.log[n - window][0] == self.best
                if hits >= share * window:
                    return ratings
            ratings += rating is not None
        return None

    def windows(self, ratings_per_window: int) -> list[tuple[int, float, float]]:
        """Per block of ``ratings_per_window`` ratings: (ratings so far, the best variant's share of the block's
        tasks, the block's thumbs-up rate)."""
        out, tasks, best, ups, rated, total = [], 0, 0, 0, 0, 0
        for variant, rating in self.log:
            tasks += 1
            best += variant == self.best
            if rating is not None:
                rated += 1
                ups += rating
                if rated == ratings_per_window:
                    total += rated
                    out.append((total, best / tasks, ups / rated))
                    tasks = best = ups = rated = 0
        return out


DEFAULT_PREFERENCE: Mapping[str, float] = {"v1": 0.45, "concise": 0.55, "fs-best": 0.75}


def simulate(
    *,
    bandit: bool,
    preference: Mapping[str, float] = DEFAULT_PREFERENCE,
    users: int = 200,
    days: int = 14,
    tasks_per_day: float = 2.0,
    rate_prob: float = 0.6,
    sticky_hours: float = 24.0,
    min_share: float = 0.05,
    seed: int = 0,
) -> Run:
    rng = random.Random(seed)
    world = random.Random(seed + 1)  # users' behaviour: the same in both runs of one seed
    variants = list(preference)
    best = max(variants, key=preference.__getitem__)
    evidence = {v: [0.0, 0.0] for v in variants}
    held: dict[int, tuple[str, float]] = {}
    events: list[tuple[float, int]] = []
    for user in range(users):
        t = 0.0
        while True:
            t += world.expovariate(tasks_per_day) * 86400
            if t >= days * 86400:
                break
            events.append((t, user))
    events.sort()
    out = [Day(d) for d in range(days)]
    log: list[tuple[str, bool | None]] = []
    for t, user in events:
        if bandit:
            arms = [Arm(v, *evidence[v]) for v in variants]
            variant, fresh = sticky_choice(arms, rng, held=held.get(user), now=t,
                                           sticky_seconds=sticky_hours * 3600, min_share=min_share)
            if fresh:
                held[user] = (variant, t)
        else:
            variant = variants[0]
        day = out[int(t // 86400)]
        day.tasks += 1
        day.traffic[variant] = day.traffic.get(variant, 0) + 1
        rating: bool | None = None
        if world.random() < rate_prob:
            rating = world.random() < preference[variant]
            evidence[variant][0 if rating else 1] += 1
            day.ratings += 1
            day.ups += rating
        log.append((variant, rating))
    return Run("bandit" if bandit else "fixed", best, out, log)
