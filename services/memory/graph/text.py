"""Text helpers of the knowledge graph: name keys (how two spellings are found to be one entity),
pinyin keys (宁波 = Ningbo), sentence and table-row splitting, language detection.

Pure functions; jieba and pypinyin load lazily on first use (~1.5 s for jieba's dictionary)."""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

CJK = re.compile(r"[\u3400-\u9fff]")
_KEY_DROP = re.compile(r"[\W_]+", re.UNICODE)
# Legal forms dropped from a name's key: "Acme Films Co., Ltd." and "Acme Films" are one company.
_EN_LEGAL = re.compile(
    r"(?:[\s,]+(?:co|company|corp|corporation|inc|incorporated|ltd|limited|llc|plc|gmbh|ag|group|holdings?))+\.?$",
    re.IGNORECASE,
)
_ZH_LEGAL = re.compile(r"(?:股份有限公司|有限责任公司|有限公司|集团公司|公司)$")
_ZH_PLACE_SUFFIX = re.compile(r"(?<=..)[市省县]$")
# Chinese industry words and the English words a bilingual name uses for them, so that the pinyin of
# 华信科技 can meet "Huaxin Technology": both reduce to "huaxin".
_ZH_INDUSTRY = {
    "科技": "tech", "技术": "tech", "电子": "electronics", "物流": "logistics", "包装": "packaging", "材料": "materials",
    "化工": "chemicals", "机械": "machinery", "实业": "industrial", "贸易": "trading", "软件": "software",
    "网络": "network", "数据": "data", "信息": "information", "银行": "bank", "零售": "retail", "纸业": "paper",
    "薄膜": "film", "油墨": "ink", "标签": "labels", "快运": "express", "设计": "design", "集团": "group",
    "控股": "holdings", "云": "cloud", "能源": "energy",
}
_EN_INDUSTRY = re.compile(
    r"\b(technolog(?:y|ies)|tech|electronics?|logistics|packaging|materials?|chemicals?|machinery|industrial|"
    r"industries|trading|software|networks?|data|information|bank|retail|paper|films?|inks?|labels?|express|"
    r"design|group|holdings?|cloud|energy)\b",
    re.IGNORECASE,
)
_EN_INDUSTRY_CANON = {"technology": "tech", "technologies": "tech", "electronic": "electronics", "material": "materials",
                      "chemical": "chemicals", "industries": "industrial", "networks": "network", "films": "film",
                      "inks": "ink", "label": "labels", "holding": "holdings"}


def is_cjk(text: str) -> bool:
    return bool(CJK.search(text))


def lang_of(text: str) -> str:
    """``zh`` when a quarter or more of the letters are Chinese characters, else ``en``."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "en"
    cjk = sum(1 for c in letters if CJK.match(c))
    return "zh" if cjk * 4 >= len(letters) else "en"


def norm(text: str) -> str:
    """NFKC, case-folded, inner whitespace collapsed."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().casefold()


def name_key(name: str) -> str:
    """The key under which spellings of one name meet: NFKC, case-folded, legal form, spaces and
    punctuation dropped ("Acme Films Co." -> "acmefilms", "宁波艾克有限公司" -> "宁波艾克")."""
    n = norm(name)
    n = _EN_LEGAL.sub("", n)
    n = _ZH_LEGAL.sub("", n) or n
    return _KEY_DROP.sub("", n)


_pinyin_lock = threading.Lock()


def _lazy_pinyin(text: str) -> list[str]:
    with _pinyin_lock:
        from pypinyin import lazy_pinyin

    return lazy_pinyin(text, errors="ignore")


def sound_keys(name: str) -> set[str]:
    """Keys that let a Chinese name meet its romanised English form: the pinyin of the Chinese name
    (without 市/省/县, legal form and industry words) and the letters of the English one (without legal
    form and industry words), both at least 4 letters. "宁波市" and "Ningbo" share "ningbo";
    "张伟" and "Zhang Wei" or "Wei Zhang" share "zhangwei"."""
    keys: set[str] = set()
    n = norm(name)
    if is_cjk(n):
        if not re.fullmatch(r"[\u3400-\u9fff·・]+", n):
            return keys
        core = _ZH_LEGAL.sub("", n) or n
        industry = ""
        for word, english in _ZH_INDUSTRY.items():
            if core.endswith(word) and len(core) > len(word) + 1:
                core, industry = core[: -len(word)], english
                break
        core = _ZH_PLACE_SUFFIX.sub("", core)
        parts = [p for p in re.split(r"[·・]", core) if p]
        py = "".join("".join(_lazy_pinyin(p)) for p in parts)
        if len(py) >= 4:
            keys.add(py + industry)
            if len(parts) == 2:  # a transliterated Western name: given·family
                keys.add("".join("".join(_lazy_pinyin(p)) for p in reversed(parts)))
    elif re.fullmatch(r"[a-z' .,-]+", n):
        core = _EN_LEGAL.sub("", n)
        found = _EN_INDUSTRY.search(core)
        industry = ""
        if found and found.end() == len(core.rstrip()):
            word = found.group(1).lower()
            industry = _EN_INDUSTRY_CANON.get(word, word)
            core = core[: found.start()]
        words = [w for w in re.split(r"[\s'.,-]+", core) if w]
        if words and 1 <= len(words) <= 3:
            joined = "".join(words)
            if len(joined) >= 4:
                keys.add(joined + industry)
                if len(words) == 2 and not industry:
                    keys.add(words[1] + words[0])
    return keys


# ------------------------------------------------------------------ units of a chunk


@dataclass
class Unit:
    """A sentence, a table row or a ``key: value`` line of a chunk (``cells``: a row's (header, value)
    pairs, or the one pair of a field line)."""

    text: str
    kind: str  # sentence | row | field
    cells: list[tuple[str, str]] = field(default_factory=list)
    item: int = 0  # 1: the first sentence of a list item ("- Aisha Okoye, Test Automation Lead."), 2: a later one
    para: int = 0  # which paragraph or list item of the chunk text it is in (sentences of one share it)


_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_SENT_END = re.compile(r"(?<=[。！？!?；;])|(?<=[.])\s+(?=[\"'“‘(\[A-Z0-9\u4e00-\u9fff])")
_BULLET = re.compile(r"^\s*(?:[-*•·+]|\d+[.)、]|[（(]?[一二三四五六七八九十]+[)）、.])\s+")
_FIELD = re.compile(r"^\s*(?P<key>[^:：|]{1,40}?)\s*[:：]\s*(?P<value>[^:：]{1,120})$")


_EMPHASIS = re.compile(r"\*\*|__|`")


_BLOCK_START = re.compile(r"^\s*(?:[-*•·+]\s|\d+[.)、]\s*|#|\||[（(]?[一二三四五六七八九十]+[)）、.])")


_KEY_LEAD = re.compile(r"^[^\W\d][^:：。.!?|]{0,23}[:：]\s")


def _reflow(lines: list[str]) -> list[str]:
    """Lines of one paragraph or list item joined back: Markdown wraps a sentence across lines, and a
    list item's continuation lines are indented ("- X:\n  primary supplier Y")."""
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        prev = out[-1].strip() if out else ""
        if (
            out and stripped and prev
            and not _BLOCK_START.match(line)
            and not prev.startswith(("|", "#"))
            and not re.search(r"[。！？!?]$", prev)
            and not (_KEY_LEAD.match(stripped) and _KEY_LEAD.match(prev))  # "Reported: …" / "Asset: …" lines
        ):
            joiner = "" if (CJK.search(prev[-1:]) and CJK.search(stripped[:1])) else " "
            out[-1] = out[-1].rstrip() + joiner + stripped
        else:
            out.append(line)
    return out


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _field(part: str) -> tuple[str, tuple[str, str]] | None:
    """``part`` and its (key, value) if it is a ``key: value`` line (a short key, no sentence end)."""
    m = _FIELD.match(part)
    key = re.sub(r"[（(][^）)]*[）)]", "", m.group("key")) if m else ""
    if m and not re.search(r"[。.!?！？]$", part) and len(key.split()) <= 4 and len(key) <= 24:
        return part, (m.group("key").strip(), m.group("value").strip())
    return None


def split_units(text: str, header: list[str] | None = None) -> tuple[list[Unit], list[str] | None]:
    """The units of a chunk's text, in order. ``header`` is the last table header seen before this chunk
    (a table cut across chunks continues with it); returns the units and the last header seen."""
    units: list[Unit] = []
    # Markdown emphasis and code marks are layout, not words: "**Suzhou**" is Suzhou
    text = _EMPHASIS.sub("", text)
    lines = _reflow(text.split("\n"))
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        stripped = line.strip()
        if not stripped:
            i += 1
            continue
        if stripped.startswith("|") and stripped.count("|") >= 2:
            if i + 1 < len(lines) and _TABLE_SEP.match(lines[i + 1]):
                header = _cells(stripped)
                i += 2
                continue
            if _TABLE_SEP.match(stripped):
                i += 1
                continue
            cells = _cells(stripped)
            if header and len(cells) == len(header):
                pairs = [(h, c) for h, c in zip(header, cells, strict=True) if c and c not in {"-", "—", "/"}]
                row = "; ".join(f"{h}: {c}" for h, c in pairs)
                units.append(Unit(text=row, kind="row", cells=pairs))
            else:
                units.append(Unit(text=" | ".join(c for c in cells if c), kind="sentence"))
            i += 1
            continue
        if stripped.startswith("#"):
            i += 1
            continue
        body = _BULLET.sub("", stripped)
        # "Last audit: March 2026, by Ivy Chen; result: pass" is two key: value fields on one line
        fields = [_field(body)]
        if not fields[0]:
            fields = [_field(p) for p in re.split(r"\s*[;；]\s*", body.rstrip(";；")) if p.strip()]
        if fields and all(fields):
            units += [Unit(text=p, kind="field", cells=[kv]) for p, kv in fields if kv]  # type: ignore[misc]
            i += 1
            continue
        item = 1 if body != stripped else 0
        for s in _SENT_END.split(body):
            s = s.strip()
            if len(s) >= 2 and re.search(r"[^\W_]", s):
                units.append(Unit(text=s, kind="sentence", item=item, para=i))
                item = 2 if item else 0
        i += 1
    return units, header


def clauses(sentence: str) -> Iterator[tuple[int, str]]:
    """(offset, clause) pieces of a sentence cut at commas and semicolons (Chinese and English), never
    inside parentheses."""
    start = 0
    depth = 0
    for m in re.finditer(r"[（(]|[)）]|[，；;]\s*|,\s+", sentence):
        tok = m.group(0)
        if tok in "（(":
            depth += 1
            continue
        if tok in ")）":
            depth = max(0, depth - 1)
            continue
        if depth:
            continue
        if m.start() > start:
            yield start, sentence[start : m.start()]
        start = m.end()
    if start < len(sentence):
        yield start, sentence[start:]
