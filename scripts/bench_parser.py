"""Parse latency without the LLM fallback: p50/p90/p99/max per request, as the parser service runs it.

Usage: python scripts/bench_parser.py [--fallback bank|none|embedding] [--rounds N] [--json]

Every request of the labelled sets (tests/data/parser_labeled, _heldout, _unseen*, _classes17: ~880, from a few
characters to 8,000) is parsed ``--rounds`` times, one at a time on one thread, after a warm-up round (models and the
bank's seed vectors load before timing). The default fallback is the service's, the example bank (USE multilingual
on one thread, consulted only for clauses the rules are unsure of); a tenant with 20 labelled examples of its own is
used, so the tenant layer and its recall check are on the path. The load average before and after is printed: run
it under the heavy-job lock and report both. A benchmark, not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = [ROOT / f"tests/data/parser_{n}.jsonl" for n in ("labeled", "heldout", "unseen", "unseen2", "unseen3", "classes17")]


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fallback", default="bank", choices=["bank", "none", "embedding"])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    from autoglm.services.parser.config import make_fallback
    from autoglm.services.parser.evaluation import load_labeled
    from autoglm.services.parser.examples import example_event, learn
    from autoglm.services.parser.understanding import Understander

    load_before = os.getloadavg()
    fallback = make_fallback(args.fallback)  # type: ignore[arg-type]
    understander = Understander(fallback)
    t0 = time.perf_counter()
    if understander.bank is not None:
        understander.bank.load()
        for n in range(20):
            text = f"帮我把第{n}号会议室的投影打开" if n % 2 else f"pencil in review meeting number {n} with the team"
            graph = {"language": "zh" if n % 2 else "en", "clarification": None,
                     "intents": [{"type": "unsupported", "tool": None, "entities": {}, "depends_on": []}]}
            learn(understander.bank, "bench", example_event("bench", text, graph).data)
    load_s = time.perf_counter() - t0
    requests = [ex for f in FILES if f.exists() for ex in load_labeled(f)]

    def run(ex: dict) -> float:
        now = datetime.fromisoformat(ex["now"]) if ex.get("now") else None
        started = time.perf_counter()
        understander.parse(ex["text"], now=now, tz=ex.get("tz", "Asia/Shanghai"), context=ex.get("context", ()),
                           tenant="bench")
        return time.perf_counter() - started

    for ex in requests:  # warm-up: a model a fallback loads lazily loads here, not in the timings
        run(ex)
    timings = [run(ex) for _ in range(args.rounds) for ex in requests]
    load_after = os.getloadavg()
    ms = sorted(t * 1000 for t in timings)

    def pct(p: float) -> float:
        return ms[min(len(ms) - 1, int(round(p / 100 * (len(ms) - 1))))]

    out = {
        "fallback": args.fallback, "requests": len(requests), "parses": len(ms), "load_s": round(load_s, 2),
        "p50_ms": round(pct(50), 3), "p90_ms": round(pct(90), 3), "p99_ms": round(pct(99), 3), "max_ms": round(ms[-1], 3),
        "mean_ms": round(statistics.fmean(ms), 3), "cpu": _cpu(), "cores": os.cpu_count(),
        "loadavg_before": [round(x, 2) for x in load_before], "loadavg_after": [round(x, 2) for x in load_after],
    }
    if args.json:
        print(json.dumps(out))
        return 0
    print(f"parser latency, fallback {out['fallback']}: {out['parses']} parses of {out['requests']} requests "
          f"(bank/encoder load {out['load_s']} s, not timed)")
    print(f"  p50 {out['p50_ms']} ms  p90 {out['p90_ms']} ms  p99 {out['p99_ms']} ms  max {out['max_ms']} ms  "
          f"mean {out['mean_ms']} ms")
    print(f"  machine: {out['cpu']}, {out['cores']} cores; load average before {out['loadavg_before']}, "
          f"after {out['loadavg_after']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
