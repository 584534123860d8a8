"""Admission by time: will a new generation finish before its deadline, given the work already queued?

Pure Python (the local backend feeds it and asks it; unit-tested without a model). The engine's decode speed is
*measured*, not assumed: :class:`StepMeter` keeps an exponential moving average of the step time per batch-size
bucket, and how long generations really run compared with their token budget. :func:`plan_admission` then
simulates continuous batching over the running and waiting sequences (each row frees when its expected
tokens are out, a waiting sequence takes the first free row) to estimate when a new request starts and how
many tokens it can produce before its deadline. The answer is to admit it as is, with a smaller token budget,
or to refuse it at once as busy, instead of letting it time out long after.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)


def _bucket(batch: int) -> int:
    return next((b for b in _BUCKETS if batch <= b), _BUCKETS[-1])


@dataclass
class StepMeter:
    """Measured decode step times (EMA per batch-size bucket) and the share of its budget a generation uses."""

    alpha: float = 0.2
    step_s: dict[int, float] = field(default_factory=dict)
    used_share: float = 0.6  # prior: generations stop at EOS well before their budget
    samples: int = 0

    def observe_step(self, batch: int, seconds: float) -> None:
        if batch <= 0 or seconds <= 0:
            return
        b = _bucket(batch)
        old = self.step_s.get(b)
        self.step_s[b] = seconds if old is None else old + self.alpha * (seconds - old)
        self.samples += 1

    def observe_finish(self, generated: int, budget: int) -> None:
        if budget > 0:
            share = min(1.0, generated / budget)
            self.used_share += self.alpha * (share - self.used_share)

    @property
    def ready(self) -> bool:
        """Enough steps seen to say anything (before that, everything is admitted)."""
        return self.samples >= 8

    def step_time(self, batch: int) -> float:
        """Seconds per decode step at ``batch`` rows: the bucket's own figure, else the nearest measured one
        scaled (a step's cost grows sublinearly with its rows on CPU)."""
        if not self.step_s:
            return 0.0
        b = _bucket(max(1, batch))
        if b in self.step_s:
            return self.step_s[b]
        nearest = min(self.step_s, key=lambda k: abs(math.log2(k) - math.log2(b)))
        t = self.step_s[nearest]
        return t * (0.5 + 0.5 * b / nearest) if b > nearest else t

    @property
    def tokens_per_s(self) -> float:
        """One row's decode speed at the most measured batch size (for logs and metrics)."""
        if not self.step_s:
            return 0.0
        t = min(self.step_s.values())
        return 1.0 / t if t > 0 else 0.0


@dataclass(frozen=True, slots=True)
class Admission:
    """``max_new_tokens`` to run with (possibly fewer than asked), or ``busy`` with the estimate that says why."""

    max_new_tokens: int
    busy: bool = False
    start_s: float = 0.0  # expected wait before the request's first decode step
    step_s: float = 0.0  # expected seconds per token once it runs

    def reason(self, deadline_s: float) -> str:
        return (f"the engine is busy: this request would start in ~{self.start_s:.0f} s and then produce a token "
                f"every ~{self.step_s * 1000:.0f} ms, too late for its {deadline_s:.0f} s deadline")


def plan_admission(
    meter: StepMeter,
    *,
    deadline_s: float,
    max_new_tokens: int,
    running_left: Iterable[int],
    waiting_budgets: Iterable[int],
    max_batch: int,
    min_tokens: int = 24,
    safety: float = 0.8,
    fixed_s: float = 1.0,
) -> Admission:
    """What to do with a new request whose deadline is ``deadline_s`` from now.

    ``running_left``: token budget each running sequence has left; ``waiting_budgets``: the budgets of the
    sequences queued before it. A budget counts for ``meter.used_share`` of itself (generations usually
    end at EOS). ``fixed_s`` covers its prefill and the hops around it; ``safety`` keeps a margin on the rest.
    At least ``min_tokens`` (or the whole budget when smaller) must fit, else it is busy.
    """
    if not meter.ready or deadline_s <= 0:
        return Admission(max_new_tokens)
    running = [max(1.0, n * meter.used_share) for n in running_left]
    waiting = [max(1.0, n * meter.used_share) for n in waiting_budgets]
    rows = len(running) + len(waiting) + 1
    step = meter.step_time(min(rows, max_batch))
    # Continuous batching: rows free as sequences end; a queued sequence takes the first free row.
    finish = [n * step for n in running]
    heapq.heapify(finish)
    start = 0.0
    for n in [*waiting, None]:
        begin = 0.0
        if len(finish) >= max_batch:
            begin = heapq.heappop(finish)
        if n is None:
            start = begin
        else:
            heapq.heappush(finish, begin + n * step)
    usable = (deadline_s - fixed_s - start) * safety
    fits = int(usable / step) if step > 0 else max_new_tokens
    if fits >= max_new_tokens:
        return Admission(max_new_tokens, start_s=start, step_s=step)
    if fits >= min(min_tokens, max_new_tokens):
        return Admission(fits, start_s=start, step_s=step)
    return Admission(0, busy=True, start_s=start, step_s=step)
