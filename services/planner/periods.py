"""Date ranges a database question names ("上个月", "last week", "最近7天"), resolved against a day.

The parser resolves days (昨天, 12月3日, next Friday) into the `date`/`days` entities, looking
forward as a weather question does. A question about stored data looks back over calendar periods,
which the parser leaves alone; they are resolved here, for the text-to-SQL prompt. Weeks start on
Monday. Ranges are inclusive ISO days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

_ZH_NUM = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


@dataclass(frozen=True)
class DateRange:
    phrase: str
    start: date
    end: date

    def describe(self) -> str:
        if self.start == self.end:
            return f"{self.phrase} = {self.start.isoformat()}"
        return f"{self.phrase} = {self.start.isoformat()} .. {self.end.isoformat()}"


def _month(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return first, nxt - timedelta(days=1)


def _last_month(today: date) -> tuple[date, date]:
    return _month(today.year - (today.month == 1), (today.month - 2) % 12 + 1)


def _week(today: date, back: int) -> tuple[date, date]:
    monday = today - timedelta(days=today.weekday() + 7 * back)
    return monday, monday + timedelta(days=6)


def _count(token: str) -> int:
    if token.isdigit():
        return int(token)
    if token.startswith("十"):
        return 10 + _ZH_NUM.get(token[1:], 0)
    if "十" in token:
        tens, _, ones = token.partition("十")
        return _ZH_NUM.get(tens, 1) * 10 + _ZH_NUM.get(ones, 0)
    return _ZH_NUM.get(token, 0)


_RULES: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(r"上个?月|\blast\s+month\b", re.I), lambda m, t: _last_month(t)),
    (re.compile(r"本月|这个?月|当月|\bthis\s+month\b", re.I), lambda m, t: _month(t.year, t.month)),
    (
        re.compile(r"上个?(?:周|星期|礼拜)(?![一二三四五六日天1-7])|\blast\s+week\b", re.I),
        lambda m, t: _week(t, 1),
    ),
    (
        re.compile(r"(?:本|这个?)(?:周|星期|礼拜)(?![一二三四五六日天1-7末])|\bthis\s+week\b", re.I),
        lambda m, t: _week(t, 0),
    ),
    (
        re.compile(r"去年|\blast\s+year\b", re.I),
        lambda m, t: (date(t.year - 1, 1, 1), date(t.year - 1, 12, 31)),
    ),
    (re.compile(r"今年|本年|\bthis\s+year\b", re.I), lambda m, t: (date(t.year, 1, 1), date(t.year, 12, 31))),
    (
        re.compile(
            r"(?:最近|过去|近)的?([0-9一二两三四五六七八九十]{1,3})[天日]|\b(?:last|past)\s+(\d{1,3})\s+days\b",
            re.I,
        ),
        lambda m, t: (t - timedelta(days=max(1, _count(m.group(1) or m.group(2))) - 1), t),
    ),
    (
        re.compile(r"(?<![0-9年])(1[0-2]|[1-9])月份?(?![0-9一二三四五六七八九十]*[日号])"),
        lambda m, t: _month(t.year if int(m.group(1)) <= t.month else t.year - 1, int(m.group(1))),
    ),
]


def date_ranges(text: str, today: date, entities: dict[str, Any] | None = None) -> list[DateRange]:
    """Calendar periods named in `text`; when there are none, the parser's `date`/`days` entities."""
    found: list[DateRange] = []
    taken: list[tuple[int, int]] = []
    for pattern, resolve in _RULES:
        for m in pattern.finditer(text):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            start, end = resolve(m, today)
            taken.append(m.span())
            found.append(DateRange(m.group(0), start, end))
    if found or not entities or not entities.get("date"):
        return found
    try:
        first = date.fromisoformat(str(entities["date"]))
    except ValueError:
        return []
    days = int(entities.get("days") or 1)
    return [DateRange("date", first, first + timedelta(days=max(1, days) - 1))]
