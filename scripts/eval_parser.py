"""Exact whole-graph accuracy of the intent parser over the labeled sets, per fallback mode.

Usage: python scripts/eval_parser.py [FILE ...] [--fallback none|embedding|both] [--json] [--quiet]
Default files: tests/data/parser_labeled.jsonl, parser_heldout.jsonl and parser_unseen{,2,3}.jsonl, each
reported for every fallback mode asked (default: both), then the totals. "routed" is the looser match
on language and each intent's type and tool. ``--json`` prints {mode: {"total", "correct", "routed",
"accuracy", "files": {...}}}. Always exits 0: the accuracy thresholds are asserted by the unit tests.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from autoglm.services.parser.config import ParserSettings, make_fallback
from autoglm.services.parser.evaluation import EvalResult, evaluate, load_labeled

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILES = [ROOT / f"tests/data/parser_{name}.jsonl" for name in ("labeled", "heldout", "unseen", "unseen2", "unseen3")]


def _report(name: str, result: EvalResult, quiet: bool) -> None:
    print(
        f"== {name}: {result.correct}/{result.total} = {result.accuracy:.1%} exact, "
        f"{result.routed}/{result.total} routed ({result.seconds * 1000:.0f} ms)"
    )
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
    parser.add_argument(
        "--fallback", choices=["none", "embedding", "llm", "both"], default="both",
        help="both = none and embedding; llm uses the configured parser.llm endpoint",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--quiet", action="store_true", help="omit the failure listing")
    args = parser.parse_args(argv)
    files = args.files or [f for f in DEFAULT_FILES if f.exists()]
    examples = {f.name: load_labeled(f) for f in files}
    modes = ["none", "embedding"] if args.fallback == "both" else [args.fallback]
    out: dict[str, dict[str, object]] = {}
    for mode in modes:
        fallback = make_fallback(mode, ParserSettings().parser)  # type: ignore[arg-type]
        results = {name: evaluate(exs, fallback) for name, exs in examples.items()}
        total = sum(r.total for r in results.values())
        correct = sum(r.correct for r in results.values())
        routed = sum(r.routed for r in results.values())
        accuracy = correct / total if total else 0.0
        out[mode] = {
            "total": total, "correct": correct, "routed": routed, "accuracy": round(accuracy, 4),
            "files": {k: {"total": r.total, "correct": r.correct, "routed": r.routed,
                          "accuracy": round(r.accuracy, 4)} for k, r in results.items()},
        }
        if args.json:
            continue
        print(f"######## fallback: {mode}")
        for name, result in results.items():
            _report(name, result, args.quiet)
        print(f"== total ({mode}): {correct}/{total} = {accuracy:.1%} exact, {routed}/{total} routed")
    if args.json:
        print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
