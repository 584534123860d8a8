"""The prompt bandit (shared/bandit.py): rewards, the Beta posterior's credible interval, Thompson choice with a
minimum exploration share, pins, stickiness, and a simulation with a scripted rater (shared/devtools/bandit_sim.py)."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from autoglm.shared.bandit import (
    Arm,
    beta_cdf,
    beta_ppf,
    choose,
    credible_interval,
    prob_best,
    reward,
    sticky_choice,
)
from autoglm.shared.devtools.bandit_sim import simulate


def test_rewards_on_both_scales() -> None:
    assert reward(1, "thumbs") == 1.0 and reward(-1, "thumbs") == 0.0
    assert [reward(s, "stars") for s in range(1, 6)] == [0.0, 0.25, 0.5, 0.75, 1.0]
    for bad in ((0, "thumbs"), (6, "stars"), (1, "emoji")):
        with pytest.raises(ValueError):
            reward(*bad)


def test_beta_cdf_and_quantile_agree_with_known_values() -> None:
    assert beta_cdf(0.3, 1, 1) == pytest.approx(0.3)  # uniform
    assert beta_cdf(0.5, 2, 2) == pytest.approx(0.5)
    assert beta_cdf(0.2, 2, 5) == pytest.approx(0.34464, abs=1e-5)  # 1 - (1-x)^6 - 6x(1-x)^5
    for a, b, q in ((2, 5, 0.1), (30, 10, 0.975), (0.5, 0.5, 0.3), (400, 600, 0.025)):
        assert beta_cdf(beta_ppf(q, a, b), a, b) == pytest.approx(q, abs=1e-7)


def test_credible_interval_narrows_with_ratings_and_covers_the_mean() -> None:
    few, many = Arm("a", 7, 3), Arm("a", 700, 300)
    lo_few, hi_few = credible_interval(few)
    lo_many, hi_many = credible_interval(many)
    assert lo_few < few.mean < hi_few and lo_many < 0.7 < hi_many
    assert (hi_many - lo_many) < (hi_few - lo_few) / 5
    assert credible_interval(Arm("new")) == pytest.approx((0.025, 0.975), abs=1e-6)


def test_thompson_prefers_the_better_arm_but_keeps_the_minimum_share() -> None:
    arms = [Arm("good", 90, 10), Arm("bad", 10, 90), Arm("worse", 5, 95)]
    rng = random.Random(7)
    picks = Counter(choose(arms, rng, min_share=0.05) for _ in range(6000))
    assert picks["good"] / 6000 > 0.85
    for name in ("bad", "worse"):  # 3 x 5% uniform draws: each keeps ~5% of new users
        assert 0.035 < picks[name] / 6000 < 0.07
    assert set(Counter(choose(arms, rng, min_share=0.0) for _ in range(500))) == {"good"}


def test_a_pin_takes_every_assignment_and_stickiness_holds_until_it_expires() -> None:
    arms = [Arm("a", 100, 0), Arm("b", 0, 100)]
    rng = random.Random(1)
    assert {choose(arms, rng, pinned="b") for _ in range(50)} == {"b"}
    assert sticky_choice(arms, rng, held=("b", 0.0), now=10.0, sticky_seconds=60) == ("b", False)
    assert sticky_choice(arms, rng, held=("b", 0.0), now=10.0, sticky_seconds=60, pinned="a") == ("a", False)
    variant, fresh = sticky_choice(arms, rng, held=("b", 0.0), now=61.0, sticky_seconds=60, min_share=0)
    assert (variant, fresh) == ("a", True)
    # a held variant that was retired (not among the live arms) is replaced at once
    assert sticky_choice([Arm("a")], rng, held=("gone", 0.0), now=1.0, sticky_seconds=60) == ("a", True)


def test_prob_best_is_deterministic_and_sums_to_one() -> None:
    arms = [Arm("a", 30, 10), Arm("b", 20, 20)]
    p = prob_best(arms, seed=3)
    assert p == prob_best(arms, seed=3) and sum(p.values()) == pytest.approx(1.0)
    assert p["a"] > 0.95


@pytest.mark.parametrize("seed", range(6))
def test_simulated_users_with_a_fixed_preference_steer_the_bandit(seed: int) -> None:
    """200 users, a scripted rater that likes `fs-best` (75% thumbs up) over `concise` (55%) and the base
    templates (45%): the best variant serves 80% of a trailing window of 100 tasks within 800 ratings, most of the
    last 1,000 tasks, and the ratings beat a fixed prompt's."""
    run = simulate(bandit=True, seed=seed)
    fixed = simulate(bandit=False, seed=seed)
    within = run.ratings_until_share(0.8)
    assert within is not None and within <= 800
    last = run.log[-1000:]
    assert sum(v == "fs-best" for v, _ in last) / len(last) >= 0.8
    _, b_rated, b_up = run.totals()
    _, f_rated, f_up = fixed.totals()
    assert b_up / b_rated > f_up / f_rated + 0.15
