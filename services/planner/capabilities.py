"""What the planner says to a request no tool can serve (an ``unsupported`` intent): a template, no model.

The answer says plainly that it can't do this (book, buy, send, call, set alarms, drive devices) and lists what it
can, so the user is not left with a model pretending it booked the table. A message to send whose content the
request gives ("给客户发条微信，告诉他合同已经寄出了", "Text my landlord that the rent will be late") is written out
for the user to send: the part the system can do, done.
"""

from __future__ import annotations

import re

from .drafts import _EN_YOUR

CAN_DO_ZH = ("查询天气", "查询时间和日期", "查询订单和业务数据", "在知识库里查找答案", "计算", "读取网页", "写文案和邮件",
             "写代码", "翻译", "总结", "回答问题")
CAN_DO_EN = ("look up the weather", "tell the time and date", "query orders and business data",
             "search the knowledge base", "calculate", "read a web page", "write copy and emails", "write code",
             "translate", "summarize", "answer questions")


def unsupported_answer(request: str, language: str) -> str:
    """The reply to ``request``, a capability no tool has (the request is quoted back, shortened)."""
    if (draft := message_draft(request, language)) is not None:
        if language == "zh":
            return f"我没法替您发送消息，不过可以把要发的内容写好，您复制过去发送即可：\n{draft}"
        return f"I can't send messages for you, but here is the message, ready to send:\n{draft}"
    quoted = request.strip()
    if len(quoted) > 60:
        quoted = quoted[:57] + "…"
    if language == "zh":
        return (f"抱歉，“{quoted}”需要我在现实中替您操作（如预订、购买、发消息、打电话、设闹钟或控制设备），这我做不到。"
                f"我能做的是：{'、'.join(CAN_DO_ZH)}。比如，我可以帮您写好要发的消息，或者查好需要的信息。")
    return (f"Sorry, I can't do that: “{quoted}” needs someone to act for you (booking, buying, sending messages, "
            f"calling, setting alarms or controlling devices), and I have no tool for it. What I can do: "
            f"{', '.join(CAN_DO_EN)}. For example, I can draft the message for you or look up what you need.")


# ------------------------------------------------------------------ a message to send, written out

def message_draft(request: str, language: str) -> str | None:
    """The message ``request`` asks to be sent, written to its addressee ("跟小李发个消息，告诉她她的快递到了" ->
    "小李您好，您的快递到了。"; "Email Sarah to ask whether she can cover my shift" -> "Hi Sarah, could you let me
    know if you can cover my shift?"); None when the request sends nothing or does not say what to say."""
    return _zh_message(request) if language == "zh" else _en_message(request)


# Chinese: whom it goes to (给/跟/向 X 发…微信/短信/邮件, 发消息给 X, 短信通知 X), then what it says (告诉他…, 说…,
# 问他… as a question, 让她… as a request), in the second person.
_ZH_CHANNEL = r"(?:微信|短信|消息|信息|邮件|私信|语音|钉钉|飞书)"
_ZH_SEND = re.compile(
    r"(?:给|向|跟|和)(?P<to>[^，,。：:]{1,12}?)(?:发|回|写)(?:个|一个|一条|一封|条|封)?" + _ZH_CHANNEL
    + r"|(?:发|回)(?:个|一个|一条|一封|条|封)?" + _ZH_CHANNEL + r"(?:给|到)(?P<to2>[^，,。：:]{1,12}?)(?=[，,：:]|说|告诉|通知|问|让|请)"
    + r"|(?P<ch>短信|邮件|微信)(?P<tell>通知|告诉|提醒)(?P<to3>[^，,。：:]{1,12}?)(?=[，,：:]|说)"
)
_ZH_SAY = re.compile(r"^[，,：:\s]*(?:(?:告诉|通知|提醒|转告|跟|和|对)(?:[他她]们?|对方|[^，,：:说]{1,8}?)?(?:一下)?(?:说)?|说|内容是)"
                     r"[，,：:\s]*")
_ZH_ASK = re.compile(r"^[，,：:\s]*问(?:一下)?(?:[他她]们?|对方)?[，,：:\s]*")
_ZH_LET = re.compile(r"^[，,：:\s]*(?:让|请|叫)(?:[他她]们?|对方)[，,\s]*")
_ZH_THIRD = ("他", "她", "他们", "她们", "对方", "")
# Family is greeted by name and spoken to as 你 ("妈，我周末回家吃饭。"), everyone else with 您好 and 您.
_ZH_KIN = re.compile(r"^(?:[妈爸哥姐弟妹]|老婆|老公|媳妇|宝贝|儿子|女儿|爷爷|奶奶|外公|外婆|姥姥|姥爷|老妈|老爸|亲爱的)")


def _zh_you(body: str, you: str) -> str:
    """The message speaks to its addressee: 他/她(们)(的) -> 您(的) or 你(的)."""
    body = re.sub(r"[他她]们的|[他她]的", you + "的", body)
    return re.sub(r"(?<![其])[他她]们?(?![们])", you, body)


def _zh_message(clause: str) -> str | None:
    m = _ZH_SEND.search(clause)
    if m is None:
        return None
    to = (m.group("to") or m.group("to2") or m.group("to3") or "").strip()
    to = re.sub(r"^(?:我们的?|我的?)", "", to)
    rest = clause[m.end():]
    lead = ""
    if a := _ZH_ASK.match(rest):
        rest, lead = rest[a.end():], "请问"
    elif a := _ZH_LET.match(rest):
        rest, lead = rest[a.end():], "请"
    elif a := _ZH_SAY.match(rest):
        rest = rest[a.end():]
    elif m.group("tell"):
        rest = rest.lstrip("，,：: ")
    else:
        return None
    kin = bool(_ZH_KIN.search(to))
    you = "你" if kin else "您"
    lead = lead + you if lead == "请" else lead
    body = _zh_you(rest.strip().rstrip("。.!！ "), you)
    if len(body) < 2:
        return None
    if to in _ZH_THIRD:
        hello = "您好"
    elif kin:
        hello = to
    else:
        hello = f"{to}您好"
    end = "" if body.endswith(("？", "?")) else ("？" if lead == "请问" else "。")
    return f"{hello}，{lead}{body}{end}"


# English: text/message/email X (that|saying|to ask …), send X a message …, send a message to X …
_EN_CHANNEL = r"(?:text|message|email|e-mail|dm|whatsapp|slack|ping|write to)"
_EN_SEND = re.compile(
    r"\b(?:" + _EN_CHANNEL + r")\s+(?P<to>(?:my|our|the)\s+[a-z]+|[A-Z][a-z]+|everyone|him|her|them)"
    r"(?:\s+(?:back|again))?\s*(?:,\s*)?"
    r"|\bsend\s+(?P<to2>(?:my|our|the)\s+[a-z]+|[A-Z][a-z]+|him|her|them)\s+(?:a|an)\s+(?:quick\s+|short\s+)?"
    r"(?:text|message|email|e-mail|note|dm)\b\s*"
    r"|\bsend\s+(?:a|an)\s+(?:quick\s+|short\s+)?(?:text|message|email|e-mail|note|dm)\s+to\s+"
    r"(?P<to3>(?:my|our|the)\s+[a-z]+|[A-Z][a-z]+|him|her|them|everyone)\b\s*",
    re.I,
)
_EN_SAY = re.compile(r"^(?::\s*|(?:and\s+)?(?:saying|to say|say|(?:to\s+)?tell(?:ing)? (?:him|her|them)"
                     r"|(?:to\s+)?let(?:ting)? (?:him|her|them) know)\s*(?:that\s+)?|that\s+)", re.I)
_EN_ASK = re.compile(r"^(?:and\s+)?(?:asking|to ask|ask)\s+(?:(?:him|her|them)\s+)?(?:if\s+|whether\s+)?", re.I)
_EN_WH = re.compile(r"(?:when|what|where|who|how|why)\b", re.I)
# the drafts' third-to-second-person words, and those a message's body also needs (objects, contractions)
_EN_YOU = {**_EN_YOUR, "him": "you", "them": "you", "themselves": "yourselves", "he's": "you're", "she's": "you're",
           "they're": "you're"}


def _en_you(body: str) -> str:
    """The message speaks to its addressee: he/she/they -> you, his/her/their -> your (and "he is" -> "you are")."""
    words = body.split()
    out = []
    for i, w in enumerate(words):
        core = w.lower().strip(",.;!?")
        after_subject = i > 0 and words[i - 1].lower() in ("he", "she")
        if core in ("is", "was", "has") and not (i and words[i - 1].lower() in ("he", "she", "they")):
            out.append(w)
            continue
        if after_subject and core not in _EN_YOU and re.fullmatch(r"[a-z]+[^s]s", core):  # "she lands" -> "you land"
            out.append(w[:-2] if re.search(r"(?:sh|ch|x|o)es$", core) else w[:-1])
            continue
        rep = _EN_YOU.get(core)
        if rep is None:
            out.append(w)
            continue
        if core == "her" and (i + 1 >= len(words) or words[i + 1].lower() in ("know", "that", "to", "and")):
            rep = "you"
        out.append(rep + w[len(w.rstrip(",.;!?")):] if w[:1].islower() else rep.capitalize())
    return " ".join(out)


def _en_message(clause: str) -> str | None:
    m = _EN_SEND.search(clause)
    if m is None:
        return None
    to = (m.group("to") or m.group("to2") or m.group("to3") or "").strip()
    rest = clause[m.end():]
    if a := _EN_ASK.match(rest):
        asked = rest[a.end():]
        body = "could you let me know " + ("" if _EN_WH.match(asked) else "if ") + asked
    elif a := _EN_SAY.match(rest):
        body = rest[a.end():]
    else:
        return None
    body = _en_you(body.strip().rstrip(".!? "))
    if len(body) < 3:
        return None
    name = re.sub(r"^(?:my|our|the)\s+", "", to, flags=re.I)
    if name[:1].isupper() or name.lower() in ("team", "everyone", "all", "guys"):
        hello = f"Hi {name},"
    else:  # a role ("my landlord", "the tenant"): no name to greet by
        hello = "Hi,"
    end = "?" if body.lower().startswith("could you") else "."
    return f"{hello} {body}{end}"
