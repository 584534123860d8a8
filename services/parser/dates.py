"""Relative and absolute dates in Chinese and English, resolved against a reference day.

Conventions (documented in the README):
- 下周X / "next <weekday>": that weekday in the next calendar week (weeks start on Monday); 下下周X two weeks on.
- 今晚/今早 are today, 明早/明晚 tomorrow; fixed-day holidays (元旦, 圣诞节, "Christmas") the next such day.
- 本周X / 这周X / 周X / "this <weekday>" / "coming <weekday>" / "<weekday>": the next such day on or after
  today (asked on a Sunday, "this Friday" is the coming Friday, never the one before).
- X月Y日 / "Dec 3" without a year: this year, or next year when that day has passed.
- 未来N天 / 接下来N天 / "next N days": date = today, days = N. 周末 / 这周末 / "(this) weekend": the next
  Saturday on or after today, days = 2; 下周末 / "next weekend": next calendar week's Saturday, days = 2.
- 周六和周日 / 周六日 / "Saturday and Sunday": as a weekend (Saturday, days = 2), with the same prefixes.
- All of these are read in the request's time zone: the caller passes the day it is there.
- A bare weekday beside a relative day ("Is it Thursday today?", "明天是周五吗") asks about that day: the
  date is the relative day's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from .arith import chinese_to_int

_ZH_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": 5, "1": 0,
               "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}
_EN_WEEKDAY = {"monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
               "thursday": 3, "thu": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5, "sat": 5,
               "sunday": 6, "sun": 6}
_EN_MONTH = {"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
             "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
             "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
             "december": 12, "dec": 12}
_EN_NUM = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
           "nine": 9, "ten": 10, "a couple of": 2, "a few": 3}

_ZH_NUM = "0-9一二两三四五六七八九十"
_WEEKDAY_ZH = r"(?:周|星期|礼拜)([一二三四五六日天1-7])"
_EN_WD = "|".join(sorted(_EN_WEEKDAY, key=len, reverse=True))
_EN_MON = "|".join(sorted(_EN_MONTH, key=len, reverse=True))

# Holidays on a fixed day of the year: the next one, today included ("元旦那天", "on Christmas").
_HOLIDAYS = {"元旦": (1, 1), "情人节": (2, 14), "劳动节": (5, 1), "国庆节": (10, 1), "平安夜": (12, 24),
             "圣诞节": (12, 25), "new year's day": (1, 1), "valentine's day": (2, 14), "christmas eve": (12, 24),
             "christmas day": (12, 25), "christmas": (12, 25)}
_HOLIDAY_RE = "|".join(re.escape(h) if not h.isascii() else rf"\b{re.escape(h)}\b"
                       for h in sorted(_HOLIDAYS, key=len, reverse=True))

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"(?<!\d)(20\d\d)[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")),
    # spaces around the numbers are typing, not meaning ("10 月 1 日", "2027 年 5 月 1 号")
    ("zh_ymd", re.compile(rf"(20\d\d)\s*年\s*([{_ZH_NUM}]{{1,3}})\s*月\s*([{_ZH_NUM}]{{1,3}})\s*[日号]")),
    ("zh_md", re.compile(rf"([{_ZH_NUM}]{{1,3}})\s*月\s*([{_ZH_NUM}]{{1,3}})\s*[日号]")),
    ("zh_range", re.compile(rf"(?:未来|接下来|之后|往后|最近|近)的?([{_ZH_NUM}]{{1,3}})[天日]")),
    ("zh_week", re.compile(r"(?:未来|接下来|之后|最近)的?(?:一|1)(?:周|个星期|个礼拜|星期)")),
    ("en_week", re.compile(r"\b(?:coming|following)\s+week\b", re.I)),
    ("zh_next2_wd", re.compile(r"下下个?(?:周|星期|礼拜)([一二三四五六日天1-7])")),
    ("holiday", re.compile(_HOLIDAY_RE, re.I)),
    ("zh_satsun", re.compile(r"(下个?|下一个?|本|这个?|这一)?(?:周|星期|礼拜)六(?:(?:和|跟|与|、|及|到|至|加)(?:周|星期|礼拜)?[日天]"
                             r"|(?:周|星期|礼拜)[日天]|日)(?!气)")),
    ("zh_next_wd", re.compile(r"(?:下个?|下一个?)(?:周|星期|礼拜)([一二三四五六日天1-7])")),
    ("zh_this_wd", re.compile(r"(?:本|这个?|这一)(?:周|星期|礼拜)([一二三四五六日天1-7])")),
    ("zh_weekend", re.compile(r"(下个?|本|这个?)?(?:周末|礼拜天和礼拜六)")),
    ("zh_wd", re.compile(_WEEKDAY_ZH)),
    ("zh_rel", re.compile(r"大后天|后天|明天|明日|明儿|明早|明晨|明晚|明夜|今天|今日|今儿|今早|今晨|今晚|今夜|昨天|前天|大前天")),
    ("en_range", re.compile(r"\b(?:next|coming|following)\s+(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|a few|a couple of)\s+days\b", re.I)),
    ("en_nday", re.compile(r"\b(\d{1,2}|one|two|three|four|five|six|seven|ten)[- ]day\b", re.I)),
    ("zh_nday", re.compile(rf"([{_ZH_NUM}]{{1,2}})(?:天|日)(?:的)?(?:天气|预报)")),
    ("en_dat", re.compile(r"\bday\s+after\s+tomorrow\b", re.I)),
    ("en_satsun", re.compile(r"\b(?:(this coming|this|next|coming|upcoming)\s+)?saturday\s*(?:and|&|or|through|to|-|/)\s*"
                             r"sunday\b", re.I)),
    ("en_next_wd", re.compile(rf"\bnext\s+({_EN_WD})\b", re.I)),
    ("en_this_wd", re.compile(rf"\b(?:this\s+coming|this|coming|upcoming)\s+({_EN_WD})\b", re.I)),
    ("en_weekend", re.compile(r"\b(this coming|next|this|coming|upcoming)?\s*weekend\b", re.I)),
    ("en_md", re.compile(rf"\b({_EN_MON})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b", re.I)),
    ("en_dm", re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_EN_MON})\b", re.I)),
    ("en_wd", re.compile(rf"\b({_EN_WD})\b", re.I)),
    ("en_rel", re.compile(r"\b(today|tonight|tomorrow|yesterday)\b", re.I)),
]

_ZH_REL = {"今天": 0, "今日": 0, "今儿": 0, "今早": 0, "今晨": 0, "今晚": 0, "今夜": 0, "明天": 1, "明日": 1,
           "明儿": 1, "明早": 1, "明晨": 1, "明晚": 1, "明夜": 1,
           "后天": 2, "大后天": 3, "昨天": -1, "前天": -2, "大前天": -3}
_EN_REL = {"today": 0, "tonight": 0, "tomorrow": 1, "yesterday": -1}
# Ambiguous English short forms ("sat", "sun", "mar", "may", ...) count only in a date phrase.
_AMBIGUOUS_EN = {"sat", "sun", "mar", "may", "wed", "jun", "jan", "dec", "oct", "aug", "sep", "mon", "fri"}


@dataclass(frozen=True)
class DateMatch:
    """A date expression found in text: the resolved day, an optional range length, its span."""

    day: date
    days: int | None
    start: int
    end: int
    kind: str = ""


def _num(token: str) -> int | None:
    token = token.strip().lower()
    if token.isdigit():
        return int(token)
    if token in _EN_NUM:
        return _EN_NUM[token]
    return chinese_to_int(token)


def _this_week(today: date, weekday: int) -> date:
    return today - timedelta(days=today.weekday()) + timedelta(days=weekday)


def _next_week(today: date, weekday: int) -> date:
    return _this_week(today, weekday) + timedelta(days=7)


def _upcoming(today: date, weekday: int) -> date:
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def _month_day(today: date, month: int, day: int, year: int | None = None) -> date | None:
    try:
        result = date(year or today.year, month, day)
    except ValueError:
        return None
    if year is None and result < today:
        try:
            result = date(today.year + 1, month, day)
        except ValueError:
            return None
    return result


def _resolve(kind: str, m: re.Match[str], today: date) -> tuple[date, int | None] | None:
    g = m.groups()
    if kind == "iso":
        d = _month_day(today, int(g[1]), int(g[2]), int(g[0]))
        return (d, None) if d else None
    if kind == "zh_ymd":
        mo, dy = _num(g[1]), _num(g[2])
        d = _month_day(today, mo, dy, int(g[0])) if mo and dy else None
        return (d, None) if d else None
    if kind in ("zh_md", "en_md", "en_dm"):
        if kind == "zh_md":
            mo, dy = _num(g[0]), _num(g[1])
        elif kind == "en_md":
            mo, dy = _EN_MONTH[g[0].lower()], int(g[1])
        else:
            mo, dy = _EN_MONTH[g[1].lower()], int(g[0])
        d = _month_day(today, mo, dy) if mo and dy else None
        return (d, None) if d else None
    if kind in ("zh_range", "en_range", "en_nday", "zh_nday"):
        n = _num(g[0])
        return (today, n) if n and 0 < n <= 31 else None
    if kind in ("zh_week", "en_week"):
        return today, 7
    if kind == "zh_next2_wd":
        # 下下周X: the weekday two calendar weeks ahead.
        return _next_week(today, _ZH_WEEKDAY[g[0]]) + timedelta(days=7), None
    if kind == "holiday":
        month, day = _HOLIDAYS[m.group(0).lower().replace("’", "'")]
        return _month_day(today, month, day), None
    if kind == "zh_next_wd":
        return _next_week(today, _ZH_WEEKDAY[g[0]]), None
    if kind == "zh_this_wd":
        return _upcoming(today, _ZH_WEEKDAY[g[0]]), None
    if kind == "zh_wd":
        return _upcoming(today, _ZH_WEEKDAY[g[0]]), None
    if kind in ("zh_weekend", "en_weekend", "zh_satsun", "en_satsun"):
        prefix = (g[0] or "").lower()
        return (_next_week(today, 5) if prefix.startswith(("下", "next")) else _upcoming(today, 5)), 2
    if kind == "zh_rel":
        return today + timedelta(days=_ZH_REL[m.group(0)]), None
    if kind == "en_dat":
        return today + timedelta(days=2), None
    if kind == "en_next_wd":
        return _next_week(today, _EN_WEEKDAY[g[0].lower()]), None
    if kind == "en_this_wd":
        return _upcoming(today, _EN_WEEKDAY[g[0].lower()]), None
    if kind == "en_wd":
        return _upcoming(today, _EN_WEEKDAY[g[0].lower()]), None
    if kind == "en_rel":
        return today + timedelta(days=_EN_REL[g[0].lower()]), None
    return None


def find_dates(text: str, today: date) -> list[DateMatch]:
    """All date expressions in ``text``, non-overlapping, in text order (earlier patterns win)."""
    taken: list[tuple[int, int]] = []
    found: list[DateMatch] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            if kind in ("en_wd", "en_md", "en_dm") and m.group(0).lower().rstrip(".") in _AMBIGUOUS_EN:
                continue
            resolved = _resolve(kind, m, today)
            if resolved is None:
                continue
            taken.append((m.start(), m.end()))
            found.append(DateMatch(resolved[0], resolved[1], m.start(), m.end(), kind))
    found.sort(key=lambda d: d.start)
    return found


def date_entities(text: str, today: date) -> dict[str, object]:
    """``{"date": ISO, "days": N}`` for the first date expression in ``text`` (``days`` only for
    ranges), or ``{}``."""
    matches = find_dates(text, today)
    if not matches:
        return {}
    first = matches[0]
    kinds = {m.kind for m in matches}
    if kinds & {"zh_wd", "en_wd"} and kinds & {"zh_rel", "en_rel"}:
        # "Is it Thursday today?" / "明天是周五吗": the weekday is what is asked about the named day.
        first = next(m for m in matches if m.kind in ("zh_rel", "en_rel"))
    out: dict[str, object] = {"date": first.day.isoformat()}
    if first.days:
        out["days"] = first.days
    return out
