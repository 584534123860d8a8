"""Parser-level probe of arithmetic word problems (issue 16): each `arithmetic_chain` request of an answer set is
parsed by the whole parser (parse_request: rules, the word-problem compiler, the qualifier check, honest_graph)
and its exact steps are run on the real calculator and unit table, without the stack or a model.

    python scripts/probe_pipeline.py tests/data/arith_dev3 [--show]

Verdicts: right (every expected number is a step result, nothing left uncomputed; for a row that must not be
computed: an uncomputed part is named), wrong (all claimed, a number missed: a WRONG EXACT STEP), uncomputed
(honest "not computed"), model (a part left to the model or another tool). Fast, no lock needed."""

from __future__ import annotations

import argparse
import json
import re
from datetime import datetime
from pathlib import Path

from autoglm.services.parser.pipeline import parse_request
from autoglm.services.tool_executor.builtins.calculator import evaluate
from autoglm.shared.units import convert
from autoglm.shared.word_problem import UNCOMPUTED

NOW = datetime(2026, 12, 6, 12, 0)


def run(graph, last: float | None) -> tuple[list[float], str]:
    values: dict[str, float] = {} if last is None else {"last": last}
    out: list[float] = []
    kind = "exact"
    for intent in graph.intents:
        e = intent.entities
        sub = lambda s: re.sub(r"\{(\w+)\}", lambda m: repr(values.get(m.group(1), float("nan"))), str(s))  # noqa: E731
        try:
            if e.get(UNCOMPUTED):
                kind = "uncomputed"
                continue
            if intent.tool == "calculator" and e.get("expression"):
                v = float(evaluate(sub(e["expression"])))
            elif intent.tool == "convert_units":
                v = float(convert(sub(e["value"]), e["from_unit"], e["to_unit"]))
            else:
                kind = "uncomputed" if kind == "uncomputed" else "model"
                continue
        except Exception:  # noqa: BLE001 - a probe reports any failure as a wrong step
            v = float("nan")
        values[intent.id] = v
        out.append(v)
    return out, kind


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", type=Path)
    ap.add_argument("--show", action="store_true")
    args = ap.parse_args()
    rows = [json.loads(x) for x in (args.data / "requests.jsonl").read_text(encoding="utf-8").splitlines() if x]
    rows = [r for r in rows if r["class"] == "arithmetic_chain"]
    last_of: dict[str, float | None] = {}
    text_of = {r["id"]: r["text"] for r in rows}
    tally = {"right": 0, "wrong": 0, "uncomputed": 0, "model": 0}
    for r in rows:
        expected = [c["value"] for c in r["checks"].get("number", [])]
        tols = [c.get("tolerance", 0.006) for c in r["checks"].get("number", [])]
        context = [text_of[r["after"]]] if r.get("after") else []
        prev = last_of.get(r["after"]) if r.get("after") else None
        graph = parse_request(r["text"], now=NOW, context=context)
        values, kind = run(graph, prev)
        if "unclaimed" in r.get("tags", []):
            verdict = "right" if kind == "uncomputed" else ("model" if kind == "model" else "wrong")
        elif kind == "exact" and values:
            ok = all(any(abs(v - x) <= max(t, 1e-6) + 1e-9 for v in values) for x, t in zip(expected, tols, strict=True))
            verdict = "right" if ok else "wrong"
        else:
            verdict = kind if kind != "exact" else "model"
        last_of[r["id"]] = values[-1] if values and kind == "exact" else None
        tally[verdict] += 1
        if args.show and verdict != "right":
            steps = [(i.tool, i.entities.get("expression") or i.entities.get("value") or i.text[:40]) for i in graph.intents]
            print(f"{verdict:10} {r['id']} {r['text'][:100]}\n           expected {expected} got "
                  f"{[round(v, 4) for v in values]} {steps}")
    print(f"{args.data.name}: {len(rows)} arithmetic  " + "  ".join(f"{k} {v}" for k, v in tally.items()))


if __name__ == "__main__":
    main()
