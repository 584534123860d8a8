"""Knowledge-base retrieval evaluation on documents the chunker was not written for.

Ingests every file of ``tests/data/kb_unseen/docs`` (English and Chinese; Markdown, text, HTML, PDF; the
hard cases listed in that folder's README) through the real loader and chunker, the multilingual encoder
the memory service embeds with (USE multilingual v3) and an embedded Qdrant store, then asks
``tests/data/kb_unseen/questions.jsonl``:

- answerable questions (``questions.jsonl``, the set the threshold was calibrated on,
  ``questions_holdout.jsonl``, written after calibrating, and ``questions_crosslingual.jsonl``, Chinese
  questions over the English documents and English ones over the Chinese): recall@k is the share whose top k passages include one from the expected file
  that contains every ``expect`` phrase (whitespace ignored; the heading path counts, as the model sees it);
- questions answered by no document: the refusal rate is the share for which the relevance threshold
  (``memory.kb_min_score``) leaves no passage, i.e. the task answers "not found". The same threshold's
  false refusals on answerable questions are reported too.

Files that cannot be read are reported per file and must not stop the others.

Env: ``KB_EVAL_OUT=path`` writes the JSON report; ``KB_EVAL_VERBOSE=1`` prints every miss.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autoglm.services.memory.config import MemoryConfig
from autoglm.services.memory.kb import MultilingualEmbedder, ingest_paths
from autoglm.services.memory.store import MemoryStore

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "kb_unseen"
K_VALUES = (1, 3, 5)
TENANT = "eval"


@dataclass
class Outcome:
    """One question's retrieval: the rank of the right passage (None: not in the top k) and the top score."""

    qid: str
    lang: str
    answerable: bool
    rank: int | None
    top_score: float
    refused: bool


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _hit(passage: Any, question: dict[str, Any]) -> bool:
    if Path(passage.source).name != question["source"]:
        return False
    seen = _squash(f"{passage.heading}\n{passage.text}")
    return all(_squash(e) in seen for e in question["expect"])


async def evaluate(
    docs: Path = DATA / "docs", questions: Path = DATA / "questions.jsonl", cfg: MemoryConfig | None = None
) -> dict[str, Any]:
    """Run the evaluation of one question file; returns the report (see the module docstring)."""
    return (await evaluate_sets(docs, {"questions": questions}, cfg))["questions"]


async def evaluate_sets(
    docs: Path, question_sets: dict[str, Path], cfg: MemoryConfig | None = None
) -> dict[str, dict[str, Any]]:
    """Ingest ``docs`` once and evaluate each named question file against it."""
    cfg = cfg or MemoryConfig()
    embedder = MultilingualEmbedder()
    k = max(K_VALUES)
    out: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = MemoryStore.open(cfg, path=Path(tmp) / "qdrant")
        try:
            reports = await ingest_paths(store, embedder, cfg, tenant=TENANT, paths=[docs])
            for name, path in question_sets.items():
                qs = [
                    json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
                ]
                vectors = await embedder.embed([q["question"] for q in qs])
                outcomes: list[Outcome] = []
                misses: list[dict[str, Any]] = []
                for q, vec in zip(qs, vectors, strict=True):
                    # as the service searches: the question's text and vector; once without the floor for recall
                    ask = {"tenant": TENANT, "vector": vec, "top_k": k, "query": q["question"]}
                    found = store.kb_search(**ask, min_score=-1.0)
                    kept = store.kb_search(**ask)
                    answerable = q.get("source") is not None
                    rank = (
                        next((i + 1 for i, p in enumerate(found) if _hit(p, q)), None) if answerable else None
                    )
                    outcomes.append(
                        Outcome(
                            q["id"], q["lang"], answerable, rank, found[0].score if found else 0.0, not kept
                        )
                    )
                    if answerable and (rank is None or not kept) or not answerable and kept:
                        misses.append(
                            {
                                "id": q["id"],
                                "question": q["question"],
                                "expected": q.get("source"),
                                "rank": rank,
                                "got": [
                                    (Path(p.source).name, p.heading, round(p.score, 3)) for p in found[:3]
                                ],
                            }
                        )
                out[name] = _report(outcomes, reports, misses, cfg)
        finally:
            store.close()
    return out


def _rate(xs: list[bool]) -> float:
    return round(sum(xs) / len(xs), 3) if xs else 0.0


def _report(
    outcomes: list[Outcome], reports: list[Any], misses: list[dict[str, Any]], cfg: MemoryConfig
) -> dict[str, Any]:
    ans = [o for o in outcomes if o.answerable]
    neg = [o for o in outcomes if not o.answerable]
    out: dict[str, Any] = {
        "questions": len(ans),
        "unanswerable": len(neg),
        "min_score": cfg.kb_min_score,
        "lexical_weight": cfg.kb_lexical_weight,
        "cross_language_bonus": cfg.kb_cross_language_bonus,
        "chunk_max_chars": cfg.chunk_max_chars,
    }
    for k in K_VALUES:
        out[f"recall@{k}"] = _rate([o.rank is not None and o.rank <= k for o in ans])
        for lang in ("en", "zh"):
            out[f"recall@{k}_{lang}"] = _rate(
                [o.rank is not None and o.rank <= k for o in ans if o.lang == lang]
            )
    out["refusal_rate"] = _rate([o.refused for o in neg])
    out["false_refusal_rate"] = _rate([o.refused for o in ans])
    out["top_score_answerable"] = sorted(round(o.top_score, 3) for o in ans)
    out["top_score_unanswerable"] = sorted(round(o.top_score, 3) for o in neg)
    out["files"] = [r.to_dict() for r in reports]
    out["misses"] = misses
    return out


def main() -> None:
    sets = {"calibration": DATA / "questions.jsonl", "holdout": DATA / "questions_holdout.jsonl",
            "crosslingual": DATA / "questions_crosslingual.jsonl"}
    reports = asyncio.run(evaluate_sets(DATA / "docs", sets))
    verbose = os.environ.get("KB_EVAL_VERBOSE") == "1"
    for f in reports["calibration"]["files"]:
        print(f"  {Path(f['source']).name}: {f.get('error') or str(f['chunks']) + ' chunks'}")
    for name, report in reports.items():
        if verbose:
            for m in report["misses"]:
                print(
                    f"  {name} MISS {m['id']} {m['question']} (want {m['expected']}, rank {m['rank']}) got {m['got']}"
                )
        summary = {k: v for k, v in report.items() if k not in {"files", "misses"}}
        print(name, json.dumps(summary, ensure_ascii=False))
    if out := os.environ.get("KB_EVAL_OUT"):
        Path(out).write_text(json.dumps(reports, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
