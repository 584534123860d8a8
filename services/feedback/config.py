"""Feedback service settings: where its store lives and how ratings steer the prompt bandit."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from autoglm.shared.config import Settings


class FeedbackConfig(BaseModel):
    """The ``feedback:`` section of the settings (``AUTOGLM_FEEDBACK__...``)."""

    store_path: Path | None = Field(None, description="The SQLite store; default <data_dir>/feedback/feedback.sqlite.")
    unknown_task_wait_seconds: float = Field(
        5.0, ge=0, le=120,
        description="How long feedback naming a task this service has not seen waits for the task's events to "
        "arrive (the results topic may be read behind the feedback topic) before it is refused as unknown.",
    )
    task_retention_days: float = Field(
        30.0, gt=0, description="Tasks nobody rated are forgotten after this; rated ones stay with their feedback."
    )
    min_share: float = Field(
        0.05, ge=0, le=1, description="Default minimum share of new assignments each live prompt variant keeps."
    )
    sticky_hours: float = Field(24.0, gt=0, description="How long a user keeps the prompt variant assigned to them.")
    kb_correction_confidence: float = Field(
        1.0, ge=0, le=1,
        description="Confidence of the fact a corrected knowledge-base answer becomes (at or above memory's "
        "trusted_confidence, so a lower-confidence write never replaces it).",
    )
    good_reward: float = Field(
        0.75, ge=0, le=1,
        description="A rating at or above this reward (thumbs up, 4-5 stars) marks a well-rated answer: SFT export "
        "rows and few-shot proposals come from those.",
    )
    bad_reward: float = Field(
        0.25, ge=0, le=1, description="A rating at or below this (thumbs down, 1-2 stars) marks a rejected answer (DPO)."
    )


class FeedbackServiceSettings(Settings):
    """Settings of the feedback service."""

    feedback: FeedbackConfig = Field(default_factory=FeedbackConfig)

    @property
    def feedback_store_path(self) -> Path:
        return self.feedback.store_path or self.data_dir / "feedback" / "feedback.sqlite"
