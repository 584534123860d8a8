"""The intent parser: natural-language request -> :class:`IntentGraph`. Pure, fast, no model.

Pipeline: normalize (full-width, emoji, typos) -> mask quotes and payload -> split into clauses
-> classify each clause by rules -> merge fragments that carry no task of their own -> extract
entities -> expand multi-city lookups and implicit URL fetches -> set dependencies -> resolve
referents against the session context or ask a clarifying question.

A :class:`Fallback` (an embedding classifier or a language model) may be passed to re-classify
clauses that no specific rule recognised; the parser itself never loads a model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from autoglm.services.parser.classify import (
    CODE_NOUN,
    EXPLAIN,
    WEATHER_WORD,
    Classification,
    classify,
    expression_of,
    is_pleasantry,
    is_remember,
)
from autoglm.services.parser.dates import date_entities, find_dates
from autoglm.services.parser.entities import (
    clean_query,
    find_cities,
    find_memory,
    find_order_id,
    find_order_ids,
    find_programming_language,
    find_target_language,
    find_topic,
    find_url,
)
from autoglm.services.parser.lexicon import CITY_TIMEZONES
from autoglm.services.parser.split import (
    CONNECTOR_RE,
    PAYLOAD_CUE,
    Masked,
    has_placeholder,
    mask_quotes,
    split_clauses,
    split_payload,
)
from autoglm.services.parser.text import detect_language, fix_typos, normalize, original_span
from autoglm.shared.events import Intent, IntentGraph

__all__ = ["Fallback", "parse_request", "CLARIFICATIONS"]

MAX_CONTEXT_TURNS = 8
_INSTRUCTION_WINDOW = 300
MAX_CONTEXT_CHARS = 2000


class Fallback(Protocol):
    """Second opinion for clauses no specific rule placed: those no rule recognised (``cue=False``)
    and those only the catch-all question words made ``question_answering`` (``generic``).

    Return a :class:`Classification` to use instead of the default ``question_answering``, or
    None to keep it. Implementation: :class:`~autoglm.services.parser.fallback.EmbeddingFallback`
    (nearest intent/tool description by embedding similarity); a language model constrained to the
    intent JSON schema would fit the same hook."""

    def classify(self, clause: str, language: str) -> Classification | None: ...


CLARIFICATIONS: dict[str, tuple[str, str]] = {
    "referent": ("请问您指的是哪个内容？请把具体内容告诉我。", "What are you referring to? Please share the details."),
    "again": ("请问您想让我重复哪个请求？", "Which request would you like me to repeat?"),
    "city": ("请问您想查询哪个城市的天气？", "Which city's weather would you like to know?"),
    "order": ("请提供您的订单号。", "Could you give me your order number?"),
    "empty": ("请问有什么可以帮您？", "How can I help you?"),
}

_LOOKUP_TOOLS = ("weather", "datetime", "sql_query")
_CITY_TOOLS = ("weather", "datetime")

# Markers that a clause uses an earlier clause's output.
_DEP_MARKER = re.compile(
    r"根据|据此|基于|依据|按照(?:结果|这个|上面)|参考(?:结果|这个|上面|以上)|结合(?:结果|以上|上面|上述|这些)|"
    r"(?:把|将|用|拿)(?:这个|这些|上面的?|上述|以上的?|查询的?|查到的?|得到的?|计算的?|算出的?)?结果|"
    r"结果|它们?|上述|以上|上面的?|这些信息|这些数据|这段|该结果|"
    r"\bbased on\b|\baccording to\b|\busing (?:that|this|it|the|those|these)\b|\buse (?:that|this|it|the result)\b"
    r"|\b(?:about|of|from|with|on|into|for|translate|summari[sz]e|explain|turn|make|put|convert|rewrite|shorten|"
    r"send|describe|use|compare)\s+(?:it|that|this|them|those|these)\b"
    r"|\b(?:that|this|those|these)\s+(?:results?|answers?|output|info|information|data|forecast|number|value|"
    r"total|sum|findings|page|article|text|weather|response)\b|\bthe\s+(?:results?|answers?|output|findings|response)\b"
    r"|\bits\b|\btheir\b|单元测试|测试用例|\bunit tests?\b|\btests? for it\b",
    re.IGNORECASE,
)
# "it" as a real pronoun, not the dummy subject of "is it raining" / "what time is it".
_IT = re.compile(r"\bit\b(?!'s|\s+is\b|\s+will be\b)", re.IGNORECASE)
_DUMMY_IT = re.compile(r"\b(?:is|will|does|did|was|would|should|could|can|make)\s+it\s*$", re.IGNORECASE)
_BASED_ON = re.compile(
    r"^(?:根据|基于|依据|按照|结合|参考)[^，,]{0,12}?(?=推荐|写|生成|给|帮|告诉|说|总结|翻译|分析|判断|制定|计算|算|列|提供|做|选|"
    r"建议|评估|预测|出)|^(?:based on|according to|using|given|with) (?:that|this|it|these|those|the \w+)[, ]+",
    re.IGNORECASE,
)
_THEN = re.compile(r"^(?:然后|接着|随后|最后|之后再|then|and then|after that|afterwards|finally|and finally)$", re.IGNORECASE)
_THERE = re.compile(r"那里|那边|当地|该城市|\bthere\b", re.IGNORECASE)


def _uses_earlier(text: str) -> bool:
    if _DEP_MARKER.search(text):
        return True
    return any(not _DUMMY_IT.search(text[: m.end()]) for m in _IT.finditer(text))
_PLURAL_MARKER = re.compile(r"以上|上述|这些|它们|都|\bthem\b|\bthose\b|\bthese\b|\bboth\b|\ball\b", re.IGNORECASE)
_INDEPENDENT = re.compile(r"^(?:另外|此外|还有|顺便|同时|also|additionally|separately|by the way|plus|as well as|meanwhile|and also)$",
                          re.IGNORECASE)
_OPERATOR_START = re.compile(r"^(?:再|结果|把结果|将结果)?(?:乘以|乘|除以|加上|加|减去|减|的平方)|^(?:multiply|divide|add|subtract|times|"
                             r"double|halve|square)\b", re.IGNORECASE)
_GENERATED = ("creative_writing", "summarization", "translation")

# Whole-request shapes that only make sense with the session's context.
_AGAIN = re.compile(
    r"再来一次|再来一遍|再来|再做一次|再做一遍|再算一次|再算一遍|再查一次|再查一遍|再查一下|再试一次|重复一下|重复一遍|重复|重新来|"
    r"同样的|一样的|\bdo it again\b|\bdo that again\b|\bagain\b|\bone more time\b|\brepeat(?: that| it| this)?\b"
    r"|\bsame again\b|\bredo(?: it| that)?\b|\btry again\b|\bonce more\b|\bdo the same\b|\bsame (?:thing )?for\b"
    r"|\bthe same\b|同样地?|也(?:查|算|看)一下|照样",
    re.IGNORECASE,
)
_REFERENT = re.compile(
    r"上一个|上一条|那个|这个|那件|这件|它们?|这些|那些|上面的?|上述|以上|刚才的?|之前的?|前面的?|这段|那段|这句|那句|此|"
    r"\bthat\b|\bthis\b|\bit\b|\bthem\b|\bthose\b|\bthese\b|\bthe above\b|\bthe previous (?:one|answer|result)\b"
    r"|\bthe last (?:one|answer|result)\b",
    re.IGNORECASE,
)
_FILLER = re.compile(
    r"请求|请问|请|麻烦你?|帮我|帮忙|给我|替我|能不能|可以|可不可以|你能|能否|一下|一遍|一次|把|将|再|下|吧|呢|呀|啊|吗|了|哦|嘛|的|成|为|"
    r"查询|查查|查|看看|看|搜索|搜|找找|找|翻译|译|总结|概括|解释|说明|算算|算|计算|处理|发我|发给我|弄|做|讲讲|讲|说说|说|"
    r"英文|英语|中文|日文|日语|法语|韩语|德语|内容|东西|文字|话|怎么样|怎样|如何|回答|答案|回复|消息|刚才|刚刚|之前|上次|请求|问题|"
    # colloquial verbs and "how is it going" words that name no object ("把刚刚那段话改成英文", "那个东西咋样了")
    r"改成|变成|转成|换成|弄成|翻成|翻|咋样|咋|进展|事|"
    r"\bplease\b|\bpls\b|\bcan you\b|\bcould you\b|\bwould you\b|\bfor me\b|\bcheck\b|\blook up\b|\blook into\b"
    r"|\bsearch\b|\btranslate\b|\bsummari[sz]e\b|\bexplain\b|\bcalculate\b|\bcompute\b|\bdo\b|\bhandle\b|\bfind\b"
    r"|\bread\b|\bshow me\b|\bme\b|\bagain\b|\binto\b|\bto\b|\bin\b|\benglish\b|\bchinese\b|\bjapanese\b|\bfrench\b"
    r"|\bspanish\b|\bgerman\b|\bthe\b|\ba\b|\bonce\b|\bmore\b|\btime\b|\bfor\b|\bup\b|\bcontent\b|\btext\b"
    r"|\bstuff\b|\bone\b|\brequest\b|\bquestion\b|\bwith\b|\bas well\b|\btoo\b|\bthing\b|\bon\b|\bfrom\b|\bearlier\b"
    r"|\bbefore\b|\bstatus\b|\bany\b|\bnews\b|\bupdates?\b|\banswer\b|\breply\b|\bresponse\b|\bmessage\b|\bprevious\b|\blast\b",
    re.IGNORECASE,
)
_ELLIPSIS_FILLER = re.compile(
    r"那么|那|呢|怎么样|如何|又|还有|的|天气|换成|改成|换|看看|看一下|试试|\bwhat about\b|\bhow about\b|\band\b|\bthe\b|\bin\b"
    r"|\bfor\b|\bweather\b|\binstead\b|\bswitch to\b"
    r"|\bthen\b|\bwhat's\b|\bit\b|\blike\b",
    re.IGNORECASE,
)
_REQUEST_LIKE = re.compile(
    r"[?？]\s*$|[吗呢]\s*[?？。.!]?\s*$|^(?:请|帮|麻烦|查|搜|给我|告诉|写|生成|翻译|总结|计算|算|what|how|who|when|where|why|"
    r"which|is|are|do|does|can|could|will|please|tell|write|translate|summari[sz]e|calculate|compute|find|check|get|"
    r"show|give|look)",
    re.IGNORECASE,
)
_PUNCT = re.compile(r"[\s,.;:!?。，、~…\-—()（）\"'“”]+")


@dataclass
class _Part:
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


@dataclass
class _Draft:
    type: str
    tool: str | None
    text: str
    entities: dict[str, Any]
    part: int
    cue: bool = True
    generic: bool = False
    clause: str = ""  # the instruction alone, without an appended payload (what a fallback reads)
    marker: bool = False
    plural: bool = False
    own_content: bool = False
    independent: bool = False
    operator_start: bool = False
    auxiliary: bool = False  # an implicit fetch made for the clause after it, not a result of its own
    depends_on: list[int] = field(default_factory=list)


def _today(now: datetime | None, tz: str) -> date:
    zone = ZoneInfo(tz)
    if now is None:
        return datetime.now(zone).date()
    if now.tzinfo is None:
        now = now.replace(tzinfo=zone)
    return now.astimezone(zone).date()


def _residue(text: str, pattern: re.Pattern[str]) -> str:
    return _PUNCT.sub("", pattern.sub(" ", text))


def _without_entities(text: str, today: date) -> str:
    for d in sorted(find_dates(text, today), key=lambda d: -d.start):
        text = text[: d.start] + " " + text[d.end :]
    for c in find_cities(text):
        text = text.replace(c, " ")
    return text


def _overrides(text: str, today: date) -> dict[str, Any]:
    """The city and date a follow-up swaps into the earlier request ("do the same for Shenzhen")."""
    ov: dict[str, Any] = {}
    cities = find_cities(text)
    if cities:
        ov["cities"] = cities
    ov.update(date_entities(text, today))
    return ov


def _is_ellipsis(text: str, today: date) -> bool:
    """``上海呢？`` / ``那后天呢`` / ``what about London?``: only a city or a date, no task."""
    cities = find_cities(text)
    dates = find_dates(text, today)
    if not cities and not dates:
        return False
    rest = text
    for c in cities:
        rest = rest.replace(c, " ")
    for d in sorted(dates, key=lambda d: -d.start):
        rest = rest[: d.start] + " " + rest[d.end :] if d.end <= len(rest) else rest
    return not _residue(rest, _ELLIPSIS_FILLER)


def _entities(d: _Draft, masked: str, restored: str, today: date, lang: str) -> dict[str, Any]:
    ent: dict[str, Any] = {}
    if d.tool in _CITY_TOOLS:
        cities = _cities(masked, d.tool, today)
        if cities:
            ent["city"] = cities[0]
    if d.tool == "datetime" and "city" in ent:
        _set_timezone(ent)
    if d.tool in _LOOKUP_TOOLS:
        ent.update(date_entities(masked, today))
    if d.tool == "sql_query":
        order_id = find_order_id(masked)
        if order_id:
            ent["order_id"] = order_id
        elif not _is_my_order(masked):
            ent["query"] = clean_query(_strip_connector(restored))
    if d.tool == "kb_search":
        ent["query"] = clean_query(_strip_connector(restored))
    if d.tool == "calculator":
        expr = expression_of(masked)
        if expr:
            ent["expression"] = expr
    if d.tool == "http_get":
        url = find_url(masked)
        if url:
            ent["url"] = url
    if d.type == "translation":
        target = find_target_language(masked)
        if target:
            ent["target_language"] = target
    if d.type == "code_generation":
        pl = find_programming_language(masked)
        if pl:
            ent["programming_language"] = pl
    if d.type == "creative_writing":
        topic = find_topic(restored) if not has_placeholder(masked) else None
        if topic:
            ent["topic"] = topic
    return ent


def _set_timezone(ent: dict[str, Any]) -> None:
    zone = CITY_TIMEZONES.get(ent["city"]) or CITY_TIMEZONES.get(ent["city"].lower())
    if zone:
        ent["timezone"] = zone


def _cities(text: str, tool: str | None, today: date) -> list[str]:
    """Cities of a weather/datetime clause; unknown names are guessed once dates are cut out."""
    found = find_cities(text)
    if found or tool != "weather":
        return found
    for d in sorted(find_dates(text, today), key=lambda d: -d.start):
        text = text[: d.start] + text[d.end :]
    return find_cities(text, allow_guess=True)


def _is_my_order(text: str) -> bool:
    from autoglm.services.parser.classify import MY_ORDER

    return bool(MY_ORDER.search(text))


def _strip_connector(text: str) -> str:
    text = text.strip(" ,;.。!?")
    m = CONNECTOR_RE.match(text)
    if m:
        text = text[m.end():]
    return text.strip(" ,;")


def _parts(m: Masked, instruction: str, payload: str, today: date) -> list[_Part]:
    frags = split_clauses(instruction)
    parts: list[_Part] = []
    for f in frags:
        seg = instruction[f.start : f.end]
        body = _strip_connector(seg) or seg
        if parts:
            # "然后根据天气推荐一下穿搭": the earlier output it builds on is not a new task.
            body = _BASED_ON.sub("", body, count=1) or body
        cls = classify(body)
        ellipsis = not cls.cue or cls.type == "question_answering" and cls.tool is None
        ellipsis = ellipsis and _is_ellipsis(seg, today)
        parts.append(_Part(f.start, f.end, f.connector, cls, seg, ellipsis=ellipsis))
    if not parts:
        parts.append(_Part(0, len(instruction), "", classify(instruction), instruction))
    merged: list[_Part] = []
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
                lead = _strip_connector(p.masked) or p.masked
                whole = classify(lead)
                if whole.cue and (whole.tool is not None or not p.cls.cue or is_remember(lead)):
                    p.cls = whole
        if n < len(parts) - 1 and not _PUNCT.sub("", _strip_connector(p.masked)):
            # "Also, who painted …": a bare connector belongs to the clause after it.
            pending_start = p.start
            continue
        if p.ellipsis and n < len(parts) - 1 and not (merged and merged[-1].cls.tool in _LOOKUP_TOOLS):
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
        ):
            prev = merged[-1]
            prev.end = p.end
            prev.masked = instruction[prev.start : prev.end]
            continue
        merged.append(p)
    if pending_start is not None and merged:
        merged[-1].start = min(merged[-1].start, pending_start)
    if payload and merged:
        named = [p for p in merged if PAYLOAD_CUE.search(p.masked)]
        (named[0] if named else merged[-1]).payload = True
    # Greetings and thanks around a task are manners, not tasks ("你好，帮我查一下北京的天气").
    tasks = [p for p in merged if not (p.cls.type == "chitchat" and is_pleasantry(_strip_connector(p.masked)))]
    if tasks and len(tasks) < len(merged):
        merged = tasks
    for p in merged:
        p.masked = instruction[p.start : p.end]
        if p.cls.type == "chitchat":
            p.verbatim = original_span(m.text, instruction, p.start, p.end)
        if p.ellipsis:
            ov: dict[str, Any] = {}
            cities = find_cities(p.masked)
            if cities:
                ov["cities"] = cities
            ov.update(date_entities(p.masked, today))
            p.overrides = ov
    return merged


def _remembers(*parts: _Part) -> bool:
    """A fact to remember stays its own intent: small talk beside it is not part of the fact."""
    return any(is_remember(_strip_connector(p.masked)) for p in parts)


def _code_spec(prev: _Part, cur: _Part) -> bool:
    """Inside a code request, a data step describes what the code does ("写一个读取CSV文件并计算平均值的
    脚本", "写一段SQL，查询每个用户的订单总数"); it is not a task of its own."""
    return (
        prev.cls.type == "code_generation"
        and (
            cur.cls.tool in ("calculator", "sql_query")
            or bool(CODE_NOUN.search(cur.masked))
            or bool(_CODE_STEP.match(_strip_connector(cur.masked)))
            or bool(_BA_CODE_STEP.match(_strip_connector(cur.masked)))
        )
        and (cur.cls.type not in ("translation", "summarization") or bool(_BA_CODE_STEP.match(_strip_connector(cur.masked))))
        and expression_of(cur.masked) is None
        and not _THEN.match(_connector_of(cur))
    )


_CODE_STEP = re.compile(
    r"^(?:找出|列出|提取|筛选|返回|输出|读取|判断|统计|计算|查询|过滤|解析|校验|验证|检查|匹配|按|排序|合并|去重|分组|转换|写入|保存|"
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
    r"^(?:告诉|通知|提醒|告知)(?:他|她|他们|她们|大家|客户|用户|对方|老板|同事)|^(?:内容是|说|就说)|"
    r"^(?:telling|saying|letting (?:them|him|her) know|to (?:tell|let|inform|remind))\b",
    re.IGNORECASE,
)


def _message_content(prev: _Part, cur: _Part) -> bool:
    """"写一封邮件给客户，告诉他们订单 8812 已经发货": the clause is what the message says."""
    return prev.cls.type == "creative_writing" and bool(_MESSAGE_CONTENT.match(_strip_connector(cur.masked)))


def _connector_of(part: _Part) -> str:
    return part.connector


_HOW_MUCH = re.compile(
    r"多少|几[个块元]|多远|多久|\bhow (?:much|many|far|long)\b|\beach\b|\bwhat (?:do|would|will|should) (?:i|we) (?:pay|owe|save)\b",
    re.IGNORECASE,
)


def _one_order(a: str, b: str) -> bool:
    """One clause asks about the user's order without a number, the other gives exactly one number."""
    return any(
        _is_my_order(ask) and not find_order_id(ask) and len(find_order_ids(named)) == 1
        for ask, named in ((a, b), (b, a))
    )


def _same_lookup(prev: _Part, cur: _Part, today: date) -> bool:
    """A follow-up clause on the same tool that names nothing new (``北京明天天气怎么样，会下雨吗``,
    ``order #A55 hasn't arrived, where is it?``)."""
    if _THEN.match(_connector_of(cur)):
        # "…，然后据此推荐穿搭": a step announced by then/然后 is a task of its own, built on the lookup.
        return False
    if prev.cls.tool == "sql_query" == cur.cls.tool and _one_order(prev.masked, cur.masked):
        # "我买的东西到哪了，订单号8812345": one order, asked about in one clause and named in the other.
        return True
    if (
        prev.cls.tool == "calculator"
        and cur.cls.type == "question_answering"
        and cur.cls.tool is None
        and len(_PUNCT.sub("", cur.masked)) <= (12 if detect_language(cur.masked) == "zh" else 20)
        and not re.search(r"\d", cur.masked)
        and _HOW_MUCH.search(cur.masked)
    ):
        # "三个人平分900块，每人多少": the question of the calculation just stated.
        return True
    if (
        prev.cls.tool in _LOOKUP_TOOLS
        and cur.cls.type == "question_answering"
        and cur.cls.tool is None
        and len(_PUNCT.sub("", cur.masked)) <= 24
        and _REFERENT.search(cur.masked)
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


def _drafts(parts: list[_Part], m: Masked, payload: str, today: date, lang: str) -> list[_Draft]:
    drafts: list[_Draft] = []
    for idx, p in enumerate(parts):
        if p.ellipsis:
            base = [d for d in drafts if d.part == idx - 1 and d.tool in _LOOKUP_TOOLS]
            if base:
                cities = p.overrides.get("cities") or [base[0].entities.get("city")]
                for city in cities:
                    ent = dict(base[0].entities)
                    if city:
                        ent["city"] = city
                    for key in ("date", "days"):
                        ent.pop(key, None) if "date" in p.overrides else None
                    ent.update({k: v for k, v in p.overrides.items() if k != "cities"})
                    drafts.append(_Draft(base[0].type, base[0].tool, _strip_connector(m.restore(p.masked)), ent, idx))
                continue
        restored = m.restore(p.masked)
        text = _strip_connector(restored)
        if p.payload:
            text = (text + payload).strip()
        d = _Draft(p.cls.type, p.cls.tool, text, {}, idx, cue=p.cls.cue, generic=p.cls.generic,
                   clause=_strip_connector(restored))
        d.entities = _entities(d, _strip_connector(p.masked), restored, today, lang)
        memory = find_memory(_strip_connector(m.restore(p.verbatim or p.masked))) if d.type == "chitchat" else None
        if memory:
            d.entities.update(memory=memory[0], memory_kind=memory[1])
        d.marker = _uses_earlier(_strip_connector(p.masked))
        d.plural = bool(_PLURAL_MARKER.search(p.masked))
        d.own_content = bool(
            p.payload or has_placeholder(p.masked) or "topic" in d.entities or find_url(p.masked)
            or (d.type != "translation" and "expression" in d.entities)
        )
        d.independent = bool(_INDEPENDENT.match(p.connector))
        d.operator_start = bool(_OPERATOR_START.match(_strip_connector(p.masked)))
        url = find_url(p.masked)
        if url and d.tool != "http_get":
            drafts.append(_Draft("lookup", "http_get", url, {"url": url}, idx, auxiliary=True))
            d.depends_on = [len(drafts) - 1]
            d.own_content = True
        if d.tool in _CITY_TOOLS:
            cities = _cities(_strip_connector(p.masked), d.tool, today)
            if not cities:
                # "…，以及后天的天气" / "what time is it there": the place carries over.
                prev = next((x for x in reversed(drafts) if x.tool in _CITY_TOOLS and "city" in x.entities), None)
                if prev is not None and (d.tool == "weather" or _THERE.search(p.masked)):
                    d.entities["city"] = prev.entities["city"]
                    if d.tool == "datetime":
                        _set_timezone(d.entities)
                elif d.tool == "weather" and (home := _remembered_city(drafts)):
                    # "记住我住在上海，然后查一下明天的天气": the place just stated is the one meant.
                    d.entities["city"] = home
            if len(cities) > 1:
                for city in cities:
                    drafts.append(replace(d, entities={**d.entities, "city": city}, depends_on=[]))
                continue
        if d.tool == "sql_query":
            ids = find_order_ids(p.masked)
            if len(ids) > 1:
                for oid in ids:
                    drafts.append(replace(d, entities={**d.entities, "order_id": oid}, depends_on=[]))
                continue
        drafts.append(d)
    return drafts


def _remembered_city(drafts: list[_Draft]) -> str | None:
    for x in reversed(drafts):
        cities = find_cities(str(x.entities.get("memory", "")))
        if cities:
            return cities[0]
    return None


def _set_dependencies(drafts: list[_Draft]) -> None:
    for i, d in enumerate(drafts):
        if d.depends_on:
            continue
        earlier = [j for j in range(i) if drafts[j].part < d.part and drafts[j].type != "chitchat"]
        if not earlier:
            continue
        last_part = drafts[earlier[-1]].part
        group = [j for j in earlier if drafts[j].part == last_part and not drafts[j].auxiliary] or [
            j for j in earlier if drafts[j].part == last_part
        ]
        # A run of lookups on one tool right before feeds the dependent clause as a whole.
        k = group[0] - 1
        tool = drafts[group[0]].tool
        while tool in _LOOKUP_TOOLS and k >= 0 and drafts[k].tool == tool:
            group.insert(0, k)
            k -= 1
        explicit = d.marker or d.operator_start
        implicit = d.type in _GENERATED and not d.own_content and not d.independent
        # A fetched page is read by the clause after it ("Read URL and list the breaking changes").
        fetched = drafts[group[-1]].tool == "http_get" and d.tool is None and not d.own_content and not d.independent
        # "写一个Python函数判断闰年，并且用中文解释一下思路": explaining right after generating explains what was made.
        explains = (
            d.type == "question_answering" and d.tool is None and not d.independent and not d.own_content
            and drafts[group[-1]].type in ("code_generation", "creative_writing") and bool(EXPLAIN.search(d.clause))
        )
        implicit = implicit or fetched or explains
        if explicit or implicit:
            chosen = earlier if d.plural and explicit else group
            d.depends_on = list(chosen)


def _strong(graph: IntentGraph, cue: bool) -> bool:
    return graph.clarification is None and cue and any(i.type != "chitchat" for i in graph.intents)


def _context_candidates(context: Sequence[str], now: datetime | None, tz: str) -> list[tuple[str, IntentGraph]]:
    """Recent turns that are requests in their own right, newest first."""
    requests: list[tuple[str, IntentGraph]] = []
    others: list[tuple[str, IntentGraph]] = []
    for turn in reversed(list(context)[-MAX_CONTEXT_TURNS:]):
        turn = turn[:MAX_CONTEXT_CHARS]
        graph, cue = _parse(turn, now, tz, (), None, use_context=False)
        if _strong(graph, cue):
            # Answers are statements; the turn to repeat is the user's request.
            (requests if _REQUEST_LIKE.search(turn.strip()) else others).append((turn, graph))
    return requests + others


def _clarify(kind: str, lang: str) -> str:
    zh, en = CLARIFICATIONS[kind]
    return zh if lang == "zh" else en


def _finish(drafts: list[_Draft], lang: str, clarification: str | None) -> IntentGraph:
    intents = [
        Intent(
            id=f"i{n + 1}",
            type=d.type,  # type: ignore[arg-type]
            tool=d.tool,
            text=d.text,
            entities=d.entities,
            depends_on=[f"i{j + 1}" for j in sorted(set(d.depends_on))],
        )
        for n, d in enumerate(drafts)
    ]
    return IntentGraph(language=lang, intents=intents, clarification=clarification)


def _renumber(graph: IntentGraph, overrides: dict[str, Any] | None = None) -> list[_Draft]:
    drafts: list[_Draft] = []
    ids = {i.id: n for n, i in enumerate(graph.intents)}
    for n, i in enumerate(graph.intents):
        ent = dict(i.entities)
        if overrides and i.tool in _LOOKUP_TOOLS:
            if "cities" in overrides and i.tool in _CITY_TOOLS:
                ent["city"] = overrides["cities"][0]
            if "date" in overrides:
                ent.pop("days", None)
                ent.update({k: v for k, v in overrides.items() if k in ("date", "days")})
        drafts.append(_Draft(i.type, i.tool, i.text, ent, n, depends_on=[ids[x] for x in i.depends_on]))
    return drafts


def _parse(
    text: str,
    now: datetime | None,
    tz: str,
    context: Sequence[str],
    fallback: Fallback | None,
    use_context: bool = True,
) -> tuple[IntentGraph, bool]:
    today = _today(now, tz)
    raw_instruction, sep, payload = split_payload(text, lambda s: fix_typos(normalize(s)))
    if not _PUNCT.sub("", normalize(raw_instruction)) and _PUNCT.sub("", normalize(payload[:_INSTRUCTION_WINDOW])):
        # Nothing but punctuation before the content: read the content's head as the instruction.
        raw_instruction, sep, payload = payload[:_INSTRUCTION_WINDOW], "", payload[_INSTRUCTION_WINDOW:]
    clean = normalize(raw_instruction)
    m = mask_quotes(clean)
    instruction = fix_typos(m.text)
    lang = detect_language(instruction, _default_language(context, tz))
    if not _PUNCT.sub("", instruction):
        return IntentGraph(language=lang, intents=[], clarification=_clarify("empty", lang)), False
    payload = sep + payload if payload.strip() else ""

    whole = _PUNCT.sub("", instruction)
    no_content = not payload and not has_placeholder(instruction)
    again_rest = _without_entities(_AGAIN.sub(" ", instruction), today)
    is_again = no_content and bool(_AGAIN.search(instruction)) and not _residue(again_rest, _FILLER)
    is_referent = no_content and not is_again and bool(_REFERENT.search(instruction)) and not _residue(
        _REFERENT.sub(" ", instruction), _FILLER
    ) and not find_url(instruction)
    parts = _parts(m, instruction, payload, today)
    is_ellipsis = len(parts) == 1 and parts[0].ellipsis

    if use_context and (is_again or is_ellipsis or (is_referent and whole)):
        candidates = _context_candidates(context, now, tz)
        head = parts[0].cls
        typed = head.cue and (head.type != "question_answering" or EXPLAIN.search(instruction))
        if is_referent and typed and head.tool in (None, "calculator"):
            # "把这个翻译一下": the task is known, its object is the last turn.
            d = _Draft(head.type, None, _strip_connector(m.restore(instruction)), {}, 0)
            d.entities = _entities(d, instruction, instruction, today, lang)
            if context:
                d.entities["referent"] = context[-1][:MAX_CONTEXT_CHARS]
                return _finish([d], lang, None), True
            return _finish([d], lang, _clarify("referent", lang)), True
        if candidates:
            _, graph = candidates[0]
            overrides = parts[0].overrides if is_ellipsis else _overrides(instruction, today) if is_again else None
            return _finish(_renumber(graph, overrides), lang, None), True
        if is_referent and context:
            d = _Draft("question_answering", None, _strip_connector(m.restore(instruction)), {}, 0)
            d.entities["referent"] = context[-1][:MAX_CONTEXT_CHARS]
            return _finish([d], lang, None), True
        if is_ellipsis:
            return _finish([], lang, _clarify("referent", lang)), True
        return _finish([], lang, _clarify("again" if is_again else "referent", lang)), True

    drafts = _drafts(parts, m, payload, today, lang)
    if fallback is not None:
        for d in drafts:
            if not d.cue or d.generic:
                better = fallback.classify(d.clause or d.text, lang)
                if better is None:
                    continue
                guess = replace(d, type=better.type, tool=better.tool, cue=True)
                guess.entities = _entities(guess, d.text, d.text, today, lang)
                if guess.tool == "calculator" and "expression" not in guess.entities:
                    continue  # arithmetic in words the rules can't read: a generated answer beats a failing tool call
                d.type, d.tool, d.cue, d.entities = guess.type, guess.tool, True, guess.entities
    _set_dependencies(drafts)
    cue = any(d.cue for d in drafts)

    clarification: str | None = None
    first = drafts[0] if drafts else None
    needs_object = first is not None and not first.own_content and not first.depends_on and (
        (first.marker and _REFERENT.search(parts[0].masked) and first.type in _GENERATED + ("question_answering",))
        or first.type in ("translation", "summarization") and not _residue(_strip_connector(parts[0].masked), _FILLER)
    )
    if first is not None and needs_object:
        # "翻译一下" / "summarize it" with nothing to work on: the object is the last turn, or ask.
        if use_context and context:
            first.entities["referent"] = context[-1][:MAX_CONTEXT_CHARS]
        else:
            clarification = _clarify("referent", lang)
    for d in drafts:
        if clarification:
            break
        if d.tool == "weather" and "city" not in d.entities:
            city = _city_from_context(context) if use_context else None
            if city:
                d.entities["city"] = city
            else:
                clarification = _clarify("city", lang)
        elif d.tool == "sql_query" and not d.entities:
            order_id = _order_from_context(context) if use_context else None
            if order_id:
                d.entities["order_id"] = order_id
            else:
                clarification = _clarify("order", lang)
    return _finish(drafts, lang, clarification), cue


_ZH_ZONES = frozenset({"Asia/Shanghai", "Asia/Chongqing", "Asia/Harbin", "Asia/Urumqi", "Asia/Hong_Kong",
                       "Asia/Macau", "Asia/Taipei", "PRC", "ROC"})


def _default_language(context: Sequence[str], tz: str) -> str:
    """Language for a request without letters: the session's, else the time zone's."""
    for turn in reversed(list(context)[-MAX_CONTEXT_TURNS:]):
        lang = detect_language(turn[:200], "")
        if lang:
            return lang
    return "zh" if tz in _ZH_ZONES else "en"


def _city_from_context(context: Sequence[str]) -> str | None:
    for turn in reversed(list(context)[-MAX_CONTEXT_TURNS:]):
        cities = find_cities(normalize(turn[:MAX_CONTEXT_CHARS]))
        if cities:
            return cities[-1]
    return None


def _order_from_context(context: Sequence[str]) -> str | None:
    for turn in reversed(list(context)[-MAX_CONTEXT_TURNS:]):
        order_id = find_order_id(normalize(turn[:MAX_CONTEXT_CHARS]))
        if order_id:
            return order_id
    return None


def parse_request(
    text: str,
    *,
    now: datetime | None = None,
    tz: str = "Asia/Shanghai",
    context: Sequence[str] = (),
    fallback: Fallback | None = None,
) -> IntentGraph:
    """Parse one request into an intent graph.

    ``now`` is the reference time for relative dates (default: the current time), read in time
    zone ``tz``. ``context`` holds the session's recent turns (earlier requests and answers,
    oldest first); it resolves referents ("再来一次", "translate that", "上海呢？") and fills a
    missing city or order id. ``fallback`` re-classifies clauses no rule recognised.
    """
    graph, _ = _parse(text, now, tz, context, fallback)
    return graph
