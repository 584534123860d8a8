"""Calendar periods in database questions, resolved against a reference day (weeks start on Monday)."""

from __future__ import annotations

from datetime import date

import pytest

from autoglm.services.planner.periods import date_ranges

WED = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("上个月销售额最高的产品是什么", WED, [("上个月", "2026-10-01", "2026-10-31")]),
        ("上月的订单", date(2026, 1, 15), [("上月", "2025-12-01", "2025-12-31")]),
        (
            "how many orders were shipped to Shanghai last week",
            WED,
            [("last week", "2026-11-16", "2026-11-22")],
        ),
        ("本周的订单", WED, [("本周", "2026-11-23", "2026-11-29")]),
        ("this month's revenue", date(2024, 2, 10), [("this month", "2024-02-01", "2024-02-29")]),
        ("最近7天的订单", WED, [("最近7天", "2026-11-19", "2026-11-25")]),
        ("orders in the past 30 days", WED, [("past 30 days", "2026-10-27", "2026-11-25")]),
        ("近三十天", WED, [("近三十天", "2026-10-27", "2026-11-25")]),
        ("10月份的订单", WED, [("10月份", "2026-10-01", "2026-10-31")]),
        ("12月的订单", WED, [("12月", "2025-12-01", "2025-12-31")]),  # a month still ahead: last year's
        ("去年和今年", WED, [("去年", "2025-01-01", "2025-12-31"), ("今年", "2026-01-01", "2026-12-31")]),
        ("上周五的订单", WED, []),  # a day: the parser's `date` entity
        ("11月3日的订单", WED, []),
        ("列出金额大于500的订单", WED, []),
    ],
)
def test_periods(text: str, today: date, expected: list[tuple[str, str, str]]) -> None:
    got = [(r.phrase, r.start.isoformat(), r.end.isoformat()) for r in date_ranges(text, today)]
    assert got == expected


def test_parser_days_are_used_when_no_period_is_named() -> None:
    assert [
        (r.start.isoformat(), r.end.isoformat())
        for r in date_ranges("x", WED, {"date": "2026-11-24", "days": 3})
    ] == [("2026-11-24", "2026-11-26")]
    assert date_ranges("上个月", WED, {"date": "2026-11-24"})[0].phrase == "上个月"
    assert date_ranges("x", WED, {"date": "not a date"}) == []
