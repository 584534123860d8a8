"""Gateway credentials: HS256 from a secret file, RS256/ES256 from a PEM key or a JWKS file, API keys;
every claim check, and keys rotated by replacing the file."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from autoglm.services.gateway.auth import Authenticator, ConfigurationError, key_digest, mint_hs256
from autoglm.services.gateway.config import AuthConfig
from autoglm.services.gateway.problems import Problem

SECRET = b"k" * 40


def claims(**extra: Any) -> dict[str, Any]:
    now = int(time.time())
    return {"tenant": "acme", "sub": "alice", "iat": now, "exp": now + 300, **extra}


def refused(auth: Authenticator, token: str, words: str) -> None:
    with pytest.raises(Problem) as caught:
        auth.authenticate(f"Bearer {token}")
    assert caught.value.slug == "invalid-token" and words in caught.value.detail, caught.value.detail
    assert caught.value.headers["WWW-Authenticate"].startswith('Bearer realm="autoglm", error="invalid_token"')


@pytest.fixture
def hs(tmp_path: Path) -> Authenticator:
    (tmp_path / "secret").write_bytes(SECRET + b"\n")
    return Authenticator(AuthConfig(jwt={"secret_file": tmp_path / "secret", "audience": "autoglm",
                                         "issuer": "https://idp.example"}))


def test_hs256_with_audience_and_issuer(hs: Authenticator) -> None:
    good = jwt.encode(claims(aud="autoglm", iss="https://idp.example"), SECRET, algorithm="HS256")
    principal = hs.authenticate(f"Bearer {good}")
    assert (principal.tenant, principal.user, principal.via) == ("acme", "alice", "jwt")
    refused(hs, jwt.encode(claims(aud="other", iss="https://idp.example"), SECRET, algorithm="HS256"), "audience")
    refused(hs, jwt.encode(claims(aud="autoglm", iss="https://evil"), SECRET, algorithm="HS256"), "issuer")
    refused(hs, jwt.encode(claims(aud="autoglm"), SECRET, algorithm="HS256"), "'iss'")
    refused(hs, jwt.encode(claims(aud="autoglm", iss="https://idp.example", exp=int(time.time()) - 60),
                           SECRET, algorithm="HS256"), "expired")
    refused(hs, jwt.encode(claims(aud="autoglm", iss="https://idp.example", nbf=int(time.time()) + 600),
                           SECRET, algorithm="HS256"), "not valid yet")
    no_exp = {k: v for k, v in claims(aud="autoglm", iss="https://idp.example").items() if k != "exp"}
    refused(hs, jwt.encode(no_exp, SECRET, algorithm="HS256"), "'exp'")
    refused(hs, jwt.encode(claims(aud="autoglm", iss="https://idp.example"), b"w" * 40, algorithm="HS256"), "signature")
    unsigned = jwt.encode(claims(aud="autoglm", iss="https://idp.example"), None, algorithm="none")
    refused(hs, unsigned, "algorithm")


def test_leeway_accepts_small_clock_skew(hs: Authenticator) -> None:
    skewed = jwt.encode(claims(aud="autoglm", iss="https://idp.example", exp=int(time.time()) - 10), SECRET,
                        algorithm="HS256")
    assert hs.authenticate(f"Bearer {skewed}").tenant == "acme"


def _hs256_by_hand(payload: dict[str, Any], key: bytes) -> str:
    """An HS256 token signed with any bytes (PyJWT itself refuses a PEM key as an HMAC secret)."""
    import base64
    import hashlib
    import hmac

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + "." + b64(json.dumps(payload).encode())
    return head + "." + b64(hmac.new(key, head.encode(), hashlib.sha256).digest())


def _pem(key: Any) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def test_rs256_and_es256_from_a_public_key_file(tmp_path: Path) -> None:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (tmp_path / "rsa.pem").write_bytes(_pem(rsa_key))
    auth = Authenticator(AuthConfig(jwt={"public_key_file": tmp_path / "rsa.pem"}))
    assert auth.authenticate(f"Bearer {jwt.encode(claims(), rsa_key, algorithm='RS256')}").user == "alice"
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    refused(auth, jwt.encode(claims(), other, algorithm="RS256"), "signature")
    # an HS256 token must not be verified with the public key as an HMAC secret (algorithm confusion)
    refused(auth, _hs256_by_hand(claims(), _pem(rsa_key)), "not accepted")

    ec_key = ec.generate_private_key(ec.SECP256R1())
    (tmp_path / "ec.pem").write_bytes(_pem(ec_key))
    auth = Authenticator(AuthConfig(jwt={"public_key_file": tmp_path / "ec.pem", "algorithms": ["ES256"]}))
    assert auth.authenticate(f"Bearer {jwt.encode(claims(), ec_key, algorithm='ES256')}").tenant == "acme"


def test_jwks_file_picks_the_key_by_kid_and_rotates(tmp_path: Path) -> None:
    keys = {kid: ec.generate_private_key(ec.SECP256R1()) for kid in ("k1", "k2")}

    def write(*kids: str) -> None:
        doc = {"keys": [{**json.loads(jwt.algorithms.ECAlgorithm.to_jwk(keys[k].public_key())), "kid": k,
                         "alg": "ES256", "use": "sig"} for k in kids]}
        path = tmp_path / "jwks.json"
        path.write_text(json.dumps(doc))
        os.utime(path, (time.time() + len(kids), time.time() + len(kids)))

    write("k1")
    auth = Authenticator(AuthConfig(jwt={"jwks_file": tmp_path / "jwks.json"}))
    t1 = jwt.encode(claims(), keys["k1"], algorithm="ES256", headers={"kid": "k1"})
    t2 = jwt.encode(claims(), keys["k2"], algorithm="ES256", headers={"kid": "k2"})
    assert auth.authenticate(f"Bearer {t1}").tenant == "acme"
    refused(auth, t2, "no key with kid")
    write("k1", "k2")
    auth._jwks._checked = 0  # type: ignore[union-attr]  # don't wait 2 s for the re-check
    assert auth.authenticate(f"Bearer {t2}").user == "alice"


def test_tenant_claim_required_and_user_optional(hs: Authenticator, tmp_path: Path) -> None:
    plain = Authenticator(AuthConfig(jwt={"secret_file": tmp_path / "secret"}))
    refused(plain, jwt.encode({k: v for k, v in claims().items() if k != "tenant"}, SECRET, algorithm="HS256"),
            "tenant")
    refused(plain, jwt.encode(claims(tenant="a/b"), SECRET, algorithm="HS256"), "tenant")
    no_user = plain.authenticate(f"Bearer {mint_hs256(SECRET, tenant='acme', user=None, ttl_seconds=60)}")
    assert no_user.user is None
    # an audience in the token but none configured: refused, not ignored
    refused(plain, jwt.encode(claims(aud="autoglm"), SECRET, algorithm="HS256"), "audience")


def test_api_keys_from_config_and_file(tmp_path: Path) -> None:
    (tmp_path / "keys.yaml").write_text(f"- sha256: {key_digest('agk_file')}\n  tenant: globex\n  name: bot\n")
    auth = Authenticator(AuthConfig(api_keys=[{"sha256": key_digest("agk_cfg"), "tenant": "acme", "user": "svc"}],
                                    api_keys_file=tmp_path / "keys.yaml"))
    p = auth.authenticate("Bearer agk_cfg")
    assert (p.tenant, p.user, p.via) == ("acme", "svc", "api_key")
    assert auth.authenticate(None, api_key="agk_file").tenant == "globex"
    with pytest.raises(Problem) as caught:
        auth.authenticate("Bearer agk_nope")
    assert caught.value.slug == "invalid-token"
    with pytest.raises(Problem) as caught:  # JWTs are not accepted when only API keys are configured
        auth.authenticate(f"Bearer {mint_hs256(SECRET, tenant='acme', user='a', ttl_seconds=60)}")
    assert "not accepted" in caught.value.detail


def test_missing_credentials_and_configuration() -> None:
    with pytest.raises(ConfigurationError):
        Authenticator(AuthConfig())
    off = Authenticator(AuthConfig(disabled=True, anonymous_tenant="lab"))
    assert off.authenticate(None).tenant == "lab" and off.authenticate(None).via == "anonymous"


def test_short_secret_is_refused_at_start(tmp_path: Path) -> None:
    (tmp_path / "secret").write_bytes(b"short")
    with pytest.raises(ConfigurationError, match="32 bytes"):
        Authenticator(AuthConfig(jwt={"secret_file": tmp_path / "secret"}))
