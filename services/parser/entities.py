"""Entity extraction: city, order_id, url, target_language, topic, query, programming_language, memory."""

from __future__ import annotations

import re

from .lexicon import (
    EN_CITIES,
    EN_LANGUAGES,
    PROGRAMMING_LANGUAGES,
    ZH_CITIES,
    ZH_LANGUAGES,
)
from .text import HAN, URL_RE, detect_language

# Every entity key the parser emits, with its meaning (the contract of `Intent.entities`).
ENTITY_KEYS: dict[str, str] = {
    "city": "weather/datetime: the place as written in the request (`北京`, `Beijing`, `HONG KONG`).",
    "timezone": "datetime: IANA zone of a known `city` (`Asia/Tokyo`); the datetime tool takes a zone.",
    "date": "weather/datetime/sql_query: ISO date, relative words resolved against `now` in `tz`.",
    "days": "weather: length of a range (`未来三天`, `next 5 days`, `周末` = 2); `date` is its first day. "
    "datetime add: days to add (negative: before).",
    "order_id": "sql_query: the id after 订单/单号/order/# (letters, digits, dashes; has a digit).",
    "query": "kb_search/sql_query: the question in natural language, request phrasing stripped. For "
    "sql_query it is NOT SQL: it needs text-to-SQL (or use `order_id`).",
    "expression": "calculator: normalized arithmetic, digits and + - * / ^ % ( ) only (`(12+8)*3`). An operand "
    "that is an earlier result is a reference: `{i1}` (intent i1 of this request, also in `depends_on`) or "
    "`{last}` (the session's previous turn): `再减去20` after i1 -> `{i1}-20` (chain.py).",
    "value": "convert_units: the amount to convert (a number, or a reference `{i1}`/`{last}`).",
    "from_unit": "convert_units: the amount's unit, canonical symbol (`km`, `°F`, `kg`).",
    "to_unit": "convert_units: the unit asked for, canonical symbol (`mi`, `°C`, `斤`).",
    "operation": "datetime: `add` (start + an offset: `2025年3月1日加上45天`) or `diff` (days from start to end: "
    "`距离元旦还有几天`).",
    "start": "datetime add/diff: ISO date the arithmetic starts from (today when the request names none).",
    "end": "datetime diff: ISO date it ends at.",
    "weeks": "datetime add: weeks to add (negative: before).",
    "months": "datetime add: calendar months to add.",
    "years": "datetime add: calendar years to add.",
    "text": "text_stats: the text to count in (the payload after the colon, or the quoted text).",
    "phrase": "text_stats: the word or phrase whose occurrences are counted (`“苹果”出现了几次`).",
    "url": "http_get: the URL to fetch.",
    "target_language": "translation: ISO 639-1 code of the language asked for.",
    "programming_language": "code_generation: python, javascript, typescript, java, cpp, csharp, go, rust, "
    "ruby, php, kotlin, swift, bash, sql, html, css, scala, r.",
    "topic": "creative_writing: the subject when stated (`关于秋天的诗` -> 秋天, `a poem about the sea` -> sea).",
    "referent": "the earlier turn (from `context`) that `这个/that/it` refers to, when the request has no "
    "other object (`把这个翻译成英文`).",
    "memory": "chitchat, tool null: a fact or preference to remember, as stated after the cue (`记住我喜欢喝无糖的"
    "咖啡` -> 我喜欢喝无糖的咖啡, `note that our office is in Hangzhou` -> our office is in Hangzhou).",
    "memory_kind": "with `memory`: `preference` (likes, dislikes, habits: 我喜欢/我不吃/I prefer/I hate) or `fact`.",
}

_ZH_CITY_RE = re.compile("|".join(sorted(ZH_CITIES, key=len, reverse=True)))
# Letters, not \b, bound a city name: "明天Shanghai的weather" has no \b around Shanghai.
_EN_CITY_RE = re.compile(
    r"(?<![A-Za-z])(?:" + "|".join(re.escape(c) for c in sorted(EN_CITIES, key=len, reverse=True)) + r")(?![A-Za-z])",
    re.I,
)
_ZH_CITY_GUESS = re.compile(f"([{HAN}]{{2,4}}?)(?:市|县)?的?(?:天气|气温|温度|会不会|要不要|冷不冷|热不热|下雨|下雪)")
# Times of day and going out are not places ("明天早上出门要不要穿秋裤" names no city).
_ZH_NOT_PLACE = re.compile("早上|晚上|中午|下午|上午|傍晚|夜里|半夜|凌晨|出门|出去|外面|外头|路上|家里|穿|带")
_ZH_CITY_STOP = re.compile("[的天气今明后昨我你他她它们一下查询看请帮给要想知道告诉问这那哪里么怎样周星期末未来几个月号日点现在气温度会不要冷热]")
# A name as the subject of a weather clause ("Is Lyon going to be sunny tomorrow?", "Will Porto get rain",
# "San Diego forecast for tomorrow"): only read where the clause is about weather (``allow_guess``).
_EN_CITY_SUBJECT = re.compile(
    r"\b(?i:is|will|does|did|was|should)\s+([A-Z][a-z'\-]+(?:\s+[A-Z][a-z'\-]+)?)\s+(?:be|going|get|have|see|expect|stay)\b"
    r"|^\W*([A-Z][a-z'\-]+(?:\s+[A-Z][a-z'\-]+)?)(?:'s)?\s+(?:weather|forecast|temperatures?)\b")
_EN_CITY_GUESS = re.compile(r"\b(?:in|for|at)\s+([A-Z][a-z'\-]+(?:\s+[A-Z][a-z'\-]+)?)")
EN_NOT_CITY = {"The", "My", "This", "That", "Celsius", "Fahrenheit", "English", "Chinese", "Python", "January",
                "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                "Sunday", "Total", "Detail", "Details", "Order", "Summary", "Japanese", "French", "German",
                "Spanish", "Korean", "Russian", "Italian"}

_HASH_ID_RE = re.compile(r"#([A-Za-z0-9\-]{4,})")

_ZH_LANG = "|".join(sorted(ZH_LANGUAGES, key=len, reverse=True))
_EN_LANG = "|".join(sorted(EN_LANGUAGES, key=len, reverse=True))
_ZH_TARGET_RES = [
    re.compile(f"(?:翻译|译|翻)(?:一下)?(?:成|为|到|作)(?:地道的|标准的|正式的)?({_ZH_LANG})"),
    re.compile(f"用({_ZH_LANG})(?:怎么|如何|咋)?(?:说|讲|表达|写)"),
    re.compile(f"({_ZH_LANG})(?:怎么|如何|咋)(?:说|讲|表达|写)"),
    re.compile(f"(?:转成|转换成|改成|变成|弄成|搞成|整成|换成)({_ZH_LANG})"),
    re.compile(f"翻一?下?[^，,。：:]{{0,8}}?(?:成|为|到)({_ZH_LANG})"),
]
_EN_TARGET_RES = [
    re.compile(rf"\b(?:into|to|in)\s+(?:proper\s+|formal\s+|simple\s+|plain\s+)?({_EN_LANG})\b", re.I),
]
# A language named before the word for translation ("英文翻译一下：…", "Chinese translation please: …", "German
# version:"): the translation's language, unless it names the text given ("这段英文翻译一下", "下面的中文翻译一下": a
# demonstrative right before it; or the text after a colon is already in it): then the translation goes the other
# way between Chinese and English.
_ZH_NAMED_FIRST = re.compile(f"((?:这段|这句|这篇|这份|这些|下面的?|以下的?|上面的?)?)({_ZH_LANG})(?:的)?(?:翻译|译文|版本?)")
_EN_NAMED_FIRST = re.compile(rf"()\b({_EN_LANG})\s+(?:translation|version|please)\b", re.I)


def _named_first(text: str) -> str | None:
    """See above."""
    m = _ZH_NAMED_FIRST.search(text) or _EN_NAMED_FIRST.search(text)
    if m is None:
        return None
    code = ZH_LANGUAGES.get(m.group(2)) or EN_LANGUAGES[m.group(2).lower()]
    given = re.split(r"[：:]", text[m.end():], maxsplit=1)
    names_the_source = bool(m.group(1)) or (len(given) == 2 and bool(given[1].strip())
                                            and detect_language(given[1]) == code)
    if names_the_source and code in ("zh", "en"):
        return "en" if code == "zh" else "zh"
    return code

REFERENT_WORDS_ZH = ("它们", "它", "这个", "那个", "这些", "那些", "上面的", "上述", "以上", "刚才的", "之前的",
                     "前面的", "这段", "那段", "这句", "那句", "此", "结果")
_REFERENT_TOPIC = re.compile(
    r"^(?:它|这个|那个|这些|那些|上面|上述|以上|此|结果|该)|^(?:it|that|this|them|those|these|the results?|"
    r"the above|the weather|the forecast|the answer|the output|the data)\b",
    re.I,
)
_ZH_TOPIC_RES = [
    # the last 的 before the kind of writing closes the topic: "关于我的暑假的作文" -> 我的暑假
    re.compile(f"关于([^，,。.!?！？]{{1,30}})的(?:[{HAN}]{{0,6}})$"),
    re.compile("关于([^，,。.!?！？]{1,30})$"),
    re.compile(r"以([^，,。.!?！？]{1,20}?)为(?:题|主题|话题)"),
    re.compile(r"(?:主题|题目|话题)(?:是|为|:)\s*([^，,。.!?！？]{1,20})"),
    re.compile(f"(?:写|作|创作|编|来|生成)(?:一|1|几)?[首篇段个则句份封条]?([{HAN}A-Za-z0-9]{{1,10}}?)的(?:诗|诗歌|现代诗|古诗|故事|童话|散文|文章|歌词|小说|作文|短文|笑话|段子)"),
]
_EN_TOPIC_RES = [
    re.compile(r"\b(?:about|on the (?:topic|subject) of|on)\s+(.+?)\s*$", re.I),
    re.compile(r"\b(?:topic|theme|subject)(?: is|:)\s+(.+?)\s*$", re.I),
]
_EN_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.I)
_ZH_TOPIC_TAIL = re.compile(r"(?:的|吧|呢|啊|呀)+$")
_ZH_TOPIC_VERB = re.compile(r"^(?:描写|描述|描绘|赞美|歌颂|讲述|关于|有关)")
_EN_TOPIC_TAIL = re.compile(r"\s+(?:for me|please|pls|in \w+|with .*)$", re.I)

_QUERY_PREFIX_ZH = re.compile(
    r"^(?:(?:查|看|搜|找)下(?![午周个月次半年面边])|先|首先|请问|请|麻烦你?|帮我|帮忙|基于|根据|按照|参考|给我|替我|我想知道|我想问一下|想问一下|问一下|能不能|可以|你能|能否|告诉我|"
    r"在知识库(?:里|中)?|从知识库(?:里|中)?|去知识库(?:里|中)?|在文档(?:里|中)?|"
    r"查询一下|查询|查一下|查查|查找|查|搜索一下|搜索|搜一下|搜|检索|看看|看一下|统计一下|统计|列出|找一下|找出|找|"
    r"拉一下|拉下|拉个|导出|调出|我想问一?下|想问一?下|问一?下|我想问问|想问问)+"
)
_QUERY_PREFIX_EN = re.compile(
    r"^(?:(?:please|pls|can you|could you|would you|tell me|show me|i want to know|i'd like to know|"
    r"(?:search|check|look in|look up in) the (?:knowledge base|kb|docs|documentation|help center|faq)(?: for)?|"
    r"(?:in|from) the (?:knowledge base|kb|docs|documentation)|search|look up|lookup|find|query|check|list|get|give me"
    r"|pull(?: up)?|get me)"
    r"\b[\s,]*)+",
    re.I,
)
# Words that only name where to look ("Check the knowledge base:", "search our docs for", "查知识库：", "知识库里查一下",
# "在公司文档里"), ending at the question they are for: a preposition/particle, a lookup verb or a colon-like mark
# must close them, so a question about the source itself ("员工手册在哪里下载", "is the wiki up to date") keeps it.
_SOURCE_NOUN_EN = (r"(?:(?:the|our|your|my|the company's|company)\s+)?(?:internal\s+|company\s+|team\s+)?"
                   r"(?:knowledge base|kb|docs|documents|documentation|wiki|handbook|help center|faq)")
_SOURCE_NOUN_ZH = r"(?:我们的?|公司的?|咱们的?|内部的?)?(?:知识库|文档|资料库|内部资料|员工手册|手册)"
_LOOK_ZH = r"(?:查一?下|查查|查|搜一?下|搜索|检索|翻一?下|翻翻|看一?下|看看|找一?下|找找)"
SOURCE_ONLY = re.compile(
    r"^\s*(?:(?:please|pls|kindly|can you|could you|would you)\s+)*"
    r"(?:(?:check|search|consult|look (?:it |this |that )?up in|look (?:it |this |that )?up|look in|go through|dig through"
    r"|in|from|per|according to|using|based on)\s+)?" + _SOURCE_NOUN_EN + r"(?:\s+(?:for|on|about))?\s*$"
    r"|^\s*(?:请|麻烦|帮我|帮忙|你)*(?:在|去|从|到|根据|按照)?" + _LOOK_ZH + r"?" + _SOURCE_NOUN_ZH
    + r"(?:里面|里|中|上)?" + _LOOK_ZH + r"?(?:一下)?\s*$",
    re.I,
)
_SOURCE_LEAD = re.compile(
    r"^\s*(?:(?:please|pls|kindly|can you|could you|would you)\s+)*"
    r"(?:(?:check|search|consult|look (?:it |this |that )?up in|look (?:it |this |that )?up|look in|go through|dig through"
    r"|in|from|per|according to|using|based on)\s+)?" + _SOURCE_NOUN_EN
    + r"(?:\s+(?:for|on|about)\b|\s*[:：—–]+|\s*,)\s*"
    r"|^\s*(?:请|麻烦|帮我|帮忙|你)*(?:在|去|从|到|根据|按照)?" + _LOOK_ZH + r"?" + _SOURCE_NOUN_ZH
    + r"(?:(?:里面|里|中|上)" + _LOOK_ZH + r"?(?:一下)?|" + _LOOK_ZH + r"(?:一下)?)?\s*[:：，,—]*\s*",
    re.I,
)
_QUERY_SUFFIX = re.compile(r"(?:[?？。.!！,，~]|吗|呢|呀|啊|please)+\s*$", re.I)


def find_cities(text: str, allow_guess: bool = False) -> list[str]:
    """Cities as written, in text order, without repeats. ``allow_guess`` also accepts an unknown
    name in a weather phrase (``绵阳明天天气`` -> 绵阳, ``weather in Springfield`` -> Springfield)."""
    hits: list[tuple[int, str]] = [(m.start(), m.group(0)) for m in _ZH_CITY_RE.finditer(text)]
    hits += [(m.start(), m.group(0)) for m in _EN_CITY_RE.finditer(text)]
    if not hits and allow_guess:
        for m in _ZH_CITY_GUESS.finditer(text):
            name = m.group(1)
            while name and _ZH_CITY_STOP.match(name[0]):
                name = name[1:]
            if len(name) >= 2 and not _ZH_CITY_STOP.search(name) and not _ZH_NOT_PLACE.search(name):
                hits.append((m.start(1), name))
                break
        for m in [*_EN_CITY_GUESS.finditer(text), *_EN_CITY_SUBJECT.finditer(text)]:
            g = 1 if m.group(1) else 2
            name = m.group(g)
            if name.split()[0] not in EN_NOT_CITY:
                hits.append((m.start(g), name))
                break
    if hits and allow_guess:
        hits += _joined_names(text, hits)
    hits.sort()
    seen: list[str] = []
    covered: list[tuple[int, int]] = []
    for start, name in hits:
        if any(s <= start < e for s, e in covered):
            continue
        covered.append((start, start + len(name)))
        if name.lower() not in (s.lower() for s in seen):
            seen.append(name)
    return seen


# "Denver and Salt Lake City", "Dublin, Cork and Galway": capitalised names listed with a known city are places too.
_EN_JOINED = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or|&)\s+)([A-Z][a-z'\-]+(?:\s+[A-Z][a-z'\-]+){0,2})")


def _joined_names(text: str, hits: list[tuple[int, str]]) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    ends = [start + len(name) for start, name in hits]
    while ends:
        end = ends.pop()
        m = _EN_JOINED.match(text, end)
        if m is None or m.group(1).split()[0] in EN_NOT_CITY or any(s == m.start(1) for s, _ in hits + found):
            continue
        found.append((m.start(1), m.group(1)))
        ends.append(m.end(1))
    return found


# Ids read out digit by digit in Chinese ("订单号八八一二三四五", "幺三五七九", "二零二六一一零一"): three or more
# digit characters in a row, no 十/百 units (those are amounts, read by arith.py).
_ZH_DIGIT = {"零": "0", "〇": "0", "洞": "0", "幺": "1", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6",
             "七": "7", "八": "8", "九": "9"}
_ZH_DIGIT_RUN = re.compile(f"[{''.join(_ZH_DIGIT)}]{{3,}}")
# Several ids after one 订单/orders: "订单12345和67890", "orders 4471 and 4472", "订单A100、A200、A300".
_MORE_IDS = re.compile(r"\s*(?:和|跟|与|及|以及|还有|、|,|，|/|&|\band\b|\bor\b|或)\s*(?:订单号?|单号|order\s*)?#?([A-Za-z]{0,4}-?\d[A-Za-z0-9\-]{2,})",
                       re.I)
_ORDER_LIST_RE = re.compile(
    r"(?:订单|单号|orders?|tracking)\s*(?:号码|编号|号|numbers?|nos?\.?|ids?|#)?\s*(?:是|为|:|#)?\s*#?([A-Za-z0-9][A-Za-z0-9\-]{3,})",
    re.I,
)


# A number with 号 before the word for order ("1024号订单", "查一下8812号单的物流"); lists of ids before it are _ids_before's.
_NUMBERED_ORDER = re.compile(r"(?<![A-Za-z0-9\-])([A-Za-z]{0,4}-?\d[A-Za-z0-9\-]{2,})号(?:的)?(?:订单|单子|单)")


def digits_of_zh_ids(text: str) -> str:
    """``text`` with Chinese digit-by-digit runs as ASCII digits (``订单幺三五七九`` -> ``订单13579``)."""
    if not _ZH_DIGIT_RUN.search(text):
        return text
    return _ZH_DIGIT_RUN.sub(lambda m: "".join(_ZH_DIGIT[ch] for ch in m.group(0)), text)


# Ids listed before the word that says what they are ("QX-501、QX-502 这两个订单", "88120、88121 这几个单子", "66120 这个订单").
_ID = r"[A-Za-z]{0,4}-?\d[A-Za-z0-9\-]{2,}"
_IDS_BEFORE_RE = re.compile(
    r"(?<![A-Za-z0-9\-])(" + _ID + r"(?:\s*(?:和|跟|与|及|以及|还有|、|,|，|/|&|\band\b|或)\s*" + _ID + r")*)"
    r"\s*(?:这|那)?(?:[一两俩二三四五六七八九十几]|\d)?(?:个|笔|张)?(?:订单|单子|单号|包裹|快递)", re.I)


def _ids_before(text: str) -> list[str]:
    ids: list[str] = []
    for m in _IDS_BEFORE_RE.finditer(text):
        ids += [i for i in re.findall(_ID, m.group(1)) if any(ch.isdigit() for ch in i)]
    return ids or [m.group(1) for m in _NUMBERED_ORDER.finditer(text)]


def find_order_id(text: str) -> str | None:
    """The id after 订单/单号/order (must contain a digit), or a ``#1234`` tag."""
    text = digits_of_zh_ids(text)
    for m in _ORDER_LIST_RE.finditer(text):
        if any(ch.isdigit() for ch in m.group(1)):
            return m.group(1)
    tag = _HASH_ID_RE.search(text)
    if tag and any(ch.isdigit() for ch in tag.group(1)):
        return tag.group(1)
    before = _ids_before(text)
    return before[0] if before else None


def find_order_ids(text: str) -> list[str]:
    """Every order id in ``text``, in order: each after its own 订单/order, or a list after one of them
    (``订单12345和订单67890``, ``订单12345和67890``, ``orders 4471, 4472 and 4473``)."""
    text = digits_of_zh_ids(text)
    ids: list[str] = []
    for m in _ORDER_LIST_RE.finditer(text):
        if not any(ch.isdigit() for ch in m.group(1)):
            continue
        ids.append(m.group(1))
        pos = m.end()
        while (more := _MORE_IDS.match(text, pos)) is not None:
            ids.append(more.group(1))
            pos = more.end()
    return list(dict.fromkeys(ids or _ids_before(text)))


def find_url(text: str) -> str | None:
    m = URL_RE.search(text)
    return m.group(0).rstrip(".,;:!?") if m else None


_ZH_ONE_LANG = {"中": "zh", "汉": "zh", "英": "en", "日": "ja", "韩": "ko", "法": "fr", "德": "de", "俄": "ru", "西": "es",
                "葡": "pt", "意": "it"}
_EN_CODE_LANG = {"en": "en", "zh": "zh", "cn": "zh", "ja": "ja", "jp": "ja", "ko": "ko", "kr": "ko", "fr": "fr", "de": "de",
                 "es": "es", "ru": "ru", "it": "it", "pt": "pt", **EN_LANGUAGES}


def find_target_language(text: str, original: str | None = None) -> str | None:
    """ISO 639-1 code of the language the user wants a translation in (``original``: the clause with its quoted or
    pasted text restored, where ``text`` has it masked)."""
    from .classify import EN_LANG_PAIR, ZH_LANG_PAIR

    if (m := ZH_LANG_PAIR.search(text)) is not None:
        return _ZH_ONE_LANG[m.group(2)]
    if (m := EN_LANG_PAIR.search(text)) is not None:
        return _EN_CODE_LANG.get(m.group(2).lower())
    for pattern in _ZH_TARGET_RES:
        m = pattern.search(text)
        if m:
            return ZH_LANGUAGES[m.group(1)]
    for pattern in _EN_TARGET_RES:
        m = pattern.search(text)
        if m:
            return EN_LANGUAGES[m.group(1).lower()]
    return _named_first(original or text)


def find_programming_language(text: str) -> str | None:
    low = text.lower()
    for m in re.finditer(r"c\+\+|c#|r语言|[a-z]+", low):
        if m.group(0) in PROGRAMMING_LANGUAGES:
            return PROGRAMMING_LANGUAGES[m.group(0)]
    if re.search(r"\bin go\b|用go|go语言|^(?:an?\s+)?go\s|\bgo\s+(?:\w+\s+)?(?:function|program|code|handler|server|script|service|module"
                 r"|cli|struct|routine|api|snippet)", low):
        return "go"
    return None


def find_topic(text: str) -> str | None:
    """Subject of a piece of writing (``写一首关于秋天的诗`` -> 秋天, ``a poem about the sea`` -> sea).
    A referent (``about it``, ``关于它``) is not a topic: that writing depends on an earlier intent."""
    clause = text.strip().rstrip("。.!！?？~ ,，;；")
    for pattern in _ZH_TOPIC_RES:
        m = pattern.search(clause)
        if m:
            topic = _ZH_TOPIC_VERB.sub("", _ZH_TOPIC_TAIL.sub("", m.group(1).strip()))
            return None if not topic or _REFERENT_TOPIC.match(topic) else topic
    for pattern in _EN_TOPIC_RES:
        m = pattern.search(clause)
        if m:
            topic = _EN_TOPIC_TAIL.sub("", m.group(1).strip())
            topic = _EN_ARTICLE.sub("", topic).strip()
            return None if not topic or _REFERENT_TOPIC.match(topic) else topic
    return None


_SEVERAL = re.compile(r"[两二三四五六七八九十2-9]\s*(?:首|篇|段|个|则|封|条|句)|\b(?:two|three|four|five|2|3|4|5)\s+\w+", re.I)
_ZH_PIECE = re.compile(r"(?:另)?(?:一|1|第[一二三四五六七八九十\d])(?:首|篇|段|个|则|封|条|句)(?:是|要)?(?:关于|写|描写|描述|讲|以)?"
                       r"([^，,。；;、]+?)(?:的|为主题的?)?(?=[，,。；;、]|$)")
_EN_PIECE = re.compile(r"\b(?:one|another|the other|the (?:first|second|third))\s+(?:about|on|for|of|describing|"
                       r"celebrating)\s+(.+?)(?=,|;|\.|\band\b|$)", re.I)


def several_pieces(text: str) -> list[str]:
    """The topics of a request for several pieces of writing, one each ("写两首诗，一首关于大海，一首关于星空" ->
    [大海, 星空]; "two haikus, one about snow and one about tea" -> [snow, tea]); [] for one piece."""
    if not _SEVERAL.search(text):
        return []
    found = [m.group(1) for m in _ZH_PIECE.finditer(text)] or [m.group(1) for m in _EN_PIECE.finditer(text)]
    topics = [_EN_ARTICLE.sub("", _ZH_TOPIC_TAIL.sub("", t.strip())).strip() for t in found]
    topics = [t for t in topics if t]
    return topics if len(topics) > 1 else []


def clean_query(text: str) -> str:
    """The question itself: request phrasing at the start and particles/punctuation at the end
    removed (``请问用户如何重置密码？`` -> ``用户如何重置密码``)."""
    q = text.strip()
    lead = _SOURCE_LEAD.match(q)
    # a lead ends at a colon-like mark or "for", or has a lookup verb ("员工手册里关于加班费是怎么规定的" is one question)
    if lead and lead.end() < len(q) and (lead.group(0).rstrip()[-1:] in ":：—–,，" or re.search(
            r"\b(?:for|on|about)\s*$", lead.group(0)) or re.search(_LOOK_ZH + "|根据|按照", lead.group(0))):
        q = q[lead.end():]
    q = _QUERY_PREFIX_ZH.sub("", q)
    q = _QUERY_PREFIX_EN.sub("", q)
    q = _QUERY_SUFFIX.sub("", q)
    return q.strip(" ,，:：、") or text.strip()


# A request to remember something: the cue opens the clause, the fact follows it.
_REMEMBER_CUE = re.compile(
    r"^(?:(?:请你?|麻烦你?|帮我|帮忙|你要?|要|一定要|务必|也|还要?|please|pls|can you|could you|would you)[\s,，]*)*"
    r"(?:记住|记一下|记下来?|记着|帮我记|别忘了|别忘记|不要忘了|不要忘记|请记得|要记得"
    r"|remember|note|make a note(?: of)?|take note(?: of)?|keep in mind|bear in mind|don't forget|do not forget"
    r"|for (?:future reference|the record))(?![A-Za-z])"
    # a particle after the cue is tone, not the fact ("记住哦 我老婆生日是3月8号", "记一下啊：…")
    r"(?:\s+that\b)?[\s:：,，]*(?:(?:哦|喔|噢|啊|呀|哈|了|啦|好了|一下)(?=[\s:：,，!！我咱]|$)[\s:：,，!！]*)?",
    re.I,
)
# Cues that are English words need what follows to be a statement ("remember to buy milk" is a reminder,
# "note the following" an instruction, "remember what I said?" a question).
_NOT_A_FACT = re.compile(
    r"^(?:to|what|where|when|who|whom|which|how|why|whether|if|me|this|that|it|these|those|the following)\b"
    r"|^(?:这个|那个|这些|那些|它|以下|下面|什么|哪|谁|怎么)|[?？吗呢]\s*$",
    re.I,
)
_PREFERENCE = re.compile(
    r"(?:^|[,，;；]\s*)(?:我们?|本人|俺)?(?:很|最|比较|更|特别|非常|真的|也|还|一直|都|通常|一般|平时|总是|从来)*"
    r"(?:不?喜欢|不?爱|讨厌|偏好|偏爱|不?习惯|不吃|不喝|不要|想要|希望|倾向于?|宁愿|宁可|受不了|忌口)"
    r"|我(?:最喜欢|最爱)的|我的(?:口味|偏好|爱好|习惯)"
    r"|\b(?:i|we)\s+(?:(?:really|also|usually|always|generally|much|do|don't|do not|never|strongly|would|'d)\s+)*"
    r"(?:prefer|like|love|hate|dislike|enjoy|can't stand|cannot stand|rather|avoid)\b"
    r"|\bmy (?:favou?rite|preference)\b"
    # One's own habits are preferences too ("我每天早上七点跑步", "I usually cycle to work", "I don't drink");
    # a group's routine is a fact ("我们每周五开例会").
    r"|(?:^|[,，;；]\s*)(?:我(?!们)|本人|俺)(?:每天|每晚|每周|每个?周末|每个?月|每年|平时|平常|通常|一般|经常|总是|习惯)"
    r"|\bi\s+(?:usually|normally|typically|often|always|never|rarely|seldom|generally)\s+\w+"
    r"|\bi\s+(?:don't|do not|never|can't|cannot)\s+(?:eat|drink|smoke|drive|cook|wear|watch|use|take|fly"
    r"|do (?:spicy|sugar|caffeine|dairy|meat|alcohol))\b"
    r"|\bi\s+(?:\w+\s+){1,5}every (?:day|morning|evening|night|week|weekend)\b",
    re.I,
)


def find_memory(text: str) -> tuple[str, str] | None:
    """(what to remember, ``preference`` or ``fact``) when ``text`` asks to remember something
    (``请记住我的生日是5月3日`` -> (我的生日是5月3日, fact)), else None."""
    m = _REMEMBER_CUE.match(text.strip())
    if m is None:
        return None
    content = text.strip()[m.end() :].strip().rstrip("。.!！~ ,，;；")
    # two words or a number; a masked quotation (private-use placeholder) counts as content too
    if not re.search(rf"[{HAN}]{{2}}|[A-Za-z]+\W+[A-Za-z]+|\d|[\ue000-\uf8ff]", content) or _NOT_A_FACT.search(content):
        return None
    return content, "preference" if _PREFERENCE.search(content) else "fact"
