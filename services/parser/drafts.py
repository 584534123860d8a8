"""Drafts: the intents-to-be of a request's parts, with their entities and dependencies (pipeline stages
6 to 8).

Each :class:`~.clauses.Part` becomes one :class:`Draft` or several: a lookup naming several cities or
order ids is expanded into one per city or id, an ellipsis ("上海呢？") repeats the lookup before it with
the new city or date, and a URL in a non-fetch clause adds an implicit ``http_get`` the clause reads.
Entities are extracted per tool and type; a city a weather clause leaves out carries over from the
clause before (or the place the user just stated). Dependencies come from explicit markers ("根据结果",
"translate it"), operator starts ("再乘以2"), and implicit ones: a generated text with no content of its
own works on what came before it.
"""

from __future__ import annotations

import functools
import re
import zoneinfo
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from autoglm.shared.events import Intent, IntentGraph

from .arith import expressions_of
from .classify import EXPLAIN, QUESTION_WORD, expression_of
from .clauses import CITY_TOOLS, LOOKUP_TOOLS, SOURCE_PHRASE, Part, is_my_order, residue, strip_connector
from .dates import date_entities, find_dates
from .entities import (
    clean_query,
    find_cities,
    find_memory,
    find_order_id,
    find_order_ids,
    find_programming_language,
    find_target_language,
    find_topic,
    find_url,
    several_pieces,
)
from .lexicon import CITY_TIMEZONES
from .split import Masked, has_placeholder

# Markers that a clause uses an earlier clause's output.
_DEP_MARKER = re.compile(
    r"根据|据此|基于|依据|按照(?:结果|这个|上面)|参考(?:结果|这个|上面|以上)|结合(?:结果|以上|上面|上述|这些)|"
    r"(?:把|将|用|拿)(?:这个|这些|上面的?|上述|以上的?|查询的?|查到的?|得到的?|计算的?|算出的?)?结果|"
    r"结果|它们?|上述|以上|上面的?|这些信息|这些数据|这段|(?:这|那)句话?|该结果|"
    r"\bbased on\b|\baccording to\b|\busing (?:that|this|it|the|those|these)\b|\buse (?:that|this|it|the result)\b"
    r"|\b(?:about|of|from|with|on|into|for|translate|summari[sz]e|explain|turn|make|put|convert|rewrite|shorten|"
    r"send|describe|use|compare)\s+(?:it|that|this|them|those|these)\b"
    r"|\b(?:that|this|those|these)\s+(?:results?|answers?|output|info|information|data|forecast|number|value|"
    r"total|sum|findings|page|article|text|weather|response)\b|\bthe\s+(?:results?|answers?|output|findings|response)\b"
    r"|\bits\b|\btheir\b|单元测试|测试用例|\bunit tests?\b|\btests? for it\b"
    # "讲讲这个数是怎么算出来的", "那段代码再加上注释": an earlier output named by what it is
    r"|(?:这|那|该)(?:个|些|笔|段|份|条|篇)?(?:数字?|数值|值|金额|总[数额价和]|价格|答案|结论|情况|预报|摘要|总结|译文|代码|脚本|函数|程序|页面|网页)",
    re.IGNORECASE,
)

# "it" as a real pronoun, not the dummy subject of "is it raining" / "what time is it" / "how come it snows so much".
_IT = re.compile(r"\bit\b(?!'s|\s+is\b|\s+will be\b|\s+(?:snows?|rains?|snowed|rained|pours|gets|got|feels|seems|looks|takes"
                 r"|took|costs|matters|depends|happens|happened|turns out)\b)", re.IGNORECASE)

_DUMMY_IT = re.compile(r"\b(?:is|will|does|did|was|would|should|could|can|make)\s+it\s*$", re.IGNORECASE)

_THERE = re.compile(r"那里|那边|当地|该城市|\bthere\b", re.IGNORECASE)


def _uses_earlier(text: str) -> bool:
    if _DEP_MARKER.search(text):
        return True
    return any(not _DUMMY_IT.search(text[: m.end()]) for m in _IT.finditer(text))

# A piece of writing named by its occasion ("写一条给同事的请假说明", "a birthday message for my sister", "a farewell
# poem for my coworkers") has a subject of its own: it does not silently work on the task before it. An apology, a
# thank-you or a notice may well be about the result before it ("…，再写一封道歉信"), so they are not occasions here.
_OCCASION = re.compile(
    r"请假|生日|寿辰|婚礼|结婚|新婚|欢迎|告别|送别|欢送|邀请|祝贺|恭喜|祝福|新年|春节|元旦|中秋|端午|圣诞|节日|周年|辞职|离职|入职|"
    r"开业|毕业|升职|退休|慰问|表白|求职|自我介绍|"
    r"\b(?:birthday|wedding|farewell|goodbye|welcome|invitation|congratulat\w*|anniversary|retirement|resignation"
    r"|graduation|christmas|new year|get[- ]well|condolences?|cover letter|leave request|sick note|self[- ]introduction)\b",
    re.IGNORECASE,
)

_SINGLE_QUOTED = re.compile(r"(?<![A-Za-z])'[^'\n]{2,}'(?![A-Za-z])")

_PLURAL_MARKER = re.compile(r"以上|上述|这些|它们|都|\bthem\b|\bthose\b|\bthese\b|\bboth\b|\ball\b", re.IGNORECASE)
_INDEPENDENT = re.compile(r"^(?:另外|此外|还有|顺便|同时|also|additionally|separately|by the way|plus|as well as|meanwhile|and also)$",
                          re.IGNORECASE)
_OPERATOR_START = re.compile(r"^(?:再|结果|把结果|将结果)?(?:乘以|乘|除以|加上|加|减去|减|的平方)|^(?:multiply|divide|add|subtract|times|"
                             r"double|halve|square)\b", re.IGNORECASE)
GENERATED = ("creative_writing", "summarization", "translation")


@dataclass
class Draft:
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
    confidence: float = 0.9
    source: str = "rule"


def entities_of(d: Draft, masked: str, restored: str, today: date, lang: str) -> dict[str, Any]:
    ent: dict[str, Any] = {}
    if d.tool in CITY_TOOLS:
        cities = _cities(masked, d.tool, today)
        if cities:
            ent["city"] = cities[0]
    if d.tool == "datetime" and "city" in ent:
        set_timezone(ent)
    if d.tool in LOOKUP_TOOLS:
        ent.update(date_entities(masked, today))
    if d.tool == "sql_query":
        order_id = find_order_id(masked)
        if order_id:
            ent["order_id"] = order_id
        elif not is_my_order(masked):
            ent["query"] = clean_query(strip_connector(restored))
    if d.tool == "kb_search":
        ent["query"] = clean_query(strip_connector(_without_background(restored)))
    if d.tool == "calculator":
        expr = expression_of(masked)
        if expr:
            ent["expression"] = expr
    if d.tool == "http_get":
        url = find_url(masked)
        if url:
            ent["url"] = url
    if d.type == "translation":
        target = find_target_language(masked, restored)
        if target:
            ent["target_language"] = target
    if d.type == "code_generation":
        pl = find_programming_language(masked)
        if pl:
            ent["programming_language"] = pl
    if d.type == "creative_writing":
        topic = find_topic(SOURCE_PHRASE.sub("", restored)) if not has_placeholder(masked) else None
        if topic:
            ent["topic"] = topic
    return ent


_STATEMENT_END = re.compile(r"(?<=[。！!])|(?<=\.)\s+")


def _without_background(text: str) -> str:
    """The question without the statements that lead up to it ("下个月老板要来视察。帮我查下公司的接待标准" asks the
    knowledge base about the reception standard, not about the visit)."""
    pieces = [p for p in _STATEMENT_END.split(text) if p.strip()]
    while len(pieces) > 1 and not QUESTION_WORD.search(pieces[0]):
        pieces.pop(0)
    return "".join(pieces) if pieces else text


@functools.cache
def _iana_cities() -> dict[str, str]:
    """City name (lower case, as the IANA database spells its zones' cities) -> zone: "nairobi" -> Africa/Nairobi."""
    zones: dict[str, str] = {}
    for zone in sorted(zoneinfo.available_timezones()):
        head, _, city = zone.rpartition("/")
        if head and not head.startswith(("Etc", "SystemV", "US", "Canada", "Brazil", "Chile", "Mexico")):
            zones.setdefault(city.replace("_", " ").lower(), zone)
    return zones


def set_timezone(ent: dict[str, Any]) -> None:
    city = ent["city"]
    zone = CITY_TIMEZONES.get(city) or CITY_TIMEZONES.get(city.lower()) or _iana_cities().get(city.lower())
    if zone:
        ent["timezone"] = zone


def _cities(text: str, tool: str | None, today: date) -> list[str]:
    """Cities of a weather/datetime clause; unknown names are guessed once dates are cut out."""
    found = find_cities(text, allow_guess=bool(find_cities(text)))
    if found or tool != "weather":
        return found
    for d in sorted(find_dates(text, today), key=lambda d: -d.start):
        text = text[: d.start] + text[d.end :]
    return find_cities(text, allow_guess=True)


def make_drafts(parts: list[Part], m: Masked, payload: str, today: date, lang: str) -> list[Draft]:
    drafts: list[Draft] = []
    for idx, p in enumerate(parts):
        if p.ellipsis:
            base = [d for d in drafts if d.part == idx - 1 and d.tool in LOOKUP_TOOLS]
            if base:
                cities = p.overrides.get("cities") or [base[0].entities.get("city")]
                for city in cities:
                    ent = dict(base[0].entities)
                    if city:
                        ent["city"] = city
                    for key in ("date", "days"):
                        ent.pop(key, None) if "date" in p.overrides else None
                    ent.update({k: v for k, v in p.overrides.items() if k != "cities"})
                    drafts.append(Draft(base[0].type, base[0].tool, strip_connector(m.restore(p.masked)), ent, idx))
                continue
        restored = m.restore(p.masked)
        text = strip_connector(restored)
        if p.payload:
            text = (text + payload).strip()
        d = Draft(p.cls.type, p.cls.tool, text, {}, idx, cue=p.cls.cue, generic=p.cls.generic,
                   clause=strip_connector(restored), confidence=p.cls.rule_confidence)
        d.entities = entities_of(d, strip_connector(p.masked), restored, today, lang)
        memory = find_memory(strip_connector(m.restore(p.verbatim or p.masked))) if d.type == "chitchat" else None
        if memory:
            d.entities.update(memory=memory[0], memory_kind=memory[1])
        if d.generic and d.tool is None and drafts and drafts[-1].tool == "kb_search" and drafts[-1].part == idx - 1 and (
            _PROCEDURE.match(d.clause)
        ):
            # "How do I reset my password and how do I change my email?": the second question of the same kind
            # goes to the same place.
            d.type, d.tool, d.entities = "question_answering", "kb_search", {"query": clean_query(d.clause)}
        d.marker = _uses_earlier(strip_connector(p.masked))
        d.plural = bool(_PLURAL_MARKER.search(p.masked))
        d.own_content = bool(
            p.payload or has_placeholder(p.masked) or "topic" in d.entities or find_url(p.masked)
            or (d.type != "translation" and "expression" in d.entities)
            or (d.type == "creative_writing" and _OCCASION.search(p.masked))
            # "translate 'see you at the gate' into French": single quotes are left unmasked (apostrophes), but a
            # quoted phrase is still the text to work on
            or (d.type in GENERATED and _SINGLE_QUOTED.search(p.masked))
        )
        d.independent = bool(_INDEPENDENT.match(p.connector))
        d.operator_start = bool(_OPERATOR_START.match(strip_connector(p.masked)))
        url = find_url(p.masked)
        if url and d.tool != "http_get":
            drafts.append(Draft("lookup", "http_get", url, {"url": url}, idx, auxiliary=True))
            d.depends_on = [len(drafts) - 1]
            d.own_content = True
        if d.tool in CITY_TOOLS:
            cities = _cities(strip_connector(p.masked), d.tool, today)
            if not cities:
                # "…，以及后天的天气" / "what time is it there": the place carries over.
                prev = next((x for x in reversed(drafts) if x.tool in CITY_TOOLS and "city" in x.entities), None)
                if prev is not None and (d.tool == "weather" or _THERE.search(p.masked)):
                    d.entities["city"] = prev.entities["city"]
                    if d.tool == "datetime":
                        set_timezone(d.entities)
                elif d.tool == "weather" and (home := _remembered_city(drafts)):
                    # "记住我住在上海，然后查一下明天的天气": the place just stated is the one meant.
                    d.entities["city"] = home
            if len(cities) > 1:
                for city in cities:
                    one = replace(d, entities={**d.entities, "city": city}, depends_on=[])
                    if d.tool == "datetime":
                        one.entities.pop("timezone", None)
                        set_timezone(one.entities)  # each city its own zone ("东京和纽约现在几点")
                    drafts.append(one)
                continue
        if d.tool == "calculator":
            exprs = expressions_of(strip_connector(p.masked))
            if len(exprs) > 1:
                # "算一下 37*46 和 128/8": two sums asked together are two calculations.
                for expr in exprs:
                    drafts.append(replace(d, entities={**d.entities, "expression": expr}, depends_on=[]))
                continue
        if d.type == "creative_writing":
            topics = several_pieces(restored)
            if len(topics) > 1:
                # "写两首诗，一首关于大海，一首关于星空": one piece of writing per topic.
                for topic in topics:
                    drafts.append(replace(d, entities={**d.entities, "topic": topic}, depends_on=[]))
                continue
        if d.tool == "sql_query":
            ids = find_order_ids(p.masked)
            if len(ids) > 1:
                for oid in ids:
                    drafts.append(replace(d, entities={**d.entities, "order_id": oid}, depends_on=[]))
                continue
        drafts.append(d)
    return drafts


def _remembered_city(drafts: list[Draft]) -> str | None:
    for x in reversed(drafts):
        cities = find_cities(str(x.entities.get("memory", "")))
        if cities:
            return cities[0]
    return None


def set_dependencies(drafts: list[Draft]) -> None:
    for i, d in enumerate(drafts):
        if d.depends_on:
            continue
        earlier = [j for j in range(i) if drafts[j].part < d.part and drafts[j].type not in ("chitchat", "unsupported")]
        if not earlier:
            continue
        last_part = drafts[earlier[-1]].part
        group = [j for j in earlier if drafts[j].part == last_part and not drafts[j].auxiliary] or [
            j for j in earlier if drafts[j].part == last_part
        ]
        # A run of lookups on one tool right before feeds the dependent clause as a whole.
        k = group[0] - 1
        tool = drafts[group[0]].tool
        while tool in LOOKUP_TOOLS and k >= 0 and drafts[k].tool == tool:
            group.insert(0, k)
            k -= 1
        explicit = d.marker or d.operator_start
        implicit = d.type in GENERATED and not d.own_content and not d.independent
        # A fetched page is read by the clause after it ("Read URL and list the breaking changes").
        fetched = drafts[group[-1]].tool == "http_get" and d.tool is None and not d.own_content and not d.independent
        # "写一个Python函数判断闰年，并且用中文解释一下思路": explaining right after generating explains what was made.
        explains = (
            d.type == "question_answering" and d.tool is None and not d.independent and not d.own_content
            and bool(EXPLAIN.search(d.clause) or _TELL_HOW.search(d.clause))
            and (drafts[group[-1]].type in ("code_generation", "creative_writing") or _explains_nothing_else(d.clause))
        )
        # "基于公司的请假制度，帮我写一封请假邮件": the clause before was stated as the basis of what follows.
        premise = any(_PREMISE.match(drafts[j].clause) for j in group) and not d.independent
        implicit = implicit or fetched or explains or premise
        if implicit and not explicit and _answer_not_material(d, [drafts[j] for j in group]):
            # A clock reading or a finished translation is an answer, not material for new writing (a summary or a
            # translation, which need a text, still take it): only a clause that says so
            # ("根据译文写…", "based on the time there") builds on it ("…tell me the time in Singapore, and write a
            # short out-of-office reply" writes a reply of its own).
            implicit = False
        if explicit or implicit:
            chosen = earlier if d.plural and explicit else _named_source(drafts, earlier, d) or _past_explanation(
                drafts, group, d
            )
            d.depends_on = list(chosen)


# What an earlier output is called, by the tool or task that makes it ("根据天气写…" builds on the forecast even
# when a clock lookup came in between; "an email based on the summary").
_OUTPUT_NAMES: tuple[tuple[tuple[str | None, ...], re.Pattern[str]], ...] = (
    (("weather",), re.compile(r"天气|气温|预报|下雨|\b(?:weather|forecast|temperatures?|rain)\b", re.IGNORECASE)),
    (("datetime",), re.compile(r"时间|时差|几点|\b(?:the time|local time|time difference)\b", re.IGNORECASE)),
    (("sql_query",), re.compile(r"订单|物流|\b(?:order|shipment|delivery|status)\b", re.IGNORECASE)),
    (("kb_search",), re.compile(r"规定|政策|制度|标准|流程|\b(?:policy|policies|rules?|process|handbook|guidelines?)\b",
                                re.IGNORECASE)),
    (("http_get",), re.compile(r"页面|网页|文章|\b(?:page|article|site|website|csv|file)\b", re.IGNORECASE)),
    (("summarization",), re.compile(r"摘要|总结|概要|\b(?:summary|summaries|recap)\b", re.IGNORECASE)),
    (("translation",), re.compile(r"译文|翻译|\b(?:translation|translated)\b", re.IGNORECASE)),
    (("code_generation",), re.compile(r"代码|脚本|函数|程序|\b(?:code|script|function|program|snippet)\b", re.IGNORECASE)),
)


def _produces(d: Draft, kinds: tuple[str | None, ...]) -> bool:
    return d.tool in kinds or d.type in kinds


def _named_source(drafts: list[Draft], earlier: list[int], d: Draft) -> list[int]:
    """The earlier part whose output the clause names ("根据天气", "based on the forecast", "from the summary"),
    when the part right before it makes something else; [] when the name fits the part before or nothing."""
    if not d.marker:
        return []
    for kinds, pattern in _OUTPUT_NAMES:
        if not pattern.search(d.clause or d.text):
            continue
        last_part = drafts[earlier[-1]].part
        if any(_produces(drafts[j], kinds) for j in earlier if drafts[j].part == last_part):
            return []
        match = [j for j in earlier if _produces(drafts[j], kinds) and not drafts[j].auxiliary]
        if match:
            part = drafts[match[-1]].part
            return [j for j in match if drafts[j].part == part]
    return []


_NAMES_EXPLANATION = re.compile(r"解释|说明|讲解|思路|\bexplanation\b|\banswer\b", re.IGNORECASE)


def _past_explanation(drafts: list[Draft], group: list[int], d: Draft) -> list[int]:
    """"Write a script, explain how it works, then write a commit message for it": "it" is the script; the
    explanation of it, made right before, is not what the later clause works on (unless it says so)."""
    explained = [j for j in group if drafts[j].type == "question_answering" and drafts[j].tool is None
                 and drafts[j].depends_on]
    if not explained or len(explained) < len(group) or _NAMES_EXPLANATION.search(d.clause or d.text):
        return group
    return sorted({k for j in explained for k in drafts[j].depends_on})


_PREMISE = re.compile(r"^(?:根据|基于|依据|按照|参考|结合)|^(?:based on|according to|going by)\b", re.IGNORECASE)

_TELL_HOW = re.compile(
    r"讲讲|讲一下|说说|说一下|\bwalk me through\b|\bhow (?:you|did you) (?:got|get|arrived?|worked)\b|\bshow (?:your|the) work",
    re.IGNORECASE,
)
_HOW_IT_WAS_DONE = re.compile(
    r"解释|说明|讲解|讲讲|讲一下|说说|一下|下|怎么|咋|如何|为什么|为啥|算的|来的|得出|得到|过程|步骤|思路|原理|详细|具体|清楚|给我|我|的|了|吧|呢|请|再"
    r"|\bexplain(?:ing)?\b|\bwalk me through\b|\bhow\b|\bwhy\b|\bstep[- ]by[- ]step\b|\bin detail\b|\bthe steps\b|\bplease\b"
    r"|\byou\b|\bgot\b|\bthere\b|\bthat\b|\bit\b|\bworked?\b|\bdid\b|\bthe\b|\bme\b|\bthen\b|\band\b|\balso\b"
    r"|\bwalk\b|\bthrough\b|\bshow\b|\byour\b|\bwork(?:ing)?\b|\barrived?\b|\bget\b",
    re.IGNORECASE,
)
_PROCEDURE = re.compile(
    r"^(?:and\s+|also\s+|以及|还有|另外)?(?:how (?:do|can|should|would) (?:i|we)|how to|where (?:do|can) i|what(?:'s| is) the "
    r"(?:process|procedure|policy)|怎么|如何|怎样|在哪里?|哪里可以)",
    re.IGNORECASE,
)


def _explains_nothing_else(clause: str) -> bool:
    """"解释一下怎么算的" / "explain how you got there": an explanation with no subject of its own explains the
    result just before it (a calculation, a lookup), not a new topic ("然后解释一下什么是复利" has one)."""
    return len(residue(clause, _HOW_IT_WAS_DONE)) <= 2


def _answer_not_material(d: Draft, sources: list[Draft]) -> bool:
    """New writing (or a question) after a clock reading or a finished translation only: those are answers, not
    material, unless the clause names them (a summary or a translation, which need a text, still take them)."""
    return d.type not in ("summarization", "translation") and all(
        s.tool == "datetime" or s.type == "translation" for s in sources)


_DATA_TOOLS = ("sql_query", "weather", "calculator", "datetime", "convert_units")


def summaries_of_data_are_writing(drafts: list[Draft]) -> None:
    """A "summary" of figures the request looks up ("write a Slack message summarising both" after two metric
    queries, "根据这两个数据写一段周报摘要") is a piece of writing made from data, not the summary of a text: only a
    fetched page, a document or a written text is summarised (no labelled summary builds on a query, forecast or sum)."""
    for d in drafts:
        if d.type == "summarization" and d.depends_on and all(
                drafts[j].tool in _DATA_TOOLS for j in d.depends_on):
            d.type = "creative_writing"


def example_dependencies(drafts: list[Draft], fallback: Any, lang: str) -> None:
    """A clause the rules left independent builds on the clause before it when its nearest labelled examples
    did ("…，再给客户写条短信说明一下情况" after an order lookup); ``fallback.depends`` says so."""
    for i, d in enumerate(drafts):
        if d.depends_on or i == 0 or d.type in ("chitchat", "unsupported") or d.own_content or d.independent:
            continue
        prev = drafts[i - 1]
        if prev.part == d.part or prev.type in ("chitchat", "unsupported") or prev.auxiliary:
            continue
        sources = [j for j in range(i) if drafts[j].part == prev.part and not drafts[j].auxiliary]
        if _answer_not_material(d, [drafts[j] for j in sources]):
            continue  # the examples' vote does not outweigh what the clause does not name (see set_dependencies)
        if fallback.depends(d.clause or d.text, lang):
            d.depends_on = sources


def finish(drafts: list[Draft], lang: str, clarification: str | None) -> IntentGraph:
    intents = [
        Intent(
            id=f"i{n + 1}",
            type=d.type,  # type: ignore[arg-type]
            tool=d.tool,
            text=d.text,
            entities=d.entities,
            depends_on=[] if d.type == "unsupported" else [f"i{j + 1}" for j in sorted(set(d.depends_on))],
            confidence=round(min(max(d.confidence, 0.0), 1.0), 3),
            source=d.source,  # type: ignore[arg-type]
        )
        for n, d in enumerate(drafts)
    ]
    return IntentGraph(language=lang, intents=intents, clarification=clarification)
