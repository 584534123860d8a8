"""The example plugin, really installed by pip, is discovered through its entry points."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "autoglm-plugin-example"

pytestmark = pytest.mark.integration


def test_pip_installed_plugin_is_discovered(tmp_path: Path) -> None:
    site = tmp_path / "site"
    source = tmp_path / "example"  # a copy, so the build leaves nothing in the repository
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--target",
            str(site),
            str(source),
        ],
        check=True,
        timeout=180,
    )
    probe = (
        "import json; from autoglm.services.tool_executor.plugin import discover_plugins; "
        "print(json.dumps(sorted(d.name for d in discover_plugins())))"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    assert {"unit_convert", "word_count"} <= set(json.loads(out.stdout))
