"""Parser settings: the shared base plus the fallback for clauses no specific rule placed."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, SecretStr

from autoglm.shared.config import Settings

from .fallback import EmbeddingFallback
from .pipeline import Fallback

FallbackMode = Literal["none", "embedding", "bank", "llm"]


class LLMFallbackConfig(BaseModel):
    """The OpenAI-compatible chat endpoint of the `llm` fallback (vLLM, SGLang, Ollama, hosted GLM or Qwen)."""

    base_url: str | None = Field(None, description="Without the `/v1` suffix; required for `fallback: llm`.")
    model: str = Field("default", description="Model name sent to the endpoint.")
    api_key: SecretStr | None = Field(None, description="Sent as a Bearer token when set.")
    timeout_seconds: float = Field(
        5.0, gt=0, description="Per clause; on timeout the clause keeps the default."
    )


class ParserConfig(BaseModel):
    fallback: FallbackMode = Field(
        "bank",
        description="Second opinion on clauses no specific rule placed: `bank` (the example bank: nearest labelled "
        "examples in USE multilingual space, Chinese and English, with each tenant's own examples; loads at start), "
        "`embedding` (nearest intent/tool description by all-MiniLM-L6-v2 similarity; English clauses only), `llm` "
        "(the chat model at `parser.llm`, under a JSON schema) or `none` (they stay question_answering).",
        examples=["none"],
    )
    follow_examples: bool = Field(
        True,
        description="With `fallback: bank`, read the tenants' labelled examples from `autoglm.parser.examples` at "
        "start and follow it.",
    )
    llm: LLMFallbackConfig = Field(default_factory=LLMFallbackConfig)


class ParserSettings(Settings):
    parser: ParserConfig = Field(default_factory=ParserConfig)


def make_fallback(mode: FallbackMode, config: ParserConfig | None = None) -> Fallback | None:
    """The fallback a mode names (nothing is loaded or connected until a clause needs it)."""
    if mode == "embedding":
        return EmbeddingFallback()
    if mode == "bank":
        from .bank import ExampleBank
        from .understanding import ExampleFallback

        return ExampleFallback(ExampleBank())
    if mode == "llm":
        from .llm_fallback import LLMFallback

        llm = (config or ParserConfig()).llm
        if not llm.base_url:
            raise ValueError("parser.fallback is llm but parser.llm.base_url is not set")
        key = llm.api_key.get_secret_value() if llm.api_key else None
        return LLMFallback(llm.base_url, llm.model, api_key=key, timeout_s=llm.timeout_seconds)
    return None
