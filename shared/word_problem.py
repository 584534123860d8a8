"""Is this request an arithmetic word problem? (issue 16: what a tool computes exactly, the model never does)

A word problem states its own quantities and asks for a number computed from them: "$128.50 plus 7.25% tax,
split 3 ways: how much each?", "苹果8.8元一斤买了3.5斤…找我多少钱". The judgement is lexical and bounded (no model):

- at least two numbers written with digits, and at least one of them a *stated value*: an amount of money
  (¥599, 1146元, 5万块), a percentage or discount (7.25%, 八五折), a measure (450 km, 5升), or a unit rate
  (12.50 each, 680 a night, 8.8元一斤) — or three or more numbers with an aggregate word ("82, 91, 77 and 95:
  what's my average?"), or two dates with an age/interval question;
- it asks for a quantity or states an operation (how much / how many / what do I pay / 多少 / 几 / 每人 /
  平均 / total / split / tax / 找零 …).

It is not claimed when the request names another source of its numbers (an order id, the weather, the
knowledge base or its documents, a database, a URL) or asks for work that is no arithmetic (write, translate,
summarise, code): a question about a price the request does not state ("how much is a 2-night stay?") has
one number and no stated value, so it stays a knowledge-base question. Both the parser (routing) and the
planner (the answer's last guard) use the same judgement, so it lives in this library.
"""

from __future__ import annotations

import re

__all__ = ["is_word_problem", "is_follow_up", "asks_quantity", "numbers_in", "MAX_CHARS", "UNCOMPUTED"]

# The entity of a calculation intent that no reader computed (the parser's mark, the planner's cue for a template).
UNCOMPUTED = "uncomputed"

MAX_CHARS = 600  # longer requests carry content (a text to summarise), never a word problem only

# A number, not a part of a name or code ("m2", "HC-11", "E-310" carry none).
_DIGITS = re.compile(r"(?<![A-Za-z\d])(?<![A-Za-z]-)(?<!\d\.)(?:\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?)")
_CURRENCY = (r"[¥$€£￥]|\b(?:usd|cny|rmb|eur|gbp|jpy|hkd|yuan|dollars?|euros?|pounds?|bucks?|cents?|yen)\b|"
             r"元|块|美元|欧元|英镑|日元|港币|人民币|万元?")
_MEASURE = (r"(?:km|kg|mg|ml|cm|mm|m³|m²|m3|m2|g|l|m|mi|lb|lbs|oz|ft|mph|km/h|°[cf])\b|"
            r"\b(?:kilo(?:metre|meter|gram)s?|metres?|meters?|miles?|grams?|litres?|liters?|pounds?|ounces?|"
            r"hours?|hrs?|minutes?|mins?|seconds?|days?|weeks?|months?|years?|nights?|pages?|copies|people|"
            r"persons?|items?|pieces?|cans?|boxes?|bottles?|tickets?|units?|kwh|degrees?)\b|"
            r"公里|千米|米|厘米|毫米|公斤|千克|克|斤|两|升|毫升|吨|小时|分钟|秒|天|周|个月|年|度|平米|平方米|立方米|"
            r"个|件|本|支|张|瓶|箱|盒|袋|杯|份|台|人|桌|间|晚|次|页|斤|摄氏度|华氏度")
_PERCENT = r"%|percent\b|per\s*cent\b|百分之|折"
_RATE = (r"\b(?:each|apiece|per|a|an)\s+(?:[a-z]+\b)?|\ba\s+(?:night|day|month|year|week|hour|litre|liter|kg|page)\b|"
         r"每|一(?:斤|个|件|本|支|张|瓶|箱|盒|袋|杯|份|台|晚|天|小时|公里|升|度|人)")
# A number followed (within a few characters) by a currency, percent, measure or rate, or preceded by a currency.
_STATED = re.compile(
    rf"(?:{_CURRENCY})\s*\d|\d(?:[\d.,]*)\s*(?:{_CURRENCY}|{_PERCENT}|{_MEASURE}|(?:/|\s)(?:{_RATE}))|"
    r"[一二两三四五六七八九]\s*折|打\s*\d",
    re.I,
)
_ASK = re.compile(
    r"\bhow\s+(?:much|many|far|long|old|fast)\b|\bwhat(?:'s|\s+is|\s+are|\s+will|\s+would|\s+do|\s+does|\s+did)\b|"
    r"\b(?:total|in total|altogether|average|mean|each share|per person|each person|owe|left over|remain(?:ing|s)?|"
    r"change|worth|end up|come to|take-home|net|profit|cost|pay|split|difference|increase|decrease|work out|"
    r"calculate|compute)\b|\?\s*$|"
    r"多少|几|每人|平均|一共|总共|合计|共计|总计|剩下|剩余|还剩|还差|找我|找零|应付|实付|到手|平摊|均摊|AA|算一下|算算|"
    r"差多少|贵多少|便宜多少|高多少|低多少|涨了|降了|划算|便宜",
    re.I,
)
# A count or measure written in Chinese numerals ("两件", "三年", "六个人"): a number of the problem too.
_ZH_QUANTITY = re.compile(r"(?<![一二两三四五六七八九十百千])[一二两三四五六七八九十百千]+(?:个|件|本|支|张|瓶|箱|盒|袋|杯|份|台|人|桌|间|晚|次|"
                          r"年|天|周|斤|公斤|升|米|公里|小时|分钟|折|成)")
_AGGREGATE = re.compile(r"\b(?:average|mean|sum|total|altogether)\b|平均|总和|一共|总共|合计", re.I)
_DATE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}-\d{1,2}-\d{1,2}|"
                   r"\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{4}\b|"
                   r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}\b", re.I)
_DATE_ASK = re.compile(r"\bhow\s+(?:old|many\s+(?:days|weeks|months|years))\b|周岁|多少岁|几岁|多少天|几天|多少周", re.I)
# The request names another source of its numbers, or asks for work that is no arithmetic.
_OTHER_SOURCE = re.compile(
    r"\border\s*(?:no\.?|number|#|id)?\s*#?\s*[A-Z]*\d{3,}|订单\s*(?:号)?\s*[A-Z]*\d{3,}|\bweather\b|\bforecast\b|"
    r"天气|预报|下雨|下雪|\b(?:knowledge\s*base|kb|document|docs?|policy|handbook|manual|database|sql|table)\b|"
    r"知识库|文档|手册|规定|政策|数据库|数据表|https?://|www\.",
    re.I,
)
_NOT_ARITHMETIC = re.compile(
    r"\b(?:write|draft|compose|translate|summari[sz]e|summary|tl;?dr|poem|story|email|e-mail|tweet|slogan|code|"
    r"function|script|regex|sql|python|javascript|explain|boil\s+(?:this|it)\s+down|key\s+points|main\s+points|"
    r"sum\s+up|how\s+you\s+(?:got|worked|did|calculated))\b|写|翻译|翻成|译成|译为|文案|邮件|诗|总结|概括|摘要|"
    r"代码|函数|故事|口号|广告|解释|提炼|要点",
    re.I,
)


# A next turn that asks for a number about the last one's result: "What's that in kilograms?", "那三个人平摊的话每人多少？"
_QUANTITY_ASK = re.compile(r"\bhow\s+(?:much|many|far|long)\b|\bwhat\s+(?:would|will|do|does|did)\b[^.?!]{0,40}?\b(?:cost|come\s+to|pay)\b|\bin\s+(?:[a-z]+\s+)?(?:kilo\w*|grams?|hours?|minutes?|"
                           r"seconds?|days?|weeks?|months?|years?|miles?|km|metres?|meters?|litres?|liters?|euros?|"
                           r"dollars?|yuan|pounds?|percent)\b|多少|几|每人|平均", re.I)
_REFERS = re.compile(r"\b(?:that|it|this|the result|the total|each)\b|那|这|它|再|还|呢|结果|总", re.I)
# Operation words that make two bare numbers a problem ("cost 250 last year and 275 this year … same percentage").
_OPERATION = re.compile(r"\b(?:percentage|per\s*cent|increase[sd]?|decrease[sd]?|discount(?:ed)?|interest|tax|tip|"
                        r"split|average|rate)\b|涨|降|折扣|利息|利率|税|均摊|平摊", re.I)
# The price of one of a stated count ("36 bars is 27.72. How much is that per bar?", "24瓶卖57.6元，每瓶多少钱？").
_PER_ASK = re.compile(r"\b(?:how\s+much|what)\b[^.?!]{0,30}?\b(?:per|(?:for\s+)?(?:one|each|a\s+single))\s+[a-z]+|"
                      r"\bper\s+[a-z]+\s*\?|每\S{1,3}?多少钱?|一\S{1,2}?多少钱|单价(?:是)?多少", re.I)
_CLOCK = re.compile(r"(?<!\d)(?:[01]?\d|2[0-3]):[0-5]\d(?!\d)")
_CLOCK_ASK = re.compile(r"\bhow\s+(?:many|much|long)\s+(?:minutes|hours|time)\b|多少分钟|几个?小时|多长时间|多久", re.I)


def numbers_in(text: str) -> list[float]:
    """The numbers written with digits in ``text`` ("20,000" is one number; "3.5%" reads 3.5)."""
    return [float(m.group(0).replace(",", "")) for m in _DIGITS.finditer(text)]


def asks_quantity(text: str) -> bool:
    """The text asks for a number or states an operation on one ("how much", "每人多少", "split it")."""
    return bool(_ASK.search(text))


def is_word_problem(text: str) -> bool:
    """True when ``text`` is an arithmetic word problem that states its own quantities (see the module doc)."""
    if not text or len(text) > MAX_CHARS:
        return False
    if _OTHER_SOURCE.search(text) or _NOT_ARITHMETIC.search(text):
        return False
    numbers = numbers_in(text)
    undated = _DATE.sub(" ", text)  # a date is no stated value ("2024年12月31日是星期几")
    if not numbers or len(numbers) + len(_ZH_QUANTITY.findall(text)) < 2 or not asks_quantity(text):
        return False
    if _STATED.search(undated) or _PER_ASK.search(undated):
        return True
    if len(_DATE.findall(text)) >= 2 and _DATE_ASK.search(text):
        return True
    if len(_CLOCK.findall(text)) >= 2 and _CLOCK_ASK.search(text):
        return True
    if _OPERATION.search(undated):
        return True
    return len(numbers) >= 3 and bool(_AGGREGATE.search(text))


def is_follow_up(text: str) -> bool:
    """``text`` asks for a number about an earlier result ("And how many hours is that?", "再扣掉手续费，到手多少？"):
    arithmetic when the turn before it was (the caller knows the turn)."""
    if not text or len(text) > MAX_CHARS or _OTHER_SOURCE.search(text) or _NOT_ARITHMETIC.search(text):
        return False
    return bool(_QUANTITY_ASK.search(text)) and bool(numbers_in(text) or _REFERS.search(text))
