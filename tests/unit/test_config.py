"""Configuration: YAML file, environment overrides, the ecosystem's variable names."""

from __future__ import annotations

from pathlib import Path

import pytest

from autoglm.shared.config import Settings


def test_yaml_then_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "autoglm.yaml"
    cfg.write_text("timeout_seconds: 12\nenable_caching: false\nbroker:\n  fetch_max_wait_ms: 25\n")
    monkeypatch.setenv("AUTOGLM_CONFIG", str(cfg))
    settings = Settings()
    assert settings.timeout_seconds == 12 and settings.enable_caching is False
    assert settings.broker.fetch_max_wait_ms == 25
    monkeypatch.setenv("AUTOGLM_BROKER__FETCH_MAX_WAIT_MS", "40")
    monkeypatch.setenv("AUTOGLM_TIMEOUT_SECONDS", "9")
    settings = Settings()
    assert settings.broker.fetch_max_wait_ms == 40 and settings.timeout_seconds == 9


def test_standard_variable_names(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = tmp_path / "pw"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9092,kafka-2:9092")
    monkeypatch.setenv("QDRANT_URL", "http://qdrant:6333")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")
    monkeypatch.setenv("AUTOGLM_BROKER__SASL_PASSWORD_FILE", str(secret))
    settings = Settings()
    assert settings.broker.bootstrap_servers == "kafka-1:9092,kafka-2:9092"
    assert settings.qdrant.url == "http://qdrant:6333"
    assert settings.telemetry.otlp_endpoint == "http://collector:4318"
    assert settings.broker.sasl_password is not None
    assert settings.broker.sasl_password.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(settings) and "s3cret" not in settings.model_dump_json()
