"""sql_query and sql_schema against a real PostgreSQL server (pgserver's bundled binaries).

The database is configured as a user would: a `tools.sql.databases` entry with `kind: postgres` and a DSN,
read from an autoglm.yaml file, logging in as a role that can only SELECT. The server listens on a unix
socket only (no TCP port), its data directory lives in a fresh temporary directory, and it is stopped and
deleted when the session ends.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pgserver
import psycopg
import pytest
import yaml

from autoglm.services.planner.text_to_sql import compile_query
from autoglm.services.tool_executor.builtins.sql import run_postgres
from autoglm.services.tool_executor.config import ToolExecutorSettings
from autoglm.services.tool_executor.context import ToolContext, ToolError
from autoglm.services.tool_executor.registry import ToolRegistry, build_registry

CTX = ToolContext()

_SCHEMA = """
CREATE TABLE orders (
    order_id integer PRIMARY KEY,
    city varchar(20) NOT NULL,
    status text NOT NULL,
    amount numeric(10, 2) NOT NULL,
    placed_on date NOT NULL,
    placed_at timestamp NOT NULL,
    note text
);
INSERT INTO orders
SELECT 1000 + i,
       (ARRAY['上海', '北京', '深圳'])[1 + i % 3],
       (ARRAY['已发货', '待付款'])[1 + i % 2],
       i * 10.5,
       DATE '2026-11-01' + i,
       TIMESTAMP '2026-11-01 08:00:00' + i * INTERVAL '1 hour',
       'note ' || i
FROM generate_series(1, 30) AS i;
CREATE SEQUENCE ticket_seq;
CREATE TABLE audit (id serial PRIMARY KEY, what text);
-- A write hidden in a function: sqlglot sees only a SELECT, so the read-only transaction must stop it.
CREATE FUNCTION bump() RETURNS integer LANGUAGE sql AS $$ INSERT INTO audit (what) VALUES ('x') RETURNING id $$;
CREATE ROLE reader LOGIN;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader;
GRANT USAGE, SELECT ON SEQUENCE ticket_seq TO reader;
GRANT INSERT ON audit TO reader;
GRANT USAGE ON SEQUENCE audit_id_seq TO reader;
"""


@pytest.fixture(scope="session")
def postgres_uri() -> Iterator[str]:
    """A throwaway PostgreSQL server on a unix socket; yields the superuser's DSN."""
    root = Path(tempfile.mkdtemp(prefix="autoglm-pg-"))
    try:
        # pgserver, when run as root, runs the server as a `pgserver` system user it creates.
        server = pgserver.get_server(root / "data", cleanup_mode="delete")
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    try:
        with psycopg.connect(server.get_uri(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE shop")
        with psycopg.connect(server.get_uri("shop"), autocommit=True) as conn:
            conn.execute(_SCHEMA)
        yield server.get_uri("shop")
    finally:
        server.cleanup()
        shutil.rmtree(root, ignore_errors=True)


def reader_dsn(uri: str) -> str:
    """The superuser DSN with the SELECT-only role instead (pgserver's DSN is postgresql://postgres:@/...)."""
    return uri.replace("postgresql://postgres:@", "postgresql://reader@", 1)


@pytest.fixture
async def registry(
    postgres_uri: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[ToolRegistry]:
    config = {
        "tools": {
            "plugins_enabled": False,
            "sql": {
                "default_database": "shop",
                "max_rows": 25,
                "timeout_s": 0.5,
                "databases": {
                    "shop": {"kind": "postgres", "dsn": reader_dsn(postgres_uri), "description": "Orders."}
                },
            },
        }
    }
    (tmp_path / "autoglm.yaml").write_text(yaml.safe_dump(config, allow_unicode=True))
    monkeypatch.setenv("AUTOGLM_CONFIG", str(tmp_path / "autoglm.yaml"))
    settings = ToolExecutorSettings()
    reg = await build_registry(settings.tools, data_dir=tmp_path)
    try:
        yield reg
    finally:
        await reg.aclose()


async def test_parameterized_select(registry: ToolRegistry) -> None:
    result = await registry.call(
        "sql_query",
        {
            "query": "SELECT order_id, status, amount, placed_on FROM orders "
            "WHERE city = %s AND amount > %s ORDER BY order_id",
            "params": ["上海", 250],
        },
        CTX,
    )
    assert not result.isError, result.text
    out = result.structuredContent
    assert out is not None and out["database"] == "shop"
    assert out["columns"] == ["order_id", "status", "amount", "placed_on"]
    # 上海 is i % 3 == 0; amount = i * 10.5 > 250 means i >= 24: i = 24, 27, 30. Numerics are JSON numbers.
    assert out["rows"] == [
        [1024, "已发货", 252.0, "2026-11-25"],
        [1027, "待付款", 283.5, "2026-11-28"],
        [1030, "已发货", 315.0, "2026-12-01"],
    ]
    assert out["row_count"] == 3 and out["truncated"] is False


async def test_a_bound_value_stays_a_value(registry: ToolRegistry) -> None:
    result = await registry.call(
        "sql_query",
        {"query": "SELECT count(*) FROM orders WHERE city = %s", "params": ["x' OR '1'='1"]},
        CTX,
    )
    assert not result.isError, result.text
    assert result.structuredContent["rows"] == [[0]]  # type: ignore[index]


async def test_row_limit(registry: ToolRegistry) -> None:
    result = await registry.call("sql_query", {"query": "SELECT order_id FROM orders ORDER BY 1"}, CTX)
    assert not result.isError, result.text
    out = result.structuredContent
    assert out is not None and out["row_count"] == 25 and out["truncated"] is True
    assert [r[0] for r in out["rows"]] == list(range(1001, 1026))


@pytest.mark.parametrize(
    "query",
    [
        "DELETE FROM orders",
        "UPDATE orders SET status = 'x'",
        "INSERT INTO audit (what) VALUES ('x')",
        "DROP TABLE orders",
        "SELECT 1; DELETE FROM orders",
        "SET transaction_read_only = off",
        "SELECT set_config('transaction_read_only', 'off', true)",
        "WITH x AS (DELETE FROM orders RETURNING *) SELECT * FROM x",
        "SELECT * FROM orders FOR UPDATE",
        "SELECT * INTO orders_copy FROM orders",
        "SELECT pg_read_file('/etc/passwd')",
        "SELECT pg_sleep(10)",
    ],
)
async def test_writes_refused_by_the_guard(registry: ToolRegistry, postgres_uri: str, query: str) -> None:
    result = await registry.call("sql_query", {"query": query}, CTX)
    assert result.isError, query
    with psycopg.connect(postgres_uri) as conn:
        assert conn.execute(
            "SELECT count(*) FROM orders WHERE status IN ('已发货', '待付款')"
        ).fetchone() == (30,)
        assert conn.execute("SELECT count(*) FROM audit").fetchone() == (0,)


@pytest.mark.parametrize("query", ["SELECT bump()", "SELECT nextval('ticket_seq')"])
async def test_writes_the_parser_cannot_see_are_refused_by_the_server(
    registry: ToolRegistry, postgres_uri: str, query: str
) -> None:
    """The role may write to audit and the sequence; the read-only transaction still refuses."""
    result = await registry.call("sql_query", {"query": query}, CTX)
    assert result.isError
    assert "read-only transaction" in result.text, result.text
    with psycopg.connect(postgres_uri) as conn:
        assert conn.execute("SELECT count(*) FROM audit").fetchone() == (0,)
        assert conn.execute("SELECT last_value, is_called FROM ticket_seq").fetchone() == (1, False)


@pytest.mark.parametrize(
    "query",
    [
        "INSERT INTO audit (what) VALUES ('x')",
        "WITH x AS (INSERT INTO audit (what) VALUES ('x') RETURNING id) SELECT * FROM x",
        "SELECT bump()",
        "SELECT nextval('ticket_seq')",
    ],
)
async def test_server_side_guard_alone(postgres_uri: str, query: str) -> None:
    """Statements that skipped the parser's check still cannot write."""
    with pytest.raises(ToolError, match="SQL error: "):
        await run_postgres(reader_dsn(postgres_uri), query, max_rows=5, timeout_s=2)
    with psycopg.connect(postgres_uri) as conn:
        assert conn.execute("SELECT count(*) FROM audit").fetchone() == (0,)
        assert conn.execute("SELECT is_called FROM ticket_seq").fetchone() == (False,)


async def test_only_the_rows_returned_leave_the_server(registry: ToolRegistry) -> None:
    """A server-side cursor: 30^5 (24.3 million) matching rows cost no more than 25, within the 0.5 s limit."""
    query = "SELECT a.order_id, e.note FROM orders a, orders b, orders c, orders d, orders e"
    result = await registry.call("sql_query", {"query": query}, CTX)
    assert not result.isError, result.text
    out = result.structuredContent
    assert out is not None and out["row_count"] == 25 and out["truncated"] is True


async def test_slow_query_is_cancelled_by_the_deadline(registry: ToolRegistry) -> None:
    slow = "SELECT count(*) FROM generate_series(1, 100000) a CROSS JOIN generate_series(1, 100000) b"
    started = time.monotonic()
    result = await registry.call("sql_query", {"query": slow}, CTX)
    elapsed = time.monotonic() - started
    assert result.isError
    assert "exceeded the 0.5 s limit" in result.text, result.text
    assert elapsed < 3, elapsed
    # The connection the timeout hit is gone; the next query gets a fresh one and works.
    after = await registry.call("sql_query", {"query": "SELECT 1 AS one"}, CTX)
    assert not after.isError and after.structuredContent["rows"] == [[1]]  # type: ignore[index]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT nope FROM orders", 'column "nope" does not exist'),
        ("SELECT * FROM no_such_table", 'relation "no_such_table" does not exist'),
        ("SELECT 1 / 0", "division by zero"),
        ("SELEC 1", "could not parse SQL"),
        ("SHOW search_path", "only SELECT queries are allowed"),
    ],
)
async def test_bad_sql_gives_a_clear_error(registry: ToolRegistry, query: str, expected: str) -> None:
    result = await registry.call("sql_query", {"query": query}, CTX)
    assert result.isError
    assert expected in result.text, result.text
    assert "Traceback" not in result.text


async def test_wrong_parameter_count_is_an_error(registry: ToolRegistry) -> None:
    result = await registry.call("sql_query", {"query": "SELECT %s::int + %s::int AS n", "params": [1]}, CTX)
    assert result.isError and result.text.startswith("SQL error:"), result.text


async def test_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ToolError, match="SQL error: .*"):
        await run_postgres(f"postgresql://reader@/shop?host={tmp_path}", "SELECT 1", max_rows=5, timeout_s=1)


async def test_schema_lists_tables_columns_kinds_and_values(registry: ToolRegistry) -> None:
    result = await registry.call("sql_schema", {}, CTX)
    assert not result.isError, result.text
    schema = result.structuredContent
    assert schema is not None and schema["database"] == "shop" and schema["dialect"] == "postgres"
    tables = {t["name"]: {c["name"]: c for c in t["columns"]} for t in schema["tables"]}
    assert set(tables) == {"orders", "audit"}
    orders = tables["orders"]
    assert list(orders) == ["order_id", "city", "status", "amount", "placed_on", "placed_at", "note"]
    kinds = {name: (c["type"], c["kind"], c["nullable"]) for name, c in orders.items()}
    assert kinds == {
        "order_id": ("integer", "number", False),
        "city": ("character varying", "text", False),
        "status": ("text", "text", False),
        "amount": ("numeric", "number", False),
        "placed_on": ("date", "date", False),
        "placed_at": ("timestamp without time zone", "datetime", False),
        "note": ("text", "text", True),
    }
    assert orders["city"]["values"] == sorted(["上海", "北京", "深圳"])
    assert orders["status"]["values"] == sorted(["已发货", "待付款"])
    assert orders["note"]["values"] is None  # 30 distinct values: more than max_values
    assert "orders(order_id integer;" in result.text


def _orders() -> list[dict[str, Any]]:
    """The fixture's rows, computed in Python the way _SCHEMA generates them."""
    return [
        {
            "order_id": 1000 + i,
            "city": ["上海", "北京", "深圳"][i % 3],
            "status": ["已发货", "待付款"][i % 2],
            "amount": i * 10.5,
            "placed_on": date(2026, 11, 1) + timedelta(days=i),
            "placed_at": datetime(2026, 11, 1, 8) + timedelta(hours=i),
        }
        for i in range(1, 31)
    ]


def _q(select: list[dict[str, str]], where: list[dict[str, Any]], **rest: Any) -> dict[str, Any]:
    return {"table": "orders", "select": select, "where": where, "group_by": [], "order_by": [], **rest}


async def test_planner_compiled_queries_run_on_postgres(registry: ToolRegistry) -> None:
    """The planner's text-to-SQL compiler, fed this database's sql_schema, emits SQL PostgreSQL runs right."""
    described = await registry.call("sql_schema", {}, CTX)
    db_schema = described.structuredContent
    assert db_schema is not None
    rows = _orders()
    cases = [
        (  # whole-day bounds on a timestamp column: 08:00 + i h stays on 1 November for i <= 15
            _q(
                [{"column": "*", "aggregate": "count"}],
                [{"column": "placed_at", "op": "=", "value": "2026-11-01"}],
            ),
            [[sum(r["placed_at"].date() == date(2026, 11, 1) for r in rows)]],
        ),
        (  # substring LIKE on varchar, and a day range on a date column
            _q(
                [{"column": "order_id", "aggregate": "none"}],
                [
                    {"column": "city", "op": "like", "value": "海"},
                    {"column": "placed_on", "op": "between", "value": "2026-11-05", "value_to": "2026-11-10"},
                ],
                order_by=[{"column": "order_id", "aggregate": "none", "direction": "asc"}],
            ),
            [
                [r["order_id"]]
                for r in rows
                if r["city"] == "上海" and date(2026, 11, 5) <= r["placed_on"] <= date(2026, 11, 10)
            ],
        ),
        (  # numeric aggregates grouped by a text column (PostgreSQL refuses ungrouped plain columns)
            _q(
                [{"column": "city", "aggregate": "none"}, {"column": "amount", "aggregate": "sum"}],
                [{"column": "amount", "op": ">", "value": "100"}],  # a quoted number binds as a number
                order_by=[{"column": "amount", "aggregate": "sum", "direction": "desc"}],
            ),
            sorted(
                (
                    [city, sum(r["amount"] for r in rows if r["city"] == city and r["amount"] > 100)]
                    for city in {r["city"] for r in rows}
                ),
                key=lambda row: -row[1],
            ),
        ),
        (
            _q(
                [{"column": "amount", "aggregate": "avg"}],
                [{"column": "status", "op": "=", "value": "待付款"}],
            ),
            [[statistics.mean(r["amount"] for r in rows if r["status"] == "待付款")]],
        ),
    ]
    for structured, expected in cases:
        compiled = compile_query(structured, db_schema)
        assert "%s" in compiled.sql and "?" not in compiled.sql
        result = await registry.call("sql_query", {"query": compiled.sql, "params": compiled.params}, CTX)
        assert not result.isError, (compiled.sql, result.text)
        assert result.structuredContent["rows"] == expected, compiled.sql  # type: ignore[index]
