"""datetime: now in a zone, add, diff; deterministic through ToolContext.now."""

from datetime import UTC, datetime

from autoglm.services.tool_executor.builtins.clock import make_datetime
from autoglm.services.tool_executor.config import ToolsConfig
from autoglm.services.tool_executor.context import ToolContext
from autoglm.services.tool_executor.registry import ToolRegistry

NOW = datetime(2026, 11, 25, 2, 30, tzinfo=UTC)
CTX = ToolContext(now=NOW)


def registry() -> ToolRegistry:
    reg = ToolRegistry(ToolsConfig(plugins_enabled=False))
    reg.add(make_datetime("Asia/Shanghai"))
    return reg


async def test_now_in_default_and_given_zone() -> None:
    reg = registry()
    shanghai = (await reg.call("datetime", {}, CTX)).structuredContent
    assert shanghai is not None
    assert shanghai["iso"] == "2026-11-25T10:30:00+08:00"
    assert shanghai["weekday"] == "Wednesday" and shanghai["weekday_zh"] == "星期三"
    york = (await reg.call("datetime", {"timezone": "America/New_York"}, CTX)).structuredContent
    assert york is not None and york["iso"] == "2026-11-24T21:30:00-05:00"


async def test_real_clock_without_reference() -> None:
    result = await registry().call("datetime", {"timezone": "UTC"}, ToolContext())
    assert not result.isError
    assert abs(result.structuredContent["unix"] - datetime.now(UTC).timestamp()) < 60  # type: ignore[index]


async def test_add_and_diff() -> None:
    reg = registry()
    tomorrow = (await reg.call("datetime", {"operation": "add", "days": 1}, CTX)).structuredContent
    assert tomorrow is not None and tomorrow["date"] == "2026-11-26"
    shifted = (
        await reg.call("datetime", {"operation": "add", "start": "2026-02-28", "days": 1, "hours": 6}, CTX)
    ).structuredContent
    assert shifted is not None and shifted["iso"] == "2026-03-01T06:00:00+08:00"
    diff = await reg.call("datetime", {"operation": "diff", "start": "2026-11-25", "end": "2027-01-01"}, CTX)
    assert diff.structuredContent is not None and diff.structuredContent["difference_days"] == 37


async def test_errors() -> None:
    reg = registry()
    assert "unknown time zone" in (await reg.call("datetime", {"timezone": "Mars/Olympus"}, CTX)).text
    assert "ISO 8601" in (await reg.call("datetime", {"operation": "add", "start": "next week"}, CTX)).text
    assert "needs `end`" in (await reg.call("datetime", {"operation": "diff"}, CTX)).text
    assert (await reg.call("datetime", {"operation": "explode"}, CTX)).isError


async def test_calendar_months_and_years_clamp_to_the_month_end() -> None:
    reg = registry()

    async def add(start: str, **amounts: int) -> str:
        out = (await reg.call("datetime", {"operation": "add", "start": start, **amounts}, CTX)).structuredContent
        assert out is not None
        return str(out["date"])

    assert await add("2026-01-31", months=1) == "2026-02-28"
    assert await add("2028-01-31", months=1) == "2028-02-29"
    assert await add("2025-03-01", days=45) == "2025-04-15"
    assert await add("2024-02-29", years=1) == "2025-02-28"
    assert await add("2026-12-06", weeks=2) == "2026-12-20"
    assert await add("2026-12-06", months=-12) == "2025-12-06"
    text = (await reg.call("datetime", {"operation": "add", "start": "2025-03-01", "days": 45}, CTX)).content[0]["text"]
    assert text == "2025-04-15 (Tuesday)"


async def test_date_arithmetic_is_bounded() -> None:
    reg = registry()
    far = await reg.call("datetime", {"operation": "add", "start": "9999-06-01", "months": 12}, CTX)
    assert far.isError and "out of range" in far.content[0]["text"]
    silly = await reg.call("datetime", {"operation": "add", "years": 5000}, CTX)
    assert silly.isError
