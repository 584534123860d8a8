"""Who is calling: a verified credential -> :class:`Principal` (tenant and user), or a 401 problem.

Credentials: ``Authorization: Bearer <JWT>`` (HS256 from a secret file, RS256/ES256 from a PEM public key
or a JWKS file; ``exp``, ``nbf``, ``aud`` and ``iss`` checked) or an API key (``Authorization: Bearer
<key>`` or ``X-API-Key: <key>``) mapped to a tenant in config by its SHA-256. The tenant and user of
every request come from here, never from a request body. Key files are re-read when they change, so
keys rotate without a restart.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

import jwt
import yaml

from .config import ApiKey, AuthConfig
from .problems import Problem, invalid_token, unauthenticated

TENANT_RE = re.compile(r"^[A-Za-z0-9._\-]{1,64}$")
T = TypeVar("T")


class ConfigurationError(RuntimeError):
    """The gateway's credentials are not configured well enough to start."""


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller: its tenant, its user when the credential names one, and how it proved it."""

    tenant: str
    user: str | None
    via: Literal["jwt", "api_key", "anonymous"]
    name: str = ""


class _FileCache(Generic[T]):
    """A value loaded from a file, reloaded when the file's mtime or size changes (checked every 2 s)."""

    def __init__(self, path: Path, load: Callable[[bytes], T]) -> None:
        self.path = path
        self.load = load
        self._stamp: tuple[float, int] | None = None
        self._checked = 0.0
        self._value: T | None = None
        self.get()  # fail at start-up, not on the first request

    def get(self) -> T:
        now = time.monotonic()
        if self._value is None or now - self._checked > 2.0:
            self._checked = now
            st = self.path.stat()
            stamp = (st.st_mtime, st.st_size)
            if stamp != self._stamp:
                self._value = self.load(self.path.read_bytes())
                self._stamp = stamp
        assert self._value is not None
        return self._value


def _secret(raw: bytes) -> bytes:
    secret = raw.strip()
    if len(secret) < 32:
        raise ConfigurationError("the JWT secret file must hold at least 32 bytes")
    return secret


def _public_key(raw: bytes) -> Any:
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    return load_pem_public_key(raw)


def _jwks(raw: bytes) -> jwt.PyJWKSet:
    return jwt.PyJWKSet.from_dict(json.loads(raw))


def _api_keys(raw: bytes) -> dict[str, ApiKey]:
    doc = yaml.safe_load(raw) or []
    if isinstance(doc, dict):
        doc = doc.get("api_keys", [])
    return {k.sha256: k for k in (ApiKey.model_validate(item) for item in doc)}


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class Authenticator:
    def __init__(self, config: AuthConfig) -> None:
        self.config = config
        jc = config.jwt
        self._secret = _FileCache(jc.secret_file, _secret) if jc.secret_file else None
        self._public = _FileCache(jc.public_key_file, _public_key) if jc.public_key_file else None
        self._jwks = _FileCache(jc.jwks_file, _jwks) if jc.jwks_file else None
        self._key_file = _FileCache(config.api_keys_file, _api_keys) if config.api_keys_file else None
        self._keys = {k.sha256: k for k in config.api_keys}
        if jc.algorithms:
            self.algorithms = list(jc.algorithms)
        else:
            self.algorithms = (["HS256"] if self._secret else []) + (
                ["RS256", "ES256"] if (self._public or self._jwks) else []
            )
        if not config.disabled and not (jc.configured or self._keys or self._key_file):
            raise ConfigurationError(
                "no credentials configured: set gateway.auth.jwt.secret_file, public_key_file or jwks_file, "
                "or gateway.auth.api_keys, or turn authentication off explicitly with gateway.auth.disabled=true"
            )

    def authenticate(self, authorization: str | None, api_key: str | None = None) -> Principal:
        """The caller behind these headers, or a 401 :class:`Problem`."""
        if self.config.disabled:
            return Principal(self.config.anonymous_tenant, None, "anonymous")
        token = None
        if authorization:
            scheme, _, value = authorization.strip().partition(" ")
            if scheme.lower() != "bearer" or not value.strip():
                raise unauthenticated(f"unsupported authorization scheme {scheme[:20]!r}: use Bearer")
            token = value.strip()
        elif api_key:
            return self._by_api_key(api_key.strip())
        if not token:
            raise unauthenticated()
        if token.count(".") == 2:
            return self._by_jwt(token)
        return self._by_api_key(token)

    def _by_api_key(self, key: str) -> Principal:
        digest = key_digest(key)
        found = self._keys.get(digest) or (self._key_file.get().get(digest) if self._key_file else None)
        if found is None:
            raise invalid_token("unknown API key")
        return Principal(found.tenant, found.user, "api_key", found.name)

    def _key_for(self, token: str, alg: str) -> Any:
        if alg.startswith("HS"):
            if self._secret is None:
                raise invalid_token(f"{alg} tokens are not accepted here")
            return self._secret.get()
        if self._jwks is not None:
            keys = self._jwks.get()
            kid = jwt.get_unverified_header(token).get("kid")
            if kid is None and len(keys.keys) == 1:
                return keys.keys[0].key
            try:
                return keys[str(kid)].key
            except KeyError:
                if self._public is None:
                    raise invalid_token(f"no key with kid {str(kid)[:40]!r} in the key set") from None
        if self._public is None:
            raise invalid_token(f"{alg} tokens are not accepted here")
        return self._public.get()

    def _by_jwt(self, token: str) -> Principal:
        jc = self.config.jwt
        if not jc.configured:
            raise invalid_token("JWTs are not accepted here")
        try:
            alg = str(jwt.get_unverified_header(token).get("alg", ""))
            if alg not in self.algorithms:
                raise invalid_token(f"algorithm {alg[:10]!r} is not accepted")
            claims = jwt.decode(
                token,
                self._key_for(token, alg),
                algorithms=[alg],
                audience=jc.audience,
                issuer=jc.issuer,
                leeway=jc.leeway_seconds,
                options={"require": ["exp"] if jc.require_exp else [], "verify_aud": True},
            )
        except Problem:
            raise
        except jwt.ExpiredSignatureError:
            raise invalid_token("the token has expired") from None
        except jwt.ImmatureSignatureError:
            raise invalid_token("the token is not valid yet (nbf)") from None
        except jwt.InvalidAudienceError:
            raise invalid_token("the token is for another audience") from None
        except jwt.InvalidIssuerError:
            raise invalid_token("the token is from another issuer") from None
        except jwt.MissingRequiredClaimError as exc:
            raise invalid_token(f"the token has no {exc.claim!r} claim") from None
        except jwt.InvalidSignatureError:
            raise invalid_token("the token's signature does not verify") from None
        except (jwt.InvalidTokenError, ValueError, TypeError) as exc:
            raise invalid_token(f"malformed token ({type(exc).__name__})") from None
        tenant = claims.get(jc.tenant_claim)
        if not isinstance(tenant, str) or not TENANT_RE.fullmatch(tenant):
            raise invalid_token(f"the token's {jc.tenant_claim!r} claim is missing or not a tenant id")
        user = claims.get(jc.user_claim)
        user = str(user)[:128] if user not in (None, "") else None
        return Principal(tenant, user, "jwt")


def mint_hs256(secret: bytes, *, tenant: str, user: str | None, ttl_seconds: float, **claims: Any) -> str:
    """An HS256 token for ``tenant``/``user`` valid for ``ttl_seconds`` (tests and development tokens)."""
    now = int(time.time())
    payload = {"tenant": tenant, "iat": now, "nbf": now, "exp": now + int(ttl_seconds), **claims}
    if user is not None:
        payload["sub"] = user
    return jwt.encode(payload, secret, algorithm="HS256")
