"""Writes a knowledge-base answer set in the eval-answers format (tests/data/answers/FORMAT.md) from
tests/data/kb_unseen: its documents as tenant ``kb-unseen``'s knowledge base and its 103 questions (calibration,
hold-out, cross-lingual; answerable ones checked for their ``expect`` phrases and a citation of their file, the
others for "not found"). For the knowledge-base answer latency through the real stack (README, Planner):

    python scripts/kb_answers_set.py /tmp/kb-answers
    python scripts/eval_answers.py --data /tmp/kb-answers --out data/kb_answers.json

These are the questions the relevance floor was calibrated on: the accuracy it prints is not an honest
quality figure (that is the blind set's, `make eval-answers`); the latency is.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "tests" / "data" / "kb_unseen"
TENANT = "kb-unseen"


def build(out: Path) -> int:
    kb = out / "kb" / TENANT
    if kb.exists():
        shutil.rmtree(kb)
    shutil.copytree(SRC / "docs", kb)
    rows = []
    for name in ("questions.jsonl", "questions_holdout.jsonl", "questions_crosslingual.jsonl"):
        for line in (SRC / name).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            q = json.loads(line)
            checks: dict[str, object] = {"status": ["completed"], "max_seconds": 60}
            if q.get("source"):
                checks["contains_all"] = [[e] for e in q["expect"]]
                checks["cites"] = [f"kb/{TENANT}/{q['source']}"]
                checks["no_refusal"] = True
            else:
                checks["not_found"] = True
            rows.append({"id": f"{name.split('.')[0]}-{q['id']}", "class": "kb_fact", "lang": q["lang"],
                         "tenant": TENANT, "session": q["id"], "text": q["question"],
                         "doc": f"kb/{TENANT}/{q['source']}" if q.get("source") else None,
                         "cross_lingual": name == "questions_crosslingual.jsonl", "checks": checks})
    (out / "requests.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                        encoding="utf-8")
    return len(rows)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/kb-answers")
    print(f"{build(target)} requests in {target}")
