"""What every benchmark script does with its report: print it, and write it to ``BENCH_OUT`` when set."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def quick_mode() -> bool:
    """``BENCH_QUICK=1``: the short run."""
    return os.environ.get("BENCH_QUICK") == "1"


def emit_report(report: dict[str, Any]) -> None:
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    out = os.environ.get("BENCH_OUT")
    if out:
        Path(out).write_text(text + "\n")
