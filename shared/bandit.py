"""Thompson sampling over prompt variants, rated by users (issue 21). Pure: numbers in, a choice out.

Each live variant of a task type has a Beta posterior over "the answer is rated good": it starts at
Beta(1, 1) and a rating adds its reward ``r`` in [0, 1] to alpha and ``1 - r`` to beta (thumbs up 1,
thumbs down 0; stars 1..5 -> 0, .25, .5, .75, 1). A new user is given the variant whose posterior
draw is highest (Thompson sampling), except that with probability ``min(1, k * min_share)`` the
variant is drawn uniformly among the ``k`` live ones, so every variant keeps at least ``min_share``
of new assignments and a variant that started unlucky can still recover. A pinned variant takes
every assignment. Assignments are sticky: the caller keeps a user's variant (see the planner's
``variants.py`` and the feedback service) and only asks here for users it has not assigned.

``credible_interval`` is the equal-tailed interval of the Beta posterior (the regularized incomplete
beta function by its continued fraction, inverted by bisection: no scipy needed).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

PRIOR = (1.0, 1.0)


@dataclass(frozen=True, slots=True)
class Arm:
    """One variant's ratings: the summed rewards and the summed shortfalls (``1 - reward``)."""

    variant: str
    successes: float = 0.0
    failures: float = 0.0

    @property
    def alpha(self) -> float:
        return PRIOR[0] + self.successes

    @property
    def beta(self) -> float:
        return PRIOR[1] + self.failures

    @property
    def ratings(self) -> float:
        return self.successes + self.failures

    @property
    def mean(self) -> float:
        return self.alpha / (self.alpha + self.beta)


def reward(score: int, scale: str) -> float:
    """A rating as a reward in [0, 1]: thumbs -1/+1 -> 0/1; stars 1..5 -> 0, 0.25, 0.5, 0.75, 1."""
    if scale == "thumbs":
        if score not in (-1, 1):
            raise ValueError("a thumbs score is -1 or 1")
        return 1.0 if score > 0 else 0.0
    if scale == "stars":
        if not 1 <= score <= 5:
            raise ValueError("a stars score is 1 to 5")
        return (score - 1) / 4
    raise ValueError(f"unknown scale {scale!r}")


def choose(
    arms: Sequence[Arm],
    rng: random.Random,
    *,
    min_share: float = 0.05,
    pinned: str | None = None,
) -> str:
    """The variant for a user not assigned yet (see the module doc). ``arms`` are the live variants."""
    if not arms:
        raise ValueError("no live variant to choose from")
    names = [a.variant for a in arms]
    if pinned is not None and pinned in names:
        return pinned
    if rng.random() < min(1.0, len(arms) * max(0.0, min_share)):
        return rng.choice(names)
    draws = [rng.betavariate(a.alpha, a.beta) for a in arms]
    return names[max(range(len(arms)), key=draws.__getitem__)]


def sticky_choice(
    arms: Sequence[Arm],
    rng: random.Random,
    *,
    held: tuple[str, float] | None,
    now: float,
    sticky_seconds: float,
    min_share: float = 0.05,
    pinned: str | None = None,
) -> tuple[str, bool]:
    """A user's variant and whether it is a new assignment (to keep, from ``now``): a pin wins (nothing to
    keep); else the one they hold (``held``: variant, when assigned) while it is live and younger than
    ``sticky_seconds``; else a new :func:`choose`."""
    names = {a.variant for a in arms}
    if pinned is not None and pinned in names:
        return pinned, False
    if held is not None and held[0] in names and now - held[1] < sticky_seconds:
        return held[0], False
    return choose(arms, rng, min_share=min_share), True


def prob_best(arms: Sequence[Arm], *, draws: int = 4000, seed: int = 0) -> dict[str, float]:
    """Each variant's posterior probability of being the best (Monte Carlo, deterministic by ``seed``)."""
    if not arms:
        return {}
    rng = random.Random(seed)
    wins = dict.fromkeys((a.variant for a in arms), 0)
    for _ in range(draws):
        best = max(arms, key=lambda a: rng.betavariate(a.alpha, a.beta))
        wins[best.variant] += 1
    return {name: n / draws for name, n in wins.items()}


# ------------------------------------------------------------------ Beta distribution


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-12:
            break
    return h


def beta_cdf(x: float, a: float, b: float) -> float:
    """The regularized incomplete beta function I_x(a, b): P(X <= x) for X ~ Beta(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _betacf(a, b, x) / a
    return 1.0 - math.exp(log_front) * _betacf(b, a, 1.0 - x) / b


def beta_ppf(q: float, a: float, b: float) -> float:
    """The q-quantile of Beta(a, b), by bisection on :func:`beta_cdf` (to 1e-9)."""
    if not 0.0 <= q <= 1.0:
        raise ValueError("q must lie in [0, 1]")
    lo, hi = 0.0, 1.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if beta_cdf(mid, a, b) < q:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def credible_interval(arm: Arm, mass: float = 0.95) -> tuple[float, float]:
    """The equal-tailed ``mass`` credible interval of the arm's mean rating (reward scale 0..1)."""
    tail = (1.0 - mass) / 2
    return beta_ppf(tail, arm.alpha, arm.beta), beta_ppf(1.0 - tail, arm.alpha, arm.beta)
