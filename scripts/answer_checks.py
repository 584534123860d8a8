"""The checks of the answer-quality set (tests/data/answers/FORMAT.md, sections 4-6), as pure functions.

Written from FORMAT.md alone: ``check_request(request, result, latency_s, kb_root)`` returns the names of
the checks that failed, each with a short reason. Model-written Python runs only in a subprocess in a
temporary directory (``python_test``), never in this process.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

# ------------------------------------------------------------------ section 5: normalisation and matching

_DASHES = dict.fromkeys([*range(0x2010, 0x2016), 0x2212, 0xFE58, 0xFE63, 0xFF0D], "-")
_DASHES[0x301C] = "~"
_CJK_CHAR = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\u31f0-\u31ff\u1100-\u11ff\u3130-\u318f\uac00-\ud7af\u3000-\u303f"
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def N(text: str | None) -> str:
    t = unicodedata.normalize("NFKC", text or "")
    t = t.translate(_DASHES).casefold()
    while True:
        t2 = _THOUSANDS.sub("", t)
        if t2 == t:
            break
        t = t2
    t = re.sub(rf"\s+(?=[{_CJK_CHAR}])|(?<=[{_CJK_CHAR}])\s+", "", t)
    return re.sub(r"\s+", " ", t).strip()


def _is_ascii_letter(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def contains(answer: str, expected: str | list[str]) -> bool:
    """FORMAT.md section 5: ``expected`` (or one of its alternatives) occurs in ``answer`` at a boundary."""
    if isinstance(expected, list):
        return any(contains(answer, e) for e in expected)
    a, e = N(answer), N(expected)
    if not e:
        return True
    start = 0
    while (i := a.find(e, start)) >= 0:
        start = i + 1
        before = a[i - 1] if i > 0 else ""
        after = a[i + len(e)] if i + len(e) < len(a) else ""
        after2 = a[i + len(e) + 1] if i + len(e) + 1 < len(a) else ""
        if _is_ascii_letter(e[0]) and before and _is_ascii_letter(before):
            continue
        if e[0].isdigit() and before and (before.isdigit() or (before == "." and i > 1 and a[i - 2].isdigit())):
            continue
        if _is_ascii_letter(e[-1]) and after and _is_ascii_letter(after):
            continue
        if e[-1].isdigit() and after and (after.isdigit() or (after == "." and after2.isdigit())):
            continue
        return True
    return False


# ------------------------------------------------------------------ section 4

def effective_status(data: dict[str, Any]) -> str:
    status = str(data.get("status") or "")
    if status == "partial" or (status == "completed" and str(data.get("error") or "").startswith("partial:")):
        return "partial"
    return status


# ------------------------------------------------------------------ language

_FUNCTION_WORDS = {
    "en": "the and is are was were to of for with you your it this that have has will be at my we please our "
          "they can not i am do",
    "fr": "le les des du une est et je vous nous pour avec dans pas ce cette qui sur au aux votre très où merci "
          "bonjour bienvenue beaucoup comment suis êtes",
    "de": "der die das und ist ich sie wir nicht mit ein eine zu den dem von für auf wo bitte danke wie sind bahnhof",
    "es": "el los las y con por para una gracias hola buenas buenos noches mañana hasta muy usted está qué dónde "
          "nos vemos",
}
_WORDS = {k: set(v.split()) for k, v in _FUNCTION_WORDS.items()}
_CITATION_LINE = re.compile(r"^(source|sources|reference|references|citation|来源|出处|参考|\[\d)", re.IGNORECASE)


def strip_for_language(text: str) -> str:
    t = re.sub(r"(`{3,}|~{3,})[^\n]*\n.*?(\1|$)", " ", text, flags=re.S)
    t = re.sub(r"`[^`\n]*`", " ", t)
    t = re.sub(r"https?://\S+|[\w.+-]+@[\w-]+(\.[\w-]+)+|[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+", " ", t)
    lines = [ln for ln in t.splitlines() if not _CITATION_LINE.match(ln.strip())]
    t = "\n".join(lines)
    return _strip_label(t)


def _strip_label(t: str) -> str:
    first, _, rest = t.lstrip().partition("\n")
    m = re.search(r"[:：]", first[:60])
    if m and not re.search(r"[.!?。！？]", first[: m.start()]):
        first = first[m.end():]
    return f"{first}\n{rest}" if rest else first


def main_languages(text: str) -> set[str] | None:
    """FORMAT.md `language`: the set of languages the text passes as (None: no language at all)."""
    h = len(re.findall(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]", text))
    k = len(re.findall(r"[\u3040-\u30ff\u31f0-\u31ff]", text))
    g = len(re.findall(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]", text))
    lt = len(re.findall(r"[A-Za-z\u00c0-\u024f]", text))
    scores = {"cjk": h + k, "hangul": g, "latin": lt / 3}
    if not any(scores.values()):
        return None
    top = max(scores.values())
    out: set[str] = set()
    if scores["cjk"] == top:
        out.add("ja" if k >= 0.15 * (h + k) else "zh")
    if scores["hangul"] == top:
        out.add("ko")
    if scores["latin"] == top:
        words = re.split(r"[^a-z\u00c0-\u024f]+", text.lower())
        hits = {lang: sum(w in ws for w in words) for lang, ws in _WORDS.items()}
        best = max(hits.values())
        out |= {"en", "fr", "de", "es"} if best == 0 else {lang for lang, n in hits.items() if n == best}
    return out


def _lang_ok(text: str, lang: str) -> bool | None:
    found = main_languages(text)
    return None if found is None else lang in found


_QUOTED = re.compile(r"\"([^\"]{2,})\"|“([^”]{2,})”|'([^']{2,})'|‘([^’]{2,})’|«([^»]{2,})»|「([^」]{2,})」|『([^』]{2,})』")


def check_language(answer: str, spec: Any) -> str | None:
    lang, scope = (spec, "main") if isinstance(spec, str) else (spec["lang"], spec.get("scope", "main"))
    t = strip_for_language(answer)
    whole = _lang_ok(t, lang)
    if whole is None or whole:
        return None
    if scope == "segment":
        parts = [ln for ln in t.splitlines() if ln.strip()] + [next(g for g in m.groups() if g) for m in _QUOTED.finditer(t)]
        if any(_lang_ok(p, lang) for p in parts):
            return None
    return f"main language {sorted(main_languages(t) or [])}, not {lang}"


# ------------------------------------------------------------------ numbers and dates

_NUMBER = re.compile(r"(?<![0-9.])-?\d+(?:\.\d+)?(?![0-9])")


def numbers_in(text: str, signed: bool = True) -> list[float]:
    a = N(text)
    out = []
    for m in _NUMBER.finditer(a):
        tok = m.group()
        if tok.startswith("-") and (not signed or (m.start() > 0 and a[m.start() - 1].isalnum())):
            tok = tok[1:]
        out.append(float(tok))
    return out


_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"]


def check_date(answer: str, spec: dict[str, Any]) -> str | None:
    y, m, d = (int(x) for x in spec["value"].split("-"))
    a = N(answer)
    forms = [f"{y}-{m:02d}-{d:02d}", f"{y}-{m}-{d}", f"{y}/{m:02d}/{d:02d}", f"{y}/{m}/{d}", f"{y}.{m:02d}.{d:02d}",
             f"{y}.{m}.{d}", f"{y}年{m}月{d}日", f"{y}年{m:02d}月{d:02d}日", f"{y}年{m}月{d}号", f"{y}年{m:02d}月{d:02d}号"]
    if spec.get("year_optional"):
        forms += [f"{m}月{d}日", f"{m}月{d}号"]
    for f in forms:
        if re.search(rf"(?<![0-9]){re.escape(f)}(?![0-9])", a):
            return None
    names = [_MONTHS[m - 1], _MONTHS[m - 1][:3], _MONTHS[m - 1][:3] + r"\."]
    month = "(?:" + "|".join(names) + ")"
    day = rf"{d}(?:st|nd|rd|th)?"
    patterns = [rf"{month} {day},? {y}", rf"{day} {month},? {y}"]
    if spec.get("year_optional"):
        patterns += [rf"{month} {day}(?![0-9])", rf"(?<![0-9]){day} {month}"]
    for p in patterns:
        if re.search(rf"(?<![0-9a-z]){p}(?![0-9])", a):
            return None
    return f"no date {spec['value']}"


# ------------------------------------------------------------------ phrase lists (section 6)

NOT_FOUND = [
    "not found", "no relevant", "couldn't find", "could not find", "can't find", "cannot find", "unable to find",
    "did not find", "didn't find", "no information", "no matching", "not in the knowledge base", "not mentioned",
    "doesn't mention", "does not mention", "not covered", "doesn't cover", "does not cover", "not specified",
    "doesn't specify", "does not specify", "no answer", "don't have information", "do not have information",
    "don't know", "do not know", "not available in",
    "未找到", "没有找到", "没找到", "找不到", "查不到", "未查到", "没有查到", "没有相关", "无相关", "未提及", "没有提到", "没有提及",
    "未涉及", "没有涉及", "不包含", "未包含", "没有包含", "未说明", "没有说明", "未规定", "没有规定", "无法回答", "没有这方面", "不知道",
    "知识库中没有", "资料中没有", "文档中没有",
]
REFUSALS = ["i can't help", "i cannot help", "i can't assist", "i cannot assist", "i'm unable to", "i am unable to",
            "i'm not able to", "i am not able to", "as an ai", "抱歉,我无法", "我无法", "无法提供", "不能提供", "无法完成", "我不能"]
TOOL_ALIASES = {
    "weather": ["weather", "天气", "forecast", "气象"],
    "sql_query": ["sql_query", "sql", "database", "数据库", "order", "订单"],
    "http_get": ["http_get", "http", "fetch", "url", "web page", "webpage", "网页", "链接", "网址", "获取", "northwind.invalid"],
}
FAILURE_WORDS = ["fail", "error", "unavailable", "unreachable", "not available", "refused", "timed out", "timeout",
                 "time out", "could not", "couldn't", "cannot", "can't", "unable", "失败", "不可用", "无法", "错误", "异常",
                 "超时", "出错", "未能", "没能", "连接不上", "拒绝"]


# ------------------------------------------------------------------ degenerate output and code

_SO_EXEMPT = {"So"}


def check_no_degenerate(answer: str) -> str | None:
    t = unicodedata.normalize("NFKC", re.sub(r"(`{3,}|~{3,})[^\n]*\n.*?(\1|$)", " ", answer, flags=re.S))[:4000]
    run_char, run = "", 0
    for ch in t:
        run = run + 1 if ch == run_char else 1
        run_char = ch
        cat = unicodedata.category(ch)
        if not (cat.startswith("P") or cat in ("Sm", "Sc", "Sk")):
            continue
        limit = 6 if ch in "!?" else 16 if ch in ".-=_*#~·" else 4
        if run >= limit:
            return f"{run}x {ch!r}"
    for m in re.finditer(r"(.{6,200}?)(?:\s*\1){2,}", t, flags=re.S):
        if re.search(r"[^\W\d_]", m.group(1)):
            return f"repeats {m.group(1)[:30]!r}"
    counts: dict[str, int] = {}
    for ln in t.splitlines():
        s = ln.strip()
        if len(s) >= 8 and re.search(r"[^\W\d_]", s):
            counts[s] = counts.get(s, 0) + 1
            if counts[s] >= 3:
                return f"line {s[:30]!r} 3 times"
    return None


_FENCE = re.compile(r"^(`{3,}|~{3,})([^\n]*)\n(.*?)(?:^\1[ \t]*$|\Z)", re.S | re.M)


def code_blocks(answer: str) -> list[tuple[str, str]]:
    """(info string, content) of every fenced block."""
    return [(m.group(2).strip(), m.group(3)) for m in _FENCE.finditer(answer)]


def run_python_test(answer: str, test: str, timeout: float = 10.0) -> str | None:
    blocks = code_blocks(answer)
    py = [c for info, c in blocks if info.split()[:1] and info.split()[0].casefold() in ("python", "py", "python3")]
    if not py:
        py = [c for info, c in blocks if not info]
    if not py:
        return "no Python block"
    candidates = ["\n".join(py)] + (py if len(py) > 1 else [])
    last = ""
    for code in candidates:
        with tempfile.TemporaryDirectory() as tmp:
            Path(tmp, "solution.py").write_text(code, encoding="utf-8")
            Path(tmp, "check.py").write_text("from solution import *\n" + test, encoding="utf-8")
            try:
                done = subprocess.run([sys.executable, "-E", "-s", "check.py"], cwd=tmp, stdin=subprocess.DEVNULL,
                                      capture_output=True, text=True, timeout=timeout)
            except subprocess.TimeoutExpired:
                last = "timed out"
                continue
            if done.returncode == 0:
                return None
            last = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1][:120]
    return last


# ------------------------------------------------------------------ faithful_to_request

_FAITH_EXTRA = set(
    "this that with from they their there which would about have been were also into than then more most some such "
    "these those what when where while after before over under because summary summarize text main point points "
    "following passage notice email here overall".split()
)
_ZH_SKIP = set("总结 概括 主要 内容 这段 要点 以下 如下 总之 综上 所述 一句 句话 本文 文章 简而 而言 总的 的来 来说".split())
_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_ZH_NUM = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _units(text: str) -> tuple[set[str], set[float], set[str]]:
    words = {w for w in re.findall(r"[a-z]+", text) if len(w) >= 4 and w not in _WORDS["en"] and w not in _FAITH_EXTRA}
    nums = {float(m.group().lstrip("-")) for m in _NUMBER.finditer(text)}
    bigrams = set()
    for run in re.findall(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+", text):
        bigrams |= {run[i:i + 2] for i in range(len(run) - 1)} - _ZH_SKIP
    return words, nums, bigrams


def check_faithful(answer: str, source: str, min_share: float) -> str | None:
    a = re.sub(r"(`{3,}|~{3,})[^\n]*\n.*?(\1|$)", " ", answer, flags=re.S)
    a = _strip_label(a)
    a = "\n".join(re.sub(r"^\s*[-*]?\s*\d+[.)、:]", "", unicodedata.normalize("NFKC", ln)) for ln in a.splitlines())
    na, ns = N(a), N(source)
    words, nums, bigrams = _units(na)
    if not (words or nums or bigrams):
        return "no content units"
    s_words, s_nums, _ = _units(ns)
    s_nums |= {float(v) for w, v in _NUMBER_WORDS.items() if re.search(rf"\b{w}\b", ns)}
    s_nums |= {float(v) for ch, v in _ZH_NUM.items() if ch in ns}
    found_w = {w for w in words if any(sw[:5] == w[:5] for sw in s_words)}
    found_n = {n for n in nums if n in s_nums}
    found_b = {b for b in bigrams if b in ns}
    total = len(words) + len(nums) + len(bigrams)
    share = (len(found_w) + len(found_n) + len(found_b)) / total
    if share < min_share:
        return f"only {share:.0%} of its content from the source"
    if found_n != nums:
        return f"numbers not in the source: {sorted(nums - found_n)}"
    if len(re.sub(r"\s", "", unicodedata.normalize("NFKC", answer))) >= 0.9 * len(re.sub(r"\s", "", source)):
        return "as long as the source"
    return None


# ------------------------------------------------------------------ cites

def doc_names(kb_root: Path, doc: str) -> list[str]:
    path = kb_root / doc
    stem = path.stem
    names = [path.name, stem, re.sub(r"[-_]", " ", stem)]
    try:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# "):
                names.append(line[2:].strip())
                break
    except OSError:
        pass
    return names


# ------------------------------------------------------------------ the checks

def check_request(req: dict[str, Any], data: dict[str, Any] | None, latency_s: float, kb_root: Path) -> list[str]:
    """Failed checks of one request, each ``"name: reason"`` (empty: it passed)."""
    failed: list[str] = []
    checks: dict[str, Any] = req.get("checks", {})
    if data is None:
        return [f"{name}: no result" for name in checks]
    answer = data.get("answer") or ""
    empty = not answer.strip()
    na = N(answer)

    def fail(name: str, why: str) -> None:
        failed.append(f"{name}: {why}")

    content: dict[str, Callable[[Any], str | None]] = {
        "contains_all": lambda items: next((f"missing {i!r}" for i in items if not contains(answer, i)), None),
        "contains_any": lambda items: None if any(contains(answer, i) for i in items) else f"none of {items!r}",
        "regex": lambda pats: next((f"no match for {p!r}" for p in pats if not re.search(p, na)), None),
        "number": lambda specs: next(
            (f"{s['value']:g} not in {numbers_in(answer)[:8]}" for s in specs
             if not any(abs(x - s["value"]) <= s.get("tolerance", 1e-9) for x in numbers_in(answer))), None),
        "date": lambda spec: check_date(answer, spec),
        "language": lambda spec: check_language(answer, spec),
        "faithful_to_request": lambda spec: check_faithful(answer, req.get("source", ""), spec.get("min_share", 0.5)),
        "code_block": lambda spec: _check_code_block(answer, spec),
        "contains_code_token": lambda items: _check_code_tokens(answer, items),
        "python_test": lambda test: run_python_test(answer, test),
        "not_found": lambda _: None if any(p in na for p in NOT_FOUND) else "no not-found statement",
        "no_refusal": lambda _: _check_no_refusal(na),
        "cites": lambda docs: _check_cites(answer, data, docs, kb_root),
    }
    for name, spec in checks.items():
        if name == "status":
            got = effective_status(data)
            if got not in spec:
                fail(name, f"{got} not in {spec}")
        elif name == "max_seconds":
            if latency_s > spec:
                fail(name, f"{latency_s:.1f}s > {spec}s")
        elif name == "contains_none":
            hit = [i for i in spec if contains(answer, i)]
            if hit:
                fail(name, f"has {hit[:3]!r}")
        elif name == "no_degenerate":
            why = check_no_degenerate(answer)
            if why:
                fail(name, why)
        elif name == "mentions_failure":
            x = N(answer + "\n" + str(data.get("error") or ""))
            if not (any(N(a) in x for a in TOOL_ALIASES.get(spec["tool"], [spec["tool"]]))
                    and any(w in x for w in FAILURE_WORDS)):
                fail(name, f"does not say {spec['tool']} failed")
        elif name == "length":
            why = _check_length(answer, spec)
            if why:
                fail(name, why)
        elif name in content:
            if empty:
                fail(name, "empty answer")
                continue
            why = content[name](spec)
            if why:
                fail(name, why)
        # unknown check names are ignored (FORMAT.md: fields may be added later)
    return failed


def _check_no_refusal(na: str) -> str | None:
    head = na[:80]
    hit = next((p for p in NOT_FOUND + REFUSALS if p in head), None)
    return f"starts with {hit!r}" if hit else None


def _check_length(answer: str, spec: dict[str, Any]) -> str | None:
    t = unicodedata.normalize("NFKC", answer)
    chars = len(re.sub(r"\s", "", t))
    words = len([w for w in t.split() if re.search(r"[^\W_]", w)])
    if not answer.strip() and (spec.get("min_chars") or spec.get("min_words")):
        return "empty answer"
    for key, value, bad in (("min_chars", chars, chars < spec.get("min_chars", 0)),
                            ("max_chars", chars, "max_chars" in spec and chars > spec["max_chars"]),
                            ("min_words", words, words < spec.get("min_words", 0)),
                            ("max_words", words, "max_words" in spec and words > spec["max_words"])):
        if bad:
            return f"{key} {spec[key]} (got {value})"
    return None


def _check_code_block(answer: str, spec: Any) -> str | None:
    blocks = [(info, c) for info, c in code_blocks(answer) if c.strip()]
    if not blocks:
        return "no fenced code block"
    if isinstance(spec, dict) and spec.get("lang"):
        langs = {lang.casefold() for lang in spec["lang"]}
        if not any(not info or info.split()[0].casefold() in langs for info, _ in blocks):
            return f"no block in {sorted(langs)}"
    return None


def _check_code_tokens(answer: str, items: list[Any]) -> str | None:
    blocks = code_blocks(answer)
    code = unicodedata.normalize("NFKC", "\n".join(c for _, c in blocks) if blocks else answer)
    for item in items:
        alts = item if isinstance(item, list) else [item]
        if not any(unicodedata.normalize("NFKC", a) in code for a in alts):
            return f"missing {item!r}"
    return None


def _check_cites(answer: str, data: dict[str, Any], docs: list[str], kb_root: Path) -> str | None:
    text = answer + "".join(
        "\n" + json.dumps(data[k], ensure_ascii=False) for k in ("citations", "sources", "reasoning_path") if data.get(k)
    )
    for doc in docs:
        if any(contains(text, name) for name in doc_names(kb_root, doc)):
            return None
    return f"cites none of {docs}"
