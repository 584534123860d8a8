"""Whole-request readers of word problems (issue 16): the quantities of a request with their roles, compiled to
calculator steps.

problem.py reads a request piece by piece over a running value; some problems are not a chain of pieces but
a relation between stated quantities: items bought at a unit price ("3 notebooks at 12.50 each and 2 pens at
4.80 each"), a list of values and their average ("82, 91, 77 and 95 … by how much does it beat 80?", "what do I
need on the fifth to average 80?"), a change from one amount to another ("from 3,200 to 3,520 … what %
increase"), a proportion or a work rate ("a recipe for 4 needs 300 g; for 10?", "8 workers take 12 days; in 6
days?"), the sides of a shape, a birth date and an age. Each reader finds the quantities its relation needs by
their roles (a count before an item word, a price after "each"/每, a value list, a target after "average") and
claims the request only when every number in it has a role: a number it cannot place means the problem is
something else, and a wrong exact number is worse than an honest "could not compute".

A reader returns :class:`Reading`: steps as (text, calculator expression), the expressions referring to earlier
steps as ``{iN}``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

_NUM = r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d]|\.\d)"
_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d]|\.\d)")


@dataclass
class Reading:
    steps: list[tuple[str, str]]
    used: list[str] = field(default_factory=list)  # the numbers of the request the reading placed


def _accounts(text: str, used: list[str]) -> bool:
    """Every number in ``text`` has a role in the reading (as a multiset; "1" of a stated "1 mile =" is free)."""
    left = [float(x) for x in _NUMBER.findall(text)]
    for u in used:
        v = float(u)
        if v in left:
            left.remove(v)
        else:
            return False
    return not left


# ------------------------------------------------------------------ items at a unit price

_EACH_EN = re.compile(r"(?<![\d.])(\d+)\s+([a-z][a-z -]{0,24}?)\s+(?:at|for|costing|priced at)\s+[$¥€£]?" + _NUM
                      + r"\s*(?:dollars?|yuan|euros?|pounds?)?\s+(?:each|apiece|a piece|per\s+\w+|a\s+\w+)", re.I)
# "铅笔每支1.2元买了10支", "6瓶水每瓶2.5元", "苹果8.8元一斤买了3.5斤", "买5支笔每支4.5元"
_MW = r"(?:支|个|件|本|张|瓶|包|盒|袋|斤|公斤|千克|块|杯|份|箱|双|条|把|台|只|罐|瓶)"
_EACH_ZH = [
    re.compile(r"每" + _MW + r"\s*" + _NUM + r"\s*(?:元|块)?\s*[，,]?\s*(?:买了?|购买了?|共买了?|要了?)\s*" + _NUM + r"\s*" + _MW),
    re.compile(_NUM + r"\s*(?:元|块)\s*(?:一|每|1)" + _MW + r"\s*[，,]?\s*(?:买了?|购买了?|要了?)\s*" + _NUM + r"\s*" + _MW),
    re.compile(r"(?:买了?|购买了?|还买了?|要了?)?\s*" + _NUM + r"\s*" + _MW + r"[\u4e00-\u9fff]{0,6}?\s*[，,]?\s*每" + _MW
               + r"\s*" + _NUM + r"\s*(?:元|块)"),
]
_PAID = re.compile(r"\b(?:pay|paid|paying|hand over|handed over)\s+(?:with\s+)?(?:an?\s+|one\s+)?[$¥€£]?" + _NUM
                   + r"(?:\s*(?:-?\s*(?:dollar|yuan|euro|pound)s?)?\s*(?:note|bill))?"
                   r"|(?:付了?|给了?|拿了?|交了?)\s*" + _NUM + r"\s*(?:元|块钱?)?(?:钱)?", re.I)
_CHANGE = re.compile(r"\bchange\b|找(?:回|我|零|给我)?|应找|还剩|剩下?多少", re.I)
_SPLIT = re.compile(r"(?:split|shared?|divided)\s+(?:it\s+|that\s+|the\s+\w+\s+)?(?:evenly\s+|equally\s+)?"
                    r"(?:among|between|by)\s+" + _NUM + r"|" + _NUM + r"\s*(?:个)?人\s*(?:平分|平摊|分摊|均摊|AA)", re.I)


def _read_items(t: str, today: date) -> Reading | None:
    lines: list[tuple[str, str, str]] = []  # (text, count, price)
    for m in _EACH_EN.finditer(t):
        lines.append((m.group(0), m.group(1), m.group(3)))
    for k, pattern in enumerate(_EACH_ZH):
        for m in pattern.finditer(t):
            if any(m.start() < t.find(x[0]) + len(x[0]) and t.find(x[0]) < m.end() for x in lines):
                continue
            count, price = (m.group(2), m.group(1)) if k < 2 else (m.group(1), m.group(2))
            lines.append((m.group(0), count, price))
    if not lines or (len(lines) < 2 and not _PAID.search(t)):
        return None
    total = "+".join(f"{c}*{p}" for _, c, p in lines)
    used = [x for _, c, p in lines for x in (c, p)]
    steps = [("; ".join(x for x, _, _ in lines), total)]
    paid = _PAID.search(t)
    if paid and _CHANGE.search(t[paid.end():] + t[:paid.start()]):
        amount = paid.group(1) or paid.group(2)
        steps.append((paid.group(0), f"{amount}-{{i1}}"))
        used.append(amount)
    elif paid:
        return None
    split = _SPLIT.search(t)
    if split:
        n = split.group(1) or split.group(2)
        steps.append((split.group(0), f"{{i{len(steps)}}}/{n}"))
        used.append(n)
    return Reading(steps, used)


# ------------------------------------------------------------------ averages

_UNIT = r"\s*(?:kg|g|km|m|cm|mm|l|ml|°c|°f|degrees|points|分|度|元|块|公斤|千克|克|公里|千米|米|厘米|升|毫升|人|万元|万)?"
# "82, 91 and 77", "2.4 kg, 3.1 kg", "语文92、数学87、英语95" (a short Han label before each value)
_LIST = re.compile(_NUM + _UNIT + r"(?!\s*%)((?:\s*(?:,|、|，|和|与|及|\band\b|&|,\s*and\b)\s*[\u4e00-\u9fff]{0,3}?\s*"
                   r"\d+(?:\.\d+)?(?!\s*%)" + _UNIT + r")+)", re.I)
_ASK_AVG = re.compile(r"\baverage\b|\bmean\b|平均", re.I)
_ABOVE = re.compile(r"(?:how\s+(?:far|much)\s+(above|below|over|under)\s+" + _NUM + r"|(?:by\s+)?how\s+much\s+(?:does|is)\s+it\s+"
                    r"(beat|exceed|above|below|trail)s?\s+" + _NUM + r"|比\s*[\u4e00-\u9fff]{0,8}?" + _NUM
                    + r"\s*(?:分|度|元|厘米|米|公斤|千克)?\s*(高|多|低|少|重|轻)(?:了)?(?:多少|几))", re.I)
_ABOVE_IT = re.compile(r"how\s+far\s+(above|below)\s+(?:it|the average)\s+is\s+(?:the\s+)?" + _NUM, re.I)
_NEED = re.compile(r"(?:what|how\s+much)\s+(?:must|do|should|would)\s+I\s+(?:need\s+to\s+)?(?:score|get|need)\s+on\s+the\s+"
                   r"(?:(\d+)(?:st|nd|rd|th)|(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth))"
                   r"[^.?]{0,30}?\baverage\s+(?:of\s+)?(?:exactly\s+)?" + _NUM
                   + r"|第\s*([\d一二三四五六七八九十]+)\s*次[^，。？]{0,12}?(?:要|需要|得)(?:考|拿|得)?\s*多少分?[^，。？]{0,12}?"
                   r"平均分?(?:才能)?(?:达到|是|为|有)?\s*" + _NUM, re.I)
_ORD = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
        "ninth": 9, "tenth": 10}
_ZH_DIGIT = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


_SHORT = re.compile(r"how\s+(?:many|much)\s+more\b[^?]{0,40}?\b(?:to\s+(?:reach|hit|make|get\s+to)|for)\s+(?:a\s+|the\s+)?"
                    + _NUM + r"|how\s+far\s+short\s+of\s+(?:a\s+|the\s+|my\s+)?" + _NUM + r"|(?:距离|离|达到)\s*" + _NUM
                    + r"[^，。？\d]{0,6}?还差多少|还差多少[^，。？\d]{0,6}?(?:达到|到)\s*" + _NUM, re.I)
_LEAVE_OUT = re.compile(r"(?:drop(?:ping)?|exclud(?:e|ing)|without|ignor(?:e|ing)|remov(?:e|ing)|discard(?:ing)?|leav(?:e|ing)\s+out)"
                        r"\s+the\s+(lowest|highest|worst|best)(?:\s+and\s+(?:the\s+)?(lowest|highest|worst|best))?(?:\s+(?:one|1|score|value|mark)\b)?"
                        r"|(?:去掉|去除|除去)(?:一个)?最(高|低)分?(?:[和与及、]\s*(?:一个)?最(高|低)分?)?", re.I)


_OCCASIONS = re.compile(r"\b(?:on|over|across|in|for|from)\s+(?:the\s+)?(?:last\s+|past\s+)?" + _NUM
                        + r"\s+(?:days?|evenings?|nights?|mornings?|weeks?|months?|games?|tests?|exams?|runs?|matches|"
                        r"sessions?|rounds?|attempts?|trips?|quizzes)\b|" + _NUM + r"\s*(?:天|次|场|周|个月)", re.I)


def _left_out(t: str, values: list[str]) -> tuple[list[str], str] | None:
    """The values an average keeps when the request drops the highest and/or the lowest: ([kept], label)."""
    m = _LEAVE_OUT.search(t)
    if not m:
        return values, ""
    kept = list(values)
    for word in (g for g in m.groups() if g):
        pick = max if word.lower() in ("highest", "best", "高") else min
        kept.remove(pick(kept, key=float))
    return (kept, m.group(0)) if len(kept) >= 1 else None


def _read_average(t: str, today: date) -> Reading | None:
    short = _SHORT.search(t)
    if not _ASK_AVG.search(t) and not short:
        return None
    m = _LIST.search(t)
    if not m:
        return None
    values = [m.group(1), *_NUMBER.findall(m.group(2))]
    labelled = re.search(r"[\u4e00-\u9fff]\s*\d", m.group(2))
    if len(values) < (3 if labelled else 2):
        return None  # two labelled numbers ("本金80万，年利率4.1%") are no list of values
    total = "+".join(values)
    count = [n for n in _NUMBER.findall(t[: m.start()]) if float(n) == len(values)][:1]  # "Five loaves weigh …"
    occasions = _OCCASIONS.search(t, m.end())
    if not count and occasions and float(occasions.group(1)) == len(values):
        count = [occasions.group(1)]  # "34, 41, 28 and 37 pages on 4 evenings": the count of the values, after them
    if short:
        target = next(g for g in short.groups() if g)
        count = [n for n in count if n != target]
        steps = [(m.group(0), f"({total})/{len(values)}")] if _ASK_AVG.search(t) else []
        steps.append((short.group(0), f"{target}-({total})"))
        return Reading(steps, [*values, *count, target])
    need = _NEED.search(t)
    if need:
        nth = need.group(1) or need.group(4)
        n = int(nth) if nth and nth.isdigit() else _ORD.get((need.group(2) or "").lower()) or _ZH_DIGIT.get(nth or "")
        target = need.group(3) or need.group(5)
        if n != len(values) + 1:
            return None
        used = [*values, *count, target] + ([nth] if nth and nth.isdigit() else [])
        return Reading([(m.group(0), f"{target}*{n}-({total})")], used)
    kept = _left_out(t, values)
    if kept is None:
        return None
    if kept[1]:  # "去掉一个最高分和一个最低分": the average of the values kept, the ones left out named
        steps = [(f"{m.group(0)}; {kept[1]}", f"({'+'.join(kept[0])})/{len(kept[0])}")]
        one = ["1"] if re.search(r"(?<![\d.])1(?![\d.])", kept[1]) else []  # "the lowest 1" ("one", read as a digit)
        return Reading(steps, [*values, *count, *one])
    steps = [(m.group(0), f"({total})/{len(values)}")]
    used = [*values, *count]
    for a in _ABOVE.finditer(t):
        word = (a.group(1) or a.group(3) or a.group(6) or "").lower()
        ref = a.group(2) or a.group(4) or a.group(5)
        below = word in ("below", "under", "trail", "低", "少", "轻")
        steps.append((a.group(0), f"{ref}-{{i1}}" if below else f"{{i1}}-{ref}"))
        used.append(ref)
    for a in _ABOVE_IT.finditer(t):
        steps.append((a.group(0), f"{{i1}}-{a.group(2)}" if a.group(1).lower() == "below" else f"{a.group(2)}-{{i1}}"))
        used.append(a.group(2))
    return Reading(steps, used)


# ------------------------------------------------------------------ change from one amount to another

_FROM_TO = re.compile(r"\bfrom\s+[$¥€£]?" + _NUM + r"\s*(?:[a-z]+\s+)?to\s+[$¥€£]?" + _NUM, re.I)
_ZH_TWO = re.compile(r"(?:上个?月|去年|上周|昨天|原来|以前|之前|上次|原价)[^0-9，。？]{0,10}?" + _NUM
                     + r"[^0-9。？]{0,12}?(?:这个?月|今年|本周|今天|现在|这次|现价)[^0-9，。？]{0,10}?" + _NUM)
_ASK_PCT = re.compile(r"(?:what|which)\s+(?:%|percent(?:age)?)|\bpercent(?:age)?\s+(?:increase|decrease|change|rise|drop|fall)"
                      r"|by\s+what\s+(?:%|percent(?:age)?)|百分之几|百分比|(?:增长|上涨|涨|下降|下跌|降|减少|增加)了?(?:多少|几)\s*%",
                      re.I)


def _read_change(t: str, today: date) -> Reading | None:
    if not _ASK_PCT.search(t):
        return None
    m = _FROM_TO.search(t) or _ZH_TWO.search(t)
    if not m:
        return None
    a, b = m.group(1), m.group(2)
    if float(a) == 0:
        return None
    expr = f"({b}-{a})/{a}*100" if float(b) >= float(a) else f"({a}-{b})/{a}*100"
    return Reading([(m.group(0), expr)], [a, b])


# ------------------------------------------------------------------ proportion and work rate

_PROP_EN = re.compile(r"(?:if\s+)?" + _NUM + r"\s*(?:[a-z]+\s+){0,3}?(?:of\s+[a-z]+\s+)?(?:cost|costs|needs?|uses?|takes?|makes?|"
                      r"weighs?|is|are)\s+[$¥€£]?" + _NUM + r"\s*(?:[a-z]+\s+)?[^?.]{0,40}?\bhow\s+(?:much|many)\b[^?]{0,40}?"
                      r"(?:for|do|does|would|will)\s+" + _NUM + r"\b", re.I)
_RECIPE = re.compile(r"for\s+" + _NUM + r"\s+(?:people|persons|servings|guests)\s+needs?\s+" + _NUM + r"[^?]{0,60}?\bfor\s+"
                     + _NUM + r"\s+(?:people|persons|servings|guests)", re.I)
_PROP_ZH = re.compile(_NUM + r"\s*" + _MW + r"[\u4e00-\u9fff]{0,6}?(?:一共|共|总共)?(?:卖|要|花|是|重)?\s*" + _NUM
                      + r"\s*(?:元|块|克|千克|公斤)[，,]?\s*(?:买|称|要)\s*" + _NUM + r"\s*" + _MW)
_RATE_SAME = re.compile(_NUM + r"\s*(?:个)?小时\s*(?:行驶|走|跑|开|骑)了?\s*" + _NUM + r"\s*(?:公里|千米|米)[^0-9]{0,16}?" + _NUM
                        + r"\s*(?:个)?小时", re.I)
_WORK_EN = re.compile(_NUM + r"\s+(?:workers|painters|machines|people|men|women|builders|pumps|cooks)\s+(?:can\s+)?[a-z ]{0,30}?\bin\s+"
                      + _NUM + r"\s+(days|hours)[^?]{0,40}?how\s+many\s+\3\s+(?:would|will|do|does)\s+" + _NUM, re.I)
_WORK_ZH = re.compile(_NUM + r"\s*(?:个|名|位|台)\s*(?:工人|人|机器)\s*" + _NUM + r"\s*(天|小时)\s*(?:能|可以)?[\u4e00-\u9fff]{0,10}?[，,]"
                      r"[^0-9]{0,10}?" + _NUM + r"\s*\3\s*(?:完成|修完|做完|干完|完工)?[^0-9]{0,6}?(?:需要|要)多少(?:个|名|位|台)?")
_MACHINES = re.compile(_NUM + r"\s+(?:machines|workers|printers)\s+make\s+" + _NUM + r"\s+\w+\s+in\s+" + _NUM
                       + r"\s+hours[^?]{0,30}?how\s+many\s+\w+\s+do\s+" + _NUM + r"\s+\w+\s+make\s+in\s+" + _NUM + r"\s+hours", re.I)


def _read_proportion(t: str, today: date) -> Reading | None:
    m = _RECIPE.search(t)
    if m:
        return Reading([(m.group(0), f"{m.group(2)}/{m.group(1)}*{m.group(3)}")], [m.group(1), m.group(2), m.group(3)])
    m = _WORK_EN.search(t)
    if m:  # n workers take d days; m workers take n*d/m
        return Reading([(m.group(0), f"{m.group(1)}*{m.group(2)}/{m.group(4)}")], [m.group(1), m.group(2), m.group(4)])
    m = _WORK_ZH.search(t)
    if m:  # n workers take d days; in d2 days it needs n*d/d2 workers
        return Reading([(m.group(0), f"{m.group(1)}*{m.group(2)}/{m.group(4)}")], [m.group(1), m.group(2), m.group(4)])
    m = _MACHINES.search(t)
    if m:
        n, parts, h, n2, h2 = (m.group(k) for k in range(1, 6))
        return Reading([(m.group(0), f"{parts}/({n}*{h})*{n2}*{h2}")], [n, parts, h, n2, h2])
    m = _RATE_SAME.search(t)
    if m:
        return Reading([(m.group(0), f"{m.group(2)}/{m.group(1)}*{m.group(3)}")], [m.group(1), m.group(2), m.group(3)])
    m = _PROP_ZH.search(t) or _PROP_EN.search(t)
    if m:
        return Reading([(m.group(0), f"{m.group(2)}/{m.group(1)}*{m.group(3)}")], [m.group(1), m.group(2), m.group(3)])
    return None


# ------------------------------------------------------------------ shapes

_LEN = r"\s*(?:m|cm|mm|km|metres?|meters?|centimetres?|centimeters?|米|厘米|毫米|分米|公里)?"
_RECT = re.compile(_NUM + _LEN + r"\s+(?:long|in length)\s+(?:and|,)\s+" + _NUM + _LEN + r"\s+(?:wide|in width)"
                   r"|长\s*(?:是|为)?\s*" + _NUM + _LEN + r"\s*[、，,]?\s*宽\s*(?:是|为)?\s*" + _NUM + _LEN, re.I)
_BOX = re.compile(_NUM + _LEN + r"\s*(?:by|x|×|\*)\s*" + _NUM + _LEN + r"\s*(?:by|x|×|\*)\s*" + _NUM + _LEN
                  + r"|长\s*" + _NUM + _LEN + r"\s*[、，,]?\s*宽\s*" + _NUM + _LEN + r"\s*[、，,]?\s*高\s*" + _NUM + _LEN, re.I)
_BY = re.compile(_NUM + _LEN + r"\s*(?:by|x|×)\s*" + _NUM + _LEN, re.I)
_SQUARE = re.compile(r"(?:正方形|square)[^0-9]{0,12}?(?:边长|side)[^0-9]{0,8}?" + _NUM, re.I)
_CIRCLE = re.compile(r"(?:圆|circle)[^0-9]{0,12}?(?:半径|radius)[^0-9]{0,8}?" + _NUM + "|(?:半径|radius)[^0-9]{0,8}?" + _NUM
                     + r"[^0-9]{0,12}?(?:圆|circle)", re.I)
_AREA = re.compile(r"\barea\b|面积", re.I)
_PERIM = re.compile(r"\bperimeter\b|周长", re.I)
_VOLUME = re.compile(r"\bvolume\b|\bcubic\b|体积|容积|立方|(?:能|可以)?装多少", re.I)
_PER_AREA = re.compile(r"[$¥€£]?" + _NUM + r"\s*(?:dollars?|yuan|元)?\s*(?:per|a|每)\s*(?:square\s+met(?:re|er)|m2|m²|sq\s*m|平方米)"
                       r"|每平方米\s*" + _NUM + r"\s*元", re.I)


_ASK_LITRES = re.compile(r"(?:多少|几)\s*(升|毫升)|how\s+many\s+(litres?|liters?|millilitres?|milliliters?|ml)\b|"
                         r"\bin\s+(litres?|liters?)\b", re.I)
# cubic length unit -> litres
_TO_LITRES = {"cm": "/1000", "厘米": "/1000", "centimetre": "/1000", "centimeter": "/1000", "mm": "/1000000",
              "毫米": "/1000000", "m": "*1000", "米": "*1000", "metre": "*1000", "meter": "*1000", "分米": ""}


def _read_shape(t: str, today: date) -> Reading | None:
    m = _BOX.search(t)
    if m and (_VOLUME.search(t) or _ASK_LITRES.search(t)):
        a, b, c = [g for g in m.groups() if g]
        litres = _ASK_LITRES.search(t)
        if litres:  # "能装多少升水": the volume in the unit asked, from the unit of the lengths
            units = {u.lower().rstrip("s") for u in re.findall(r"(?<=\d)\s*(厘米|毫米|分米|米|cm|mm|m|centimet(?:re|er)s?|"
                                                                r"met(?:re|er)s?)", m.group(0), re.I)}
            factor = _TO_LITRES.get(next(iter(units)), None) if len(units) == 1 else None
            if factor is None:
                return None
            small = (litres.group(1) or litres.group(2) or "").lower().startswith(("毫", "mil", "ml"))
            factor = f"{factor}*1000" if small else factor
            return Reading([(m.group(0), f"{a}*{b}*{c}{factor}")], [a, b, c])
        return Reading([(m.group(0), f"{a}*{b}*{c}")], [a, b, c])
    m = _RECT.search(t) or _BY.search(t)
    if m:
        a, b = [g for g in m.groups() if g]
        steps, used = [], [a, b]
        if _AREA.search(t) or _PER_AREA.search(t):
            steps.append((m.group(0), f"{a}*{b}"))
            cost = _PER_AREA.search(t)
            if cost:
                price = cost.group(1) or cost.group(2)
                steps.append((cost.group(0), f"{{i{len(steps)}}}*{price}"))
                used.append(price)
        if _PERIM.search(t):
            steps.append((m.group(0), f"2*({a}+{b})"))
        return Reading(steps, used) if steps else None
    m = _SQUARE.search(t)
    if m:
        a = m.group(1)
        steps = ([(m.group(0), f"4*{a}")] if _PERIM.search(t) else []) + ([(m.group(0), f"{a}^2")] if _AREA.search(t) else [])
        return Reading(steps, [a]) if steps else None
    m = _CIRCLE.search(t)
    if m and (_AREA.search(t) or _PERIM.search(t)):
        r = m.group(1) or m.group(2)
        steps = ([(m.group(0), f"pi*{r}^2")] if _AREA.search(t) else []) + (
            [(m.group(0), f"2*pi*{r}")] if _PERIM.search(t) else [])
        return Reading(steps, [r])
    return None


# ------------------------------------------------------------------ ages

_BORN = re.compile(r"\bborn\b|出生|生日", re.I)
_ASK_AGE = re.compile(r"how\s+old|\bage\b|多少岁|几岁|周岁|满多少", re.I)


def _read_age(t: str, today: date) -> Reading | None:
    from .chain import _explicit_dates

    if not (_BORN.search(t) and _ASK_AGE.search(t)):
        return None
    named = [(pos, d) for pos, d in _explicit_dates(t, today)]
    if len(named) != 2:
        return None
    (_, birth), (_, on) = sorted(named)
    if on < birth:
        return None
    # The year difference less one when the birthday has not come yet that year: decided here from the two
    # dates, so the calculator step shows the whole sum.
    before = 1 if (on.month, on.day) < (birth.month, birth.day) else 0
    expr = f"{on.year}-{birth.year}" + (f"-{before}" if before else "")
    parts = {float(x) for d in (birth, on) for x in (d.year, d.month, d.day)}
    used = [n for n in _NUMBER.findall(t) if float(n) in parts]  # "14 March 1991": the month is a word
    return Reading([(t.strip(), expr)], used)


# ------------------------------------------------------------------ tax, then a tip on the pre-tax amount

_TAX_TIP = re.compile(r"[$¥€£]?" + _NUM + r"[^%]{0,40}?(?:tax|税)[^%0-9]{0,12}?" + _NUM + r"\s*%[^%]{0,60}?" + _NUM
                      + r"\s*%\s*(?:tip|小费)?[^%]{0,20}?(?:of\s+the\s+|on\s+the\s+|按)?\s*(pre-?tax|before-?tax|税前|untaxed)", re.I)
_TAX_TIP_ZH = re.compile(_NUM + r"\s*元[^%]{0,20}?税[^%0-9]{0,6}?" + _NUM + r"\s*%[^%]{0,20}?(税前)[^%0-9]{0,10}?" + _NUM + r"\s*%")


def _read_tax_tip(t: str, today: date) -> Reading | None:
    m = _TAX_TIP.search(t)
    if m:
        base, tax, tip = m.group(1), m.group(2), m.group(3)
    else:
        m = _TAX_TIP_ZH.search(t)
        if not m:
            return None
        base, tax, tip = m.group(1), m.group(2), m.group(4)
    steps = [(m.group(0), f"{base}*(1+{tax}/100)+{base}*{tip}/100")]
    used = [base, tax, tip]
    share = re.search(r"\b(?:for|of)\s+(\d+)\b|(\d+)\s*(?:people|ways|persons)|(\d+)\s*(?:个)?人", t)
    if share and re.search(r"each|per person|share|split|每人|平分|平摊|AA", t, re.I):
        n = share.group(1) or share.group(2) or share.group(3)
        steps.append((share.group(0), f"{{i1}}/{n}"))
        used.append(n)
    return Reading(steps, used)


# ------------------------------------------------------------------ a rate times an amount of its unit

_PERIODS = r"(hour|day|night|week|month|page|litre|liter|kg|kilo|item|ticket|person|m³|m3|square\s+met(?:re|er))"
_RATE_TIMES = re.compile(r"[$¥€£]?" + _NUM + r"\s*(?:dollars?|yuan|euros?)?\s+(?:an?|per|each)\s+" + _PERIODS
                         + r"\b[^?.]{0,50}?\b" + _NUM + r"\s+\2s?\b", re.I)


def _read_rate_times(t: str, today: date) -> Reading | None:
    """"I make 42 an hour and worked 37.5 hours": the rate times the amount of its unit."""
    m = _RATE_TIMES.search(t)
    if not m:
        return None
    return Reading([(m.group(0), f"{m.group(1)}*{m.group(3)}")], [m.group(1), m.group(3)])


# ------------------------------------------------------------------ interest

_COMPOUND = re.compile(r"compound|复利|利滚利", re.I)
_SIMPLE = re.compile(r"simple\s+interest|单利", re.I)
_RATE_PCT = re.compile(_NUM + r"\s*(?:%|percent)")
_YEARS = re.compile(r"(?<![\d.])(\d+|[一二两三四五六七八九十]+)\s*(?:个)?\s*(?:years?|年)(?!利率|期)", re.I)
_PRINCIPAL = re.compile(r"(?:put|invest(?:ed)?|deposit(?:ed)?|borrow(?:ed)?|save[ds]?|loan\s+of|本金|存款|存入|存了?|借了?|贷款)"
                        r"\s*(?:is\s+|of\s+|是|为)?[$¥€£]?" + _NUM
                        + r"|" + _NUM + r"\s*(?:元|块钱?|dollars?|yuan|euros?)?\s*(?:into|存|本金)", re.I)
_FEE_AMOUNT = re.compile(r"[$¥€£]?" + _NUM + r"\s*(?:元|块|dollars?|yuan|euros?)?\s*(?:的)?\s*(?:[a-z]+\s+)?(?:fee|charge|手续费|管理费|服务费)"
                         r"|(?:fee|charge|手续费|管理费)\s*(?:of\s+|是|为)?[$¥€£]?" + _NUM, re.I)
_ASK_INTEREST_ONLY = re.compile(r"how\s+much\s+interest|\binterest\s+(?:do|does|will|would|is\s+that)|(?:多少|几)利息|利息(?:是|有|为)?(?:多少|几)"
                                r"|how\s+much\s+(?:do|does|will|would|did|can)\s+(?:I|we|you|it)\s+(?:earn|make|gain)|"
                                r"(?:能|可以|一共)?(?:赚|挣|收益)(?:了)?(?:多少|几)", re.I)
_ASK_TOTAL = re.compile(r"本息|本金加利息|本利和|一共|总共|in\s+total|\btotal\b|how\s+much\s+(?:is\s+in|do\s+I\s+(?:have|get)|will)"
                        r"|grow|到手|\bend\s+up\b", re.I)


def _zh_count(token: str) -> str | None:
    if token.isdigit():
        return token
    from .arith import chinese_to_int

    value = chinese_to_int(token)
    return None if value is None else str(value)


_MONTHS = re.compile(r"(?<![\d.])(\d+)\s*(?:months?\b|个月)", re.I)
_DAYS = re.compile(r"(?<![\d.])(\d+)\s*(?:days?\b|天)(?!\s*(?:算|计))", re.I)
_HALF_YEAR = re.compile(r"半年|half\s+a\s+year|six\s+months", re.I)
_YEAR_BASIS = re.compile(r"(?:一年|a\s+year|per\s+year|每年)\D{0,8}?(365|360)\s*(?:天|days?)|(365|360)\s*(?:天|days?)\s*"
                         r"(?:一年|a\s+year|per\s+year|为一年)", re.I)
_YIELD = re.compile(r"年化|annual(?:ised|ized)?\s+(?:yield|return)|\bAPR\b|\bp\.a\.", re.I)
_MONEY_AMOUNT = re.compile(r"[$¥€£]\s*" + _NUM + r"|" + _NUM + r"\s*(?:元|块钱?|dollars?|yuan|euros?|pounds?)", re.I)


def _term(t: str, years: list[re.Match[str]]) -> tuple[str, list[str]] | None:
    """The term in years as an expression, and the numbers it placed: "3 years" -> 3, "18 months" -> 18/12,
    "219天 … 一年按365天算" -> 219/365, "半年" -> 1/2. None when no term, or more than one, is stated."""
    months, half = list(_MONTHS.finditer(t)), _HALF_YEAR.search(t)
    basis = _YEAR_BASIS.search(t)
    days = [d for d in _DAYS.finditer(t) if not (basis and basis.start() <= d.start() < basis.end())]
    found = len(years) + len(months) + len(days) + (1 if half and not months else 0)
    if found != 1:
        return None
    if years:
        n = _zh_count(years[0].group(1))
        return (n, [years[0].group(1)] if years[0].group(1).isdigit() else []) if n else None
    if months:
        return f"{months[0].group(1)}/12", [months[0].group(1)]
    if days:
        year = next(g for g in basis.groups() if g) if basis else "365"
        return f"{days[0].group(1)}/{year}", [days[0].group(1)] + ([year] if basis else [])
    return "1/2", []


def _read_interest(t: str, today: date) -> Reading | None:
    from .qualifiers import compounding_per_year

    compound, simple = _COMPOUND.search(t), _SIMPLE.search(t)
    if not compound and not simple and _YIELD.search(t) and (_DAYS.search(t) or _MONTHS.search(t)):
        simple = _YIELD.search(t)  # a yearly yield held for days or months: simple interest, pro rata
    if bool(compound) == bool(simple):
        return None
    basis = _YEAR_BASIS.search(t)
    rates = _RATE_PCT.findall(t)
    years = [y for y in _YEARS.finditer(t) if not (basis and basis.start() <= y.start() < basis.end())]
    if len(rates) != 1:
        return None
    term = _term(t, years)
    if term is None:
        return None
    p = _PRINCIPAL.search(t)
    money = [m for m in _MONEY_AMOUNT.finditer(t) if not _FEE_AMOUNT.search(t[m.start(): m.end() + 12])]
    n, term_used = term
    rest = [x for x in _NUMBER.findall(t) if x != rates[0] and x not in term_used
            and not (basis and x in basis.group(0))]
    if p:
        principal = p.group(1) or p.group(2)
    elif len(money) == 1:
        principal = money[0].group(1) or money[0].group(2)  # "10万元买了一款理财": the one amount of money
    elif len(rest) == 1:
        principal = rest[0]  # "I lend 8,000 at 5% … for 9 months": the one number with no other role
    else:
        return None
    rate = rates[0]
    used = [principal, rate, *term_used]
    per_year = compounding_per_year(t) if compound else None
    if compound and per_year:
        grown = f"{principal}*(1+{rate}/100/{per_year:g})^({n}*{per_year:g})"
    elif compound:
        grown = f"{principal}*(1+{rate}/100)^{n}" if "/" not in n else f"{principal}*(1+{rate}/100)^({n})"
    else:
        grown = f"{principal}*(1+{rate}/100*{n})"
    only = _ASK_INTEREST_ONLY.search(t) and not _ASK_TOTAL.search(t)
    steps = [(t.strip(), f"{grown}-{principal}" if only else grown)]
    fee = _FEE_AMOUNT.search(t)
    if fee:
        amount = fee.group(1) or fee.group(2)
        steps.append((fee.group(0), f"{{i1}}-{amount}"))
        used.append(amount)
    return Reading(steps, used)


# ------------------------------------------------------------------ speed × time, then a stated factor

_SPEED = re.compile(r"(?:\bat\s+(?:a\s+)?(?:steady\s+|constant\s+|an\s+average\s+)?(?:speed\s+of\s+)?|以|时速|速度(?:是|为)?)?\s*"
                    + _NUM + r"\s*(km/h|kmh|kph|mph|miles\s+(?:per|an)\s+hour|km\s+(?:per|an)\s+hour|kilomet(?:re|er)s\s+(?:per|an)\s+hour"
                    r"|公里每小时|千米每小时|公里/小时|千米/小时)"
                    r"|(?:以)?每小时\s*(?:行驶|走|跑|开|骑|飞)?\s*" + _NUM + r"\s*(公里|千米)", re.I)
_DURATION = re.compile(r"(?:\bfor\s+|(?:行驶|走|跑|开|骑|飞)了?\s*)" + _NUM + r"\s*(hours?|hrs?|minutes?|mins?|小时|个小时|分钟)"
                       r"(?:\s*(?:and\s+)?" + _NUM + r"\s*(minutes?|mins?|分钟))?", re.I)
_ASK_DISTANCE = re.compile(r"how\s+far|how\s+many\s+(?:km|kilomet|miles)|distance|多少(?:公里|千米|英里|米)|多远|路程", re.I)


def _hours(n: str, unit: str, extra: str | None) -> str:
    minutes = unit.lower().startswith("m") or unit == "分钟"
    base = f"{n}/60" if minutes else n
    return f"({base}+{extra}/60)" if extra else base


def _read_travel(t: str, today: date) -> Reading | None:
    from .problem import _rates, _unit_key

    if not _ASK_DISTANCE.search(t):
        return None
    speeds = list(_SPEED.finditer(t))
    if not speeds:
        return None
    legs, used = [], []
    for k, sp in enumerate(speeds):
        end = speeds[k + 1].start() if k + 1 < len(speeds) else len(t)
        start = speeds[k - 1].end() if k else 0
        d = _DURATION.search(t, sp.end(), end) or _DURATION.search(t[start: sp.start()])
        if not d:
            return None
        v = sp.group(1) or sp.group(3)
        legs.append(f"{v}*{_hours(d.group(1), d.group(2), d.group(3))}")
        used += [v, d.group(1)] + ([d.group(3)] if d.group(3) else [])
    unit = "mi" if any((sp.group(2) or "").lower().startswith(("mph", "mile")) for sp in speeds) else "km"
    steps = [(t.strip(), "+".join(legs))]
    for rate, _ in _rates(t):
        one, other = _unit_key(rate.one), _unit_key(rate.other)
        if unit not in (one, other):
            continue
        steps.append((f"1 {rate.one} = {rate.factor} {rate.other}", f"{{i1}}*{rate.factor}" if one == unit
                      else f"{{i1}}/{rate.factor}"))
        used += ["1", rate.factor]
        break
    return Reading(steps, used)


# ------------------------------------------------------------------ one amount at a stated rate

_ASK_CONVERT = re.compile(r"how\s+many|how\s+much|\bin\s+[a-z]+|\bget\s+for|能换|换多少|换成|兑换|是多少|合多少|多少", re.I)


def _read_stated_rate(t: str, today: date) -> Reading | None:
    from .problem import _UNIT_WORD, _rates, _unit_key

    rates = _rates(t)
    if len(rates) != 1 or not _ASK_CONVERT.search(t):
        return None
    rate, numbers = rates[0]
    one, other = _unit_key(rate.one), _unit_key(rate.other)
    if one == other:
        return None
    found = []
    for m in re.finditer(_NUM + r"\s*" + _UNIT_WORD, t):
        if m.group(1) in ("1", rate.factor) and _unit_key(m.group(2)) in (one, other) and (
                m.group(1) == rate.factor or t[m.end(): m.end() + 8].lstrip().startswith(("=", "兑", "等于", "合", "≈"))):
            continue  # the rate statement itself
        if _unit_key(m.group(2)) in (one, other):
            found.append(m)
    if len(found) != 1:
        return None
    m = found[0]
    expr = f"{m.group(1)}*{rate.factor}" if _unit_key(m.group(2)) == one else f"{m.group(1)}/{rate.factor}"
    return Reading([(m.group(0), expr)], [m.group(1), *numbers])


# ------------------------------------------------------------------ a price for a count: the price of one

_MW_ONE = _MW[3:-1] + "|颗|粒|片|卷|根|枚|朵|串|粒|封|节|卷|个人|位|间|套"
# The asked unit: "how much is that per bar", "what does one bagel cost", "每瓶多少钱", "一斤多少钱", "单价".
_ASK_ONE = re.compile(r"\bper\s+([a-z]+)\b|\b(?:one|1|each|a\s+single|a|an)\s+([a-z]+)\s+(?:cost|costs|come\s+to|be|is|work\s+out)"
                      r"|\bhow\s+much\s+(?:is|does|would)\s+(?:one|1|each|a\s+single)\s+([a-z]+)"
                      r"|\bhow\s+much\s+(?:is\s+)?(?:one|1|each)\s+([a-z]+)\b"
                      r"|(?:每|一)\s*(" + _MW_ONE + r"|公斤|千克|克|升|米|平方米|公里|度|人|份|晚|天|小时)\s*(?:是|要|卖)?\s*多少钱?"
                      r"|单价", re.I)
# A quantity in words the division would ignore ("第二箱半价，买两箱", "twice", "half price").
_OTHER_QUANTITY = re.compile(r"(?<![一二两三四五六七八九十百千])[二两三四五六七八九十百千]+\s*" + _MW + r"|半价|半|第[二三四五]|打\s*\S?折|"
                             r"\b(?:half|twice|double|triple|two|three|four|five|six|seven|eight|nine|ten|second|third)\b|%",
                             re.I)
_COUNT_WORDS = {"dozen": "12", "a dozen": "12", "half a dozen": "6", "pair": "2", "a pair of": "2"}


def _same_word(a: str, b: str) -> bool:
    a, b = a.lower().rstrip("s"), b.lower().rstrip("s")
    return a == b or (len(a) > 3 and len(b) > 3 and (a.startswith(b) or b.startswith(a)))


def _read_unit_price(t: str, today: date) -> Reading | None:
    """"A box of 36 granola bars is 27.72. How much is that per bar?", "一袋5公斤的大米卖39.5元，每公斤多少钱？": the
    price stated for a count (or a measure) of the asked unit, divided by the count. Exactly two quantities."""
    ask = _ASK_ONE.search(t)
    if ask:
        start = max(t.rfind(x, 0, ask.start()) for x in ".。!！;；") + 1
        ends = [i for i in (t.find(x, ask.end()) for x in ".。!！;；?？") if i >= 0]
        if not re.search(r"\bhow\s+much\b|\bwhat\b|多少|单价|[?？]", t[start: (min(ends) + 1) if ends else len(t)], re.I):
            ask = None  # "at 7 CNY per dollar": a rate stated, not the price of one asked
    if not ask or _OTHER_QUANTITY.search(re.sub(r"half\s+a\s+dozen|a\s+pair\s+of", " ", t, flags=re.I)):
        return None
    unit = next((g for g in ask.groups() if g), "")
    one = ["1"] if re.search(r"(?<![\d.])1(?![\d.])", ask.group(0)) else []  # "what does 1 bagel cost": the unit asked
    numbers = _NUMBER.findall(t[: ask.start()] + " " * (ask.end() - ask.start()) + t[ask.end():])
    count: str | None = None
    for m in re.finditer(_NUM + r"\s*((?:[a-z-]+\s*){1,3}|" + _MW_ONE + r"|公斤|千克|克|升|米|平方米|公里|度|人|份|晚|天|小时)",
                         t[: ask.start()], re.I):
        if unit and any(_same_word(w, unit) or w == unit for w in m.group(2).split()):
            count = m.group(1)
    words = re.search(r"\b(half\s+a\s+dozen|a\s+dozen|dozen)\s+([a-z]+)", t[: ask.start()], re.I)
    if count is None and words and unit and _same_word(words.group(2), unit):
        count = _COUNT_WORDS[re.sub(r"\s+", " ", words.group(1).lower())]
        if len(numbers) != 1:
            return None
        return Reading([(ask.group(0), f"{numbers[0]}/{count}")], [numbers[0], *one])
    if count is None or len(numbers) != 2 or float(count) == 0:
        return None
    price = numbers[0] if numbers[1] == count else numbers[1]
    if price == count:
        return None
    return Reading([(ask.group(0), f"{price}/{count}")], [price, count, *one])


_ASK_COST = re.compile(r"\bhow\s+much\b|\bcost\b|\bpay\b|\bprice\b|\bbe\b\s*\??$|多少钱|要多少|花多少|付多少|得多少|多少", re.I)
_REFERS_PRICE = re.compile(r"\bof\s+them\b|\bat\s+(?:that|this|the\s+same)\s+(?:price|rate)\b|\bthem\b|那|这个价|同样|照这个", re.I)


def more_at_unit_price(text: str, context: list[str] | tuple[str, ...]) -> tuple[str, str] | None:
    """A next turn that asks what N of the last turn's unit cost ("and how much would 30 of them be?", "那买10瓶要多少钱？")
    when that turn asked the price of one ("How much is that per bar?", "每瓶多少钱？"): the step ``{last}*N``."""
    if not context or not any(_ASK_ONE.search(_prepare_light(line)) for line in list(context)[-2:]):
        return None
    t = _prepare_light(text)
    numbers = _NUMBER.findall(t)
    if len(numbers) != 1 or not _ASK_COST.search(t) or _OTHER_QUANTITY.search(t.replace(numbers[0], " ")):
        return None
    unit = next((g for line in list(context)[-2:] if (m := _ASK_ONE.search(_prepare_light(line)))
                 for g in m.groups() if g), "")
    after = t[t.find(numbers[0]) + len(numbers[0]):].strip()
    names_unit = bool(unit) and (after.startswith(unit) or _same_word(after.split(" ")[0] if after else "", unit))
    if not (names_unit or _REFERS_PRICE.search(t)):
        return None
    return text.strip(), f"{{last}}*{numbers[0]}"


def _prepare_light(text: str) -> str:
    return re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)


# ------------------------------------------------------------------ a share of the rest

_EN_PART = {"half": "1/2", "a half": "1/2", "one half": "1/2", "a third": "1/3", "one third": "1/3", "two thirds": "2/3",
            "a quarter": "1/4", "one quarter": "1/4", "three quarters": "3/4", "a fifth": "1/5", "one fifth": "1/5",
            "two fifths": "2/5", "three fifths": "3/5", "four fifths": "4/5", "a sixth": "1/6", "one sixth": "1/6",
            "a tenth": "1/10", "one tenth": "1/10"}
_ZH_NUM = "一二两三四五六七八九十"
_FRACTION = re.compile(r"(?<![\d./])(\d+)\s*/\s*(\d+)(?![\d/])|(?<![\d.])(\d+(?:\.\d+)?)\s*%|百分之\s*(\d+(?:\.\d+)?)"
                       r"|([" + _ZH_NUM + r"])分之([" + _ZH_NUM + r"])|(一半)|\b(" + "|".join(sorted(_EN_PART, key=len, reverse=True))
                       + r")\b", re.I)
_REST_OF = re.compile(r"\bthe\s+(?:others|rest|remaining|remainder)\b|\bof\s+those\s+left\b|其余|剩下的?|剩余的?|余下的?|其他的?", re.I)
_ASK_LEFT = re.compile(r"\bleft\b|\bremain|\bneither\b|\bnone\s+of\b|\bnot\b|剩|都不|没有", re.I)


def _part(m: re.Match[str]) -> tuple[str, list[str]]:
    """A fraction as an expression and the digits it states: 3/8, 25%, 百分之20, 五分之二, a quarter, 一半."""
    if m.group(1):
        return f"{m.group(1)}/{m.group(2)}", [m.group(1), m.group(2)]
    if m.group(3) or m.group(4):
        v = m.group(3) or m.group(4)
        return f"{v}/100", [v]
    if m.group(5):
        return f"{_ZH_DIGIT.get(m.group(6), 2)}/{_ZH_DIGIT[m.group(5)]}", []
    if m.group(7):
        return "1/2", []
    return _EN_PART[re.sub(r"\s+", " ", m.group(8).lower())], []


def _read_rest_share(t: str, today: date) -> Reading | None:
    """"Of 40 guests, 1/4 are vegetarian and half of the others want fish": a share of the whole, then a share of
    the rest: (40-40*1/4)*1/2; "how many are left" asks what neither share holds."""
    rest = _REST_OF.search(t)
    if not rest:
        return None
    parts = list(_FRACTION.finditer(t))
    if len(parts) != 2 or not parts[0].end() <= rest.start() + 40 or parts[1].start() < parts[0].end():
        return None
    if not (parts[1].start() - 40 <= rest.start() <= parts[1].end() + 40):
        return None
    blanked = t
    for m in reversed(parts):
        blanked = blanked[: m.start()] + " " * (m.end() - m.start()) + blanked[m.end():]
    totals = _NUMBER.findall(blanked)
    if len(totals) != 1:
        return None
    n = totals[0]
    (f1, u1), (f2, u2) = _part(parts[0]), _part(parts[1])
    first = f"{n}-{n}*{f1}"
    asks = [q for q in re.split(r"[?？]", t) if _QUESTION.search(q)]
    if asks and _ASK_LEFT.search(asks[-1]):
        expr = f"({first})-({first})*{f2}"
    else:
        expr = f"({first})*{f2}"
    return Reading([(t.strip(), expr)], [n, *u1, *u2])


def _read_bill(t: str, today: date) -> Reading | None:
    from .bill import read_bill

    got = read_bill(t)
    return None if got is None else Reading(*got)


READERS: list[Callable[[str, date], Reading | None]] = [
    _read_age, _read_interest, _read_travel, _read_stated_rate, _read_tax_tip, _read_change, _read_average, _read_shape, _read_proportion, _read_items,
    _read_rate_times, _read_unit_price, _read_rest_share, _read_bill,
]


_QUESTION = re.compile(r"\b(?:how|what|which|by\s+how)\b|多少|几|哪", re.I)
_SCALED = re.compile(_NUM + r"\s*(万|亿)")
_ASKS_SCALED = re.compile(r"(?:多少|几)(?:个)?(?:万|亿)")
_ROUND_ASK = re.compile(r"[,，]?\s*(?:and\s+)?(?:rounded\s+|round(?:ed)?\s+(?:it\s+|that\s+)?)?to\s+(?:the\s+nearest\s+)?"
                        r"(?:(\d|one|two|three)\s+decimal(?:s|\s+places?)?|(cent|whole\s+number|integer))\b\.?"
                        r"|[,，]?\s*(?:保留\s*(\d|一|两|二|三)\s*位小数|(?:四舍五入)?(?:保留|精确)?到(整数|分|个位))", re.I)
_ROUND_WORD = {"one": 1, "two": 2, "three": 3, "一": 1, "两": 2, "二": 2, "三": 3, "cent": 2, "分": 2, "整数": 0, "个位": 0,
               "integer": 0}


def _round_asked(t: str) -> tuple[str, int | None]:
    m = _ROUND_ASK.search(t)
    if not m:
        return t, None
    word = next(g for g in m.groups() if g).lower()
    digits = int(word) if word.isdigit() else _ROUND_WORD.get(re.sub(r"\s+", " ", word), 0)
    return t[: m.start()] + t[m.end():], digits


def read_whole(t: str, today: date) -> Reading | None:
    """The first reading of ``t`` (prepared text: digits, no thousands separators) that places every number.
    "5万" is 50000 unless the question asks in 万 ("月平均多少万"); a rounding asked for rounds the last step."""
    if not _ASKS_SCALED.search(t):
        t = _SCALED.sub(lambda m: f"{float(m.group(1)) * (1e4 if m.group(2) == '万' else 1e8):g}", t)
    t, digits = _round_asked(t)
    asks = sum(1 for q in re.split(r"[?？]", t) if _QUESTION.search(q))
    for reader in READERS:
        got = reader(t, today)
        if got is not None and got.steps and _accounts(t, got.used):
            if asks > len(got.steps):
                return None  # a question the reading does not answer ("…最后一个月比平均高出百分之几？")
            if digits is not None:
                label, expr = got.steps[-1]
                got.steps[-1] = (label, f"round({expr},{digits})")
            return got
    return None


# ------------------------------------------------------------------ a digit-less follow-up on the last result

def _units_table() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    from autoglm.shared.units import unit_names

    alt = "|".join(re.escape(u) for u in sorted(unit_names(), key=len, reverse=True) if len(u) > 1 or not u.isascii())
    any_ = "|".join(re.escape(u) for u in sorted(unit_names(), key=len, reverse=True))
    asked = re.compile(r"\bhow\s+many\s+(" + alt + r")\b|\b(?:in|into|to|as)\s+(" + alt + r")\b|(?:多少|几)(?:个)?\s*("
                       + alt + r")|(?:换算成|换算为|转换成|转换为|转成|换成|折合成?|合)\s*(" + alt + r")", re.I)
    after_number = re.compile(_NUM + r"\s*(" + any_ + r")(?![A-Za-z])", re.I)
    target = re.compile(r"\b(?:in|into|to|as)\s+(" + alt + r")\b|\bhow\s+many\s+(" + alt + r")\b|(?:换算成|换算为|转换成|"
                        r"转换为|转成|换成|折合成?|合|是多少|等于多少|多少|几)(?:个)?\s*(" + alt + r")", re.I)
    return asked, after_number, target


_TABLE: tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]] | None = None


def _unit(word: str):  # noqa: ANN202 - shared.units.Unit, imported lazily
    from autoglm.shared.units import find_unit

    for w in (word, word.lower(), word.lower().rstrip("s")):
        try:
            return find_unit(w)
        except ValueError:
            continue
    return None


def unit_of_last(context: list[str] | tuple[str, ...]) -> str | None:
    """The unit of the previous turn's result, read from the session's recent lines (newest first): the unit
    an answer or request names as asked ("How many minutes …", "多少公里"), else the one unit of measure its
    numbers carry ("300 g of flour"). None when it is not clear."""
    global _TABLE
    if _TABLE is None:
        _TABLE = _units_table()
    asked, after_number, _ = _TABLE
    for line in reversed(list(context)[-2:]):
        found = [g for m in asked.finditer(line) for g in m.groups() if g]
        units = {u.symbol: u for u in map(_unit, found) if u is not None}
        if not units:
            units = {u.symbol: u for u in (_unit(m.group(2)) for m in after_number.finditer(line)) if u is not None}
        if len(units) == 1:
            return next(iter(units))
        if units:
            return None  # two units named: which one the result has is not clear
    return None


_ROUND = re.compile(r"\b(?:rounded\s+|round(?:ed)?\s+)?to\s+(\d|one|two|three)\s+decimal(?:s|\s+places?)?\b"
                    r"|保留\s*(\d|一|两|二|三)\s*位小数", re.I)
_ROUND_DIGITS = {"one": 1, "two": 2, "three": 3, "一": 1, "两": 2, "二": 2, "三": 3}


def follow_up_conversion(text: str, last_unit: str | None) -> tuple[str, str, int | None] | None:
    """("min", "h", None) for "And in hours?" when the last result was in minutes: a follow-up with no number of
    its own (a rounding, "to 2 decimals", is the third item) that asks for the last result in another unit of
    the same quantity."""
    global _TABLE
    if last_unit is None:
        return None
    digits: int | None = None
    r = _ROUND.search(text)
    if r:
        word = (r.group(1) or r.group(2)).lower()
        digits = int(word) if word.isdigit() else _ROUND_DIGITS[word]
        text = text[: r.start()] + text[r.end():]
    if _NUMBER.search(text):
        return None
    if _TABLE is None:
        _TABLE = _units_table()
    m = _TABLE[2].search(text)
    if not m:
        return None
    source, target = _unit(last_unit), _unit(next(g for g in m.groups() if g))
    if source is None or target is None or source.quantity != target.quantity or source.symbol == target.symbol:
        return None
    return source.symbol, target.symbol, digits
