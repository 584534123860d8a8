"""Sampling parameters of one request and how they are resolved from profiles and overrides (pure)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from autoglm.services.inference.config import DecodingProfile, InferenceConfig


class SamplingParams(BaseModel):
    """Effective decoding settings of one request. `temperature == 0` is greedy."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    temperature: float = Field(0.0, ge=0.0, le=2.0)
    top_p: float = Field(1.0, gt=0.0, le=1.0)
    top_k: int = Field(0, ge=0)
    max_new_tokens: int = Field(256, ge=1)
    stop: tuple[str, ...] = Field(
        default=(), description="Generation ends before the first of these strings."
    )
    seed: int | None = Field(None, description="Makes sampling reproducible (and cacheable).")
    repetition_penalty: float = Field(
        1.0, ge=1.0, le=2.0,
        description="Logits of tokens already generated are divided by this (multiplied when negative); 1 is off. "
        "Only the output counts, so a translation may still copy names from its source.",
    )
    no_repeat_ngram_size: int = Field(
        0, ge=0, le=32, description="No n-gram of this many tokens is generated twice; 0 is off."
    )
    min_new_tokens: int = Field(0, ge=0, description="End-of-sequence is not sampled before this many tokens.")
    stop_on_repeat: bool = Field(
        True,
        description="End the generation when its tail repeats one span over and over (a loop); the text keeps "
        "one copy of it and the finish reason is `repetition`.",
    )
    language: str | None = Field(
        None,
        description="Steer the output's script: `zh` lowers the logits of tokens with Latin letters, `en` those "
        "with Chinese characters (by `language_bias`). None: no steering.",
    )
    language_bias: float = Field(4.0, ge=0.0, le=20.0, description="How much `language` lowers off-script tokens.")

    @property
    def greedy(self) -> bool:
        return self.temperature == 0.0

    @property
    def deterministic(self) -> bool:
        return self.greedy or self.seed is not None


class ParamsError(ValueError):
    """The request's parameters are not valid."""


# Accepted spellings in a request's `params`; OpenAI's `max_tokens` maps onto ours.
_ALIASES = {"max_tokens": "max_new_tokens"}
_IGNORED = {"model", "stream"}


def resolve_params(cfg: InferenceConfig, task_type: str | None, overrides: dict[str, Any]) -> SamplingParams:
    """Profile of the task type (or the default profile), then the request's overrides, then the config cap."""
    profile: DecodingProfile = cfg.profiles.get(task_type or "", None) or cfg.profiles.get(
        cfg.default_profile, DecodingProfile()
    )
    values: dict[str, Any] = profile.model_dump()
    for key, value in overrides.items():
        if key in _IGNORED:
            continue
        values[_ALIASES.get(key, key)] = value
    if isinstance(values.get("stop"), str):
        values["stop"] = (values["stop"],)
    try:
        params = SamplingParams.model_validate(values)
    except ValidationError as exc:
        raise ParamsError(str(exc.errors(include_url=False))) from exc
    if any(not s for s in params.stop):
        raise ParamsError("stop strings must be non-empty")
    if params.max_new_tokens > cfg.max_new_tokens_cap:
        params = params.model_copy(update={"max_new_tokens": cfg.max_new_tokens_cap})
    return params
