"""Arithmetic: Chinese numerals, operator words, and the normalized ``expression`` entity.

A normalized expression uses only digits, ``.``, and the ASCII operators ``+ - * / ^ % ( )``,
with no spaces: ``"(12+8)×3等于多少？"`` -> ``"(12+8)*3"``, ``"三加五"`` -> ``"3+5"``,
``"15% of 80"`` -> ``"80*15/100"``, ``"17 mod 5"`` -> ``"17%5"``, ``"根号16"`` -> ``"16^0.5"``.
"""

from __future__ import annotations

import re

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000}
ZH_NUMERAL = "零〇一二两三四五六七八九十百千万亿"
_ZH_NUM_RE = re.compile(f"[{ZH_NUMERAL}]+(?:点[{ZH_NUMERAL}]+)?")


def chinese_to_int(token: str) -> int | None:
    """Value of a Chinese numeral (``"一百二十"`` -> 120, ``"十五"`` -> 15, ``"三"`` -> 3), or None."""
    if not token or any(ch not in _DIGITS and ch not in _UNITS and ch not in _BIG for ch in token):
        return None
    if all(ch in _DIGITS for ch in token) and len(token) > 1:
        return int("".join(str(_DIGITS[ch]) for ch in token))
    total, section, digit = 0, 0, None
    last_unit = 1  # the unit just before a trailing digit: 一百二 = 120, 一万二 = 12000
    for ch in token:
        if ch in _DIGITS:
            if ch in "零〇":
                last_unit = 1
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            section += (digit if digit is not None else 1) * _UNITS[ch]
            digit, last_unit = None, _UNITS[ch]
        else:
            section += digit or 0
            total += section * _BIG[ch]
            section, digit, last_unit = 0, None, _BIG[ch]
    if digit is not None and last_unit >= 100 and token[-2] not in "零〇":
        return total + section + digit * (last_unit // 10)
    return total + section + (digit or 0)


def _zh_number(token: str) -> str:
    if "点" in token:
        whole, frac = token.split("点", 1)
        w = chinese_to_int(whole)
        f = "".join(str(_DIGITS[ch]) for ch in frac if ch in _DIGITS)
        return f"{w}.{f}" if w is not None and f else token
    value = chinese_to_int(token)
    return str(value) if value is not None else token


# Order matters: longer phrases first. Each maps a word to the operator text that replaces it.
_ZH_OPS: list[tuple[str, str]] = [
    (r"的平方根", "^0.5"), (r"的立方根", "^(1/3)"), (r"的平方", "^2"), (r"的立方", "^3"),
    (r"的(\d+(?:\.\d+)?)次(?:方|幂)", r"^\1"),
    (r"([0-9.]+)除以([0-9.]+)的余数", r"\1%\2"), (r"除以", "/"), (r"乘以", "*"), (r"乘上", "*"),
    (r"加上", "+"), (r"减去", "-"), (r"取余|取模|模", "%"), (r"乘", "*"), (r"加", "+"), (r"减", "-"),
    (r"([0-9.]+)除([0-9.]+)", r"\2/\1"),
]
_EN_OPS: list[tuple[str, str]] = [
    (r"\bsquare\s+root\s+of\s+([0-9.]+)", r"\1^0.5"), (r"\bcube\s+root\s+of\s+([0-9.]+)", r"\1^(1/3)"),
    (r"\bto\s+the\s+power\s+of\b", "^"), (r"\bto\s+the\s+(\d+)(?:st|nd|rd|th)\s+power\b", r"^\1"),
    (r"\braised\s+to\b", "^"), (r"\bmultiplied\s+by\b", "*"), (r"\bdivided\s+by\b", "/"),
    (r"\bsquared\b", "^2"), (r"\bcubed\b", "^3"), (r"\bplus\b", "+"), (r"\bminus\b", "-"),
    (r"\btimes\b", "*"), (r"\bover\b", "/"), (r"\bmodulo\b|\bmod\b", "%"), (r"\bless\b", "-"),
]
_ZH_OPS_RE = [(re.compile(p), r) for p, r in _ZH_OPS]
_EN_OPS_RE = [(re.compile(p, re.I), r) for p, r in _EN_OPS]
_PERCENT_OF_EN = re.compile(r"([0-9.]+)\s*(?:%|percent)\s+of\s+([0-9.]+)", re.I)
# A percentage applied to an amount: "a 20% tip on a $85 dinner", "8 percent sales tax on 49.99" (the part),
# "25% off 120" / "$120 with 25% off" (what is left), "原价299，打八折" / "打75折" (tenths of the price),
# "5000块存银行年利率3%" (the rate's share of the amount).
_MONEY = r"(?:an?\s+|the\s+)?\$?\s*([0-9.]+)"
_PERCENT_ON_EN = re.compile(
    r"([0-9.]+)\s*(?:%|percent)\s+(?:\w+\s+){0,2}?(?:tip|tax|vat|fee|interest|commission|surcharge|service charge|gratuity)"
    r"\s+(?:on|for|of)\s+" + _MONEY, re.I)
_PERCENT_OFF_EN = re.compile(r"([0-9.]+)\s*(?:%|percent)\s+off\s+(?:of\s+)?" + _MONEY, re.I)
_AMOUNT_PERCENT_OFF_EN = re.compile(r"\$?([0-9.]+)\b[^0-9%]{0,24}?\b([0-9.]+)\s*(?:%|percent)\s+off\b", re.I)
_POSTFIX_PERCENT = re.compile(r"(?<=[*/+\-])([0-9.]+)%(?![0-9.(])")
_DISCOUNT_ZH = re.compile(r"([0-9.]+)(?:元|块钱?|美元)?[^0-9.%]{0,10}?打\s*([0-9]{1,2}(?:\.[0-9])?)\s*折")
_RATE_OF_AMOUNT_ZH = re.compile(
    r"([0-9.]+)(?:元|块钱?|美元|万|(?=存|借|贷|投|理财))[^%]{0,12}?(?:利率|利息|税率|费率|手续费|服务费|小费|提成|佣金|涨幅|折扣)(?:是|为|按)?"
    r"\s*([0-9.]+)\s*%"
    r"|([0-9.]+)(?:元|块钱?|美元|万)?[^0-9.%]{0,12}?(?:利率|利息|税率|费率|手续费|服务费|小费|提成|佣金|涨幅|折扣)(?:是|为|按)?"
    r"\s*([0-9.]+)\s*%")


def _tenths(n: str) -> str:
    """打八折 -> 0.8, 打75折 -> 0.75, 打7.5折 -> 0.75: the share of the price paid."""
    if "." in n:
        whole, frac = n.split(".", 1)
        return f"0.{whole}{frac}"
    return f"0.{n}"


def _percentages(t: str) -> str:
    t = _PERCENT_ON_EN.sub(r"\2*\1/100", t)
    t = _PERCENT_OFF_EN.sub(r"\2*(100-\1)/100", t)
    t = _AMOUNT_PERCENT_OFF_EN.sub(r"\1*(100-\2)/100", t)
    t = _DISCOUNT_ZH.sub(lambda m: f"{m.group(1)}*{_tenths(m.group(2))}", t)
    return _RATE_OF_AMOUNT_ZH.sub(lambda m: f"{m.group(1)}*{m.group(2)}/100" if m.group(1) else f"{m.group(3)}*{m.group(4)}/100", t)
_PERCENT_OF_ZH = re.compile(r"([0-9.]+)(?:元|块钱?|美元|人民币)?的(?:百分之([0-9.]+)|([0-9.]+)%)")
_PERCENT_FIRST_ZH = re.compile(r"([0-9.]+)%的([0-9.]+)")
# 百分之X is read before the numerals: a lone 百 would otherwise become 100 ("百分之三" -> "100分之3").
_PER_CENT_ZH = re.compile(f"百分之([{ZH_NUMERAL}0-9]+(?:[点.][{ZH_NUMERAL}0-9]+)?)")
_SQRT_ZH = re.compile(r"(?:根号|开根号|开方)\s*([0-9.]+)")
_TIMES_X = re.compile(r"(?<=[0-9)])\s*[x×X✕]\s*(?=[0-9(])")
_HAN_SPACE = re.compile(r"\s+(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])\s+")
_RUN_RE = re.compile(r"[0-9.+\-*/^%() ]+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")


_EN_UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
             "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
             "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
             "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_EN_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
_EN_NUMBER_RE = re.compile(
    r"\b(?:" + "|".join(list(_EN_UNITS) + list(_EN_SCALES)) + r")(?:[\s-]+(?:and\s+)?(?:"
    + "|".join(list(_EN_UNITS) + list(_EN_SCALES)) + r"))*\b",
    re.IGNORECASE,
)


def _en_number(words: str) -> str:
    total, current = 0, 0
    for w in re.split(r"[\s-]+", words.lower()):
        if w == "and":
            continue
        if w in _EN_UNITS:
            current += _EN_UNITS[w]
        elif w == "hundred":
            current = (current or 1) * 100
        else:
            total += (current or 1) * _EN_SCALES[w]
            current = 0
    return str(total + current)


# A lone 一 that starts a word ("一共", "一起", "一下") is not the number one.
_NOT_ONE = frozenset("共起下定样般直些切旦致同边")


def _zh_numeral(m: re.Match[str]) -> str:
    token = m.group(0)
    if token == "一" and m.string[m.end() : m.end() + 1] in _NOT_ONE and m.end() < len(m.string):
        return token
    return _zh_number(token)


def operator_text(text: str) -> str:
    """``text`` with Chinese numerals and English number words as digits and operator words as ASCII
    operators."""
    t = text.replace("÷", "/").replace("×", "*").replace("−", "-").replace("–", "-").replace("**", "^")
    t = _THOUSANDS.sub("", t)
    t = _HAN_SPACE.sub("", t)
    t = re.sub(r"(?:再|然后)(?=加|减|乘|除)", "", t)
    t = _PER_CENT_ZH.sub(lambda m: f"{_zh_number(m.group(1).replace('.', '点'))}%" if not m.group(1)[0].isdigit()
                         else f"{m.group(1)}%", t)
    t = _ZH_NUM_RE.sub(_zh_numeral, t)
    t = _EN_NUMBER_RE.sub(lambda m: _en_number(m.group(0)), t)
    t = _SQRT_ZH.sub(r"\1^0.5", t)
    t = _PERCENT_OF_ZH.sub(lambda m: f"{m.group(1)}*{m.group(2) or m.group(3)}/100", t)
    t = _PERCENT_FIRST_ZH.sub(r"\2*\1/100", t)
    t = _PERCENT_OF_EN.sub(r"\2*\1/100", t)
    t = _percentages(t)
    for pattern, repl in _ZH_OPS_RE:
        t = pattern.sub(repl, t)
    for pattern, repl in _EN_OPS_RE:
        t = pattern.sub(repl, t)
    t = _TIMES_X.sub("*", t)
    # What is left of "…*8%" is a share of the amount (the modulo operator has a number after it).
    return _POSTFIX_PERCENT.sub(r"\1/100", t)


def _balanced(expr: str) -> str:
    """Drop unmatched parentheses and dangling operators at the ends."""
    while expr and expr[-1] in "+-*/^(":
        expr = expr[:-1]
    while expr and expr[0] in "+*/^)%":
        expr = expr[1:]
    depth = 0
    for ch in expr:
        depth += ch == "("
        depth -= ch == ")"
    if depth > 0:
        expr = expr + ")" * depth
    elif depth < 0:
        expr = "(" * -depth + expr
    return expr


# Everyday word problems whose operator is implied: sharing a sum ("split a 96 dollar bill among 4 people",
# "1260元3个人平摊") and a rate over a longer period ("每天存20块，一年能存多少", "$15 a week, how much in a year").
_SHARE_EN = re.compile(
    r"\b(?:split|share|divide)\s+(?:up\s+)?(?:an?\s+|the\s+)?\$?([0-9.]+)(?:[^0-9.,]{0,24}?)\s(?:among|between|across)\s+"
    r"([0-9.]+)", re.I)
_SHARE_ZH = re.compile(r"([0-9.]+)(?:元|块钱?|美元)?[^0-9.，,]{0,6}?([0-9.]+)个?人(?:平分|平摊|分摊|均摊|AA|aa)"
                       r"|([0-9.]+)个?人(?:一起)?(?:平分|平摊|分摊|均摊|AA|aa)[^0-9.]{0,8}?([0-9.]+)")
# A rate kept up for a while: "60 miles an hour for 3.5 hours", "每小时走5公里，走了3小时", "时薪40，干了8小时".
_EN_SPAN = r"(hour|day|week|month|year|minute)"
_RATE_FOR_EN = re.compile(
    r"\$?([0-9.]+)\s*(?:[a-z]+\s+){0,2}?(?:an?|per|each|every)\s+" + _EN_SPAN + r"\b[^0-9.]{0,20}?\b(?:for|over|in)\s+([0-9.]+)\s*"
    r"(hour|day|week|month|year|minute)s?\b", re.I)
_RATE_FOR_ZH = re.compile(
    r"每(?:个)?(小时|天|周|月|年|分钟)[^0-9.，,]{0,6}?([0-9.]+)[^0-9.]{0,10}?([0-9.]+)个?(小时|天|周|月|年|分钟)"
    r"|(?:时薪|日薪)([0-9.]+)[^0-9.]{0,10}?([0-9.]+)个?(小时|天)")
_PERIOD_DAYS = {"天": 1, "日": 1, "周": 7, "星期": 7, "礼拜": 7, "月": 30, "年": 365,
                "day": 1, "week": 7, "month": 30, "year": 365}
_PER_FACTOR = {(1, 7): 7, (1, 30): 30, (1, 365): 365, (7, 365): 52, (30, 365): 12}
_RATE_ZH = re.compile(r"每(?:一)?个?(天|日|周|星期|礼拜|月|年)[^0-9.，,]{0,6}?([0-9.]+)[^，,]{0,8}?[，, ]?[^0-9.]{0,8}?"
                      r"(?:一|1)个?(周|星期|礼拜|月|年)")
# Without 每: "一个月房租3500，一年要交多少" (one period's amount, then a longer period and a question word).
_RATE_ZH_ONE = re.compile(r"(?<![0-9一二两三四五六七八九十])(?:一|1)个?(天|日|周|星期|礼拜|月)[^0-9.，,]{0,6}?([0-9.]+)"
                          r"[^，,]{0,8}?[，, ]?[^0-9.]{0,8}?(?:一|1)个?(周|星期|礼拜|月|年)(?:[^0-9.]|[一1]共){0,10}?(?:多少|几)")
_RATE_EN = re.compile(r"\$?([0-9.]+)[^0-9.]{0,20}?\b(?:a|per|each|every)\s+(day|week|month)\b[^0-9.]{0,30}?"
                      r"\b(?:a|per|in\s+a|in\s+one|over\s+a|for\s+a|one)\s+(week|month|year)\b", re.I)


def _word_problem(t: str) -> str | None:
    """The expression of an everyday word problem in ``t`` (numerals already digits), or None."""
    m = _SHARE_EN.search(t)
    if m:
        return f"{m.group(1)}/{m.group(2)}"
    m = _SHARE_ZH.search(t)
    if m:
        return f"{m.group(1)}/{m.group(2)}" if m.group(1) else f"{m.group(4)}/{m.group(3)}"
    m = _RATE_FOR_EN.search(t)
    if m and m.group(2).lower() == m.group(4).lower():
        return f"{m.group(1)}*{m.group(3)}"
    m = _RATE_FOR_ZH.search(t)
    if m and m.group(1) and m.group(1) == m.group(4):
        return f"{m.group(2)}*{m.group(3)}"
    if m and m.group(5) and m.group(7) == ("小时" if m.group(0).startswith("时") else "天"):
        return f"{m.group(5)}*{m.group(6)}"
    m = _RATE_ZH.search(t) or _RATE_ZH_ONE.search(t)
    if m:
        unit, amount, total = m.group(1), m.group(2), m.group(3)
    else:
        m = _RATE_EN.search(t)
        if not m:
            return None
        amount, unit, total = m.group(1), m.group(2).lower(), m.group(3).lower()
    factor = _PER_FACTOR.get((_PERIOD_DAYS[unit], _PERIOD_DAYS[total]))
    return f"{amount}*{factor}" if factor else None


# "3和5的和", "the product of 12 and 7", "add 5 and 6": the operation named after (or before) both operands.
_OF_BOTH_ZH = re.compile(r"([0-9.]+)\s*(?:和|与|跟)\s*([0-9.]+)\s*的\s*(和|差|积|乘积|商)")
_OF_BOTH_EN = re.compile(r"\b(sum|difference|product|quotient)\s+(?:of|between)\s+([0-9.]+)\s+and\s+([0-9.]+)"
                         r"|\b(add|multiply)\s+([0-9.]+)\s+(?:and|by|with)\s+([0-9.]+)", re.I)
_OPS_ZH = {"和": "+", "差": "-", "积": "*", "乘积": "*", "商": "/"}
_OPS_EN = {"sum": "+", "difference": "-", "product": "*", "quotient": "/", "add": "+", "multiply": "*"}


def _of_both(t: str) -> str:
    t = _OF_BOTH_ZH.sub(lambda m: f"{m.group(1)}{_OPS_ZH[m.group(3)]}{m.group(2)}", t)
    return _OF_BOTH_EN.sub(
        lambda m: f"{m.group(2)}{_OPS_EN[m.group(1).lower()]}{m.group(3)}" if m.group(1)
        else f"{m.group(5)}{_OPS_EN[m.group(4).lower()]}{m.group(6)}", t)


def extract_expression(text: str) -> str | None:
    """The longest arithmetic run in ``text`` that has a number and an operator, normalized; or the
    expression of an everyday word problem (sharing a sum, a rate over a longer period)."""
    t = _of_both(operator_text(text))
    problem = _word_problem(t)
    if problem:
        return problem
    best = ""
    for m in _RUN_RE.finditer(t):
        run = m.group(0).replace(" ", "")
        run = _balanced(run)
        if re.fullmatch(r"\(?[0-9.]+%\)?", run):
            continue  # "超过85%", "over 2%": a level, not a sum
        if not re.search(r"\d", run) or not re.search(r"[0-9)][+\-*/^%(]|[+\-*/^%]\(?[0-9(]", run):
            continue
        if not re.search(r"\d\)?\s*[+\-*/^%]", run):
            continue
        if len(run) > len(best):
            best = run
    return best or None


def looks_like_date_or_id(expr: str) -> bool:
    """``2026-11-25``, ``12/3`` style tokens are dates, not sums."""
    return bool(re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4}|\d{4}/\d{1,2}/\d{1,2}", expr))


# "37*46 和 128/8", "15% of 80 and 3 squared": sums joined by and/和 are asked for one by one.
_COORDINATOR = re.compile(r"\s*(?:和|与|跟|以及|还有|、|;|；|,|，|\band\b|\bplus also\b)\s*", re.IGNORECASE)


def expressions_of(text: str) -> list[str]:
    """The expressions of ``text`` when it coordinates two or more of them, each complete on its own (else [])."""
    pieces = [p for p in _COORDINATOR.split(text) if p.strip()]
    if len(pieces) < 2:
        return []
    found: list[str] = []
    for piece in pieces:
        expr = extract_expression(piece)
        if expr is None or looks_like_date_or_id(expr):
            return []  # a piece that is no sum of its own ("3和5的和", "add 5 and 6"): one calculation
        found.append(expr)
    return found
