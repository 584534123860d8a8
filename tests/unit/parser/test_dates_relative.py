"""Relative dates in both languages, read in the request's time zone (issue 17).

The rules (TEAM.md): "this <weekday>"/本周X/这周X/周X is the next such day on or after today; "next <weekday>"/下周X
is that weekday in the next calendar week (Monday to Sunday); weekend/周末/this weekend is the next Saturday on or
after today, two days. Asked on a Sunday, "this Friday" is the coming one, never the one before.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from autoglm.services.parser.dates import date_entities
from autoglm.services.parser.pipeline import parse_request

SUNDAY = date(2026, 11, 29)
SATURDAY = date(2026, 11, 28)
MONDAY = date(2026, 11, 30)


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("这周五", SUNDAY, {"date": "2026-12-04"}),
        ("本周三", SUNDAY, {"date": "2026-12-02"}),
        ("这个星期二", MONDAY, {"date": "2026-12-01"}),
        ("这礼拜天", SUNDAY, {"date": "2026-11-29"}),  # today is the one "this" means
        ("周四", SUNDAY, {"date": "2026-12-03"}),
        ("下周四", SUNDAY, {"date": "2026-12-03"}),  # Sunday ends the calendar week: next week starts tomorrow
        ("下周四", MONDAY, {"date": "2026-12-10"}),
        ("this Thursday", SUNDAY, {"date": "2026-12-03"}),
        ("this coming Tuesday", SUNDAY, {"date": "2026-12-01"}),
        ("the upcoming Wednesday", SATURDAY, {"date": "2026-12-02"}),
        ("coming Sunday", SUNDAY, {"date": "2026-11-29"}),
        ("next Wednesday", SUNDAY, {"date": "2026-12-02"}),
        ("周末", SUNDAY, {"date": "2026-12-05", "days": 2}),
        ("这周末", SATURDAY, {"date": "2026-11-28", "days": 2}),
        ("下周末", MONDAY, {"date": "2026-12-12", "days": 2}),
        ("周六和周日", SUNDAY, {"date": "2026-12-05", "days": 2}),
        ("礼拜六礼拜天", MONDAY, {"date": "2026-12-05", "days": 2}),
        ("下周六日", MONDAY, {"date": "2026-12-12", "days": 2}),
        ("this weekend", SUNDAY, {"date": "2026-12-05", "days": 2}),
        ("the coming weekend", MONDAY, {"date": "2026-12-05", "days": 2}),
        ("next weekend", MONDAY, {"date": "2026-12-12", "days": 2}),
        ("this Saturday and Sunday", SUNDAY, {"date": "2026-12-05", "days": 2}),
        ("Saturday & Sunday", MONDAY, {"date": "2026-12-05", "days": 2}),
    ],
)
def test_relative_days(text: str, today: date, expected: dict[str, object]) -> None:
    assert date_entities(text, today) == expected


def test_weather_word_after_a_weekday_is_not_sunday() -> None:
    # 周六天气: 天 is the first half of 天气, not 星期天
    assert date_entities("周六天气怎么样", SUNDAY) == {"date": "2026-12-05"}


@pytest.mark.parametrize(
    ("text", "now", "tz", "day"),
    [
        # 20:00 on Saturday in Los Angeles is already Sunday in UTC: "tomorrow" is the Sunday.
        ("weather in Los Angeles tomorrow", "2026-11-28T20:00:00-08:00", "America/Los_Angeles", "2026-11-29"),
        # the same instant read in Shanghai is Sunday noon: "tomorrow" is Monday
        ("明天上海天气", "2026-11-28T20:00:00-08:00", "Asia/Shanghai", "2026-11-30"),
        # 01:00 Monday in Tokyo is still Sunday in London: "this Friday" counts from Monday there
        ("Tokyo weather this Friday", "2026-11-29T16:00:00+00:00", "Asia/Tokyo", "2026-12-04"),
        ("这周六北京冷吗", "2026-11-29T23:30:00+08:00", "Asia/Shanghai", "2026-12-05"),
    ],
)
def test_dates_are_read_in_the_request_zone(text: str, now: str, tz: str, day: str) -> None:
    graph = parse_request(text, now=datetime.fromisoformat(now), tz=tz)
    assert graph.intents[0].entities["date"] == day
