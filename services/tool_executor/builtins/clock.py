"""datetime: the current time in a zone, date arithmetic, and the difference between two instants."""

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
                moment = moment + timedelta(days=days, hours=hours, minutes=minutes)
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
