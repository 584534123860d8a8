"""kb_search: knowledge-base passages for the caller's tenant, served by the memory service.

The registry lists it with its schema; the service injects a `kb_backend` that asks memory. Without
one (the CLI, unit tests) a call answers with an error naming the memory service.
"""

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from pydantic import BaseModel, Field

from ..context import ToolContext, ToolError
from ..plugin import ToolDefinition, definition_from_function

KbBackend = Callable[[str, int, ToolContext], Awaitable[Any]]


class KbSearchResult(BaseModel):
    query: str
    passages: list[dict[str, Any]] = Field(description="Passages, best first: text, score, source, ...")

    def tool_text(self) -> str:
        if not self.passages:
            return "(no passages found)"
        return "\n\n".join(f"[{i + 1}] {p.get('text', '')}" for i, p in enumerate(self.passages))


def make_kb_search(backend: KbBackend | None) -> ToolDefinition:
    async def kb_search(
        query: Annotated[
            str,
            Field(
                min_length=1, max_length=2000, description="What to look up.", examples=["用户如何重置密码?"]
            ),
        ],
        top_k: Annotated[int, Field(ge=1, le=20, description="How many passages.")] = 5,
        ctx: ToolContext | None = None,
    ) -> KbSearchResult:
        """Search the knowledge base of the task's tenant and return the best passages."""
        if backend is None:
            raise ToolError("kb_search is served by the memory service, which is not connected here")
        found = await backend(query, top_k, ctx or ToolContext())
        passages = found.get("passages", []) if isinstance(found, dict) else list(found or [])
        return KbSearchResult(
            query=query, passages=[p if isinstance(p, dict) else {"text": str(p)} for p in passages]
        )

    return definition_from_function(
        kb_search, title="Knowledge-base search", read_only=True, idempotent=True, timeout_s=15.0
    )
