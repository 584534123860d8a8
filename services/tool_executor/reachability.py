"""Which tools can work from here: checked once at start-up and reported in the log and on ``/readyz``.

A machine without internet still answers calculator, datetime and database questions, but the weather
tool calls an external forecast service; saying so at start-up (with what to set) beats a failed task
later. Only the network endpoints a tool is configured with are checked (a TCP connection, a few seconds
at most, in the background); tools that need no network are reported as local.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from urllib.parse import urlsplit

from .config import ToolsConfig

log = logging.getLogger(__name__)

WEATHER_HINT = (
    "weather questions will fail: point tools.weather.geocoding_base_url and forecast_base_url "
    "(AUTOGLM_TOOLS__WEATHER__GEOCODING_BASE_URL, AUTOGLM_TOOLS__WEATHER__FORECAST_BASE_URL) at a reachable "
    "Open-Meteo-compatible server, e.g. the bundled stand-in: python -m autoglm.shared.devtools.fake_open_meteo "
    "--port 8765"
)
LOCAL = "local"


async def endpoint_reachable(url: str, timeout: float) -> str | None:
    """None when a TCP connection to ``url``'s host and port opens within ``timeout``; else why not."""
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        return f"{url!r} has no host"
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    except TimeoutError:
        return f"{host}:{port} did not answer within {timeout:.0f} s"
    except OSError as exc:
        return f"{host}:{port}: {exc.strerror or exc}"
    writer.close()
    return None


async def check_tools(cfg: ToolsConfig, names: Iterable[str], timeout: float = 3.0) -> dict[str, str]:
    """Tool name -> ``local``, ``reachable (<host>)``, ``unreachable: <why>; <what to set>`` or ``not checked: …``."""
    report: dict[str, str] = {}
    for name in sorted(names):
        if name == "weather":
            urls = dict.fromkeys((cfg.weather.geocoding_base_url, cfg.weather.forecast_base_url))
            failures = [why for why in await asyncio.gather(*(endpoint_reachable(u, timeout) for u in urls)) if why]
            if failures:
                report[name] = f"unreachable: {'; '.join(failures)}; {WEATHER_HINT}"
            else:
                report[name] = "reachable (" + ", ".join(urlsplit(u).netloc for u in urls) + ")"
        elif name == "http_get":
            report[name] = "not checked: fetches whatever allowed host a task names (tools.http.allowed_hosts)"
        elif name == "kb_search":
            report[name] = "served by the memory service"
        elif "__" in name:
            report[name] = "MCP server tool (connected at start-up)"
        else:
            report[name] = LOCAL
    return report


def summary(report: dict[str, str]) -> str:
    """One log line: the tools that work here, then each one that doesn't and why."""
    working = [n for n, state in report.items() if not state.startswith("unreachable")]
    line = f"tools reachable: {', '.join(working) or 'none'}"
    for name, state in report.items():
        if state.startswith("unreachable"):
            line += f"; {name} {state}"
    return line
