"""Planner settings: the shared base plus the plan execution policy."""

from __future__ import annotations

from pydantic import Field

from autoglm.shared.config import Settings

from .state import PlannerPolicy


class PlannerSettings(Settings):
    planner: PlannerPolicy = Field(default_factory=PlannerPolicy)
