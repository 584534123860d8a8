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
