"""Exact whole-graph accuracy of the intent parser over the labeled sets.

Usage: python scripts/eval_parser.py [FILE ...] [--json] [--quiet]
Default files: tests/data/parser_labeled.jsonl and tests/data/parser_heldout.jsonl (each reported,
then the total). ``--json`` prints {"total", "correct", "accuracy"} for all files together plus a
"files" breakdown. Always exits 0: the accuracy threshold is asserted by the unit tests.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from autoglm.services.parser.evaluation import EvalResult, evaluate, load_labeled

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILES = [ROOT / "tests/data/parser_labeled.jsonl", ROOT / "tests/data/parser_heldout.jsonl"]


def _report(name: str, result: EvalResult, quiet: bool) -> None:
    print(f"== {name}: {result.correct}/{result.total} = {result.accuracy:.1%} ({result.seconds * 1000:.0f} ms)")
    for t in sorted(result.by_type):
        n, ok = result.by_type[t], result.correct_by_type[t]
        print(f"   {t:<22} {ok:>4}/{n:<4} {ok / n:.1%}")
    if quiet:
        return
    for f in result.failures:
        print(f"-- FAIL: {f['text'][:200]!r}" + (f"  context={f['context']!r}" if f["context"] else ""))
        print(f"   expected: {json.dumps(f['expected'], ensure_ascii=False)}")
        actual = {**f["actual"], "intents": [{k: v for k, v in i.items() if k != "text"} for i in f["actual"]["intents"]]}
        print(f"   actual:   {json.dumps(actual, ensure_ascii=False)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--quiet", action="store_true", help="omit the failure listing")
    args = parser.parse_args(argv)
    files = args.files or [f for f in DEFAULT_FILES if f.exists()]
    results = {f.name: evaluate(load_labeled(f)) for f in files}
    total = sum(r.total for r in results.values())
    correct = sum(r.correct for r in results.values())
    accuracy = correct / total if total else 0.0
    if args.json:
        files_out = {k: {"total": r.total, "correct": r.correct, "accuracy": round(r.accuracy, 4)} for k, r in results.items()}
        print(json.dumps({"total": total, "correct": correct, "accuracy": round(accuracy, 4), "files": files_out}))
        return 0
    for name, result in results.items():
        _report(name, result, args.quiet)
    print(f"== total: {correct}/{total} = {accuracy:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
