"""Parser settings: the shared base plus the fallback for clauses no rule recognises."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from autoglm.shared.config import Settings

from .fallback import EmbeddingFallback
from .logic import Fallback

FallbackMode = Literal["none", "embedding"]


class ParserConfig(BaseModel):
    fallback: FallbackMode = Field(
        "embedding",
        description="Second opinion on clauses no specific rule placed: `embedding` (nearest intent/tool "
        "description by all-MiniLM-L6-v2 similarity; English clauses only; the model loads on the first such "
        "clause) or `none` (they stay question_answering).",
        examples=["none"],
    )


class ParserSettings(Settings):
    parser: ParserConfig = Field(default_factory=ParserConfig)


def make_fallback(mode: FallbackMode) -> Fallback | None:
    """The fallback a mode names (nothing is loaded until a clause needs it)."""
    return EmbeddingFallback() if mode == "embedding" else None
