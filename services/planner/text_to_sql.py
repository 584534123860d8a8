"""Text-to-SQL as structured output: a JSON Schema from the database's schema, and a compiler.

The model never writes SQL. It fills a structured query whose table and column names are enums of
the real schema (the inference service guarantees schema-valid JSON), and :func:`compile_query`, a
pure function, turns it into one parameterized read-only SELECT:

- identifiers come only from the described schema, checked again here, and are always quoted;
- every value is a bound parameter (``?`` for SQLite, ``%s`` for PostgreSQL), never SQL text;
- the row count is capped with LIMIT.

The description the compiler reads is sql_schema's output: ``{"database", "dialect", "tables":
[{"name", "columns": [{"name", "type", "kind", "values"}]}]}``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from string import Template
from typing import Any

from .periods import DateRange
from .prompts import VERSION, load_template

AGGREGATES = ("none", "count", "sum", "avg", "min", "max")
OPERATORS = ("=", "!=", ">", ">=", "<", "<=", "like", "between")
DIRECTIONS = ("asc", "desc")
MAX_LIMIT = 100
_MAX_SELECT = 4
_MAX_WHERE = 3
_MAX_VALUE_CHARS = 48
_NUMERIC_AGGREGATES = ("sum", "avg")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# SQL, not a question that happens to start with "select"/"with": a column list then FROM a name,
# or a CTE.
_SQL = re.compile(
    r'^\s*(?:select\s+(?:distinct\s+)?[\w".*]+(?:\s*,\s*[\w".*()]+)*\s+from\s+[\w".]+|with\s+\w+\s+as\s*\()',
    re.I,
)


class QueryError(ValueError):
    """The structured query can't be compiled against this schema."""


@dataclass(frozen=True)
class CompiledQuery:
    """A parameterized SELECT: `sql` has one placeholder per entry of `params`."""

    sql: str
    params: list[Any] = field(default_factory=list)
    database: str | None = None


def is_sql(text: str) -> bool:
    """Whether a request's query is already SQL (then sql_query's own guard decides)."""
    return bool(_SQL.match(text or ""))


def _columns(db_schema: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    return {
        str(t["name"]): {str(c["name"]): c for c in t.get("columns", [])}
        for t in db_schema.get("tables", [])
        if t.get("columns")
    }


# ------------------------------------------------------------------ JSON Schema


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _table_schema(table: str, columns: list[str]) -> dict[str, Any]:
    column = {"type": "string", "enum": columns}
    value = {
        "anyOf": [{"type": "string", "maxLength": _MAX_VALUE_CHARS}, {"type": "number"}, {"type": "null"}]
    }

    def obj(props: dict[str, Any]) -> dict[str, Any]:
        return {"type": "object", "properties": props, "required": list(props), "additionalProperties": False}

    return obj(
        {
            "table": {"type": "string", "enum": [table]},
            "select": {
                "type": "array",
                "minItems": 1,
                "maxItems": _MAX_SELECT,
                "items": obj(
                    {
                        "column": {"type": "string", "enum": ["*", *columns]},
                        "aggregate": {"enum": list(AGGREGATES)},
                    }
                ),
            },
            "where": {
                "type": "array",
                "maxItems": _MAX_WHERE,
                "items": obj(
                    {"column": column, "op": {"enum": list(OPERATORS)}, "value": value, "value_to": value}
                ),
            },
            "group_by": {"type": "array", "maxItems": 2, "items": column},
            "order_by": {
                "type": "array",
                "maxItems": 2,
                "items": obj(
                    {
                        "column": {"type": "string", "enum": ["*", *columns]},
                        "aggregate": {"enum": list(AGGREGATES)},
                        "direction": {"enum": list(DIRECTIONS)},
                    }
                ),
            },
            "limit": _nullable({"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}),
        }
    )


def query_json_schema(db_schema: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema of a structured query over `db_schema`.

    One branch per table, so a column enum only offers that table's columns. Every property is
    required (optional parts are empty lists or null): OpenAI's strict mode asks for that, and a
    grammar with no optional keys leaves a small model fewer ways to wander.
    """
    branches = [_table_schema(t, list(cols)) for t, cols in _columns(db_schema).items()]
    if not branches:
        raise QueryError("the database has no tables to query")
    return branches[0] if len(branches) == 1 else {"anyOf": branches}


# ------------------------------------------------------------------ compiler


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class _Compiler:
    def __init__(self, db_schema: dict[str, Any], structured: dict[str, Any], max_limit: int) -> None:
        self.dialect = str(db_schema.get("dialect") or "sqlite")
        self.placeholder = "%s" if self.dialect == "postgres" else "?"
        tables = _columns(db_schema)
        table = structured.get("table")
        if not isinstance(table, str) or table not in tables:
            raise QueryError(f"unknown table {table!r}; known: {', '.join(tables) or 'none'}")
        self.table = table
        self.columns = tables[table]
        self.q = structured
        self.max_limit = max_limit
        self.params: list[Any] = []

    def column(self, name: Any, *, star: bool = False) -> str:
        if star and name == "*":
            return "*"
        if not isinstance(name, str) or name not in self.columns:
            raise QueryError(f"unknown column {name!r} of table {self.table!r}")
        return _quote(name)

    def term(self, item: dict[str, Any], where: str) -> tuple[str, bool]:
        """An output or ordering term; returns its SQL and whether it is an aggregate."""
        _need_object(item, where)
        agg = item.get("aggregate") or "none"
        if agg not in AGGREGATES:
            raise QueryError(f"unknown aggregate {agg!r} in {where}")
        col = self.column(item.get("column"), star=True)
        if agg == "none":
            if col == "*" and where == "order_by":
                raise QueryError("order_by needs a column or an aggregate")
            return col, False
        if col == "*" and agg != "count":
            raise QueryError(f"{agg}(*) is not a query; only count(*)")
        if agg in _NUMERIC_AGGREGATES and self.columns[item["column"]].get("kind") not in ("number", None):
            raise QueryError(f"{agg} of non-numeric column {item['column']!r}")
        return f"{agg.upper()}({col})", True

    def bind(self, value: Any) -> str:
        self.params.append(value)
        return self.placeholder

    def value(self, column: str, value: Any) -> Any:
        """Numbers for numeric columns (a model may quote them); anything else stays as given."""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise QueryError(f"value {value!r} for {column!r} is not a string or a number")
        if isinstance(value, str) and len(value) > _MAX_VALUE_CHARS:
            raise QueryError(f"value for {column!r} is longer than {_MAX_VALUE_CHARS} characters")
        if self.columns[column].get("kind") == "number" and isinstance(value, str):
            try:
                number = float(value.strip())
            except ValueError:
                raise QueryError(f"value {value!r} for numeric column {column!r} is not a number") from None
            return int(number) if number.is_integer() else number
        return value

    def dated(self, column: str) -> bool:
        return self.columns[column].get("kind") in ("date", "datetime")

    def condition(self, cond: dict[str, Any]) -> str:
        _need_object(cond, "where")
        name = cond.get("column")
        col = self.column(name)
        op = cond.get("op")
        value = cond.get("value")
        if op not in OPERATORS:
            raise QueryError(f"unknown operator {op!r}")
        if value is None:
            if op in ("=", "!="):
                return f"{col} IS {'NOT ' if op == '!=' else ''}NULL"
            raise QueryError(f"{op} needs a value for {name!r}")
        value = self.value(name, value)
        if op == "between":
            upper = cond.get("value_to")
            if upper is None:
                raise QueryError(f"between needs value and value_to for {name!r}")
            upper = self.value(name, upper)
            if self.dated(name) and _day(upper):
                # A day as the upper bound means the whole day, also for date-time columns.
                return f"{col} >= {self.bind(value)} AND {col} < {self.bind(_next_day(upper))}"
            return f"{col} BETWEEN {self.bind(value)} AND {self.bind(upper)}"
        if op == "like":
            text = str(value)
            pattern = text if ("%" in text or "_" in text) else f"%{text}%"
            return f"{col} LIKE {self.bind(pattern)}"
        if op == "=" and self.dated(name) and self.columns[name].get("kind") == "datetime" and _day(value):
            return f"{col} >= {self.bind(value)} AND {col} < {self.bind(_next_day(value))}"
        return f"{col} {op} {self.bind(value)}"

    def compile(self) -> CompiledQuery:
        select = self.q.get("select") or []
        if not isinstance(select, list) or not select:
            raise QueryError("select is empty")
        where = self.q.get("where") or []
        for part, items in (
            ("select", select),
            ("where", where),
            ("group_by", self.q.get("group_by") or []),
            ("order_by", self.q.get("order_by") or []),
        ):
            if not isinstance(items, list):
                raise QueryError(f"{part} is not a list")
        for part, items, most in (("select", select, _MAX_SELECT), ("where", where, _MAX_WHERE)):
            if len(items) > most:
                raise QueryError(f"{part} has {len(items)} items; at most {most}")
        terms = [self.term(item, "select") for item in select]
        conditions = [self.condition(c) for c in where]
        group = [self.column(c) for c in (self.q.get("group_by") or [])]
        ordering = []
        for item in self.q.get("order_by") or []:
            _need_object(item, "order_by")
            direction = item.get("direction") or "asc"
            if direction not in DIRECTIONS:
                raise QueryError(f"unknown direction {direction!r}")
            ordering.append((*self.term(item, "order_by"), direction.upper()))
        if group or any(is_agg for _, is_agg in terms) or any(is_agg for _, is_agg, _ in ordering):
            if any(sql == "*" for sql, is_agg in terms if not is_agg):
                raise QueryError("* can't be selected beside an aggregate or a grouping")
            # Plain columns beside aggregates are grouped by: SQLite would pick an arbitrary row,
            # PostgreSQL would refuse.
            group += [sql for sql, is_agg in terms if not is_agg and sql not in group]
            stray = [sql for sql, is_agg, _ in ordering if not is_agg and sql not in group]
            if stray:
                raise QueryError(f"order_by {', '.join(stray)} is neither grouped nor aggregated")
        order = [f"{sql} {direction}" for sql, _, direction in ordering]
        limit = self.q.get("limit")
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
            raise QueryError(f"limit {limit!r} is not a positive integer")
        limit = min(limit or self.max_limit, self.max_limit)
        columns = ", ".join(
            f"{sql} AS {_quote(_alias(item))}" if is_agg else sql
            for (sql, is_agg), item in zip(terms, select, strict=False)
        )
        parts = [f"SELECT {columns}", f"FROM {_quote(self.table)}"]
        if conditions:
            parts.append("WHERE " + " AND ".join(conditions))
        if group:
            parts.append("GROUP BY " + ", ".join(group))
        if order:
            parts.append("ORDER BY " + ", ".join(order))
        parts.append(f"LIMIT {int(limit)}")
        return CompiledQuery(" ".join(parts), self.params)


def _need_object(item: Any, part: str) -> None:
    if not isinstance(item, dict):
        raise QueryError(f"an item of {part} is not an object")


def _alias(item: dict[str, Any]) -> str:
    column = item.get("column")
    return f"{item.get('aggregate')}_{'all' if column == '*' else column}"


def _day(value: Any) -> bool:
    return isinstance(value, str) and bool(_ISO_DAY.match(value))


def _next_day(value: str) -> str:
    return (date.fromisoformat(value) + timedelta(days=1)).isoformat()


def compile_query(
    structured: dict[str, Any], db_schema: dict[str, Any], *, max_limit: int = MAX_LIMIT
) -> CompiledQuery:
    """One parameterized read-only SELECT from a structured query, or QueryError.

    Rules beyond the JSON Schema: `*` only bare or in count(*); sum/avg only of numeric columns;
    plain columns beside aggregates are added to GROUP BY; `like` without a wildcard matches a
    substring; `between` (and `=` on a date-time column) with a day as bound covers that whole day;
    `= null` / `!= null` are IS NULL / IS NOT NULL; LIMIT is at most `max_limit`.
    """
    if not isinstance(structured, dict):
        raise QueryError("the structured query is not an object")
    compiled = _Compiler(db_schema, structured, max_limit).compile()
    return CompiledQuery(compiled.sql, compiled.params, db_schema.get("database"))


# ------------------------------------------------------------------ prompt


def schema_lines(db_schema: dict[str, Any]) -> str:
    """The schema as the prompt shows it: one line per table, each column with its kind and values."""
    lines = []
    for table in db_schema.get("tables", []):
        cols = []
        for c in table.get("columns", []):
            values = c.get("values")
            shown = f": {', '.join(map(str, values))}" if values else ""
            cols.append(f"{c['name']} ({c.get('kind') or c.get('type') or 'text'}{shown})")
        lines.append(f"{table['name']}: {'; '.join(cols)}")
    return "\n".join(lines)


def _example(
    table: str,
    select: list[tuple[str, str]],
    where: list[Any],
    group: list[str],
    order: list[Any],
    limit: Any,
) -> str:
    return json.dumps(
        {
            "table": table,
            "select": [{"column": c, "aggregate": a} for c, a in select],
            "where": [{"column": c, "op": o, "value": x, "value_to": None} for c, o, x in where],
            "group_by": group,
            "order_by": [{"column": c, "aggregate": a, "direction": d} for c, a, d in order],
            "limit": limit,
        },
        ensure_ascii=False,
    )


def examples(db_schema: dict[str, Any]) -> str:
    """Worked examples on this schema's own names (a table the database lacks would only mislead):
    rows per value of a listed text column, the top rows by a number, a total under a filter."""
    for table in db_schema.get("tables", []):
        cols = table.get("columns", [])
        text = next((c for c in cols if c.get("values")), None)
        number = next((c for c in cols if c.get("kind") == "number" and not c["name"].endswith("id")), None)
        if text is None or number is None:
            continue
        name, t, n, v = table["name"], text["name"], number["name"], text["values"][0]

        return "\n".join(
            [
                f'"how many rows per {t}" -> '
                + _example(name, [(t, "none"), ("*", "count")], [], [t], [], None),
                f'"the 3 rows with the highest {n}" -> '
                + _example(name, [("*", "none")], [], [], [(n, "none", "desc")], 3),
                f'"total {n} where {t} is {v}" -> '
                + _example(name, [(n, "sum")], [(t, "=", v)], [], [], None),
            ]
        )
    return "(none)"


def sql_messages(
    question: str, db_schema: dict[str, Any], today: date, ranges: list[DateRange], version: str = VERSION
) -> list[dict[str, str]]:
    """The versioned text_to_sql prompt: the question, the schema, today and the resolved date ranges."""
    system, user = load_template("text_to_sql", version)
    values = {
        "today": today.isoformat(),
        "schema": schema_lines(db_schema),
        "dates": "; ".join(r.describe() for r in ranges) or "(none)",
        "question": question,
        "examples": examples(db_schema),
    }
    return [
        {"role": "system", "content": Template(system).safe_substitute(values)},
        {"role": "user", "content": Template(user).safe_substitute(values)},
    ]
