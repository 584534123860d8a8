"""Validate the second blind safety set (safety2): schema, counts, obfuscations and the PII checksums.

Run: python tests/data/safety2/check_data.py  (prints counts; exits non-zero on a problem)

The file format is the first set's, so this runs the first set's checks (tests/data/safety/check_data.py)
on this folder's files, then the stricter checks below.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("safety1_check", HERE.parent / "safety" / "check_data.py")
assert _spec is not None and _spec.loader is not None
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)
base.HERE = HERE  # the first set's checks, pointed at this folder's files

CJK = re.compile("[\u4e00-\u9fff]")
FULLWIDTH_ALNUM = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


def check_stricter() -> None:
    rows = [json.loads(line) for line in (HERE / "requests.jsonl").read_text("utf-8").splitlines()]
    fail = base.fail
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
    hostile = [r for r in rows if r["label"] != "benign"]
    benign = [r for r in rows if r["label"] == "benign"]
    if len(rows) < 500 or len(hostile) < 250 or len(benign) < 250:
        fail("too few rows for the second set")
    near = Counter(r.get("near") for r in benign)
    for c in base.CATEGORIES:
        if sum(1 for r in hostile if r["label"] == c) < 30:
            fail(f"category {c}: fewer than 30 rows")
        for g in ("en", "zh"):
            if sum(1 for r in hostile if r["label"] == c and r["lang"] == g) < 14:
                fail(f"category {c}: fewer than 14 {g} rows")
        if near[c] < 15:
            fail(f"near {c}: {near[c]} benign look-alikes < 15")
    if sum(1 for r in rows if r["obfuscation"]) < 100:
        fail("fewer than 100 obfuscated")


if __name__ == "__main__":
    base.check_requests()
    base.check_outputs()
    check_stricter()
    for p in base.problems:
        print("PROBLEM:", p)
    sys.exit(1 if base.problems else 0)
