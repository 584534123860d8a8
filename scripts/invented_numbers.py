"""Count answers that show a number from neither the request nor a tool step (issue 16's target: 0).

Usage: python scripts/invented_numbers.py RUN.json [--data tests/data/answers3] [--classes arithmetic_chain]

RUN.json is a report of scripts/eval_answers.py. A number counts as the request's when it is written in the
request or in an earlier turn of its session; as a tool's when a completed tool step returned or was given it
(the report's ``tools``, a result shown rounded included). Reports written before ``tools`` was recorded are
read by a proxy, said in the output: the tool's share is the answer's own tool-rendered lines (``expr = value``,
a unit conversion, a date difference, a query and its rows). A rendered step whose result a tool returned counts
with its operands; a notice that a step was not done (its reason may carry timings) is no answer and is skipped.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from autoglm.services.planner.arithmetic import invented_numbers
from autoglm.shared.word_problem import numbers_in

_TOOL_LINE = re.compile(r" = |相差 \d|^\s*(?:\d+\.\s*)?(?:\d+ days|\d{4}-\d\d-\d\d|Query SQL|查询 SQL)")
# A notice that a step was not done ("(not done: … — busy: … every ~3953 ms …)") says why, it answers nothing.
_NOTICE = re.compile(r"[(（](?:not done|未完成)[:：][^\n]*")
_LIST_NUMBER = re.compile(r"^\s*\d+\.\s", re.M)  # "1. " before each part of a multi-part answer


def _proxy_tools(answer: str) -> list[str]:
    lines, tools, in_rows = answer.splitlines(), [], False
    for line in lines:
        if _TOOL_LINE.search(line):
            tools.append(line)
            in_rows = "SQL" in line
        elif in_rows and not re.match(r"\s*\d+\.\s", line):
            tools.append(line)  # a row of the query's table
        else:
            in_rows = False
    return tools


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run", type=Path)
    ap.add_argument("--data", type=Path, default=Path("tests/data/answers3"))
    ap.add_argument("--classes", default="arithmetic_chain")
    args = ap.parse_args()
    requests = [json.loads(line) for line in (args.data / "requests.jsonl").read_text().splitlines() if line.strip()]
    by_id = {r["id"]: r for r in requests}
    said: dict[str, list[str]] = {}
    earlier: dict[str, str] = {}
    for r in requests:
        session = str(r.get("session") or r["id"])
        said.setdefault(session, []).append(r["text"])
        earlier[r["id"]] = "\n".join(said[session])
    classes = set(args.classes.split(","))
    rows = [r for r in json.loads(args.run.read_text())["requests"] if r.get("class") in classes]
    proxy = any("tools" not in r for r in rows)
    bad = []
    for row in rows:
        raw = _NOTICE.sub(" ", row.get("answer") or "")
        answer = _LIST_NUMBER.sub("", raw)
        lines = [_LIST_NUMBER.sub("", t) for t in _proxy_tools(raw)]
        if "tools" in row:
            # a rendered step ("599*(100-30)/100 = 419.3") whose result a tool returned: its operands are the tool's
            results = {n for t in row["tools"] for n in numbers_in(t.split(":", 1)[-1])}
            lines = [t for t in lines if " = " in t and results & set(numbers_in(t.rsplit(" = ", 1)[1]))]
            tools = [*row["tools"], *lines]
        else:
            tools = lines
        found = invented_numbers(answer, earlier.get(row["id"], by_id.get(row["id"], {}).get("text", "")), tools)
        if found:
            bad.append((row["id"], found))
    passed = sum(1 for r in rows if r.get("passed"))
    print(f"{args.run}: {len(rows)} answers, passed {passed}; with a number from neither the request nor a tool: "
          f"{len(bad)}{' (tool lines read from the answers: proxy)' if proxy else ''}")
    for rid, found in bad:
        print(f"  {rid}: {', '.join(f'{n:g}' for n in found[:6])}")


if __name__ == "__main__":
    main()
