"""What a question asks of the graph (rules, Chinese and English): its shape (bridge, comparison,
intersection, a yes/no "same …?" check, a "which of A and B leads to C?" filter), the kind of answer it wants (a place, a person, a date, a
number, or a head noun such as "office" / 机房), and for comparisons which way wins."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import lang_of

_EN_TARGETS: tuple[tuple[str, str], ...] = (
    (r"\b(?:which|what) (?:city|town)\b|\bwhere\b|\bin which (?:city|town)\b", "place"),
    (r"\b(?:which|what) (?:country|province|state|district|region)\b", "place"),
    (r"\bwho(?:m)?\b|\bwhich (?:person|employee|manager|engineer|colleague)\b", "person"),
    (r"\bwhen\b|\bwhat (?:date|day|year)\b|\bwhich (?:date|day|year)\b|\bhow long ago\b", "date"),
    (r"\bhow (?:many|much|long|big|large)\b|\bwhat (?:number|amount|percentage|budget|price)\b", "number"),
)
_ZH_TARGETS: tuple[tuple[str, str], ...] = (
    (r"哪个城市|哪座城市|什么城市|哪(?:个)?(?:省|区|县|国家)|哪里|哪儿|在哪|什么地方|何处|哪一个城市", "place"),
    (r"谁|哪位|哪个人|什么人", "person"),
    (r"哪天|哪一天|哪年|哪一年|什么时候|何时|哪个月|日期是|几月|几号", "date"),
    (r"多少|几个|几家|几台|几人|多大|多长|多久|多高", "number"),
)
_EN_HEAD = re.compile(r"\b(?:which|what)\s+([a-z][a-z-]+)\b(?:\s+([a-z][a-z-]+)\b)?", re.IGNORECASE)
_ZH_HEAD = re.compile(r"(?:哪个|哪家|哪一个|哪一家|哪座|哪台|哪条|哪位|什么|哪些)([\u3400-\u9fff]{1,4})")
_EN_NOT_HEADS = {"is", "was", "are", "does", "do", "did", "of", "the", "one", "ones", "has", "have"}

_EN_MORE = re.compile(r"\b(?:more|larger|bigger|higher|greater|longer|most|largest|biggest|highest|heavier)\b", re.I)
_EN_LESS = re.compile(r"\b(?:fewer|less|smaller|lower|shorter|least|smallest|lowest|cheaper)\b", re.I)
_EN_EARLY = re.compile(r"\b(?:earlier|earliest|older|oldest|first|sooner|before)\b", re.I)
_EN_LATE = re.compile(r"\b(?:later|latest|newer|newest|last|more recent|most recent|after)\b", re.I)
_ZH_MORE = re.compile(r"更多|最多|更大|最大|更高|最高|更长|最长|多一些|较多|较大|较高")
_ZH_LESS = re.compile(r"更少|最少|更小|最小|更低|最低|更短|最短|较少|较小|较低")
_ZH_EARLY = re.compile(r"更早|最早|较早|早一些|先|更老|更久")
_ZH_LATE = re.compile(r"更晚|最晚|较晚|晚一些|更新|最新|更近")

_EN_YES_NO = re.compile(r"^\s*(?:are|is|do|does|did|was|were|have|has)\b", re.I)
_EN_SAME = re.compile(r"\b(?:same|both|also|as well|in common|together|shared?)\b", re.I)
_ZH_YES_NO = re.compile(r"吗[？?]?\s*$|是否|是不是|有没有")
_ZH_SAME = re.compile(r"同一|相同|一样|同样|都")
_EN_BOTH = re.compile(r"\bboth\b|\bin common\b|\bshared by\b|\bcommon\b|\beach of\b", re.I)
_ZH_BOTH = re.compile(r"都|共同|同时|共有|一起")
_EN_WHICH_OF = re.compile(r"\bwhich\b.*\bor\b|\bwhich of\b|\bwho(?:se)?\b.*\bor\b", re.I)
_ZH_WHICH_OF = re.compile(r"哪个|哪家|哪一个|哪一家|哪位|谁")


@dataclass
class Question:
    text: str
    lang: str
    shape: str  # bridge | comparison | intersection | same | filter
    target: str | None = None  # place | person | date | number
    heads: list[str] = field(default_factory=list)  # head nouns of the asked thing ("office", "机房")
    direction: str | None = None  # comparisons: max | min
    attribute: str | None = None  # comparisons: date | number


def analyze(text: str) -> Question:
    lang = lang_of(text)
    q = Question(text=text, lang=lang, shape="bridge")
    targets = _ZH_TARGETS if lang == "zh" else _EN_TARGETS
    first = len(text) + 1
    for pattern, target in targets:  # the question word that comes first says what is asked
        m = re.search(pattern, text, re.IGNORECASE)
        if m and m.start() < first:
            q.target, first = target, m.start()
    if lang == "zh":
        q.heads = [m.group(1) for m in _ZH_HEAD.finditer(text) if m.group(1) not in ("时候", "地方", "人")]
    else:
        q.heads = [
            w.lower() for m in _EN_HEAD.finditer(text) for w in m.groups() if w and w.lower() not in _EN_NOT_HEADS
        ]
    same_head = re.search(r"同一(?:个|家|座|台)?([\u3400-\u9fff]{1,3}?)(?:吗|工作|办公|[？?，,。]|$)|\bsame\s+([a-z]+)", text, re.I)
    if same_head:
        q.heads.append((same_head.group(1) or same_head.group(2)).lower())
    if lang == "zh":
        more, less, early, late = _ZH_MORE, _ZH_LESS, _ZH_EARLY, _ZH_LATE
        yes_no = bool(_ZH_YES_NO.search(text)) and bool(_ZH_SAME.search(text))
        both = bool(_ZH_BOTH.search(text)) and bool(re.search(r"和|与|及|跟|、", text))
        which_of = bool(_ZH_WHICH_OF.search(text)) and bool(re.search(r"和|与|还是|或", text))
    else:
        more, less, early, late = _EN_MORE, _EN_LESS, _EN_EARLY, _EN_LATE
        yes_no = bool(_EN_YES_NO.search(text)) and bool(_EN_SAME.search(text))
        both = bool(_EN_BOTH.search(text))
        which_of = bool(_EN_WHICH_OF.search(text)) or bool(re.search(r"\b(?:than)\b", text))
    if early.search(text):
        q.direction, q.attribute = "min", "date"
    elif late.search(text):
        q.direction, q.attribute = "max", "date"
    elif more.search(text):
        q.direction, q.attribute = "max", "number"
    elif less.search(text):
        q.direction, q.attribute = "min", "number"
    if yes_no:
        q.shape = "same"
    elif q.direction and which_of:
        q.shape = "comparison"
    elif both:
        q.shape = "intersection"
    elif which_of:
        q.shape = "filter"  # "A 和 B，哪位的上级常驻西岭基地？": which of the two leads to the named thing
    return q
