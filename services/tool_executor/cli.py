"""`autoglm tools`: list the tools and call one, without a running stack.

    autoglm tools list --json
    autoglm tools call calculator --args '{"expression": "(12+8)*3"}' --json

`call --json` prints an MCP tools/call result. Failures (unknown tool, bad arguments, refusals,
timeouts, bad config) are printed as results with ``isError: true``; the exit status is 0 whenever a
result was printed. kb_search needs the memory service and answers with an error here.
"""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

import typer

from .context import ToolCallResult, ToolContext

app = typer.Typer(help="List and call the tool executor's tools.", no_args_is_help=True, add_completion=False)


async def _with_registry(action: Any) -> Any:
    from .config import ToolExecutorSettings
    from .registry import build_registry

    settings = ToolExecutorSettings()
    registry = await build_registry(settings.tools, data_dir=settings.data_dir)
    try:
        return await action(registry)
    finally:
        await registry.aclose()


def _print_json(obj: Any) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False, indent=2, default=str))


@app.command("list")
def list_tools(as_json: Annotated[bool, typer.Option("--json", help="MCP tools/list JSON.")] = False) -> None:
    """List the registered tools."""

    async def action(registry: Any) -> list[dict[str, Any]]:
        return registry.list_tools()

    try:
        tools = asyncio.run(_with_registry(action))
    except Exception as exc:  # noqa: BLE001 - the CLI never shows a traceback
        typer.echo(f"error: could not build the tool registry: {type(exc).__name__}: {exc}", err=True)
        raise typer.Exit(1) from None
    if as_json:
        _print_json({"tools": tools})
        return
    for t in tools:
        hints = t["annotations"]
        flags = ",".join(
            k.removesuffix("Hint")
            for k in ("readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint")
            if hints.get(k)
        )
        typer.echo(f"{t['name']:<22} {t['description'][:90]}  [{flags}]")


@app.command("call")
def call_tool(
    name: Annotated[str, typer.Argument(help="Tool name.")],
    args: Annotated[str, typer.Option("--args", help="Arguments as a JSON object.")] = "{}",
    as_json: Annotated[bool, typer.Option("--json", help="Print the MCP tools/call result JSON.")] = False,
    allow_destructive: Annotated[
        bool, typer.Option("--allow-destructive", help="Let destructive tools run.")
    ] = False,
) -> None:
    """Call one tool and print its result."""
    ctx = ToolContext(task_id="cli", tenant="default", session_id="cli", allow_destructive=allow_destructive)
    try:
        arguments = json.loads(args)
    except json.JSONDecodeError as exc:
        result = ToolCallResult.error(f"--args is not valid JSON: {exc}")
    else:

        async def action(registry: Any) -> ToolCallResult:
            return await registry.call(name, arguments, ctx)

        try:
            result = asyncio.run(_with_registry(action))
        except Exception as exc:  # noqa: BLE001 - the CLI never shows a traceback
            result = ToolCallResult.error(f"could not build the tool registry: {type(exc).__name__}: {exc}")
    if as_json:
        _print_json(result.model_dump())
    else:
        typer.echo(("error: " if result.isError else "") + result.text)


if __name__ == "__main__":
    app()
