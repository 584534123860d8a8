"""Clauses: a request's instruction split into clauses, each classified by the rules, and fragments that
carry no task of their own merged into their neighbours (pipeline stages 3 to 5).

A clause becomes a :class:`Part`: its span of the masked instruction, the connector before it
("然后", "and then"), its :class:`~.classify.Classification`, and whether it is an *ellipsis* (only a
city or a date: "上海呢？", "what about London?"). Merging keeps one task per part: a bare connector or a
run of bare entities joins the clause after it, a clause no rule recognised joins the one before,
and a follow-up on the same lookup, a code request's data step, or a message's content stays with
the clause it belongs to. Greetings and thanks around a task are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from .classify import (
    CODE_NOUN,
    CREATIVE_NOUN,
    MY_ORDER,
    ON_RESULT,
    QUESTION_WORD,
    TESTS_FOR_CODE,
    WEATHER_WORD,
    Classification,
    classify,
    expression_of,
    is_pleasantry,
    is_remember,
)
from .dates import date_entities, find_dates
from .entities import EN_NOT_CITY, find_cities, find_order_id, find_order_ids
from .split import CONNECTOR_RE, GIST, PAYLOAD_CUE, Fragment, Masked, split_clauses
from .text import HAN, detect_language, original_span

LOOKUP_TOOLS = ("weather", "datetime", "sql_query")
CITY_TOOLS = ("weather", "datetime")

_BASED_ON = re.compile(
    r"^(?:根据|基于|依据|按照|结合|参考)[^，,]{0,12}?(?=推荐|写|生成|给|帮|告诉|说|总结|翻译|分析|判断|制定|计算|算|列|提供|做|选|"
    r"建议|评估|预测|出)|^据此|^(?:based on|according to|using|given|with) (?:that|this|it|these|those|the \w+)[, ]+",
    re.IGNORECASE,
)

# Where a later clause says what it builds on ("write an email to finance based on the summary", "a packing list
# from the forecast"): the source, not the task; the task is read without it and the dependency kept (drafts.py).
SOURCE_PHRASE = re.compile(
    r"[,\s]*\b(?:based on|according to|drawing on|using|from|with)\s+(?:the|that|this|these|those|your|its|their)\s+"
    r"(?:above\s+)?(?:summary|summaries|results?|answers?|output|forecast|weather|numbers?|figures?|data|info(?:rmation)?"
    r"|findings|translation|explanation|page|article|policy|status)\b"
    r"|[,\s]*\b(?:based on|according to|drawing on|using|from)\s+(?:all\s+)?(?:of\s+)?(?:that|this|these|those|the above)\s*[?.!。？！]*\s*$",
    re.IGNORECASE,
)

# A fragment that only says what the next clause builds on, or only announces a question ("Based on that, should I
# go skiing?", "据此，…", "顺便问一下，为什么猫怕水", "quick question, …"): it belongs to the clause after it.
_LEAD_IN = re.compile(
    r"(?:based on|according to|given|with|in light of|going by) (?:all )?(?:of )?(?:that|this|these|those|it|them|the above)"
    r"|(?:据此|因此|那样的话|这样的话|这样|如果是这样|根据(?:这个|这些|以上|上面|结果)|基于(?:此|这个|以上))"
    r"|(?:顺便|另外|还有|再)?(?:想|我想)?(?:问|请教)(?:一下|下|个问题|一个问题)?|请问"
    r"|(?:(?:also|and|oh|one more thing)\s+)?(?:quick|one|another|a|random) question|i have a question|one more thing"
    # a source named on its own before the question it is for ("根据知识库，北京的酒店每晚限额是多少？", "Based on the
    # knowledge base, what is…"): the question is the task, to be answered from that source
    r"|(?:根据|按照|基于|依据|参考|查一?下|查查|看看|在)?(?:我们的|公司的?)?(?:知识库|文档|资料库|内部资料)(?:里|中|来看|里面)?"
    r"|(?:based on|according to|using|from|check|search|per|looking at) (?:the |our |your )?(?:knowledge base|kb|docs|"
    r"documents|documentation|internal docs)",
    re.IGNORECASE,
)

THEN = re.compile(r"^(?:然后|接着|随后|最后|之后再|then|and then|after that|afterwards|finally|and finally)$", re.IGNORECASE)

# Things said or agreed earlier, choices among options nobody listed, documents nobody shared: a reference
# the request itself can't resolve ("就按我们之前说好的办", "go with option B", "that contract, review it").
AGREED = (r"(?:我们|咱们|你我)?(?:之前|上次|刚才|早先)?(?:说好|商量好|约定好?|讲好|定好|谈好|说过|讨论过|聊过)的?(?:那样|那个|方案|办法|做法)?"
          r"|\b(?:the way|as|like|what) (?:we|you and i|i) (?:agreed|discussed|said|talked about|decided)(?: on| before| earlier)?\b"
          r"|\bas (?:agreed|discussed|planned)\b|\bwhat we agreed\b")
CHOICE = (r"另一个|另外一个|另一种|另外那个|别的那个|第[一二三四五六七八九十\d]+(?:个|种|条|项|版|份)(?:方案|选项)?|[一二三四五六七八九十\d]号方案"
          r"|\b(?:the|that) other (?:one|option|version|choice)\b|\banother one\b|\bthe other one\b"
          r"|\bthe (?:first|second|third|fourth|last|latter|former|other) (?:one|option|version|choice|draft)\b"
          r"|\boption (?:one|two|three|four|[a-d1-9])\b|\bthe (?:latter|former)\b")
DOCUMENT = (r"那(?:份|篇|个|张)(?:文件|文档|报告|合同|表格|方案|材料|附件|图|图片|PPT|ppt|简历)"
            r"|\b(?:that|the|this) (?:document|doc|file|report|attachment|contract|spreadsheet|deck|draft|proposal|pdf)\b")

REFERENT = re.compile(
    # the longer phrases first: they win over their own "that"/"之前"
    AGREED + "|" + CHOICE + "|" + DOCUMENT + "|"
    # "上面"/"以上"/"此" only where they point back: not "世界上面积", "3.5分及以上", "因此"/"此外"
    r"上一个|上一条|那个|这个|那件|这件|它们?|这些|那些|(?<![界网路桌墙身地天海山楼车手脸头线马晚早本际实史论面])上面(?!积)的?|上述|"
    r"(?<![及或和与至分岁元人个天次级年周月倍%\d])以上|刚才的?|之前的?|前面的?|(?:这|那)段(?!时间|日子|期间|时期|路)|这句|那句|"
    r"(?<![因如彼从自特据借至])此(?![外后前时刻])|"
    r"\bthat\b|\bthis\b|\bit\b|\bthem\b|\bthose\b|\bthese\b|\bthe above\b|\bthe previous (?:one|answer|result)\b"
    r"|\bthe last (?:one|answer|result)\b",
    re.IGNORECASE,
)

_ELLIPSIS_FILLER = re.compile(
    r"那么|那|呢|怎么样|如何|又|还有|的|天气|换成|改成|换|看看|看一下|试试|\bwhat about\b|\bhow about\b|\band\b|\bthe\b|\bin\b"
    r"|\bfor\b|\bweather\b|\binstead\b|\bswitch to\b"
    r"|\bthen\b|\bwhat's\b|\bit\b|\blike\b",
    re.IGNORECASE,
)

PUNCT = re.compile(r"[\s,.;:!?。，、~…\-—()（）\"'“”]+")


@dataclass
class Part:
    """A clause on its way to becoming one or more intents."""

    start: int
    end: int
    connector: str
    cls: Classification
    masked: str
    payload: bool = False
    ellipsis: bool = False
    overrides: dict[str, Any] = field(default_factory=dict)
    verbatim: str = ""  # the clause before typo correction (what a remembered fact keeps)


def residue(text: str, pattern: re.Pattern[str]) -> str:
    return PUNCT.sub("", pattern.sub(" ", text))


# A follow-up that is only a place name the city list lacks ("what about Glasgow?", "and Nairobi?", "那绵阳呢"): a
# capitalised name (not a month, weekday or language) or two to four Han characters that are no pronoun or time word.
_EN_FOLLOW_NAME = re.compile(r"^\s*(?:(?:and|so|ok|okay|hmm)[\s,]+)?(?:(?:what|how) about|and(?: in| for)?)\s+"
                             r"((?:[A-Z][a-z'\-]+)(?:\s+[A-Z][a-z'\-]+)?)\s*[?？.!]*\s*$")
_ZH_FOLLOW_NAME = re.compile(f"^\\s*(?:那|那么|换成|还有)?([{HAN}]{{2,4}}?)(?:市)?呢[？?。!！]*\\s*$")
_ZH_NOT_NAME = re.compile("[个些样么你我他她它谁哪这那边里今明后昨天周月年号点时候次回位种]")


def ellipsis_cities(text: str) -> list[str]:
    """The cities of a follow-up: known ones, else the one name a bare "what about X?" / "X呢" gives."""
    cities = find_cities(text)
    if cities:
        return cities
    if (m := _EN_FOLLOW_NAME.match(text)) and m.group(1) not in EN_NOT_CITY:
        return [m.group(1)]
    if (m := _ZH_FOLLOW_NAME.match(text)) and not _ZH_NOT_NAME.search(m.group(1)):
        return [m.group(1)]
    return []


def _is_ellipsis(text: str, today: date) -> bool:
    """``上海呢？`` / ``那后天呢`` / ``what about London?``: only a city or a date, no task."""
    cities = ellipsis_cities(text)
    dates = find_dates(text, today)
    if not cities and not dates:
        return False
    rest = text
    for c in cities:
        rest = rest.replace(c, " ")
    for d in sorted(dates, key=lambda d: -d.start):
        rest = rest[: d.start] + " " + rest[d.end :] if d.end <= len(rest) else rest
    return not residue(rest, _ELLIPSIS_FILLER)


_HEADING_COLON = re.compile(r"[:：](?!//)")


def _without_heading(f: Fragment, instruction: str) -> Fragment:
    """A clause that opens with a heading before a colon ("My team lead asked for numbers: what was revenue in
    February", "a few things for the review: first, …", "帮我办三件事：…") is the task after the colon: the words
    before it ask for nothing (no task cue) and name nothing the task needs (no city, date, number or id)."""
    seg = instruction[f.start : f.end]
    m = _HEADING_COLON.search(seg)
    if not m or 0 < m.start() < len(seg) - 1 and seg[m.start() - 1].isdigit() and seg[m.start() + 1].isdigit():
        return f
    head, rest = seg[: m.start()], seg[m.end() :]
    body = strip_connector(head) or head
    if not rest.strip() or len(body) > 80 or re.search(r"\d", body) or find_cities(body) or find_dates(body, date.today()):
        return f
    head = classify(body)
    if head.cue and not head.generic and not is_pleasantry(body) or is_remember(seg):
        return f
    task = strip_connector(rest.strip())
    if PUNCT.sub("", task) and not classify(task).cue:
        return f  # the words after the colon ask for nothing either (a bare "first," leaves the task to the next clause)
    return Fragment(f.start + m.end() + (len(rest) - len(rest.lstrip())), f.end, f.connector)


def is_my_order(text: str) -> bool:
    return bool(MY_ORDER.search(text))


def strip_connector(text: str) -> str:
    text = text.strip(" ,;.。!?")
    m = CONNECTOR_RE.match(text)
    if m:
        text = text[m.end():]
    return text.strip(" ,;")


# "A and B" under one lookup verb: a noun-phrase conjunction, where B may name another tool's target.
_NOUN_AND = re.compile(r"\s+(?:and|as well as|plus)\s+(?:also\s+)?|和|以及|还有|跟|与|及")


def _two_lookups(start: int, end: int, instruction: str) -> int | None:
    """Where a lookup clause joins two lookups of *different* tools as noun phrases under one verb ("Get
    today's weather in Shanghai and the status of order 1024", "查一下北京的天气和订单 1024 的状态"): the
    offset of the second, or None. Both halves must read as that tool on their own."""
    seg = instruction[start:end]
    whole = classify(strip_connector(seg) or seg)
    if whole.tool not in LOOKUP_TOOLS:
        return None
    for m in _NOUN_AND.finditer(seg):
        left, right = seg[: m.start()], seg[m.end() :]
        first, second = classify(strip_connector(left) or left), classify(right)
        if (first.tool in LOOKUP_TOOLS and second.tool in LOOKUP_TOOLS and first.tool != second.tool
                and second.cue and first.cue):
            return start + m.start()
    return None


def split_parts(m: Masked, instruction: str, payload: str, today: date) -> list[Part]:
    frags: list[Fragment] = []
    for f in split_clauses(instruction):
        cut = _two_lookups(f.start, f.end, instruction)
        if cut is None:
            frags.append(f)
        else:
            frags += [Fragment(f.start, cut, f.connector), Fragment(cut, f.end, "and")]
    frags = [_without_heading(f, instruction) for f in frags]
    parts: list[Part] = []
    for f in frags:
        seg = instruction[f.start : f.end]
        body = strip_connector(seg) or seg
        if parts:
            # "然后根据天气推荐一下穿搭": the earlier output it builds on is not a new task.
            body = _BASED_ON.sub("", body, count=1) or body
            body = SOURCE_PHRASE.sub("", body).strip() or body
        cls = classify(body)
        ellipsis = not cls.cue or cls.type == "question_answering" and cls.tool is None
        ellipsis = ellipsis and _is_ellipsis(seg, today)
        parts.append(Part(f.start, f.end, f.connector, cls, seg, ellipsis=ellipsis))
    if not parts:
        parts.append(Part(0, len(instruction), "", classify(instruction), instruction))
    merged: list[Part] = []
    pending_start: int | None = None
    for n, p in enumerate(parts):
        if pending_start is not None:
            p.start = pending_start
            p.masked = instruction[p.start : p.end]
            conn = CONNECTOR_RE.match(p.masked.lstrip(" ,"))
            if conn and not p.connector:
                p.connector = conn.group(0).strip(" ,").lower()
            pending_start = None
            if not p.ellipsis:
                # The leading words may decide the task ("明天去三亚，需要带防晒吗" is about weather,
                # "For future reference, our VPN is …" is a fact to remember).
                lead = strip_connector(p.masked) or p.masked
                whole = classify(lead)
                if whole.cue and (whole.tool is not None or not p.cls.cue or is_remember(lead)):
                    p.cls = whole
        if n < len(parts) - 1 and (not PUNCT.sub("", strip_connector(p.masked)) or _LEAD_IN.fullmatch(
                PUNCT.sub(" ", strip_connector(p.masked)).strip())):
            # "Also, who painted …": a bare connector belongs to the clause after it.
            pending_start = p.start
            continue
        if p.ellipsis and n < len(parts) - 1 and not (merged and merged[-1].cls.tool in LOOKUP_TOOLS):
            # "北京，明天，天气？": bare entities before the task belong to it.
            pending_start = p.start
            continue
        # A clause cut off at "并/然后/and + verb" is a task even when no rule names it.
        if not p.cls.cue and not p.ellipsis and not p.connector:
            if merged:
                prev = merged[-1]
                prev.end = p.end
                prev.masked = instruction[prev.start : prev.end]
                continue
            if n < len(parts) - 1:
                pending_start = p.start
                continue
        if merged and (
            (merged[-1].cls.type == "chitchat" and p.cls.type == "chitchat" and not _remembers(merged[-1], p))
            or _same_lookup(merged[-1], p, today) or _code_spec(merged[-1], p) or _message_content(merged[-1], p)
            or _said_in_the_message(merged[-1], p, instruction)
            or _figures_of_the_text(merged[-1], p) or _pieces_of_the_writing(merged[-1], p)
        ):
            prev = merged[-1]
            prev.end = p.end
            prev.masked = instruction[prev.start : prev.end]
            continue
        merged.append(p)
    if pending_start is not None and merged:
        merged[-1].start = min(merged[-1].start, pending_start)
    if payload and merged:
        # "这段介绍讲了什么？简单概括一下。\n<text>", "Briefly, what does this review say?\n<text>": asking what the pasted
        # text says is asking for its gist: one summary of it (beside a summary clause, the question adds nothing).
        gist = [p for p in merged if p.cls.type == "question_answering" and p.cls.tool is None and GIST.search(p.masked)]
        if gist and any(p.cls.type == "summarization" for p in merged):
            merged = [p for p in merged if p not in gist] or merged
        else:
            for p in gist:
                p.cls = replace(p.cls, type="summarization", tool=None, cue=True, generic=False)
        summaries = [p for p in merged if p.cls.type == "summarization" and p.cls.tool is None]
        if len(summaries) > 1:  # "这段话的要点是什么？用一句话概括。\n<text>": one summary, asked twice
            first, last = summaries[0], summaries[-1]
            first.end = max(first.end, last.end)
            first.masked = instruction[first.start : first.end]
            merged = [p for p in merged if p is first or p not in summaries]
        named = [p for p in merged if p.cls.type in ("summarization", "translation") and PAYLOAD_CUE.search(p.masked)]
        named = named or [p for p in merged if PAYLOAD_CUE.search(p.masked)]
        (named[0] if named else merged[-1]).payload = True
    # Greetings and thanks around a task are manners, not tasks ("你好，帮我查一下北京的天气"); a closing "report it
    # back" ("然后一起告诉我", "and let me know") asks for the answers already requested, not for one more.
    tasks = [p for n, p in enumerate(merged) if not (
        p.cls.type == "chitchat" and is_pleasantry(strip_connector(p.masked)) or n > 0 and is_report_tail(p.masked)
        or _asks_if_listening(p.masked) and all(
            is_pleasantry(strip_connector(q.masked)) or _asks_if_listening(q.masked) for q in merged[:n])
    )]
    if tasks and len(tasks) < len(merged):
        merged = tasks
    if len(merged) > 1 and _background(merged[0], instruction):
        # "我下个月入职。试用期多久？", "Our refund process confuses people. Check …": a statement that sets the scene
        # for the requests after it is not a question of its own.
        merged = merged[1:]
    for p in merged:
        p.masked = instruction[p.start : p.end]
        if p.cls.type == "chitchat":
            p.verbatim = original_span(m.text, instruction, p.start, p.end)
        if p.ellipsis:
            ov: dict[str, Any] = {}
            cities = ellipsis_cities(p.masked)
            if cities:
                ov["cities"] = cities
            ov.update(date_entities(p.masked, today))
            p.overrides = ov
    return merged


# What a closing clause says when it only asks for the results of the tasks before it: report verbs, "all
# together", "check it", pronouns and particles. A clause with anything more ("然后把结果翻译成英文") is a task.
_REPORT_WORDS = re.compile(
    r"一起|一并|统一|汇总|合并|全部|所有|都|结果|答案|情况|告诉|告知|通知|回复|回我|发给|发我|汇报|报告|反馈|说一声|说|讲|给|我|你|一下|"
    r"下|吧|呀|啊|哦|好|就|再|然后|最后|接着|之后|以后|后|完|查完|弄完|做完|算完|查查|查一下|查下|看看|看一下|帮|请|麻烦|谢谢|能|可以|吗|行|即可|成|"
    r"\b(?:and|then|finally|please|pls|can|could|would|will|you|u|me|us|let|know|tell|report|back|send|give|all|everything|"
    r"together|both|at|once|in|one|go|message|reply|the|results?|answers?|check|look|into|it|on|that|this|up|thanks|"
    r"thank|so|just|also|when|done|i|need|to|know|them|those|with)\b",
    re.IGNORECASE,
)


# Before a request, asking whether the listener is there or free ("在吗？", "嗨，忙不忙？", "有空吗", "you around?", "got a
# sec?") is an opener, like a greeting: the request after it is the task.
_LISTENING = re.compile(
    r"(?:(?:你|您)(?:现在)?)?(?:在|在不在|在线|忙|忙不忙|忙吗|有空|有没有空|方便|方便吗|有时间|有没有时间)(?:吗|嘛|么|不|没)?"
    r"|(?:are |r )?(?:you|u|ya) (?:there|around|free|busy|available|awake|online|up)(?: right now| now)?"
    r"|(?:got|have you got|do you have|you got|have) a (?:sec|second|minute|moment)|anyone (?:there|around|home)",
    re.IGNORECASE,
)


def _asks_if_listening(clause: str) -> bool:
    pieces = [p for p in re.split(r"[!！.。,，~？?]+", strip_connector(clause)) if PUNCT.sub("", p)]
    return bool(pieces) and all(is_pleasantry(p) or _LISTENING.fullmatch(p.strip()) for p in pieces) and any(
        _LISTENING.fullmatch(p.strip()) for p in pieces)


def is_report_tail(clause: str) -> bool:
    """"然后一起告诉我" / "and let me know" / "can you check": no task of its own, only "answer the above"."""
    if not PUNCT.sub("", clause) or not residue(clause, _REPORT_WORDS):
        return bool(PUNCT.sub("", clause))
    # thanks before it ("谢谢，结果一起告诉我就行", "Thanks! Send it all back together") are manners around the same ask
    pieces = [p for p in re.split(r"[!！.。,，~]+", clause) if PUNCT.sub("", p)]
    return len(pieces) > 1 and is_pleasantry(pieces[0]) and not residue(" ".join(pieces[1:]), _REPORT_WORDS)


# Words that make a sentence a request even without a question word ("I need the refund policy.", "帮我看看报销规定。").
_REQUEST_VERB = re.compile(
    r"帮|请|麻烦|查|搜|找|告诉|想知道|想了解|想问|问一下|给我|看看|看一下|列出|统计|"
    r"\b(?:tell|check|find|need|want|would like|give|show|let me know|look up|please|help|list|get|pull|search)\b",
    re.IGNORECASE,
)


def _background(part: Part, instruction: str) -> bool:
    """A first sentence that only states something (no question, no request) and that the knowledge base or the
    question default picked up by a word alone ("退款", "入职")."""
    text = strip_connector(part.masked)
    ends_sentence = bool(re.match(r"\s*(?:[。！!]|\.(?:\s|$))", instruction[part.end - 1 : part.end + 2]))
    if not ends_sentence or QUESTION_WORD.search(text) or _REQUEST_VERB.search(text) or is_remember(text):
        return False
    if part.cls.type == "question_answering":
        return part.cls.tool in (None, "kb_search")
    if part.cls.type == "chitchat":
        # "Hi! I'm planning a trip next week.": a greeting joined to a statement no rule reads as anything
        said = [s for s in re.split(r"[!！.。,，~]+", text) if s.strip() and not is_pleasantry(s.strip())]
        return bool(said) and not classify(" ".join(said)).cue
    return False


def _remembers(*parts: Part) -> bool:
    """A fact to remember stays its own intent: small talk beside it is not part of the fact."""
    return any(is_remember(strip_connector(p.masked)) for p in parts)


def _code_spec(prev: Part, cur: Part) -> bool:
    """Inside a code request, a data step describes what the code does ("写一个读取CSV文件并计算平均值的
    脚本", "写一段SQL，查询每个用户的订单总数"); it is not a task of its own."""
    return (
        prev.cls.type == "code_generation"
        and (
            cur.cls.tool in ("calculator", "sql_query")
            or bool(CODE_NOUN.search(cur.masked))
            or bool(_CODE_STEP.match(strip_connector(cur.masked)))
            or bool(_BA_CODE_STEP.match(strip_connector(cur.masked)))
        )
        and (cur.cls.type not in ("translation", "summarization") or bool(_BA_CODE_STEP.match(strip_connector(cur.masked))))
        and expression_of(cur.masked) is None
        and not THEN.match(_connector_of(cur))
        and not TESTS_FOR_CODE.match(strip_connector(cur.masked))
    )


_CODE_STEP = re.compile(
    r"^(?:找出|列出|提取|筛选|返回|输出|读取|判断|统计|计算|查询|过滤|解析|校验|验证|检查|匹配|按|排序|合并|去重|分组|转换|写入|保存|"
    r"调用|请求|抓取|爬取|获取|存进|存入|存到|插入|上传|定时|每隔|"
    r"calls? |fetch(?:es)? |hits? |stores? |inserts? |uploads? |polls? |"
    r"that |which |to |finds?\b|lists?\b|extracts?\b|returns?\b|outputs?\b|reads?\b|filters?\b|counts?\b"
    r"|sorts?\b|merges?\b|groups?\b|converts?\b|saves?\b|writes? (?:it|them|the result)"
    r"|checks?\b|validates?\b|parses?\b|matches\b)",
    re.IGNORECASE,
)


# "…脚本，把excel里的手机号都提取出来" / "…，把图片都压缩一下": what the code does to its input (even when the verb
# alone would read as a summary or a translation).
_BA_CODE_STEP = re.compile(
    r"^(?:把|将)[^，,。]{0,20}?(?:提取|找出|筛选|转换|转成|排序|合并|去重|重命名|替换|读取|写入|保存|导出|导入|删除|压缩|下载)"
)

_MESSAGE_CONTENT = re.compile(
    r"^(?:告诉|通知|提醒|告知)(?:他|她|他们|她们|大家|客户|用户|对方|老板|同事)|^(?:内容是|说|就说)|^(?:解释|说明|讲明)(?:一下)?(?:为什么|原因|为啥)|"
    r"^(?:主要|原因)是(?:因为)?|^因为|"
    r"^(?:telling|saying|letting (?:them|him|her) know|to (?:tell|let|inform|remind)|explaining why|to explain why|because)\b",
    re.IGNORECASE,
)


def _message_content(prev: Part, cur: Part) -> bool:
    """"写一封邮件给客户，告诉他们订单 8812 已经发货": the clause is what the message says."""
    return prev.cls.type == "creative_writing" and bool(_MESSAGE_CONTENT.match(strip_connector(cur.masked)))


# A message whose content has begun ("…发条微信，告诉他合同已经寄出了", "text Sam that the door code changed").
_CONTENT_BEGUN = re.compile(r"(?:告诉|通知|提醒|告知|转告|问)(?:一下)?(?:[他她]们?|对方|大家)|[，,]\s*(?:说|就说|内容是)|说(?=[^明]{2})"
                            r"|\b(?:that|saying|telling (?:him|her|them)|letting (?:him|her|them) know|to say)\b", re.IGNORECASE)
# Anything that asks for something: a part with one of these is a task of its own, not more of what a message says.
_ASKS_SOMETHING = re.compile(
    r"[?？]|查|看看|看一下|算|帮|请|写|翻译|总结|概括|告诉我|给我|多少|什么|怎么|为什么|吗|呢|吧|"
    r"\b(?:check|look|find|tell me|what|how|why|when|where|who|please|can you|could you|also|then|write|translate)\b",
    re.IGNORECASE,
)


def _said_in_the_message(prev: Part, cur: Part, instruction: str) -> bool:
    """"给客户发条微信，告诉他合同已经寄出了，顺丰单号SF1234567890": after a message's content has begun, a part of the
    same sentence that asks for nothing ("顺丰单号SF…", "the code is 4471") is more of what the message says, not a
    lookup of its own."""
    if prev.cls.type not in ("unsupported", "creative_writing") or not _CONTENT_BEGUN.search(prev.masked):
        return False
    between = instruction[prev.end : cur.start]
    if re.search(r"[。.!！?？;；\n]", between) or cur.connector:
        return False
    return not _ASKS_SOMETHING.search(cur.masked)


# Words that ask for a number to be worked out; without one, figures are facts to state, not sums to do.
_ASKS_FOR_A_NUMBER = re.compile(
    r"算|多少|几[个块元]?|等于|合计|总共|一共|求|\bcalculate\b|\bcompute\b|\bwork out\b|\bhow (?:much|many)\b|\bwhat(?:'s| is)\b"
    r"|\btotal\b|\bsum\b|=",
    re.IGNORECASE,
)


# A figure in a promotion or a rule: a number, a percentage, a discount ("会员再打九五折").
_FIGURE = re.compile(r"\d|[一二三四五六七八九十两]+折|\bpercent\b|%", re.IGNORECASE)


def _figures_of_the_text(prev: Part, cur: Part) -> bool:
    """"写一段双十一促销文案，全场满300减50" / "…alert rule, disk over 85%": figures that follow a request for writing or
    code, asking nothing to be worked out, are what the text is about, not a calculation of their own."""
    return (
        prev.cls.type in ("creative_writing", "code_generation")
        and (cur.cls.tool == "calculator" or cur.cls.type == "question_answering" and _FIGURE.search(cur.masked)
             and not QUESTION_WORD.search(cur.masked))
        and not _ASKS_FOR_A_NUMBER.search(cur.masked)
        and not THEN.match(_connector_of(cur))
        and not ON_RESULT.search(cur.masked)
    )


_ONE_OF_SEVERAL = re.compile(
    r"^(?:另)?(?:一|1|第[一二三四五六七八九十\d])(?:首|篇|段|个|则|封|条|句)|^(?:and\s+)?(?:one|another|the other|the (?:first|second|third))"
    r"\s+(?:about|on|for|of|describing|celebrating)\b",
    re.IGNORECASE,
)


def _pieces_of_the_writing(prev: Part, cur: Part) -> bool:
    """"写两首诗，一首关于大海，一首关于星空" / "two haikus, one about snow and one about tea": what each piece is about
    belongs to the writing request (snow here is a subject, not a forecast). "写一首诗，写成都冬天下雨的样子": a second
    "write" with no piece of its own, straight after one that named the piece, says what that piece is about."""
    if prev.cls.type != "creative_writing":
        return False
    if _ONE_OF_SEVERAL.match(strip_connector(cur.masked)):
        return True
    return (
        not cur.connector
        and bool(_PIECE.search(prev.masked)) and not _PIECE.search(cur.masked)
        and bool(_WRITE_ABOUT.match(strip_connector(cur.masked)))
        and not find_dates(cur.masked, date(2000, 1, 1))
    )


# A piece of writing named by its kind: a creative noun, or a measure word before one ("一篇短文", "一首").
_PIECE = re.compile(CREATIVE_NOUN.pattern + r"|[一两二三\d](?:首|篇|段|封|则)", re.IGNORECASE)
# "写成都冬天下雨的样子", "写出秋天的感觉", "describe the sea at night": the subject, not a second piece.
_WRITE_ABOUT = re.compile(r"^(?:写|描写|描述|表现|写出)(?!一?[首篇段个封条份])|^(?:describing|describe|about|capturing|capture)\b",
                          re.IGNORECASE)


def _connector_of(part: Part) -> str:
    return part.connector


_ORDER_FOLLOW_UP = re.compile(
    r"还没(?:到|发货|发出|发|收到|送到|寄出|更新)|怎么回事|咋回事|什么情况|啥情况|到底|搞什么|搞啥|怎么搞的|什么鬼|多久(?:能|才)?到|啥时候(?:能)?到|什么时候(?:能)?(?:到|发货)"
    r"|为什么还没|急死|等了|快点|催一下|^(?:都|已经)?[一二两三四五六七八九十几\d]+(?:天|周|个?星期|个?礼拜|个月)了"
    r"|\bwhat(?:'s| is) going on\b|\bwhat(?:'s| is) happening\b|\bwhere is it\b|\bwhen will it\b|\bhasn't (?:arrived|shipped|come)\b"
    r"|\bstill (?:not|hasn't|haven't|waiting)\b|\bany (?:update|news)\b|\bwhat(?:'s| is) the (?:hold ?up|delay)\b"
    r"|\bwhy (?:is|has) it\b|\bhow (?:much )?longer\b"
    # when it was bought says which order, it asks nothing new ("Where's my stuff? I ordered it last week")
    r"|^i (?:ordered|bought|purchased) (?:it|them|that|this)\b|^我?(?:是)?(?:上周|上个月|前几天|昨天|前天|\S{0,4}前)(?:买|下单|订)的",
    re.IGNORECASE,
)

_HOW_MUCH = re.compile(
    r"多少|几[个块元]|多远|多久|\bhow (?:much|many|far|long)\b|\beach\b|\bwhat (?:do|would|will|should) (?:i|we) (?:pay|owe|save)\b",
    re.IGNORECASE,
)


def _one_order(a: str, b: str) -> bool:
    """One clause asks about the user's order without a number, the other gives exactly one number."""
    return any(
        is_my_order(ask) and not find_order_id(ask) and len(find_order_ids(named)) == 1
        for ask, named in ((a, b), (b, a))
    )


def _same_lookup(prev: Part, cur: Part, today: date) -> bool:
    """A follow-up clause on the same tool that names nothing new (``北京明天天气怎么样，会下雨吗``,
    ``order #A55 hasn't arrived, where is it?``)."""
    if THEN.match(_connector_of(cur)):
        # "…，然后据此推荐穿搭": a step announced by then/然后 is a task of its own, built on the lookup.
        return False
    if prev.cls.tool == "sql_query" == cur.cls.tool and _one_order(prev.masked, cur.masked):
        # "我买的东西到哪了，订单号8812345": one order, asked about in one clause and named in the other.
        return True
    if (
        prev.cls.tool == "sql_query"
        and cur.cls.tool in (None, "sql_query")
        and cur.cls.type in ("question_answering", "lookup")
        and not find_order_ids(cur.masked)
        and _ORDER_FOLLOW_UP.search(cur.masked)
    ):
        # "我的订单8812345怎么还没到，到底怎么回事" / "order 7781 hasn't arrived, what is going on?": the complaint
        # asks about the same order, it is not a question of its own.
        return True
    if (
        prev.cls.tool == "calculator"
        and cur.cls.type == "question_answering"
        and cur.cls.tool is None
        and len(PUNCT.sub("", cur.masked)) <= (12 if detect_language(cur.masked) == "zh" else 20)
        and not re.search(r"\d", cur.masked)
        and _HOW_MUCH.search(cur.masked)
    ):
        # "三个人平分900块，每人多少": the question of the calculation just stated.
        return True
    if (
        prev.cls.tool in LOOKUP_TOOLS
        and cur.cls.type == "question_answering"
        and cur.cls.tool is None
        and len(PUNCT.sub("", cur.masked)) <= 24
        and REFERENT.search(cur.masked)
        and not find_cities(cur.masked)
        and not find_dates(cur.masked, today)
    ):
        return True
    if prev.cls.tool == "weather" and cur.cls.type == "question_answering" and cur.cls.tool is None:
        # "…会很冷吗，需要穿羽绒服吗": a weather follow-up question that names no place or day.
        return bool(WEATHER_WORD.search(cur.masked)) and not find_cities(cur.masked) and not find_dates(
            cur.masked, today
        )
    if cur.ellipsis or prev.cls.tool is None or prev.cls.tool != cur.cls.tool:
        return False
    if cur.cls.tool not in ("weather", "datetime"):
        return False
    return not find_cities(cur.masked) and not find_dates(cur.masked, today)
