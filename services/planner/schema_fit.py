"""Does a question fit the database it was routed to? (pure; issue 16, KB questions routed to text-to-SQL)

The parser sends a question to text-to-SQL on its data words ("employees", "customers", "database", "warehouse",
员工, 客户, 数据库); a question about the tenant's documents has them too ("What is the RPO of the orders
database?", "How many days of marriage leave do employees get?", "客服热线是多少"). Once the database's schema is
known (sql_schema's output), :func:`unmatched_terms` lists what the question asks about that is neither in the
schema (table and column names, the listed values of its columns) nor a word any data question uses (counts,
totals, periods, rankings, the data nouns the parser routes on). A question with several such terms is not about
this database: when the tenant's knowledge base has a passage for it, that answers instead (requests.py), and the
model is never asked to invent a query for it.
"""

from __future__ import annotations

import re
from typing import Any

# Words any question over business records uses, whatever the schema: question words, aggregates, periods,
# rankings and the data nouns the parser routes on (classify.SQL_DATA).
_GENERIC_EN = frozenset("""
a an the of in on at for by to from with and or not no our we us me my i you your their its it is are was were be been
do does did have has had get got give show list find tell query what which who whom whose when where how many much
count number numbers total sum average avg mean max maximum min minimum most least top highest lowest best worst
per each every all any some more less than over under between before after since until during this last next past
previous current week weeks month months year years day days today yesterday tomorrow quarter daily weekly monthly
yearly hour hours record records row rows data database table tables value values amount amounts please can could
would should there that these those so far recent recently latest new sold sell sales selling bought buy placed
made ordered order orders customer customers user users item items product products revenue inventory stock
employee employees warehouse warehouses status city cities rank ranking ranked group grouped by breakdown
still yet already pending shipped delivered transit cancelled canceled paid unpaid refunded returned open closed active
""".split())
_GENERIC_ZH = (
    "请问|请|帮我|麻烦|查询|查一下|查|统计|列出|显示|看看|告诉我|一下|多少|几个|几位|几笔|几单|哪些|哪个|哪家|什么|是否|有没有|有|"
    "总共|一共|合计|总数|总额|数量|金额|平均|最多|最少|最高|最低|最好|最差|排名|排行|前|名|个|笔|单|件|位|的|了|吗|呢|是|在|和|与|及|或|"
    "按|每|各|所有|全部|本月|上月|下月|这个月|上个月|本周|上周|这周|今年|去年|今天|昨天|最近|近|天|周|月|年|季度|以来|之前|之后|期间|"
    "订单|客户|用户|商品|产品|销售额|销量|卖得|卖出|卖了|售出|成交|库存|仓库|员工|数据库|数据表|数据|报表|记录|城市|状态|已经|"
    r"\d+"
)
_GENERIC_ZH_RE = re.compile(_GENERIC_ZH)
# Chinese data nouns and the English column or table words they name: a match when the schema has one of them.
_ZH_DATA_NOUNS = {
    "订单": ("order",), "客户": ("customer", "client"), "顾客": ("customer",), "用户": ("user", "customer"),
    "商品": ("item", "product", "sku"), "产品": ("product", "item"), "货品": ("item", "product"),
    "金额": ("amount", "total", "price"), "销售额": ("amount", "revenue", "sales"), "营收": ("revenue", "amount"),
    "价格": ("price", "amount"), "数量": ("quantity", "qty", "count"), "销量": ("quantity", "sales"),
    "城市": ("city",), "状态": ("status",), "承运商": ("carrier",), "快递公司": ("carrier",), "运单号": ("tracking",),
    "币种": ("currency",), "员工": ("employee", "staff"), "部门": ("department", "dept"), "库存": ("stock", "inventory"),
    "仓库": ("warehouse",), "下单时间": ("created",), "创建时间": ("created",), "更新时间": ("updated",),
}
_ZH_DATA_RE = re.compile("|".join(sorted(_ZH_DATA_NOUNS, key=len, reverse=True)))
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)*")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
# A question with this many terms outside the schema and the generic words is not about the database.
UNMATCHED_LIMIT = 2


def _stem(word: str) -> str:
    word = word.lower()
    for suffix in ("ies", "es", "s"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def schema_vocabulary(db_schema: dict[str, Any]) -> tuple[set[str], list[str]]:
    """English-like words (stemmed) and other-script values of a schema description (sql_schema's output)."""
    words: set[str] = set()
    values: list[str] = []
    for table in db_schema.get("tables") or []:
        names = [str(table.get("name") or "")]
        for column in table.get("columns") or []:
            names.append(str(column.get("name") or ""))
            for v in column.get("values") or []:
                values.append(str(v))
        for name in names + values:
            words.update(_stem(w) for w in re.split(r"[^A-Za-z0-9]+", name) if w)
    return words, values


def _terms(question: str, db_schema: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The question's terms that name something of the schema, and those that are neither the schema's nor
    generic data words (each in question order)."""
    words, values = schema_vocabulary(db_schema)
    generic = {_stem(w) for w in _GENERIC_EN}
    matched: list[str] = []
    out: list[str] = []
    for m in _WORD.finditer(question):
        w = m.group(0)
        stem = _stem(w)
        if stem in words or any(w.lower() in v.lower() for v in values if len(w) > 2):
            matched.append(w)
        elif len(w) >= 2 and stem not in generic and w.lower() not in _GENERIC_EN:
            out.append(w)
    for run in _HAN_RUN.finditer(question):
        # Values first (a value may contain a generic word: 已签收), then the generic words.
        text = run.group(0)
        for v in sorted((v for v in values if _HAN_RUN.search(v)), key=len, reverse=True):
            if v in text:
                matched.append(v)
                text = text.replace(v, " ")
        for m in _ZH_DATA_RE.finditer(text):
            if any(w in words for w in _ZH_DATA_NOUNS[m.group(0)]):
                matched.append(m.group(0))
        text = _ZH_DATA_RE.sub(" ", text)
        for piece in _GENERIC_ZH_RE.sub(" ", text).split():
            if any(piece in v for v in values):
                matched.append(piece)
                continue
            # about one term per two characters (Chinese words are mostly two characters long)
            out.extend(piece[i:i + 2] for i in range(0, len(piece), 2) if len(piece[i:i + 2]) == 2)
    return matched, out


def unmatched_terms(question: str, db_schema: dict[str, Any]) -> list[str]:
    """The question's terms that are neither the schema's nor generic data words (in question order)."""
    return _terms(question, db_schema)[1]


def fits_schema(question: str, db_schema: dict[str, Any]) -> bool:
    """Whether the question is about this database (see the module doc): at most one term outside it, and that
    one only beside a term of the schema itself ("How many employees joined?" asks nothing of an orders table)."""
    matched, unmatched = _terms(question, db_schema)
    return len(unmatched) < UNMATCHED_LIMIT and (bool(matched) or not unmatched)
