"""Requests for what no tool can do: book, buy, pay, send, call, post, set alarms and reminders, drive devices.

The system reads (weather, time, the business database, the knowledge base, web pages), calculates and writes
text; it acts on nothing outside itself. A clause that asks it to act is an ``unsupported`` intent (tool null,
entities {}), which the planner answers with what it can't do and what it can, instead of letting a model
pretend it booked the table. Writing the message is still writing ("写一封邮件给客户" is creative writing);
sending it is acting ("给客户发封邮件" is not something it can do). Questions about how to do such things are
questions ("怎么取消订阅", "how do I book a meeting room?"): only requests that the assistant do it count.
"""

from __future__ import annotations

import re

IC = re.IGNORECASE

_ZH_POLITE = (r"(?:请|麻烦你?|帮我|帮忙|给我|替我|你(?:帮我)?|能不能|可不可以|可以|可否|能|帮我们|马上|现在|立刻|赶紧|顺便|再"
              r"|明天|今天|后天|今晚|明晚|明早|下周[一二三四五六日天]?|这周[一二三四五六日天]|周[一二三四五六日天]|[\s,，])*")
_ZH_OBJ = r"[^，,。？?！!]{0,14}?"
ZH_ACT = re.compile(
    # booking and reservations
    r"^" + _ZH_POLITE + r"(?:预订|预定|订(?=[一两二三四五六七八九十几\d]?[张间个份桌位晚]|机票|车票|酒店|房间|餐厅|座位|外卖)|抢(?=[一两\d]?张?.{0,8}票)"
    r"|(?:预)?约(?=[一个]?[^，,。]{0,8}(?:理发|医生|牙医|按摩|体检|美甲|会议室|门诊|专家))|挂(?:一?个)?(?:[^，,。号]{0,10}?)号(?!码))"
    # buying, ordering food, paying, transferring money
    r"|^" + _ZH_POLITE + r"(?:在[^，,。]{1,8}?(?:上|里)?)?" + _ZH_POLITE + r"(?:买|购买|下单|下个单|订购|抢购)(?=[一两二三四五六七八九十几\d]|点|个|件|双|箱|瓶|包|份|台|部|本|张|束)"
    r"|^" + _ZH_POLITE + r"(?:点|叫)(?:一|个|份|一份)?[^，,。]{0,8}?外卖"
    # "在美团上点一份麻辣烫", "叫两杯奶茶": food or drink by the portion
    r"|^" + _ZH_POLITE + r"(?:在[^，,。]{1,8}?(?:上|里)?)?" + _ZH_POLITE + r"(?:点|叫)(?:[一两二三四五六七八九十\d]|几)?(?:份|杯|碗|盒|碟|桶|打)"
    r"|^" + _ZH_POLITE + r"(?:把" + _ZH_OBJ + r")?(?:交|缴|付|充)(?:了|一下)?(?:这个月的?|本月的?)?(?:电费|水费|燃气费|话费|物业费|房租|学费|网费)"
    r"|^" + _ZH_POLITE + r"把[^，,。]{0,8}?(?:电费|水费|燃气费|话费|物业费|房租|学费|网费)(?:给)?(?:交|缴|付|充)(?:了|掉|上|一下)?"
    r"|^" + _ZH_POLITE + r"(?:转账|转)(?:给" + _ZH_OBJ + r")?[\d一两二三四五六七八九十百千万]+(?:块|元|美元)"
    r"|^" + _ZH_POLITE + r"(?:给|向)" + _ZH_OBJ + r"(?:转账|转钱|打钱|汇款|汇钱|转)"
    # messages, calls, posting
    r"|^" + _ZH_POLITE + r"(?:给|向|跟|和)" + _ZH_OBJ + r"(?:发|打)(?:个|一个|一条|一封|条|封)?(?:微信|短信|消息|信息|邮件|电话|语音|视频)"
    r"|^" + _ZH_POLITE + r"(?:发|打)(?:个|一个|一条|一封|条|封)?(?:微信|短信|消息|信息|邮件|电话|语音|视频)(?:给|到)"
    r"|^" + _ZH_POLITE + r"打(?:个)?电话给|^" + _ZH_POLITE + r"(?:短信|邮件|微信)(?:通知|告诉|发给)"
    r"|^" + _ZH_POLITE + r"(?:在|到)?(?:朋友圈|微博|群里|工作群|抖音|小红书)(?:里|上)?(?:发|转发|分享)"
    r"|^" + _ZH_POLITE + r"(?:发|转发|分享)(?:一条|个|条)?[^，,。]{0,10}?(?:到|去)(?:朋友圈|微博|群|工作群|抖音|小红书)"
    r"|^" + _ZH_POLITE + r"(?:把" + _ZH_OBJ + r")?(?:发|转发|分享|转)(?:到|给)"
    # alarms, timers, reminders at a time, calendars
    r"|(?:设|定|订|调|开|加)(?:一?个|上)?[^，,。]{0,6}?闹钟|闹钟(?:帮我|给我|麻烦)?(?:定|设|调|开)|叫醒我|叫我起床|喊我起床|定个时"
    r"|(?:设|定|开|来|启动|开始)(?:一?个)?[^，,。]{0,8}?(?:倒计时|计时器|定时器)"
    r"|^" + _ZH_POLITE + r"(?:到时候|明天|今天|后天|晚上|下午|上午|早上|每天)?[^，,。]{0,10}?提醒我"
    r"|(?:加|添加|放|记)(?:到|进|在)[^，,。]{0,4}(?:日历|日程)|(?:日历|日程)(?:里|上)?(?:加|添加|建)"
    # devices and the physical world
    r"|^" + _ZH_POLITE + r"(?:把" + _ZH_OBJ + r")?(?:打开|关掉|关闭|关上|开一下|开开|关一下|调到|调高|调低|调大|调小|启动|暂停)" + _ZH_OBJ
    + r"(?:灯|空调|电视|窗帘|音量|暖气|风扇|扫地机器人|车库门|门锁|热水器|加湿器|音箱|音乐|洗衣机|电饭煲|空气净化器|投影|冰箱)"
    r"|^" + _ZH_POLITE + r"(?:把)?" + _ZH_OBJ + r"(?:灯|空调|电视|窗帘|暖气|风扇|热水器|加湿器|音箱|洗衣机)"
    r"(?:打开|关掉|关了|关上|开一下|调到|调高|调低)"
    r"|^" + _ZH_POLITE + r"(?:放|播放|来)(?:一?首|点|一?段)" + _ZH_OBJ + r"(?:歌|音乐|曲子|歌曲|专辑|播客|相声|广播)"
    r"|^" + _ZH_POLITE + r"播放|^" + _ZH_POLITE + r"(?:放|来)一?首[^，,。？?]{1,12}的[^，,。？?]{1,8}$"
    # rides and navigation
    r"|^" + _ZH_POLITE + r"(?:叫|约|打)(?:一?辆|个)?[^，,。]{0,8}?(?:车|出租车|的士|滴滴|专车|快车)(?![间站票])|^" + _ZH_POLITE + r"打车|导航(?:到|去)|带我去"
    # acting on files and accounts outside the system
    r"|^" + _ZH_POLITE + r"(?:把" + _ZH_OBJ + r")?(?:备份|同步)(?:到)" + _ZH_OBJ + r"(?:云盘|网盘|电脑|相册)"
    r"|^" + _ZH_POLITE + r"(?:把)?我的" + _ZH_OBJ + r"(?:聊天记录|照片|相册|文件)(?:都)?(?:删掉|删除|清空)",
)
_EN_LEAD = r"^(?:(?:please|pls|can you|could you|would you|will you|hey|ok|okay|go ahead and|i need you to|i want you to)[\s,]+)*"
EN_ACT = re.compile(
    _EN_LEAD + r"(?:book|reserve)\s+(?:me|us|a|an|two|three|four|five|six|\d+|the|my|our|tickets?|seats?|tables?|flights?"
    r"|hotels?|rooms?|cabs?|taxis?|rides?)\b"
    r"|" + _EN_LEAD + r"(?:make|get)\s+(?:me\s+)?(?:a|an)\s+(?:\w+\s+)?(?:reservation|appointment|booking)\b"
    r"|" + _EN_LEAD + r"(?:buy|purchase)\s+(?:me\s+)?(?:a|an|some|two|three|four|\d+|the|this|that|more)\b"
    r"|" + _EN_LEAD + r"order\s+(?:me\s+|us\s+)?(?:a|an|some|two|three|four|five|dinner|lunch|food|pizza|coffee|takeout|groceries)\b"
    r"|" + _EN_LEAD + r"get\s+(?:me\s+|us\s+)(?:a|an|some)\s+(?:\w+\s+){0,2}(?:delivered|to go)\b"
    r"|" + _EN_LEAD + r"pay\s+(?:my|the|our|this)\s+(?:\w+\s+)?(?:bill|rent|invoice|fine|fee|tuition)\b"
    r"|" + _EN_LEAD + r"(?:send|transfer|wire|venmo)\s+(?:\$|€|£|¥)?\d"
    r"|" + _EN_LEAD + r"send\s+(?!me\b)(?:a|an|the|this|that|my|our|\w+'s)\s+(?:\w+\s+){0,3}?(?:to|via|on)\b"
    r"|" + _EN_LEAD + r"send\s+(?!(?:me|us)\b)(?:my\s+\w+|our\s+\w+|the\s+\w+|him|her|them|[a-z]+)\s+(?:a|an)\s+(?:\w+\s+)?"
    r"(?:text|message|email|e-mail|note|dm|whatsapp)\b"
    r"|" + _EN_LEAD + r"(?:text|message|email|e-mail|dm|whatsapp|ping|call|phone|ring|facetime)\s+"
    r"(?:my|the|our|his|her|him|them|everyone|everybody|all|mom|mum|dad|grandma|grandpa)\b"
    r"(?!\s+(?:function|script|code|api|method|endpoint|stack)\b)"
    r"|" + _EN_LEAD + r"(?:post|tweet|share|upload|forward)\s+(?:this|that|it|my|the|a)\b[^.?!]{0,40}\b(?:to|on)\s+"
    r"(?:my\s+)?(?:instagram|facebook|twitter|x|linkedin|tiktok|slack|teams|wechat|the group|the channel|hr|\w+@)"
    r"|" + _EN_LEAD + r"forward\s+(?:this|that|the|my)\s+(?:email|message|mail)\b"
    r"|" + _EN_LEAD + r"(?:text|email|e-mail|send|forward|message|whatsapp|post)\s+(?:it|this|that|them|these|those|the \w+)\s+"
    r"to\s+(?:my|the|our|his|her|him|them|everyone|\w+@|[a-z]+\b)"
    r"|\b(?:set|create|start)\s+(?:an?\s+|my\s+)?(?:[\w-]+\s+){0,3}(?:alarm|timer|countdown)\b|\bwake me(?: up)?\b"
    r"|\bremind me (?:to|at|in|on|tomorrow|tonight|every|about|when)\b|\bset (?:up )?a reminder\b"
    r"|\badd\b[^.?!]{0,40}\bto my calendar\b|" + _EN_LEAD + r"schedule\s+(?:a|an|the|my)\s+(?:\w+\s+)?(?:meeting|call|appointment)\b"
    r"|" + _EN_LEAD + r"(?:turn|switch)\s+(?:on|off)\b|" + _EN_LEAD + r"(?:turn|switch)\s+(?:the|my)\s+(?:\w+\s+){0,3}(?:on|off|up|down)\b"
    r"|" + _EN_LEAD + r"(?:dim|brighten)\s+the\b|" + _EN_LEAD + r"(?:lock|unlock|open|close)\s+the\s+(?:front |back |garage )?(?:door|garage|window|blinds|curtains)\b"
    r"|" + _EN_LEAD + r"start\s+the\s+(?:washing machine|dishwasher|dryer|car|robot vacuum|vacuum|oven|coffee maker)\b"
    r"|" + _EN_LEAD + r"play\s+(?:some\s+|a\s+|me\s+)?(?:\w+\s+){0,2}(?:music|songs?|jazz|rock|playlist|radio|podcast)\b"
    r"|" + _EN_LEAD + r"(?:play|put on)\s+(?:me\s+)?(?:something|anything|the (?:song|album|track|playlist))\b"
    r"|" + _EN_LEAD + r"put on\s+(?:some\s+|a\s+)?(?:\w+\s+){0,2}(?:music|songs?|playlist|podcast|radio)\b"
    r"|" + _EN_LEAD + r"(?:call|get|book|order)\s+(?:me\s+|us\s+)?(?:an?\s+)?(?:uber|lyft|taxi|cab|ride)\b"
    r"|" + _EN_LEAD + r"navigate\s+(?:me\s+)?to\b|" + _EN_LEAD + r"(?:cancel|unsubscribe)\s+(?:me\s+from\s+|my\s+)"
    r"|" + _EN_LEAD + r"delete\s+(?:all\s+)?(?:my|the)\s+(?:\w+\s+){0,2}(?:photos|files|messages|emails|contacts)\b",
    IC,
)
# Asking how to do it, or whether it can be done, is a question, not a request to act.
_HOW_TO = re.compile(
    r"怎么|如何|怎样|是否|流程|步骤|政策|规定|\bhow (?:do|can|should|would) (?:i|we|you)\b|\bhow to\b"
    r"|\bwhat(?:'s| is) the (?:best|easiest) way\b|\bis it possible\b|\bcan i\b|\bpolicy\b",
    IC,
)


# A question about the world that happens to start with such a verb ("打开冰箱发现牛奶坏了还能喝吗") asks, it does not
# instruct; a polite request ends the same way ("能帮我订张票吗"), so it must open as one.
_QUESTION_END = re.compile(r"(?:吗|么|嘛|呢)\s*[?？]?\s*$|[?？]\s*$")
# "点一份外卖一般要多久": a question about acting, asked without a question mark.
_HOW_MUCH_OR_LONG = re.compile(r"多久|多少|多长时间|什么时候|哪里|哪家|\bhow (?:long|much|many)\b", IC)
_POLITE_OPEN = re.compile(r"^(?:请|麻烦|帮我|帮忙|给我|替我|你能|能不能|能否|能帮|能给|能替|可以|可不可以|可否|你可以|你帮|"
                          r"can you|could you|would you|will you|please)", IC)


def asks_to_act(clause: str) -> bool:
    """Whether ``clause`` asks the assistant to act in the world (see the module doc)."""
    text = clause.strip()
    if not text or _HOW_TO.search(text):
        return False
    if (_QUESTION_END.search(text) or _HOW_MUCH_OR_LONG.search(text)) and not _POLITE_OPEN.match(text):
        return False
    return bool(ZH_ACT.search(text) or EN_ACT.search(text) or _EN_NAMED.search(text))


# "Call John", "Text Mary that I'm late": a person named after the verb (case matters here).
_EN_NAMED = re.compile(
    r"^(?:(?:[Pp]lease|[Cc]an you|[Cc]ould you)\s+)?(?:[Tt]ext|[Mm]essage|[Ee]-?mail|DM|[Ww]hats[Aa]pp|[Cc]all|[Pp]hone|[Rr]ing|"
    r"FaceTime)\s+[A-Z][a-z]+\b(?!\s+(?:function|API|api|code|method|[Ss]tack))"
)
