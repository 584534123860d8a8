"""Exact steps: arithmetic on an earlier result, unit conversions, date arithmetic and counting (a post-pass).

Runs on the finished intent graph (the last stage of :func:`~.pipeline.parse_request`) and rewrites the
intents that a tool can answer exactly into that tool's shape, so they never reach the language model
(issue 16 item 2; the contract is in /work/coord/log.md):

- a clause that continues a calculation with no first operand of its own ("然后加上20", "再减去优惠券的20元",
  "then subtract 30", "divide it by 4", "what is that in euros at 1.08", "20% of that") becomes a
  calculator intent whose expression names the earlier result: ``{i1}-20`` with ``depends_on: ["i1"]``, or
  ``{last}`` (the session's previous turn) when nothing earlier in the request has a result;
- "5公里是多少英里", "convert 10 km to miles", "100华氏度是多少摄氏度" become ``convert_units``;
- "2025年3月1日加上45天是哪天", "45天后是几号", "距离2027年1月1日还有多少天", "how many days until
  Christmas" become ``datetime`` ``add`` / ``diff``;
- "这句话有多少个字：…", "how many words are in: …", "“苹果”出现了几次" become ``text_stats``.

A clause is only rewritten when its shape is unambiguous; anything else is left as the rules made it.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from autoglm.shared.events import Intent, IntentGraph, IntentType
from autoglm.shared.units import find_unit, unit_names

from .arith import chinese_to_int, operator_text
from .dates import find_dates

EXACT_TOOLS = ("calculator", "convert_units", "datetime", "text_stats")
# Intents the rules may have routed elsewhere although a tool answers them exactly.
_REWRITABLE_TOOLS = (None, "calculator", "datetime", "kb_search")
# Never a translation, summary, piece of writing or code: "Put this into Chinese: … at 8 tomorrow" is no sum.
_REWRITABLE_TYPES = ("calculation", "question_answering", "lookup")
_NUM = r"(-?\d+(?:\.\d+)?)"
# Longer clauses are not read for continuations, units or dates (bounded work on hostile input: 64 KB parse
# in well under a second); counting reads only its instruction's head.
MAX_CLAUSE = 300
_HEAD = 200


def exact_steps(graph: IntentGraph, text: str, today: date) -> IntentGraph:
    """``graph`` with its exactly answerable intents in their tool's shape (see the module doc)."""
    if graph.clarification or not graph.intents:
        return graph
    intents: list[Intent] = []
    for intent in graph.intents:
        rewritten = None
        if intent.tool in _REWRITABLE_TOOLS and intent.type.value in _REWRITABLE_TYPES:
            short = len(intent.text) <= MAX_CLAUSE  # exact questions are short; a long text is counted at most
            rewritten = ((short and (_continuation(intent, intents) or _units(intent) or _dates(intent, today)))
                         or _counting(intent, text))
        intents.append(_own_arguments(rewritten or intent))
    if all(a is b for a, b in zip(intents, graph.intents, strict=True)):
        return graph
    return graph.model_copy(update={"intents": intents})


def _own_arguments(intent: Intent) -> Intent:
    """A tool call whose arguments are all its own (a city, an order id, an expression with no ``{iN}``) takes
    nothing from an earlier step, whatever pronoun a clause or a closing "all of it" carried ("…, and also tell me
    what time it is in Chicago? Give me all of it in one reply"): its dependencies are dropped."""
    if intent.tool is None or not intent.depends_on or not intent.entities or any(
            "{" in str(v) for v in intent.entities.values()):
        return intent
    return intent.model_copy(update={"depends_on": []})


def _as_tool(intent: Intent, tool: str, entities: dict[str, Any], depends_on: list[str] | None = None) -> Intent:
    # The contract types every datetime call a lookup (a date difference or offset is read off the calendar,
    # whatever the clause was first typed: "how many days until June 1" is no sum).
    return intent.model_copy(update={
        "type": IntentType.LOOKUP if tool == "datetime" else IntentType.CALCULATION,
        "tool": tool,
        "entities": entities,
        "depends_on": intent.depends_on if depends_on is None else depends_on,
    })


# ------------------------------------------------------------------ continuing a calculation

_LEAD_ZH = r"^(?:然后|接着|之后|再然后|最后|并且|并|那么|那|就)?\s*(?:把|将)?(?:结果|它|这个数|这个|得数|答案)?\s*(?:再)?\s*"
_OP_ZH = {"加上": "+", "加": "+", "减去": "-", "减掉": "-", "减": "-", "扣除": "-", "扣掉": "-", "扣": "-",
          "去掉": "-", "乘以": "*", "乘上": "*", "乘": "*", "除以": "/"}
_CONT_ZH = re.compile(_LEAD_ZH + "(" + "|".join(sorted(_OP_ZH, key=len, reverse=True)) + r")(.*)$")
# After the operator: a few words ("优惠券的"), the number, its unit, and nothing else ("加班到十点 真累啊" is no sum).
_ZH_OPERAND = re.compile(r"^[^0-9]{0,8}?-?\d+(?:\.\d+)?\s*(?:%|元|块钱?|美元|欧元|英镑|日元|人民币|块|个|倍)?\s*"
                         r"(?:是多少|等于多少|得多少|是几|呢|吧)?\s*[?？。.!！]*\s*$")
_DISCOUNT_ZH = re.compile(_LEAD_ZH + r"打\s*(\d{1,2}(?:\.\d)?)\s*折")
_LEAD_EN = r"^(?:(?:and|then|after that|next|finally|now|also)[\s,]+)*(?:please\s+)?"
_OP_EN = (
    (r"add", "+"), (r"plus", "+"), (r"subtract", "-"), (r"minus", "-"), (r"take away", "-"), (r"deduct", "-"),
    (r"take off", "-"), (r"multiply(?:\s+(?:it|that|this|the result))?\s+by", "*"), (r"times", "*"),
    (r"divide(?:\s+(?:it|that|this|the result))?\s+by", "/"),
)
_CONT_EN = [(re.compile(_LEAD_EN + op + r"\b(.*)$", re.I), sym) for op, sym in _OP_EN]
_SCALE_EN = re.compile(_LEAD_EN + r"(double|triple|halve|square)\s+(?:it|that|this|the result)\b", re.I)
_SCALES = {"double": "*2", "triple": "*3", "halve": "/2", "square": "^2"}
_REF_WORD = re.compile(r"\b(?:that|it|this|the result|the answer|the total)\b|结果|它|这个数|得数|总数|总价|总共", re.I)
_RATE = re.compile(
    r"(?:\bat(?:\s+a)?(?:\s+(?:rate|exchange rate))?(?:\s+of)?|\brate\s+(?:of\s+)?|汇率(?:是|为|按)?|按)\s*" + _NUM
    + r"(?!\s*%)", re.I)
_CONVERT_WORD = re.compile(r"\b(?:in|to|into)\b|换算|兑换|折合|转换|换成|是多少", re.I)
_PERCENT_OF_REF = re.compile(
    _NUM + r"\s*(?:%|percent)\s+of\s+(?:that|it|this|the result|the total)\b"
    r"|(?:结果|它|这个数|得数|总数|总价)的(?:百分之\s*" + _NUM + r"|" + _NUM + r"\s*%)", re.I)


def _earlier_result(earlier: list[Intent]) -> str | None:
    """The reference to the result a continuation works on: the nearest earlier exact intent of this
    request, or the session's previous turn when the request has nothing before it."""
    if not earlier:
        return "last"
    last = earlier[-1]
    return last.id if last.tool in EXACT_TOOLS else None


def _operand(rest: str, op: str) -> str | None:
    """The number after a continuation's operator, with a percentage read as a share of the running value."""
    digits = operator_text(rest)
    m = re.search(_NUM + r"\s*(%|percent)?", digits, re.I)
    if not m:
        return None
    number, percent = m.group(1), m.group(2)
    if percent:
        return {"+": f"*(1+{number}/100)", "-": f"*(1-{number}/100)", "*": f"*{number}/100",
                "/": f"/({number}/100)"}[op]
    if re.search(r"\bfrom\b", rest[: m.start()] or "", re.I) and op == "-":
        return None  # "subtract it from 30": the operands swap; too rare to guess
    return f"{op}{number}"


def _continuation(intent: Intent, earlier: list[Intent]) -> Intent | None:
    own = str(intent.entities.get("expression") or "")
    if intent.tool == "calculator" and len(re.findall(r"\d+(?:\.\d+)?", own)) >= 2:
        return None  # a calculation of its own ("20%" alone is not one: "20% of that")
    clause = intent.text.strip()
    found: str | None = None
    if m := _DISCOUNT_ZH.match(operator_text(clause)):
        n = m.group(1)
        found = f"*0.{n.replace('.', '')}" if len(n.replace(".", "")) > 1 or "." in n else f"*0.{n}"
    elif (m := _CONT_ZH.match(clause)) and _ZH_OPERAND.match(operator_text(m.group(2))):
        found = _operand(m.group(2), _OP_ZH[m.group(1)])
    elif m := _SCALE_EN.match(clause):
        found = _SCALES[m.group(1).lower()]
    else:
        for pattern, op in _CONT_EN:
            if m := pattern.match(clause):
                found = _operand(m.group(1), op)
                break
    if found is None and _REF_WORD.search(clause):
        if m := _PERCENT_OF_REF.search(operator_text(clause)):
            found = f"*{next(g for g in m.groups() if g)}/100"
        elif (m := _RATE.search(clause)) and _CONVERT_WORD.search(clause):
            found = f"*{m.group(1)}"
    if found is None and (m := _RATE.search(clause)) and _CONVERT_WORD.search(clause):
        # "把100美元换算成欧元，汇率1.08": an amount of its own at a stated rate is plain arithmetic.
        amount = re.search(_NUM, operator_text(clause[: m.start()]))
        if amount:
            return _as_tool(intent, "calculator", {"expression": f"{amount.group(1)}*{m.group(1)}"})
    if found is None:
        return None
    ref = _earlier_result(earlier)
    if ref is None:
        return None
    expression = f"{{{ref}}}{found}"
    depends = [ref] if ref != "last" else []
    return _as_tool(intent, "calculator", {"expression": expression}, depends)


# ------------------------------------------------------------------ units

_UNIT_ALT = "|".join(re.escape(u) for u in unit_names() if len(u) > 1 or not u.isascii())
_UNIT_ANY = "|".join(re.escape(u) for u in unit_names())
_UNIT_AFTER_NUMBER = re.compile(_NUM + r"\s*(" + _UNIT_ANY + r")(?![A-Za-z])", re.I)
_TARGET_ZH = re.compile(r"(?:是|等于|合|折合|换算成|换算为|转换成|转换为|转成|换成|为|有)?(?:多少|几)(?:个)?\s*(" + _UNIT_ALT
                        + r")")
_TARGET_ZH2 = re.compile(r"(?:换算成|换算为|转换成|转换为|转成|换成|折合成?|合)\s*(" + _UNIT_ALT + r")")
_TARGET_EN = re.compile(r"\b(?:in|to|into|as)\s+(" + _UNIT_ANY + r")(?![A-Za-z])", re.I)
_HOW_MANY_EN = re.compile(r"\bhow\s+many\s+(" + _UNIT_ALT + r")\b(?:\s+(?:is|are|in|make|does))", re.I)
_UNIT_QUESTION = re.compile(r"多少|几|换算|转换|折合|\bconvert\b|\bhow many\b|\bin\b|\bto\b|\binto\b|\bas\b|是多少", re.I)


# An amount said in words before its unit ("一个小时", "一公斤", "半斤", "an hour", "a mile", "half a pound") is that
# number: "一个小时等于多少分钟", "How many minutes are in an hour?" are conversions like "1小时等于多少分钟".
_WORD_AMOUNT = re.compile(r"(?<![\d.一二两三四五六七八九十百千万])(一个|一|两个|两|半个|半|三个|三)(?=\s*(?:" + _UNIT_ALT + r"))"
                          r"|\b(an?|one|two|three|half an?)\s+(?=(?:" + _UNIT_ANY + r")\b)", re.I)
_WORD_VALUE = {"一个": "1", "一": "1", "两个": "2", "两": "2", "半个": "0.5", "半": "0.5", "三个": "3", "三": "3", "a": "1 ",
               "an": "1 ", "one": "1 ", "two": "2 ", "three": "3 ", "half a": "0.5 ", "half an": "0.5 "}


def _units(intent: Intent) -> Intent | None:
    clause = _WORD_AMOUNT.sub(lambda m: _WORD_VALUE[(m.group(1) or m.group(2)).lower()], intent.text)
    if not _UNIT_QUESTION.search(clause):
        return None
    for m in _UNIT_AFTER_NUMBER.finditer(clause):
        source = m.group(2)
        tail = clause[m.end():]
        target = (_TARGET_ZH.search(tail) or _TARGET_ZH2.search(tail) or _TARGET_EN.search(tail)
                  or _HOW_MANY_EN.search(clause[: m.start()]))
        if target is None:
            continue
        try:
            a, b = find_unit(source), find_unit(target.group(1))
        except ValueError:
            continue
        if a.quantity != b.quantity or a is b:
            continue
        value = float(m.group(1))
        return _as_tool(intent, "convert_units", {"value": int(value) if value.is_integer() else value,
                                                  "from_unit": a.symbol, "to_unit": b.symbol})
    return None


# ------------------------------------------------------------------ dates

_ZH_NUMS = "0-9一二两三四五六七八九十百"
_SPAN_ZH = {"天": "days", "日": "days", "周": "weeks", "星期": "weeks", "礼拜": "weeks", "个月": "months",
            "月": "months", "年": "years"}
_SPAN_EN = {"day": "days", "week": "weeks", "month": "months", "year": "years"}
_OFFSET_ZH = re.compile(
    rf"(?:加上?|再过|过了?|往后推?|后推|向后推?)?\s*([{_ZH_NUMS}]+)\s*(个月|个星期|个礼拜|天|日|周|星期|礼拜|月|年)\s*(之后|以后|后|之前|以前|前)?")
_OFFSET_EN = re.compile(
    r"(\d+)\s+(day|week|month|year)s?\s+(after|from|before|later than|earlier than|ago|later|from now|from today)?",
    re.I)
_IN_N_EN = re.compile(r"\bin\s+(\d+)\s+(day|week|month|year)s?\b", re.I)
_ASKS_DATE = re.compile(r"哪天|哪一天|几号|几月几[号日]|什么日期|什么时候|星期几|周几|礼拜几|\bwhat\s+(?:date|day)\b|\bwhich\s+(?:date|day)\b"
                        r"|\bwhen\s+is\b|\bwhat(?:'s| is| will)\b.*\bdate\b", re.I)
_ASKS_DAYS = re.compile(r"(?<!第)(?:还有|有|相差|差|隔|间隔|过了|过去了)?(?<!第)(?:多少|几)(?:个)?(天|周|星期|个月)"
                        r"|\bhow\s+many\s+(days|weeks)\b"
                        # how far away in time a named day is ("How far off is Christmas?", "还有多久到元旦")
                        r"|\bhow\s+(?:far\s+(?:off|away)|long\s+(?:until|till|before|to)|soon)\b"
                        r"|(?:还有|还要|还剩|还差)多久|多久(?:以后|之后)?(?:到|是)", re.I)
_YMD_EN = re.compile(r"\b(january|february|march|april|may|june|july|august|september|october|november|december|"
                     r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b",
                     re.I)
_MONTHS = {m: i for i, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
    ("december", "dec")), 1) for m in names}
_DMY_EN = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(" + "|".join(sorted(_MONTHS, key=len, reverse=True))
                     + r")\.?,?\s+(\d{4})\b", re.I)

_YMD_ZH = re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")


def _count(token: str) -> int | None:
    return int(token) if token.isdigit() else chinese_to_int(token)


def _explicit_dates(clause: str, today: date) -> list[tuple[int, date]]:
    """Dates named in the clause, in order, with their positions: an English "March 1, 2025" keeps its year."""
    found: list[tuple[int, date]] = []
    spans: list[tuple[int, int]] = []
    for m in _YMD_EN.finditer(clause):
        try:
            found.append((m.start(), date(int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2)))))
            spans.append((m.start(), m.end()))
        except ValueError:
            continue
    for m in _DMY_EN.finditer(clause):  # "15 March 2026" keeps its year as well
        if any(x <= m.start() < y for x, y in spans):
            continue
        try:
            found.append((m.start(), date(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))))
            spans.append((m.start(), m.end()))
        except ValueError:
            continue
    for m in _YMD_ZH.finditer(clause):  # "1988年7月20日": a year far from today is still its year (a birth date)
        if any(x <= m.start() < y for x, y in spans):
            continue
        try:
            found.append((m.start(), date(int(m.group(1)), int(m.group(2)), int(m.group(3)))))
            spans.append((m.start(), m.end()))
        except ValueError:
            continue
    for d in find_dates(clause, today):
        if any(a <= d.start < b for a, b in spans):
            continue
        if d.kind.endswith("range") or d.kind in ("zh_nday", "en_nday", "zh_week", "en_week"):
            continue  # "未来3天" is a span, not a day
        found.append((d.start, d.day))
    return sorted(found)


def _dates(intent: Intent, today: date) -> Intent | None:
    clause = intent.text
    named = _explicit_dates(clause, today)
    if _ASKS_DATE.search(clause):
        offset = _offset(clause, named)
        if offset is not None:
            amount, unit = offset
            start = named[0][1] if named else today
            return _as_tool(intent, "datetime", {"operation": "add", "start": start.isoformat(), unit: amount})
    if _ASKS_DAYS.search(clause) and named:
        dates = [d for _, d in named]
        if len(dates) >= 2:
            start, end = dates[0], dates[1]
        else:
            start, end = today, dates[0]
        return _as_tool(intent, "datetime", {"operation": "diff", "start": start.isoformat(), "end": end.isoformat()})
    return None


def _offset(clause: str, named: list[tuple[int, date]]) -> tuple[int, str] | None:
    """``(amount, days|weeks|months|years)`` of "加上45天", "45天后", "100 days from today", "3 weeks ago"."""
    for m in _OFFSET_ZH.finditer(clause):
        if any(pos <= m.start() < pos + 1 for pos, _ in named) and not m.group(3):
            continue
        n = _count(m.group(1))
        if n is None:
            continue
        before_word = clause[max(0, m.start() - 2): m.start()]
        if not (m.group(3) or "加" in m.group(0) or "过" in m.group(0) or "推" in m.group(0) or "加" in before_word):
            continue
        sign = -1 if (m.group(3) or "") in ("之前", "以前", "前") else 1
        return sign * n, _SPAN_ZH[m.group(2)]
    for m in _OFFSET_EN.finditer(clause):
        word = (m.group(3) or "").lower()
        if not word:
            continue
        sign = -1 if word in ("before", "earlier than", "ago") else 1
        return sign * int(m.group(1)), _SPAN_EN[m.group(2).lower()]
    if m := _IN_N_EN.search(clause):
        return int(m.group(1)), _SPAN_EN[m.group(2).lower()]
    return None


# ------------------------------------------------------------------ counting

_COUNT_ZH = re.compile(r"(?:有|共有|一共有|总共有)?(?:多少|几)个?(汉字|字符|字|单词|词|句话|句子|句|行)")
_COUNT_EN = re.compile(r"\bhow\s+many\s+(words|characters|letters|sentences|lines)\b", re.I)
_OCCUR_ZH = re.compile(r"[“\"'「『]([^”\"'」』]{1,40})[”\"'」』]\s*(?:这个词|这个字)?(?:一共|总共)?出现了?(?:多少|几)次")
_OCCUR_EN = re.compile(r"\bhow\s+many\s+times\s+(?:does|do|did)\s+(?:the\s+word\s+)?[\"'“]?([\w\u4e00-\u9fff-]{1,40})"
                       r"[\"'”]?\s+(?:appear|occur|show up)", re.I)
_PAYLOAD = re.compile(r"[:：]\s*(.+)$", re.S)
_QUOTED = re.compile(r"[“\"「『]([^”\"」』]{2,})[”\"」』]")


def _counted_text(intent: Intent, text: str) -> str | None:
    for source in (text, intent.text):  # the request as typed first: the clause is normalised
        if m := _PAYLOAD.search(source[:_HEAD]):
            m = _PAYLOAD.search(source, m.start())
            body = m.group(1).strip()
            if body:
                return body
    quoted = _QUOTED.findall(text)
    return max(quoted, key=len) if quoted else None


def _counting(intent: Intent, text: str) -> Intent | None:
    clause = intent.text[:_HEAD]
    phrase = None
    if m := (_OCCUR_ZH.search(clause) or _OCCUR_EN.search(clause)):
        phrase = m.group(1)
    elif not (_COUNT_ZH.search(clause) or _COUNT_EN.search(clause)):
        return None
    body = _counted_text(intent, text)
    if not body or (phrase is not None and body.strip() == phrase):
        return None
    entities: dict[str, Any] = {"text": body[:20_000]}
    if phrase:
        entities["phrase"] = phrase
    return _as_tool(intent, "text_stats", entities)
