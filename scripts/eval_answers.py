"""`make eval-answers`: the answer-quality set (tests/data/answers, issue 16 item 9) through the real stack.

Follows tests/data/answers/FORMAT.md: a fresh embedded stack (the synthetic weather stand-in, the bundled
orders database), each tenant's ``kb/<tenant>/`` ingested with ``autoglm kb ingest``, the requests without
``faults`` sent one at a time in file order (each waits for its result, up to 120 s), then the ``faults``
requests on a stack restarted once per distinct fault set (the data directory is kept). Every result is
checked (scripts/answer_checks.py) and the report prints accuracy per class, language, tenant and overall,
``kb_fact`` cross-lingual and not-found apart, latency p50/p95 per class (nearest rank), the requests over
60 s and the failures per check; the JSON report adds every request, the machine, load, commit and date.

Options: ``--data DIR`` (another set in the same format), ``--classes a,b``, ``--ids x,y``, ``--limit N``
(first N of the selection), ``--no-faults``, ``--out PATH`` (default ``data/eval_answers.json``;
``ANSWERS_EVAL_OUT`` too), ``--verbose`` (every request's line).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

sys.path.insert(0, str(Path(__file__).resolve().parent))
import answer_checks as checks  # noqa: E402

from autoglm.shared.cli.stack import Stack  # noqa: E402
from autoglm.shared.config import Settings  # noqa: E402
from autoglm.shared.devtools.fake_open_meteo import serve as serve_weather  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "answers"
WAIT_S = 120.0
TIMEOUT_S = 90


# ------------------------------------------------------------------ faults (FORMAT.md section 7)

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _silent_listener() -> Iterator[str]:
    """Accepts connections and never answers: the tool's own timeout has to fire."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            with contextlib.suppress(OSError):
                conn, _ = server.accept()
                held.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(2)
        for conn in held:
            conn.close()
        server.close()


@contextlib.contextmanager
def fault_env(faults: dict[str, str], weather_url: str) -> Iterator[dict[str, str]]:
    env = {"AUTOGLM_TOOLS__WEATHER__FORECAST_BASE_URL": weather_url,
           "AUTOGLM_TOOLS__WEATHER__GEOCODING_BASE_URL": weather_url}
    with contextlib.ExitStack() as stack:
        for tool, mode in faults.items():
            if tool == "weather":
                url = stack.enter_context(_silent_listener()) if mode == "timeout" else f"http://127.0.0.1:{_free_port()}"
                env["AUTOGLM_TOOLS__WEATHER__FORECAST_BASE_URL"] = url
                env["AUTOGLM_TOOLS__WEATHER__GEOCODING_BASE_URL"] = url
            elif tool == "sql_query":
                missing = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "missing.sqlite"
                env["AUTOGLM_TOOLS__SQL__DATABASES"] = json.dumps({"orders": {"kind": "sqlite", "path": str(missing)}})
            elif tool == "http_get":
                env["AUTOGLM_TOOLS__HTTP__ALLOWED_HOSTS"] = json.dumps(["*", "status.northwind.invalid"])
            else:
                print(f"unknown fault {tool}: {mode} (ignored)", file=sys.stderr)
        yield env


# ------------------------------------------------------------------ the stack

class Run:
    """One stack: start, ingest, send tasks one at a time and collect their results."""

    def __init__(self, data_dir: Path, prefix: str, env: dict[str, str]) -> None:
        settings = Settings(data_dir=data_dir, topic_prefix=prefix, timeout_seconds=TIMEOUT_S)
        self.stack = Stack(settings, extra_env=env)
        self.prefix = prefix
        self._stop = [False]
        self._supervisor = threading.Thread(target=self.stack.supervise, args=(self._stop,), daemon=True)

    def __enter__(self) -> Run:
        self.stack.start()
        if not self.stack.wait_ready(600):
            self.stack.stop()
            raise SystemExit(f"stack not ready: {self.stack.ready()}")
        self._supervisor.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop[0] = True
        self._supervisor.join(5)
        self.stack.stop()

    def ingest(self, folder: Path, tenant: str) -> dict[str, Any]:
        cli = Path(sys.executable).with_name("autoglm")
        cmd = [str(cli)] if cli.exists() else [sys.executable, "-m", "autoglm.shared.cli"]
        done = subprocess.run([*cmd, "kb", "ingest", str(folder), "--tenant", tenant, "--json"], capture_output=True,
                              text=True, timeout=900, env={**os.environ, **self.stack.client_env()})
        reports = json.loads(done.stdout) if done.stdout.strip().startswith("[") else []
        failed = [r for r in reports if r.get("error")]
        if done.returncode != 0 or failed:
            print(f"  ingest {tenant}: exit {done.returncode}; failed files: {failed or done.stderr[-500:]}",
                  file=sys.stderr)
        return {"tenant": tenant, "files": len(reports), "chunks": sum(r.get("chunks", 0) for r in reports),
                "failed": [r.get("source") for r in failed], "exit": done.returncode}

    async def ask_all(self, requests: list[dict[str, Any]], run_id: str, verbose: bool) -> list[dict[str, Any]]:
        bootstrap = self.stack.bootstrap or ""
        results_topic = self.prefix + "autoglm.results"
        consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                                    fetch_max_wait_ms=20)
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
        await consumer.start()
        await producer.start()
        out: list[dict[str, Any]] = []
        try:
            parts = [TopicPartition(results_topic, p) for p in sorted(consumer.partitions_for_topic(results_topic) or {0})]
            consumer.assign(parts)
            await consumer.seek_to_end(*parts)
            for p in parts:
                await consumer.position(p)
            seen: dict[str, dict[str, Any]] = {}
            for req in requests:
                out.append(await self._ask(req, run_id, producer, consumer, seen))
                if verbose:
                    _print_row(out[-1])
        finally:
            await producer.stop()
            await consumer.stop()
        return out

    async def _ask(self, req: dict[str, Any], run_id: str, producer: AIOKafkaProducer, consumer: AIOKafkaConsumer,
                   seen: dict[str, dict[str, Any]]) -> dict[str, Any]:
        task_id = f"{run_id}-{req['id']}"
        session = f"{run_id}-{req.get('session') or req['id']}"
        event = {
            "specversion": "1.0", "id": task_id, "source": "/eval/answers", "type": "autoglm.task.requested",
            "taskid": task_id, "sessionid": session, "tenant": req["tenant"],
            "data": {"text": req["text"], "user": req.get("user") or "eval-user", "timeout_seconds": TIMEOUT_S},
        }
        started = time.perf_counter()
        await producer.send_and_wait(self.prefix + "autoglm.tasks", json.dumps(event, ensure_ascii=False).encode(),
                                     key=session.encode())
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT_S
        data = seen.pop(task_id, None)
        while data is None and loop.time() < deadline:
            batch = await consumer.getmany(timeout_ms=100)
            for records in batch.values():
                for rec in records:
                    with contextlib.suppress(TypeError, ValueError):
                        doc = json.loads(rec.value)
                        seen[str(doc.get("taskid"))] = doc.get("data") or {}
            data = seen.pop(task_id, None)
        latency = time.perf_counter() - started if data is not None else WAIT_S
        failed = checks.check_request(req, data, latency, self.kb_root)
        return {
            "id": req["id"], "class": req.get("class"), "lang": req.get("lang"), "tenant": req["tenant"],
            "cross_lingual": req.get("cross_lingual"), "not_found": bool(req.get("checks", {}).get("not_found")),
            "passed": not failed, "failed": failed, "latency_s": round(latency, 3),
            "duration_ms": (data or {}).get("duration_ms"), "status": checks.effective_status(data) if data else None,
            "answer_source": (data or {}).get("answer_source"), "answer": ((data or {}).get("answer") or "")[:300],
            # what each tool step returned, so a number in the answer can be traced to a tool (or to none)
            "tools": [f"{s.get('name')}: {s.get('summary', '')}"[:300] for s in (data or {}).get("steps") or []
                      if s.get("kind") == "tool_call" and s.get("status") == "completed"],
        }

    kb_root: Path = DATA / "kb"


def _print_row(row: dict[str, Any]) -> None:
    mark = "PASS" if row["passed"] else "FAIL"
    why = "; ".join(row["failed"])[:200]
    answer = row["answer"].replace("\n", " ")[:100]
    print(f"  {mark} {row['id']:<12} {row['latency_s']:6.1f}s {row['status'] or '-':<10} {why}  | {answer}", flush=True)


# ------------------------------------------------------------------ report

def _pct(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def _acc(rows: list[dict[str, Any]]) -> dict[str, Any]:
    n = len(rows)
    ok = sum(r["passed"] for r in rows)
    return {"passed": ok, "total": n, "accuracy": round(ok / n, 3) if n else None}


def report(rows: list[dict[str, Any]]) -> dict[str, Any]:
    by: dict[str, dict[str, list[dict[str, Any]]]] = {k: defaultdict(list) for k in ("class", "lang", "tenant")}
    for r in rows:
        for k in by:
            by[k][str(r[k])].append(r)
    kb = by["class"].get("kb_fact", [])
    latency = {
        cls: {"p50_s": _pct([r["latency_s"] for r in rs], 0.5), "p95_s": _pct([r["latency_s"] for r in rs], 0.95)}
        for cls, rs in sorted(by["class"].items())
    }
    latency["all"] = {"p50_s": _pct([r["latency_s"] for r in rows], 0.5),
                      "p95_s": _pct([r["latency_s"] for r in rows], 0.95)}
    return {
        "overall": _acc(rows),
        "per_class": {k: _acc(v) for k, v in sorted(by["class"].items())},
        "per_lang": {k: _acc(v) for k, v in sorted(by["lang"].items())},
        "per_tenant": {k: _acc(v) for k, v in sorted(by["tenant"].items())},
        "kb_fact": {"cross_lingual": _acc([r for r in kb if r["cross_lingual"]]),
                    "not_found": _acc([r for r in kb if r["not_found"]]),
                    "answer_source": dict(Counter(str(r["answer_source"]) for r in kb))},
        "latency": latency,
        "over_60s": [r["id"] for r in rows if r["latency_s"] > 60],
        "failures_per_check": dict(Counter(f.split(":")[0] for r in rows for f in r["failed"]).most_common()),
    }


def print_report(rep: dict[str, Any]) -> None:
    o = rep["overall"]
    print(f"\noverall: {o['passed']}/{o['total']} = {o['accuracy']}")
    print(f"{'class':<18}{'acc':>8}{'n':>5}{'p50 s':>9}{'p95 s':>9}")
    for cls, a in rep["per_class"].items():
        lat = rep["latency"][cls]
        print(f"{cls:<18}{a['accuracy']:>8}{a['total']:>5}{lat['p50_s']:>9.2f}{lat['p95_s']:>9.2f}")
    lat = rep["latency"]["all"]
    print(f"{'all':<18}{o['accuracy']:>8}{o['total']:>5}{lat['p50_s']:>9.2f}{lat['p95_s']:>9.2f}")
    print("per language:", {k: v["accuracy"] for k, v in rep["per_lang"].items()})
    print("per tenant:", {k: v["accuracy"] for k, v in rep["per_tenant"].items()})
    print("kb_fact:", json.dumps(rep["kb_fact"], ensure_ascii=False))
    print("over 60 s:", rep["over_60s"] or "none")
    print("failures per check:", rep["failures_per_check"])


# ------------------------------------------------------------------ main

def _machine() -> dict[str, Any]:
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return {"host": platform.node(), "cpus": os.cpu_count(), "python": platform.python_version(),
            "load_avg": os.getloadavg(), "commit": commit, "date": datetime.now(UTC).isoformat(timespec="seconds")}


def select(requests: list[dict[str, Any]], args: argparse.Namespace) -> list[dict[str, Any]]:
    chosen = requests
    if args.classes:
        chosen = [r for r in chosen if r.get("class") in set(args.classes.split(","))]
    if args.ids:
        chosen = [r for r in chosen if r["id"] in set(args.ids.split(","))]
    if args.no_faults:
        chosen = [r for r in chosen if not r.get("faults")]
    return chosen[: args.limit] if args.limit else chosen


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--classes")
    ap.add_argument("--ids")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--no-faults", action="store_true")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--out", type=Path, default=Path(os.environ.get("ANSWERS_EVAL_OUT") or ROOT / "data" / "eval_answers.json"))
    args = ap.parse_args()
    requests = [json.loads(line) for line in (args.data / "requests.jsonl").read_text(encoding="utf-8").splitlines()
                if line.strip()]
    chosen = select(requests, args)
    normal = [r for r in chosen if not r.get("faults")]
    faulty = [r for r in chosen if r.get("faults")]
    run_id = f"ev{uuid.uuid4().hex[:6]}"
    machine = {**_machine(), "load_avg_start": os.getloadavg()}
    print(f"{len(chosen)} requests ({len(normal)} normal, {len(faulty)} with faults), run {run_id}; "
          f"load {machine['load_avg_start']}", flush=True)
    rows: list[dict[str, Any]] = []
    ingested: list[dict[str, Any]] = []
    Run.kb_root = args.data / "kb"
    with tempfile.TemporaryDirectory(prefix="eval-answers-") as tmp, serve_weather() as weather:
        data_dir = Path(tmp) / "data"
        base_env = {"AUTOGLM_TOOLS__WEATHER__FORECAST_BASE_URL": weather,
                    "AUTOGLM_TOOLS__WEATHER__GEOCODING_BASE_URL": weather,
                    "AUTOGLM_INFERENCE__CACHE_DIR": str(ROOT / "data" / "models")}
        tenants = sorted({r["tenant"] for r in chosen if (args.data / "kb" / r["tenant"]).is_dir()})
        with Run(data_dir, f"{run_id}.", base_env) as run:
            for tenant in tenants:
                ingested.append(run.ingest(args.data / "kb" / tenant, tenant))
                print(f"  ingested {tenant}: {ingested[-1]['files']} files, {ingested[-1]['chunks']} chunks", flush=True)
            if normal:
                rows += asyncio.run(run.ask_all(normal, run_id, args.verbose))
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in faulty:
            groups[json.dumps(r["faults"], sort_keys=True)].append(r)
        for n, (key, reqs) in enumerate(groups.items()):
            print(f"  fault set {key}: {len(reqs)} requests", flush=True)
            with fault_env(json.loads(key), weather) as env, Run(data_dir, f"{run_id}f{n}.", {**base_env, **env}) as run:
                rows += asyncio.run(run.ask_all(reqs, run_id, args.verbose))
    order = {r["id"]: i for i, r in enumerate(requests)}
    rows.sort(key=lambda r: order[r["id"]])
    if not args.verbose:
        for row in rows:
            if not row["passed"]:
                _print_row(row)
    rep = report(rows)
    print_report(rep)
    machine["load_avg_end"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"machine": machine, "ingested": ingested, "report": rep, "requests": rows},
                                   ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
