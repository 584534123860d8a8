"""Admission by time, with a measured step time and no model (issue 16 item 5)."""

from __future__ import annotations

import pytest

from autoglm.services.inference.admission import StepMeter, plan_admission


def meter(step_s: float = 0.05, batch: int = 1) -> StepMeter:
    m = StepMeter(used_share=1.0)
    for _ in range(10):
        m.observe_step(batch, step_s)
    return m


def test_an_unmeasured_engine_admits_everything() -> None:
    out = plan_admission(StepMeter(), deadline_s=1, max_new_tokens=500, running_left=[1000] * 8,
                         waiting_budgets=[1000] * 8, max_batch=8)
    assert out.max_new_tokens == 500 and not out.busy


def test_an_idle_engine_keeps_the_budget_that_fits() -> None:
    out = plan_admission(meter(0.05), deadline_s=60, max_new_tokens=256, running_left=[], waiting_budgets=[],
                         max_batch=8)
    assert out.max_new_tokens == 256 and out.start_s == 0


def test_a_short_deadline_gets_a_shorter_budget() -> None:
    # (10 s - 1 s fixed) * 0.8 / 0.05 s per token = 144 tokens
    out = plan_admission(meter(0.05), deadline_s=10, max_new_tokens=256, running_left=[], waiting_budgets=[],
                         max_batch=8)
    assert out.max_new_tokens == 144 and not out.busy


def test_a_full_queue_says_busy_at_once() -> None:
    # one row, busy for 1,000 more tokens (50 s): a request with a 30 s deadline cannot start in time
    out = plan_admission(meter(0.05), deadline_s=30, max_new_tokens=128, running_left=[1000], waiting_budgets=[],
                         max_batch=1)
    assert out.busy and out.start_s == pytest.approx(50)
    assert "busy" in out.reason(30) and "~50 s" in out.reason(30)


def test_waiting_sequences_ahead_take_the_free_rows_first() -> None:
    m = meter(0.1, batch=2)
    # rows free at 2 s and 10 s; the waiting one (budget 20 tokens = 2 s) takes the first: we start at 4 s
    out = plan_admission(m, deadline_s=100, max_new_tokens=50, running_left=[20, 100], waiting_budgets=[20],
                         max_batch=2)
    assert out.start_s == pytest.approx(4.0) and out.max_new_tokens == 50


def test_budgets_count_for_the_share_generations_really_use() -> None:
    m = meter(0.05)
    m.used_share = 0.25
    out = plan_admission(m, deadline_s=30, max_new_tokens=128, running_left=[1000], waiting_budgets=[],
                         max_batch=1)
    assert out.start_s == pytest.approx(12.5) and not out.busy  # 250 expected tokens ahead, not 1,000


def test_step_time_scales_from_the_nearest_measured_batch() -> None:
    m = meter(0.04, batch=4)
    assert m.step_time(4) == pytest.approx(0.04)
    assert m.step_time(16) == pytest.approx(0.04 * (0.5 + 0.5 * 16 / 4))
    assert m.step_time(1) == pytest.approx(0.04)
    m.observe_finish(32, 128)
    assert m.used_share < 1.0
