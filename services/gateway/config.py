"""Gateway settings: the shared base plus the HTTP listener, credentials, limits and the result store."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from autoglm.shared.config import Settings

Algorithm = Literal["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "PS256"]


class JWTConfig(BaseModel):
    """Bearer JWTs. One key source: an HMAC secret file (HS256), a PEM public key file (RS256/ES256) or a
    JWKS file (keys chosen by ``kid``). Secrets and keys are read from files, never from this section."""

    secret_file: Path | None = Field(None, description="File holding the HS256 shared secret (whitespace stripped).")
    public_key_file: Path | None = Field(None, description="PEM public key (RSA or EC) for RS256/ES256 tokens.")
    jwks_file: Path | None = Field(None, description="JSON Web Key Set file; the token's `kid` picks the key.")
    algorithms: list[Algorithm] | None = Field(
        None,
        description="Accepted `alg` values. Default: HS256 with a secret, RS256 and ES256 with a key or JWKS.",
        examples=[["RS256"]],
    )
    audience: str | None = Field(None, description="Required `aud`; unset: tokens carrying an `aud` are refused.")
    issuer: str | None = Field(None, description="Required `iss`; unset: `iss` is not checked.")
    tenant_claim: str = Field("tenant", description="Claim holding the tenant id (required in every token).")
    user_claim: str = Field("sub", description="Claim holding the user id (optional in a token).")
    leeway_seconds: float = Field(30.0, ge=0, le=600, description="Clock skew allowed on `exp` and `nbf`.")
    require_exp: bool = Field(True, description="Refuse tokens without `exp`.")

    @property
    def configured(self) -> bool:
        return any((self.secret_file, self.public_key_file, self.jwks_file))


class ApiKey(BaseModel):
    """An API key mapped to a tenant (and optionally a user). Only the key's SHA-256 is configured."""

    sha256: str = Field(
        pattern=r"^[0-9a-f]{64}$",
        description="Hex SHA-256 of the key (`printf %s KEY | sha256sum`).",
        examples=["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"],
    )
    tenant: str = Field(pattern=r"^[A-Za-z0-9._\-]{1,64}$", description="Tenant the key acts for.", examples=["acme"])
    user: str | None = Field(None, max_length=128, description="User the key acts as; unset: a tenant-wide key.")
    name: str = Field("", max_length=64, description="A label for logs and metrics.", examples=["crm-bot"])


class AuthConfig(BaseModel):
    disabled: bool = Field(
        False,
        description="Serve without credentials, every caller in `anonymous_tenant`. Only by this explicit "
        "setting: without it, and with no JWT key or API key configured, the gateway refuses to start.",
    )
    anonymous_tenant: str = Field("default", pattern=r"^[A-Za-z0-9._\-]{1,64}$")
    jwt: JWTConfig = Field(default_factory=JWTConfig)
    api_keys: list[ApiKey] = Field(default_factory=list, description="API keys (hashes) and their tenants.")
    api_keys_file: Path | None = Field(None, description="YAML or JSON list of API keys, same fields as `api_keys`.")


class RateLimitConfig(BaseModel):
    """A token bucket per tenant, per replica (N replicas admit up to N times the rate)."""

    requests_per_second: float = Field(50.0, gt=0, description="Sustained requests per second per tenant.")
    burst: int = Field(100, ge=1, description="Requests a tenant may make at once after being idle.")
    tenants: dict[str, tuple[float, int]] = Field(
        default_factory=dict, description="Per-tenant (requests_per_second, burst) overrides.",
        examples=[{"acme": [200, 400]}],
    )


class StoreConfig(BaseModel):
    """The replica's own copy of task states, results, progress and feedback (SQLite)."""

    path: Path | None = Field(None, description="Store file; default `<data_dir>/gateway/store.sqlite`.")
    retention_hours: float = Field(168.0, gt=0, description="Tasks and feedback older than this are pruned.")
    max_tasks: int = Field(200_000, ge=100, description="At most this many tasks are kept (oldest pruned first).")
    max_events_per_task: int = Field(5_000, ge=10, description="Progress events kept per task (later ones dropped).")
    prune_interval_seconds: float = Field(300.0, gt=0)


class GatewayConfig(BaseModel):
    host: str = Field("127.0.0.1", description="Listen address (0.0.0.0 in containers).")
    port: int = Field(8080, ge=0, le=65535, description="Listen port; 0 picks a free one.")
    max_body_bytes: int = Field(65_536, ge=1024, description="Largest JSON request body.")
    max_upload_bytes: int = Field(
        524_288, ge=1024, le=1_400_000,
        description="Largest knowledge-base upload. The document travels to the memory service in one "
        "record (base64), so it must stay under the broker's record limit.",
    )
    max_wait_seconds: float = Field(60.0, gt=0, le=60, description="Largest `Prefer: wait=N` honoured.")
    sse_heartbeat_seconds: float = Field(15.0, gt=0, description="Comment line sent on an idle event stream.")
    request_timeout_seconds: float = Field(30.0, gt=0, description="Wait for the memory service's reply.")
    lookup_grace_seconds: float = Field(
        1.0, ge=0, le=10,
        description="How long a request for a task this replica doesn't know yet waits for it to arrive: a "
        "task another replica accepted a moment ago reaches this one within a poll. Unknown tasks and other "
        "tenants' tasks wait the same, so the answer's timing says nothing about other tenants' task ids.",
    )
    auth: AuthConfig = Field(default_factory=AuthConfig)
    rate_limit: RateLimitConfig = Field(default_factory=RateLimitConfig)
    store: StoreConfig = Field(default_factory=StoreConfig)


class GatewaySettings(Settings):
    gateway: GatewayConfig = Field(default_factory=GatewayConfig)

    @property
    def store_path(self) -> Path:
        return self.gateway.store.path or self.data_dir / "gateway" / "store.sqlite"
