"""The text-to-SQL compiler: structured query -> one parameterized read-only SELECT, run on the sample database.

The schema used is sql_schema's real description of the bundled orders database, so the compiled
queries are checked against real columns and real rows.
"""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autoglm.services.planner.text_to_sql import (
    AGGREGATES,
    OPERATORS,
    QueryError,
    compile_query,
    is_sql,
    query_json_schema,
)
from autoglm.services.tool_executor.builtins.sql import check_read_only
from autoglm.services.tool_executor.builtins.sql_schema import make_sql_schema
from autoglm.services.tool_executor.config import SAMPLE_ORDERS_DB, SqlConfig
from autoglm.services.tool_executor.context import ToolContext


def _describe() -> dict[str, Any]:
    tool = make_sql_schema(SqlConfig(), data_dir=SAMPLE_ORDERS_DB.parent)
    return asyncio.run(tool.handler({}, ToolContext())).model_dump()


SCHEMA = _describe()
COLUMNS = [c["name"] for c in SCHEMA["tables"][0]["columns"]]


def q(select: list[Any] | None = None, where: list[Any] | None = None, **rest: Any) -> dict[str, Any]:
    return {
        "table": "orders",
        "select": select or [{"column": "*", "aggregate": "none"}],
        "where": where or [],
        "group_by": rest.get("group_by", []),
        "order_by": rest.get("order_by", []),
        "limit": rest.get("limit"),
    }


def cond(column: str, op: str, value: Any, value_to: Any = None) -> dict[str, Any]:
    return {"column": column, "op": op, "value": value, "value_to": value_to}


def run(sql: str, params: list[Any] | None = None) -> list[tuple]:
    conn = sqlite3.connect(f"file:{SAMPLE_ORDERS_DB}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params or []).fetchall()
    finally:
        conn.close()


def rows_of(structured: dict[str, Any]) -> list[tuple]:
    compiled = compile_query(structured, SCHEMA)
    check_read_only(compiled.sql)  # what sql_query's guard will say
    return run(compiled.sql, compiled.params)


# ------------------------------------------------------------------ operators and values


@pytest.mark.parametrize(
    ("condition", "reference"),
    [
        (cond("city", "=", "上海"), "city = '上海'"),
        (cond("city", "!=", "上海"), "city != '上海'"),
        (cond("amount", ">", 500), "amount > 500"),
        (cond("amount", ">=", 399), "amount >= 399"),
        (cond("amount", "<", 259), "amount < 259"),
        (cond("amount", "<=", 259), "amount <= 259"),
        (cond("item", "like", "耳机"), "item LIKE '%耳机%'"),
        (cond("customer", "like", "A%"), "customer LIKE 'A%'"),
        (cond("amount", "between", 200, 900), "amount BETWEEN 200 AND 900"),
        (cond("amount", ">", "500"), "amount > 500"),  # a quoted number for a numeric column is a number
        (cond("carrier", "=", None), "carrier IS NULL"),
        (cond("carrier", "!=", None), "carrier IS NOT NULL"),
    ],
)
def test_every_operator_selects_the_same_rows_as_hand_written_sql(condition: dict, reference: str) -> None:
    compiled = compile_query(q([{"column": "order_id", "aggregate": "none"}], [condition]), SCHEMA)
    expected = run(f"SELECT order_id FROM orders WHERE {reference} LIMIT 100")
    assert run(compiled.sql, compiled.params) == expected
    assert 0 < len(expected) < 50  # each filter really filters on this data
    if condition["value"] is not None:
        assert str(condition["value"]).strip("%") not in compiled.sql  # values are bound, not spliced


def test_values_are_parameters_and_injection_text_stays_a_value() -> None:
    hostile = "上海' OR '1'='1"
    compiled = compile_query(
        q(where=[cond("city", "=", hostile), cond("customer", "like", "'; DROP TABLE orders; --")]), SCHEMA
    )
    assert compiled.sql.count("?") == len(compiled.params) == 2
    assert compiled.params == [hostile, "%'; DROP TABLE orders; --%"]
    assert "DROP" not in compiled.sql and "OR" not in compiled.sql
    assert run(compiled.sql, compiled.params) == []
    assert run("SELECT COUNT(*) FROM orders") == [(50,)]


def test_day_bounds_cover_whole_days_on_datetime_columns() -> None:
    compiled = compile_query(
        q(
            [{"column": "*", "aggregate": "count"}],
            [cond("created_at", "between", "2026-11-03", "2026-11-05")],
        ),
        SCHEMA,
    )
    assert compiled.params == ["2026-11-03", "2026-11-06"]
    expected = run(
        "SELECT COUNT(*) FROM orders WHERE substr(created_at, 1, 10) BETWEEN '2026-11-03' AND '2026-11-05'"
    )
    assert run(compiled.sql, compiled.params) == expected and expected[0][0] > 0
    one_day = compile_query(
        q([{"column": "*", "aggregate": "count"}], [cond("created_at", "=", "2026-11-03")]), SCHEMA
    )
    expected = run("SELECT COUNT(*) FROM orders WHERE substr(created_at, 1, 10) = '2026-11-03'")
    assert run(one_day.sql, one_day.params) == expected


# ------------------------------------------------------------------ aggregates, grouping, order, limit


@pytest.mark.parametrize("agg", ["count", "sum", "avg", "min", "max"])
def test_aggregates(agg: str) -> None:
    got = rows_of(q([{"column": "amount", "aggregate": agg}], [cond("status", "=", "已发货")]))
    assert got == run(f"SELECT {agg.upper()}(amount) FROM orders WHERE status = '已发货'")


def test_top_product_by_sales_in_a_period() -> None:
    """上个月销售额最高的产品, as a capable model would fill it (here: the data's month, 2026-11)."""
    structured = q(
        [{"column": "item", "aggregate": "none"}, {"column": "amount", "aggregate": "sum"}],
        [cond("created_at", "between", "2026-11-01", "2026-11-30")],
        order_by=[{"column": "amount", "aggregate": "sum", "direction": "desc"}],
        limit=1,
    )
    compiled = compile_query(structured, SCHEMA)
    assert 'GROUP BY "item"' in compiled.sql  # a plain column beside an aggregate is grouped by
    assert compiled.sql.endswith("LIMIT 1")
    expected = run(
        "SELECT item, SUM(amount) AS s FROM orders WHERE created_at >= '2026-11-01' AND created_at < '2026-12-01' "
        "GROUP BY item ORDER BY s DESC LIMIT 1"
    )
    assert run(compiled.sql, compiled.params) == expected


def test_count_per_group_ordered() -> None:
    got = rows_of(
        q(
            [{"column": "city", "aggregate": "none"}, {"column": "*", "aggregate": "count"}],
            group_by=["city"],
            order_by=[
                {"column": "*", "aggregate": "count", "direction": "desc"},
                {"column": "city", "aggregate": "none", "direction": "asc"},
            ],
        )
    )
    assert got == run("SELECT city, COUNT(*) AS n FROM orders GROUP BY city ORDER BY n DESC, city ASC")


def test_limit_is_capped() -> None:
    assert compile_query(q(limit=5), SCHEMA).sql.endswith("LIMIT 5")
    assert compile_query(q(limit=10_000), SCHEMA, max_limit=20).sql.endswith("LIMIT 20")
    assert compile_query(q(limit=None), SCHEMA, max_limit=20).sql.endswith("LIMIT 20")
    with pytest.raises(QueryError):
        compile_query(q(limit=0), SCHEMA)


def test_postgres_placeholders() -> None:
    compiled = compile_query(q(where=[cond("city", "=", "上海")]), {**SCHEMA, "dialect": "postgres"})
    assert "%s" in compiled.sql and "?" not in compiled.sql and compiled.params == ["上海"]


# ------------------------------------------------------------------ refusals


@pytest.mark.parametrize(
    "structured",
    [
        {**q(), "table": "sqlite_master"},
        {**q(), "table": "orders; DROP TABLE orders"},
        q([{"column": "password", "aggregate": "none"}]),
        q([{"column": 'amount" FROM orders; --', "aggregate": "none"}]),
        q(where=[cond("secret", "=", 1)]),
        q(group_by=["nope"]),
        q(order_by=[{"column": "nope", "aggregate": "none", "direction": "desc"}]),
        q(order_by=[{"column": "amount", "aggregate": "none", "direction": "sideways"}]),
        q(where=[cond("amount", "regexp", 1)]),
        q([{"column": "amount", "aggregate": "median"}]),
        q([{"column": "*", "aggregate": "sum"}]),
        q([{"column": "city", "aggregate": "sum"}]),  # sum of text
        q([{"column": "*", "aggregate": "none"}, {"column": "amount", "aggregate": "max"}]),
        q(order_by=[{"column": "*", "aggregate": "count", "direction": "asc"}]),  # * beside an aggregate
        q(
            [{"column": "city", "aggregate": "none"}, {"column": "*", "aggregate": "count"}],
            order_by=[
                {"column": "amount", "aggregate": "none", "direction": "desc"}
            ],  # neither grouped nor aggregated
        ),
        q(where=[cond("amount", ">", "a lot")]),
        q(where=[cond("amount", "between", 1, None)]),
        q(where=[cond("amount", ">", None)]),
        q(where=[cond("city", "=", "x" * 200)]),
        q(where=[cond("city", "=", ["a"])]),
        q(where=[cond("city", "=", "上海")] * 4),
        {**q(), "select": []},
        {**q(), "where": "city = 1"},
        {**q(), "select": ["amount"]},
    ],
)
def test_what_the_schema_does_not_name_is_refused(structured: dict) -> None:
    with pytest.raises(QueryError):
        compile_query(structured, SCHEMA)


def test_columns_belong_to_the_chosen_table() -> None:
    two = {
        "database": "shop",
        "dialect": "sqlite",
        "tables": [
            {"name": "a", "columns": [{"name": "x", "type": "INTEGER", "kind": "number"}]},
            {"name": 'b"q', "columns": [{"name": "y", "type": "TEXT", "kind": "text"}]},
        ],
    }
    with pytest.raises(QueryError):
        compile_query({**q([{"column": "y", "aggregate": "none"}]), "table": "a"}, two)
    compiled = compile_query({**q([{"column": "y", "aggregate": "none"}]), "table": 'b"q'}, two)
    assert compiled.sql.startswith('SELECT "y" FROM "b""q"')  # quotes in names are escaped
    schema = query_json_schema(two)
    assert [b["properties"]["table"]["enum"] for b in schema["anyOf"]] == [["a"], ['b"q']]
    assert schema["anyOf"][0]["properties"]["where"]["items"]["properties"]["column"]["enum"] == ["x"]


# ------------------------------------------------------------------ the JSON Schema


def test_json_schema_enumerates_the_real_names() -> None:
    schema = query_json_schema(SCHEMA)
    jsonschema.validators.validator_for(schema).check_schema(schema)
    props = schema["properties"]
    assert props["table"]["enum"] == ["orders"]
    assert props["where"]["items"]["properties"]["column"]["enum"] == COLUMNS
    assert props["select"]["items"]["properties"]["column"]["enum"] == ["*", *COLUMNS]
    assert props["where"]["items"]["properties"]["op"]["enum"] == list(OPERATORS)
    assert set(schema["required"]) == set(props)  # strict mode: every key required
    jsonschema.validate(q(where=[cond("city", "=", "上海")], limit=3), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(q([{"column": "password", "aggregate": "none"}]), schema)
    with pytest.raises(QueryError):
        query_json_schema({"database": "x", "tables": []})


def test_sql_text_is_recognised() -> None:
    assert is_sql("SELECT * FROM orders WHERE order_id = 1") and is_sql(
        "  with t as (select 1) select * from t"
    )
    assert is_sql('select status, "city" from orders')
    for words in (
        "上个月销售额最高的产品",
        "select the orders from Shanghai",
        "with the most sales, which city?",
    ):
        assert not is_sql(words)


# ------------------------------------------------------------------ property: anything schema-valid is safe

_values = st.one_of(
    st.none(), st.integers(-10_000, 10_000), st.floats(-1e6, 1e6, allow_nan=False), st.text(max_size=48)
)
_structured = st.fixed_dictionaries(
    {
        "table": st.just("orders"),
        "select": st.lists(
            st.fixed_dictionaries(
                {"column": st.sampled_from(["*", *COLUMNS]), "aggregate": st.sampled_from(AGGREGATES)}
            ),
            min_size=1,
            max_size=4,
        ),
        "where": st.lists(
            st.fixed_dictionaries(
                {
                    "column": st.sampled_from(COLUMNS),
                    "op": st.sampled_from(OPERATORS),
                    "value": _values,
                    "value_to": _values,
                }
            ),
            max_size=3,
        ),
        "group_by": st.lists(st.sampled_from(COLUMNS), max_size=2),
        "order_by": st.lists(
            st.fixed_dictionaries(
                {
                    "column": st.sampled_from(["*", *COLUMNS]),
                    "aggregate": st.sampled_from(AGGREGATES),
                    "direction": st.sampled_from(["asc", "desc"]),
                }
            ),
            max_size=2,
        ),
        "limit": st.one_of(st.none(), st.integers(1, 100)),
    }
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_structured)
def test_any_schema_valid_query_compiles_to_a_guarded_select_or_is_refused(structured: dict) -> None:
    jsonschema.validate(structured, query_json_schema(SCHEMA))
    try:
        compiled = compile_query(structured, SCHEMA)
    except QueryError:
        return
    check_read_only(compiled.sql)
    assert compiled.sql.count("?") == len(compiled.params)
    for c in structured["where"]:
        if isinstance(c["value"], str) and len(c["value"]) > 3 and c["value"] not in COLUMNS:
            assert c["value"] not in compiled.sql.replace('"', "")
    rows = run(compiled.sql, compiled.params)
    assert len(rows) <= 100
