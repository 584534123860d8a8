"""Node.js tools for the tests, installed from the npm registry into tests/node/ on first use.

Where Node.js or npm is missing, or the registry can't be reached, the tests that need them are skipped
with the reason (the rest of the suite needs neither)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

NODE_DIR = Path(__file__).resolve().parents[1] / "node"
MODULES = NODE_DIR / "node_modules"
# Written after an install that finished, with the package.json it installed: an install that was cut off
# (a killed run) leaves top-level packages without their dependencies, so their presence proves nothing.
MARKER = MODULES / ".autoglm-installed"


def node_with_modules(*packages: str) -> str:
    """The ``node`` executable, with ``packages`` installed under :data:`MODULES`; skips the test otherwise."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.skip(f"Node.js and npm are not installed: {', '.join(packages)} (npm) can't run")
    wanted = (NODE_DIR / "package.json").read_text(encoding="utf-8")
    installed = MARKER.read_text(encoding="utf-8") if MARKER.is_file() else None
    if installed != wanted or not all((MODULES / name / "package.json").is_file() for name in packages):
        if installed != wanted:
            shutil.rmtree(MODULES, ignore_errors=True)  # start clean: npm doesn't repair a half-installed package
        try:
            done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--no-package-lock", "--silent"],
                                  cwd=NODE_DIR, capture_output=True, text=True, timeout=300)
        except subprocess.TimeoutExpired:
            pytest.skip("npm install in tests/node took over 5 minutes")
        if done.returncode != 0:
            pytest.skip(f"npm could not install {', '.join(packages)}: {(done.stderr or done.stdout)[-300:]}")
        MARKER.write_text(wanted, encoding="utf-8")
    return node
