"""datetime: the current time in a zone, date arithmetic, and the difference between two instants.

Date arithmetic is calendar arithmetic: ``months`` and ``years`` move the calendar date (Jan 31 + 1 month is
Feb 28 or 29, the month's last day), then ``weeks``, ``days``, ``hours`` and ``minutes`` are added as
durations. Every amount is bounded (a year range the calendar can hold), and out-of-range results are an
error with a reason.
"""

import calendar
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field

from ..context import ToolContext, ToolError
from ..plugin import ToolDefinition, definition_from_function

WEEKDAYS_ZH = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"]


class DateTimeResult(BaseModel):
    operation: str
    timezone: str
    iso: str = Field(description="The resulting instant, ISO 8601 with offset.")
    date: str
    time: str
    weekday: str
    weekday_zh: str
    unix: float
    difference_seconds: float | None = Field(None, description="For `diff`: end - start, in seconds.")
    difference_days: float | None = None

    def tool_text(self) -> str:
        if self.difference_seconds is not None:
            return f"{self.difference_days:g} days ({self.difference_seconds:g} s)"
        if self.operation == "add" and self.time == "00:00:00":
            return f"{self.date} ({self.weekday})"  # date arithmetic on a date reads as a date
        return f"{self.iso} ({self.weekday})"


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ToolError(f"unknown time zone {name!r}; use an IANA name such as Asia/Shanghai") from None


def _parse(value: str, zone: ZoneInfo) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ToolError(f"not an ISO 8601 date or time: {value!r}") from None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def add_calendar(moment: datetime, months: int) -> datetime:
    """``moment`` moved by whole calendar months, clamped to the target month's last day."""
    index = moment.year * 12 + (moment.month - 1) + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise ToolError("date out of range")
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def make_datetime(default_timezone: str) -> ToolDefinition:
    def datetime_tool(
        timezone: Annotated[
            str | None, Field(description="IANA zone; default from config.", examples=["Asia/Shanghai"])
        ] = None,
        operation: Annotated[
            Literal["now", "add", "diff"],
            Field(description="now: current time; add: start + offset; diff: end - start."),
        ] = "now",
        start: Annotated[str | None, Field(description="ISO date/time for add/diff (default: now).")] = None,
        end: Annotated[str | None, Field(description="ISO date/time for diff.")] = None,
        years: Annotated[int, Field(ge=-1000, le=1000, description="Calendar years (add).")] = 0,
        months: Annotated[int, Field(ge=-12000, le=12000, description="Calendar months (add).")] = 0,
        weeks: Annotated[float, Field(ge=-5218, le=5218)] = 0,
        days: Annotated[float, Field(ge=-36500, le=36500)] = 0,
        hours: Annotated[float, Field(ge=-876000, le=876000)] = 0,
        minutes: Annotated[float, Field(ge=-52560000, le=52560000)] = 0,
        ctx: ToolContext | None = None,
    ) -> DateTimeResult:
        """Current date and time in a time zone, date arithmetic (add) and differences (diff)."""
        zone_name = timezone or default_timezone
        zone = _zone(zone_name)
        now = (ctx.now if ctx and ctx.now else datetime.now(UTC)).astimezone(zone)
        moment = _parse(start, zone) if start else now
        diff: float | None = None
        if operation == "add":
            try:
                if years or months:
                    moment = add_calendar(moment, years * 12 + months)
                moment = moment + timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes)
            except OverflowError:
                raise ToolError("date out of range") from None
        elif operation == "diff":
            if end is None:
                raise ToolError("diff needs `end`")
            diff = (_parse(end, zone) - moment).total_seconds()
        return DateTimeResult(
            operation=operation,
            timezone=zone_name,
            iso=moment.isoformat(timespec="seconds"),
            date=moment.date().isoformat(),
            time=moment.strftime("%H:%M:%S"),
            weekday=moment.strftime("%A"),
            weekday_zh=WEEKDAYS_ZH[moment.weekday()],
            unix=moment.timestamp(),
            difference_seconds=diff,
            difference_days=None if diff is None else round(diff / 86400, 6),
        )

    return definition_from_function(
        datetime_tool, name="datetime", title="Date and time", read_only=True, idempotent=False, timeout_s=5.0,
        inline=True,
    )
