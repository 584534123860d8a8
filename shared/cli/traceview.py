"""Reads the JSONL span files and renders one task's trace as a waterfall."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..telemetry import TASK_ID


def iter_spans(span_dir: Path) -> Iterator[dict[str, Any]]:
    if not span_dir.exists():
        return
    for path in sorted(span_dir.glob("*.jsonl")):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                line = line.strip()
                if not line:
                    continue
                try:
                    yield json.loads(line)
                except ValueError:
                    continue


def spans_for_task(span_dir: Path, task_id: str) -> list[dict[str, Any]]:
    """Every span of the trace(s) that carry this task id, ordered as a depth-first tree."""
    spans = list(iter_spans(span_dir))
    trace_ids = {s["trace_id"] for s in spans if s.get("attributes", {}).get(TASK_ID) == task_id}
    if not trace_ids:
        return []
    mine = [s for s in spans if s["trace_id"] in trace_ids]
    return order_tree(mine)


def order_tree(spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_id = {s["span_id"]: s for s in spans}
    children: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    for s in spans:
        parent = s.get("parent_span_id")
        children[parent if parent in by_id else None].append(s)
    for group in children.values():
        group.sort(key=lambda s: s["start_ns"])
    out: list[dict[str, Any]] = []

    def walk(span: dict[str, Any], depth: int) -> None:
        span["depth"] = depth
        out.append(span)
        for child in children.get(span["span_id"], []):
            walk(child, depth + 1)

    for root in children[None]:
        walk(root, 0)
    return out


def render_waterfall(spans: list[dict[str, Any]], console: Console, width: int = 28, verbose: bool = False) -> None:
    if not spans:
        console.print("[yellow]no spans found[/]")
        return
    if not verbose:  # faststream's zero-length "<topic> create" spans add rows, not information
        spans = [s for s in spans if not s["name"].endswith(" create")]
    t0 = min(s["start_ns"] for s in spans)
    t1 = max(s["end_ns"] for s in spans)
    total = max(t1 - t0, 1)
    trace_ids = sorted({s["trace_id"] for s in spans})
    table = Table(title=f"trace {', '.join(trace_ids)} — {len(spans)} spans, {total / 1e6:.1f} ms",
                  expand=False, box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("service", style="cyan", no_wrap=True, min_width=13)
    table.add_column("operation", no_wrap=True, max_width=52, overflow="ellipsis")
    table.add_column("start ms", justify="right")
    table.add_column("duration ms", justify="right")
    table.add_column("status")
    table.add_column("timeline", no_wrap=True)
    for s in spans:
        start = (s["start_ns"] - t0) / 1e6
        dur = (s["end_ns"] - s["start_ns"]) / 1e6
        a = int((s["start_ns"] - t0) / total * width)
        b = max(a + 1, int((s["end_ns"] - t0) / total * width))
        bar = Text(" " * a + "█" * (b - a) + " " * (width - b), style="red" if s["status"] == "ERROR" else "green")
        service = str(s.get("service") or "").removeprefix("autoglm-")
        status = Text("error" if s["status"] == "ERROR" else "ok", style="red" if s["status"] == "ERROR" else "")
        indent = " " * min(s.get("depth", 0), 12)
        table.add_row(service, indent + s["name"], f"{start:.1f}", f"{dur:.1f}", status, bar)
    console.print(table)
    services = sorted({str(s.get("service") or "").removeprefix("autoglm-") for s in spans})
    console.print(f"services in trace: {', '.join(services)}")
