"""Check questions.jsonl against docs/: schema, file references, and that an answer is in the cited documents.

Run: python tests/data/multihop2/validate.py  (exit 1 on any problem; prints counts per type, language, tenant).

Adapted from tests/data/multihop/validate.py (same schema and rules), with stricter checks for this set:
on bridge and single-hop questions an answer string must occur in the file of the last hop; every hop's tail (or one of
its names, split on parentheses and commas) must occur in the hop's file; yes/no answers must be accepted
leading forms; no expected answer may be a substring of a reject string (a wrong answer would then pass);
a Chinese document (`_cn.md`) must be mostly Chinese and an English one mostly not.
"""

import collections
import json
import pathlib
import re
import sys
import unicodedata

HERE = pathlib.Path(__file__).resolve().parent
TYPES = {"bridge", "comparison", "intersection", "single_hop", "unanswerable"}
REQUIRED = ["id", "tenant", "lang", "type", "question", "answers", "path", "docs"]
OPTIONAL = {"yes_no", "reject", "note"}
YES_NO_FORMS = {"yes", "no", "是", "在同一", "都在", "同一", "都是", "不是", "不在", "否", "不同"}


def names(text: str) -> list[str]:
    """The names a hop's head or tail gives: the whole text and its parts split on brackets and commas."""
    parts = re.split(r"[()（）,，、;；]| — ", text)
    return [p.strip() for p in [text, *parts] if len(p.strip()) >= 2]


def lang_of(answer: str) -> str:
    return "zh" if any("\u4e00" <= c <= "\u9fff" for c in answer) else "en"


def cjk_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum("\u4e00" <= c <= "\u9fff" for c in letters) / max(1, len(letters))


def norm(text: str) -> str:
    """NFKC folds full-width to half-width; casefold for case-insensitive matching."""
    return unicodedata.normalize("NFKC", text).casefold()


def main(here: pathlib.Path = HERE) -> int:
    """Check the set in ``here`` (this folder; the later multi-hop sets call it with theirs)."""
    errors = []
    tenants = {
        p.name: {f.name: f.read_text(encoding="utf-8") for f in p.iterdir() if f.is_file()}
        for p in (here / "docs").iterdir()
        if p.is_dir()
    }
    fnames = collections.Counter(n for files in tenants.values() for n in files)
    errors += [f"file name {n} is used in more than one tenant" for n, c in fnames.items() if c > 1]
    for files in tenants.values():
        for n, body in files.items():
            if n.endswith("_cn.md") != (cjk_share(body) > 0.5):
                errors.append(f"{n}: language does not match its name (CJK share {cjk_share(body):.2f})")
    seen = set()
    counts = collections.Counter()
    rows = [
        json.loads(line)
        for line in (here / "questions.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    for q in rows:
        qid = q.get("id", "?")
        missing = [k for k in REQUIRED if k not in q]
        extra = set(q) - set(REQUIRED) - OPTIONAL
        if missing or extra:
            errors.append(f"{qid}: missing {missing} extra {sorted(extra)}")
            continue
        if qid in seen:
            errors.append(f"{qid}: duplicate id")
        seen.add(qid)
        if q["tenant"] not in tenants:
            errors.append(f"{qid}: unknown tenant {q['tenant']}")
            continue
        if q["type"] not in TYPES or q["lang"] not in {"en", "zh"}:
            errors.append(f"{qid}: bad type/lang")
        if not q["answers"] or not all(isinstance(a, str) and a for a in q["answers"]):
            errors.append(f"{qid}: answers must be non-empty strings")
        files = tenants[q["tenant"]]
        for hop in q["path"]:
            if len(hop) != 4 or hop[3] not in files:
                errors.append(f"{qid}: bad hop {hop}")
            elif not any(norm(n) in norm(files[hop[3]]) for n in names(hop[2])):
                errors.append(f"{qid}: hop tail {hop[2]!r} does not occur in {hop[3]}")
        for a in q["answers"]:
            for r in q.get("reject", []):
                if norm(a) in norm(r):
                    errors.append(f"{qid}: answer {a!r} is inside reject {r!r}")
        if q["docs"] != list(dict.fromkeys(h[3] for h in q["path"])):
            errors.append(f"{qid}: docs must be the path's files in order")
        text = norm("\n".join(files[d] for d in q["docs"] if d in files))
        nhops = len(q["path"])
        if q["type"] == "unanswerable":
            if q["answers"] != ["not found"]:
                errors.append(f"{qid}: unanswerable answers must be ['not found']")
            if not q["path"]:  # cross-tenant: nothing in this tenant may give the trap answer
                alltext = norm("\n".join(files.values()))
                errors += [
                    f"{qid}: trap {r!r} occurs in tenant {q['tenant']}"
                    for r in q.get("reject", [])
                    if norm(r) in alltext
                ]
        elif q.get("yes_no"):
            if q["type"] != "comparison":
                errors.append(f"{qid}: yes_no only on comparison questions")
            if not set(q["answers"]) <= YES_NO_FORMS:
                errors.append(f"{qid}: yes_no answers must be accepted leading forms")
        else:
            if not any(norm(a) in text for a in q["answers"]):
                errors.append(f"{qid}: no answer string occurs in its docs")
            last = norm(files.get(q["path"][-1][3], "")) if q["path"] else ""
            if q["type"] in {"bridge", "single_hop"} and not any(norm(a) in last for a in q["answers"]):
                errors.append(f"{qid}: no answer string occurs in the file of the last hop")
            if not any(norm(a) in text for a in q["answers"] if lang_of(a) == q["lang"]):
                counts[("answer only in the other language", q["lang"])] += 1
        if q["type"] == "single_hop" and nhops != 1:
            errors.append(f"{qid}: single_hop must have one hop")
        if q["type"] in {"bridge", "comparison", "intersection"} and nhops < 2:
            errors.append(f"{qid}: multi-hop needs at least two hops")
        counts[("type", q["type"])] += 1
        counts[("lang", q["lang"])] += 1
        counts[("tenant", q["tenant"])] += 1
        counts[("tenant/type", q["tenant"], q["type"])] += 1
        counts[("type/lang", q["type"], q["lang"])] += 1
        if q["type"] == "bridge":
            counts[("bridge hops", nhops)] += 1
        if q["type"] != "unanswerable" and q["path"]:
            doc_langs = {"zh" if d.endswith("_cn.md") else "en" for d in q["docs"]}
            if q["lang"] not in doc_langs:
                counts[("cross-lingual", "question lang not in any doc")] += 1
            elif len(doc_langs) > 1:
                counts[("cross-lingual", "docs in both languages")] += 1
            else:
                counts[("cross-lingual", "same language only")] += 1
    for e in errors:
        print("ERROR", e)
    print(f"{len(rows)} questions, {sum(len(f) for f in tenants.values())} documents")
    for key in sorted(counts, key=str):
        print(" ", *key, counts[key])
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
