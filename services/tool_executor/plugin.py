"""The `@tool` decorator and plugin discovery.

A tool is a typed function, sync or async. Its parameters become the MCP ``inputSchema`` (through a
pydantic model, so ``Annotated[int, Field(ge=1, description=...)]`` works), its docstring the
description, and a pydantic return type the ``outputSchema``. A parameter annotated
:class:`ToolContext` is not part of the schema: it receives the caller's context.

Plugins expose decorated functions (or lists of them) through the entry-point group
``autoglm.tools``::

    [project.entry-points."autoglm.tools"]
    unit_convert = "autoglm_plugin_example.tools:unit_convert"
"""

from __future__ import annotations

import inspect
import logging
import typing
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, create_model

from .context import ToolContext, ToolError

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "autoglm.tools"
F = TypeVar("F", bound=Callable[..., Any])
Handler = Callable[[dict[str, Any], ToolContext], Awaitable[Any] | Any]


@dataclass
class ToolDefinition:
    """A registered tool: its MCP description plus how to run it.

    `handler(arguments, ctx)` receives arguments already checked against `input_schema`; it may be
    sync (run in a thread) or async, and returns a dict, a pydantic model, a string, a scalar, or a
    ready :class:`~.context.ToolCallResult`.
    """

    name: str
    description: str
    input_schema: dict[str, Any]
    handler: Handler
    title: str | None = None
    output_schema: dict[str, Any] | None = None
    read_only: bool = False
    destructive: bool = False
    idempotent: bool = False
    open_world: bool = False
    timeout_s: float | None = None
    max_concurrency: int | None = None
    is_async: bool = True
    # A sync handler that its own input limits keep to microseconds (the calculator, the clock) runs
    # on the event loop, without a thread hand-off. Its timeout can't interrupt it: built-ins only.
    inline: bool = False
    source: str = "builtin"
    extra: dict[str, Any] = field(default_factory=dict)

    def to_mcp(self) -> dict[str, Any]:
        """This tool in the shape of one entry of MCP's tools/list result."""
        out: dict[str, Any] = {
            "name": self.name,
            "title": self.title or self.name,
            "description": self.description,
            "inputSchema": self.input_schema,
        }
        if self.output_schema is not None:
            out["outputSchema"] = self.output_schema
        out["annotations"] = {
            "title": self.title or self.name,
            "readOnlyHint": self.read_only,
            "destructiveHint": self.destructive,
            "idempotentHint": self.idempotent,
            "openWorldHint": self.open_world,
        }
        return out


def _context_param(sig: inspect.Signature, hints: dict[str, Any]) -> str | None:
    for name in sig.parameters:
        hint = hints.get(name)
        if hint is ToolContext or ToolContext in typing.get_args(hint):
            return name
    return None


def _output_schema(return_type: Any) -> dict[str, Any] | None:
    if return_type in (inspect.Signature.empty, None, type(None), Any):
        return None
    if isinstance(return_type, type) and issubclass(return_type, BaseModel):
        return return_type.model_json_schema()
    try:
        schema = TypeAdapter(return_type).json_schema()
    except Exception:  # noqa: BLE001 - an unschematizable return type just has no outputSchema
        return None
    if schema.get("type") == "object":
        return schema
    # MCP requires an object at the top level; scalars are wrapped as {"result": ...}.
    return {"type": "object", "properties": {"result": schema}, "required": ["result"]}


def tool(
    name: str | None = None,
    *,
    title: str | None = None,
    description: str | None = None,
    read_only: bool = False,
    destructive: bool = False,
    idempotent: bool = False,
    open_world: bool = False,
    timeout_s: float | None = None,
    max_concurrency: int | None = None,
) -> Callable[[F], F]:
    """Mark a typed function as a tool; the function stays callable as before.

    The :class:`ToolDefinition` is attached as ``fn.__autoglm_tool__``.
    """

    def wrap(fn: F) -> F:
        fn.__autoglm_tool__ = definition_from_function(  # type: ignore[attr-defined]
            fn,
            name=name,
            title=title,
            description=description,
            read_only=read_only,
            destructive=destructive,
            idempotent=idempotent,
            open_world=open_world,
            timeout_s=timeout_s,
            max_concurrency=max_concurrency,
        )
        return fn

    return wrap


def definition_from_function(
    fn: Callable[..., Any], *, name: str | None = None, **options: Any
) -> ToolDefinition:
    """Build a :class:`ToolDefinition` from a typed function (what `@tool` does)."""
    sig = inspect.signature(fn)
    hints = typing.get_type_hints(fn, include_extras=True)
    ctx_name = _context_param(sig, hints)
    fields: dict[str, Any] = {}
    for pname, param in sig.parameters.items():
        if pname == ctx_name:
            continue
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise TypeError(f"tool {fn.__name__}: *args/**kwargs can't be described by a schema")
        annotation = hints.get(pname, Any)
        default = ... if param.default is inspect.Parameter.empty else param.default
        fields[pname] = (annotation, default)
    tool_name = name or fn.__name__
    model = create_model(  # type: ignore[call-overload]
        f"{tool_name}_arguments", __config__=ConfigDict(extra="forbid"), **fields
    )
    input_schema = model.model_json_schema()
    input_schema.pop("title", None)
    doc = inspect.getdoc(fn) or ""
    description = options.pop("description", None) or doc.split("\n\n")[0].strip() or tool_name
    is_async = inspect.iscoroutinefunction(fn)

    def call_args(arguments: dict[str, Any], ctx: ToolContext) -> dict[str, Any]:
        try:
            parsed = model.model_validate(arguments)
        except ValidationError as exc:
            raise ToolError(f"invalid arguments: {_short_errors(exc)}") from None
        kwargs = {k: getattr(parsed, k) for k in fields}
        if ctx_name:
            kwargs[ctx_name] = ctx
        return kwargs

    if is_async:

        async def handler(arguments: dict[str, Any], ctx: ToolContext) -> Any:
            return await fn(**call_args(arguments, ctx))

    else:

        def handler(arguments: dict[str, Any], ctx: ToolContext) -> Any:  # type: ignore[misc]
            return fn(**call_args(arguments, ctx))

    return ToolDefinition(
        name=tool_name,
        description=description,
        input_schema=input_schema,
        handler=handler,
        output_schema=_output_schema(hints.get("return", inspect.Signature.empty)),
        is_async=is_async,
        **options,
    )


def _short_errors(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(p) for p in err["loc"]) or "arguments"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)


def definitions_of(obj: Any) -> list[ToolDefinition]:
    """The tool definitions an entry point names: a decorated function, a definition, or a list of them."""
    items: Iterable[Any] = obj if isinstance(obj, list | tuple) else [obj]
    out: list[ToolDefinition] = []
    for item in items:
        definition = item if isinstance(item, ToolDefinition) else getattr(item, "__autoglm_tool__", None)
        if not isinstance(definition, ToolDefinition):
            raise TypeError(f"{item!r} is not a @tool-decorated function")
        out.append(definition)
    return out


def discover_plugins(allow: list[str] | None = None) -> list[ToolDefinition]:
    """Load tools from the `autoglm.tools` entry points; a broken plugin is logged and skipped."""
    found: list[ToolDefinition] = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if allow is not None and ep.name not in allow:
            continue
        try:
            definitions = definitions_of(ep.load())
        except Exception as exc:  # noqa: BLE001 - one bad plugin must not stop the service
            log.warning("plugin %s (%s) skipped: %s", ep.name, ep.value, exc)
            continue
        for definition in definitions:
            definition.source = f"plugin:{ep.dist.name if ep.dist else ep.name}"
            found.append(definition)
    return found


__all__ = [
    "ENTRY_POINT_GROUP",
    "Field",
    "ToolContext",
    "ToolError",
    "ToolDefinition",
    "definition_from_function",
    "discover_plugins",
    "tool",
]
