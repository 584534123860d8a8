"""Memory settings: defaults, environment overrides, validation."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from autoglm.services.memory.config import MemoryConfig, MemoryServiceSettings


def test_env_overrides_nested_memory_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AUTOGLM_CONFIG", raising=False)
    monkeypatch.setenv("AUTOGLM_MEMORY__SESSION_TURNS", "3")
    monkeypatch.setenv("AUTOGLM_MEMORY__RANKING__RECENCY", "0.5")
    monkeypatch.setenv("QDRANT_URL", "http://127.0.0.1:6333")
    settings = MemoryServiceSettings()
    assert settings.memory.session_turns == 3
    assert settings.memory.ranking.recency == 0.5
    assert settings.memory.vector_size == 512
    assert settings.qdrant.url == "http://127.0.0.1:6333"


def test_overlap_must_be_below_chunk_size() -> None:
    with pytest.raises(ValidationError):
        MemoryConfig(chunk_max_chars=200, chunk_overlap=200)
