"""What an accepted correction changes, as records to publish (pure)."""

from __future__ import annotations

from collections.abc import Iterable

from .intake import Out
from .review import Effect


def effect_records(effects: Iterable[Effect]) -> list[Out]:
    return []
