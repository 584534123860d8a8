"""The built-in tools, each made from the config it needs."""

from __future__ import annotations

from pathlib import Path

from ..config import ToolsConfig
from ..plugin import ToolDefinition
from .calculator import make_calculator
from .clock import make_datetime
from .counting import make_text_stats
from .http_fetch import make_http_get
from .kb import KbBackend, make_kb_search
from .sql import make_sql_query
from .sql_schema import make_sql_schema
from .units import make_convert_units
from .weather import make_weather


def builtin_tools(
    cfg: ToolsConfig, *, data_dir: Path, kb_backend: KbBackend | None = None
) -> list[ToolDefinition]:
    """calculator, convert_units, text_stats, datetime, http_get, weather, sql_query, sql_schema and kb_search."""
    return [
        make_calculator(),
        make_convert_units(),
        make_text_stats(),
        make_datetime(cfg.default_timezone),
        make_http_get(cfg.http),
        make_weather(cfg.weather),
        make_sql_query(cfg.sql, data_dir=data_dir),
        make_sql_schema(cfg.sql, data_dir=data_dir),
        make_kb_search(kb_backend),
    ]
