"""The registry's contract: MCP shapes, validation, limits, gating; `call` never raises."""

import asyncio
import json
import threading
import time
from pathlib import Path
from typing import Annotated

import pytest
from pydantic import Field

from autoglm.services.tool_executor.config import ToolLimits, ToolsConfig
from autoglm.services.tool_executor.context import ToolCallResult, ToolContext, ToolError
from autoglm.services.tool_executor.plugin import definition_from_function
from autoglm.services.tool_executor.registry import ToolRegistry, build_registry

CTX = ToolContext(task_id="t1", tenant="acme", session_id="s1")


def registry_with(*fns, **cfg) -> ToolRegistry:
    registry = ToolRegistry(ToolsConfig(plugins_enabled=False, retry_backoff_s=0.0, **cfg))
    for fn, options in fns:
        assert registry.add(definition_from_function(fn, **options))
    return registry


async def test_builtins_listed_in_mcp_shape(tmp_path: Path) -> None:
    registry = await build_registry(ToolsConfig(plugins_enabled=False), data_dir=tmp_path)
    try:
        tools = registry.list_tools()
        names = {t["name"] for t in tools}
        assert {"calculator", "datetime", "http_get", "weather", "sql_query", "kb_search"} <= names
        for t in tools:
            assert set(t) >= {"name", "title", "description", "inputSchema", "outputSchema", "annotations"}
            assert t["inputSchema"]["type"] == "object"
            assert t["outputSchema"]["type"] == "object"
            assert {"readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"} <= set(
                t["annotations"]
            )
        json.dumps(tools)
    finally:
        await registry.aclose()


async def test_unknown_tool_is_an_error_result() -> None:
    result = await registry_with().call("no_such_tool", {}, CTX)
    assert result.isError and "unknown tool 'no_such_tool'" in result.text


async def test_arguments_validated_against_input_schema() -> None:
    async def scale(count: Annotated[int, Field(ge=1, le=10)], label: str = "x") -> dict:
        return {"count": count, "label": label}

    registry = registry_with((scale, {}))
    missing = await registry.call("scale", {}, CTX)
    assert missing.isError and "'count' is a required property" in missing.text
    wrong_type = await registry.call("scale", {"count": "many"}, CTX)
    assert wrong_type.isError and "count" in wrong_type.text
    too_big = await registry.call("scale", {"count": 11}, CTX)
    assert too_big.isError and "maximum" in too_big.text
    extra = await registry.call("scale", {"count": 1, "evil": True}, CTX)
    assert extra.isError and "evil" in extra.text
    not_object = await registry.call("scale", ["count"], CTX)  # type: ignore[arg-type]
    assert not_object.isError
    ok = await registry.call("scale", {"count": 3}, CTX)
    assert not ok.isError and ok.structuredContent == {"count": 3, "label": "x"}


async def test_hanging_async_tool_times_out_within_its_limit() -> None:
    async def hang() -> str:
        await asyncio.Event().wait()
        return "never"

    registry = registry_with((hang, {"timeout_s": 0.2}))
    started = time.monotonic()
    result = await registry.call("hang", {}, CTX)
    assert result.isError and "timed out after 0.2 s" in result.text
    assert time.monotonic() - started < 5


async def test_hanging_sync_tool_times_out_and_does_not_block_the_loop() -> None:
    release = threading.Event()

    def block() -> str:
        release.wait(30)
        return "late"

    registry = registry_with((block, {}), per_tool={"block": ToolLimits(timeout_s=0.2)})
    try:
        result = await registry.call("block", {}, CTX)
        assert result.isError and "timed out" in result.text
    finally:
        release.set()
        await registry.aclose()


async def test_fifty_megabyte_output_is_refused() -> None:
    async def flood() -> str:
        return "x" * 50_000_000

    def flood_dict() -> dict:
        return {"rows": ["y" * 1000] * 50_000}

    registry = registry_with((flood, {}), (flood_dict, {}))
    for name in ("flood", "flood_dict"):
        result = await registry.call(name, {}, CTX)
        assert result.isError and "more than 1000000 bytes" in result.text


async def test_oversized_output_is_not_copied() -> None:
    import tracemalloc

    def wide() -> dict:
        return {"rows": ["y" * 1000] * 50_000}  # 50 MB as JSON, 0.4 MB in memory

    registry = registry_with((wide, {}))
    tracemalloc.start()
    try:
        result = await registry.call("wide", {}, CTX)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.isError
    assert peak < 10_000_000


async def test_exceptions_become_error_results() -> None:
    def broken() -> str:
        raise RuntimeError("kaput")

    def refuses() -> str:
        raise ToolError("not today")

    registry = registry_with((broken, {}), (refuses, {}))
    broken_result = await registry.call("broken", {}, CTX)
    assert broken_result.isError and broken_result.text == "broken failed: RuntimeError: kaput"
    assert (await registry.call("refuses", {}, CTX)).text == "not today"


async def test_retries_only_for_idempotent_tools() -> None:
    calls = {"safe": 0, "unsafe": 0}

    async def safe() -> str:
        calls["safe"] += 1
        if calls["safe"] < 3:
            raise ToolError("flaky", retryable=True)
        return "ok"

    async def unsafe() -> str:
        calls["unsafe"] += 1
        raise ToolError("flaky", retryable=True)

    registry = registry_with((safe, {"idempotent": True}), (unsafe, {}), default_retries=2)
    assert (await registry.call("safe", {}, CTX)).text == "ok"
    assert calls["safe"] == 3
    assert (await registry.call("unsafe", {}, CTX)).isError
    assert calls["unsafe"] == 1


async def test_destructive_tool_needs_permission() -> None:
    async def drop_everything() -> str:
        return "dropped"

    registry = registry_with((drop_everything, {"destructive": True}))
    refused = await registry.call("drop_everything", {}, CTX)
    assert refused.isError and "destructive" in refused.text
    allowed = await registry.call("drop_everything", {}, CTX.model_copy(update={"allow_destructive": True}))
    assert not allowed.isError and allowed.text == "dropped"


async def test_concurrency_limit_per_tool() -> None:
    running = 0
    peak = 0
    gate = asyncio.Event()

    async def busy() -> int:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await gate.wait()
        running -= 1
        return peak

    registry = registry_with((busy, {"max_concurrency": 2}))
    tasks = [asyncio.create_task(registry.call("busy", {}, CTX)) for _ in range(5)]
    for _ in range(20):
        await asyncio.sleep(0)
    gate.set()
    results = await asyncio.gather(*tasks)
    assert not any(r.isError for r in results)
    assert peak == 2


async def test_result_shapes() -> None:
    def number() -> int:
        return 42

    def ready() -> ToolCallResult:
        return ToolCallResult.ok("done", {"k": 1})

    registry = registry_with((number, {}), (ready, {}))
    n = await registry.call("number", {}, CTX)
    assert n.model_dump() == {
        "isError": False,
        "content": [{"type": "text", "text": "42"}],
        "structuredContent": {"result": 42},
    }
    assert (await registry.call("ready", {}, CTX)).structuredContent == {"k": 1}


async def test_context_is_injected_not_in_schema() -> None:
    def who(ctx: ToolContext) -> str:
        return f"{ctx.tenant}/{ctx.task_id}"

    registry = registry_with((who, {}))
    assert registry.list_tools()[0]["inputSchema"]["properties"] == {}
    assert (await registry.call("who", {}, CTX)).text == "acme/t1"


async def test_config_enables_and_disables(tmp_path: Path) -> None:
    registry = await build_registry(
        ToolsConfig(plugins_enabled=False, disabled=["http_get"], enabled=["calculator", "http_get"]),
        data_dir=tmp_path,
    )
    assert registry.names == ["calculator"]
    await registry.aclose()


async def test_kb_search_without_and_with_backend(tmp_path: Path) -> None:
    plain = await build_registry(ToolsConfig(plugins_enabled=False), data_dir=tmp_path)
    result = await plain.call("kb_search", {"query": "如何重置密码"}, CTX)
    assert result.isError and "memory service" in result.text
    await plain.aclose()

    async def backend(query: str, top_k: int, ctx: ToolContext) -> list[dict]:
        return [{"text": f"{ctx.tenant}: {query}", "score": 0.9}][:top_k]

    served = await build_registry(ToolsConfig(plugins_enabled=False), data_dir=tmp_path, kb_backend=backend)
    found = await served.call("kb_search", {"query": "reset", "top_k": 1}, CTX)
    assert not found.isError
    assert found.structuredContent == {"query": "reset", "passages": [{"text": "acme: reset", "score": 0.9}]}
    await served.aclose()


@pytest.mark.parametrize("top_k", [0, 21])
async def test_kb_search_top_k_bounds(tmp_path: Path, top_k: int) -> None:
    registry = await build_registry(ToolsConfig(plugins_enabled=False), data_dir=tmp_path)
    assert (await registry.call("kb_search", {"query": "q", "top_k": top_k}, CTX)).isError
    await registry.aclose()


async def test_task_deadline_shortens_the_timeout() -> None:
    from datetime import UTC, datetime, timedelta

    async def slow() -> str:
        await asyncio.Event().wait()
        return "never"

    registry = registry_with((slow, {"timeout_s": 60}))
    soon = CTX.model_copy(update={"deadline": datetime.now(UTC) + timedelta(seconds=0.2)})
    started = time.monotonic()
    result = await registry.call("slow", {}, soon)
    assert result.isError and "timed out" in result.text
    assert time.monotonic() - started < 30
    past = CTX.model_copy(update={"deadline": datetime.now(UTC) - timedelta(seconds=1)})
    late = await registry.call("slow", {}, past)
    assert late.isError and "deadline has passed" in late.text


async def test_only_bounded_builtins_run_on_the_event_loop(tmp_path: Path) -> None:
    seen: dict[str, int] = {}

    def where(name: str) -> str:
        seen[name] = threading.get_ident()
        return name

    registry = registry_with((lambda: where("plugin"), {"name": "plugin"}))
    try:
        result = await registry.call("plugin", {}, CTX)
    finally:
        await registry.aclose()
    assert not result.isError and seen["plugin"] != threading.get_ident()  # a thread: its timeout can act
    builtins = await build_registry(ToolsConfig(plugins_enabled=False), data_dir=tmp_path)
    try:
        inline = {name for name in builtins.names if (d := builtins.get(name)) and d.inline}
    finally:
        await builtins.aclose()
    assert inline == {"calculator", "datetime", "convert_units", "text_stats"}
