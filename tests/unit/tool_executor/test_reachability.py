"""The tool executor says at start-up which tools can work from here (the weather service above all)."""

from __future__ import annotations

import socket

from autoglm.services.tool_executor.config import ToolsConfig
from autoglm.services.tool_executor.reachability import check_tools, summary
from autoglm.shared.devtools.fake_open_meteo import serve


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_weather_pointed_at_the_stand_in_is_reachable() -> None:
    with serve() as url:
        cfg = ToolsConfig(weather={"geocoding_base_url": url, "forecast_base_url": url})
        report = await check_tools(cfg, ["calculator", "weather", "http_get", "kb_search"])
    assert report["weather"].startswith("reachable (127.0.0.1:")
    assert report["calculator"] == "local"
    assert summary(report).startswith("tools reachable: calculator, http_get, kb_search, weather")


async def test_an_unreachable_weather_service_is_named_with_what_to_set() -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    report = await check_tools(ToolsConfig(weather={"geocoding_base_url": url, "forecast_base_url": url}),
                               ["calculator", "weather"], timeout=2)
    assert report["weather"].startswith("unreachable: 127.0.0.1:")
    assert "AUTOGLM_TOOLS__WEATHER__FORECAST_BASE_URL" in report["weather"]
    assert "fake_open_meteo" in report["weather"]
    line = summary(report)
    assert line.startswith("tools reachable: calculator; weather unreachable") and "\n" not in line
