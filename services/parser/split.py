"""Cutting a request into clauses: quotes and payloads masked, then punctuation and conjunctions.

Quoted text (“…”, "…", 「…」, 『…』, 《…》) and the payload after a colon ("翻译成英文：…",
"summarize this: …") are content, never instructions: they are replaced by placeholders before
any rule looks at the text, so "把“今天天气很好”翻译成英文" stays one translation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .classify import SUMMARIZE, TRANSLATE
from .entities import SOURCE_ONLY

_QUOTE_PAIRS = {"“": "”", '"': '"', "「": "」", "『": "』", "《": "》"}
_PH_OPEN, _PH_CLOSE, _PH_BASE = "\ue000", "\ue001", 0xE100
_PH_RE = re.compile(f"{_PH_OPEN}(.){_PH_CLOSE}")
_PAYLOAD_CUE = re.compile(
    r"以下|下面|如下|这段|这篇|这句|这些|润色|改写|检查|解释|分析|回复|\bfollowing\b|\bbelow\b|\bthis\b|\brewrite\b"
    r"|\bproofread\b|\bpolish\b|\bexplain\b|\banaly[sz]e\b|\bcheck\b|\breply\b|\bfix\b",
    re.IGNORECASE,
)
PAYLOAD_CUE = _PAYLOAD_CUE
# What a line asks of the text pasted under it, beside summarising and translating: its gist, what it says.
GIST = re.compile(r"\bgist\b|\bkey points\b|\bmain points\b|\bwhat does (?:it|this|that|the)(?: \w+)? say\b|讲了(?:什么|啥)|说了(?:什么|啥)|"
                   r"要点|大意|主要内容", re.IGNORECASE)
# Lines that are further tasks, not pasted text: "1. …", "- …", "第二，…", "then …", "然后…".
_TASK_LIST = re.compile(r"\s*(?:\d+[.、)）]|[-*•]|第[一二三四五六七八九十]|(?:then|and then|also|next)\b|然后|再|接着|另外|顺便)",
                        re.IGNORECASE)
PASTED_MIN = 20  # characters under the line for them to be a text to work on
_RAW_COLON_RE = re.compile(r"[:：]")
LONG_INPUT = 600
_INSTRUCTION_WINDOW = 300

_HARD_RE = re.compile(r"[。!?;\n]+|(?<!\d),|,(?!\d)|\.(?=\s|$)(?<!\d\.)|(?<=\d)\.(?=\s+[A-Z])")
_ZH_VERB = (r"查|搜|找|看|告诉|写|生成|创作|编|算|计算|求|翻译|译|总结|概括|归纳|摘要|解释|介绍|给|帮|把|用|列|统计|获取|"
            r"抓取|打开|访问|提醒|发|做|讲|说|问|推荐|比较|分析|根据|据此|基于|输出|整理|起草|拟|设计|回答|实现|来|将|按|"
            r"结合|参考|出|请|顺便|预测|估算|转换|换算|核对|确认")
_ZH_ALWAYS = r"然后|接着|随后|之后再|最后"
_ZH_IF_VERB = r"并且|并(?<!合并)(?<!吞并)(?<!一并)|再|同时|以及|另外|此外|还有|顺便|和|之后"
_EN_VERB = (r"tell|write|generate|create|compose|draft|translate|summari[sz]e|sum|calculate|compute|find|look|check|"
            r"get|fetch|give|show|search|convert|make|explain|list|remind|send|recommend|compare|suggest|describe|"
            r"answer|use|what|what's|whats|how|who|when|where|why|which|is|are|do|does|can|could|please|put|turn|"
            r"solve|evaluate|work|implement|build|draw|come|based|using|i|let|add|multiply|divide|subtract|help|"
            r"pull|grab|open|visit|download|read|reply|respond|say|define|also|then|will|shall|should|would|"
            r"tell|provide|prepare|plan|estimate|count|query|report|predict")
_SOFT_RE = re.compile(
    rf"(?:{_ZH_ALWAYS})(?=.)|(?:{_ZH_IF_VERB})(?=(?:{_ZH_VERB}))"
    rf"|\b(?:and then|then|after that|afterwards|and finally|finally)\b"
    rf"|\b(?:and also|and|also|plus|as well as|next|additionally)\b(?=\s+(?:{_EN_VERB})\b)",
    re.IGNORECASE,
)
# "next" before a day or period is a date ("next Thursday in Boston"), not "next, do this".
_NEXT = (r"next(?!\s+(?:mon|tue|wed|thu|fri|sat|sun|week|weekend|month|year|time|morning|afternoon|evening|night"
         r"|day|few|couple|\d|one|two|three|four|five|six|seven|eight|nine|ten)\w*\b)")
_ENUMERATOR = (r"[一二三四五六七八九十](?=是)是|第[一二三四五六七八九十](?:步|点|件事|项)?(?:是|(?=[，,：:、]|$))|首先|其次|再次"
               r"|firstly|secondly|thirdly|lastly|first of all|(?:first|second|third|fourth|fifth)(?=\s*[,:]|$)")
CONNECTOR_RE = re.compile(
    rf"^(?:{_ZH_ALWAYS}|并且|(?:并|再|和|也)(?=[\s,]*(?:{_ZH_VERB}))|同时|以及|另外|此外|还有|顺便|之后|而且|"
    rf"and then|then|after that|afterwards|and finally|finally|and also|and|also|plus|as well as|{_NEXT}|additionally|"
    # counting the tasks off: "一是…，二是…", "第一，…", "首先/其次", "firstly, … secondly, …"
    rf"{_ENUMERATOR})"
    r"(?:[\s,]+|(?=[^A-Za-z])|$)",
    re.IGNORECASE,
)


@dataclass
class Masked:
    """A request with quoted spans replaced by placeholders."""

    text: str
    quotes: list[str]

    def restore(self, span: str) -> str:
        return _PH_RE.sub(lambda m: self.quotes[ord(m.group(1)) - _PH_BASE], span)


def mask_quotes(text: str) -> Masked:
    """Replace each quoted span by a placeholder. Linear: once a closing mark is known to be absent
    from the rest of the text, later openers of that kind are not searched again."""
    quotes: list[str] = []
    out: list[str] = []
    exhausted: set[str] = set()
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        close = _QUOTE_PAIRS.get(ch)
        if close is None or ch in exhausted or len(quotes) >= 0x1000:
            out.append(ch)
            i += 1
            continue
        j = text.find(close, i + 1)
        if j < 0:
            exhausted.add(ch)
            out.append(ch)
            i += 1
            continue
        quotes.append(text[i : j + 1])
        out.append(f"{_PH_OPEN}{chr(_PH_BASE + len(quotes) - 1)}{_PH_CLOSE}")
        i = j + 1
    return Masked("".join(out), quotes)


def has_placeholder(text: str) -> bool:
    return _PH_OPEN in text


def _inside_quotes(prefix: str) -> bool:
    return (
        prefix.count("“") > prefix.count("”")
        or prefix.count('"') % 2 == 1
        or prefix.count("「") > prefix.count("」")
        or prefix.count("『") > prefix.count("』")
    )


# What a heading counts or orders: tasks, not a text ("下面几件事", "帮几个忙", "three tasks", "in this order").
_TASKS_NOUN = re.compile(r"件事|事情|几个忙|个忙|帮忙|任务|几步|按顺序|\btasks?\b|\bthings\b|\bfavou?rs?\b|\berrands\b"
                         r"|\bsteps\b|\bin (?:this|that|the following) order\b", re.IGNORECASE)


def _announces_tasks(before: str, after: str, clean: Callable[[str], str]) -> bool:
    """"下面几件事按顺序来：把…翻成韩语；查一下…", "Three tasks, in this order: write a…": the words before the colon
    ask for nothing themselves and the first clause after it is a task, so what follows is the request, not a text to
    work on ("Explain this: <code>", "这段话有错吗：…" ask for something before the colon and keep their payload)."""
    from .classify import classify

    head = classify(before)
    if head.cue and not head.generic or not _TASKS_NOUN.search(before):
        return False
    first = re.split(r"[;；。\n]|[,，](?=\s*(?:and |then |再|然后|接着|并|第|二|三))", after.strip(), maxsplit=1)[0]
    return bool(first.strip()) and classify(clean(first)).cue


def split_payload(text: str, clean: Callable[[str], str] = lambda s: s) -> tuple[str, str, str]:
    """(instruction, separator, payload) of the *raw* request, so content reaches the intent text
    verbatim. The payload is what follows a colon after a task word ("翻译成英文：…", "summarize
    this: …"), or the tail of a long input past its first sentence. ``clean`` normalizes the
    words before a colon for the cue check."""
    head = text[:_INSTRUCTION_WINDOW]
    for m in _RAW_COLON_RE.finditer(head):
        i = m.start()
        if head[i + 1 : i + 3] == "//" or (0 < i < len(head) - 1 and head[i - 1].isdigit() and head[i + 1].isdigit()):
            continue
        before = head[:i]
        if _inside_quotes(before):
            continue
        words = clean(before)
        if SOURCE_ONLY.match(words):
            continue  # "Check the knowledge base: <question>", "查知识库：<question>": the question is the task
        if TRANSLATE.search(words) or SUMMARIZE.search(words):
            return text[:i], m.group(0), text[m.end() :]
        if _PAYLOAD_CUE.search(words) and not _announces_tasks(words, text[m.end() :], clean):
            return text[:i], m.group(0), text[m.end() :]
    if (brk := text.find("\n", 0, _INSTRUCTION_WINDOW)) > 0:
        # An instruction line, then the text it is about ("Can you give me the gist of this?\n<text>", "这段产品介绍讲了
        # 什么？简单概括一下。\n<text>"): the line names its object (this, 这段, below) or is a summary/translation, and
        # what follows is a block of text, not a list of further tasks.
        line, rest = text[:brk], text[brk + 1 :]
        words = clean(line)
        if (TRANSLATE.search(words) or SUMMARIZE.search(words) or _PAYLOAD_CUE.search(words) or GIST.search(words)) \
                and len(rest.strip()) >= PASTED_MIN and not _TASK_LIST.match(rest):
            return line, "\n", rest
    if len(text) > LONG_INPUT:
        end = re.search(r"[。!?！？\n]|\.(?=\s)", head)
        cut = end.end() if end else _INSTRUCTION_WINDOW
        return text[:cut], "", text[cut:]
    return text, "", ""


_ENUM_COMMA = re.compile("、")
_ASKS = re.compile(r"什么|怎么|如何|怎样|几|多少|多久|多长|哪|谁|吗|是否|能否|可否")


@dataclass
class Fragment:
    """One clause: its span in the masked instruction and the connector that introduced it."""

    start: int
    end: int
    connector: str = ""


def split_clauses(instruction: str) -> list[Fragment]:
    """Clauses in order: cut at sentence punctuation and commas, then before conjunctions that
    start a new task (``并生成``, ``然后``, ``and write``, ``then``)."""
    pieces: list[tuple[int, int]] = []
    pos = 0
    for m in _HARD_RE.finditer(instruction):
        pieces.append((pos, m.end()))
        pos = m.end()
    if pos < len(instruction):
        pieces.append((pos, len(instruction)))
    fragments: list[Fragment] = []
    for start, end in pieces:
        cuts = [start]
        for m in _SOFT_RE.finditer(instruction, start, end):
            if instruction[start : m.start()].strip(" ,"):
                cuts.append(m.start())
        for m in _ENUM_COMMA.finditer(instruction, start, end):
            # "公司年假几天、病假怎么请": 、 between two questions, each asking its own thing ("北京、上海哪个冷" is one).
            if _ASKS.search(instruction, cuts[-1] if cuts[-1] < m.start() else start, m.start()) and _ASKS.search(
                    instruction[m.end() : end]):
                cuts.append(m.end())
        cuts.sort()
        cuts.append(end)
        for a, b in zip(cuts, cuts[1:], strict=False):
            if instruction[a:b].strip(" ,.;!?。"):
                fragments.append(Fragment(a, b))
    for frag in fragments:
        body = instruction[frag.start : frag.end].lstrip(" ,")
        conn = CONNECTOR_RE.match(body)
        if conn:
            frag.connector = conn.group(0).strip(" ,").lower()
    return fragments
