"""Text clean-up and language detection. Every function here runs in linear time."""

from __future__ import annotations

import re
import unicodedata

from .lexicon import EN_CUE_VOCAB, EN_REAL_WORDS_NEAR_CUES, ZH_TYPOS

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_RE = re.compile(f"[{HAN}]")
_KANA_RE = re.compile("[\u3040-\u30ff]")
_HANGUL_RE = re.compile("[\uac00-\ud7af]")
_CYRILLIC_RE = re.compile("[\u0400-\u04ff]")
_ARABIC_RE = re.compile("[\u0600-\u06ff]")
_LATIN_WORD_RE = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_SPACE_RE = re.compile(r"[ \t\u3000\u00a0]+")
_HAN_GAP_RE = re.compile(f"(?<=[{HAN}]) +(?=[{HAN}])")
_REPEAT_PUNCT_RE = re.compile(r"([!?.,;:。，！？；：~、…])\1+")
_TLDR_RE = re.compile(r"\btl;\s?dr\b", re.IGNORECASE)
_URL_RE = re.compile(r"https?://[^\s\"'<>“”，。、）)]+", re.IGNORECASE)


# Pinyin-input slips for 天气 (tian qi): 天起, 天期, 天七, 添气, 田气… Not after a day or number word, where 天 ends
# another word ("从明天起", "7天期", "每天起床" keep their meaning).
_TIANQI = re.compile(r"(?:天[起期七泣齐企骑器汽]|[添田甜]气)(?![床来身码点])")
_TIANQI_NOT_AFTER = frozenset("明今后昨前当那每从几两一二三四五六七八九十半整白第0123456789")


def _tianqi(m: re.Match[str]) -> str:
    """天气 for a slip, unless a day or number word comes before it (spaces between count: "第 6 天起")."""
    before = m.string[: m.start()].rstrip()
    if before and before[-1] in _TIANQI_NOT_AFTER:
        return m.group(0)
    return "天气"


def _keep(ch: str) -> bool:
    cat = unicodedata.category(ch)
    # So = emoji and pictographs, Cs = broken surrogates, Co = private use; Cf (ZWJ, variation
    # selectors) is dropped except newlines, which are Cc and kept.
    return cat not in ("So", "Cs", "Co", "Cf", "Sk") or ch in "°^`"


def normalize(text: str) -> str:
    """Fold full-width forms to ASCII, drop emoji and invisible marks, squeeze spaces and repeated
    punctuation, join Han characters split by stray spaces. Case is kept (entities are reported as
    written)."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if _keep(ch))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACE_RE.sub(" ", text)
    text = _HAN_GAP_RE.sub("", text)
    text = _REPEAT_PUNCT_RE.sub(r"\1", text)
    text = _TLDR_RE.sub("TLDR", text)
    for wrong, right in ZH_TYPOS.items():
        if wrong in text:
            text = text.replace(wrong, right)
    text = _TIANQI.sub(_tianqi, text)
    return text.strip()


def detect_language(text: str, default: str = "en") -> str:
    """ISO 639-1 code of the text's dominant script; Latin script counts as English. ``default``
    when the text has no letters at all ("1024÷32=?")."""
    sample = _URL_RE.sub(" ", text[:2000])
    if _KANA_RE.search(sample):
        return "ja"
    if _HANGUL_RE.search(sample):
        return "ko"
    han = len(_HAN_RE.findall(sample))
    words = len(_LATIN_WORD_RE.findall(sample))
    if han == 0:
        if _CYRILLIC_RE.search(sample):
            return "ru"
        if _ARABIC_RE.search(sample):
            return "ar"
        return "en" if words else default
    if words == 0 or han > 1.5 * words:
        return "zh"
    if words > 1.5 * han:
        return "en"
    for ch in sample:
        if _HAN_RE.match(ch):
            return "zh"
        if ch.isascii() and ch.isalpha():
            return "en"
    return "zh"


def _edit_distance_at_most_one(a: str, b: str) -> bool:
    """True when a and b differ by one insertion, deletion, substitution or adjacent swap."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


_VOCAB = frozenset(EN_CUE_VOCAB)
_KNOWN_OK = EN_REAL_WORDS_NEAR_CUES | frozenset(
    {"where", "whether", "there", "these", "those", "other", "order", "orders", "weathers", "tomorrows",
     "write", "wrote", "white", "while", "times", "time", "timer", "poems", "story", "store", "stores",
     "hell", "thanks", "thank", "than", "then", "them", "what", "whats", "that", "wait", "want", "summer",
     "dates", "water", "later", "letter", "minute", "minus", "mines", "status", "statue", "state", "again",
     "gains", "scripts", "ordered", "border", "please", "pleased", "plead", "script", "monday",
     "friday", "today", "toady", "tonight", "poet", "poetry", "message", "massage", "messages"}
)


_EN_SHORT = {"tmrw": "tomorrow", "tmr": "tomorrow", "tmrow": "tomorrow", "2moro": "tomorrow", "2morrow": "tomorrow",
             "tommorow": "tomorrow", "tommorrow": "tomorrow", "tomorow": "tomorrow", "2day": "today", "tdy": "today",
             "2nite": "tonight", "wx": "weather", "plz": "please", "pls": "please", "thx": "thanks"}
_EN_SHORT_RE = re.compile(r"\b(?:" + "|".join(_EN_SHORT) + r")\b", re.IGNORECASE)


def _is_plural_of_cue(word: str) -> bool:
    """A cue word's plural ("refunds" of "refund") is a real word, not a typo one edit away."""
    return word.endswith("s") and word[:-1] in _VOCAB


def fix_typos(text: str, limit_words: int = 200) -> str:
    """Correct English words one edit away from a cue word (``wether`` -> ``weather``).

    Only the first ``limit_words`` words are looked at: cue words live in the instruction, and
    the rest of a long input is content that must not be rewritten."""
    head, tail = text[:2000], text[2000:]
    text = _EN_SHORT_RE.sub(lambda m: _EN_SHORT[m.group(0).lower()], head) + tail
    out: list[str] = []
    last = 0
    for n, m in enumerate(_LATIN_WORD_RE.finditer(text)):
        if n >= limit_words:
            break
        word = m.group(0)
        low = word.lower()
        if len(low) < 5 or low in _VOCAB or low in _KNOWN_OK or _is_plural_of_cue(low):
            continue
        for cue in EN_CUE_VOCAB:
            if abs(len(cue) - len(low)) <= 1 and cue[0] == low[0] and _edit_distance_at_most_one(low, cue):
                out.append(text[last : m.start()])
                out.append(cue if word.islower() else cue.capitalize() if word[0].isupper() else cue)
                last = m.end()
                break
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def original_span(original: str, fixed: str, start: int, end: int) -> str:
    """The part of ``original`` that ``fixed[start:end]`` came from, where ``fixed = fix_typos(original)``.

    fix_typos swaps whole words and keeps everything between them, so the n-th word of one text
    is the n-th word of the other; a boundary inside a swapped word snaps to that word's end.
    Content worth keeping verbatim (a fact to remember) is read back this way."""
    if fixed == original:
        return original[start:end]
    ours, theirs = list(_LATIN_WORD_RE.finditer(fixed)), list(_LATIN_WORD_RE.finditer(original))
    if len(ours) != len(theirs):
        return fixed[start:end]

    def convert(pos: int) -> int:
        shift = 0
        for a, b in zip(ours, theirs, strict=True):
            if a.start() >= pos:
                break
            if a.end() > pos:
                return b.end()
            shift = b.end() - a.end()
        return pos + shift

    return original[convert(start) : convert(end)]


URL_RE = _URL_RE
HAN_RE = _HAN_RE
