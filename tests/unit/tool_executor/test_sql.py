"""sql_query: the sample orders database answers; writes, multi-statements, ATTACH and PRAGMA don't pass."""

import hashlib
import sqlite3
from pathlib import Path

import pytest

from autoglm.services.tool_executor.builtins.sql import check_read_only, make_sql_query, run_sqlite
from autoglm.services.tool_executor.config import SAMPLE_ORDERS_DB, SqlConfig, SqlDatabase, ToolsConfig
from autoglm.services.tool_executor.context import ToolContext, ToolError
from autoglm.services.tool_executor.registry import ToolRegistry
from autoglm.shared.devtools.make_orders_db import build

CTX = ToolContext()


def registry(tmp_path: Path, **sql: object) -> ToolRegistry:
    db = tmp_path / "shop.sqlite"
    conn = sqlite3.connect(db)
    conn.executescript(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t (v) VALUES ('a'), ('b'), ('c');"
    )
    conn.commit()
    conn.close()
    cfg = SqlConfig(
        databases={
            "orders": SqlDatabase(path=SAMPLE_ORDERS_DB),
            "shop": SqlDatabase(path=Path("shop.sqlite")),  # relative: resolved against data_dir
            "pg": SqlDatabase(kind="postgres", dsn="postgresql://nobody@127.0.0.1:1/none"),
        },
        **sql,
    )
    reg = ToolRegistry(ToolsConfig(plugins_enabled=False))
    reg.add(make_sql_query(cfg, data_dir=tmp_path))
    return reg


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def test_order_1024_status(tmp_path: Path) -> None:
    result = await registry(tmp_path).call(
        "sql_query", {"query": "SELECT status FROM orders WHERE order_id = 1024"}, CTX
    )
    assert not result.isError
    assert result.structuredContent == {
        "database": "orders",
        "columns": ["status"],
        "rows": [["已发货"]],
        "row_count": 1,
        "truncated": False,
    }


async def test_sample_database_contents() -> None:
    conn = sqlite3.connect(f"file:{SAMPLE_ORDERS_DB}?mode=ro", uri=True)
    ids = [r[0] for r in conn.execute("SELECT order_id FROM orders ORDER BY order_id")]
    conn.close()
    assert ids == list(range(1001, 1051))


def test_sample_database_is_rebuilt_identically(tmp_path: Path) -> None:
    build(tmp_path / "a.sqlite")
    build(tmp_path / "b.sqlite")

    def rows(p: Path) -> list[tuple]:
        conn = sqlite3.connect(p)
        try:
            return conn.execute("SELECT * FROM orders ORDER BY order_id").fetchall()
        finally:
            conn.close()

    assert rows(tmp_path / "a.sqlite") == rows(tmp_path / "b.sqlite") == rows(SAMPLE_ORDERS_DB)


async def test_with_union_and_joins_allowed(tmp_path: Path) -> None:
    reg = registry(tmp_path)
    q = "WITH s AS (SELECT status, COUNT(*) AS n FROM orders GROUP BY status) SELECT SUM(n) FROM s"
    assert (await reg.call("sql_query", {"query": q}, CTX)).structuredContent["rows"] == [[50]]  # type: ignore[index]
    union = await reg.call(
        "sql_query", {"query": "SELECT v FROM t UNION SELECT 'z'", "database": "shop"}, CTX
    )
    assert union.structuredContent["row_count"] == 4  # type: ignore[index]


@pytest.mark.parametrize(
    "query",
    [
        "DELETE FROM t",
        "UPDATE t SET v = 'x'",
        "INSERT INTO t (v) VALUES ('x')",
        "DROP TABLE t",
        "CREATE TABLE u (x)",
        "ALTER TABLE t ADD COLUMN w",
        "REPLACE INTO t (id, v) VALUES (1, 'x')",
        "SELECT 1; DELETE FROM t",
        "SELECT 1; SELECT 2",
        "ATTACH DATABASE '/tmp/x.sqlite' AS x",
        "DETACH DATABASE main",
        "PRAGMA query_only = 0",
        "PRAGMA writable_schema = 1",
        "PRAGMA table_info(t)",
        "VACUUM",
        "SELECT * INTO t2 FROM t",
        "WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x",
        "SELECT load_extension('/tmp/evil.so')",
        "BEGIN; DELETE FROM t; COMMIT",
        "select * from t for update",
        "",
    ],
)
async def test_writes_and_escapes_refused(tmp_path: Path, query: str) -> None:
    reg = registry(tmp_path)
    before = digest(tmp_path / "shop.sqlite")
    result = await reg.call("sql_query", {"query": query, "database": "shop"}, CTX)
    assert result.isError, query
    assert digest(tmp_path / "shop.sqlite") == before


@pytest.mark.parametrize(
    "query",
    ["DELETE FROM t", "ATTACH DATABASE ':memory:' AS x", "PRAGMA query_only = 0", "CREATE TEMP TABLE z (a)"],
)
def test_connection_refuses_writes_even_without_the_parser(tmp_path: Path, query: str) -> None:
    registry(tmp_path)
    with pytest.raises(ToolError):
        run_sqlite(tmp_path / "shop.sqlite", query, max_rows=10, timeout_s=5)


def test_parser_gate_messages() -> None:
    with pytest.raises(ToolError, match="exactly one statement"):
        check_read_only("SELECT 1; SELECT 2")
    with pytest.raises(ToolError, match="only SELECT"):
        check_read_only("DELETE FROM t")
    with pytest.raises(ToolError, match="ATTACH|only SELECT"):
        check_read_only("ATTACH 'x' AS y")
    with pytest.raises(ToolError, match="pg_read_file"):
        check_read_only("SELECT pg_read_file('/etc/passwd')", "postgres")


async def test_row_limit(tmp_path: Path) -> None:
    reg = registry(tmp_path, max_rows=7)
    result = await reg.call("sql_query", {"query": "SELECT order_id FROM orders"}, CTX)
    assert result.structuredContent["row_count"] == 7 and result.structuredContent["truncated"] is True  # type: ignore[index]


async def test_runaway_query_stops_at_the_deadline(tmp_path: Path) -> None:
    reg = registry(tmp_path, timeout_s=0.3)
    q = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT MAX(x) FROM c"
    result = await reg.call("sql_query", {"query": q}, CTX)
    assert result.isError and "exceeded the 0.3 s limit" in result.text


async def test_unknown_database_and_missing_driver(tmp_path: Path) -> None:
    reg = registry(tmp_path)
    unknown = await reg.call("sql_query", {"query": "SELECT 1", "database": "nope"}, CTX)
    assert unknown.isError and "unknown database 'nope'" in unknown.text
    pg = await reg.call("sql_query", {"query": "SELECT 1", "database": "pg"}, CTX)
    assert pg.isError
    try:
        import psycopg  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        assert "psycopg" in pg.text


async def test_sql_error_is_reported(tmp_path: Path) -> None:
    result = await registry(tmp_path).call("sql_query", {"query": "SELECT nope FROM orders"}, CTX)
    assert result.isError and "no such column" in result.text


def test_description_lists_the_schema(tmp_path: Path) -> None:
    description = registry(tmp_path).list_tools()[0]["description"]
    assert "orders(order_id" in description and "status" in description


async def test_memory_hungry_query_is_bounded(tmp_path: Path) -> None:
    q = "SELECT length(group_concat(hex(zeroblob(100000)))) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 1000) SELECT x FROM c)"
    result = await registry(tmp_path).call("sql_query", {"query": q}, CTX)
    assert result.isError and ("too big" in result.text or "exceeded" in result.text), result.text
