"""sql_query: read-only SQL over configured databases.

Three independent guards, so a parser gap alone is not a hole:
1. sqlglot parses the text: exactly one statement, a SELECT (or a set operation of SELECTs, with
   optional WITH), and no write, DDL, ATTACH, PRAGMA, SELECT INTO or locking clause anywhere in the tree;
2. SQLite is opened through a ``file:...?mode=ro`` URI with ``PRAGMA query_only`` on, and an
   authorizer that allows only reads and plain functions;
3. PostgreSQL runs in a read-only transaction with a ``statement_timeout``, through a server-side
   cursor that fetches at most ``max_rows + 1`` rows.
Rows are capped at `max_rows`; SQLite's deadline is enforced by a progress handler.
"""

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import sqlglot
from pydantic import BaseModel, Field
from sqlglot import exp

from ..config import SqlConfig, SqlDatabase
from ..context import ToolError
from ..plugin import ToolDefinition, definition_from_function

_FORBIDDEN_NODES: tuple[type[exp.Expression], ...] = tuple(
    getattr(exp, name)
    for name in (
        "Insert",
        "Update",
        "Delete",
        "Merge",
        "Create",
        "Drop",
        "Alter",
        "AlterTable",
        "TruncateTable",
        "Command",
        "Pragma",
        "Attach",
        "Detach",
        "Into",
        "Lock",
        "Set",
        "Transaction",
        "Commit",
        "Rollback",
        "Use",
        "Copy",
        "LoadData",
        "Grant",
        "Analyze",
    )
    if hasattr(exp, name)
)
_FORBIDDEN_FUNCTIONS = {
    # SQLite
    "load_extension",
    "readfile",
    "writefile",
    "edit",
    "fts3_tokenizer",
    # PostgreSQL: files, sessions, other servers, sleeping
    "pg_read_file",
    "pg_read_binary_file",
    "pg_ls_dir",
    "pg_stat_file",
    "lo_import",
    "lo_export",
    "lo_get",
    "lo_put",
    "set_config",
    "pg_terminate_backend",
    "pg_cancel_backend",
    "pg_reload_conf",
    "pg_sleep",
    "pg_sleep_for",
    "pg_sleep_until",
    "dblink",
    "dblink_exec",
    "dblink_connect",
    "query_to_xml",
    "pg_advisory_lock",
    "pg_notify",
}
_SQLITE_ALLOWED_ACTIONS = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION}
if hasattr(sqlite3, "SQLITE_RECURSIVE"):
    _SQLITE_ALLOWED_ACTIONS.add(sqlite3.SQLITE_RECURSIVE)


def check_read_only(query: str, dialect: str = "sqlite") -> None:
    """Raise ToolError unless `query` is exactly one read-only SELECT statement."""
    try:
        statements = [s for s in sqlglot.parse(query, read=dialect) if s is not None]
    except sqlglot.errors.ParseError as exc:
        raise ToolError(f"could not parse SQL: {str(exc).splitlines()[0]}") from None
    if len(statements) != 1:
        raise ToolError(f"exactly one statement is allowed, got {len(statements)}")
    root = statements[0]
    if not isinstance(root, exp.Select | exp.Union | exp.Intersect | exp.Except | exp.Subquery):
        raise ToolError(f"only SELECT queries are allowed, got {root.key.upper()}")
    for node in root.walk():
        if isinstance(node, _FORBIDDEN_NODES):
            raise ToolError(f"{node.key.upper()} is not allowed in a read-only query")
        if isinstance(node, exp.Select) and node.args.get("locks"):
            raise ToolError("locking clauses (FOR UPDATE/SHARE) are not allowed")
        if isinstance(node, exp.Func):
            name = (node.name if isinstance(node, exp.Anonymous) else node.sql_name()).lower()
            if name in _FORBIDDEN_FUNCTIONS:
                raise ToolError(f"function {name} is not allowed")


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return f"<blob {len(value)} bytes>"
    if value is None or isinstance(value, int | float | str | bool):
        return value
    if isinstance(value, Decimal) and value.is_finite():
        # PostgreSQL numeric: a JSON number, as SQLite gives; an integral scale-0 value stays an int.
        exponent = value.as_tuple().exponent
        return int(value) if isinstance(exponent, int) and exponent >= 0 else float(value)
    return str(value)


def _sqlite_authorizer(
    action: int, arg1: str | None, arg2: str | None, db: str | None, source: str | None
) -> int:
    if action not in _SQLITE_ALLOWED_ACTIONS:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in _FORBIDDEN_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


SqlParam = str | int | float | bool | None


def run_sqlite(
    path: Path, query: str, *, max_rows: int, timeout_s: float, params: list[SqlParam] | None = None
) -> tuple[list[str], list[list[Any]], bool]:
    """Run a checked query on a SQLite file opened read-only, `?` placeholders bound to `params`.

    Returns columns, rows, truncated.
    """
    if not path.is_file():
        raise ToolError(f"database file not found: {path.name}")
    conn = sqlite3.connect(
        f"file:{quote(str(path.resolve()))}?mode=ro", uri=True, timeout=1.0, check_same_thread=False
    )
    try:
        conn.execute("PRAGMA query_only = ON")
        # Bound what one query may build in memory (a recursive CTE concatenating strings, say).
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 10_000_000)
        conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, 100_000)
        conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        conn.set_authorizer(_sqlite_authorizer)
        deadline = time.monotonic() + timeout_s
        conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        try:
            cursor = conn.execute(query, params or [])
            rows = cursor.fetchmany(max_rows + 1)
        except sqlite3.OperationalError as exc:
            if "interrupted" in str(exc):
                raise ToolError(f"query exceeded the {timeout_s:g} s limit") from None
            raise ToolError(f"SQL error: {exc}") from None
        except sqlite3.DatabaseError as exc:
            raise ToolError(f"SQL error: {exc}") from None
        columns = [d[0] for d in cursor.description or []]
        truncated = len(rows) > max_rows
        return columns, [[_jsonable(v) for v in row] for row in rows[:max_rows]], truncated
    finally:
        conn.close()


PgQuery = Callable[[str, list[SqlParam] | None, int], Awaitable[tuple[list[str], list[list[Any]], bool]]]


def _psycopg() -> Any:
    try:
        import psycopg  # type: ignore[import-not-found]
    except ImportError:
        raise ToolError(
            "PostgreSQL databases need the `psycopg` package: pip install 'open-autoglm[postgres]'"
        ) from None
    return psycopg


def _pg_error(exc: Exception, timeout_s: float) -> ToolError:
    psycopg = _psycopg()
    if isinstance(exc, psycopg.errors.QueryCanceled):
        return ToolError(f"query exceeded the {timeout_s:g} s limit")
    return ToolError(f"SQL error: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")


@asynccontextmanager
async def postgres_session(dsn: str, *, timeout_s: float) -> AsyncIterator[PgQuery]:
    """One connection in one read-only transaction; yields ``query(sql, params, max_rows)``.

    Each query runs through a server-side cursor, so only ``max_rows + 1`` rows ever leave the
    server however many match, and under ``statement_timeout``. Nothing is committed: the
    transaction is rolled back at the end. Errors come out as ToolError.
    """
    psycopg = _psycopg()
    try:
        conn = await psycopg.AsyncConnection.connect(dsn, connect_timeout=max(1, int(timeout_s)))
    except psycopg.Error as exc:
        raise _pg_error(exc, timeout_s) from None
    counter = 0

    async def query(
        sql: str, params: list[SqlParam] | None, max_rows: int
    ) -> tuple[list[str], list[list[Any]], bool]:
        nonlocal counter
        counter += 1
        try:
            async with conn.cursor(name=f"autoglm_{counter}") as cur:
                await cur.execute(sql, params or None)
                rows = await cur.fetchmany(max_rows + 1)
                columns = [d.name for d in cur.description or []]
        except psycopg.Error as exc:
            raise _pg_error(exc, timeout_s) from None
        return columns, [[_jsonable(v) for v in row] for row in rows[:max_rows]], len(rows) > max_rows

    try:
        async with conn:
            try:
                await conn.set_read_only(True)
                # SET LOCAL lasts as long as the transaction, which every query here shares.
                await conn.execute(f"SET LOCAL statement_timeout = {max(1, int(timeout_s * 1000))}")
            except psycopg.Error as exc:
                raise _pg_error(exc, timeout_s) from None
            try:
                yield query
            finally:
                with contextlib.suppress(psycopg.Error):
                    await conn.rollback()
    except psycopg.Error as exc:
        raise _pg_error(exc, timeout_s) from None


async def run_postgres(
    dsn: str, query: str, *, max_rows: int, timeout_s: float, params: list[SqlParam] | None = None
) -> tuple[list[str], list[list[Any]], bool]:
    """Run a checked query in a read-only PostgreSQL transaction (needs `psycopg`), `%s` bound to `params`.

    Returns columns, rows, truncated.
    """
    async with postgres_session(dsn, timeout_s=timeout_s) as run:
        return await run(query, params, max_rows)


class SqlResult(BaseModel):
    database: str
    columns: list[str]
    rows: list[list[Any]]
    row_count: int
    truncated: bool = Field(description="More rows matched than `max_rows`.")

    def tool_text(self) -> str:
        if not self.rows:
            return "(no rows)"
        lines = [" | ".join(self.columns)]
        lines += [" | ".join("NULL" if v is None else str(v) for v in row) for row in self.rows[:50]]
        if self.truncated or len(self.rows) > 50:
            lines.append(
                f"... ({self.row_count} rows shown of more)"
                if self.truncated
                else f"... ({self.row_count} rows)"
            )
        return "\n".join(lines)


def _sqlite_schema(path: Path) -> str:
    try:
        conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
        try:
            tables = [
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
            ]
            parts = []
            for table in tables[:20]:
                cols = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
                parts.append(f"{table}({', '.join(cols)})")
            return "; ".join(parts)
        finally:
            conn.close()
    except sqlite3.Error:
        return ""


def resolve_database(db: SqlDatabase, data_dir: Path) -> SqlDatabase:
    """A relative SQLite path is read from `data_dir`."""
    if db.kind == "sqlite" and db.path is not None and not db.path.is_absolute():
        return db.model_copy(update={"path": data_dir / db.path})
    return db


def pick_database(databases: dict[str, SqlDatabase], name: str) -> tuple[str, SqlDatabase]:
    """The configured database called `name`; any other name is refused (the allowlist)."""
    db = databases.get(name)
    if db is None:
        raise ToolError(f"unknown database {name!r}; configured: {', '.join(databases) or 'none'}")
    return name, db


def make_sql_query(cfg: SqlConfig, *, data_dir: Path) -> ToolDefinition:
    databases = {name: resolve_database(db, data_dir) for name, db in cfg.databases.items()}
    described = []
    for name, db in databases.items():
        schema = _sqlite_schema(db.path) if db.kind == "sqlite" and db.path else ""
        parts = [db.kind, db.description.rstrip(". "), f"tables {schema}" if schema else ""]
        described.append(f"`{name}` ({'; '.join(p for p in parts if p)})")

    async def sql_query(
        query: Annotated[
            str,
            Field(
                min_length=1,
                max_length=10_000,
                description="One read-only SELECT statement.",
                examples=["SELECT status FROM orders WHERE order_id = 1024"],
            ),
        ],
        database: Annotated[
            str | None, Field(description=f"Database name; default `{cfg.default_database}`.")
        ] = None,
        params: Annotated[
            list[SqlParam] | None,
            Field(
                max_length=100,
                description="Values bound to the query's placeholders (`?` for SQLite, `%s` for PostgreSQL), "
                "in order. Values never become SQL text.",
                examples=[["已发货", 500]],
            ),
        ] = None,
    ) -> SqlResult:
        name, db = pick_database(databases, database or cfg.default_database)
        check_read_only(query, "postgres" if db.kind == "postgres" else "sqlite")
        if db.kind == "sqlite":
            if db.path is None:
                raise ToolError(f"database {name!r} has no path configured")
            columns, rows, truncated = await asyncio.to_thread(
                run_sqlite, db.path, query, max_rows=cfg.max_rows, timeout_s=cfg.timeout_s, params=params
            )
        else:
            if db.dsn is None:
                raise ToolError(f"database {name!r} has no dsn configured")
            columns, rows, truncated = await run_postgres(
                db.dsn.get_secret_value(),
                query,
                max_rows=cfg.max_rows,
                timeout_s=cfg.timeout_s,
                params=params,
            )
        return SqlResult(database=name, columns=columns, rows=rows, row_count=len(rows), truncated=truncated)

    definition = definition_from_function(
        sql_query, title="SQL query (read-only)", read_only=True, idempotent=True, timeout_s=cfg.timeout_s + 5
    )
    definition.description = (
        "Run one read-only SELECT on a configured database and return columns and rows "
        f"(at most {cfg.max_rows}). Databases: {'; '.join(described) or 'none'}."
    )
    return definition
