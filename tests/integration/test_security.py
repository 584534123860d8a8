"""Kafka over TLS + SASL/SCRAM, configured through the environment only, end to end.

The broker is the embedded Tansu behind the broker gateway (TLS termination and the SCRAM
server side), started with a throwaway CA. Clients get nothing but ``AUTOGLM_*`` variables and
a password file: the whole stack completes a task over SASL_SSL + SCRAM-SHA-512, a wrong
password or a missing TLS layer is refused with a reason, and the password shows up in no
log, span file or ``autoglm config show`` output.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import SecretStr

from autoglm.shared.cli.embedded import EmbeddedBroker, tansu_binary
from autoglm.shared.cli.stack import Stack, embedded_broker
from autoglm.shared.config import Settings
from autoglm.shared.kafka.broker_check import BrokerUnreachable, check_broker
from autoglm.shared.sdk.client import AutoGLMClient

from .certificates import Certificates, make_certificates

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
USER = "autoglm-svc"


@dataclass
class Secured:
    broker: EmbeddedBroker
    certs: Certificates
    password: str
    password_file: Path

    def env(self, **overrides: str) -> dict[str, str]:
        """Everything a client needs, as environment variables; the password comes from a file."""
        env = {
            "KAFKA_BOOTSTRAP_SERVERS": self.broker.bootstrap_servers,
            "AUTOGLM_BROKER__SECURITY_PROTOCOL": "SASL_SSL",
            "AUTOGLM_BROKER__SASL_MECHANISM": "SCRAM-SHA-512",
            "AUTOGLM_BROKER__SASL_USERNAME": USER,
            "AUTOGLM_BROKER__SASL_PASSWORD_FILE": str(self.password_file),
            "AUTOGLM_BROKER__SSL_CAFILE": str(self.certs.ca),
        }
        env.update(overrides)
        return env


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Secured]:
    base = tmp_path_factory.mktemp("secured")
    certs = make_certificates(base)
    password = "pw-" + secrets.token_hex(16)  # unmistakable when searched for in logs
    password_file = base / "kafka-password"
    password_file.write_text(password + "\n")
    password_file.chmod(0o600)
    broker = EmbeddedBroker(
        tls_certfile=certs.cert, tls_keyfile=certs.key, users={USER: password}, log_path=base / "broker.log"
    )
    with broker:
        yield Secured(broker, certs, password, password_file)


def settings_from(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    for key in [k for k in os.environ if k.startswith("AUTOGLM_BROKER__")]:
        monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return Settings()


def test_tansu_cannot_serve_tls_itself(tmp_path: Path) -> None:
    """Why the gateway terminates TLS: this Tansu build rejects --cert together with --key.
    When an upgrade fixes that, this fails, and the gateway's TLS half can go."""
    certs = make_certificates(tmp_path)
    result = subprocess.run(
        [str(tansu_binary()), "broker", "--listener-url", "tcp://127.0.0.1:1", "--cert", str(certs.cert)]
        + ["--key", str(certs.key)],
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert result.returncode != 0 and "cannot be used with" in result.stderr


async def test_the_configured_client_authenticates_over_tls(
    secured: Secured, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_from(secured.env(AUTOGLM_DATA_DIR=str(tmp_path)), monkeypatch)
    assert settings.broker.sasl_password is not None
    assert settings.broker.sasl_password.get_secret_value() == secured.password  # read from the file
    await check_broker(secured.broker.bootstrap_servers, settings)
    sha256 = settings_from(secured.env(AUTOGLM_BROKER__SASL_MECHANISM="SCRAM-SHA-256"), monkeypatch)
    await check_broker(secured.broker.bootstrap_servers, sha256)


REFUSED = {
    "wrong password": (
        {"AUTOGLM_BROKER__SASL_PASSWORD": "not-the-password"},
        "invalid credentials",
    ),
    "unknown user": ({"AUTOGLM_BROKER__SASL_USERNAME": "mallory"}, "invalid credentials"),
    "no TLS": ({"AUTOGLM_BROKER__SECURITY_PROTOCOL": "SASL_PLAINTEXT"}, "may require TLS"),
    "no TLS, no SASL": ({"AUTOGLM_BROKER__SECURITY_PROTOCOL": "PLAINTEXT"}, "may require TLS"),
    "TLS without SASL": ({"AUTOGLM_BROKER__SECURITY_PROTOCOL": "SSL"}, "may require SASL"),
    "unknown CA": ({"AUTOGLM_BROKER__SSL_CAFILE": ""}, "CERTIFICATE_VERIFY_FAILED"),
}


@pytest.mark.parametrize("case", list(REFUSED))
async def test_a_misconfigured_client_is_refused_with_the_reason(
    case: str, secured: Secured, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    overrides, reason = REFUSED[case]
    env = {k: v for k, v in secured.env(**overrides, AUTOGLM_DATA_DIR=str(tmp_path)).items() if v}
    settings = settings_from(env, monkeypatch)
    started = time.monotonic()
    client = AutoGLMClient(secured.broker.bootstrap_servers, settings=settings, topic_prefix="refused.")
    with pytest.raises(BrokerUnreachable) as refused:
        await asyncio.wait_for(client.start(), 30)
    await client.close()
    assert reason in str(refused.value), str(refused.value)
    assert time.monotonic() - started < 30
    assert secured.password not in str(refused.value)


async def test_the_embedded_broker_is_secured_from_the_same_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What `autoglm up` starts when the clients are configured for SASL_SSL and no broker is given."""
    certs = make_certificates(tmp_path)
    env = {
        "AUTOGLM_DATA_DIR": str(tmp_path),
        "AUTOGLM_BROKER__SECURITY_PROTOCOL": "SASL_SSL",
        "AUTOGLM_BROKER__SASL_MECHANISM": "SCRAM-SHA-512",
        "AUTOGLM_BROKER__SASL_USERNAME": USER,
        "AUTOGLM_BROKER__SASL_PASSWORD": "pw-" + secrets.token_hex(8),
        "AUTOGLM_BROKER__SSL_CAFILE": str(certs.ca),
    }
    settings = settings_from(env, monkeypatch)
    with pytest.raises(RuntimeError, match="embedded_tls_certfile"):
        embedded_broker(settings, tmp_path / "broker.log")
    settings = settings_from(
        env
        | {
            "AUTOGLM_BROKER__EMBEDDED_TLS_CERTFILE": str(certs.cert),
            "AUTOGLM_BROKER__EMBEDDED_TLS_KEYFILE": str(certs.key),
        },
        monkeypatch,
    )
    with embedded_broker(settings, tmp_path / "broker.log") as broker:
        await check_broker(broker.bootstrap_servers, settings)
        wrong = settings.model_copy(deep=True)
        wrong.broker.sasl_password = SecretStr("wrong")
        with pytest.raises(BrokerUnreachable, match="invalid credentials"):
            await check_broker(broker.bootstrap_servers, wrong)


@pytest.mark.timeout(900)
def test_stack_completes_a_task_over_tls_and_scram(
    secured: Secured, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Five service processes, the SDK and the CLI, configured by environment only."""
    prefix = f"sec{uuid.uuid4().hex[:6]}."
    env = secured.env(AUTOGLM_DATA_DIR=str(tmp_path / "data"), AUTOGLM_TOPIC_PREFIX=prefix)
    settings = settings_from(env, monkeypatch)
    extra = {"AUTOGLM_INFERENCE__CACHE_DIR": str(REPO / "data" / "models"), "AUTOGLM_TIMEOUT_SECONDS": "120"}
    stack = Stack(settings, extra_env=extra)
    stop = [False]
    supervisor = threading.Thread(target=stack.supervise, args=(stop,), daemon=True)
    try:
        stack.start()
        assert stack.broker is None, "the stack must use the external secured broker"
        if not stack.wait_ready(400):
            raise AssertionError(f"stack not ready: {stack.ready()}\n{_logs(settings.data_dir)}")
        supervisor.start()

        async def ask() -> str:
            async with AutoGLMClient(secured.broker.bootstrap_servers, settings=Settings()) as client:
                result = await client.submit("(12+8)*3等于多少？", timeout=120)
            assert result.status == "completed", result
            return result.answer or ""

        assert "60" in asyncio.run(ask())

        # A service with the wrong password exits at once, naming the refusal.
        bad = dict(os.environ, AUTOGLM_BROKER__SASL_PASSWORD="wrong-" + secrets.token_hex(4))
        started = time.monotonic()
        proc = subprocess.run(
            [sys.executable, "-m", "autoglm.services.parser"],
            env=bad,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert proc.returncode != 0
        assert "SaslAuthenticationFailed" in proc.stderr, proc.stderr[-2000:]
        assert "BrokerUnreachable" in proc.stderr
        assert time.monotonic() - started < 60

        # The CLI shows the effective config with the secret masked, whether it came from a file or a variable.
        for extra_env in ({}, {"AUTOGLM_BROKER__SASL_PASSWORD": secured.password}):
            shown = subprocess.run(
                [sys.executable, "-m", "autoglm.shared.cli", "config", "show"],
                env=dict(os.environ, **extra_env),
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert shown.returncode == 0, shown.stderr[-2000:]
            assert "sasl_password: '**********'" in shown.stdout, shown.stdout
            assert "security_protocol: SASL_SSL" in shown.stdout
            assert secured.password not in shown.stdout + shown.stderr
    finally:
        stop[0] = True
        if supervisor.is_alive():
            supervisor.join(5)
        stack.stop()
    leaked = [
        str(path)
        for path in [*settings.data_dir.rglob("*"), secured.broker.log_path]
        if path is not None and path.is_file() and secured.password.encode() in path.read_bytes()
    ]
    assert not leaked, f"the password appears in {leaked}"
    assert list((settings.data_dir / "logs").glob("*.log")), "no service logs were searched"


def _logs(data_dir: Path) -> str:
    return "\n".join(
        f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in (data_dir / "logs").glob("*.log")
    )
