"""Consistency check of the fifth blind answer-quality set (tests/data/answers5), and the reference text normalisation of FORMAT.md.

Run: python tests/data/answers5/validate.py   (exit 0 when the set is consistent)

`normalise` and `contains` implement FORMAT.md section 5 exactly; a harness may import them.
This module never runs the system and needs nothing but the standard library.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent

CLASSES = {
    "kb_fact": 60,
    "arithmetic_chain": 50,
    "summary": 15,
    "translation": 15,
    "general": 15,
    "code": 10,
    "writing": 15,
    "tool_failure": 15,
    "multi_intent": 15,
}
KB_TENANTS = {"cedarpeak-ski", "brightwash-laundry", "lumen-cinema"}
EARLIER_SETS = ("answers", "answers2", "answers3", "answers4")
EARLIER_TENANTS = {"lanting-hr", "northwind-it", "orbitcam-support", "elmbridge-library", "qinghe-clinic", "tidepool-crm",
                   "harborview-hotel", "lanting-property", "voltway-ev",
                   "maplecrest-fitness", "swiftpost-express", "bayline-ferry"}
MIN_CROSS_LINGUAL = 20
MIN_NOT_FOUND = 10
MIN_SESSIONS = 6
CHECKS = {
    "status",
    "max_seconds",
    "contains_all",
    "contains_any",
    "contains_none",
    "regex",
    "number",
    "date",
    "language",
    "not_found",
    "no_refusal",
    "mentions_failure",
    "cites",
    "faithful_to_request",
    "length",
    "no_degenerate",
    "code_block",
    "contains_code_token",
    "python_test",
}
STATUSES = {"completed", "partial", "failed", "needs_clarification", "blocked"}
LANGS = {"zh", "en", "fr", "de", "es", "ja"}
FAULT_TOOLS = {
    "weather": {"unavailable", "timeout"},
    "sql_query": {"unavailable"},
    "http_get": {"unavailable"},
}
FIELDS = {
    "id",
    "class",
    "lang",
    "tenant",
    "session",
    "user",
    "text",
    "checks",
    "after",
    "faults",
    "tools",
    "source",
    "doc",
    "cross_lingual",
    "target_language",
    "expected_steps",
    "shape",
    "note",
}

_DASHES = dict.fromkeys([*range(0x2010, 0x2016), 0x2212, 0xFE58, 0xFE63, 0xFF0D], "-")
_DASHES[0x301C] = "~"
_CJK = r"\u3000-\u303f\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"
_WS_CJK = re.compile(rf"\s+(?=[{_CJK}])|(?<=[{_CJK}])\s+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
NUMBER = re.compile(r"(?<![0-9.])-?\d+(?:\.\d+)?(?![0-9])")


def normalise(text: str) -> str:
    """N(text) of FORMAT.md section 5."""
    s = unicodedata.normalize("NFKC", text).translate(_DASHES).casefold()
    prev = None
    while prev != s:
        prev, s = s, _THOUSANDS.sub("", s)
    s = _WS_CJK.sub("", s)
    return re.sub(r"\s+", " ", s).strip()


def _boundary_ok(hay: str, start: int, end: int, needle: str) -> bool:
    before = hay[start - 1] if start > 0 else ""
    before2 = hay[start - 2] if start > 1 else ""
    after = hay[end] if end < len(hay) else ""
    after2 = hay[end + 1] if end + 1 < len(hay) else ""
    first, last = needle[0], needle[-1]
    if first.isascii() and first.isalpha() and before.isascii() and before.isalpha():
        return False
    if first.isdigit() and (before.isdigit() or (before == "." and before2.isdigit())):
        return False
    if last.isascii() and last.isalpha() and after.isascii() and after.isalpha():
        return False
    return not (last.isdigit() and (after.isdigit() or (after == "." and after2.isdigit())))


def contains(answer: str, expected: str | list[str]) -> bool:
    """True when `expected` (a string, or a list of alternatives) matches `answer` under section 5."""
    if isinstance(expected, list):
        return any(contains(answer, e) for e in expected)
    hay, needle = normalise(answer), normalise(expected)
    if not needle:
        return False
    start = hay.find(needle)
    while start != -1:
        if _boundary_ok(hay, start, start + len(needle), needle):
            return True
        start = hay.find(needle, start + 1)
    return False


def numbers_in(text: str) -> list[float]:
    """Numbers of the `number` check: a '-' is a sign only after a non-alphanumeric character."""
    s = normalise(text)
    out = []
    for m in NUMBER.finditer(s):
        tok = m.group(0)
        if tok.startswith("-") and m.start() > 0 and s[m.start() - 1].isalnum():
            tok = tok[1:]
        out.append(float(tok))
    return out


def _problems(records: list[dict]) -> list[str]:
    errs: list[str] = []
    ids: set[str] = set()
    sessions: dict[str, list[str]] = {}
    for i, r in enumerate(records, 1):
        rid = r.get("id", f"line {i}")
        where = f"{rid}:"
        for key in ("id", "class", "lang", "tenant", "session", "text", "checks"):
            if key not in r:
                errs.append(f"{where} missing {key}")
        if set(r) - FIELDS:
            errs.append(f"{where} unknown fields {sorted(set(r) - FIELDS)}")
        if not re.fullmatch(r"[a-z0-9-]+", str(r.get("id", ""))) or rid in ids:
            errs.append(f"{where} bad or duplicate id")
        ids.add(rid)
        if r.get("class") not in CLASSES:
            errs.append(f"{where} bad class")
        if r.get("lang") not in ("zh", "en"):
            errs.append(f"{where} bad lang")
        checks = r.get("checks", {})
        if set(checks) - CHECKS:
            errs.append(f"{where} unknown checks {sorted(set(checks) - CHECKS)}")
        if "status" not in checks or "max_seconds" not in checks:
            errs.append(f"{where} needs status and max_seconds")
        if not set(checks.get("status", [])) <= STATUSES:
            errs.append(f"{where} bad status values")
        lang = checks.get("language")
        if lang is not None:
            code = lang if isinstance(lang, str) else lang.get("lang")
            if code not in LANGS:
                errs.append(f"{where} bad language {lang}")
        if r.get("after"):
            if r["after"] not in sessions.get(r["session"], []):
                errs.append(f"{where} 'after' must name an earlier request of the same session")
        sessions.setdefault(r.get("session"), []).append(rid)
        # expected numbers never appear as numbers in the request text
        text_numbers = numbers_in(r.get("text", ""))
        for spec in checks.get("number", []):
            if any(abs(x - spec["value"]) <= spec.get("tolerance", 1e-9) for x in text_numbers):
                errs.append(f"{where} expected number {spec['value']} occurs in the request text")
        # faults only on tool_failure, and only with defined modes
        faults = r.get("faults")
        if (r.get("class") == "tool_failure") != bool(faults):
            errs.append(f"{where} faults must be present exactly on tool_failure requests")
        for tool, mode in (faults or {}).items():
            if mode not in FAULT_TOOLS.get(tool, set()):
                errs.append(f"{where} undefined fault {tool}={mode}")
            if tool not in r.get("tools", []):
                errs.append(f"{where} faulted tool {tool} missing from tools")
        if r.get("class") == "summary":
            if not r.get("source") or r["source"] not in r["text"]:
                errs.append(f"{where} summary needs a source that is a substring of text")
        if r.get("class") == "kb_fact":
            errs.extend(_kb_problems(r))
        for doc in checks.get("cites", []):
            if not (HERE / doc).is_file():
                errs.append(f"{where} cited document {doc} does not exist")
    if records and any("faults" in r for r in records):
        first_fault = next(i for i, r in enumerate(records) if "faults" in r)
        if any("faults" not in r for r in records[first_fault:]):
            errs.append("fault-phase requests must come last")
    kb = [r for r in records if r.get("class") == "kb_fact"]
    if sum(bool(r.get("cross_lingual")) for r in kb) < MIN_CROSS_LINGUAL:
        errs.append(f"fewer than {MIN_CROSS_LINGUAL} cross-lingual kb_fact requests")
    if sum(bool(r.get("checks", {}).get("not_found")) for r in kb) < MIN_NOT_FOUND:
        errs.append(f"fewer than {MIN_NOT_FOUND} not-found kb_fact requests")
    for r in records:
        if r.get("tenant") not in KB_TENANTS | {"eval-open"}:
            errs.append(f"{r.get('id')}: unknown tenant {r.get('tenant')}")
    for tenant in KB_TENANTS:
        if not (HERE / "kb" / tenant).is_dir():
            errs.append(f"kb/{tenant}/ missing")
    if sum(1 for r in records if r.get("class") == "arithmetic_chain" and r.get("after")) < MIN_SESSIONS:
        errs.append(f"fewer than {MIN_SESSIONS} two-turn arithmetic sessions")
    for tenant in KB_TENANTS:
        docs = sorted((HERE / "kb" / tenant).glob("*.md"))
        if not 4 <= len(docs) <= 6:
            errs.append(f"kb/{tenant}: {len(docs)} documents, expected 4-6")
        langs = Counter(_doc_language(d.read_text(encoding="utf-8")) for d in docs)
        if langs["zh"] < 2 or langs["en"] < 2:
            errs.append(f"kb/{tenant}: needs at least 2 Chinese and 2 English documents, has {dict(langs)}")
        for doc in docs:
            body = doc.read_text(encoding="utf-8")
            size = len(body.split()) if _doc_language(body) == "en" else sum(1 for c in body if "\u4e00" <= c <= "\u9fff")
            if not 300 <= size <= 1500:
                errs.append(f"{doc.relative_to(HERE)}: {size} words/Han characters, expected 300-1500")
    errs.extend(_earlier_problems(records))
    counts = Counter(r.get("class") for r in records)
    for cls, minimum in CLASSES.items():
        if counts[cls] < minimum:
            errs.append(f"class {cls}: {counts[cls]} < {minimum}")
    return errs


def _squash(text: str) -> str:
    """A request text reduced for the repeat check: N(text) without spaces and punctuation."""
    return "".join(c for c in normalise(text) if c.isalnum())


def _earlier_problems(records: list[dict]) -> list[str]:
    """No request repeats one of the earlier answer sets, and no earlier tenant is reused."""
    errs = []
    earlier: dict[str, str] = {}
    for name in EARLIER_SETS:
        path = HERE.parent / name / "requests.jsonl"
        if not path.is_file():
            errs.append(f"earlier set {name} missing: cannot check repeats")
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                old = json.loads(line)
                earlier.setdefault(_squash(old.get("text", "")), f"{name}/{old.get('id')}")
    for r in records:
        key = _squash(r.get("text", ""))
        if key in earlier:
            errs.append(f"{r.get('id')}: text repeats {earlier[key]}")
        if r.get("source") and any(_squash(r["source"]) in k for k in earlier if len(_squash(r["source"])) > 20):
            errs.append(f"{r.get('id')}: summary source repeats an earlier set")
    for tenant in KB_TENANTS | {r.get("tenant") for r in records}:
        if tenant in EARLIER_TENANTS:
            errs.append(f"tenant {tenant} was used by an earlier set")
    return errs


def _kb_problems(r: dict) -> list[str]:
    errs = []
    checks = r["checks"]
    if checks.get("not_found"):
        if r.get("doc") is not None or "no_refusal" in checks:
            errs.append(f"{r['id']}: a not-found request has doc null and no no_refusal")
        return errs
    doc = HERE / str(r.get("doc"))
    if not doc.is_file():
        return [f"{r['id']}: document {r.get('doc')} missing"]
    if (HERE / "kb" / r["tenant"]) not in doc.parents:
        errs.append(f"{r['id']}: document is not in the tenant's folder")
    body = doc.read_text(encoding="utf-8")
    for item in checks.get("contains_all", []):
        if not contains(body, item):
            errs.append(f"{r['id']}: expected {item!r} does not occur in {r['doc']}")
    if "contains_any" in checks and not any(contains(body, e) for e in checks["contains_any"]):
        errs.append(f"{r['id']}: no contains_any item occurs in {r['doc']}")
    for item in checks.get("contains_none", []):
        if contains(body, item):
            errs.append(f"{r['id']}: contains_none {item!r} occurs in the answering document itself")
    doc_lang = _doc_language(body)
    if bool(r.get("cross_lingual")) != (doc_lang != r.get("lang")):
        errs.append(f"{r['id']}: cross_lingual is {r.get('cross_lingual')} but the document is {doc_lang}")
    if r.get("cross_lingual") and "language" in checks:
        errs.append(f"{r['id']}: cross-lingual requests carry no language check")
    return errs


def _doc_language(body: str) -> str:
    """zh when Han characters outnumber a third of the Latin letters (the `language` check's script rule)."""
    han = sum(1 for c in body if "\u4e00" <= c <= "\u9fff")
    latin = sum(1 for c in body if c.isascii() and c.isalpha())
    return "zh" if han > latin / 3 else "en"


def _self_test() -> None:
    assert normalise("１，２５０ 元，约 15 分钟") == "1250元,约15分钟"
    assert contains("电池容量为 5,200 mAh。", "5200") and not contains("52000", "5200")
    assert contains("gold (Au)", "Au") and not contains("because", "au")
    assert not contains("3.3.10", "3.3.1") and not contains("600.5", "600") and contains("5200mAh", "mAh")
    assert contains("−20 °C to 50 °C", "-20")
    assert numbers_in("2026-05-04: 12.5%, total 1,068 and -3") == [2026, 5, 4, 12.5, 1068, -3]


def main() -> int:
    _self_test()
    lines = (HERE / "requests.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    errs = _problems(records)
    for e in errs:
        print(e)
    by_class = Counter(r["class"] for r in records)
    by_lang = Counter((r["class"], r["lang"]) for r in records)
    for cls in CLASSES:
        print(f"{cls:17} {by_class[cls]:4}  zh {by_lang[(cls, 'zh')]:3}  en {by_lang[(cls, 'en')]:3}")
    print(f"{'all':17} {len(records):4}  {'ok' if not errs else f'{len(errs)} problems'}")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
