"""What a knowledge-base question asks, and the spans of a passage that could answer it (pure).

An extract is only as good as the units it chooses from. A document's paragraph is wrapped over several
lines, a table row means nothing without its header, a list item often needs its lead-in line, and a
paragraph under a bold label ("**SEV2 – major.** ... A postmortem is due within 5 business days.") states
its facts for that label only. :func:`passage_spans` cuts a passage into such units:

- sentences of a paragraph, its wrapped lines joined first, each carrying the paragraph's lead label;
- table rows, rendered with their header (``Battery — OrbitCam X2: 5,200 mAh; OrbitCam X2 Pro: 6,400
  mAh``) and narrowed to one column when the question names that column (:func:`render_row`);
- list items, carrying the line that introduces the list.

:func:`analyze` reads what a question asks: the kind of value that answers it (a duration for "how
long"/多久, an amount of money for "how much does it cost"/售价, a host or code for "which host"/哪台,
...) and its *qualifiers*, the codes and numbers that single out one case among similar ones (``SEV2``,
``db-prod-10``, ``40 周岁``, firmware ``3.2.4``). :func:`has_value` says whether a text holds a value of
a kind.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field

# ------------------------------------------------------------------ spans


@dataclass
class Span:
    """One candidate answer: ``text`` is what the user is shown, ``context`` what it is about (lead label,
    list lead-in, table header), matched with the question beside the text."""

    text: str
    context: str = ""
    kind: str = "sentence"  # sentence | row | item
    cells: list[tuple[str, str]] = field(default_factory=list)  # a table row: (column header, cell)
    label: str = ""  # a table row's first cell when the header leaves it unnamed (the row's name)


_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_ITEM = re.compile(r"^\s*(?:[-*•·+]|\d{1,2}[.)、]|[（(]?[一二三四五六七八九十]{1,3}[)）、.])\s+|^\s*[（(][一二三四五六七八九十\d]{1,3}[)）]\s*")
_LEAD_BOLD = re.compile(r"^\s*\*\*(.{2,60}?)\*\*\s*[:：.。]?\s*")
_LEAD_KEY = re.compile(r"^\s*([^\s:：。.!?！？,，][^:：。!?！？\n]{0,28}?)\s*[:：]\s*(?=\S)")
_SENT_END = re.compile(r"(?<=[。！？!?])\s*|(?<=[.])\s+(?=[\"'“‘(\[A-Z0-9\u4e00-\u9fff`*])")
_CLAUSE = re.compile(r"(?<=[；;，,：:])\s*")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
_MAX_SPAN = 240


def _cjk(text: str) -> bool:
    return bool(re.search(r"[\u3400-\u9fff]", text))


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("**", "").replace("`", "")).strip().strip("|").strip()


def join_lines(lines: list[str]) -> str:
    """A paragraph wrapped over lines as one line: no space where Chinese meets Chinese."""
    out = ""
    for line in (x.strip() for x in lines):
        if not line:
            continue
        if out and not (_CJK.search(out[-1]) and _CJK.search(line[0])):
            out += " "
        out += line
    return out


SHORT_LINE = 40
"""A line narrower than this (in columns: a Chinese character is two) ends where it ends unless it stops at
a comma ("Hotline: 400-600-7788" over "Hours: 9:00-18:00" in a plain text file); a wider one that stops
mid-sentence is a wrapped line, and the next continues it."""


def logical_lines(lines: list[str]) -> list[str]:
    """A block's lines with wrapped ones joined: a line continues the one before unless that one is short
    (:data:`SHORT_LINE`) or ends a sentence."""
    out: list[str] = []
    for line in (x.strip() for x in lines):
        if not line:
            continue
        prev = out[-1] if out else ""
        width = len(prev) + len(re.findall(r"[\u3400-\u9fff]", prev))  # a Chinese character is two columns
        wrapped = prev.endswith(("，", ",", "、", "；", ";")) or (
            width >= SHORT_LINE and not prev.endswith(("。", "！", "？", "!", "?", ".", ":", "：")))
        if prev and wrapped:
            out[-1] = join_lines([prev, line])
        else:
            out.append(line)
    return out


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def cut_at_clauses(sentence: str, max_chars: int, clause: re.Pattern[str] = _CLAUSE) -> list[str]:
    """``sentence`` whole when it is at most ``max_chars`` long, else cut at ``clause`` marks into pieces of at most
    about that size."""
    if len(sentence) <= max_chars:
        return [sentence]
    out: list[str] = []
    piece = ""
    for part in clause.split(sentence):
        if piece and len(piece) + len(part) > max_chars:
            out.append(piece.strip())
            piece = ""
        piece += part
    if piece.strip():
        out.append(piece.strip())
    return out


def _sentences(text: str, max_chars: int = _MAX_SPAN) -> list[str]:
    """A paragraph's sentences; a sentence longer than ``max_chars`` cut at clause marks."""
    out: list[str] = []
    for s in (x.strip() for x in _SENT_END.split(text)):
        if len(s) >= 2 and re.search(r"[^\W_]", s):
            out.extend(cut_at_clauses(s, max_chars))
    return out


def _line_kind(line: str) -> str:
    s = line.strip()
    if s.startswith("|"):
        return "table"
    if s.startswith("#"):
        return "head"
    return "item" if _ITEM.match(line) else "text"


def _blocks(text: str) -> list[list[str]]:
    """Lines grouped into blocks: a paragraph (its wrapped lines), a table, a list item (with its wrapped
    lines) or a heading. A blank line ends any block."""
    blocks: list[list[str]] = []
    cur: list[str] = []
    cur_kind = ""
    for line in text.splitlines():
        if not line.strip():
            if cur:
                blocks.append(cur)
            cur, cur_kind = [], ""
            continue
        k = _line_kind(line)
        continues = cur and ((k == "table" and cur_kind == "table") or (k == "text" and cur_kind in ("text", "item")))
        if not continues:
            if cur:
                blocks.append(cur)
            cur, cur_kind = [], k
        cur.append(line)
    if cur:
        blocks.append(cur)
    return blocks


def passage_spans(text: str) -> list[Span]:
    """The candidate answers of a passage, in order (see the module's docstring)."""
    spans: list[Span] = []
    lead_in = ""  # the line before a list, when it introduces it ("... are:")
    for block in _blocks(text):
        first = block[0].strip()
        if first.startswith("#"):
            continue  # a Markdown heading: context of what is under it, never an answer
        if first.startswith("|"):
            spans.extend(_table_spans(block))
            lead_in = ""
            continue
        if _ITEM.match(block[0]):
            body = _clean(join_lines([_ITEM.sub("", block[0], count=1)] + block[1:]))
            if body and re.search(r"[^\W_]", body):
                m = _LEAD_KEY.match(body)
                label = m.group(1) if m else ""
                # an item is one unit ("E102: the router only ... Enable 2.4 GHz ..."), cut only when long
                for s in (_sentences(body) if len(body) > _MAX_SPAN else [body]):
                    spans.append(Span(s, context=" ".join(x for x in (lead_in, label) if x), kind="item"))
            continue
        lines = logical_lines(block)
        para = join_lines(lines)
        bold = _LEAD_BOLD.match(para)
        label = _clean(bold.group(1)).rstrip(".。:：") if bold else ""
        para = _clean(para)
        sentences = [s for line in lines for s in _sentences(_clean(line))]
        for i, s in enumerate(sentences):
            if label and i == 0 and _clean(s).rstrip(".。:：") == label:
                continue  # the label alone says nothing; it is every following sentence's context
            shown = s
            if label and i > 0 and label not in s:
                shown = f"{label}: {s}"
            spans.append(Span(shown, context=label))
        lead_in = para if para.endswith((":", "：")) and len(para) <= 200 else ""
    return spans


def _table_spans(lines: list[str]) -> list[Span]:
    rows = [ln for ln in lines if ln.strip().startswith("|")]
    header: list[str] = []
    if len(rows) >= 2 and _TABLE_SEP.match(rows[1]):
        header = [_clean(c) for c in _cells(rows[0])]
        rows = rows[2:]
    out: list[Span] = []
    for row in rows:
        if _TABLE_SEP.match(row):
            continue
        cells = [_clean(c) for c in _cells(row)]
        if not any(re.search(r"[^\W_]", c) for c in cells):
            continue
        if header and len(header) == len(cells):
            if not header[0]:  # a row-label column: the first cell names the row
                pairs = list(zip(header[1:], cells[1:], strict=True))
                label = cells[0]
            else:
                pairs = list(zip(header, cells, strict=True))
                label = ""
            span = Span("", context=" ".join(h for h in header if h), kind="row", cells=pairs, label=label)
            span.text = render_row(span)
            out.append(span)
        else:
            out.append(Span(" | ".join(c for c in cells if c), kind="row"))
    return out


def render_row(span: Span, columns: list[int] | None = None) -> str:
    """A table row as a line that reads alone: ``label — header: cell; header: cell`` (only ``columns``
    when given)."""
    pairs = [p for i, p in enumerate(span.cells) if columns is None or i in columns]
    if span.label:
        if len(pairs) == 1:
            return f"{span.label}（{pairs[0][0]}）：{pairs[0][1]}" if _cjk(span.label + pairs[0][0]) else \
                f"{span.label} ({pairs[0][0]}): {pairs[0][1]}"
        return f"{span.label} — " + "; ".join(f"{h}: {c}" for h, c in pairs if c)
    return "; ".join(f"{h}: {c}" if h else c for h, c in pairs if c)


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _words(text: str) -> set[str]:
    low = _norm(text)
    out = set(re.findall(r"[a-z0-9][a-z0-9._-]*[a-z0-9]|[a-z0-9]", low))
    for run in re.findall(r"[\u3400-\u9fff]+", low):
        out.update(run[i : i + 2] for i in range(max(1, len(run) - 1)))
    return out


def column_for(question: str, span: Span, translated: Collection[str] = ()) -> int | None:
    """The value column of a table row that the question names (None: it names none, or several alike).

    A column is named when every word of its header is in the question; of several, the one with the
    most words (``OrbitCam X2 Pro`` over ``OrbitCam X2`` when the question says Pro). Across languages,
    ``translated`` holds the question's names in the other script (the tenant's glossary: "Nanpo" -> 南坡): a
    header holding one of them is named by it."""
    if span.kind != "row" or len(span.cells) < 2:
        return None
    # without a row-label column the first cell names the row ("雪具: 双板套装"); the values come after it
    first = 0 if span.label else 1
    if not span.label and (len(span.cells) < 3 or not re.search(r"[^\W\d_]", span.cells[0][1])):
        return None
    q = _words(question)
    best, best_n, tie = None, 0, False
    name = set() if span.label else _words(span.cells[0][1])
    for i, (head, _) in enumerate(span.cells[first:], start=first):
        w = _words(head)
        if w <= name:
            continue  # the row's name says the header's words ("Fixed Desk" under "Desk"): no column named
        if w and translated and not w <= q:
            w = w & set(translated)  # the header's words the question says in the other language
            if not w:
                continue
        elif not w or not w <= q:
            continue
        if len(w) > best_n:
            best, best_n, tie = i, len(w), False
        elif len(w) == best_n:
            tie = True
    return None if tie else best


# ------------------------------------------------------------------ what a question asks

# value kinds: duration, money, percent, clock, count (any number), code
_ASKS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("percent", re.compile(r"\bwhat (?:percentage|percent|share|proportion)\b|\bhow many percent\b|百分之几|百分比|"
                           r"比例是|几成|多少%|什么比例|按多少比例|发放比例|多少比例", re.I)),
    ("clock", re.compile(r"\bwhat time\b|\bat what time\b|\bfrom what time\b|几点|什么时间点|几时", re.I)),
    ("money", re.compile(r"\bhow much (?:money|does\b.*\bcost|is the (?:fee|price|cost|allowance|budget|bonus|"
                         r"subsidy|reimbursement|deposit|limit))|\bwhat (?:is|'s) the (?:\w+ )?(?:price|cost|fee|"
                         r"budget|bonus|allowance|subsidy|salary|fine)\b|\bhow much\b.*\b(?:price|cost|fee|budget|"
                         r"bonus|allowance|subsidy|reimburse\w*|claim|spend|pay|paid|charge\w*|limit)\b|"
                         r"\bprice of\b|\bcost of\b|多少钱|价格|售价|价钱|费用是多少|预算(?:标准)?是多少|奖金是多少|"
                         r"补贴(?:是)?多少|补助(?:是)?多少|报销(?:标准|上限)|多少元|金额|餐补(?:是)?多少|"
                         r"限额|上限是多少|(?:费|价|租金|押金|定金|罚款)(?:是|要|为)?多少", re.I)),
    ("duration", re.compile(r"\bhow long\b|\bhow many (?:\w+ )?(?:seconds|minutes|hours|days|weeks|months|years)\b|"
                            r"\bwithin how many\b|\bhow soon\b|\bhow often\b|\bafter how long\b|多久|多长时间|多长的|"
                            r"几天|几个?小时|几分钟|几周|几个?月|几年|几个工作日|多少天|多少小时|多少分钟|多少个?工作日|"
                            r"多少年|期限|有效期|保修期|多少周", re.I)),
    ("code", re.compile(r"\bwhich (?:host|server|machine|database|queue|channel|ip|address|gateway|node|"
                        r"version|model|code|cluster|vulnerability|cve)\b|\bwhat is the (?:ip|address|host ?name|"
                        r"hostname|model number|queue|channel)\b|\bip address\b|\bhost ?name\b|哪台|哪个主机|"
                        r"哪台主机|主机名|ip(?:地址)?是|地址是多少|哪个(?:队列|频道|版本|型号|漏洞)|型号是|编号是|哪个安全漏洞|"
                        r"什么漏洞", re.I)),
    ("rating", re.compile(r"\b(?:rating|grade|certification|standard)\b|\bwhat (?:class|grade)\b|等级|级别|评级|"
                          r"防护|认证|标准是", re.I)),
    ("count", re.compile(r"\bhow (?:many|much|heavy|big|large|far|tall|wide|high|fast|loud|bright|old)\b|"
                         r"\b(?:which|what) port\b|哪个端口|端口号?是|\bwhat is the (?:\w+ )?(?:capacity|size|length|limit|minimum|"
                         r"maximum|number|rating|range|resolution|weight|temperature|score|level|threshold)\b|"
                         r"\b(?:minimum|maximum|largest|smallest|max|min)\b.*\b(?:length|size|capacity|number|"
                         r"level|card|age|amount)\b|多少|几次|几个|几名|几人|几级|几位|多大|多重|多高|多远|"
                         r"容量|等级是|上限|下限|最少|最多|最低|最高", re.I)),
)

# a number with a unit of each kind (NFKC-normalised, lower-cased text)
_NUM = r"(?:\d+(?:[.,]\d+)*|[零〇一二两三四五六七八九十百千万半]+)"
_DURATION = re.compile(_NUM + r"\s*(?:-|to|至|到|~)?\s*(?:" + _NUM + r")?\s*(?:个)?\s*(?:business |working |calendar )?"
                       r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|h\b|days?|weeks?|months?|years?|秒|分钟|小时|"
                       r"天|日|周|星期|月|年|工作日|个工作日)", re.I)
_MONEY = re.compile(r"(?:[$¥€£]|usd|cny|rmb|eur)\s*" + _NUM + r"|" + _NUM + r"\s*(?:元|块|万元|美元|欧元|yuan|"
                    r"cny|rmb|usd|eur|dollars?|euros?)", re.I)
_PERCENT = re.compile(_NUM + r"\s*(?:%|％|percent|per cent)|百分之" + _NUM + r"|" + _NUM + r"\s*成", re.I)
_CLOCK = re.compile(r"\b\d{1,2}[:：]\d{2}\b|" + _NUM + r"\s*点|\b\d{1,2}\s*(?:am|pm|a\.m\.|p\.m\.)", re.I)
# a number standing alone (not the digit of a name like S1 or X2, nor an address or version like 10.4.0.2):
# digits, a Chinese numeral of two
# characters or with a measure word after it, an English number word
_ANY_NUMBER = re.compile(r"(?<![a-z0-9_.-])(?!\d+\.\d+\.\d)\d+(?:[.,]\d+)*(?![a-z]*\d)|[零〇一二两三四五六七八九十百千万半]{2,}|"
                         r"[一二两三四五六七八九十百千万半](?=\s*(?:个|次|天|日|年|月|周|小时|分钟|秒|元|人|名|岁|级|倍|成|项|台|条))|"
                         r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
                         r"forty|fifty|sixty|hundred|once|twice)\b", re.I)
_DATE = re.compile(r"\b(?:19|20)\d{2}(?:[-/.]\d{1,2}(?:[-/.]\d{1,2})?|\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?)?)|"
                   r"\d{1,2}\s*月\s*\d{1,2}\s*[日号]")
# words that give a bare number its kind when its label or header says them ("Price (CNY)", "时长（小时）")
_KIND_WORDS = {
    "duration": re.compile(r"seconds?|minutes?|hours?|days?|weeks?|months?|years?|秒|分钟|小时|天|周|月|年|时长|期限", re.I),
    "money": re.compile(r"price|cost|fee|cny|rmb|usd|eur|yuan|dollar|[$¥€£]|元|价|费", re.I),
    "percent": re.compile(r"%|percent|百分|比例", re.I),
}
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-./:@]*[A-Za-z0-9]")


def codes(text: str) -> set[str]:
    """Identifiers: tokens that mix letters with digits or are joined by - _ . / : @ with letters in them
    (``db-prod-10``, ``E401``, ``SEV2``, ``v3.2.4``), and dotted version numbers (``3.2.4``), lower-cased."""
    out: set[str] = set()
    for m in _CODE.finditer(unicodedata.normalize("NFKC", text)):
        tok = m.group().rstrip(".:")
        has_digit = any(ch.isdigit() for ch in tok)
        has_alpha = any(ch.isalpha() for ch in tok)
        joined = any(ch in "-_./:@" for ch in tok)
        version = re.fullmatch(r"\d+\.\d+\.\d+(?:\.\d+)*", tok) is not None
        # a hyphenated word (on-call, wire-free) is no identifier; a dotted host name is (grafana.acme.example)
        dotted = tok.count(".") >= 2 and has_alpha
        if (has_digit and has_alpha and len(tok) >= 2) or (joined and has_digit and len(tok) > 3) or dotted or version:
            out.add(tok.lower())
    return out


def has_value(text: str, kind: str, exclude: Collection[str] = ()) -> bool:
    """Whether ``text`` states a value of ``kind`` (``count``: a number; ``rating``: a number or an identifier
    such as ``IP67``; ``code``: an identifier). Identifiers in ``exclude`` (the question's own) are no answer."""
    t = _norm(text)
    if kind == "duration":
        return bool(_DURATION.search(t))
    if kind == "money":
        return bool(_MONEY.search(t))
    if kind == "percent":
        return bool(_PERCENT.search(t))
    if kind == "clock":
        return bool(_CLOCK.search(t))
    new_codes = {c for c in codes(text) if c not in exclude}
    if kind == "code":
        return bool(new_codes)
    if kind in ("count", "rating"):
        # a date or a year is no count ("2026 年 6 月版" answers no "how many")
        if _ANY_NUMBER.search(_DATE.sub(" ", t)):
            return True
        # a rating may be a code (IP67, Class B2)
        return kind == "rating" and any(re.search(r"\d", c) and not _DATE.fullmatch(c) for c in new_codes)
    return True


@dataclass
class Asked:
    """What a question asks: the kind of value that answers it (None: any) and its qualifiers."""

    kind: str | None
    codes: set[str] = field(default_factory=set)
    numbers: set[str] = field(default_factory=set)
    labels: set[str] = field(default_factory=set)  # hyphenated names and acronyms (P-B, RTO): softer qualifiers


_QUANTITY_WORDS = re.compile(r"\bhow (?:many|much|long)\b|\bwithin how\b|多少|多久|多长|几(?:个|次|天|年|月|周|人|名|位|项|台|条|"
                             r"分钟|小时|点|号)", re.I)


def decisive(question: str, kind: str | None) -> bool:
    """Whether a span without a value of ``kind`` surely does not answer ``question``: a duration, an amount
    of money, a percentage or a clock time always comes as one; a count only when the question asks how
    many or how much in so many words (最高/最低 may ask for a name: "最高审批人是谁"); a code or a rating
    may be a word ("四星级", "the Shanghai file server")."""
    if kind in ("duration", "money", "percent", "clock"):
        return True
    return kind == "count" and bool(_QUANTITY_WORDS.search(question))


def analyze(question: str) -> Asked:
    """The kind of value ``question`` asks for and its qualifiers (codes and numbers it names)."""
    kind = next((k for k, pat in _ASKS if pat.search(question)), None)
    found = codes(question)
    plain = re.sub(r"(?<=\d),(?=\d{3}\b)", "", unicodedata.normalize("NFKC", question))
    nums = {m for m in re.findall(r"(?<![\w.-])\d+(?:\.\d+)?(?![\w.-])", plain)}
    # a capitalised hyphenated name (P-B, NW-Core) or an acronym (RTO beside RPO) names one case of several
    labels = {m.lower() for m in re.findall(r"(?<![\w-])(?:[A-Z][A-Za-z]*-[A-Za-z][A-Za-z-]*|[A-Z]{2,6})(?![\w-])",
                                            question)} - found
    return Asked(kind=kind, codes=found, numbers=nums, labels=labels)


def value_score(text: str, kind: str | None, *, context: str = "", exclude: Collection[str] = ()) -> float:
    """How surely ``text`` holds a value of the asked ``kind``: 1 when it does; 0.7 when it holds a number
    and its ``context`` (label, table header) names the kind ("Price (CNY)"); 0.4 when it holds only some
    number where a quantity is asked; else 0 (and 0 when nothing particular is asked)."""
    if kind is None:
        return 0.0
    if has_value(text, kind, exclude):
        return 1.0
    if kind in ("duration", "money", "percent", "clock") and has_value(text, "count", exclude):
        words = _KIND_WORDS.get(kind)
        # a number with a unit of another kind ("15 minutes" under the heading "Idle fee") is that kind's
        # value, whatever its label says; only a bare number takes its kind from the label or header
        other = any(has_value(text, k, exclude) for k in ("duration", "money", "percent") if k != kind)
        return 0.7 if words is not None and words.search(context) and not other else 0.4
    return 0.0


FIRM_VALUE = 0.7
"""A span with a :func:`value_score` at least this states the asked value."""


def mentions(text: str, token: str) -> bool:
    """Whether ``text`` names ``token`` (a code or number) as a whole token, case-insensitively."""
    t = _norm(text).replace("`", "")
    return re.search(r"(?<![a-z0-9])" + re.escape(token.lower()) + r"(?![a-z0-9]|\.\d)", t) is not None
