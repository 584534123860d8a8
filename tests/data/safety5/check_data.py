"""Validate the fifth blind safety set (safety5): schema, counts, obfuscations and the PII checksums.

Run: python tests/data/safety5/check_data.py  (prints counts; exits non-zero on a problem)

Copied from the fourth set's tests/data/safety4/check_data.py (itself safety3's, extended; same format,
same checks, same thresholds), extended again: repeats and near-repeats are checked against safety,
safety2, safety3 AND safety4. The near-repeat check (character 4-gram Jaccard on NFKC-folded, lower-cased text without spaces/punctuation) rejects any
request at or above NEAR_LIMIT against an earlier set or another row of this set. It prints counts and
row ids (and scores) only, never another set's text.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
CATEGORIES = ["injection", "jailbreak", "harm", "hate", "secrets", "cross_tenant", "destructive"]
LABELS = [*CATEGORIES, "benign"]
LANGS = {"zh", "en", "mixed"}
OBFUSCATIONS = [
    "fullwidth",
    "homoglyph",
    "zero_width",
    "base64",
    "leetspeak",
    "spacing",
    "mixed_language",
    "pinyin",
    "unicode_escape",
    "other",
]
PII_TYPES = {"phone", "email", "cn_id", "bank_card"}
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")

problems: list[str] = []


def fail(msg: str) -> None:
    problems.append(msg)


def cn_id_valid(s: str) -> bool:
    if not re.fullmatch(r"\d{17}[\dX]", s):
        return False
    check = "10X98765432"[sum(int(c) * w for c, w in zip(s[:17], ID_WEIGHTS, strict=True)) % 11]
    try:
        dt.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return False
    return s[17] == check


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        x = int(ch)
        if i % 2 == 1:
            x = x * 2 - 9 if x > 4 else x * 2
        total += x
    return total % 10 == 0


def check_requests() -> None:
    rows = [json.loads(line) for line in (HERE / "requests.jsonl").read_text("utf-8").splitlines()]
    ids, texts = Counter(r["id"] for r in rows), Counter(r["text"] for r in rows)
    for k, n in (ids + texts).items():
        if n > 1:
            fail(f"duplicate id or text: {k[:40]!r}")
    for r in rows:
        rid = r["id"]
        if set(r) - {"id", "text", "label", "lang", "obfuscation", "note", "also", "near"}:
            fail(f"{rid}: unknown field")
        if r["label"] not in LABELS or r["lang"] not in LANGS:
            fail(f"{rid}: bad label or lang")
        ob = r["obfuscation"]
        if ob is not None and ob not in OBFUSCATIONS:
            fail(f"{rid}: bad obfuscation {ob}")
        for c in r.get("also", []):
            if c not in CATEGORIES or c == r["label"] or r["label"] == "benign":
                fail(f"{rid}: bad also {c}")
        if r.get("near") is not None and (r["near"] not in CATEGORIES or r["label"] != "benign"):
            fail(f"{rid}: bad near")
        t = r["text"]
        if ob == "fullwidth" and not re.search("[\uff01-\uff5e]", t):
            fail(f"{rid}: no full-width character")
        if ob == "homoglyph" and not re.search("[\u0370-\u03ff\u0400-\u04ff]", t):
            fail(f"{rid}: no Greek/Cyrillic look-alike")
        if ob == "zero_width" and not any(c in t for c in ZERO_WIDTH):
            fail(f"{rid}: no zero-width character")
        if ob == "unicode_escape" and not re.search(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2})", t):
            fail(f"{rid}: no escape sequence")
        if ob == "base64":
            blobs = re.findall(r"[A-Za-z0-9+/]{12,}={0,2}", t)
            try:
                decoded = [base64.b64decode(x, validate=True).decode("utf-8") for x in blobs]
            except (binascii.Error, UnicodeDecodeError):
                decoded = []
            if not decoded:
                fail(f"{rid}: no decodable base64")
    hostile = [r for r in rows if r["label"] != "benign"]
    benign = [r for r in rows if r["label"] == "benign"]
    by_cat = Counter(r["label"] for r in rows)
    obf_hostile = Counter(r["obfuscation"] for r in hostile if r["obfuscation"])
    if len(rows) < 380 or len(hostile) < 175 or len(benign) < 200:
        fail("too few rows")
    for c in CATEGORIES:
        if by_cat[c] < 24:
            fail(f"category {c}: {by_cat[c]} < 24")
    if sum(1 for r in rows if r["obfuscation"]) < 70:
        fail("fewer than 70 obfuscated")
    for o in OBFUSCATIONS:
        if obf_hostile[o] < 4:
            fail(f"obfuscation {o}: {obf_hostile[o]} hostile rows < 4")
    print(f"requests: {len(rows)} ({len(hostile)} hostile, {len(benign)} benign)")
    langs = sorted(LANGS)
    print("  label         " + "  ".join(f"{x:>5}" for x in [*langs, "obf", "total"]))
    for lab in LABELS:
        sub = [r for r in rows if r["label"] == lab]
        cells = [sum(1 for r in sub if r["lang"] == g) for g in langs]
        cells += [sum(1 for r in sub if r["obfuscation"]), len(sub)]
        print(f"  {lab:13} " + "  ".join(f"{x:>5}" for x in cells))
    cells = [sum(1 for r in rows if r["lang"] == g) for g in langs]
    print(
        f"  {'all':13} "
        + "  ".join(f"{x:>5}" for x in [*cells, sum(1 for r in rows if r["obfuscation"]), len(rows)])
    )
    print("  obfuscation    hostile  benign")
    for o in OBFUSCATIONS:
        nb = sum(1 for r in benign if r["obfuscation"] == o)
        print(f"  {o:14} {obf_hostile[o]:>7}  {nb:>6}")
    near = Counter(r.get("near") for r in benign)
    print(
        "  benign look-alikes by near category: "
        + ", ".join(f"{c} {near[c]}" for c in CATEGORIES)
        + f", none {near[None]}"
    )


def check_outputs() -> None:
    rows = [json.loads(line) for line in (HERE / "outputs.jsonl").read_text("utf-8").splitlines()]
    if len({r["id"] for r in rows}) != len(rows) or len(rows) < 28:
        fail("outputs: duplicate ids or fewer than 28 rows")
    kinds: Counter[str] = Counter()
    for r in rows:
        rid, text = r["id"], r["text"]
        if r["lang"] not in LANGS:
            fail(f"{rid}: bad lang")
        rest = text
        for p in r["pii"]:
            typ, val = p["type"], p["value"]
            kinds[typ] += 1
            if typ not in PII_TYPES or val not in text:
                fail(f"{rid}: {typ} value not a substring or bad type")
            digits = re.sub(r"\D", "", val)
            if typ == "cn_id" and not cn_id_valid(val):
                fail(f"{rid}: cn_id {val} fails its checksum")
            if typ == "bank_card" and not (13 <= len(digits) <= 19 and luhn_valid(digits)):
                fail(f"{rid}: bank_card {val} fails Luhn")
            if typ == "email" and not EMAIL.match(val):
                fail(f"{rid}: bad e-mail {val}")
            if typ == "phone" and not 7 <= len(digits) <= 15:
                fail(f"{rid}: phone {val} has {len(digits)} digits")
            rest = rest.replace(val, " ")
        # whatever is left must not pass an ID or card check (grouped with spaces/hyphens or not)
        for m in re.finditer(r"\d[\dX -]{11,}[\dX]|\d{13,}[\dX]?", rest):
            for run in {re.sub(r"[ -]", "", m.group()), *re.findall(r"\d{13,}X?", m.group())}:
                if len(run) == 18 and cn_id_valid(run):
                    fail(f"{rid}: unlabelled valid ID {run}")
                if run.isdigit() and 13 <= len(run) <= 19 and luhn_valid(run):
                    fail(f"{rid}: unlabelled Luhn-valid number {run}")
        if "@" in rest and re.search(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z]", rest):
            fail(f"{rid}: unlabelled e-mail")
    neg = sum(1 for r in rows if not r["pii"])
    print(
        f"outputs: {len(rows)} answers, {neg} with no PII; PII values: "
        + ", ".join(f"{k} {kinds[k]}" for k in sorted(PII_TYPES))
    )


CJK = re.compile("[\u4e00-\u9fff]")
FULLWIDTH_ALNUM = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


EARLIER_SETS = ("safety", "safety2", "safety3", "safety4")
NEAR_LIMIT = 0.5


def _grams(text: str) -> set[str]:
    """Character 4-grams of a text, NFKC-folded, lower-cased, zero-width removed, only letters and digits."""
    t = unicodedata.normalize("NFKC", text).lower()
    t = "".join(c for c in t if c.isalnum())
    return {t[i : i + 4] for i in range(max(1, len(t) - 3))}


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _key(text: str) -> str:
    """A text with case, spaces and punctuation removed, to find repeats of earlier sets' requests."""
    return "".join(c for c in text.lower() if c.isalnum())


def check_stricter() -> None:
    """The second set's stricter checks, sized for this set, and a few more."""
    rows = [json.loads(line) for line in (HERE / "requests.jsonl").read_text("utf-8").splitlines()]
    for r in rows:
        rid, t, ob, lang = r["id"], r["text"], r["obfuscation"], r["lang"]
        if ob == "fullwidth" and not FULLWIDTH_ALNUM.search(t):
            fail(f"{rid}: no full-width letter or digit (full-width punctuation alone does not count)")
        if ob == "pinyin" and not re.search(r"[a-z]+ [a-z]+ [a-z]+", t):
            fail(f"{rid}: no pinyin")
        if lang == "zh" and ob in (None, "fullwidth", "zero_width", "spacing") and not CJK.search(t):
            fail(f"{rid}: zh row without Chinese characters")
        if lang == "en" and ob not in ("base64", "unicode_escape") and CJK.search(t):
            fail(f"{rid}: en row with Chinese characters")
        if ob == "mixed_language" and lang != "mixed":
            fail(f"{rid}: mixed_language row not labelled lang mixed")
        if (
            r["label"] != "benign"
            and ob in ("pinyin", "base64", "unicode_escape", "other", "leetspeak")
            and not r.get("note")
        ):
            fail(f"{rid}: hostile {ob} row without a note giving the decoded meaning")
        if any(ord(c) < 32 and c not in "\n" for c in t):
            fail(f"{rid}: control character")
    hostile = [r for r in rows if r["label"] != "benign"]
    benign = [r for r in rows if r["label"] == "benign"]
    near = Counter(r.get("near") for r in benign)
    for c in CATEGORIES:
        if sum(1 for r in hostile if r["label"] == c) < 24:
            fail(f"category {c}: fewer than 24 rows")
        for g in ("en", "zh"):
            if sum(1 for r in hostile if r["label"] == c and r["lang"] == g) < 10:
                fail(f"category {c}: fewer than 10 {g} rows")
        if not any(r["label"] == c and r["lang"] == "mixed" for r in hostile):
            fail(f"category {c}: no mixed row")
        if near[c] < 18:
            fail(f"near {c}: {near[c]} benign look-alikes < 18")
    if near[None] < 40:
        fail("fewer than 40 ordinary benign requests")
    n_mixed = sum(1 for r in rows if r["lang"] == "mixed")
    if not 0.07 * len(rows) <= n_mixed <= 0.15 * len(rows):
        fail(f"{n_mixed} mixed rows: not about 10%")
    n_obf = sum(1 for r in rows if r["obfuscation"])
    if not 0.17 * len(rows) <= n_obf <= 0.30 * len(rows):
        fail(f"{n_obf} obfuscated rows: not about 20%")
    zh, en = (sum(1 for r in rows if r["lang"] == g) for g in ("zh", "en"))
    if abs(zh - en) > 0.15 * len(rows):
        fail(f"zh {zh} and en {en} are not about equal")
    # no text may repeat a request of the earlier sets (only this set's ids are printed)
    earlier: set[str] = set()
    earlier_grams: list[set[str]] = []
    for d in EARLIER_SETS:
        f = HERE.parent / d / "requests.jsonl"
        if not f.exists():
            fail(f"earlier set {d} not found")
            continue
        for line in f.read_text("utf-8").splitlines():
            t = json.loads(line)["text"]
            earlier.add(_key(t))
            earlier_grams.append(_grams(t))
    for r in rows:
        if _key(r["text"]) in earlier:
            fail(f"{r['id']}: same text as a request of an earlier set")
    own = [(r["id"], _grams(r["text"])) for r in rows]
    worst_earlier = worst_own = 0.0
    for i, (rid, g) in enumerate(own):
        best = max((_jaccard(g, e) for e in earlier_grams), default=0.0)
        worst_earlier = max(worst_earlier, best)
        if best >= NEAR_LIMIT:
            fail(f"{rid}: near-repeat of an earlier set's request (4-gram Jaccard {best:.2f})")
        for rid2, g2 in own[i + 1 :]:
            j = _jaccard(g, g2)
            worst_own = max(worst_own, j)
            if j >= NEAR_LIMIT:
                fail(f"{rid} and {rid2}: near-repeats inside this set (4-gram Jaccard {j:.2f})")
    print(f"  highest 4-gram Jaccard: vs earlier sets {worst_earlier:.2f}, inside this set {worst_own:.2f}")
    print(f"  languages: zh {zh}, en {en}, mixed {n_mixed}; obfuscated {n_obf} of {len(rows)}")
    print("  hostile rows with `also`: " + str(sum(1 for r in hostile if r.get("also"))))


if __name__ == "__main__":
    check_requests()
    check_outputs()
    check_stricter()
    for p in problems:
        print("PROBLEM:", p)
    sys.exit(1 if problems else 0)
