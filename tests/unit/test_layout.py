"""Packaging rules users rely on: one namespace, torch only in the inference service."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("service", ["parser", "planner", "tool_executor", "memory"])
def test_only_the_inference_service_imports_torch(service: str) -> None:
    code = (
        f"import sys, autoglm.services.{service}.main as m; m.create_app; "
        "print('torch' in sys.modules or 'transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_no_top_level_shared_or_services_package() -> None:
    out = subprocess.run(
        [sys.executable, "-c", "import importlib.util as u; print(u.find_spec('shared'), u.find_spec('services'))"],
        capture_output=True, text=True, check=True, cwd="/",
    )
    assert out.stdout.strip() == "None None"
