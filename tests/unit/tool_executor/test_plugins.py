"""Plugins: the @tool decorator's schema, and discovery of the example package's entry points."""

import sys
import tomllib
from pathlib import Path
from typing import Annotated, Literal

import pytest
from pydantic import BaseModel, Field

from autoglm.services.tool_executor.config import ToolsConfig
from autoglm.services.tool_executor.context import ToolContext
from autoglm.services.tool_executor.plugin import ENTRY_POINT_GROUP, discover_plugins, tool
from autoglm.services.tool_executor.registry import build_registry

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "autoglm-plugin-example"


class Greeting(BaseModel):
    text: str


@tool(title="Greeter", read_only=True, idempotent=True, timeout_s=3)
async def greet(
    name: Annotated[str, Field(description="Who to greet.", max_length=20)],
    style: Literal["plain", "loud"] = "plain",
    ctx: ToolContext | None = None,
) -> Greeting:
    """Say hello.

    Longer text that is not part of the description.
    """
    return Greeting(text=f"hello {name}" if style == "plain" else f"HELLO {name.upper()}!")


def test_decorator_builds_mcp_description() -> None:
    definition = greet.__autoglm_tool__  # type: ignore[attr-defined]
    listed = definition.to_mcp()
    assert (
        listed["name"] == "greet" and listed["title"] == "Greeter" and listed["description"] == "Say hello."
    )
    schema = listed["inputSchema"]
    assert schema["required"] == ["name"] and schema["additionalProperties"] is False
    assert schema["properties"]["name"]["description"] == "Who to greet."
    assert schema["properties"]["style"]["enum"] == ["plain", "loud"]
    assert "ctx" not in schema["properties"]
    assert listed["outputSchema"]["properties"]["text"]["type"] == "string"
    assert listed["annotations"] == {
        "title": "Greeter",
        "readOnlyHint": True,
        "destructiveHint": False,
        "idempotentHint": True,
        "openWorldHint": False,
    }


async def test_decorated_function_stays_callable() -> None:
    assert (await greet("ada")).text == "hello ada"


def install_example_metadata(site: Path) -> None:
    """Make the example's entry points visible the way an installed distribution's are."""
    project = tomllib.loads((EXAMPLE / "pyproject.toml").read_text())["project"]
    dist = site / "autoglm_plugin_example-0.1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n"
    )
    lines = [f"[{ENTRY_POINT_GROUP}]"] + [
        f"{k} = {v}" for k, v in project["entry-points"][ENTRY_POINT_GROUP].items()
    ]
    (dist / "entry_points.txt").write_text("\n".join(lines) + "\n")


@pytest.fixture
def example_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install_example_metadata(tmp_path / "site")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.syspath_prepend(str(EXAMPLE / "src"))
    yield
    for name in [m for m in sys.modules if m.startswith("autoglm_plugin_example")]:
        del sys.modules[name]


def test_example_plugin_discovered(example_installed: None) -> None:
    found = {d.name: d for d in discover_plugins()}
    assert {"unit_convert", "word_count"} <= set(found)
    assert found["unit_convert"].source == "plugin:autoglm-plugin-example"
    assert [d.name for d in discover_plugins(allow=["text_tools"])] == ["word_count"]


async def test_example_plugin_tools_run(example_installed: None, tmp_path: Path) -> None:
    registry = await build_registry(ToolsConfig(), data_dir=tmp_path)
    try:
        ctx = ToolContext()
        km = await registry.call("unit_convert", {"value": 5, "from_unit": "km", "to_unit": "m"}, ctx)
        assert km.structuredContent == {"value": 5.0, "from_unit": "km", "to_unit": "m", "result": 5000.0}
        temp = await registry.call("unit_convert", {"value": 100, "from_unit": "c", "to_unit": "f"}, ctx)
        assert temp.structuredContent["result"] == pytest.approx(212)  # type: ignore[index]
        mixed = await registry.call("unit_convert", {"value": 1, "from_unit": "kg", "to_unit": "km"}, ctx)
        assert mixed.isError and "different dimensions" in mixed.text
        bad_unit = await registry.call(
            "unit_convert", {"value": 1, "from_unit": "parsec", "to_unit": "m"}, ctx
        )
        assert bad_unit.isError and "from_unit" in bad_unit.text
        words = await registry.call("word_count", {"text": "Hello world\n你好世界"}, ctx)
        assert words.structuredContent == {"words": 6, "characters": 16, "lines": 2}
    finally:
        await registry.aclose()


def test_broken_plugin_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dist = tmp_path / "broken_plugin-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-plugin\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\nbroken = no_such_module_xyz:tool\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert all(d.name != "broken" for d in discover_plugins())
