"""Compiler-level probe of the arithmetic word-problem reader (issue 16): each `arithmetic_chain` request of an
answer set is read by services/parser/problem.py and its steps are run on the real calculator, unit table and
date arithmetic, without the stack or a model. A request is right when every expected number is one of its
step results; a follow-up turn ("And in hours?") works on the previous turn's last result.

    python scripts/probe_problems.py tests/data/answers3 [--show]

Prints right / compiled-wrong / partial / not read. Fast (no model), so it runs without the heavy lock."""

from __future__ import annotations

import argparse
import json
import re
from datetime import date
from pathlib import Path

from autoglm.services.parser.problem import read_problem
from autoglm.services.parser.reader import unit_of_last
from autoglm.services.parser.text import normalize
from autoglm.services.tool_executor.builtins.calculator import evaluate
from autoglm.shared.units import convert

TODAY = date(2026, 12, 6)


def run_steps(steps, last: float | None) -> list[float]:
    values: dict[str, float] = {}
    if last is not None:
        values["last"] = last
    out = []
    for n, step in enumerate(steps, 1):
        e = step.entities
        if step.tool == "calculator":
            expr = re.sub(r"\{(\w+)\}", lambda m: repr(values[m.group(1)]), e["expression"])
            v = float(evaluate(expr))
        elif step.tool == "convert_units":
            raw = str(e["value"])
            raw = re.sub(r"\{(\w+)\}", lambda m: repr(values[m.group(1)]), raw)
            v = float(convert(raw, e["from_unit"], e["to_unit"]))
        elif step.tool == "datetime" and e.get("operation") == "diff":
            v = float((date.fromisoformat(e["end"][:10]) - date.fromisoformat(e["start"][:10])).days)
        else:
            v = float("nan")
        values[f"i{n}"] = v
        out.append(v)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", type=Path)
    ap.add_argument("--show", action="store_true")
    args = ap.parse_args()
    rows = [json.loads(x) for x in (args.data / "requests.jsonl").read_text(encoding="utf-8").splitlines() if x]
    rows = [r for r in rows if r["class"] == "arithmetic_chain"]
    last_of: dict[str, float | None] = {}
    text_of = {r["id"]: r["text"] for r in rows}
    tally = {"right": 0, "wrong": 0, "partial": 0, "none": 0}
    for r in rows:
        expected = [c["value"] for c in r["checks"].get("number", [])]
        tols = [c.get("tolerance", 0.006) for c in r["checks"].get("number", [])]
        prev = last_of.get(r["after"]) if r.get("after") else None
        if r.get("after") and prev is None:
            prev = float("nan")
        context = [text_of[r["after"]]] if r.get("after") else []
        got = read_problem(normalize(r["text"]), TODAY, has_last=r.get("after") is not None,
                           last_unit=unit_of_last(context))
        verdict, values = "none", []
        if got is not None and got.uncompiled:
            verdict = "partial"
        elif got is not None and got.steps:
            try:
                values = run_steps(got.steps, prev)
            except Exception as exc:  # noqa: BLE001 - a probe reports any failure as wrong
                values = [float("nan")]
                print("  error", r["id"], exc)
            ok = expected and all(any(abs(v - x) <= max(t, 1e-6) + 1e-9 for v in values) for x, t in zip(expected, tols, strict=True))
            verdict = "right" if ok else "wrong"
        last_of[r["id"]] = values[-1] if values else None
        tally[verdict] += 1
        if args.show and verdict != "right":
            print(f"{verdict:7} {r['id']} {r['text'][:90]}\n        expected {expected} got {[round(v, 4) for v in values]}"
                  + (f" uncompiled {got.uncompiled}" if got is not None and got.uncompiled else ""))
    print(f"{args.data.name}: {len(rows)} arithmetic  " + "  ".join(f"{k} {v}" for k, v in tally.items()))


if __name__ == "__main__":
    main()
