"""Word problems compiled to exact steps (issue 16 item 2): a request that is a chain of arithmetic becomes
one tool step per operation, each working on the previous step's result.

"A coat costs 920 CNY. Take 30% off, then convert it to dollars at 7.2 CNY per dollar." compiles to
``920*(1-30/100)`` and ``{i1}/7.2``; "原价 520 元，先打八五折，再用满400减60的券" to ``520*0.85`` and
``{i1}-60*min(1,floor({i1}/400))``. The request is cut into pieces (sentences, commas, "then"/"再"); each
piece is read by the first operation of :data:`OPERATIONS` (a table of zh/en patterns, each an expression
template over the previous result ``{p}``) that accounts for every number in it. A piece no operation reads
may join the next one ("at 3% interest, compounded yearly, for 2 years" is one operation). A piece with no
number that asks only for the answer ("How much is left?", "最后要付多少钱") adds nothing.

The compiler claims a request only when every piece is read, so anything it does not understand goes to the
rules as before; trailing work that is no arithmetic ("…, then write a tweet about it") is handed back to
the caller, which parses it and makes it depend on the last result. Work is bounded: requests over
:data:`MAX_CHARS` and chains over :data:`MAX_PIECES` pieces are not compiled.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from autoglm.shared.units import UnitError, find_unit, unit_names

from .arith import _EN_NUMBER_RE, _en_number, chinese_to_int, extract_expression, looks_like_date_or_id
from .reader import follow_up_conversion, read_whole

MAX_CHARS = 400
MAX_PIECES = 12
MAX_PIECE = 160  # one operation's words; a longer piece (or merge of pieces) is not read
_MERGE = 3  # pieces one operation may span

# A whole number, never a part of one: patterns with two numbers can't split a run of digits between them
# (which made a 400-digit request take seconds).
_N = r"(?<![\d.])(\d+(?:\.\d+)?)(?!\d|\.\d)"
_ZN = r"(?<![\d.])(\d+(?:\.\d+)?|[一二两三四五六七八九十百]+)(?!\d|\.\d)"
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass
class Op:
    """What one piece does: ``template`` over the previous result ``{p}`` (a calculator step), or another
    tool's ``entities``. ``needs_prev`` when it works on an earlier result."""

    template: str = ""
    tool: str = "calculator"
    entities: dict[str, Any] = field(default_factory=dict)
    needs_prev: bool = True
    kind: str = "step"  # step | start | given | ask | round | part | growth | difference
    plain: bool = False  # an expression the rules read as well (alone, it is left to them)
    digits: int | None = None  # round(…, digits)
    base: str | None = None  # the amount a later "how much more/less" compares with, when the op states it


@dataclass
class Step:
    """One compiled step: the text it came from and its intent's tool and entities."""

    text: str
    tool: str
    entities: dict[str, Any]
    depends_on: list[str]


@dataclass
class Compiled:
    steps: list[Step]
    rest: str  # trailing text that is no arithmetic, for the caller to parse ("" when none)
    uncompiled: list[str] = field(default_factory=list)  # clauses of an arithmetic request left unread


# ------------------------------------------------------------------ numbers and units


def _num(token: str) -> str:
    if token[0].isdigit():
        return token
    value = chinese_to_int(token)
    return str(value) if value is not None else token


def _numbers(text: str) -> list[float]:
    return [float(x) for x in _NUMBER.findall(text)]


_CURRENCY = {
    "usd": "USD", "dollar": "USD", "dollars": "USD", "美元": "USD", "美金": "USD", "$": "USD",
    "eur": "EUR", "euro": "EUR", "euros": "EUR", "欧元": "EUR", "€": "EUR",
    "cny": "CNY", "rmb": "CNY", "yuan": "CNY", "元": "CNY", "人民币": "CNY", "元人民币": "CNY", "块": "CNY",
    "gbp": "GBP", "pound": "GBP", "pounds": "GBP", "英镑": "GBP", "jpy": "JPY", "yen": "JPY", "日元": "JPY",
    "hkd": "HKD", "港币": "HKD", "港元": "HKD",
}


def _unit_key(word: str) -> str:
    """One name for a unit however it is written: ``euros`` = ``EUR`` = ``欧元``, ``miles`` = ``英里``."""
    w = word.strip().lower()
    if w in _CURRENCY:
        return _CURRENCY[w]
    for candidate in (w, w[:-1] if w.endswith("s") else w, w.replace("kilometre", "kilometer")):
        try:
            return find_unit(candidate).symbol
        except (UnitError, ValueError):
            continue
    return w.rstrip("s")


_ZH_UNITS = sorted({n for n in [*_CURRENCY, *unit_names()] if not n.isascii()}, key=len, reverse=True)
_UNIT_WORD = r"([A-Za-z]{1,12}(?![A-Za-z])|°[FC]|" + "|".join(map(re.escape, _ZH_UNITS)) + ")"
# A rate stated in the request: "1 EUR = 1.08 USD", "1 美元兑 7.25 元人民币", "7.8 CNY per euro".
_RATE_EQ = re.compile(r"(?:1|one|一)\s*" + _UNIT_WORD + r"\s*(?:=|等于|兑换?|合|约等于|≈)\s*" + _N + r"\s*" + _UNIT_WORD
                      + r"(?![A-Za-z])")
_RATE_PER = re.compile(_N + r"\s*" + _UNIT_WORD + r"(?:\s+(?:per|a|an|for each|to the|to one)\s+|\s*/\s*)([A-Za-z]{2,12})\b",
                       re.I)


@dataclass(frozen=True)
class Rate:
    """1 ``one`` = ``factor`` ``other``."""

    one: str
    factor: str
    other: str


def _rates(text: str) -> list[tuple[Rate, list[str]]]:
    found = []
    for m in _RATE_EQ.finditer(text):
        found.append((Rate(_unit_key(m.group(1)), m.group(2), _unit_key(m.group(3))), ["1", m.group(2)]))
    for m in _RATE_PER.finditer(text):
        found.append((Rate(_unit_key(m.group(3)), m.group(1), _unit_key(m.group(2))), [m.group(1)]))
    return found


_TARGET = re.compile(r"(?:\b(?:in|to|into)\s+(?:the\s+)?|换算成|换算为|换成|兑换成|转换成|折合成?|是多少|等于多少|合多少)\s*"
                     + _UNIT_WORD, re.I)
_CONVERT = re.compile(r"\bconvert|\bexchange|\bin\s+\w+\s*(?:at\b|,)|换算|兑换|折合|转换|换成|\bwhat\b.*\bin\b", re.I)
_CONVERT_OWN = re.compile(_CONVERT.pattern + "|等于多少|是多少|合多少", re.I)


def _converted(piece: str, rates: list[tuple[Rate, list[str]]], own: bool) -> tuple[str, list[str]] | None:
    """``*r`` or ``/r`` converting to the unit the piece names, at a rate it (or the request) states."""
    if not _CONVERT_OWN.search(piece):
        return None
    targets = [_unit_key(m.group(1)) for m in _TARGET.finditer(piece)]
    for rate, used in rates:
        for target in targets:
            if target == rate.one and target != rate.other:
                return f"/{rate.factor}", used if own else []
            if target == rate.other and target != rate.one:
                return f"*{rate.factor}", used if own else []
    return None


# ------------------------------------------------------------------ the operations

Reader = Callable[[str, "Context"], "tuple[Op, list[str] | None] | None"]


@dataclass
class Context:
    """What a piece is read against: the rates the whole request states, whether a result precedes it, and
    the running quantities a "how many more" needs."""

    rates: list[tuple[Rate, list[str]]]
    today: date
    has_prev: bool = False
    base: str | None = None
    base_kind: str = ""
    unit: str | None = None  # the unit of the running value, once a conversion named it
    unit_price: bool = False  # the amount stated last is the price of one ("每本 28 元", "29.99 each")
    period: str | None = None  # the running value is per this period ("14.99 a month": month)


def _pattern(regex: str, build: Callable[[re.Match[str]], Op], flags: int = re.I) -> Reader:
    compiled = re.compile(regex, flags)

    def read(piece: str, ctx: Context) -> tuple[Op, list[str] | None] | None:
        m = compiled.search(piece)
        if not m:
            return None
        return build(m), [g for g in m.groups() if g and _NUMBER.fullmatch(g)]

    return read


def _step(template: str, kind: str = "step") -> Op:
    return Op(template=template, kind=kind)


def _start(template: str, kind: str = "start") -> Op:
    return Op(template=template, needs_prev=False, kind=kind)


def _tenths(n: str) -> str:
    n = _num(n)
    digits = n.replace(".", "")
    return f"0.{digits}"


_FEE = (r"(?:tax(?:es)?|vat|gst|tip|gratuity|fee|fees|surcharge|service(?:\s+charge)?|commission|shipping|"
        r"税|增值税|消费税|手续费|服务费|小费|运费|佣金|附加费)")
_AVG_LIST = _N + r"((?:\s*(?:,|、|和|与|及|\band\b|&)\s*\d+(?:\.\d+)?)+)"


def _average(m: re.Match[str]) -> Op:
    values = [m.group(1)] + _NUMBER.findall(m.group(2))
    return _start(f"({'+'.join(values)})/{len(values)}")


def _read_average(piece: str, ctx: Context) -> tuple[Op, list[str] | None] | None:
    m = (re.search(r"\b(?:average|mean)\s+(?:of\s+)?(?:the\s+(?:numbers|scores|values)\s+)?" + _AVG_LIST, piece, re.I)
         or re.search(_AVG_LIST + r"\s*(?:的)?\s*(?:平均数|平均值|平均分|平均)", piece))
    if not m:
        return None
    return _average(m), None


def _read_compound(piece: str, ctx: Context) -> tuple[Op, list[str] | None] | None:
    m = re.search(r"\$?" + _N + r"[^%]{0,40}?" + _N + r"\s*%[^%]{0,60}?compound\w*[^%]{0,40}?\b(?:for|over)\s+"
                  + _N + r"\s*years?", piece, re.I)
    if not m:
        m = re.search(_N + r"\s*(?:元|万元|块)?[^%]{0,20}?年利率\s*(?:为|是)?\s*" + _N + r"\s*%[^%]{0,20}?(?:复利|利滚利)"
                      r"[^%]{0,10}?" + _ZN + r"\s*年", piece)
        if not m:
            m = re.search(_N + r"\s*(?:元|万元|块)?[^%]{0,20}?年利率\s*(?:为|是)?\s*" + _N + r"\s*%[^%]{0,10}?" + _ZN
                          + r"\s*年[^%]{0,10}?(?:复利|利滚利)", piece)
    if not m:
        return None
    p, r, n = m.group(1), m.group(2), _num(m.group(3))
    return _start(f"{p}*(1+{r}/100)^{n}"), [p, r, m.group(3)]


def _read_dates(piece: str, ctx: Context) -> tuple[Op, list[str] | None] | None:
    from .chain import _ASKS_DAYS, _explicit_dates

    if not _ASKS_DAYS.search(piece):
        return None
    named = [d for _, d in _explicit_dates(piece, ctx.today)]
    if len(named) != 2:
        return None
    start, end = sorted(named)
    op = Op(tool="datetime", entities={"operation": "diff", "start": start.isoformat(), "end": end.isoformat()},
            needs_prev=False, kind="start")
    return op, None


def _read_units(piece: str, ctx: Context) -> tuple[Op, list[str] | None] | None:
    """A conversion the units table knows, when the request states no rate of its own ("72 °F in Celsius")."""
    from autoglm.shared.events import Intent, IntentType

    from .chain import _units

    if _rates(piece):
        return None
    intent = Intent(id="i1", type=IntentType.CALCULATION, tool="calculator", text=piece, entities={})
    done = _units(intent)
    if done is None:
        return None
    value = done.entities["value"]
    return Op(tool="convert_units", entities=dict(done.entities), needs_prev=False, kind="start"), [str(value)]


# Roughly what one unit of each currency is worth in dollars: only which side of 1 a rate falls on is read.
_WORTH = {"USD": 1.0, "EUR": 1.1, "GBP": 1.27, "CNY": 0.14, "JPY": 0.0067, "HKD": 0.13}


def _bare_rate(rate: str, source: str | None, target: str | None, piece: str) -> str:
    """``*r`` or ``/r`` for a rate stated without its units ("at a rate of 1.27", "汇率 7.2"): the direction whose
    result is nearer what the two currencies are worth; a multiplier, as stated, when they are unknown."""
    if source is None and target in _WORTH:
        source = "CNY" if re.search(r"[\u4e00-\u9fff]", piece) else "USD"  # the amount is in the speaker's currency
    if source not in _WORTH or target not in _WORTH or source == target:
        return f"*{rate}"
    expected, r = _WORTH[source] / _WORTH[target], float(rate)
    if r <= 0:
        return f"*{rate}"
    return f"*{rate}" if abs(math.log(r / expected)) <= abs(math.log(1 / r / expected)) else f"/{rate}"


_BARE_RATE = re.compile(r"\bat\s+(?:an?\s+|the\s+)?(?:exchange\s+)?rate\s+of\s+" + _N + r"|汇率(?:是|为|按)?\s*" + _N, re.I)


def _read_rate(piece: str, ctx: Context) -> tuple[Op, list[str] | None] | None:
    own = _rates(piece)
    converted = _converted(piece, own + ctx.rates, own=True)
    if converted is None and (bare := _BARE_RATE.search(piece)) and _CONVERT_OWN.search(piece):
        rate = bare.group(1) or bare.group(2)
        amount = re.search(r"\$?" + _N + r"\s*" + _UNIT_WORD + "?", piece[: bare.start()])
        source = _unit_key(amount.group(2)) if amount and amount.group(2) else ctx.unit
        op_text = _bare_rate(rate, source, _target_unit(piece), piece)
        if amount:
            return _start(f"{amount.group(1)}{op_text}", "convert"), [amount.group(1), rate]
        return _step("{p}" + op_text, "convert"), [rate]
    if converted is None:
        return None
    op_text, used = converted
    rest = piece
    for rate_m in list(_RATE_EQ.finditer(piece)) + list(_RATE_PER.finditer(piece)):
        rest = rest.replace(rate_m.group(0), " ")
    amount = re.search(r"\$?" + _N, rest)
    if amount:
        return _start(f"{amount.group(1)}{op_text}", "convert"), [*used, amount.group(1)]
    if not _CONVERT.search(piece) or ctx.unit == _target_unit(piece):
        return None  # "是多少公里" after a conversion to km asks for the answer
    return _step("{p}" + op_text, "convert"), used


def _target_unit(piece: str) -> str | None:
    m = _TARGET.search(piece)
    return _unit_key(m.group(1)) if m else None


_ARITH_EN = (("add", "+"), ("plus", "+"), ("subtract", "-"), ("minus", "-"), ("deduct", "-"), ("take away", "-"),
             ("take off", "-"), ("multiply(?: (?:it|that|this|the result|the total))? by", "*"), ("times", "*"),
             ("divide(?: (?:it|that|this|the result|the total))? by", "/"))
_ARITH_ZH = (("加上", "+"), ("加", "+"), ("减去", "-"), ("减掉", "-"), ("减", "-"), ("扣除", "-"), ("扣掉", "-"),
             ("扣", "-"), ("乘以", "*"), ("乘上", "*"), ("乘", "*"), ("除以", "/"))


def _read_arith(piece: str, ctx: Context) -> tuple[Op, list[str] | None] | None:
    """"add 58 to that", "subtract 24", "divide the result by 40", "再乘以 4", "减去优惠券的20元"; a percentage is a
    share of the running value ("add 15%" = ×1.15)."""
    for word, op in _ARITH_EN:
        m = re.search(r"^(?:\W|and|then|please|now|finally)*" + word + r"\s+(?:an?\s+|another\s+|the\s+)?\$?" + _N
                      + r"\s*(%|percent|squared|cubed)?(?:\s+[a-z]+){0,3}?(?:\s+(?:to|from|of)\s+(?:it|that|this|the result|the total"
                      r"|the answer))?\W*$", piece, re.I)
        if m:
            if re.search(r"\bfrom\s+\$?\d", piece, re.I) and op == "-":
                return None  # "subtract it from 30": the operands swap
            power = {"squared": "^2", "cubed": "^3"}.get((m.group(2) or "").lower())
            if power:  # "add 7 cubed": the operand is 7^3
                return Op(template=f"{{p}}{op}{m.group(1)}{power}"), [m.group(1)]
            return Op(template=_apply(op, m.group(1), bool(m.group(2))), plain=True), [m.group(1)]
    m = re.search(r"\b(?:that|it|this|the result|the answer|the total)\s+(divided by|multiplied by|times|plus|minus)\s+\$?" + _N
                  + r"\s*(%|percent)?\W*$", piece, re.I)
    if m:
        op = {"divided by": "/", "multiplied by": "*", "times": "*", "plus": "+", "minus": "-"}[m.group(1).lower()]
        return Op(template=_apply(op, m.group(2), bool(m.group(3))), plain=True), [m.group(2)]
    for word, op in _ARITH_ZH:
        m = re.search(r"^(?:把|将)?(?:结果|它|这个数|得数|总数|总价|各自|每人|每个人|都)?\s*(?:再)?" + word + r"[^0-9]{0,8}?" + _N
                      + r"\s*(%)?\s*(?:的)?[^0-9]{0,6}$", piece)
        if m:
            return Op(template=_apply(op, m.group(1), bool(m.group(2))), plain=True), [m.group(1)]
    return None


def _apply(op: str, n: str, percent: bool) -> str:
    if not percent:
        return "{p}" + op + n
    return {"+": f"{{p}}*(1+{n}/100)", "-": f"{{p}}*(1-{n}/100)", "*": f"{{p}}*{n}/100",
            "/": f"{{p}}/({n}/100)"}[op]


def _read_expression(piece: str, ctx: Context) -> tuple[Op, list[str] | None] | None:
    """Arithmetic of the piece's own ("What is 15% of 240", "2 to the power of 10", "(48+72)×3 的结果")."""
    expr = extract_expression(piece)
    if expr is None or looks_like_date_or_id(expr):
        return None
    if len(_numbers(piece)) < 2 and re.search(r"%|percent|百分之", piece, re.I):
        return None  # "加上 20%" alone is 20/100 to the rules: a share of something earlier, not a sum
    return Op(template=expr, needs_prev=False, kind="start", plain=True), _NUMBER.findall(expr)


def _read_bought(piece: str, ctx: Context) -> tuple[Op, list[str] | None] | None:
    """"买 6 本" after the price of one: the price times the quantity."""
    m = re.search(r"(?:买了?|购买了?|\bbuy|\bbought)\s*" + _N + r"\s*(?:本|件|个|张|份|瓶|箱|台|斤|支|杯|盒|袋|of them|pieces|copies|"
                  r"units)", piece, re.I)
    if not m or not ctx.unit_price:
        return None
    return _step(f"{{p}}*{m.group(1)}"), [m.group(1)]


def _read_given(piece: str, ctx: Context) -> tuple[Op, list[str] | None] | None:
    """An amount stated for what follows: "A coat costs 920 CNY", "一个班有 48 人", "上月销售额为 36 万元"."""
    if re.search(r"订单|单号|编号|\border\b|\bid\b|#|\bno\.|号码|电话|\bphone\b", piece, re.I):
        return None
    m = (re.search(r"(?:\bcosts?|\bcame\s+to|\bcomes\s+to|\bamounts?\s+to|\btotal(?:l?ed|s)|\bis|\bare|\bwas|\bwere|^\W*(?:take|start with|start from|begin with)|\bsold|\bsells|\bgrew(?!\s+by)|\bharvested|\bproduced|\bmade|\bspent|\bsaved|\bhad|\bhas|\bhave|\bpriced at|\bearns?|\buses|\bprints|\bmakes|\bI have|"
                   r"为|是|有|原价|售价|标价|价格|价值|耗电|收入|花了?)\s*[$¥€£]?" + _N + r"\s*(?:" + _MEASURE + r")?"
                   r"(?:\s*[\u4e00-\u9fff]{0,4}|(?:\s+[A-Za-z]+){0,2})" + _PER_PERIOD + r"\W*$", piece, re.I)
         or re.search(r"^[^0-9]{0,16}?\$?" + _N + r"\s*(?:" + _MEASURE + r")" + _PER_PERIOD + r"\W*$", piece, re.I))
    if not m:
        return None
    return Op(template=m.group(1), needs_prev=False, kind="given"), [m.group(1)]


_MEASURE = (r"[A-Za-z]{1,10}|万元|亿元|万|亿|元|块钱?|美元|欧元|英镑|日元|人|名|个|件|本|台|辆|千瓦时|度|公里|千米|米|小时|分钟|天|吨|斤|公斤|"
            r"千克|升|页|张")
_PER_PERIOD = r"(?:\s*(?:per|a|an|each|every)\s+(?:second|minute|hour|day|week|month|year)|\s*/\s*[a-z]+)?"

_PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 7 * 86400, "month": 30 * 86400,
            "year": 365 * 86400}
_PERIOD_WORD = {"秒": "second", "分钟": "minute", "小时": "hour", "天": "day", "日": "day", "周": "week", "星期": "week",
                "个月": "month", "月": "month", "年": "year"}
# In whole units of the smaller period (a year is 12 months and 52 weeks, not 365/30 days' worth).
_PER_FACTOR = {("year", "month"): 12, ("year", "week"): 52, ("year", "day"): 365, ("month", "day"): 30,
               ("week", "day"): 7, ("day", "hour"): 24, ("hour", "minute"): 60, ("minute", "second"): 60}
_PER = re.compile(r"\b(?:a|an|per|each|every)\s+(second|minute|hour|day|week|month|year)\b|\b(monthly|weekly|daily|yearly|"
                  r"annually|hourly)\b|(?:每|一)(秒|分钟|小时|天|日|周|星期|个月|月|年)", re.I)
_ADVERB = {"monthly": "month", "weekly": "week", "daily": "day", "yearly": "year", "annually": "year", "hourly": "hour"}


def _period_of(text: str) -> str | None:
    """The period an amount is stated per: "14.99 a month", "每月 300 元", "hourly"; the last one stated ("每小时耗电
    0.5 千瓦时，每天开 10 小时" is per day)."""
    found = list(_PER.finditer(text))
    if not found:
        return None
    m = found[-1]
    if m.group(1):
        return m.group(1).lower()
    if m.group(2):
        return _ADVERB[m.group(2).lower()]
    return _PERIOD_WORD[m.group(3)]


def _per_factor(period: str, over: str) -> int | None:
    """How many ``period``s one ``over`` holds (month, year → 12), or None when the table has no exact factor."""
    if period == over:
        return 1
    return _PER_FACTOR.get((over, period))


_DURATION = re.compile(r"^\W*" + _N + r"\s*(?:个)?\s*(天|日|周|个月|月|年)\s*(?:共|一共|总共|合计)|\b(?:for|over|in)\s+"
                       + _N + r"\s+(days?|weeks?|months?|years?|minutes?|hours?)\b", re.I)


def _read_duration(piece: str, ctx: Context) -> tuple[Op, list[str] | None] | None:
    """"for 3 years", "5 天共": the running value times the duration, converted when the value is per another
    period ("14.99 a month … for 2 years" = ×24); a pair the table has no exact factor for is not read."""
    m = _DURATION.search(piece)
    if not m:
        return None
    n = m.group(1) or m.group(3)
    over = _PERIOD_WORD.get(m.group(2) or "") or (m.group(4) or "").lower().rstrip("s")
    if ctx.period is None:
        return _step(f"{{p}}*{n}", "duration"), [n]
    factor = _per_factor(ctx.period, over)
    if factor is None:
        return None
    return _step(f"{{p}}*{n}" if factor == 1 else f"{{p}}*{n}*{factor}", "duration"), [n]


_MONEY_WORD = r"(?:dollars?|yuan|euros?|pounds?|usd|eur|cny|gbp|rmb)"


def _read_speed(piece: str, ctx: Context) -> tuple[Op, list[str] | None] | None:
    """A speed in km/h asked in m/s or the other way ("每小时 60 公里等于每秒多少米", "25 m/s in km/h"): ×/÷ 3.6. A
    speed is no length, so the units table (lengths) must not read it."""
    kmh = re.search(r"(?:每小时|时速)\s*" + _N + r"\s*(?:公里|千米)|" + _N + r"\s*(?:公里|千米)\s*(?:每小时|/\s*小时)|" + _N
                    + r"\s*(?:km/h|kph|km\s+per\s+hour|kilomet(?:re|er)s?\s+(?:per|an|a)\s+hour)", piece, re.I)
    ms = re.search(r"每秒\s*" + _N + r"\s*米|" + _N + r"\s*米\s*(?:每秒|/\s*秒)|" + _N
                   + r"\s*(?:m/s|met(?:re|er)s?\s+(?:per|a)\s+second)", piece, re.I)
    to_ms = re.search(r"每秒(?:多少|几)米|(?:多少|几)米每秒|米/秒|\bm/s\b|met(?:re|er)s\s+per\s+second", piece, re.I)
    to_kmh = re.search(r"每小时(?:多少|几)(?:公里|千米)|(?:多少|几)(?:公里|千米)每小时|公里/小时|km/h|kph|"
                       r"kilomet(?:re|er)s\s+(?:per|an)\s+hour", piece, re.I)
    if kmh and not ms and to_ms and len(_numbers(piece)) == 1:
        n = next(g for g in kmh.groups() if g)
        return Op(template=f"{n}/3.6", needs_prev=False, kind="start"), [n]
    if ms and not kmh and to_kmh and len(_numbers(piece)) == 1:
        n = next(g for g in ms.groups() if g)
        return Op(template=f"{n}*3.6", needs_prev=False, kind="start"), [n]
    return None


_DIGITS = {"one": 1, "two": 2, "three": 3, "four": 4, "cent": 2}

_OPERATIONS_TABLE: list[Reader] = [
    _read_dates,
    _read_compound,
    _read_average,
    # Shares and prices: "split a bill of 486 dollars evenly among 6 people", "Three items cost 129.90 each".
    _pattern(r"\b(?:split|share|divide)\s+(?:up\s+)?(?:[a-z]+\s+){0,3}?\$?" + _N
             + r"(?:\s+[a-z]+){0,3}?\s+(?:evenly\s+|equally\s+)?(?:among|between|across|by)\s+" + _N,
             lambda m: _start(f"{m.group(1)}/{m.group(2)}")),
    _pattern(_N + r"\s*(?:[a-z]+\s+){0,2}?(?:cost|costs|are|at|for|priced at)\s+\$?" + _N + r"\s+(?:each|apiece|a piece)",
             lambda m: _start(f"{m.group(1)}*{m.group(2)}")),
    _pattern(r"每(?:件|个|张|本|份|瓶|箱|台|斤)\D{0,6}?" + _N + r"\s*元\D{0,10}?(?:买了?|购买|共|一共)\s*" + _N,
             lambda m: _start(f"{m.group(1)}*{m.group(2)}")),
    # An amount with a percentage on top: "1250 USD plus 18% tax", "860 元加 6% 的税".
    _pattern(r"\$?" + _N + r"\s*(?:[A-Za-z]{1,10}|元|美元|块)?\s*(?:plus|\+|with|including|加上?|含)\s*(?:an?\s+)?" + _N
             + r"\s*%\s*(?:的)?\s*(?:[a-z]+\s+)?" + _FEE,
             lambda m: _start(f"{m.group(1)}*(1+{m.group(2)}/100)")),
    # On the running value: percentages off, discounts, coupons, a percentage added.
    _pattern(r"\b" + _N + r"\s*(?:%|percent)\s+(?:off|discount)\b", lambda m: _step(f"{{p}}*(1-{m.group(1)}/100)")),
    _read_bought,
    _pattern(r"^\W*(double|triple|halve|square)\s+(?:it|that|this|the result)\b|(翻一番|翻倍|减半)",
             lambda m: _step({"double": "{p}*2", "triple": "{p}*3", "halve": "{p}/2", "square": "{p}^2", "翻一番": "{p}*2",
                              "翻倍": "{p}*2", "减半": "{p}/2"}[(m.group(1) or m.group(2)).lower()])),
    # distance at a speed: the time it takes
    _pattern(_N + r"\s*(?:km|kilometres|kilometers|miles|mi|公里|千米|英里)\s*(?:at|以)\s*(?:a\s+speed\s+of\s+)?" + _N
             + r"\s*(?:km|kilometres|kilometers|miles|mi|公里|千米|英里)?\s*(?:per\s+hour|an\s+hour|/\s*h|mph|每小时|的速度)",
             lambda m: _start(f"{m.group(1)}/{m.group(2)}")),
    _pattern(r"^\W*(?:先|再|然后)?\s*(?:打|享受?|按)?\s*" + r"(\d(?:\.\d)?|\d\d|[一二三四五六七八九]{1,2})\s*折(?:优惠)?(?:后|之后|以后)?\W*$",
             lambda m: _step(f"{{p}}*{_tenths(m.group(1))}"), 0),
    _pattern(r"满\s*" + _N + r"\s*(?:元)?\s*减\s*" + _N,
             lambda m: _step(f"{{p}}-{m.group(2)}*min(1,floor({{p}}/{m.group(1)}))")),
    _pattern(r"\$?" + _N + r"\s+off\s+(?:\w+\s+){0,3}?(?:over|above|of at least|from)\s+\$?" + _N,
             lambda m: _step(f"{{p}}-{m.group(1)}*min(1,floor({{p}}/{m.group(2)}))")),
    _pattern(r"(?:\badd|\bplus|\bwith|\binclude|加上?|再加上?|含|算上|另收|另加|加收|另外收取?|额外收取?)\s*(?:an?\s+)?" + _N + r"\s*(?:%|percent)\s*(?:的)?\s*"
             r"(?:[a-z]+\s+){0,2}?" + _FEE, lambda m: _step(f"{{p}}*(1+{m.group(1)}/100)")),
    # A tip or charge on the running (after-tax) total: "an 18% tip on the after-tax total", "在含税金额上给10%的小费".
    _pattern(r"^\W*(?:and\s+)?(?:add\s+|with\s+|leave\s+|give\s+)?(?:an?\s+)?" + _N + r"\s*(?:%|percent)\s*(?:[a-z]+\s+)?" + _FEE
             + r"\s+(?:on|of)\s+(?:the\s+|that\s+)?(?:after-?tax|post-?tax|taxed|tax-inclusive|new|whole|full|running)\s+"
             r"(?:total|amount|bill|sum|price)\W*$"
             r"|^\W*(?:在|按)?(?:含税|税后|加税后的?)(?:金额|价格?|总额|总价|账单)(?:上|的基础上)?\s*(?:再)?(?:给|加|付|算|收)?了?\s*" + _N
             + r"\s*%\s*(?:的)?\s*" + _FEE + r"\W*$",
             lambda m: _step(f"{{p}}*(1+{m.group(1) or m.group(2)}/100)")),
    _pattern(r"^\W*(?:and\s+)?(?:split|share|divide)\s+(?:it|that|this|the\s+\w+)\s+(?:evenly\s+|equally\s+)?" + _N
             + r"\s+ways\b", lambda m: _step(f"{{p}}/{m.group(1)}")),
    _pattern(r"^\W*(?:with\s+)?(?:an?\s+)?" + _N + r"\s*(?:%|percent)\s*(?:[a-z]+\s+)?" + _FEE + r"\W*$",
             lambda m: _step(f"{{p}}*(1+{m.group(1)}/100)")),
    _pattern(r"\bafter\s+(?:an?\s+|the\s+)?" + _N + r"\s*(?:%|percent)\s*(?:[a-z]+\s+)?" + _FEE
             + r"|(?:扣除|扣掉|扣|减去|去掉|缴纳|交)了?\s*" + _N + r"\s*%\s*(?:的)?\s*[\u4e00-\u9fff]{0,6}$",
             lambda m: _step(f"{{p}}*(1-{m.group(1) or m.group(2)}/100)")),
    _pattern(_N + r"\s*(?:people|persons|friends|of us|colleagues|kids|children)\s+(?:share|split)\s+(?:an?\s+|the\s+)?\$?"
             + _N, lambda m: _start(f"{m.group(2)}/{m.group(1)}")),
    _pattern(r"^\W*(?:each|每人|每个人)\s*(?:person\s+|one\s+)?(?:spends|pays|uses|gives|loses|花了?|用了?|付了?|拿出)\s*(?:another\s+)?\$?"
             + _N, lambda m: _step(f"{{p}}-{m.group(1)}")),
    _pattern(r"(?:取出|取走|花掉|花了|用掉|支出|还掉|\bwithdraw|\bspend|\bspent)\s*(?:another\s+)?\$?" + _N
             + r"\s*(?:元|块|美元|dollars|yuan)?\W*$", lambda m: _step(f"{{p}}-{m.group(1)}")),
    _pattern(r"(?:存入|又存了?|再存|赚了|收到|\bdeposit|\bearn)\s*(?:another\s+)?\$?" + _N
             + r"\s*(?:元|块|美元|dollars|yuan)?\W*$", lambda m: _step(f"{{p}}+{m.group(1)}")),
    _pattern(r"(?:平均)?(?:每人|每个人|每位|人均)(?:捐|交|出|付|缴|捐款|分摊)?了?\s*" + _N + r"\s*(?:元|块)",
             lambda m: _step(f"{{p}}*{m.group(1)}")),
    _pattern(_ZN + r"\s*个?人\s*(?:平分|平摊|分摊|均摊|AA|aa)", lambda m: _step(f"{{p}}/{_num(m.group(1))}")),
    _pattern(r"(?:\bpay|\bcharge|支付|付|扣除?|收取?)\s*(?:an?\s+|the\s+)?(?:[a-z]+\s+)?" + _FEE + r"\s*(?:of\s+)?\$?" + _N
             + r"\W*$", lambda m: _step(f"{{p}}-{m.group(1)}")),
    # Growth and shares of a total (what "how many more" then compares with).
    _pattern(r"(?:增长|上涨|涨价|提价|涨|提高|增加)了?\s*" + _N + r"\s*%|\b(?:grows?|grew|increased?|rises?|rose|went up)\s+(?:by\s+)?"
             + _N + r"\s*(?:%|percent)", lambda m: _step(f"{{p}}*(1+{m.group(1) or m.group(2)}/100)", "growth")),
    _pattern(r"(?:下降|下跌|降价|降低|减少|跌)了?\s*" + _N + r"\s*%|\b(?:fell|falls?|dropped|drops?|decreased?|went down)\s+"
             r"(?:by\s+)?" + _N + r"\s*(?:%|percent)", lambda m: _step(f"{{p}}*(1-{m.group(1) or m.group(2)}/100)", "decline")),
    _pattern(r"\b(rose|grew|increased|went up|fell|dropped|decreased|declined|went down)\s+(?:by\s+)?" + _N
             + r"\s*(?:%|percent)\s+from\s+\$?" + _N,
             lambda m: Op(template=f"{m.group(3)}*(1{'+' if m.group(1).lower() in ('rose', 'grew', 'increased', 'went up') else '-'}"
                          f"{m.group(2)}/100)", needs_prev=False, kind="start", base=m.group(3),
                          plain=False)),
    _pattern(r"^\W*(?:其中|里面|这其中)?\s*" + _N + r"\s*%\s*(?:是|为|的人?是|of them are|are)",
             lambda m: _step(f"{{p}}*{m.group(1)}/100", "part")),
    # Splitting the running value, rates over time, unit prices.
    _pattern(r"(?:平均)?(?:分给|分成|分到|分摊给|平摊给|分摊到)\s*" + _ZN + r"\s*(?:个|份|人|位|天|周|组|桶|箱|次)|"
             r"\b(?:split|share|divide)\s+(?:it|that|this|the\s+\w+)?\s*(?:evenly\s+|equally\s+)?(?:among|between|by|into)\s+"
             + _N, lambda m: _step(f"{{p}}/{_num(m.group(1) or m.group(2))}")),
    _pattern(r"^\W*(?:每(?:天|日|周|月|年)|一天)\s*(?:运行|工作|使用|用|开|跑|行驶|学习)?\s*" + _N + r"\s*(?:个)?\s*(?:小时|次|天|公里)",
             lambda m: _step(f"{{p}}*{m.group(1)}")),
    _read_duration,
    _pattern(r"(?:电价|单价|价格|水价|油价)?\s*每\s*(?:千瓦时|度|公斤|斤|升|吨|公里|小时|件|个)\s*" + _N + r"\s*元"
             r"|\bat\s+\$?" + _N + r"\s+(?:per|a|an)\s+(?:kwh|kilowatt-hour|litre|liter|kg|kilo|unit|hour|item|gallon)\b",
             lambda m: _step(f"{{p}}*{m.group(1) or m.group(2)}")),
    _pattern(r"(?:how\s+(?:many\s+hours|long)|多少(?:个)?小时|多久|几(?:个)?小时).{0,60}?(?:\bat\s+|每小时\s*|时速\s*)" + _N
             + r"|(?:\bat\s+|每小时\s*|时速\s*)" + _N + r"\s*(?:miles|mph|km|kilometres|kilometers|公里|千米).{0,40}?"
             r"(?:how\s+(?:many\s+hours|long)|多少(?:个)?小时|多久|几(?:个)?小时)",
             lambda m: _step(f"{{p}}/{m.group(1) or m.group(2)}")),
    _pattern(r"\bhow\s+many\s+(whole|full|complete)?\s*weeks\b|(?:多少|几)(?:个)?(整)?(?:周|星期)",
             lambda m: _step("floor({p}/7)" if (m.group(1) or m.group(2)) else "{p}/7")),
    _pattern(r"开平方|开根号|开方|平方根|\bsquare\s+root\b|\bsqrt\b", lambda m: _step("{p}^0.5")),
    _pattern(r"保留\s*" + _ZN + r"\s*位小数|\bround(?:ed)?\s+(?:it\s+|that\s+)?to\s+(\d+)\s+decimal"
             r"|^\W*(?:rounded\s+|round(?:ed)?\s+(?:it\s+|that\s+)?)?to\s+(one|two|three|four|\d)\s+decimal(?:\s+places?)?\W*$"
             r"|^\W*(?:rounded\s+|round(?:ed)?\s+(?:it\s+|that\s+)?)?to\s+the\s+(cent)\W*$",
             lambda m: Op(kind="round", digits=_DIGITS.get((m.group(3) or m.group(4) or "").lower())
                          or int(_num(m.group(1) or m.group(2) or m.group(3))))),
    _pattern(r"比.{0,6}?(?:多|少|贵|便宜|高|低|重|轻|长|短)(?:了)?(?:多少|几)|\bhow\s+(?:many|much)\s+(?:more|fewer|less)\b|\bthe\s+difference\b|相差多少|差多少"
             r"|\bhow\s+much\s+(?:did|does|has)\s+(?:it|that|the\s+\w+)\s+(?:drop|fall|fallen|decrease|decline|rise|risen|"
             r"increase|grow|grown|go\s+up|go\s+down)|(?:降|跌|少|涨|多|增加|减少)了多少",
             lambda m: Op(kind="difference")),
    # A coupon or voucher on the running value: "I use a 50-yuan coupon on the discounted price", "再用一张 30 元的优惠券".
    _pattern(r"(?:\b(?:use|apply|redeem|with|plus|have|has|got)\s+|^\W*(?:and\s+|also\s+|then\s+)*)"
             r"(?:also\s+)?(?:an?\s+|the\s+|my\s+|one\s+)?[$¥€£]?" + _N + r"(?:\s*-\s*|\s+)?(?:" + _MONEY_WORD
             + r")?(?:\s*-\s*|\s+)?(?:off\s+)?(?:coupon|voucher|gift\s+card|rebate|credit)\b"
             r"|(?:用|使用|再用|拿|领了?|有)\s*(?:了)?\s*(?:一|1)?\s*(?:张|个)?\s*" + _N + r"\s*(?:元|块|美元|欧元)\s*(?:的)?\s*"
             r"(?:优惠券|代金券|抵用券|抵扣券|消费券|红包|券)", lambda m: _step(f"{{p}}-{m.group(1) or m.group(2)}")),
    # A share of the running value taken away: "First 10% goes to my pension", "20% income tax is taken from what
    # remains", "spent 35% of it".
    _pattern(r"^\W*(?:first\s+|then\s+|and\s+)*" + _N + r"\s*(?:%|percent)\s+(?:of\s+(?:it|that|this|the\s+\w+)\s+)?"
             r"(?:[a-z]+\s+){0,2}?(?:goes|go|is\s+(?:then\s+)?(?:taken|deducted|withheld|set\s+aside|saved|paid))\b"
             r"|\b(?:spent|spend|spends|lost|lose|loses|used|gave\s+away)\s+" + _N + r"\s*(?:%|percent)\s+of\s+(?:it|that|this|the\s+\w+)\b",
             lambda m: _step(f"{{p}}*(1-{m.group(1) or m.group(2)}/100)")),
    _read_arith,
    _read_rate,
    _read_speed,
    _read_units,
    _read_expression,
    _read_given,
]
OPERATIONS = _OPERATIONS_TABLE

_ASK = re.compile(r"^\W*(?:and\s+|so\s+)?(?:how\s+much|how\s+many|what(?:'s| is| are| will| would)?|which)\b[^0-9]*$"
                  r"|^\W*(?:and\s+)?(?:the\s+)?(?:final|total|grand\s+total|new|each)(?:\s+(?:price|cost|amount|bill|total|share|"
                  r"person))?\W*$"
                  r"|^[^0-9]*(?:多少|几|是多少|多少钱|怎么算)[^0-9]*$", re.I)


# ------------------------------------------------------------------ cutting and compiling

# A question for a share ("每人出多少", "how much does each of us pay") is no bare ask: without a split read, the
# chain would answer the total.
_EACH_ASKED = re.compile(r"每人|每个人|每位|人均|各自|\beach\b|\bper\s+(?:person|head)\b|\bapiece\b", re.I)
_HEADS = re.compile(r"(?<![\d.])([两三四五六七八九十]{1,2})\s*(?:个|位)?\s*(?:人|朋友|同学|同事)")
_SHARED = re.compile(r"/(?!100\b)\d+(?:\.\d+)?\)?$")  # a step that divides the running value: a share
_PAREN = re.compile(r"[(（]([^()（）]{1,60})[)）]")
_CUT = re.compile(r"[。？！?!；;\n]+|\.(?=\s|$)|(?<!\d)[,，]|[,，](?!\s*\d)|\s*\b(?:and\s+then|then|after\s+that|afterwards|finally)\b|(?<=[A-Za-z%])\s+and\s+(?=[A-Za-z])"
                  r"|\s+and\s+(?=(?:add|subtract|multiply|divide|take|convert|split|share|double|triple|halve|round|pay)\b)"
                  r"|(?:然后|接着|随后|之后|最后|再|后又|又)(?!次)", re.I)
_FILLER = re.compile(r"^(?:\W|and|so|also|先|并且?|请|帮我|算一下)*$", re.I)


_DIGIT_HAN_GAP = re.compile(r"(?<=\d)\s+(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])\s+(?=\d)")


def _prepare(text: str) -> str:
    """Digits for number words ("Three items"; not "one-line"), no thousands separators, no gaps between
    digits and Han ("2026 年 3 月 1 日")."""
    t = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)
    t = _DIGIT_HAN_GAP.sub("", t.replace("×", "*").replace("÷", "/"))
    t = re.sub(r"°\s*([FC])\b", r"\1", t)  # the units table knows "F" and "fahrenheit", not "°F"
    return _EN_NUMBER_RE.sub(lambda m: m.group(0) if m.string[m.end():m.end() + 1] == "-"
                             or re.search(r"\d\s*$", m.string[:m.start()]) else _en_number(m.group(0)), t)


# Work that follows a chain and is no arithmetic: it gets the last result ("…, then write a tweet about it").
_TASK = re.compile(r"^\W*(?:and\s+|also\s+|please\s+)*(?:write|draft|compose|tell|translate|summari[sz]e|explain|"
                   r"create|generate|make|send|remind)\b|^\W*(?:并|请|帮我)?(?:写|翻译|生成|创作|告诉|编|起草|拟|发)", re.I)


_COMPOUND_SENTENCE = re.compile(r"[^。？！?!；;\n]*(?:compound|复利|利滚利)[^。？！?!；;\n]*", re.I)


def _pieces(text: str) -> list[tuple[int, int]]:
    """Spans of the pieces of ``text``: cut at sentence marks, commas and "then"/"再" (dropped), never inside
    brackets."""
    masked = _PAREN.sub(lambda m: "(" + "_" * (len(m.group(0)) - 2) + ")", text)
    # A sentence about compound interest is one operation: its commas are no cuts.
    masked = _COMPOUND_SENTENCE.sub(lambda m: m.group(0).replace(",", " ").replace("，", " "), masked)
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _CUT.finditer(masked):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return [(a, b) for a, b in spans if not _FILLER.match(text[a:b])]


# Words of work that is no arithmetic: a piece with one is never read as a sum ("写一段文案，全场满300减50").
_NOT_ARITHMETIC = re.compile(r"\b(?:write|draft|compose|translate|summari[sz]e|poem|story|email|tweet|slogan|code|"
                             r"function|script)\b|写|翻译|翻成|译成|译为|文案|邮件|诗|总结|摘要|代码|故事|口号|广告", re.I)
# A request that starts from the previous turn's result says so ("再加上…呢", "what is that in euros").
_CONTINUES = re.compile(r"\b(?:that|it|this|the result|the total|then|and|now)\b|再|呢|结果|它|这个|那", re.I)
_QUOTED = re.compile(r"[\"“”「」『』《》]|(?:^|[\s:：\u4e00-\u9fff])'[^\n]{2,}?'(?=$|[\s,.?!，。？！\u4e00-\u9fff])")


def _read(piece: str, ctx: Context) -> Op | None:
    text = _prepare(piece.strip())
    if len(text) > MAX_PIECE or _NOT_ARITHMETIC.search(text):
        return None
    on_earlier: Op | None = None
    for reader in OPERATIONS:
        found = reader(text, ctx)
        if found is None:
            continue
        op, used = found
        if used is not None:
            left = _numbers(text)
            for u in used:
                value = float(u)
                if value in left:
                    left.remove(value)
            if left:
                continue  # a number this operation does not account for: not its reading
        if ctx.has_prev or not op.needs_prev:
            if on_earlier is None or op.kind != "given":
                return op
            continue
        # Nothing before it: a reading of its own ("How many seconds in 3.5 hours") beats one that would work
        # on the previous turn's result ("in 3.5 hours" as ×3.5).
        on_earlier = on_earlier or op
    if on_earlier is not None:
        return on_earlier
    if not _NUMBER.search(text) and _ASK.match(text):
        return Op(kind="ask")
    return None


def compile_problem(text: str, today: date, has_last: bool = True, partial: bool = False,
                    last_unit: str | None = None) -> Compiled | None:
    """The exact steps of an arithmetic word problem, or None when ``text`` is not one this compiler reads.
    ``has_last``: the session has an earlier turn, whose result a request may start from ("再加上 15% 呢？");
    ``last_unit``: that result's unit when known (:func:`reader.unit_of_last`), for "And in hours?"."""
    if (has_last and len(text) <= 80 and _CONTINUES.search(text)
            and (pair := follow_up_conversion(text, last_unit)) is not None):
        steps = [Step(text.strip(), "convert_units", {"value": "{last}", "from_unit": pair[0], "to_unit": pair[1]}, [])]
        if pair[2] is not None:
            steps.append(Step(text.strip(), "calculator", {"expression": f"round({{i1}},{pair[2]})"}, ["i1"]))
        return Compiled(steps, "")
    if len(text) > MAX_CHARS or not _NUMBER.search(text) or _QUOTED.search(text) or _LONG_NUMBER.search(text):
        return None  # quoted text is content (a sentence to translate), never a sum; nor is a run of 20 digits
    whole = read_whole(_prepare(text), today)
    if whole is not None:
        # A relation between stated quantities (items at a price, an average, a change, a shape): reader.py.
        return Compiled([Step(label.strip(" ,，"), "calculator", {"expression": expr},
                              sorted(set(re.findall(r"\{(i\d+)\}", expr)), key=lambda s: int(s[1:])))
                         for label, expr in whole.steps], "")
    t = text
    stated = [r for m in _PAREN.finditer(t) for r in _rates(_prepare(m.group(1)))]
    for m in reversed(list(_PAREN.finditer(t))):
        if _rates(m.group(1)) or "按" in m.group(1):
            t = t[: m.start()] + " " * len(m.group(0)) + t[m.end():]  # a stated rate, not an operand
    ctx = Context(rates=stated, today=today)
    spans = _pieces(t)
    if len(spans) > MAX_PIECES:
        return None
    steps: list[Step] = []
    prev: str | None = None  # a literal (not yet a step) or a reference "{iN}" / "{last}"
    real = 0
    plain_only = True
    heads: str | None = None  # a head count stated in words with the amount ("我们六个人…一共1146元")
    first_given: str | None = None  # the amount the request states first ("原价 460"), which "比原价…" names
    given_at: int | None = None  # where the amount a step starts from was stated (its text joins the step's)
    i = 0
    while i < len(spans):
        at = spans[i][0]
        op = None
        j = i
        ctx.has_prev = prev is not None
        while j < min(i + _MERGE, len(spans)) and op is None:
            op = _read(t[spans[i][0]: spans[j][1]], ctx)
            if op is None:
                j += 1
        if op is not None and op.kind in ("ask", "given") and j + 1 < len(spans):
            # "What is that in euros, at 1 EUR = 1.08 USD?": a question whose operands follow it;
            # "每小时行驶 80 公里，行驶了 4.5 小时": an amount that is half of an expression
            joined = _read(t[spans[i][0]: spans[j + 1][1]], ctx)
            if joined is not None and (joined.kind == "start" if op.kind == "given"
                                       else joined.kind != "ask" and _read(t[slice(*spans[j + 1])], ctx) is None):
                op, j = joined, j + 1
        if op is None:
            rest = t[spans[i][0]:].strip()
            if steps and _TASK.match(rest):
                return _claimed(steps, real, plain_only, rest, t)
            return _unread(steps, t[at:], partial)
        text_of = t[given_at if given_at is not None else spans[i][0]: spans[j][1]].strip(" ,，")
        given_at = spans[i][0] if op.kind == "given" else None
        i = j + 1
        if op.kind == "ask":
            if _EACH_ASKED.search(text_of) and not any(_SHARED.search(s.entities.get("expression", "")) for s in steps):
                if heads is None or prev is None or not prev.startswith("{i"):
                    return _unread(steps, t[at:], partial)
                # "我们六个人聚餐一共1146元 … 每人出多少": the head count stated with the amount shares the result
                steps.append(Step(text_of, "calculator", {"expression": f"{prev}/{heads}"}, [prev[1:-1]]))
                prev = "{" + f"i{len(steps)}" + "}"
                real += 1
            continue
        if op.kind == "round":
            if not steps or steps[-1].tool != "calculator":
                return _unread(steps, t[at:], partial)
            last = steps[-1]
            last.entities["expression"] = f"round({last.entities['expression']},{op.digits})"
            plain_only = False
            continue
        if op.kind in ("given", "start", "duration"):
            ctx.period = None if op.kind == "duration" else _period_of(text_of)
        elif _period_of(text_of):
            ctx.period = _period_of(text_of)  # "每天开 10 小时": the running value is per day from here
        if op.kind == "given":
            if prev is not None:
                return _unread(steps, t[at:], partial)  # an amount after a result (or after another amount) that no operation links to it
            prev = op.template
            if not steps:
                first_given = op.template
            head = _HEADS.search(text_of)
            heads = _num(head.group(1)) if head else None
            ctx.unit_price = bool(_UNIT_PRICE.search(text_of))
            continue
        if not op.needs_prev and prev is not None and not prev.startswith("{"):
            return _unread(steps, t[at:], partial)  # "有 120 元，买了 3 本书，每本 28 元": a stated amount no step uses
        if op.kind == "difference" and first_given is not None and _ORIGINAL.search(text_of) and prev is not None:
            # "比原价便宜了多少" names the amount it compares with: the one stated first, not the last growth's base.
            op = _step(f"abs({first_given}-{{p}})")
        elif op.kind == "difference":
            if ctx.base is None or prev is None:
                return _unread(steps, t[at:], partial)
            template = {"part": f"abs({ctx.base}-{{p}}-{{p}})", "decline": f"{ctx.base}-{{p}}"}.get(ctx.base_kind,
                                                                                          f"{{p}}-{ctx.base}")
            op = _step(template)
        if op.needs_prev and prev is None:
            if steps or not has_last or not _CONTINUES.search(text):
                return _unread(steps, t[at:], partial)
            prev = "{last}"
            plain_only = False  # "what is that divided by 4": the rules read no expression in it
        if op.kind in ("part", "growth", "decline"):
            if prev is None or prev.startswith("{l"):
                return _unread(steps, t[at:], partial)
            ctx.base, ctx.base_kind = prev, op.kind
        elif op.base is not None:
            ctx.base, ctx.base_kind = op.base, "decline" if "*(1-" in op.template else "growth"
        real += 1
        plain_only = plain_only and op.plain
        step_id = f"i{len(steps) + 1}"
        if op.kind == "convert" or op.tool == "convert_units":
            ctx.unit = _target_unit(text_of) if op.tool == "calculator" else str(op.entities.get("to_unit"))
        elif op.kind == "start":
            ctx.unit = None
        if op.tool == "calculator":
            operand = prev if prev is None or prev.startswith("{") or _NUMBER.fullmatch(prev) else f"({prev})"
            expression = op.template.replace("{p}", operand or "")
            entities: dict[str, Any] = {"expression": expression}
        else:
            entities = dict(op.entities)
            expression = ""
        depends = sorted(set(re.findall(r"\{(i\d+)\}", expression)), key=lambda s: int(s[1:]))
        steps.append(Step(text_of, op.tool, entities, depends))
        prev = "{" + step_id + "}"
    return _claimed(steps, real, plain_only, "", t)


_ORIGINAL = re.compile(r"原价|原来|最初|一开始|\b(?:the\s+)?(?:original|list|starting|initial)\s+(?:price|amount|value)\b"
                       r"|\bat\s+first\b", re.I)
_UNIT_PRICE = re.compile(r"(?:一|每|单)(?:本|件|个|支|张|瓶|箱|份|台|斤|盒|袋|杯)|单价|\beach\b|\bapiece\b|\ba piece\b"
                         r"|\bper\s+(?:item|piece|unit|ticket|book)\b", re.I)
_LONG_NUMBER = re.compile(r"\d[\d.,]{20}")
_SENTENCE_BREAK = re.compile(r"[,，。？！?!；;]|\.(?=\s)")


def _unread(steps: list[Step], rest: str, partial: bool) -> Compiled | None:
    """Where the chain stops being read: nothing (None) for compile_problem; for read_problem the steps read
    before it and the rest of the request, unread (no later step is compiled on a value it may have changed)."""
    return Compiled(steps, "", [rest.strip(" ,，")]) if partial else None


def _claimed(steps: list[Step], real: int, plain_only: bool, rest: str, text: str) -> Compiled | None:
    if not steps or (real < 2 and plain_only):
        return None  # one plain expression is the rules' to read (they know more about a request than its sums)
    if plain_only and not rest and not _SENTENCE_BREAK.search(text.strip(" 。.?？!！")):
        whole = extract_expression(text)
        if whole is not None and sorted(_numbers(whole)) == sorted(_numbers(text)):
            return None  # "100除以4再加上7是多少": one expression, as the rules write it
    return Compiled(steps, rest)


def read_problem(text: str, today: date, has_last: bool = True, last_unit: str | None = None) -> Compiled | None:
    """Like :func:`compile_problem`, for a caller that must answer honestly when the compile is not whole:
    None when ``text`` reads as no arithmetic at all; otherwise the steps compiled and ``uncompiled``, the
    clauses left unread (empty when the whole request compiled)."""
    whole = compile_problem(text, today, has_last, last_unit=last_unit)
    if whole is not None:
        return whole
    if len(text) > MAX_CHARS or len(_numbers(_prepare(text))) < 2 or _QUOTED.search(text):
        return None
    got = compile_problem(text, today, has_last, partial=True)
    if got is None or not got.uncompiled:
        # Read to the end but not claimed (one plain expression is the rules' to read): nothing left unread.
        return None
    return got
