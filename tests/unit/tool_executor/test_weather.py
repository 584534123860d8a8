"""weather against the fake Open-Meteo: geocoding + forecast, relative dates, synthetic-data label."""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from autoglm.services.tool_executor.builtins.weather import make_weather
from autoglm.services.tool_executor.config import ToolsConfig, WeatherConfig
from autoglm.services.tool_executor.context import ToolContext
from autoglm.services.tool_executor.registry import ToolRegistry
from autoglm.shared.devtools import fake_open_meteo

CTX = ToolContext(now=datetime(2026, 11, 25, 2, 0, tzinfo=UTC))


@pytest.fixture
def base_url() -> Iterator[str]:
    with fake_open_meteo.serve() as url:
        yield url


def registry(base_url: str) -> ToolRegistry:
    reg = ToolRegistry(ToolsConfig(plugins_enabled=False, default_retries=0))
    reg.add(make_weather(WeatherConfig(geocoding_base_url=base_url, forecast_base_url=base_url)))
    return reg


async def test_beijing_tomorrow(base_url: str) -> None:
    result = await registry(base_url).call("weather", {"city": "北京", "date": "明天"}, CTX)
    assert not result.isError, result.text
    data = result.structuredContent
    assert data is not None
    assert data["location"] == "北京" and data["timezone"] == "Asia/Shanghai"
    assert data["source"] == "synthetic demo data"
    [day] = data["days"]
    assert day["date"] == "2026-11-26"
    assert day["temperature_min"] < day["temperature_max"]
    assert day["weather_zh"] and day["weather"]
    assert "synthetic demo data" in result.text


async def test_deterministic_multi_day(base_url: str) -> None:
    reg = registry(base_url)
    args = {"city": "Beijing", "date": "2026-11-26", "days": 3}
    first = await reg.call("weather", args, CTX)
    second = await reg.call("weather", args, CTX)
    assert first.structuredContent == second.structuredContent
    assert [d["date"] for d in first.structuredContent["days"]] == ["2026-11-26", "2026-11-27", "2026-11-28"]  # type: ignore[index]


async def test_unknown_city_and_bad_date(base_url: str) -> None:
    reg = registry(base_url)
    unknown = await reg.call("weather", {"city": "Atlantis", "date": "today"}, CTX)
    assert unknown.isError and "city not found: Atlantis" in unknown.text
    bad = await reg.call("weather", {"city": "上海", "date": "someday"}, CTX)
    assert bad.isError and "YYYY-MM-DD" in bad.text
    too_many = await reg.call("weather", {"city": "上海", "days": 30}, CTX)
    assert too_many.isError and "days" in too_many.text


async def test_service_down_is_a_clear_error() -> None:
    reg = registry("http://127.0.0.1:9")
    result = await reg.call("weather", {"city": "北京", "date": "today"}, CTX)
    assert result.isError and "weather service unreachable" in result.text
