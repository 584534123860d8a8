"""Exact whole-graph accuracy of the intent parser over the labelled sets, per fallback mode.

Usage: python scripts/eval_parser.py [FILE ...] [--fallback MODES] [--json] [--quiet] [--failures]

MODES is a comma-separated list of: ``none`` (rules only), ``embedding`` (the MiniLM fallback, English clauses),
``bank`` (the example bank as shipped: its seed holds the labelled sets), ``bank-loo`` (the example bank with
the evaluated file's own examples left out of its seed: the honest score on a set the bank has learned from) and
``llm`` (the configured parser.llm endpoint). Default: none,embedding,bank,bank-loo.

Default files: tests/data/parser_labeled, _heldout, _unseen, _unseen2, _unseen3 and _classes17 (issue 17's class
probe). For each mode and file it prints the exact and routed scores, per language, per ``class`` (when the lines
have one), per labelled type, the intent type/tool confusions (labelled -> parsed, off the diagonal), the split
errors, and what decided the parsed intents; then a table of every file by mode. ``--failures`` lists each miss.
Always exits 0: accuracy floors are asserted by the unit tests.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from autoglm.services.parser.config import ParserSettings, make_fallback
from autoglm.services.parser.evaluation import EvalResult, evaluate, load_labeled

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILES = [ROOT / f"tests/data/parser_{name}.jsonl"
                 for name in ("labeled", "heldout", "unseen", "unseen2", "unseen3", "classes17")]
MODES = ("none", "embedding", "bank", "bank-loo", "llm")


def _pct(ok: int, n: int) -> str:
    return f"{ok}/{n} = {ok / n:.1%}" if n else "0/0"


def _report(name: str, result: EvalResult, failures: bool) -> None:
    print(f"== {name}: {_pct(result.correct, result.total)} exact, {result.routed}/{result.total} routed "
          f"({result.seconds * 1000:.0f} ms)")
    print("   by language: " + ", ".join(f"{k} {_pct(result.correct_by_language[k], n)}"
                                        for k, n in sorted(result.by_language.items())))
    if result.by_class:
        print("   by class:")
        for k, n in sorted(result.by_class.items()):
            errors = result.class_errors.get(k, {})
            detail = ", ".join(f"{e} x{c}" for e, c in sorted(errors.items(), key=lambda kv: -kv[1]))
            print(f"     {k:<22} {_pct(result.correct_by_class[k], n):<16} {detail}")
    print("   by labelled type:")
    for t in sorted(result.by_type):
        print(f"     {t:<22} {_pct(result.correct_by_type[t], result.by_type[t])}")
    wrong = sorted(((k, v) for k, v in result.confusion.items() if k[0] != k[1]), key=lambda kv: -kv[1])
    if wrong:
        print("   type/tool confusions (labelled -> parsed: intents):")
        for (exp, act), n in wrong:
            print(f"     {exp:<30} -> {act:<30} {n}")
    if result.split:
        print("   split errors: " + ", ".join(f"{k} {v}" for k, v in sorted(result.split.items())))
    print("   decided by: " + ", ".join(f"{k} {v}" for k, v in sorted(result.sources.items())))
    if not failures:
        return
    for f in result.failures:
        print(f"-- FAIL: {f['text'][:200]!r}" + (f"  context={f['context']!r}" if f["context"] else ""))
        print(f"   expected: {json.dumps(f['expected'], ensure_ascii=False)}")
        actual = {**f["actual"], "intents": [{k: v for k, v in i.items() if k != "text"} for i in f["actual"]["intents"]]}
        print(f"   actual:   {json.dumps(actual, ensure_ascii=False)}")


def _fallback(mode: str, file: Path, cache: dict[str, object]) -> object:
    if mode == "bank-loo":
        from autoglm.services.parser.understanding import ExampleFallback

        bank = cache.get("bank")
        if bank is None:
            bank = make_fallback("bank")
            cache["bank"] = bank
        assert isinstance(bank, ExampleFallback)
        return ExampleFallback(bank.bank, exclude_origins=frozenset({file.stem}))
    if mode not in cache:
        cache[mode] = make_fallback(mode, ParserSettings().parser)  # type: ignore[arg-type]
    return cache[mode]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--fallback", default="none,embedding,bank,bank-loo",
                        help="comma-separated modes: " + ", ".join(MODES) + " ('both' = none,embedding)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--quiet", action="store_true", help="only the table of files by mode")
    parser.add_argument("--failures", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    files = args.files or [f for f in DEFAULT_FILES if f.exists()]
    examples = {f: load_labeled(f) for f in files}
    modes = ["none", "embedding"] if args.fallback == "both" else args.fallback.split(",")
    for mode in modes:
        if mode not in MODES:
            parser.error(f"unknown mode {mode!r}")
    out: dict[str, dict[str, object]] = {}
    cache: dict[str, object] = {}
    table: dict[str, dict[str, EvalResult]] = {}
    for mode in modes:
        results = {f.name: evaluate(exs, _fallback(mode, f, cache)) for f, exs in examples.items()}  # type: ignore[arg-type]
        table[mode] = results
        total = sum(r.total for r in results.values())
        correct = sum(r.correct for r in results.values())
        routed = sum(r.routed for r in results.values())
        out[mode] = {
            "total": total, "correct": correct, "routed": routed, "accuracy": round(correct / total if total else 0, 4),
            "files": {k: {"total": r.total, "correct": r.correct, "routed": r.routed, "accuracy": round(r.accuracy, 4),
                          "by_language": {lg: [r.correct_by_language[lg], n] for lg, n in r.by_language.items()},
                          "by_class": {c: [r.correct_by_class[c], n] for c, n in r.by_class.items()}}
                      for k, r in results.items()},
        }
        if args.json or args.quiet:
            continue
        print(f"######## fallback: {mode}")
        for name, result in results.items():
            _report(name, result, args.failures)
        print(f"== total ({mode}): {_pct(correct, total)} exact, {routed}/{total} routed")
    if args.json:
        print(json.dumps(out))
        return 0
    print("\n| set | " + " | ".join(modes) + " |")
    print("|---|" + "---|" * len(modes))
    for f in files:
        cells = []
        for mode in modes:
            r = table[mode][f.name]
            langs = ", ".join(f"{lg} {r.correct_by_language[lg]}/{n}" for lg, n in sorted(r.by_language.items()))
            cells.append(f"{_pct(r.correct, r.total)} ({langs})")
        print(f"| {f.stem} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
