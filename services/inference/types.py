"""The inference service's request, result, error and backend types.

What the engine and its backends share, in a module of its own so that neither imports the other
for them: the engine chooses a backend (engine -> backends), the backends implement :class:`Backend`
and answer with these types (backends -> types).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from pydantic import BaseModel, Field

from autoglm.services.inference.params import SamplingParams

OnToken = Callable[[str], Awaitable[None] | None]


class GenerateRequest(BaseModel):
    """One generation: a chat, an optional task type (selects the decoding profile) and overrides."""

    messages: list[dict[str, Any]] = Field(
        description="Chat messages, `{role, content}`.", examples=[[{"role": "user", "content": "Hi"}]]
    )
    task_type: str | None = Field(None, description="Selects the decoding profile.", examples=["parsing"])
    params: dict[str, Any] = Field(
        default_factory=dict,
        description="Overrides: temperature, top_p, top_k, max_new_tokens (or max_tokens), stop, seed, model.",
        examples=[{"temperature": 0, "max_new_tokens": 64}],
    )
    json_schema: dict[str, Any] | None = Field(
        None, description="When set, the output is JSON valid against it."
    )
    request_id: str = Field(
        default_factory=lambda: uuid.uuid4().hex, description="For logs and cancellation."
    )
    timeout_s: float | None = Field(
        None,
        gt=0,
        description="The request's deadline, seconds from now: the generation then ends with the text it has "
        "(finish reason `deadline`, `truncated`), or with `timeout` when it has none to give.",
    )
    tenant: str | None = Field(
        None, description="Whose request: a tenant with its own LoRA adapter is served by its adapted model."
    )


class GenerateResult(BaseModel):
    """The outcome of one generation."""

    text: str = Field(description="Generated text (stop strings and EOS excluded).")
    finish_reason: str = Field(
        description="stop (EOS or stop string), length (the token budget), deadline (the request's time ran out: "
        "the text so far), repetition (the output looped: one copy of the repeated span is kept), or abort.",
        examples=["stop"],
    )
    truncated: str | None = Field(
        None, description="`deadline` or `length` when the text stops before the model ended it; else null."
    )
    prompt_tokens: int = 0
    completion_tokens: int = 0
    ttft_ms: float = Field(0.0, description="Arrival to first token.")
    duration_ms: float = Field(0.0, description="Arrival to the last token.")
    queue_ms: float = Field(0.0, description="Arrival to admission into the batch.")
    cached: bool = Field(False, description="Served from the response cache.")
    model: str = ""
    batch_size: int = Field(1, description="Largest batch this request was decoded in.")
    answer_languages: list[str] = Field(
        default_factory=lambda: ["*"],
        description="Languages the model that answered is trusted to answer open questions in (`*`: any); "
        "`inference.open_answer_languages`.")


class InferenceError(Exception):
    """A request that cannot be served. `code` is machine-readable.

    Codes: empty_prompt, prompt_too_long, invalid_params, invalid_schema, unknown_model, overloaded,
    busy (the queued work would not let it finish before its deadline), timeout, backend_timeout, backend_error,
    invalid_output, closed.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class Backend(Protocol):
    """What the engine needs of a generation backend."""

    model_name: str
    device: str
    dtype: str

    def capacity(self) -> int: ...

    def check_schema(self, schema: dict[str, Any]) -> Any:
        """Raise InferenceError('invalid_schema') when unusable; may return a compiled form (blocking call)."""
        ...

    async def generate(
        self,
        req: GenerateRequest,
        params: SamplingParams,
        compiled_schema: Any,
        on_delta: Callable[[str], Awaitable[None]],
    ) -> GenerateResult: ...

    async def embed(self, texts: list[str]) -> list[list[float]]: ...

    async def aclose(self) -> None: ...
