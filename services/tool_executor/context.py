"""Types every tool shares: the caller's context, the MCP result, and the error a tool raises."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class ToolContext(BaseModel):
    """Who is calling, and what they allow."""

    task_id: str = Field("cli", description="Task the call serves.")
    tenant: str = Field("default", description="Tenant whose data the call may see.")
    session_id: str = Field("cli", description="Conversation session.")
    allow_destructive: bool = Field(False, description="Whether tools marked destructive may run.")
    now: datetime | None = Field(None, description="Reference time for relative dates (default: the clock).")
    deadline: datetime | None = Field(
        None, description="Absolute deadline (timezone-aware); the tool's timeout is shortened to meet it."
    )


class ToolCallResult(BaseModel):
    """An MCP tools/call result."""

    isError: bool = Field(description="Whether the call failed; `content` then says why.")
    content: list[dict[str, Any]] = Field(default_factory=list, description="MCP content blocks.")
    structuredContent: dict[str, Any] | None = Field(None, description="Machine-readable output.")

    @property
    def text(self) -> str:
        """The text blocks, joined."""
        return "\n".join(str(b.get("text", "")) for b in self.content if b.get("type") == "text")

    @classmethod
    def error(cls, message: str) -> ToolCallResult:
        return cls(isError=True, content=[{"type": "text", "text": message}], structuredContent=None)

    @classmethod
    def ok(cls, text: str, structured: dict[str, Any] | None = None) -> ToolCallResult:
        return cls(isError=False, content=[{"type": "text", "text": text}], structuredContent=structured)

    @classmethod
    def from_structured(cls, structured: dict[str, Any], text: str | None = None) -> ToolCallResult:
        body = text if text is not None else json.dumps(structured, ensure_ascii=False, default=str)
        return cls.ok(body, structured)


class ToolError(Exception):
    """A failure whose message is safe and useful to show the caller.

    `retryable` marks transient failures (a 503, a reset connection); they are retried only for tools
    whose annotations say idempotentHint.
    """

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable
