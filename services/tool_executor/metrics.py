"""Prometheus metrics of the tool executor (served on the service's /metrics with the shared ones)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

MCP_RESTARTS = Counter(
    "autoglm_mcp_restarts_total",
    "Restart attempts of MCP servers whose connection was lost: ok, failed, or gave_up (attempts ran out).",
    ["server", "result"],
)
MCP_SERVER_UP = Gauge("autoglm_mcp_server_up", "1 while the MCP server's session is connected.", ["server"])
