"""Tool-executor configuration: what tools may touch, and how long and how often they may run.

Everything here is a plain pydantic model so the registry can be built from a dict in tests;
:class:`ToolExecutorSettings` adds the ``tools`` section to the shared settings (``AUTOGLM_TOOLS__...``
or the ``tools:`` block of ``autoglm.yaml``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr

from autoglm.shared.config import Settings

DATA_DIR = Path(__file__).parent / "data"
SAMPLE_ORDERS_DB = DATA_DIR / "orders.sqlite"


class ToolLimits(BaseModel):
    """Per-tool overrides of the default limits."""

    timeout_s: float | None = Field(None, gt=0, description="Wall-clock limit of one attempt.")
    max_concurrency: int | None = Field(None, ge=1, description="Calls of this tool running at once.")
    retries: int | None = Field(None, ge=0, le=5, description="Extra attempts; only for idempotent tools.")


class HttpConfig(BaseModel):
    """Limits of http_get. Non-public addresses are refused unless listed in `private_allowlist`."""

    allowed_hosts: list[str] = Field(
        default_factory=lambda: ["*"],
        description="Host patterns http_get may fetch: `example.com`, `*.example.com`, `host:port`, or `*` "
        "(any host whose resolved address is public).",
    )
    private_allowlist: list[str] = Field(
        default_factory=list,
        description="Non-public addresses that may still be reached: `127.0.0.1:8080`, `10.0.0.0/8`, `::1`.",
        examples=[["127.0.0.1:8080"]],
    )
    allowed_schemes: list[str] = Field(default_factory=lambda: ["http", "https"])
    max_response_bytes: int = Field(1_048_576, ge=1, description="Decoded body bytes read before refusing.")
    max_redirects: int = Field(5, ge=0, le=20)
    connect_timeout_s: float = Field(5.0, gt=0)
    read_timeout_s: float = Field(10.0, gt=0)
    user_agent: str = "Open-AutoGLM tool_executor"


class WeatherConfig(BaseModel):
    """Open-Meteo-compatible endpoints (operator-chosen, so not subject to the http_get allowlist)."""

    geocoding_base_url: str = Field("https://geocoding-api.open-meteo.com", description="Serves /v1/search.")
    forecast_base_url: str = Field("https://api.open-meteo.com", description="Serves /v1/forecast.")
    language: str = Field("zh", description="Language of geocoding results.")
    max_days: int = Field(16, ge=1, le=16)


class SqlDatabase(BaseModel):
    """One database sql_query may read. SQLite paths are resolved against data_dir when relative."""

    kind: Literal["sqlite", "postgres"] = "sqlite"
    path: Path | None = Field(None, description="SQLite file (opened read-only).")
    dsn: SecretStr | None = Field(None, description="PostgreSQL DSN (needs the `psycopg` package).")
    description: str = Field("", description="Shown to the planner in the tool description.")


def _default_databases() -> dict[str, SqlDatabase]:
    return {
        "orders": SqlDatabase(kind="sqlite", path=SAMPLE_ORDERS_DB, description="Sample orders (demo data).")
    }


class SqlConfig(BaseModel):
    databases: dict[str, SqlDatabase] = Field(default_factory=_default_databases)
    default_database: str = "orders"
    max_rows: int = Field(200, ge=1, le=10_000, description="Rows returned; more are cut and flagged.")
    timeout_s: float = Field(5.0, gt=0, description="Statement deadline, enforced inside the database.")


class McpServerConfig(BaseModel):
    """An external MCP server whose tools are registered as `<prefix>__<tool>`."""

    name: str = Field(pattern=r"^[A-Za-z0-9_-]{1,32}$", description="Server name; the default tool prefix.")
    transport: Literal["stdio", "streamable_http"] = "stdio"
    command: str | None = Field(None, description="stdio: executable to start.")
    args: list[str] = Field(default_factory=list)
    env: dict[str, str] | None = None
    cwd: Path | None = None
    url: str | None = Field(None, description="streamable_http: endpoint URL, e.g. http://host:8000/mcp.")
    headers: dict[str, str] = Field(default_factory=dict)
    prefix: str | None = Field(None, description="Tool-name prefix; default `name`.")
    connect_timeout_s: float = Field(20.0, gt=0, description="Limit of one start: connect, initialize, list.")
    enabled: bool = True
    restart_attempts: int = Field(
        5,
        ge=0,
        le=100,
        description="Restarts tried in a row once a running server's connection is lost (0: none). The count "
        "starts again after the server has stayed up for 60 s, so only a crash loop runs it out.",
    )
    restart_backoff_s: float = Field(
        0.5, ge=0, description="Wait before the first restart; doubles per attempt, at most 30 s."
    )
    ping_interval_s: float = Field(
        5.0,
        ge=0,
        description="How often a connected server is pinged, so a server that died between calls is "
        "restarted before the next call (0: only a failing call notices).",
    )


class ToolsConfig(BaseModel):
    """The `tools` section of the settings."""

    enabled: list[str] | None = Field(None, description="Only these tools are registered (None: all).")
    disabled: list[str] = Field(default_factory=list, description="Tools never registered.")
    default_timeout_s: float = Field(15.0, gt=0)
    default_max_concurrency: int = Field(8, ge=1)
    default_retries: int = Field(1, ge=0, le=5, description="Extra attempts for idempotent tools only.")
    retry_backoff_s: float = Field(0.2, ge=0, description="First backoff; doubles per attempt.")
    max_output_bytes: int = Field(1_000_000, ge=1_000, description="Serialized result size cap.")
    per_tool: dict[str, ToolLimits] = Field(default_factory=dict, description="Overrides by tool name.")
    default_timezone: str = Field("Asia/Shanghai", description="datetime's zone when none is given.")
    http: HttpConfig = Field(default_factory=HttpConfig)
    weather: WeatherConfig = Field(default_factory=WeatherConfig)
    sql: SqlConfig = Field(default_factory=SqlConfig)
    plugins_enabled: bool = Field(True, description="Load tools from the `autoglm.tools` entry-point group.")
    plugins_allow: list[str] | None = Field(None, description="Entry-point names to load (None: all).")
    mcp_servers: list[McpServerConfig] = Field(default_factory=list)


class ToolExecutorSettings(Settings):
    """Shared settings plus the tool executor's section."""

    tools: ToolsConfig = Field(default_factory=ToolsConfig)
