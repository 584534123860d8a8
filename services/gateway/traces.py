"""A task's spans, from the JSONL span files every service writes (what ``autoglm trace`` reads).

The files only grow, so the index reads each one incrementally: for every new line it notes the trace
id (the first field of a span line) and where the line is, without parsing it. A request parses only
the lines of its own trace. The index keeps the most recent ``max_traces`` traces. With an OTLP
endpoint configured the spans are not on this machine, and the endpoint says where to look instead.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict, defaultdict
from pathlib import Path
from typing import Any

_TRACE_ID = re.compile(rb'\{\s*"trace_id"\s*:\s*"([0-9a-f]{32})"')


class SpanIndex:
    def __init__(self, span_dir: Path, max_traces: int = 20_000) -> None:
        self.span_dir = span_dir
        self.max_traces = max_traces
        self._files: list[Path] = []
        self._file_ids: dict[Path, int] = {}
        self._read_to: dict[int, int] = {}
        self._where: OrderedDict[str, list[tuple[int, int, int]]] = OrderedDict()
        self._lock = threading.Lock()

    def spans(self, trace_id: str) -> list[dict[str, Any]]:
        """Every span of the trace written so far, parents before children, siblings by start time."""
        with self._lock:
            self._scan()
            where = list(self._where.get(trace_id, ()))
        lines: list[dict[str, Any]] = []
        by_file: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for file_id, start, length in where:
            by_file[file_id].append((start, length))
        for file_id, spots in by_file.items():
            with open(self._files[file_id], "rb") as fh:
                for start, length in spots:
                    fh.seek(start)
                    try:
                        lines.append(json.loads(fh.read(length)))
                    except ValueError:
                        continue
        return order(lines)

    def _scan(self) -> None:
        if not self.span_dir.exists():
            return
        for path in sorted(self.span_dir.glob("*.jsonl")):
            file_id = self._file_ids.get(path)
            if file_id is None:
                file_id = self._file_ids[path] = len(self._files)
                self._files.append(path)
            done = self._read_to.get(file_id, 0)
            try:
                size = path.stat().st_size
            except OSError:
                continue
            if size <= done:
                continue
            with open(path, "rb") as fh:
                fh.seek(done)
                chunk = fh.read(size - done)
            end = chunk.rfind(b"\n") + 1  # a line still being written waits for the next scan
            pos = 0
            while pos < end:
                nl = chunk.index(b"\n", pos)
                found = _TRACE_ID.match(chunk, pos, nl)
                if found:
                    trace_id = found.group(1).decode()
                    spots = self._where.get(trace_id)
                    if spots is None:
                        spots = self._where[trace_id] = []
                        if len(self._where) > self.max_traces:
                            self._where.popitem(last=False)
                    spots.append((file_id, done + pos, nl - pos))
                pos = nl + 1
            self._read_to[file_id] = done + end


def order(spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Depth-first from the roots (a span whose parent is not in the list is a root), with ``depth``."""
    ids = {s.get("span_id") for s in spans}
    children: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for s in spans:
        parent = s.get("parent_span_id")
        children[parent if parent in ids else None].append(s)
    out: list[dict[str, Any]] = []
    stack = [(s, 0) for s in sorted(children[None], key=lambda s: s.get("start_ns", 0), reverse=True)]
    while stack:
        span, depth = stack.pop()
        out.append({**span, "depth": depth})
        kids = sorted(children.get(span.get("span_id"), ()), key=lambda s: s.get("start_ns", 0), reverse=True)
        stack.extend((k, depth + 1) for k in kids)
    return out
