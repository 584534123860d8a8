"""Qualifier accounting for arithmetic word problems (issue 16): a reading is claimed only when every word that
changes the computation is reflected by its steps.

Numbers are not the only thing a reading must account for. "10% off the whole lot" applied to one item, "turn it
down BY 20 °C" converted as a temperature, "compounded quarterly" computed yearly, "a quarter of the others"
answered as a quarter of all: each step is exact and the answer is wrong. So each qualifier of the request is
checked against a property of the steps (their expressions with earlier steps substituted, read as a syntax tree),
not against a list of phrasings:

- scope: a percentage said to apply to the whole lot / all of it / 全部 acts on a sum; "the others / the rest /
  remaining / 其余 / 剩下的" takes a difference; "dropping the lowest / 去掉一个最高分" leaves a stated value out;
- period: "compounded monthly / quarterly / 按季度复利" puts its count per year (12, 4) into the growth; a term in
  months or days with a yearly rate divides by 12 or by the stated days of the year;
- order: modifiers stated "first … then / 先…再 / 减完再" are applied in that order (the later one acts on a value
  that holds the earlier one);
- difference vs level: a change BY an amount ("raise it by 5 °C", "调低3度") is never converted as a level;
- a threshold ("满150减20", "over 50") is a condition, never an operand.

:func:`unaccounted` names the steps whose reading leaves a qualifier unaccounted; the parser leaves them (and what
depends on them) uncomputed, so the answer says what it could not compute instead of giving a wrong number.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from autoglm.shared.events import Intent

__all__ = ["Unaccounted", "compounding_per_year", "unaccounted"]

_N = r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d]|\.\d)"


@dataclass(frozen=True)
class Unaccounted:
    kind: str  # scope | period | order | difference | threshold
    words: str  # the qualifier as the request states it
    steps: frozenset[str]  # the intent ids whose reading ignores it (empty: the reading as a whole)


# ------------------------------------------------------------------ the steps as syntax trees

def _resolved(intents: list[Intent]) -> dict[str, str]:
    """Each exact step's expression with the steps it refers to substituted ("{i1}*0.9" -> "(3*4+5)*0.9").
    A conversion reads as a call, convert(value), so its value is an operand like any other."""
    out: dict[str, str] = {}
    for i in intents:
        e = i.entities
        if i.tool == "calculator" and e.get("expression"):
            expr = str(e["expression"])
        elif i.tool == "convert_units" and e.get("value") is not None:
            expr = f"convert({e['value']})"
        else:
            continue
        expr = re.sub(r"\{(i\d+)\}", lambda m: f"({out[m.group(1)]})" if m.group(1) in out else "last", expr)
        out[i.id] = expr.replace("{last}", "last").replace("^", "**")
    return out


def _tree(expr: str) -> ast.AST | None:
    try:
        return ast.parse(expr, mode="eval").body
    except SyntaxError:
        return None


def _literals(node: ast.AST) -> list[float]:
    return [float(n.value) for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, int | float)]


def _has(node: ast.AST, value: float) -> bool:
    return any(abs(v - value) < 1e-9 for v in _literals(node))


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _literal_nodes(tree: ast.AST, value: float) -> list[ast.AST]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, int | float)
            and abs(float(n.value) - value) < 1e-9]


_FREE = {1.0, 100.0}  # the 1 and 100 of a percentage factor, (1-10/100) or (100-10)/100


def _applied_to(tree: ast.AST, value: float) -> list[ast.AST]:
    """For each place ``value`` enters ``tree``: the other side of the nearest binary operation that joins it to
    a quantity of the request (the 1 and 100 of a percentage factor are skipped): what the value acts on."""
    parents = _parents(tree)
    found = []
    for leaf in _literal_nodes(tree, value):
        node, child = parents.get(leaf), leaf
        while node is not None:
            if isinstance(node, ast.BinOp):
                other = node.right if node.left is child else node.left
                if any(v not in _FREE for v in _literals(other)) or any(isinstance(n, ast.Name) for n in ast.walk(other)):
                    found.append(other)
                    break
            node, child = parents.get(node), node
    return found


def _step_using(intents: list[Intent], trees: dict[str, ast.AST], value: float) -> list[str]:
    """The steps whose own expression (not an earlier step's) states ``value``."""
    out = []
    for i in intents:
        own = _tree(str(i.entities.get("expression") or i.entities.get("value") or "").replace("^", "**")
                    .replace("{", "(").replace("}", ")").replace("(last)", "last"))
        if own is not None and i.id in trees and _has(own, value):
            out.append(i.id)
    return out


# ------------------------------------------------------------------ the qualifiers

# A percentage of the request: "15% off", "八五折" (read as 85), "打9折".
_PERCENT = re.compile(_N + r"\s*(?:%|percent\b|per\s*cent\b)|打\s*" + _N + r"\s*折|" + _N + r"\s*折", re.I)
_WHOLE = re.compile(r"\b(?:the\s+)?whole\s+(?:lot|order|bill|purchase|basket|cart|thing|amount)\b|\beverything\b|"
                    r"\ball\s+of\s+(?:it|that|this|them)\b|\bthe\s+(?:entire|full)\s+(?:order|bill|purchase|amount)\b|"
                    r"\bon\s+the\s+total\b|\bthe\s+lot\b|全部|全单|整单|全场|总价|所有(?:商品|东西)|都打|一起打", re.I)
_REST = re.compile(r"\bthe\s+(?:others|other\s+\w+|rest|remainder)\b|\bremaining\b|\bleft\s+over\b|\bhow\s+much\s+"
                   r"(?:do\s+I\s+have\s+|is\s+)?left\b|其余|其他的?人|剩下的?|剩余的?|余下的?|还剩", re.I)
_EXCLUDE = re.compile(r"\b(?:drop(?:ping)?|exclud(?:e|ing)|without|ignor(?:e|ing)|remov(?:e|ing)|leav(?:e|ing)\s+out|"
                      r"discard(?:ing)?)\s+the\s+(?:lowest|highest|best|worst|top|bottom)|"
                      r"去掉(?:一个)?最(?:高|低)|去除最(?:高|低)|除去最(?:高|低)|不算最(?:高|低)", re.I)
_PERIODS = [
    (re.compile(r"compound(?:ed|ing)?\s+(?:monthly|every\s+month|each\s+month)|monthly\s+compounding|按月复利|每月复利|月复利",
                re.I), 12.0),
    (re.compile(r"compound(?:ed|ing)?\s+(?:quarterly|every\s+quarter|each\s+quarter)|quarterly\s+compounding|"
                r"按季度?复利|每季度?复利|季度复利", re.I), 4.0),
    (re.compile(r"compound(?:ed|ing)?\s+(?:semi-?annually|twice\s+a\s+year|every\s+six\s+months)|半年复利|每半年复利", re.I),
     2.0),
    (re.compile(r"compound(?:ed|ing)?\s+(?:daily|every\s+day|each\s+day)|daily\s+compounding|按日复利|每日复利|按天复利",
                re.I), 365.0),
    (re.compile(r"compound(?:ed|ing)?\s+(?:weekly|every\s+week)|weekly\s+compounding|按周复利|每周复利", re.I), 52.0),
]
def compounding_per_year(text: str) -> float | None:
    """12 for "compounded monthly", 4 for "按季度复利", ...; None when no period (or yearly) is stated."""
    return next((n for pattern, n in _PERIODS if pattern.search(text)), None)


_YEARLY_RATE = re.compile(r"%\s*(?:a|per|each|every)\s+year|%\s*(?:yearly|annually|annual|p\.?a\.?)|\b(?:annual|yearly)\s+"
                          r"(?:rate|interest)|年利率|年化|年息|年收益|每年", re.I)
_TERM_MONTHS = re.compile(_N + r"\s*(?:months?\b|个月)", re.I)
_TERM_DAYS = re.compile(_N + r"\s*(?:days?\b|天)", re.I)
_DAYS_IN_YEAR = re.compile(r"(?:一年|a\s+year|per\s+year|每年)\D{0,8}?(365|360)\s*(?:天|days?)|(365|360)\s*(?:天|days?)\s*"
                           r"(?:一年|a\s+year|per\s+year)", re.I)
# A change BY an amount ("raise it by 5 degrees", "turned down by 20 °C", "调低3度", "降低了2度"), not a level.
_DELTA = re.compile(r"\b(?:up|down|raise[sd]?|rais(?:e|ing)|lower(?:ed|s|ing)?|increase[sd]?|decrease[sd]?|drop(?:s|ped)?|"
                    r"cut|reduce[sd]?|warm(?:er|ed)?|cool(?:er|ed)?|higher|lower)\b[^.?!,;]{0,20}?\bby\s+" + _N
                    + r"|(?:调低|调高|降低|升高|下调|上调|提高|降了|升了|高了|低了)\s*了?\s*" + _N, re.I)
_THRESHOLD = re.compile(r"满\s*" + _N + r"\s*(?:元)?\s*(?:减|打|送|返)|\b(?:over|above|more\s+than|at\s+least|of)\s+[$¥€£]?"
                        + _N + r"\s*(?:,\s*)?(?:and\s+)?(?:gets?|takes?|knocks?|you\s+get|I\s+get|we\s+get)?\s*[$¥€£]?\d+"
                        r"(?:\.\d+)?\s*(?:off|back)\b|\bfree\s+(?:shipping|delivery)?\s*(?:above|over|from)\s+[$¥€£]?" + _N, re.I)
_ORDER = re.compile(r"\bthen\b|\bafter\s+(?:that|which|the)\b|\bfollowed\s+by\b|\bon\s+top\s+of\s+the\s+(?:discounted|"
                    r"reduced|new)\b|(?:之后|以后|然后|接着|再|减完|打完|折后)", re.I)
# A modifier's number: a percentage, a discount ("8折"), an amount off ("a 15 coupon", "$15 off", "减20").
_MODIFIER = re.compile(_N + r"\s*(?:%|percent\b|折)|打\s*" + _N + r"\s*折|[$¥€£]?" + _N + r"\s*(?:dollars?|yuan|euros?|元)?"
                       r"\s*(?:off\b|coupon|voucher|discount)|(?:减|优惠|抵扣|抵)\s*" + _N + r"\s*(?:元)?|" + _N
                       + r"\s*(?:元|块)?\s*(?:的)?\s*(?:优惠券|代金券|券)", re.I)


_ZH_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_ZH_DISCOUNT = re.compile(r"([一二三四五六七八九]{1,2})\s*折")
_EN_COUNT = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
             "eleven": 11, "twelve": 12, "a dozen": 12, "a couple of": 2, "a pair of": 2}
_EACH_WORDS = re.compile(r"([一二两三四五六七八九十]+)\s*(?:个|件|本|支|张|瓶|箱|盒|袋|杯|份|台|双|条|把|只|罐|斤|人|位|间|晚)"
                         r"[^，,。；;？?\d]{0,10}?(?:各|每\S{0,2}?)\s*" + _N
                         + r"|\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a\s+dozen|a\s+couple\s+of|a\s+pair\s+of)"
                         r"\s+(?:[a-z-]+\s+){1,3}?(?:at|for|costing|priced\s+at)\s+[$¥€£]?" + _N
                         + r"\s*(?:\w+\s+)?(?:each|apiece|a\s+piece)", re.I)


def _zh_discount(word: str) -> float | None:
    """八五折 -> 0.85, 九折 -> 0.9."""
    digits = [_ZH_DIGITS.get(c) for c in word]
    if any(d is None or d > 9 for d in digits):
        return None
    return digits[0] / 10 if len(digits) == 1 else (digits[0] * 10 + digits[1]) / 100  # type: ignore[operator]


def _word_count(word: str) -> int | None:
    w = re.sub(r"\s+", " ", word.lower())
    if w in _EN_COUNT:
        return _EN_COUNT[w]
    if all(c in _ZH_DIGITS for c in w):
        if len(w) == 1:
            return _ZH_DIGITS[w]
        if len(w) == 2 and w[0] == "十":
            return 10 + _ZH_DIGITS[w[1]]
        if len(w) == 2 and w[1] == "十":
            return _ZH_DIGITS[w[0]] * 10
    return None


def _forms(m: re.Match[str]) -> set[float]:
    """The ways a step writes a modifier: 15% as 15, 0.15, 85 or 0.85; 9折 as 0.9, 90 or 10; an amount as itself."""
    value = _num_of(m)
    said = m.group(0)
    if "折" in said:
        share = value / 10 if value < 10 else value / 100
        return {round(x, 9) for x in (value, share, share * 100, 1 - share, 100 - share * 100)}
    if "%" in said or "percent" in said.lower():
        return {round(x, 9) for x in (value, value / 100, 100 - value, 1 - value / 100)}
    return {value}


def _num_of(m: re.Match[str]) -> float:
    return float(next(g for g in m.groups() if g))


def unaccounted(text: str, intents: list[Intent]) -> list[Unaccounted]:
    """The qualifiers of the word problem ``text`` that the exact steps among ``intents`` do not reflect."""
    text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)  # 1,500 is one number
    exprs = _resolved(intents)
    trees = {k: t for k, v in exprs.items() if (t := _tree(v)) is not None}
    if not trees:
        return []
    out: list[Unaccounted] = []
    all_trees = list(trees.values())

    def steps_with(value: float) -> frozenset[str]:
        return frozenset(_step_using(intents, trees, value))

    # scope: a percentage on the whole lot acts on a sum
    for w in _WHOLE.finditer(text):
        near = [p for p in _PERCENT.finditer(text) if abs(p.start() - w.start()) < 60]
        for p in near:
            forms = [v for v in _forms(p) if v not in _FREE]
            targets = [o for t in all_trees for v in forms for o in _applied_to(t, v)]
            if targets and not any(_sums(o) for o in targets):
                out.append(Unaccounted("scope", w.group(0), frozenset(s for v in forms for s in steps_with(v))))
    # a modifier stated in words ("全部打九折", "八五折") that no step applies
    for m in _ZH_DISCOUNT.finditer(text):
        rate = _zh_discount(m.group(1))
        if rate is not None and not any(_has(t, v) for t in all_trees for v in (rate, rate * 100, rate * 10, 100 - rate * 100)):
            out.append(Unaccounted("scope", m.group(0), frozenset()))
    # scope: a price for each of a count stated in words ("两件衣服各45英镑", "three shirts at 22 each")
    for m in _EACH_WORDS.finditer(text):
        count = _word_count(m.group(1) or m.group(3))
        price = float(m.group(2) or m.group(4))
        using = [t for t in all_trees if _has(t, price)]
        if count and count > 1 and using and not any(_has(t, float(count)) for t in using):
            out.append(Unaccounted("scope", m.group(0), steps_with(price)))
    # scope: the others / the rest take a difference
    left_out = bool(_EXCLUDE.search(text)) and bool(
        {float(x) for x in re.findall(r"(?<![\d.])\d+(?:\.\d+)?", text)} - {v for t in all_trees for v in _literals(t)} - _FREE)
    for w in _REST.finditer(text):
        if left_out:
            break  # "去掉一个最高分…剩下的平均分": the rest is what the average keeps, the values left out
        if not any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Sub) for t in all_trees for n in ast.walk(t)):
            out.append(Unaccounted("scope", w.group(0), frozenset()))
    # scope: a value left out of an average
    for w in _EXCLUDE.finditer(text):
        stated = {float(x) for x in re.findall(r"(?<![\d.])\d+(?:\.\d+)?", text)}
        used = {v for t in all_trees for v in _literals(t)}
        if not any(isinstance(n, ast.Call) and getattr(n.func, "id", "") in ("max", "min") for t in all_trees
                   for n in ast.walk(t)) and not (stated - used - _FREE):
            out.append(Unaccounted("scope", w.group(0), frozenset()))
    # period: the compounding count per year
    grows = [t for t in all_trees if any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Pow) for n in ast.walk(t))]
    for pattern, per_year in _PERIODS:
        m = pattern.search(text)
        if m and grows and not any(_compounds(t, per_year) for t in grows):
            out.append(Unaccounted("period", m.group(0), frozenset(k for k, t in trees.items() if t in grows)))
    # period: a term in months (or days) with a yearly rate
    if _YEARLY_RATE.search(text):
        for m in _TERM_MONTHS.finditer(text):
            months = float(m.group(1))
            using = [t for t in all_trees if _has(t, months)]
            if using and not any(_has(t, 12.0) for t in using) and months != 12:
                out.append(Unaccounted("period", m.group(0), steps_with(months)))
        days_year = _DAYS_IN_YEAR.search(text)
        for m in _TERM_DAYS.finditer(text):
            days = float(m.group(1))
            if days in (365.0, 360.0):
                continue
            year = float(next(g for g in days_year.groups() if g)) if days_year else None
            using = [t for t in all_trees if _has(t, days)]
            if using and not any(_has(t, year) if year else (_has(t, 365.0) or _has(t, 360.0)) for t in using):
                out.append(Unaccounted("period", m.group(0), steps_with(days)))
    # difference vs level: a change by an amount is not converted as a level
    for m in _DELTA.finditer(text):
        value = _num_of(m)
        bad = [i.id for i in intents if i.tool == "convert_units" and _is_value(i.entities.get("value"), value)]
        if bad:
            out.append(Unaccounted("difference", m.group(0), frozenset(bad)))
    # threshold: a condition, never an operand of + - * /
    for m in _THRESHOLD.finditer(text):
        value = _num_of(m)
        if any(_operand_outside_condition(t, value) for t in all_trees):
            out.append(Unaccounted("threshold", m.group(0), steps_with(value)))
    # order: of two modifiers stated in order ("first … then", "先…再"), the later acts on a value holding the earlier
    mods = [(m.start(), _forms(m)) for m in _MODIFIER.finditer(text)]
    for (a_at, a), (b_at, b) in zip(mods, mods[1:], strict=False):
        if a & b or not _ORDER.search(text[a_at:b_at + 1]) and not _ORDER.search(text[max(0, b_at - 3):b_at]):
            continue
        for t in all_trees:
            fa = [v for v in a if _has(t, v) and (len(a) == 1 or v not in _FREE)]
            fb = [v for v in b if _has(t, v) and (len(b) == 1 or v not in _FREE)]
            if not (fa and fb):
                continue
            targets = [o for v in fb for o in _applied_to(t, v)]
            if targets and not any(_has(o, v) for o in targets for v in fa):
                out.append(Unaccounted("order", text[a_at:b_at].strip()[:40], steps_with(fb[0])))
                break
    return out


def _compounds(tree: ast.AST, per_year: float) -> bool:
    """A growth compounded ``per_year`` times a year: the count divides the rate or multiplies the exponent
    (1000*(1+4/100/4)^(2*4)); the rate's own 4 in 4/100 is no compounding."""
    for n in ast.walk(tree):
        if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Pow):
            if isinstance(n.right, ast.BinOp) and isinstance(n.right.op, ast.Mult) and _has(n.right, per_year):
                return True
            if any(isinstance(d, ast.BinOp) and isinstance(d.op, ast.Div) and _has(d.right, per_year)
                   for d in ast.walk(n.left)):
                return True
    return False


def _sums(node: ast.AST) -> bool:
    """``node`` adds up quantities of the request (a subtotal of two or more items or charges)."""
    return any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add)
               and any(v not in _FREE for v in _literals(n.left) + _literals(n.right)) for n in ast.walk(node)) \
        or any(isinstance(n, ast.Name) for n in ast.walk(node))  # an earlier turn's result: a total already


def _is_value(raw: object, value: float) -> bool:
    try:
        return abs(float(str(raw)) - value) < 1e-9
    except ValueError:
        return False


def _operand_outside_condition(tree: ast.AST, value: float) -> bool:
    """``value`` enters ``tree`` as a plain operand, not inside floor/min/max/ceil (a condition, 满300减50 as
    x-50*min(1,floor(x/300)))."""
    parents = _parents(tree)
    for leaf in _literal_nodes(tree, value):
        node = parents.get(leaf)
        inside = False
        while node is not None:
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("floor", "min", "max", "ceil"):
                inside = True
                break
            node = parents.get(node)
        if not inside:
            return True
    return False
