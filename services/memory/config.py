"""Memory service settings: session memory, long-term ranking, retention and the knowledge base."""

from __future__ import annotations

from pydantic import BaseModel, Field, model_validator

from autoglm.shared.config import Settings


class RankingWeights(BaseModel):
    """Long-term memory ranking.

    ``score = similarity * cosine + recency * exp(-ln2 * age / half_life) + importance * importance
    + preference_boost`` (the boost only for kind ``preference`` memories of the asking user).
    """

    similarity: float = Field(0.7, ge=0, description="Weight of cosine similarity (-1..1).")
    recency: float = Field(0.2, ge=0, description="Weight of the recency decay (0..1, 1 = just stored).")
    importance: float = Field(0.1, ge=0, description="Weight of the stored importance (0..1).")
    preference_boost: float = Field(
        0.1, ge=0, description="Added for kind `preference` memories whose user is the asking user."
    )
    half_life_hours: float = Field(
        168.0, gt=0, description="Age at which the recency term halves (default one week)."
    )
    candidates: int = Field(
        50, ge=1, le=1000, description="How many nearest neighbours are re-ranked (at least 4x the limit)."
    )


class MemoryConfig(BaseModel):
    """Everything the memory store needs; the ``memory`` section of the settings."""

    vector_size: int = Field(
        512, ge=1, description="Embedding dimension: the memory service embeds with the multilingual encoder "
        "(autoglm.shared.multilingual, USE multilingual v3: 512)."
    )
    collection_prefix: str = Field(
        "autoglm", pattern=r"^[a-z][a-z0-9_]{0,31}$", description="Prefix of every Qdrant collection name."
    )
    layout_version: int = Field(
        2, ge=1, description="Version of the stored layout (2: multilingual 512-d vectors). A layout-1 store "
        "(384-d all-MiniLM vectors) is migrated at open when `migrate_on_open`, else refused; others are refused."
    )
    migrate_on_open: bool = Field(
        True, description="Re-embed a layout-1 store's points from their stored text with the multilingual "
        "encoder when the service opens it (unrated automatic answers are dropped, see README: Memory)."
    )
    recall_min_similarity: float = Field(
        0.2, ge=-1.0, le=1.0, description="A fact or preference reaches a prompt only when its cosine to the request "
        "is at least this (USE multilingual: unrelated texts ~0.0-0.2; '推荐一道菜' to '我不吃辣' 0.29)."
    )
    answer_recall_min_similarity: float = Field(
        0.35, ge=-1.0, le=1.0, description="The same floor for a stored answer (kind `answer`), which must be about "
        "the request itself ('What is my favourite colour?' to its answer ~0.7)."
    )
    session_turns: int = Field(8, ge=1, le=100, description="Recent turns of a session given as context.")
    session_ttl_seconds: float = Field(
        7 * 24 * 3600.0, gt=0, description="Session turns older than this are removed by prune."
    )
    max_turns_per_tenant: int = Field(50_000, ge=1, description="Cap on stored session turns per tenant.")
    max_memories_per_tenant: int = Field(20_000, ge=1, description="Cap on long-term memories per tenant.")
    max_kb_chunks_per_tenant: int = Field(
        50_000, ge=1, description="Cap on knowledge-base chunks per tenant; an ingest past it is refused."
    )
    trusted_confidence: float = Field(
        0.8,
        ge=0,
        le=1,
        description="A fact stored with at least this confidence is trusted: lower-confidence writes never replace it.",
    )
    duplicate_similarity: float = Field(
        0.95,
        ge=0,
        le=1,
        description="A stated fact or preference this similar (cosine) to a stored one of the same user updates it "
        "instead of adding a near-duplicate.",
    )
    mergeable_kinds: list[str] = Field(
        default_factory=lambda: ["fact", "preference"],
        description="Kinds whose near-duplicates merge (stored answers never do: each answers its own request).",
    )
    ranking: RankingWeights = Field(default_factory=RankingWeights)
    prune_interval_seconds: float = Field(
        3600.0, ge=0, description="How often the service applies retention by itself (0: only on request)."
    )
    chunk_max_chars: int = Field(
        800,
        ge=100,
        description="Largest knowledge-base chunk, in characters (a Chinese character counts as four).",
    )
    chunk_overlap: int = Field(
        100, ge=0, description="Characters repeated from the previous chunk of a section."
    )

    kb_lexical_weight: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="Weight of the question's word overlap (0..1) added to a passage's embedding cosine; 0 ranks "
        "by cosine alone.",
    )
    kb_cross_language_bonus: float = Field(
        0.2, ge=0.0, le=1.0, description="Added to a passage written in another script than the question (Chinese "
        "against Latin): across languages the cosine runs lower and no word overlaps (calibrated with kb_min_score)."
    )
    kb_candidates: int = Field(
        50, ge=1, description="Nearest passages (by embedding) re-scored with word overlap in each search."
    )
    kb_min_score: float = Field(
        0.44,
        ge=-1.0,
        le=2.0,
        description="Knowledge-base passages scoring below this are not returned (score: see kb_lexical_weight); "
        'with none left the answer is "not found" (calibrated on tests/data/kb_unseen, see README).',
    )

    @model_validator(mode="after")
    def _overlap_below_size(self) -> MemoryConfig:
        if self.chunk_overlap >= self.chunk_max_chars:
            raise ValueError("chunk_overlap must be smaller than chunk_max_chars")
        return self


class MemoryServiceSettings(Settings):
    """Settings of the memory service (``AUTOGLM_MEMORY__...`` or the ``memory:`` YAML section)."""

    memory: MemoryConfig = Field(default_factory=MemoryConfig)
