"""Packaging and layout rules: one namespace, torch only in the inference service, imports one way."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

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


# ---------------------------------------------------------------- import direction

REPO = Path(__file__).resolve().parents[2]
ROOTS = {"shared": "autoglm.shared", "services": "autoglm.services"}


def _module_name(path: Path) -> str:
    rel = path.relative_to(REPO).with_suffix("")
    parts = [ROOTS[rel.parts[0]], *rel.parts[1:]]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(name: str) -> bool:
    for folder, prefix in ROOTS.items():
        if name == prefix or name.startswith(prefix + "."):
            rest = name.removeprefix(prefix).lstrip(".").split(".") if name != prefix else []
            base = REPO.joinpath(folder, *rest)
            return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()
    return False


def _imports(path: Path) -> set[str]:
    """Every project module ``path`` imports, function-local imports included (they are imports too)."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:  # `from autoglm.shared import cli` imports the cli floor
                found.add(f"{target}.{alias.name}" if _is_module(f"{target}.{alias.name}") else target)
    return {name for name in found if name.startswith("autoglm.")}


def _floor(module: str) -> str:
    """library (shared/ and shared/kafka/), sdk, cli, devtools, or service:<name>."""
    parts = module.split(".")
    if parts[1] == "services":
        return f"service:{parts[2]}" if len(parts) > 2 else "services"
    if len(parts) > 2 and parts[2] in ("sdk", "cli", "devtools"):
        return parts[2]
    return "library"


# What each floor may import besides the library floor and itself. The CLI's composition root
# (shared/cli/main.py) mounts the services' commands and gives the demo devtools' weather stand-in;
# no other CLI module imports a service or devtools.
ALLOWED = {
    "library": set(),
    "sdk": set(),
    "cli": {"sdk"},
    "devtools": {"sdk", "cli"},
}
CLI_ROOT = "autoglm.shared.cli.main"


def _edges() -> list[tuple[str, str]]:
    files = [p for folder in ROOTS for p in (REPO / folder).rglob("*.py")]
    return [(_module_name(p), imported) for p in files for imported in sorted(_imports(p))]


def test_imports_run_one_way_between_floors() -> None:
    """shared/ is a library (shared/*.py, shared/kafka/) that imports no service and none of the floors
    above it; sdk/ imports the library; cli/ imports the library and the SDK (its root also the services'
    CLIs and devtools); devtools/ imports anything in shared/; a service imports the library and itself only."""
    wrong = []
    for importer, imported in _edges():
        src, dst = _floor(importer), _floor(imported)
        if src == dst or dst == "library":
            continue
        if src.startswith("service:"):
            wrong.append(f"{importer} -> {imported} (a service imports the library only)")
        elif importer == CLI_ROOT and (dst.startswith("service:") or dst == "devtools"):
            continue
        elif dst not in ALLOWED.get(src, set()):
            wrong.append(f"{importer} -> {imported} ({src} may not import {dst})")
    assert not wrong, "imports running the wrong way:\n" + "\n".join(wrong)


def test_the_import_scan_sees_imports() -> None:
    """The rule above can't pass by seeing nothing: known arrows of each kind are found."""
    edges = set(_edges())
    assert (CLI_ROOT, "autoglm.services.memory.cli") in edges  # a function-local import
    assert ("autoglm.shared.cli.main", "autoglm.shared.cli.stack") in edges  # `from . import stack`
    assert ("autoglm.services.planner.checkpoints", "autoglm.shared.kafka.clients") in edges
    assert ("autoglm.shared.kafka.runtime", "autoglm.shared.kafka.dlq") in edges  # `from . import dlq`
