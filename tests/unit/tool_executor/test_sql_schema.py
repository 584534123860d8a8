"""sql_schema describes the configured databases; sql_query binds `params` as values, never as SQL."""

import sqlite3
from pathlib import Path

import pytest

from autoglm.services.tool_executor.builtins.sql import make_sql_query
from autoglm.services.tool_executor.builtins.sql_schema import kind_of, make_sql_schema
from autoglm.services.tool_executor.config import SAMPLE_ORDERS_DB, SqlConfig, SqlDatabase, ToolsConfig
from autoglm.services.tool_executor.context import ToolContext
from autoglm.services.tool_executor.registry import ToolRegistry

CTX = ToolContext()


def registry(tmp_path: Path, max_values: int = 12) -> ToolRegistry:
    db = tmp_path / "shop.sqlite"
    conn = sqlite3.connect(db)
    conn.executescript(
        """
        CREATE TABLE "line items" (id INTEGER PRIMARY KEY, sku TEXT NOT NULL, price NUMERIC, sold_on DATE,
                                   note TEXT, tag TEXT);
        INSERT INTO "line items" (sku, price, sold_on, note, tag) VALUES
            ('a-1', 9.5, '2026-11-01', 'n1', 'x'), ('b-2', 20, '2026-11-02', 'n2', 'y'),
            ('c-3', 31, '2026-11-03', 'n3', NULL), ('c-3', 31, '2026-11-03', 'n4', 'x');
        """
    )
    conn.commit()
    conn.close()
    cfg = SqlConfig(
        databases={
            "orders": SqlDatabase(path=SAMPLE_ORDERS_DB),
            "shop": SqlDatabase(path=Path("shop.sqlite")),
        }
    )
    reg = ToolRegistry(ToolsConfig(plugins_enabled=False))
    reg.add(make_sql_query(cfg, data_dir=tmp_path))
    reg.add(make_sql_schema(cfg, data_dir=tmp_path, max_values=max_values))
    return reg


async def test_schema_of_the_sample_orders_database(tmp_path: Path) -> None:
    result = await registry(tmp_path).call("sql_schema", {}, CTX)
    assert not result.isError, result.content
    doc = result.structuredContent
    assert doc["database"] == "orders" and doc["dialect"] == "sqlite"
    [orders] = doc["tables"]
    cols = {c["name"]: c for c in orders["columns"]}
    conn = sqlite3.connect(f"file:{SAMPLE_ORDERS_DB}?mode=ro", uri=True)
    declared = [(r[1], r[2]) for r in conn.execute("PRAGMA table_info(orders)")]
    cities = sorted(r[0] for r in conn.execute("SELECT DISTINCT city FROM orders"))
    conn.close()
    assert [(c["name"], c["type"]) for c in orders["columns"]] == declared
    assert cols["amount"]["kind"] == "number" and cols["amount"]["values"] is None
    assert cols["created_at"]["kind"] == "datetime"
    assert sorted(cols["city"]["values"]) == cities
    assert "上海" in cols["city"]["values"]
    # The text form names every column, for a reader (and the step summary).
    assert all(name in result.content[0]["text"] for name, _ in declared)


async def test_low_cardinality_values_kinds_and_quoted_names(tmp_path: Path) -> None:
    reg = registry(tmp_path, max_values=3)
    result = await reg.call("sql_schema", {"database": "shop"}, CTX)
    assert not result.isError, result.content
    [table] = result.structuredContent["tables"]
    assert table["name"] == "line items"  # a name that needs quoting is read, not refused
    cols = {c["name"]: c for c in table["columns"]}
    assert cols["sku"]["values"] == ["a-1", "b-2", "c-3"]  # 3 distinct <= max_values
    assert cols["note"]["values"] is None  # 4 distinct > max_values
    assert cols["tag"]["values"] == ["x", "y"]  # NULL is not a value
    assert cols["price"]["kind"] == "number" and cols["sold_on"]["kind"] == "date"


async def test_unknown_database_is_refused(tmp_path: Path) -> None:
    result = await registry(tmp_path).call("sql_schema", {"database": "secrets"}, CTX)
    assert result.isError and "unknown database" in result.content[0]["text"]


def test_tool_is_described_as_read_only(tmp_path: Path) -> None:
    [entry] = [t for t in registry(tmp_path).list_tools() if t["name"] == "sql_schema"]
    assert entry["annotations"]["readOnlyHint"] and not entry["annotations"]["destructiveHint"]
    assert set(entry["inputSchema"]["properties"]) == {"database"}


@pytest.mark.parametrize(
    ("declared", "samples", "kind"),
    [
        ("BIGINT", [], "number"),
        ("double precision", [], "number"),
        ("timestamp without time zone", [], "datetime"),
        ("date", [], "date"),
        ("TEXT", ["2026-11-01 09:00:00", "2026-11-02T10:30"], "datetime"),
        ("TEXT", ["2026-11-01", "x"], "text"),
        ("", ["2026-11-01"], "date"),
        ("BLOB", [], "other"),
    ],
)
def test_column_kinds(declared: str, samples: list[str], kind: str) -> None:
    assert kind_of(declared, samples) == kind


async def test_params_are_bound_as_values(tmp_path: Path) -> None:
    reg = registry(tmp_path)
    hostile = "上海' OR '1'='1"
    result = await reg.call(
        "sql_query", {"query": "SELECT COUNT(*) FROM orders WHERE city = ?", "params": [hostile]}, CTX
    )
    assert not result.isError and result.structuredContent["rows"] == [[0]]
    result = await reg.call(
        "sql_query",
        {"query": "SELECT COUNT(*) FROM orders WHERE city = ? AND amount > ?", "params": ["上海", 500]},
        CTX,
    )
    conn = sqlite3.connect(f"file:{SAMPLE_ORDERS_DB}?mode=ro", uri=True)
    expected = conn.execute("SELECT COUNT(*) FROM orders WHERE city = '上海' AND amount > 500").fetchone()[0]
    conn.close()
    assert not result.isError and result.structuredContent["rows"] == [[expected]]


async def test_params_keep_the_read_only_guard(tmp_path: Path) -> None:
    reg = registry(tmp_path)
    result = await reg.call(
        "sql_query", {"query": "DELETE FROM orders WHERE order_id = ?", "params": [1024]}, CTX
    )
    assert result.isError and "only SELECT" in result.content[0]["text"]
    result = await reg.call(
        "sql_query", {"query": "SELECT * FROM orders WHERE order_id = ?", "params": []}, CTX
    )
    assert result.isError and "SQL error" in result.content[0]["text"]  # missing binding
    result = await reg.call("sql_query", {"query": "SELECT 1", "params": [{"x": 1}]}, CTX)
    assert result.isError and "invalid arguments" in result.content[0]["text"]
