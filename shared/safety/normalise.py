"""Normalisation: the forms a guarded text is read in, so an obfuscated request reads like a plain one.

`views(text)` folds full-width forms (NFKC), drops zero-width and other invisible format characters,
folds Cyrillic and Greek look-alikes inside Latin words, lower-cases, and squeezes spaces (`folded`).
From that it derives the forms the rules and the classifier read:

- `canonical`: letters spread out by spaces, dots or hyphens joined again (`i g n o r e`, `忽 略`) and
  leetspeak tokens read as letters (`1gn0r3` -> `ignore`); the classifier reads this form;
- `decoded`: base64 blobs, `\\uXXXX`/`\\xNN` escapes, HTML numeric references and URL percent-encoding
  replaced by what they decode to (empty when there is nothing to decode);
- `extra`: forms only the rules read: the text without tone marks, pinyin words written in Chinese
  (pinyin.py), a zh/en code-switched text with its English rule words in Chinese, ROT13 and reversed.

Every step is linear in the text. A form equal to an earlier one is not repeated, so plain text is
read once. `obfuscations` names what changed the text, for the span attribute and the evaluation.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import html
import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import unquote

from .pinyin import to_hanzi

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_RE = re.compile(f"[{HAN}]")
_LATIN_WORD_RE = re.compile(r"[a-z]{2,}")

# Invisible characters used to split words: zero-width space/joiners, word joiner, BOM, soft hyphen,
# bidirectional controls, Mongolian vowel separator, variation selectors.
_INVISIBLE = {
    0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x3164, 0xFEFF, 0xFFA0,
    *range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2070), *range(0xFE00, 0xFE10),
}
_INVISIBLE_TABLE = dict.fromkeys(_INVISIBLE)

# Cyrillic and Greek letters that look like Latin ones (and a few symbols used as letters).
_LOOKALIKES = {
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w",
    "һ": "h", "ӏ": "l", "ɑ": "a", "ɡ": "g", "ι": "i", "α": "a", "ε": "e", "ο": "o", "ρ": "p", "ν": "v",
    "τ": "t", "κ": "k", "υ": "u", "χ": "x", "β": "b", "ω": "w", "ѡ": "w", "ү": "y", "ɩ": "i", "ɪ": "i",
    "ʀ": "r", "ᴀ": "a", "ᴇ": "e", "ɴ": "n", "ᴏ": "o", "ꜱ": "s", "ᴛ": "t", "ᴜ": "u", "€": "e",
}
_LOOKALIKE_CHARS = "".join(_LOOKALIKES)
_MIXED_TOKEN_RE = re.compile(f"[a-z{_LOOKALIKE_CHARS}\u0400-\u04ff\u0370-\u03ff]+")

# Emoji written in place of the word they picture.
_EMOJI_WORDS = {
    "💣": " bomb ", "🔫": " gun ", "🔪": " knife ", "💊": " pills ", "☠": " poison ", "🧨": " explosive ",
    "💀": " kill ", "🔑": " key ", "🗝": " key ", "🔐": " password ",
}
_EMOJI_RE = re.compile("|".join(map(re.escape, _EMOJI_WORDS)))

_SPACE_RE = re.compile(r"[ \t\u00a0\u3000]+")
# Letters spread out inside words by dots or hyphens, words apart by spaces: "d.r.o.p t.a.b.l.e".
_DOTTED_RE = re.compile(r"(?<![a-z0-9])(?:[a-z0-9][.\-_*/|·]){1,}[a-z0-9](?![a-z0-9])")
_DOTTED_SEP_RE = re.compile(r"[.\-_*/|·]")
# Letters spread out by spaces, words apart by two or more: "i g n o r e   a l l".
_SPACED_WORDS_RE = re.compile(r"(?:(?<=\s)|^)(?:[a-z0-9] ){2,}[a-z0-9](?=\s{2,}|$|[^a-z0-9 ])")
# Single letters spread out by one separator: "i g n o r e", "i.g.n.o.r.e", "i-g-n-o-r-e".
_SPREAD_RE = re.compile(r"(?<![a-z0-9])(?:[a-z0-9](?:[ .\-_*/|·]{1,2})){2,}[a-z0-9](?![a-z0-9])")
_SPREAD_SEP_RE = re.compile(r"[ .\-_*/|·]+")
_HAN_GAP_RE = re.compile(f"(?<=[{HAN}])[ .\\-_*/|·~,，、]+(?=[{HAN}])")

_LEET = str.maketrans({
    "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "6": "g", "7": "t", "8": "b", "9": "g",
    "@": "a", "$": "s", "!": "i", "|": "l", "+": "t",
})
# A run of letters, digits and leet symbols (one linear pass; the token rules are applied per run: a
# pattern that demanded a letter inside the run backtracked quadratically over a long digit string).
_LEET_RUN_RE = re.compile(r"[a-z0-9@$!|+]+")
_LEET_EDGE = "!|+"  # symbols read as letters only inside a token ("hello!" keeps its "!")
_LEET_CHARS_RE = re.compile(r"[0-9@$!|+]")

_B64_RE = re.compile(r"[A-Za-z0-9+/_\-]{12,}={0,2}")
_ESCAPES_RE = re.compile(r"(?:\\u[0-9a-fA-F]{4}|\\U[0-9a-fA-F]{8}|\\x[0-9a-fA-F]{2})+")
_HTML_REF_RE = re.compile(r"&#(?:\d{2,7}|[xX][0-9a-fA-F]{2,6});")
_PERCENT_RE = re.compile(r"(?:%[0-9a-fA-F]{2}){2,}")
_PERCENT_ONE_RE = re.compile(r"(?:%[0-9a-fA-F]{2})+")
_PERCENT_SPREAD = 3  # single escapes spread over a text ("show%20me%20the%20password") are URL encoding too
_COMBINING_RE = re.compile(r"[\u0300-\u036f]")

# Code-switching (`请 ignore 之前的 instructions`): in a text with both Chinese and English words, the
# English words the Chinese rules are written in are also read in Chinese.
_EN_ZH = {
    "ignore": "忽略", "disregard": "无视", "forget": "忘记", "bypass": "绕过", "override": "覆盖", "skip": "跳过",
    "previous": "之前", "prior": "之前", "earlier": "之前", "above": "以上", "all": "所有", "every": "每个",
    "your": "你的", "you": "你", "instructions": "指令", "instruction": "指令", "rules": "规则", "rule": "规则",
    "guidelines": "准则", "restrictions": "限制", "restriction": "限制", "limits": "限制", "filters": "过滤",
    "system prompt": "系统提示词", "prompt": "提示词", "system": "系统", "hidden": "隐藏", "initial": "初始",
    "reveal": "透露", "show": "显示", "show me": "给我看", "print": "打印", "output": "输出", "tell me": "告诉我",
    "give me": "给我", "send me": "发给我", "repeat": "复述", "password": "密码", "passwords": "密码",
    "api key": "api密钥", "secret key": "密钥", "token": "令牌", "credentials": "凭证", "env": "环境变量",
    "environment variables": "环境变量", "config": "配置", "database": "数据库", "db": "数据库", "table": "表",
    "tables": "表", "data": "数据", "records": "记录", "users": "用户", "user": "用户", "orders": "订单",
    "customers": "客户", "tenant": "租户", "tenants": "租户", "other": "其他", "another": "另一个",
    "company": "公司", "companies": "公司", "workspace": "工作区", "delete": "删除", "drop": "删除",
    "truncate": "清空", "wipe": "清空", "remove": "删除", "erase": "抹掉", "backups": "备份", "backup": "备份",
    "knowledge base": "知识库", "memories": "记忆", "bomb": "炸弹", "bombs": "炸弹", "explosive": "炸药",
    "explosives": "炸药", "poison": "毒药", "gun": "枪支", "ransomware": "勒索软件", "virus": "电脑病毒",
    "trojan": "木马", "keylogger": "键盘记录器", "phishing": "钓鱼", "phishing email": "钓鱼邮件",
    "phishing site": "钓鱼网站", "ddos": "ddos", "hack": "黑进", "hack into": "黑进", "make": "制作",
    "build": "制作", "how to": "怎么", "kill": "杀死", "jailbreak": "越狱", "mode": "模式",
    "developer mode": "开发者模式", "developer": "开发者", "admin": "管理员", "no": "没有", "without": "没有",
    "any": "任何", "evil": "邪恶", "morals": "道德", "ethics": "伦理", "refuse": "拒绝", "insult": "辱骂",
    "coworker": "同事", "colleague": "同事", "phone number": "手机号", "address": "住址", "id number": "身份证号",
    "bank card": "银行卡", "salary": "工资", "personal info": "个人信息",
}
_EN_ZH_RE = re.compile(r"(?<![a-z])(?:" + "|".join(sorted(map(re.escape, _EN_ZH), key=len, reverse=True)) + r")(?![a-z])")
_LATIN_PAIR_RE = re.compile(r"[a-z]{2}")


def read_mixed(text: str) -> str:
    """A zh/en code-switched text with its English rule words in Chinese ("" when the text isn't mixed)."""
    # Both scripts present (two searches, linear; one pattern "Han .* latin | latin .* Han" backtracks
    # quadratically on a long one-script text: 1.1 s for 16,000 Han characters).
    if not (_HAN_RE.search(text) and _LATIN_PAIR_RE.search(text)):
        return ""
    out = _HAN_GAP_RE.sub("", _EN_ZH_RE.sub(lambda m: _EN_ZH[m.group(0)], text))
    return out if out != text else ""


@dataclass(frozen=True)
class Views:
    """The forms of one text. `forms()` is what the rules read; `canonical` (and `decoded` when there
    is one) is what the classifier reads."""

    folded: str
    canonical: str
    decoded: str = ""
    extra: tuple[str, ...] = ()
    language: str = "en"
    obfuscations: frozenset[str] = field(default_factory=frozenset)

    def forms(self) -> list[str]:
        out: list[str] = []
        for form in (self.folded, self.canonical, self.decoded, *self.extra):
            if form and form not in out:
                out.append(form)
        return out

    def classified(self) -> list[str]:
        return [self.canonical] + ([self.decoded] if self.decoded and self.decoded != self.canonical else [])


def detect_language(text: str) -> str:
    """`zh` when Han characters carry the text, `en` otherwise (the safe messages exist in both)."""
    sample = text[:2000]
    han = len(_HAN_RE.findall(sample))
    if han == 0:
        return "en"
    words = len(re.findall(r"[A-Za-z]{2,}", sample))
    return "zh" if han >= words else "en"


def _fold_lookalikes(text: str, found: set[str]) -> str:
    def fold(m: re.Match[str]) -> str:
        token = m.group(0)
        letters = [ch for ch in token if not ("a" <= ch <= "z")]
        if not letters:
            return token
        # Fold only a token that mixes Latin letters with look-alikes, or is made only of look-alikes:
        # a real Russian or Greek word keeps its letters.
        if any(ch not in _LOOKALIKES for ch in letters):
            return token
        found.add("homoglyph")
        return "".join(_LOOKALIKES.get(ch, ch) for ch in token)

    return _MIXED_TOKEN_RE.sub(fold, text)


def fold(text: str, found: set[str] | None = None) -> str:
    """NFKC, invisible characters dropped, look-alikes folded, lower case, spaces squeezed."""
    found = set() if found is None else found
    stripped = text.translate(_INVISIBLE_TABLE)
    if len(stripped) != len(text):
        found.add("zero_width")
    folded = unicodedata.normalize("NFKC", stripped)
    if folded != stripped and any(0xFF01 <= ord(ch) <= 0xFF5E or ch == "\u3000" for ch in stripped):
        found.add("fullwidth")
    folded = folded.casefold()
    if _EMOJI_RE.search(folded):
        found.add("emoji")
        folded = _EMOJI_RE.sub(lambda m: _EMOJI_WORDS[m.group(0)], folded)
    if any(ch in _LOOKALIKES or "\u0400" <= ch <= "\u04ff" or "\u0370" <= ch <= "\u03ff" for ch in folded):
        folded = _fold_lookalikes(folded, found)
    if "\n" in folded:  # whitespace around line breaks squeezed (split, not a \s*\n\s* pattern: linear)
        folded = "\n".join(line for line in (part.strip() for part in folded.split("\n")) if line)
    return _SPACE_RE.sub(" ", folded).strip()


def _join_words(text: str, found: set[str]) -> str:
    """Spread-out letters joined word by word, keeping the spaces between words (when words are apart by
    more space than their letters, or their letters by dots or hyphens): "" when nothing changes."""
    def dotted(m: re.Match[str]) -> str:
        joined = _DOTTED_SEP_RE.sub("", m.group(0))
        return joined if sum(ch.isalpha() for ch in joined) >= 2 and len(joined) >= 3 else m.group(0)

    out = _DOTTED_RE.sub(dotted, text)
    if "  " in out:
        out = _SPACED_WORDS_RE.sub(lambda m: m.group(0).replace(" ", ""), out)
    if out == text:
        return ""
    found.add("spacing")
    return _SPACE_RE.sub(" ", out).strip()


def _join_spread(text: str, found: set[str]) -> str:
    def join(m: re.Match[str]) -> str:
        joined = _SPREAD_SEP_RE.sub("", m.group(0))
        if sum(ch.isalpha() for ch in joined) < 2:
            return m.group(0)  # numbers ("1 2 3", "1.5.2") stay as written
        found.add("spacing")
        return joined

    out = _SPREAD_RE.sub(join, text) if len(text) > 6 else text
    joined = _HAN_GAP_RE.sub("", out)
    if joined != out:
        found.add("spacing")
    return joined


def _unleet(text: str, found: set[str]) -> str:
    def read(m: re.Match[str]) -> str:
        run = m.group(0)
        token = run.strip(_LEET_EDGE)
        if not token or not _LEET_CHARS_RE.search(token) or sum(ch.isalpha() for ch in token) < 2:
            return run
        found.add("leetspeak")
        start = run.index(token)
        return run[:start] + token.translate(_LEET) + run[start + len(token):]

    return _LEET_RUN_RE.sub(read, text)


def _printable(text: str) -> bool:
    if not text:
        return False
    good = sum(1 for ch in text if ch.isprintable() or ch in "\n\t")
    return good / len(text) >= 0.9


def _b64(m: re.Match[str], found: set[str]) -> str:
    blob = m.group(0)
    if blob.isalpha() and (blob.islower() or blob.isupper()):
        return blob  # a long plain word, not an encoding
    raw = blob.rstrip("=")
    try:
        data = base64.b64decode(raw + "=" * (-len(raw) % 4), altchars=b"-_" if ("-" in raw or "_" in raw) else None)
        text = data.decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return blob
    if not _printable(text) or not re.search(f"[A-Za-z{HAN}]{{2}}", text):
        return blob
    found.add("base64")
    return f" {text} "


def _escapes(m: re.Match[str], found: set[str]) -> str:
    run = m.group(0)
    try:
        if "\\u" in run or "\\U" in run:
            text = codecs.decode(run, "unicode_escape").encode("utf-16", "surrogatepass").decode("utf-16")
        else:
            text = bytes.fromhex(run.replace("\\x", "")).decode("utf-8", errors="replace")
    except (UnicodeError, ValueError):
        return run
    found.add("unicode_escape")
    return text


def decode_payloads(text: str, found: set[str] | None = None) -> str:
    """The text with encoded spans replaced by what they decode to ("" when nothing decodes)."""
    found = set() if found is None else found
    before = len(found)
    out = text
    if "\\" in out:
        out = _ESCAPES_RE.sub(lambda m: _escapes(m, found), out)
    if "&#" in out and _HTML_REF_RE.search(out):
        found.add("html_entity")
        out = html.unescape(out)
    if "%" in out and (_PERCENT_RE.search(out) or len(_PERCENT_ONE_RE.findall(out)) >= _PERCENT_SPREAD):
        found.add("percent_encoding")
        out = _PERCENT_ONE_RE.sub(lambda m: unquote(m.group(0)), out)
    if len(out) >= 12 and _B64_RE.search(out):
        out = _B64_RE.sub(lambda m: _b64(m, found), out)
    return out if len(found) > before and out != text else ""


def views(text: str) -> Views:
    """Every form of ``text`` the guard reads (see the module docstring)."""
    found: set[str] = set()
    decoded_raw = decode_payloads(text, found)
    folded = fold(text, found)
    spaced = _join_words(text.translate(_INVISIBLE_TABLE).casefold(), found) if len(text) < 4000 else ""
    canonical = _unleet(_join_spread(folded, found), found)
    decoded = ""
    if decoded_raw:
        decoded = _unleet(_join_spread(fold(decoded_raw, found), found), found)
    extra: list[str] = []
    ascii_form = _COMBINING_RE.sub("", unicodedata.normalize("NFKD", canonical))
    if ascii_form != canonical:
        extra.append(ascii_form)
    hanzi = to_hanzi(ascii_form)
    if hanzi != ascii_form:
        found.add("pinyin")
        extra.append(hanzi)
    if spaced:
        extra.insert(0, fold(spaced))
    mixed = read_mixed(canonical)
    if mixed:
        found.add("mixed_language")
        extra.append(mixed)
    if len(_LATIN_WORD_RE.findall(folded)) >= 3:
        extra.append(codecs.encode(folded, "rot13"))
    extra.append(canonical[::-1])
    return Views(
        folded=folded,
        canonical=canonical,
        decoded=decoded,
        extra=tuple(extra),
        language=detect_language(folded),
        obfuscations=frozenset(found),
    )
