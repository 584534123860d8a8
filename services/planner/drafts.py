"""Practical writing checked against the request, and a plain draft when the model's fails (pure; issue 16).

A reminder, notice, message, e-mail, greeting or slogan must carry what the user said: the day, the time, the
room, the amount, the name. :func:`writing_problem` rejects a model draft that is broken (repeats, the wrong
language) or that leaves out most of the request's facts (:func:`request_facts`) or, with no facts to check,
all of its content words. :func:`plain_draft` then writes the practical kinds of writing from those facts in a
fixed frame per kind (``answer_source: template``): plain but correct, where the small bundled model writes
fluent-looking nonsense. Writing that works on a weather forecast ("查询北京明天的天气并生成一段提醒文案") is
written from the forecast itself: the day, the sky, the temperatures, the chance of rain, and advice by rules
(what to wear by temperature, an umbrella by the chance of rain, sun and wind). Poems, stories and jokes have no
plain frame: a broken one is reported as such (compose.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from autoglm.shared import grounding, langid

# ------------------------------------------------------------------ weather


def weather_lines(output: dict[str, Any], zh: bool) -> list[str]:
    """A forecast as it reads in the request's language: the place as asked, one line per day."""
    place = str(output.get("city") or output.get("location") or "")
    source = str(output.get("source") or "")
    lines = [f"{place}（{source}）：" if zh and source else f"{place} ({source}):" if source else f"{place}:"]
    for day in output.get("days") or []:
        sky = (day.get("weather_zh") if zh else day.get("weather")) or day.get("weather") or "?"
        lo, hi = day.get("temperature_min"), day.get("temperature_max")
        rain = day.get("precipitation_probability_max")
        temps = f"{_num(lo)}~{_num(hi)}°C" if lo is not None and hi is not None else ""
        if zh:
            lines.append(f"{day.get('date')}：{sky}，{temps}" + (f"，降水概率 {_num(rain)}%" if rain is not None else ""))
        else:
            lines.append(f"{day.get('date')}: {sky}, {temps}" + (f", {_num(rain)}% chance of rain" if rain is not None
                                                                 else ""))
    return lines


def _num(value: Any) -> str:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return str(value)
    return str(int(f)) if f.is_integer() else f"{f:g}"


RAIN_LIKELY, RAIN_POSSIBLE = 40, 20  # % chance of rain: take an umbrella / an umbrella in the bag
WINDY_KMH = 38  # the day's strongest wind (km/h, 10 m): windy, mind the wind


def weather_advice(day: dict[str, Any], zh: bool) -> list[str]:
    """What to wear and bring, by rules on the day's forecast (the coolest and warmest hours, rain, wind)."""
    lo, hi = day.get("temperature_min"), day.get("temperature_max")
    rain = day.get("precipitation_probability_max")
    wind = day.get("wind_speed_max")
    tips: list[str] = []
    if lo is not None:
        lo = float(lo)
        if lo < 0:
            tips.append("气温在零度以下，请穿羽绒服，戴好帽子和手套" if zh else "it will be below freezing: wear a down "
                        "coat, a hat and gloves")
        elif lo < 10:
            tips.append("早晚寒冷，请穿厚外套或大衣" if zh else "mornings and evenings are cold: wear a warm coat")
        elif lo < 18:
            tips.append("早晚偏凉，建议带一件外套" if zh else "it is cool in the morning and evening: bring a light jacket")
    if hi is not None and float(hi) >= 30:
        tips.append("白天炎热，注意防晒、多喝水" if zh else "it will be hot during the day: use sunscreen and drink water")
    elif hi is not None and lo is not None and float(lo) >= 18:
        tips.append("天气温暖，穿短袖或薄衫即可" if zh else "it will be warm: light clothes are enough")
    if rain is not None and float(rain) >= RAIN_LIKELY:
        tips.append("降水概率较高，出门记得带伞" if zh else "rain is likely: take an umbrella")
    elif rain is not None and float(rain) >= RAIN_POSSIBLE:
        tips.append("可能有雨，建议备一把伞" if zh else "it may rain: an umbrella in your bag is a good idea")
    if wind is not None and float(wind) >= WINDY_KMH:
        tips.append("风力较大，注意防风" if zh else "it will be windy: mind loose items and dress against the wind")
    return tips or (["天气适宜，注意按需增减衣物" if zh else "the weather is mild: dress in layers as you like"])


_ASKS_RAIN = re.compile(r"umbrella|\brain(?:coat|y|s)?\b|带伞|雨伞|打伞|下雨|有雨|降雨|雨具|雨衣", re.I)
_ASKS_WEAR = re.compile(r"\bwear\b|jacket|coat|\bdress\b|clothes|clothing|layers|穿|衣服|外套|加衣|衣物", re.I)


_ASKS_OUTDOORS = re.compile(
    r"\b(?:run|running|jog|jogging|hike|hiking|picnic|cycl(?:e|ing)|bike ride|a walk|walking|outdoors?|"
    r"(?:sit|eat|play|be|go|exercise|work out)\s+outside|barbecue|bbq|"
    r"camping|beach|fly a kite|wash (?:my|the) car|hang (?:out )?(?:the )?laundry)\b|"
    r"跑步|慢跑|晨跑|夜跑|爬山|登山|徒步|野餐|骑行|骑车|散步|户外|室外|出游|郊游|露营|烧烤|放风筝|洗车|晒被子|晾衣服|晒衣服|出去玩",
    re.I,
)


# Asking whether the day suits what one plans ("适不适合去爬香山", "能去海边吗", "ok to go sailing tomorrow?") is asking
# the outdoors verdict, whatever the plan is called; asking what suits to wear is not.
_ASKS_SUITABLE = re.compile(
    r"适合|适不适合|合适吗|合不合适|宜不宜|能不能去|可以去[^，,。？?]{0,12}吗|方便出门|"
    r"\bgood (?:day|time|weather|idea) (?:for|to)\b|\b(?:ok|okay|safe|fine|nice enough|warm enough) to (?:go|be|head|take)\b|"
    r"\bshould (?:i|we) (?:go|head|take)\b|\bsuitable for\b",
    re.I,
)
_ASKS_WIND = re.compile(r"风大|风力|刮风|大风|风速|风怎么样|\bwind(?:y|s)?\b|\bbreezy\b|\bgusts?\b", re.I)


def outdoors_verdict(day: dict[str, Any], zh: bool) -> str | None:
    """Whether the day suits being outdoors (a run, a picnic, washing the car), by rules on its forecast: rain
    likely, freezing, hot or windy says no or with care; otherwise yes. None when the forecast says nothing."""
    lo, hi = day.get("temperature_min"), day.get("temperature_max")
    rain, wind = day.get("precipitation_probability_max"), day.get("wind_speed_max")
    if lo is None and hi is None and rain is None:
        return None
    against: list[str] = []
    if rain is not None and float(rain) >= RAIN_LIKELY:
        against.append(f"降水概率 {_num(rain)}%" if zh else f"a {_num(rain)}% chance of rain")
    if lo is not None and float(lo) < 0:
        against.append(f"最低 {_num(lo)}°C，气温在零度以下" if zh else f"a low of {_num(lo)} °C, below freezing")
    if hi is not None and float(hi) >= 33:
        against.append(f"最高 {_num(hi)}°C，天气炎热" if zh else f"a high of {_num(hi)} °C")
    if wind is not None and float(wind) >= WINDY_KMH:
        against.append("风力较大" if zh else "strong wind")
    if against:
        return ("不太适合户外活动：" + "，".join(against) + "。" if zh else
                "Not a great day to be outdoors: " + ", ".join(against) + ".")
    span = (f"{_num(lo)}~{_num(hi)}°C" if lo is not None and hi is not None else "")
    rain_part = f"，降水概率 {_num(rain)}%" if zh and rain is not None else (
        f", {_num(rain)}% chance of rain" if rain is not None else "")
    if zh:
        return f"适合户外活动：{span}{rain_part}。" + ("早晚偏凉，注意保暖。" if lo is not None and float(lo) < 10 else "")
    return f"Yes, a good day to be outdoors: {span.replace('~', ' to ').replace('°C', ' °C')}{rain_part}." + (
        " It is cold early and late, so dress warmly." if lo is not None and float(lo) < 10 else "")


def asked_advice(output: dict[str, Any], request: str, zh: bool) -> list[str]:
    """Answers, by rules on the first day's forecast, to what the request asks beside the forecast itself:
    whether to take an umbrella, what to wear, whether the day suits being outdoors ("…and should I bring an
    umbrella?", "明天要穿外套吗", "good day for a run?", "适合去爬山吗")."""
    days = output.get("days") or []
    if not days:
        return []
    day = days[0]
    out: list[str] = []
    rain = day.get("precipitation_probability_max")
    if _ASKS_RAIN.search(request) and rain is not None:
        r, n = float(rain), _num(rain)
        if r >= RAIN_LIKELY:
            out.append(f"需要带伞：降水概率 {n}%。" if zh else f"Yes, take an umbrella: {n}% chance of rain.")
        elif r >= RAIN_POSSIBLE:
            out.append(f"可能有雨（降水概率 {n}%），建议备一把伞。" if zh else
                       f"Perhaps: {n}% chance of rain, so an umbrella in your bag is a good idea.")
        else:
            out.append(f"不用带伞：降水概率只有 {n}%。" if zh else f"No umbrella needed: only {n}% chance of rain.")
    wind = day.get("wind_speed_max")
    if _ASKS_WIND.search(request) and wind is not None:
        w, n = float(wind), _num(wind)
        out.append((f"风力较大：最大风速 {n} km/h。" if w >= WINDY_KMH else f"风不大：最大风速 {n} km/h。") if zh else
                   (f"Yes, it will be windy: gusts up to {n} km/h." if w >= WINDY_KMH else
                    f"Not very windy: the wind peaks at {n} km/h."))
    asks_outdoors = _ASKS_OUTDOORS.search(request) or (_ASKS_SUITABLE.search(request) and not _ASKS_WEAR.search(request))
    if asks_outdoors and (verdict := outdoors_verdict(day, zh)):
        out.append(verdict)
    if _ASKS_WEAR.search(request):
        dry = {k: v for k, v in day.items() if k != "precipitation_probability_max"}
        tips = weather_advice(dry, zh)
        out.append(("穿衣建议：" + "；".join(tips) + "。") if zh else
                   "What to wear: " + "; ".join(tips) + ".")
    return out


def weather_draft(output: dict[str, Any], zh: bool) -> str:
    """A reminder written from a forecast: each day's weather, then advice for the first day."""
    days = output.get("days") or []
    if not days:
        return ""
    place = str(output.get("city") or output.get("location") or "")
    first = days[0]
    sky = (first.get("weather_zh") if zh else first.get("weather")) or first.get("weather") or ""
    lo, hi, rain = first.get("temperature_min"), first.get("temperature_max"), first.get("precipitation_probability_max")
    tips = weather_advice(first, zh)
    if zh:
        head = f"温馨提醒：{place}{first.get('date')}{sky}，气温{_num(lo)}~{_num(hi)}°C"
        head += f"，降水概率{_num(rain)}%。" if rain is not None else "。"
        return head + "；".join(tips) + "。祝您出行顺利！"
    head = f"Reminder: {place} on {first.get('date')}: {sky.lower()}, {_num(lo)} to {_num(hi)} °C"
    head += f", {_num(rain)}% chance of rain. " if rain is not None else ". "
    return head + "; ".join(t[0].upper() + t[1:] if i == 0 else t for i, t in enumerate(tips)) + ". Have a good day!"


# ------------------------------------------------------------------ the request's facts

_MONTHS = (r"(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr"
           r"|jun|jul|aug|sep|sept|oct|nov|dec)")
_ZH_DATE = r"(?:\d{2,4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*[日号]"
_EN_DATE = rf"\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?"
_QUOTED = r"[“\"「『][^”\"」』]{1,30}[”\"」』]"
_FACT = re.compile(
    # whole dates and clock times first, so a date is one fact ("12 月 8 日", "15 January"), not two digits
    rf"{_ZH_DATE}|\d{{1,2}}\s*[日号]|\b(?:{_EN_DATE})\b"
    r"|\d+(?:[.:：]\d+)?"  # amounts, times, rooms
    r"|(?:本|这|下|上)?(?:周|星期|礼拜)[一二三四五六日天]|今天|明天|后天|今晚|明晚|凌晨|上午|下午|晚上|中午"
    r"|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow|tonight|noon|midnight)\b"
    rf"|{_QUOTED}",
    re.I,
)
_NAMED = re.compile(r"(?:名叫|叫做|名为|叫)([\u4e00-\u9fffA-Za-z0-9]{2,12})|\b(?:called|named)\s+([A-Z][\w&-]*(?:\s+[A-Z][\w&-]*)*)")
_INSTRUCTION_ZH = re.compile(
    r"请|帮我|帮忙|麻烦|给我|替我|为我|我们的?|写|起草|拟|编|生成|创作|一下|一条|一封|一段|一句|一份|一首|一篇|一个|条|封|段|句|份|篇|首|个|"
    r"的|了|和|与|及|并|要|让|把|给|对|在|是|有|用|来|中|下|面|文案|消息|短信|邮件|通知|提醒|祝福|欢迎词|广告语|标语|口号|话|内容|简短|简单|"
    r"正式|礼貌|客气|温馨|一些|几句|关于|突出|强调|告诉|通知|告知|表示|庆祝|感谢|说明|信息|微信|朋友圈"
)
_STOP_EN = frozenset("""write draft compose create make give please short brief polite quick simple little message note text
email e-mail reminder notice letter reply post tweet caption slogan tagline greeting card about that this with from into
some them they their there then than what when which while would could should for and the our your you me my i we us
to of in on at by an a it is are be been was were will shall can one two line lines sentence sentences paragraph word
words saying telling tell let know""".split())


# People the writing is for or about: a Chinese surname with a title (王经理, 张老师), an English name written
# with a capital inside a sentence (…to my neighbour Sam, …should go to Priya).
_ZH_TITLED = re.compile(
    r"[王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范"
    r"金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤]"
    r"(?:经理|老师|总监|总|先生|女士|小姐|医生|主任|阿姨|叔叔|教授|律师|师傅|同学|组长|部长|校长|院长)"
)
_EN_NAME = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]{2,}(?:\s+[A-Z][a-z]{2,})?\b")
_NOT_NAMES = frozenset("""Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July
August September October November December English Chinese French German Spanish Japanese Korean Python SQL Dear Hello
Thanks Thank Please Christmas Easter""".split())


_STRONG = re.compile(f"{_ZH_DATE}|{_EN_DATE}", re.I)


def _named(request: str) -> list[str]:
    """Named things (名叫…, called …) and people (王经理, …should go to Priya) of a request."""
    out = [next(g for g in m.groups() if g) for m in _NAMED.finditer(request)]
    out += [m.group(0) for m in _ZH_TITLED.finditer(request)]
    out += [m.group(0) for m in _EN_NAME.finditer(request) if m.group(0).split()[0] not in _NOT_NAMES]
    return out


def _names(request: str) -> set[str]:
    """The quoted, named and titled things and people of a request (request_facts' strong part)."""
    return {m.group(0).strip("“”\"「」『』") for m in re.finditer(_QUOTED, request)} | set(_named(request))


# How long to write is not what to write: "100 字左右", "不超过 60 字", "in 50 words", "under 200 characters".
_LENGTH_SPEC = re.compile(r"(?:不超过|不要超过|控制在|少于|限|大约|约)?\s*\d+\s*(?:个)?字(?:以内|之内|左右|上下)?|"
                          r"\b(?:in|under|within|about|around|at most|no more than|max(?:imum)?)?\s*\d+\s*"
                          r"(?:words?|characters?|chars|sentences?|lines?)\b", re.I)
# "from the 10th to the 17th": ordinal days are dates, which no writing about them may leave out.
_ORDINAL_DAY = re.compile(r"\bthe\s+(\d{1,2}(?:st|nd|rd|th))\b", re.I)


def request_facts(request: str) -> list[str]:
    """What a piece of practical writing must repeat: numbers, dates and times, quoted, named and titled people
    and things (not how long to write)."""
    text = _LENGTH_SPEC.sub(" ", request)
    facts = [m.group(0).strip("“”\"「」『』") for m in _FACT.finditer(text)] + _named(text)
    facts += [m.group(1) for m in _ORDINAL_DAY.finditer(text)]
    return list(dict.fromkeys(f for f in facts if f))


def content_terms(request: str) -> list[str]:
    """The request's content words (its topic, addressee, occasion): Chinese two-character pieces of what is left
    once the instruction words are gone; English words of four letters or more that are not instruction words."""
    zh = [piece for run in re.findall(r"[\u4e00-\u9fff]+", _INSTRUCTION_ZH.sub(" ", request))
          for piece in (run[i:i + 2] for i in range(0, len(run) - 1, 2))]
    en = [w for w in re.findall(r"[A-Za-z][a-z'-]{3,}", request) if w.lower() not in _STOP_EN]
    return list(dict.fromkeys(zh + [w.lower() for w in en]))


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text.lower().replace("：", ":").replace("号", "日"))


def _has(text: str, fact: str) -> bool:
    norm = text.lower().replace("：", ":")
    f = fact.lower().replace("：", ":")
    if f in norm or _squeeze(fact) in _squeeze(text):
        return True
    if m := re.fullmatch(r"(?:\d{2,4}\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]", f):
        month, day = m.groups()  # 12 月 8 日 = 12/8 = 12-08
        return bool(re.search(rf"(?<!\d)0?{month}\s*[-/.]\s*0?{day}(?!\d)", norm))
    if m := re.fullmatch(rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTHS})|({_MONTHS})\s+(\d{{1,2}})(?:st|nd|rd|th)?", f):
        day = m.group(1) or m.group(4)
        month = (m.group(2) or m.group(3))[:3]
        return bool(re.search(rf"(?<!\d){day}(?:st|nd|rd|th)?\s+{month}|{month}[a-z]*\.?\s+{day}(?!\d)", norm))
    if re.fullmatch(r"[本这下上]?(?:周|星期|礼拜)[一二三四五六日天]", f):
        day = f[-1]
        return any(w + day in norm for w in ("周", "星期", "礼拜"))
    return False


def broken(text: str, language: str | None) -> str | None:
    """Why a text can't be handed over whatever it says: it loops, or it is not in ``language``."""
    bad = grounding.degenerate(text)
    if bad:
        return bad
    if language and langid.is_language(text, language) is False:
        return f"not in {langid.language_name(language)}"
    return None


def forecast_problem(text: str, forecast: dict[str, Any], language: str | None) -> str | None:
    """Why writing on a forecast can't be handed over: broken, or it names neither the place nor a temperature
    of the first day."""
    place = str(forecast.get("city") or forecast.get("location") or "")
    first = (forecast.get("days") or [{}])[0]
    temps = [_num(first.get(k)) for k in ("temperature_min", "temperature_max") if first.get(k) is not None]
    if problem := broken(text, language):
        return problem
    return None if place.lower() in text.lower() and any(t in text for t in temps) else "does not state the forecast"


_CREATIVE = re.compile(r"诗|词|歌|故事|笑话|小说|童话|寓言|剧本|对联|谜语|段子|\b(?:poem|poetry|haiku|verse|limerick|sonnet|story|"
                       r"stories|joke|lyrics|song|tale|fable|script|riddle|rap)s?\b", re.I)


def creative(request: str) -> bool:
    """A poem, story, joke or song: writing that need not repeat the request's facts."""
    return bool(_CREATIVE.search(request))


def writing_problem(text: str, request: str, language: str | None) -> str | None:
    """Why a model's practical writing can't be handed over (None: it can)."""
    if problem := broken(text, language):
        return problem
    facts = request_facts(request)
    if facts:
        missing = [f for f in facts if not _has(text, f)]
        # A date, a quoted or named thing, a person is what the writing is for: none may go missing; of
        # bare numbers and day words most must be there.
        names = _names(request)
        if len(missing) * 2 > len(facts) or any(_STRONG.fullmatch(f) or not re.search(r"\d", f) and f in names
                                                 for f in missing):
            return "leaves out " + ", ".join(missing[:4])
    else:
        terms = content_terms(request)
        if terms and not any(t in text.lower() for t in terms):
            return "about none of " + ", ".join(terms[:4])
    return off_kind(text, request) or too_long(text, request, language == "zh")


# What a piece of writing of each kind says in some form: a thank-you thanks, an apology apologises.
_KIND_WORDS = {
    "apology": re.compile(r"sorry|apolog|regret|道歉|歉意|抱歉|对不起|不便", re.I),
    "decline": re.compile(r"unable|can't|cannot|won't|not be able|regret|unfortunately|sorry|无法|不能|不便|抱歉|遗憾|婉拒", re.I),
    "thanks": re.compile(r"thank|grateful|appreciat|感谢|谢谢|感激|多谢", re.I),
    "welcome": re.compile(r"welcome|欢迎", re.I),
    "congratulations": re.compile(r"congrat|well done|proud|恭喜|祝贺|贺喜", re.I),
}


def off_kind(text: str, request: str) -> str | None:
    """The request asks for a thank-you, an apology, a congratulation...; the text is not one."""
    kind = writing_kind(request)
    words = _KIND_WORDS.get(kind or "")
    if words is not None and not words.search(text):
        return f"not a {kind} message"
    return None


# "a one-sentence…", "一句话", "a short note": most that may come back.
_ONE_SENTENCE = re.compile(r"\b(?:one|a single|1)[- ]sentence\b|\bin one sentence\b|一句话|一句|一两句", re.I)
_SHORT = re.compile(r"\b(?:short|brief|quick|little)\b|简短|简单|短信|几句", re.I)
SHORT_CHARS = {True: 160, False: 500}  # zh, en: a short piece of writing
ONE_SENTENCE_CHARS = {True: 80, False: 250}


def too_long(text: str, request: str, zh: bool) -> str | None:
    """Writing far longer than asked ("a short note" of a thousand characters): not what was asked for."""
    if _LENGTH_SPEC.search(request):
        return None  # a length of its own is asked for and checked by whoever asked
    if _ONE_SENTENCE.search(request):
        limit = ONE_SENTENCE_CHARS[zh]
    elif _SHORT.search(request):
        limit = SHORT_CHARS[zh]
    else:
        return None
    return f"{len(text)} characters where a short piece was asked for" if len(text) > limit * 1.5 else None


# ------------------------------------------------------------------ plain drafts

# kind -> (cue, Chinese frame, English frame); {body} is what the request says to write about, {to} whom to.
_KINDS: list[tuple[str, re.Pattern[str], str, str]] = [
    ("apology", re.compile(r"道歉|致歉|歉意|安抚|\bapolog", re.I), "{to}您好：{body}。对此给您带来的不便，我们深表歉意，我们会尽快处理，感谢您的理解。",
     "Hello{to}, {body}. We are sorry for the trouble this has caused, and we are working to put it right. Thank you "
     "for your patience."),
    ("leave", re.compile(r"请假|请个假|病假条|\bleave request\b|\bsick note\b|\bday off\b|\btime off\b", re.I),
     "{to}您好！{body}，特此请假，恳请批准。谢谢！",
     "Dear{to}, {body}. I would like to request this leave and will make sure my work is covered. Thank you."),
    ("decline", re.compile(r"婉拒|拒绝|\bdeclin", re.I), "{to}您好，感谢您的邀请。{body}，很抱歉这次无法参加，期待下次有机会。",
     "Thank you for the {body}. I hope we can find another time."),
    ("thanks", re.compile(r"感谢|谢谢|\bthank", re.I), "致{to}{body}：衷心感谢您！", "Dear{to}, thank you {body}. I really appreciate it!"),
    ("congratulations", re.compile(r"祝贺|恭喜|道贺|\bcongrat", re.I), "{to}恭喜您{body}！祝您再接再厉，一切顺利！",
     "Congratulations{to}! {body}: well done, I am so proud of you!"),
    ("welcome", re.compile(r"欢迎|\bwelcome", re.I), "热烈欢迎{body}！祝大家工作顺利、一切顺心！",
     "A warm welcome to {body}! We are glad to have you. All the best!"),
    ("wishes", re.compile(r"祝福|贺卡|贺词|祝[你您]|生日快乐|\bwish|\bgreeting|\bcongratulat|\bbirthday", re.I),
     "{to}{body}：祝您幸福安康，万事如意！", "{body}: wishing you joy, health and every happiness!"),
    ("slogan", re.compile(r"广告语|标语|口号|\bslogan|\btagline", re.I), "{body}。", "{body}."),
    ("post", re.compile(r"朋友圈|微博|动态|\btweet|\bpost\b|\bcaption", re.I), "{body}！🎉", "{body}! 🎉"),
    ("reminder", re.compile(r"提醒|\bremind", re.I), "【提醒】{to}{body}，请留意，别忘了哦。", "Reminder: {body}. Please don't forget."),
    ("notice", re.compile(r"通知|公告|\bnotice|\bannounce", re.I), "【通知】{to}{body}。特此通知，谢谢配合。",
     "Notice: {body}. Thank you for your attention."),
    ("message", re.compile(r"消息|短信|邮件|信息|微信|纸条|便条|字条|留言|[一几两]句话|告诉|转告|\bmessage|\bemail|\be-mail|\btext\b|\bnote\b"
                           r"|\bletter|\btell\b|\blet \w+ know\b", re.I),
     "{to}您好，{body}。谢谢！", "Hello{to}! {body}. Thank you!"),
]
_ZH_WRITE = re.compile(r"(?:请|麻烦)?(?:帮我|替我|给我|为我)?(?:写|起草|拟|编|生成|创作|发(?=[一几两]?[条个封]))(?:一下)?(?:一|几|两)?[条封段句份篇个则首张]?话?")
_ZH_KIND_WORD = re.compile(r"(?:的)?(?:请假)?(?:朋友圈文案|朋友圈|文案|消息|短信|邮件|通知|提醒|祝福语?|欢迎词|广告语|标语|口号|话|回复|贺词|贺卡|致辞|"
                           r"感谢信|请假条|假条|纸条|便条|字条|留言|信)$")
_ZH_ADDRESSEE = re.compile(r"各位同事|同事们|全体员工|全体同事|大家|各位|同事|客户们?|用户们?|房东|房客|领导|老板|经理|老师|家长|家人|"
                           r"(?:楼上|楼下|隔壁|对门)?邻居|室友|物业|"
                           r"妈妈|爸爸|朋友们?|团队|组员|租户|业主|会员|顾客")
_ZH_TELL = re.compile(r"提醒|通知|告诉|告知|转告|安抚|答谢")
_ZH_TO = re.compile(f"^(?:{_ZH_TELL.pattern})(?:一下)?({_ZH_ADDRESSEE.pattern})?")  # "提醒同事…": the verb, then whom
_ZH_LEAD = re.compile(r"^(?:为|给|替|向|对)(?:我们的?|我的?)?|^(?:要|需要|请)?(?:突出|强调|体现|说明(?!天)|写明|注明)")
_EN_LEAD = re.compile(
    r"^(?:please\s+)?(?:write|draft|compose|create|make)\s+(?:me\s+)?(?:an?\s+|the\s+)?(?:short\s+|brief\s+|polite\s+|quick\s+"
    r"|friendly\s+|formal\s+)*(?:[\w-]+\s+){0,2}?(?:message|text|email|e-mail|note|reminder|notice|reply|letter|post|"
    r"tweet|caption|slogan|tagline|greeting|card|announcement|apology)\b\s*(?:(?:message|email|e-mail|note|letter)\b\s*)?"
    r"(?:for\s+me\s+)?",
    re.I,
)
_EN_TO = re.compile(r"^(?:to\s+)?(?:remind(?:ing)?|tell(?:ing)?|inform(?:ing)?|let(?:ting)?|to)\s+(?:(the\s+\w+|\w+)\s+)?"
                    r"(?:that|to|know(?:\s+that)?)\s+", re.I)


_ZH_LENGTH = re.compile(r"(?:不超过|不要超过|控制在|少于|限)?\s*\d+\s*(?:个)?字(?:以内|之内|左右)?")
_ZH_OCCASION = {"生日": "生日快乐", "新年": "新年快乐", "春节": "春节快乐", "中秋": "中秋快乐", "教师节": "教师节快乐",
                "母亲节": "母亲节快乐", "父亲节": "父亲节快乐", "圣诞": "圣诞快乐", "元旦": "元旦快乐", "结婚": "新婚快乐",
                "新婚": "新婚快乐", "毕业": "毕业快乐", "乔迁": "乔迁之喜", "开业": "开业大吉", "退休": "退休生活愉快"}
_ZH_FOR = re.compile(rf"(?:给|向|致)[^，,。：:]{{0,5}}?({_ZH_TITLED.pattern})")


_ZH_THEN = re.compile(r"^(?:然后|再|并且?|顺便|接着|最后|另外)")
_ZH_HAND_TO = re.compile(r"(?:交给|递交给|发给|送给|转给)(.{1,8})")
_ZH_POLITELY = re.compile(r"^(?:(?:客气|礼貌|委婉|友好)地?(请[他她]们?)?|说(?!明(?!天))|告诉[他她]们?)")


def _zh_body(text: str) -> tuple[str, str]:
    """(addressee, content) of a Chinese writing request."""
    head, colon, tail = re.split(r"([：:])", text, maxsplit=1) if re.search(r"[：:]", text) else (text, "", "")
    to = ""
    parts: list[str] = []
    clauses = re.split(r"[，,；;。]", head)
    for n, clause in enumerate(clauses, 1):
        clause = _ZH_KIND_WORD.sub("", _ZH_WRITE.sub("", _ZH_THEN.sub("", clause.strip())).strip())
        clause = re.sub(r"^(?:致歉|道歉|感谢)?(?:感谢信|邮件|短信|消息|通知|微信|信)(?:发给|写给|给)?", "", clause)
        if _ZH_ADDRESSEE.fullmatch(clause):  # "致歉邮件给客户": only whom it is for
            to, clause = to or clause, ""
        verb = _ZH_TELL.search(clause)
        if colon and n == len(clauses) and verb and 0 < len(clause) - verb.end() <= 6:
            # "写一条短信告诉物业：…": whoever is named before the colon is the addressee
            to, clause = clause[verb.end():], ""
        elif m := _ZH_TO.search(clause):
            to, clause = to or (m.group(1) or ""), clause[m.end():]
        clause = _ZH_LEAD.sub("", clause).strip()
        if not to and (_ZH_ADDRESSEE.fullmatch(clause) or _ZH_TITLED.fullmatch(clause)):  # "给楼上邻居写张纸条"
            to, clause = clause, ""
        if (hand := _ZH_HAND_TO.fullmatch(clause)) is not None:  # "交给王经理": whom it goes to, not what it says
            to, clause = to or hand.group(1), ""
        clause = _ZH_POLITELY.sub(lambda m: "请您" if m.group(1) else "", clause)
        if clause and not _ZH_LENGTH.fullmatch(clause):  # "不超过 60 字" is how to write, not what
            parts.append(clause)
    if not to and (m := _ZH_FOR.search(head)):
        to = m.group(1)  # "给王经理写一封请假邮件", "生日祝福送给我的老师张老师"
    if colon and len(tail.strip()) >= 4:
        return to, tail.strip().rstrip("。.!！ ")
    return to, "，".join(p.replace(to, "").strip("，, ") if to else p for p in parts if not to or p != to)


_EN_FOR_WHOM = re.compile(r"^(?:to|for)\s+(?:my\s+|our\s+|the\s+)?(\w+)\s+asking\s+(?:them|him|her|if they could|if "
                          r"(?:he|she) could)\s+(?:to\s+)?(.+)$", re.I)
_EN_WHO_DID = re.compile(r"^(?:to|for)\s+(?:an?\s+|my\s+|our\s+|the\s+)?(?:[a-z]+\s+)?([A-Z][a-z]+|[a-z]+),?\s+(who|whose)\s+(.+)$")


def _to_you(relative: str, clause: str) -> str:
    """"who just passed her driving test" -> "you just passed your driving test"; "whose …" -> "your …"."""
    words = re.sub(r"^(?:has|have)\s+(?=\w+ed\b)", "", clause).split()
    said = " ".join(_EN_YOUR.get(w.lower(), w) for w in words)
    return ("your " if relative == "whose" else "you ") + said


def _en_body(text: str, kind: str) -> tuple[str, str]:
    """(addressee, content) of an English writing request."""
    body = re.split(r",?\s+(?:and\s+)?then\s+", _EN_LEAD.sub("", text, count=1), maxsplit=1)[0]
    m = re.search(r"[:]\s*(.{4,})$", body)
    if m:
        body = m.group(1)
    to = ""
    if (t := _EN_TO.match(body)) is not None:
        to, body = (t.group(1) or ""), body[t.end():]
    if not to and (t := _EN_FOR_WHOM.match(body)):  # "…to my neighbour asking them to water my plants"
        to, body = t.group(1), "could you " + t.group(2)
        body = body.rstrip(" ?.") + "?"
    elif not to and (t := _EN_WHO_DID.match(body)):  # "…for my coworker Jenna, who covered my shifts"
        to, body = t.group(1), _to_you(t.group(2), t.group(3))
    elif not to and (t := re.match(r"^to\s+(?:an?\s+|the\s+|our\s+|my\s+)?(\w+)\s+(whose|who|about|regarding|for)\s+", body,
                                   re.I)):
        lead = {"whose": "your ", "for": "for "}.get(t.group(2).lower(), "")
        to, body = t.group(1), lead + body[t.end():]
        if t.group(2).lower() in ("who", "whose"):
            body = _to_you(t.group(2).lower(), body[len(lead):])
    if kind == "reminder":  # a reminder for the user speaks to them
        body = re.sub(r"\bmy\b", "your", re.sub(r"\bI\b", "you", re.sub(r"^to\s+", "", body, flags=re.I)))
    if kind == "welcome":
        body = re.sub(r"^(?:for|to)\s+", "", body, flags=re.I)
    if kind == "decline":
        body = re.sub(r"^(?:declining|to decline)\s+(?:an?\s+|the\s+)?", "", body, flags=re.I)
        obj, _, reason = re.split(r"\s+(because|as|since)\s+", body, maxsplit=1) if re.search(
            r"\s(?:because|as|since)\s", body) else (body, "", "")
        body = f"{obj}. Unfortunately, I won't be able to attend" + (f" because {reason}" if reason else "")
    body = body.strip(" ,.")
    to = re.sub(r"^the\s+", "", to.strip(), flags=re.I)
    return (f" {to}" if to and to.lower() not in ("me", "us", "them", "you") else ""), body


_REFERENT_BODY = re.compile(r"^(?:it|that|this|them|the (?:order|result|results|issue|problem)|它|这个|那个|此事|这件事|该订单)?$", re.I)


_FRAMES = {kind: (frame_zh, frame_en) for kind, _, frame_zh, frame_en in _KINDS}


def writing_kind(request: str) -> str | None:
    """The kind of practical writing a request asks for (apology, thanks, congratulations, notice...), if any."""
    return next((kind for kind, cue, _, _ in _KINDS if cue.search(request)), None)


_ZH_CONGRATS = re.compile(r"^(?:祝贺|恭喜|道贺)(?:一下)?")
_EN_WHO = re.compile(r"\b(?:to|for)\s+(?:an?\s+|my\s+|our\s+|the\s+)?(\w+)(?:\s+\w+)?\s+(?:who|whose|that)\s+(.+)$", re.I)
_EN_YOUR = {"her": "your", "his": "your", "their": "your", "she": "you", "he": "you", "they": "you", "has": "have",
            "is": "are", "was": "were", "herself": "yourself", "himself": "yourself"}


def _congrats_body(text: str, zh: bool) -> tuple[str, str]:
    """(addressee, achievement) of a congratulation: "祝贺同事升职" -> (同事, 升职); "…to a friend who just passed her
    driving test" -> (friend, you just passed your driving test)."""
    if zh:
        to, body = _zh_body(text)
        body = _ZH_CONGRATS.sub("", body)
        if not to and (m := re.match(f"({_ZH_ADDRESSEE.pattern}|{_ZH_TITLED.pattern})", body)):
            to, body = m.group(1), body[m.end():]
        return to, body.strip("，, ")
    text = re.split(r",?\s+(?:and\s+)?then\s+", text, maxsplit=1)[0]
    if m := _EN_WHO.search(text):
        return m.group(1), _to_you("who", m.group(2))
    return "", ""


# How to write, not what: the language asked for ("用中文写…", "（用英文）", "in plain English").
_ASKED_IN = re.compile(r"[（(]\s*用(?:简体)?(?:中文|汉语|英文|英语)(?:来)?(?:写)?\s*[）)]|用(?:简体)?(?:中文|汉语|英文|英语)(?:来)?(?=写)|\s*\(?\bin (?:plain |simple |simplified )?"
                       r"(?:english|chinese|mandarin)\b\)?", re.I)


def plain_draft(request: str, zh: bool, results: Sequence[str] = ()) -> str | None:
    """The request's facts in the frame of its kind of practical writing; None for kinds with no plain frame
    (poems, stories, jokes, code). ``results`` are what earlier steps found that the writing is about ("look up
    order 1024 and write an apology about it"): they stand for a body that only points at them, else follow it."""
    text = _ASKED_IN.sub("", request).strip().rstrip("。.!！?？ ")
    facts = ("；" if zh else "; ").join(results)
    kind = writing_kind(request)
    if kind is None:
        return None
    frame_zh, frame_en = _FRAMES[kind]
    if kind == "congratulations":
        to, body = _congrats_body(text, zh)
        if zh:
            return f"{to}：恭喜您{body}！祝您再接再厉，一切顺利！" if to else f"恭喜您{body or ''}！祝您再接再厉，一切顺利！"
        lead = f"Congratulations, {re.sub(r'^the ', '', to)}!" if to else "Congratulations!"
        return f"{lead} {body[0].upper() + body[1:]}: well done, I am so proud of you!" if body else \
            f"{lead} Well done, I am so proud of you!"
    if zh:
        to, body = _zh_body(text)
        if kind == "wishes" and to and (occasion := next((v for k, v in _ZH_OCCASION.items() if k in text), None)):
            return f"亲爱的{to}：祝您{occasion}，身体健康，万事如意！"
        if kind == "wishes" and (m := re.fullmatch(r"(.{1,8}?)的(.{1,8})", body)):
            return f"亲爱的{m.group(1)}：祝您{m.group(2)}快乐，身体健康，万事如意！"
        if kind == "welcome" and (named := _NAMED.search(body)):
            name = next(g for g in named.groups() if g)
            rest = re.sub(r"[，,]?(?:公司|团队|我们)?(?:名叫|叫做|名为|叫)" + re.escape(name), "", body).strip("，, ")
            body = f"{rest}加入{name}" if rest else name
        if _REFERENT_BODY.match(body.strip()):
            body, facts = facts, ""
        if kind == "welcome":
            body = re.sub(r"^(?:热烈)?欢迎(?:词|语)?[，,]?(?:欢迎)?", "", body).strip("，, ") or "大家"
        if kind == "thanks":  # "感谢快递小哥的话": the frame says the thanks
            body = re.sub(r"^(?:衷心)?(?:感谢|谢谢|感激)(?:一下)?", "", body).strip("，, ")
        if not body and not (to and kind == "thanks"):  # "写一封感谢信给张老师": whom is all it says
            body = text
        draft = frame_zh.format(body=body, to=f"{to}：" if to and kind in ("reminder", "notice") else to)
        return draft + (f"（{facts}）" if facts else "")
    to, body = _en_body(text, kind)
    if kind == "thanks" and body.startswith("you "):  # "…Jenna, who covered my shifts": thank you: you covered…
        body = "so much: " + body
    if _REFERENT_BODY.match(body.strip()):
        body, facts = facts, ""
    body = body or text
    if frame_en.startswith("{body}") or ". {body}" in frame_en or "! {body}" in frame_en or (
            ": {body}" in frame_en and kind != "welcome"):
        body = body[0].upper() + body[1:]
    return frame_en.format(body=body, to=to).replace("?.", "?") + (f" ({facts})" if facts else "")

