"""sql_schema: the tables and columns of a configured database, for text-to-SQL.

Same databases (and so the same allowlist and DSNs) as sql_query. Besides names and declared types
it reports each column's `kind` (number, text, date, datetime, other) and, for text columns with few
distinct values, those values: a model asked "orders shipped to Shanghai" needs to see that the city
column holds `上海`, and a compiler needs to know which values to read as numbers or dates.
"""

import asyncio
import re
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote

from pydantic import BaseModel, Field

from ..config import SqlConfig, SqlDatabase
from ..context import ToolError
from ..plugin import ToolDefinition, definition_from_function
from .sql import SqlParam, pick_database, postgres_session, resolve_database, run_sqlite

ColumnKind = Literal["number", "text", "date", "datetime", "other"]
Runner = Callable[[str, list[SqlParam]], Awaitable[list[list[Any]]]]

_MAX_TABLES = 20
_MAX_COLUMNS = 60
_SAMPLE_ROWS = 20
_MAX_VALUE_CHARS = 64
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?$")


class ColumnInfo(BaseModel):
    name: str
    type: str = Field(description="Declared type as the database reports it.")
    kind: ColumnKind = Field(
        description="number, text, date (YYYY-MM-DD), datetime (ISO date and time) or other."
    )
    nullable: bool = True
    values: list[str] | None = Field(
        None, description="Every distinct value, for text columns with at most `max_values` of them."
    )


class TableInfo(BaseModel):
    name: str
    columns: list[ColumnInfo]


class SqlSchema(BaseModel):
    database: str
    dialect: Literal["sqlite", "postgres"]
    tables: list[TableInfo]

    def tool_text(self) -> str:
        lines = []
        for table in self.tables:
            cols = []
            for c in table.columns:
                values = f" [{', '.join(c.values)}]" if c.values else ""
                cols.append(f"{c.name} {c.type or c.kind}{values}")
            lines.append(f"{table.name}({'; '.join(cols)})")
        return "\n".join(lines) or "(no tables)"


def kind_of(declared: str, samples: list[Any]) -> ColumnKind:
    """Numbers by declared type (SQLite affinity rules); dates by declared type or by every sampled value."""
    t = declared.upper()
    if any(k in t for k in ("INT", "REAL", "FLOA", "DOUB", "NUMERIC", "DECIMAL")):
        return "number"
    if "TIMESTAMP" in t or "DATETIME" in t:
        return "datetime"
    if t == "DATE":
        return "date"
    texts = [s for s in samples if isinstance(s, str)]
    if texts and len(texts) == len(samples):
        if all(_DATE.match(s) for s in texts):
            return "date"
        if all(_DATETIME.match(s) for s in texts):
            return "datetime"
    if any(k in t for k in ("CHAR", "CLOB", "TEXT")) or (not t and texts):
        return "text"
    return "other"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_catalog(path: Path) -> list[tuple[str, str, str, bool]]:
    """(table, column, declared type, nullable) of a SQLite file, read through a read-only connection.

    PRAGMA is refused by sql_query's authorizer, so the catalog is read here with fixed statements;
    table names come from sqlite_master and are quoted.
    """
    if not path.is_file():
        raise ToolError(f"database file not found: {path.name}")
    conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True, timeout=1.0)
    try:
        conn.execute("PRAGMA query_only = ON")
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name"
            )
        ]
        out = []
        for table in tables[:_MAX_TABLES]:
            for _cid, name, declared, notnull, _default, _pk in conn.execute(
                f"PRAGMA table_info({_quote(table)})"
            ).fetchall()[:_MAX_COLUMNS]:
                out.append((table, name, declared or "", not notnull))
        return out
    except sqlite3.Error as exc:
        raise ToolError(f"SQL error: {exc}") from None
    finally:
        conn.close()


_PG_CATALOG = (
    "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns "
    "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
)


async def describe(
    database: str,
    dialect: Literal["sqlite", "postgres"],
    catalog: list[tuple[str, str, str, bool]],
    run: Runner,
    *,
    max_values: int,
) -> SqlSchema:
    """Kinds and low-cardinality values of the catalog's columns; every query goes through `run`."""
    tables: dict[str, list[ColumnInfo]] = {}
    for table, name, declared, nullable in catalog:
        if table not in tables and len(tables) >= _MAX_TABLES:
            continue
        t, c = _quote(table), _quote(name)
        samples = [
            r[0] for r in await run(f"SELECT {c} FROM {t} WHERE {c} IS NOT NULL LIMIT {_SAMPLE_ROWS}", [])
        ]
        kind = kind_of(declared, samples)
        values = None
        if kind == "text" and samples:
            distinct = await run(
                f"SELECT DISTINCT {c} FROM {t} WHERE {c} IS NOT NULL ORDER BY {c} LIMIT {max_values + 1}", []
            )
            if len(distinct) <= max_values:
                values = [str(r[0])[:_MAX_VALUE_CHARS] for r in distinct]
        tables.setdefault(table, []).append(
            ColumnInfo(name=name, type=declared, kind=kind, nullable=nullable, values=values)
        )
    return SqlSchema(
        database=database,
        dialect=dialect,
        tables=[TableInfo(name=n, columns=cols) for n, cols in tables.items()],
    )


def make_sql_schema(cfg: SqlConfig, *, data_dir: Path, max_values: int = 12) -> ToolDefinition:
    databases = {name: resolve_database(db, data_dir) for name, db in cfg.databases.items()}

    async def schema_of(name: str, db: SqlDatabase) -> SqlSchema:
        if db.kind == "sqlite":
            if db.path is None:
                raise ToolError(f"database {name!r} has no path configured")
            path = db.path

            async def run_lite(query: str, params: list[SqlParam]) -> list[list[Any]]:
                _, rows, _ = await asyncio.to_thread(
                    run_sqlite, path, query, max_rows=max_values + 1, timeout_s=cfg.timeout_s, params=params
                )
                return rows

            catalog = await asyncio.to_thread(sqlite_catalog, path)
            return await describe(name, "sqlite", catalog, run_lite, max_values=max_values)
        if db.dsn is None:
            raise ToolError(f"database {name!r} has no dsn configured")
        # One connection and one read-only transaction for the catalog and every sample query.
        async with postgres_session(db.dsn.get_secret_value(), timeout_s=cfg.timeout_s) as query:

            async def run_pg(sql: str, params: list[SqlParam]) -> list[list[Any]]:
                return (await query(sql, params, 10_000))[1]

            rows = await run_pg(_PG_CATALOG, [])
            catalog = [(str(t), str(c), str(d), str(n).upper() == "YES") for t, c, d, n in rows]
            return await describe(name, "postgres", catalog, run_pg, max_values=max_values)

    async def sql_schema(
        database: Annotated[
            str | None, Field(description=f"Database name; default `{cfg.default_database}`.")
        ] = None,
    ) -> SqlSchema:
        return await schema_of(*pick_database(databases, database or cfg.default_database))

    definition = definition_from_function(
        sql_schema, title="SQL schema", read_only=True, idempotent=True, timeout_s=cfg.timeout_s + 5
    )
    definition.description = (
        "Describe a database sql_query can read: its tables, their columns with declared type and kind "
        f"(number, text, date, datetime), and the distinct values of text columns with at most {max_values} "
        f"of them. Databases: {', '.join(f'`{n}`' for n in databases) or 'none'}."
    )
    return definition
