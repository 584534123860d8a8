"""The prompt bandit against a fixed prompt, with scripted raters (shared/devtools/bandit_sim.py).

Prints, per simulated day, the thumbs-up rate of the bandit and of the fixed prompt and the bandit's share of
traffic to the variant the raters prefer; then, over several seeds, how many ratings it took until that variant
served 50% and 80% of a trailing window of 100 tasks. Writes JSON with every figure (``--out``).

    python scripts/eval_prompt_bandit.py [--users 200] [--days 14] [--seeds 20] [--out data/eval_bandit.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

from autoglm.shared.devtools.bandit_sim import DEFAULT_PREFERENCE, simulate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=200)
    ap.add_argument("--days", type=int, default=14)
    ap.add_argument("--tasks-per-day", type=float, default=2.0)
    ap.add_argument("--rate-prob", type=float, default=0.6)
    ap.add_argument("--min-share", type=float, default=0.05)
    ap.add_argument("--sticky-hours", type=float, default=24.0)
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--out", type=Path, default=Path("data/eval_bandit.json"))
    args = ap.parse_args()
    common = dict(users=args.users, days=args.days, tasks_per_day=args.tasks_per_day, rate_prob=args.rate_prob,
                  sticky_hours=args.sticky_hours, min_share=args.min_share)
    bandit, fixed = simulate(bandit=True, seed=0, **common), simulate(bandit=False, seed=0, **common)
    print(f"raters' thumbs-up probability per variant: {dict(DEFAULT_PREFERENCE)}; {args.users} users, "
          f"{args.tasks_per_day:g} tasks/user/day, {args.rate_prob:.0%} of answers rated, sticky {args.sticky_hours:g} h, "
          f"min share {args.min_share:g} per variant (seed 0)\n")
    print("| day | ratings | bandit 👍 rate | fixed 👍 rate | bandit traffic to fs-best |")
    print("|---|---|---|---|---|")
    days = []
    for b, f in zip(bandit.days, fixed.days, strict=True):
        share = b.traffic.get(bandit.best, 0) / b.tasks if b.tasks else 0.0
        days.append({"day": b.day + 1, "ratings": b.ratings, "bandit": b.mean, "fixed": f.mean, "best_share": share})
        print(f"| {b.day + 1} | {b.ratings} | {b.mean:.3f} | {f.mean:.3f} | {share:.2f} |")
    _, br, bu = bandit.totals()
    _, fr, fu = fixed.totals()
    print(f"| all | {br} | {bu / br:.3f} | {fu / fr:.3f} | "
          f"{sum(d.traffic.get(bandit.best, 0) for d in bandit.days) / sum(d.tasks for d in bandit.days):.2f} |\n")
    print("First 1,000 ratings, in blocks of 100 (seed 0): ratings so far, share of tasks to fs-best, 👍 rate")
    for total, share, up in bandit.windows(100)[:10]:
        print(f"  {total:5d}  {share:.2f}  {up:.2f}")
    to50, to80, gains = [], [], []
    for seed in range(args.seeds):
        run, base = simulate(bandit=True, seed=seed, **common), simulate(bandit=False, seed=seed, **common)
        to50.append(run.ratings_until_share(0.5))
        to80.append(run.ratings_until_share(0.8))
        gains.append(run.totals()[2] / run.totals()[1] - base.totals()[2] / base.totals()[1])
    reached = [x for x in to80 if x is not None]
    print(f"\nover {args.seeds} seeds: ratings until fs-best served 50% of a 100-task window: median "
          f"{statistics.median(x for x in to50 if x is not None):.0f}, max {max(x for x in to50 if x is not None)}; "
          f"80%: median {statistics.median(reached):.0f}, max {max(reached)} ({len(reached)}/{args.seeds} reached); "
          f"thumbs-up rate over the run, bandit minus fixed: mean {statistics.mean(gains):+.3f}, "
          f"min {min(gains):+.3f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"settings": common, "preference": dict(DEFAULT_PREFERENCE), "days": days,
                                    "ratings_until_50": to50, "ratings_until_80": to80, "gain": gains}, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
