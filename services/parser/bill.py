"""A bill read clause by clause (issue 16): items at a unit price summed into a subtotal, then each modifier applied
in the stated order to the running value — N% off, a coupon or amount off, 满X减Y, tax or a service fee added, a tip
on the pre-tax amount, a flat fee added, a split among N, a stated exchange rate — each its own calculator step.

A modifier acts on the value it names: the running value by default and for "the whole lot / all of that / 全部";
one item for "on the boots only / 只有…打折". A clause no pattern reads, or a number no clause places, means the
request is something else: nothing is claimed (reader.read_whole checks every number; qualifiers.py every scope,
order and threshold word).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_N = r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d]|\.\d)"
_CUR = r"[$¥€£]?"
_MONEY = r"\s*(?:dollars?|bucks|yuan|euros?|pounds?|元|块钱?|美元|欧元|英镑|日元)?"
_MW = r"(?:支|个|件|本|张|瓶|包|盒|袋|斤|公斤|千克|块|杯|份|箱|双|条|把|台|只|罐|颗|桶|套|晚|天|位|人)"
_EN_COUNT = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
             "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "a pair of": 2, "a dozen": 12}
_ZH_COUNT = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_COUNT_WORD = r"(a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a\s+couple\s+of|a\s+pair\s+of|a\s+dozen)"


@dataclass
class _Bill:
    terms: list[tuple[str, str, str]] = field(default_factory=list)  # (clause, expression, item words)
    steps: list[tuple[str, str]] = field(default_factory=list)
    used: list[str] = field(default_factory=list)
    heads: str | None = None  # a head count stated for per-person prices ("一共32人")
    party: str | None = None  # who shares the bill ("3 of us share an Airbnb", "我们4个人")

    def value(self) -> str:
        return f"{{i{len(self.steps)}}}"

    def close_subtotal(self) -> bool:
        if self.steps:
            return True
        if not self.terms:
            return False
        self.steps.append(("; ".join(c for c, _, _ in self.terms), "+".join(e for _, e, _ in self.terms)))
        return True


# ------------------------------------------------------------------ items
_ITEM_EACH = re.compile(r"(?<![\d.])(\d+|" + _COUNT_WORD + r")\s+((?:[a-z-]+\s+){0,4}?)(?:at|for|@|costing|priced\s+at)\s+"
                        + _CUR + _N + _MONEY + r"\s*(?:each|apiece|a\s+piece|per\s+\w+|an?\s+\w+|a\s+pop)\b", re.I)
_ITEM_ONE = re.compile(r"\b(?:a|an|one)\s+((?:[a-z-]+\s+){0,4}?)(?:for|at|costing|of)\s+" + _CUR + _N + _MONEY + r"(?!\s*%)"
                       r"(?!\s*(?:each|apiece|a\s+piece|per\b|off\b|coupon|voucher|fee|tax|tip|service))", re.I)
_ITEM_IS = re.compile(r"^\s*(?!how\b|what\b|which\b)(?:the\s+|a\s+|an\s+|my\s+|our\s+)?((?:[a-z-]+\s+){0,4}?)(?:is|are|was|were|costs?|came\s+to|comes\s+to|"
                      r"(?:is|are)\s+(?:listed|priced)\s+at|sells?\s+for)\s+" + _CUR + _N + _MONEY + r"(?:\s+before\s+tax)?\s*$", re.I)
_ZH_EACH = [
    re.compile(r"(?:买了?|购买了?|还买了?|要了?)?\s*(\d+|[一两二三四五六七八九十])\s*" + _MW + r"([\u4e00-\u9fff]{0,6}?)\s*[，,]?\s*(?:每" + _MW
               + r"|各)\s*" + _N + r"\s*(?:元|块|美元|欧元|英镑)"),
    re.compile(r"([\u4e00-\u9fff]{0,6}?)每" + _MW + r"\s*" + _N + r"\s*(?:元|块)?\s*[，,]?\s*(?:买了?|购买了?|要了?)\s*(\d+|[一两二三四五六七八九十])\s*"
               + _MW),
]
_ZH_ONE = re.compile(r"^(?![^\d]*(?:加|减|扣|付|给|找|各|平|分|打|折|退|还|省|赚|亏|多|少|剩|再|又))(?:[\u4e00-\u9fff]{0,8}?)(?:一" + _MW + r")?([\u4e00-\u9fff]{1,8}?)\s*(?:是|卖|要|花了?)?\s*" + _N
                     + r"\s*(?:元|块钱?|美元|欧元|英镑|日元)$")
_PER_HEAD = re.compile(r"([\u4e00-\u9fff]{0,6}?)每人\s*" + _N + r"\s*元|\b" + _CUR + _N + _MONEY
                       + r"\s*(?:per\s+person|a\s+head|per\s+head|each\s+person)", re.I)
_HEADS = re.compile(r"(?:一共|共|总共)?\s*(\d+)\s*(?:个)?人|\b(\d+)\s+(?:people|persons|guests|of\s+us)\b", re.I)

# ------------------------------------------------------------------ modifiers
_PCT_OFF = re.compile(r"" + _N + r"\s*%\s*(?:off|discount)|(?:take|takes|knock|knocks|get|gets|give|gives)\s+" + _N
                      + r"\s*%\s*off|打\s*" + _N + r"\s*折|(?<![\d.])(\d{1,2})\s*折|([一二三四五六七八九]{1,2})\s*折|降价\s*" + _N + r"\s*%"
                      r"|" + _N + r"\s*%\s*(?:[a-z]+\s+)?discount", re.I)
_AMOUNT_OFF = re.compile(_CUR + _N + _MONEY + r"\s*(?:off\b|coupon|voucher)|(?:coupon|voucher)\s+(?:for|of|worth)\s+" + _CUR + _N
                         + r"|(?:立减|减去?|优惠|抵扣?|抵用)\s*" + _N + r"\s*元?|" + _N + r"\s*元?\s*(?:的)?\s*(?:优惠券|代金券|抵用券|券)",
                         re.I)
_THRESHOLD = re.compile(r"满\s*" + _N + r"\s*元?\s*减\s*" + _N + r"|(?:over|above)\s+" + _CUR + _N + r"\s*(?:,\s*)?(?:gets?|get)\s+"
                        + _CUR + _N + r"\s*off", re.I)
_TAX = re.compile(_N + r"\s*%\s*(?:sales\s+|city\s+|vat\s+|service\s+)?(?:tax|vat|service\s+(?:fee|charge))|(?:tax|vat|service\s+"
                  r"(?:fee|charge))\s+(?:of\s+|is\s+|at\s+)?" + _N + r"\s*%|(?:加收?|收|另加|再加|加上)?\s*" + _N
                  + r"\s*%\s*(?:的)?\s*(?:税|服务费|增值税|手续费)|(?:税|服务费|税率)\s*(?:是|为)?\s*" + _N + r"\s*%", re.I)
_TIP_PRE = re.compile(_N + r"\s*%\s*(?:tip|gratuity)[^.?!,，]{0,40}?(?:pre-?tax|before\s+tax|untaxed)|税前[^，,。]{0,10}?" + _N
                      + r"\s*%\s*(?:的)?小费", re.I)
_TIP = re.compile(_N + r"\s*%\s*(?:tip|gratuity)|小费\s*" + _N + r"\s*%|" + _N + r"\s*%\s*(?:的)?小费", re.I)
_FEE = re.compile(r"(?:plus|add|adds|and|with|charge|charges|pay)?\s*(?:a|an)?\s*(?:one-off\s+)?" + _CUR + _N + _MONEY
                  + r"\s*(?:[a-z-]+\s+)?(?:fee|charge|for\s+delivery|for\s+shipping|delivery|shipping|postage)\b"
                  r"|(?:运费|快递费|配送费|包装费|清洁费|手续费|服务费)\s*(?:另加|另付|是|为|要)?\s*" + _N + r"\s*(?:元|美元|欧元)?", re.I)
_SPLIT = re.compile(r"(?:split|shared?|divided)\s+(?:it\s+|that\s+|the\s+\w+\s+)?(?:evenly\s+|equally\s+)?(?:among|between|by)\s+(\d+)"
                    r"|(\d+)\s*(?:个)?人\s*(?:平分|平摊|分摊|均摊|AA)|\bamong\s+(\d+)\s+(?:people|friends|of\s+us)", re.I)
_SPLIT_WORDS = re.compile(r"\b(two|three|four|five|six|seven|eight|nine|ten)\s+(?:of\s+us|people|friends)\b|"
                          r"(两|三|四|五|六|七|八|九|十)\s*(?:个)?人", re.I)
_PARTY = re.compile(r"^\s*(?:the\s+)?(\d+)\s+of\s+us\b|^\s*我们\s*(\d+)\s*个?人", re.I)
_OPERATION = re.compile(r"\b(?:bonus|discount|off|tax|vat|fee|tip|extra|free|plus|minus|add|adds|added|subtract|deduct|"
                        r"refund|cashback|charge[sd]?|coupon|voucher|half|double|twice|split|share|sale|rebate|less)\b|"
                        r"加|减|扣|送|返|折|税|费|半|倍|平分|平摊|另|免|优惠|券", re.I)
_SEQUENCE = re.compile(r"减完|打完折?|折后|之后|以后|然后|\bafter\s+that\b|\bafterwards\b", re.I)
_SPLIT_VERB = re.compile(r"平分|平摊|均摊|分摊|\bAA\b|AA|\bsplit\b|\bshare\b|\bdivide", re.I)
_EACH_ASK = re.compile(r"each\s+(?:person|of\s+us)|per\s+person|\beach\b[^.?]{0,10}\?|每人|每个人|平摊|平分|AA", re.I)
_RATE = re.compile(r"(?<![\d.])1\s*([A-Za-z\u4e00-\u9fff]{1,6}?)\s*(?:=|is|等于|兑|换)\s*" + _N + r"\s*([A-Za-z\u4e00-\u9fff]{1,8})", re.I)
_ASK = re.compile(r"\bwhat\b|\bhow\b|多少|几|final|total\??$|最后|实付|一共", re.I)


def _count(word: str) -> str | None:
    w = re.sub(r"\s+", " ", word.lower())
    if w.isdigit():
        return w
    if w in _EN_COUNT:
        return str(_EN_COUNT[w])
    return str(_ZH_COUNT[w]) if w in _ZH_COUNT else None


def _g(m: re.Match[str]) -> str:
    return next(g for g in m.groups() if g)


def _clauses(t: str) -> list[str]:
    parts = [p.strip() for p in re.split(r"[,，。;；:：?？!！]|\.(?=\s|$)|\s+then\s+|\band\s+then\b|(?<=[\u4e00-\u9fff])(?=再|然后)", t)]
    return [p for p in parts if p]


def read_bill(t: str) -> tuple[list[tuple[str, str]], list[str]] | None:
    """The steps (text, calculator expression with ``{iN}``) and the numbers placed, or None when a clause of
    ``t`` is none of the bill's."""
    bill = _Bill()
    rate = _RATE.search(t)
    body = t[: rate.start()] + " " * (rate.end() - rate.start()) + t[rate.end():] if rate else t
    for clause in _clauses(body):
        if not clause.strip():
            continue
        words = _SPLIT_WORDS.search(clause)
        if words and _SPLIT_VERB.search(clause) and not re.search(r"\d", clause):
            n = _count(words.group(1) or words.group(2) or "")
            if n is None or not bill.close_subtotal():
                return None
            bill.steps.append((clause, f"{bill.value()}/{n}"))  # "四个人平分": the split falls here, in order
            continue
        if not _read_clause(clause, bill):
            if _ASK.search(clause) and not re.search(r"\d", clause):
                continue  # the question: "What do I pay", "实付多少"
            said = _SEQUENCE.sub(" ", clause)
            if re.search(r"\d", clause) or (_OPERATION.search(said) and not _SPLIT_WORDS.search(clause)):
                return None  # "then the shop throws in a mystery bonus": an operation no step reads
            continue  # no quantity and no operation ("Grocery run", "At the deli"), or a party read below  # a clause with no quantity ("I get it as a member") changes nothing
    if bill.heads is not None and not bill.steps:
        return None
    if not bill.steps and not bill.close_subtotal():
        return None
    words = _SPLIT_WORDS.search(t)
    split = any(re.fullmatch(r"\{i\d+\}/\d+", e) for _, e in bill.steps[1:])
    if bill.party and _EACH_ASK.search(t) and not split:
        bill.steps.append((f"{bill.party} of us", f"{bill.value()}/{bill.party}"))
        bill.used.append(bill.party)
    elif words and _EACH_ASK.search(t) and not split:
        n = _count(words.group(1) or words.group(2) or "")
        if n:
            bill.steps.append((words.group(0), f"{bill.value()}/{n}"))
    if rate:
        asked = t[rate.end():]
        factor, other = rate.group(2), rate.group(3)
        if any(re.search(r"\d\s*-?\s*(?:" + _currency_alias(other) + r")", text) for text, _ in bill.steps[1:]):
            return None  # an amount already in the target currency: where the conversion falls is not read
        if re.search(re.escape(other[:2]) + r"|" + _currency_alias(other), asked[-30:], re.I):
            bill.steps.append((rate.group(0), f"{bill.value()}*{factor}"))
            bill.used += ["1", factor]
        else:
            return None
    if _EACH_ASK.search(t) and not any(re.fullmatch(r"\{i\d+\}/\d+", e) for _, e in bill.steps[1:]):
        return None  # each one's share is asked and no split is stated: the total is no answer
    if len(bill.steps) < 2:
        return None  # one sum is the item reader's to read
    return _fold_first(bill.steps), bill.used


def _fold_first(steps: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A subtotal that is one stated amount is no step of its own: "The sofa is 900. They take 10% off" is
    900*(100-10)/100, not 900 = 900 first."""
    if not re.fullmatch(r"\d+(?:\.\d+)?", steps[0][1]):
        return steps
    first, rest = steps[0], steps[1:]
    out = [(f"{first[0]}; {rest[0][0]}", rest[0][1].replace("{i1}", first[1]))]
    for text, expr in rest[1:]:
        out.append((text, re.sub(r"\{i(\d+)\}", lambda m: f"{{i{int(m.group(1)) - 1}}}", expr)))
    return out


def _currency_alias(word: str) -> str:
    w = word.lower()
    if w in ("usd", "dollar", "dollars", "美元"):
        return r"dollars?|美元|usd"
    if w in ("cny", "rmb", "元", "人民币", "元人民币", "yuan"):
        return r"人民币|yuan|rmb|cny|元"
    if w in ("eur", "euro", "euros", "欧元"):
        return r"euros?|欧元|eur"
    if w in ("gbp", "pound", "pounds", "英镑"):
        return r"pounds?|英镑|gbp"
    return re.escape(w)


def _read_clause(clause: str, bill: _Bill) -> bool:
    c = clause.strip()
    got = False
    # items: several in one clause ("2 bottles of oil at 56.50 each and a tray of eggs for 18.80")
    spans: list[tuple[int, int]] = []
    for m in _ITEM_EACH.finditer(c):
        n = _count(m.group(1))
        if n is None:
            return False
        bill.terms.append((m.group(0), f"{n}*{m.group(4)}", m.group(3)))
        bill.used += ([n] if m.group(1).isdigit() else []) + [m.group(4)]
        spans.append(m.span())
    for m in _ITEM_ONE.finditer(c):
        if any(a <= m.start() < b for a, b in spans):
            continue
        bill.terms.append((m.group(0), m.group(2), m.group(1)))
        bill.used.append(m.group(2))
        spans.append(m.span())
    for k, pattern in enumerate(_ZH_EACH):
        for m in pattern.finditer(c):
            if any(a <= m.start() < b for a, b in spans):
                continue
            count, price, words = (m.group(1), m.group(3), m.group(2)) if k == 0 else (m.group(3), m.group(2), m.group(1))
            n = _count(count)
            if n is None:
                return False
            bill.terms.append((m.group(0), f"{n}*{price}", words))
            bill.used += ([n] if count.isdigit() else []) + [price]
            spans.append(m.span())
    for m in _PER_HEAD.finditer(c):
        price = m.group(2) or m.group(3)
        bill.terms.append((m.group(0), f"{{heads}}*{price}", m.group(1) or ""))
        bill.used.append(price)
        spans.append(m.span())
    if spans:
        rest = c
        for a, b in sorted(spans, reverse=True):
            rest = rest[:a] + " " * (b - a) + rest[b:]
        if re.search(r"\d", rest):
            return False
        return True
    party = _PARTY.match(c)
    if party and bill.party is None and not re.search(r"\d", c[party.end():]):
        bill.party = party.group(1) or party.group(2)
        return True
    heads = _HEADS.search(c)
    if heads and any("{heads}" in e for _, e, _ in bill.terms) and not re.search(r"\d", c[: heads.start()] + c[heads.end():]):
        n = heads.group(1) or heads.group(2)
        bill.terms = [(x, e.replace("{heads}", n), w) for x, e, w in bill.terms]
        bill.used.append(n)
        bill.heads = n
        return True
    if not bill.steps and (not bill.terms or _ZH_ONE.search(c)):
        one = _ITEM_IS.search(c) if not bill.terms else None
        one = one or _ZH_ONE.search(c)
        if one:
            bill.terms.append((c, one.group(2), one.group(1)))
            bill.used.append(one.group(2))
            return True
    if any("{heads}" in e for _, e, _ in bill.terms):
        return False  # a per-person price with no head count stated yet
    # modifiers on the running value (or on one item: "on the boots only")
    for pattern, kind in ((_THRESHOLD, "threshold"), (_TIP_PRE, "tip_pre"), (_PCT_OFF, "pct_off"), (_AMOUNT_OFF, "off"),
                          (_TAX, "tax"), (_TIP, "tip"), (_FEE, "fee"), (_SPLIT, "split")):
        m = pattern.search(c)
        if not m:
            continue
        rest = c[: m.start()] + c[m.end():]
        if re.search(r"(?<![\d.])\d", rest):
            return False  # two quantities in one clause: not read here
        if kind == "tax" and _INCLUDED.search(c):
            return False  # a tax the price already holds is taken out, not added
        if kind != "split" and _only_item(c, bill):
            return _apply_to_item(c, m, kind, bill)
        if not bill.close_subtotal():
            return False
        v = bill.value()
        if kind == "threshold":
            x, y = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            bill.steps.append((m.group(0), f"{v}-{y}*min(1,floor({v}/{x}))"))
            bill.used += [x, y]
        elif kind == "pct_off":
            word = _g(m)
            factor = _discount(word, m.group(0))
            if factor is None:
                return False
            bill.steps.append((c, f"{v}*{factor}"))
            if word[0].isdigit():
                bill.used.append(word)
        elif kind == "off":
            amount = _g(m)
            bill.steps.append((c, f"{v}-{amount}"))
            bill.used.append(amount)
        elif kind in ("tax", "tip"):
            p = _g(m)
            bill.steps.append((c, f"{v}*(1+{p}/100)"))
            bill.used.append(p)
        elif kind == "tip_pre":
            p = _g(m)
            pre = f"{{i{len(bill.steps) - 1}}}" if len(bill.steps) > 1 else bill.steps[0][1]
            if len(bill.steps) < 2:
                return False  # a tip on the pre-tax amount needs the tax step before it
            bill.steps.append((c, f"{v}+{pre}*{p}/100"))
            bill.used.append(p)
        elif kind == "fee":
            amount = _g(m)
            bill.steps.append((c, f"{v}+{amount}"))
            bill.used.append(amount)
        elif kind == "split":
            n = _g(m)
            bill.steps.append((c, f"{v}/{n}"))
            bill.used.append(n)
        got = True
        break
    return got


def _discount(word: str, said: str) -> str | None:
    if "%" in said:
        return f"(100-{word})/100"
    if word.isdigit():
        return f"{word}/10" if len(word) == 1 else f"{word}/100"
    digits = [_ZH_COUNT.get(ch) for ch in word]
    if any(d is None or d > 9 for d in digits):
        return None
    return f"{digits[0]}/10" if len(digits) == 1 else f"{digits[0]}{digits[1]}/100"


_INCLUDED = re.compile(r"\binclud(?:ed|ing|es)\b|\binclusive\b|含税|含\s*\d|包含|已含", re.I)
_ONLY = re.compile(r"\bonly\b|\bjust\b|只有?|仅", re.I)


def _only_item(clause: str, bill: _Bill) -> bool:
    return bool(_ONLY.search(clause)) and bool(bill.terms) and not bill.steps


def _apply_to_item(clause: str, m: re.Match[str], kind: str, bill: _Bill) -> bool:
    """A modifier on one named item ("the 20% sale is on the boots only"): that item's term changes in the subtotal."""
    if kind != "pct_off":
        return False
    hits = [k for k, (_, _, words) in enumerate(bill.terms)
            if words.strip() and any(w.rstrip("s").lower() in clause.lower() for w in words.split() if len(w) > 2)]
    if len(hits) != 1:
        return False
    word = _g(m)
    factor = _discount(word, m.group(0))
    if factor is None:
        return False
    text, expr, words = bill.terms[hits[0]]
    bill.terms[hits[0]] = (text + "; " + clause, f"({expr})*{factor}", words)
    if word[0].isdigit():
        bill.used.append(word)
    return True
