"""Configuration: one YAML file plus environment overrides (pydantic-settings).

Precedence, highest first: constructor arguments, environment variables
(``AUTOGLM_<FIELD>``, nested with ``__``, e.g. ``AUTOGLM_BROKER__FETCH_MAX_WAIT_MS=10``;
plus the ecosystem's own names ``KAFKA_BOOTSTRAP_SERVERS``, ``QDRANT_URL``,
``QDRANT_API_KEY`` and ``OTEL_EXPORTER_OTLP_ENDPOINT``), the YAML file named by
``AUTOGLM_CONFIG`` (default ``./autoglm.yaml`` when present), then defaults.

Each service adds its own section by subclassing :class:`Settings` in its package
(``services/<name>/config.py``); settings are instantiated in a service's ``main.py`` only.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, Field, NonNegativeInt, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    YamlConfigSettingsSource,
)

from .safety.policy import SafetyConfig


def config_file() -> Path | None:
    explicit = os.environ.get("AUTOGLM_CONFIG")
    if explicit:
        return Path(explicit)
    local = Path("autoglm.yaml")
    return local if local.exists() else None


class BrokerConfig(BaseModel):
    """Kafka connection. Empty `bootstrap_servers` means: start the embedded broker."""

    bootstrap_servers: str | None = Field(
        None, description="Comma-separated host:port list; from KAFKA_BOOTSTRAP_SERVERS when set."
    )
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = None
    sasl_username: str | None = None
    sasl_password: SecretStr | None = Field(None, description="Or AUTOGLM_BROKER__SASL_PASSWORD_FILE.")
    sasl_password_file: Path | None = None
    ssl_cafile: Path | None = None
    ssl_certfile: Path | None = None
    ssl_keyfile: Path | None = None
    embedded_tls_certfile: Path | None = Field(
        None, description="Server certificate (PEM) of the embedded broker's TLS listener, for SSL/SASL_SSL."
    )
    embedded_tls_keyfile: Path | None = Field(None, description="Private key (PEM) of that certificate.")
    enable_idempotence: bool = Field(
        False, description="Idempotent producer. On for Apache Kafka; the embedded Tansu broker does not support it."
    )
    fetch_max_wait_ms: int = Field(
        10, ge=1, le=1000, description="Bounds each hop's latency on Tansu, which does not wake waiting fetches."
    )
    busy_fetch_max_wait_ms: int = Field(
        40,
        ge=1,
        le=1000,
        description="The fetch wait of a consumer whose last poll brought at least busy_batch_records records. "
        "Under a burst an empty fetch then waits longer and the next batch comes bigger: fewer fetches for the "
        "broker and the service to handle (on Tansu every fetch waits its whole wait when nothing is there). "
        "A lone task's records come one at a time, so its latency keeps fetch_max_wait_ms.",
    )
    busy_batch_records: int = Field(32, ge=1, description="See busy_fetch_max_wait_ms.")
    poll_interval_ms: int = Field(
        200,
        ge=1,
        le=5000,
        description="How long an idle subscriber's poll waits before it starts over; fetched records end the "
        "wait at once, so this bounds only how often an idle service wakes up, not latency.",
    )
    session_timeout_ms: int = Field(6000, ge=1000)
    heartbeat_interval_ms: int = Field(500, ge=100)
    max_record_bytes: int = Field(1_048_576, description="Records larger than this are dead-lettered unread.")
    embedded_partitions: int | None = Field(None, description="Override every topic's partition count (tests).")


class TelemetryConfig(BaseModel):
    otlp_endpoint: str | None = Field(
        None,
        description="OTLP/HTTP endpoint; from OTEL_EXPORTER_OTLP_ENDPOINT. Unset: spans go to a JSONL file.",
    )
    span_dir: Path | None = Field(None, description="Where JSONL span files go; default <data_dir>/traces.")
    metrics_port: int | None = Field(
        None, description="Port of the /metrics, /healthz, /readyz endpoint; 0 picks a free one."
    )
    health_host: str = Field(
        "127.0.0.1", description="Address the health/metrics endpoint binds; 0.0.0.0 in containers."
    )


class QdrantConfig(BaseModel):
    url: str | None = Field(None, description="Qdrant server URL (QDRANT_URL). Unset: embedded mode.")
    api_key: SecretStr | None = None
    path: Path | None = Field(None, description="Embedded store path; default <data_dir>/qdrant.")


class Settings(BaseSettings):
    """Settings shared by every service and the CLI."""

    model_config = SettingsConfigDict(
        env_prefix="AUTOGLM_",
        env_nested_delimiter="__",
        extra="ignore",
        validate_default=True,
    )

    data_dir: Path = Field(Path("data"), description="Runtime state: spans, Qdrant, model cache, stack files.")
    model_provider: str = Field("local", description="`local` (transformers) or `openai` (OpenAI-compatible).")
    enable_caching: bool = Field(True, description="Exact-match response cache for deterministic generations.")
    timeout_seconds: float = Field(60.0, gt=0, description="Default task deadline.")
    default_timezone: str = Field("Asia/Shanghai", description="Reference zone for relative dates.")
    max_event_bytes: int = Field(262_144, description="Largest accepted event on public topics.")
    topic_prefix: str = Field("", description="Prefix of every topic and consumer group (isolates tests).")
    content_modes: dict[str, Literal["structured", "binary"]] = Field(
        default_factory=dict,
        description="CloudEvents Kafka content mode of what the services write, per output topic (catalog name, "
        "no prefix); unlisted topics are structured. Binary mode puts the attributes in ce_* headers and `data` "
        "alone in the value. Every input topic accepts both modes whatever this says.",
        examples=[{"autoglm.results": "binary"}],
    )
    gc_thresholds: tuple[NonNegativeInt, NonNegativeInt, NonNegativeInt] = Field(
        (10_000, 10, 10),
        description="A service process's gc.set_threshold. Python's (700, 10, 10) runs the cycle collector "
        "every 700 net allocations; a service allocates thousands of short-lived objects per event (events, "
        "spans, Kafka records), freed by reference counting, so those collections cost ~10% of its CPU and "
        "found almost nothing. Higher thresholds keep cyclic garbage longer: at 100,000 the planner's peak "
        "RSS in a 30,000-task burst was 286 MB against 106 MB at Python's default; at 10,000 it was 160 MB.",
    )
    broker: BrokerConfig = Field(default_factory=BrokerConfig)
    telemetry: TelemetryConfig = Field(default_factory=TelemetryConfig)
    qdrant: QdrantConfig = Field(default_factory=QdrantConfig)
    safety: SafetyConfig = Field(
        default_factory=SafetyConfig,
        description="Safety guards: per-tenant block/flag/allow per category and personal-data masking "
        "(shared/safety/policy.py). The parser guards requests, the planner retrieved content and answers.",
    )
    kafka_bootstrap_servers: str | None = Field(
        None, validation_alias=AliasChoices("KAFKA_BOOTSTRAP_SERVERS"), exclude=True
    )
    qdrant_url: str | None = Field(None, validation_alias=AliasChoices("QDRANT_URL"), exclude=True)
    qdrant_api_key: SecretStr | None = Field(None, validation_alias=AliasChoices("QDRANT_API_KEY"), exclude=True)
    otel_exporter_otlp_endpoint: str | None = Field(
        None, validation_alias=AliasChoices("OTEL_EXPORTER_OTLP_ENDPOINT"), exclude=True
    )

    @field_validator("content_modes")
    @classmethod
    def _known_topics(cls, modes: dict[str, str]) -> dict[str, str]:
        from .topics import CATALOG

        outputs = {spec.name for spec in CATALOG if spec.events}
        unknown = sorted(set(modes) - outputs)
        if unknown:
            raise ValueError(f"content_modes names {unknown}, which are not topics the services write; "
                             f"topics: {sorted(outputs)}")
        return modes

    def model_post_init(self, __context: Any) -> None:
        if self.kafka_bootstrap_servers and not self.broker.bootstrap_servers:
            self.broker.bootstrap_servers = self.kafka_bootstrap_servers
        if self.qdrant_url and not self.qdrant.url:
            self.qdrant.url = self.qdrant_url
        if self.qdrant_api_key and not self.qdrant.api_key:
            self.qdrant.api_key = self.qdrant_api_key
        if self.otel_exporter_otlp_endpoint and not self.telemetry.otlp_endpoint:
            self.telemetry.otlp_endpoint = self.otel_exporter_otlp_endpoint
        if self.broker.sasl_password is None and self.broker.sasl_password_file:
            self.broker.sasl_password = SecretStr(self.broker.sasl_password_file.read_text().strip())
        self.data_dir = self.data_dir.resolve()

    @property
    def span_dir(self) -> Path:
        return self.telemetry.span_dir or self.data_dir / "traces"

    @property
    def qdrant_path(self) -> Path:
        return self.qdrant.path or self.data_dir / "qdrant"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = config_file()
        if path is not None:
            sources.append(YamlConfigSettingsSource(settings_cls, yaml_file=path))
        return tuple(sources)
