"""Say why the Kafka broker cannot be used, in one line, before anything waits on it.

aiokafka reports every failed bootstrap as "Unable to bootstrap from [...]" and logs the real
reason (a refused password, an unknown certificate authority, a plaintext client on a TLS
listener) elsewhere. One direct connection with the configured security recovers that reason.
"""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

from aiokafka.conn import create_conn
from aiokafka.errors import KafkaConnectionError, KafkaError
from aiokafka.protocol.metadata import MetadataRequest

from ..config import Settings
from .security import security_kwargs


class BrokerUnreachable(RuntimeError):
    """The broker refused us or could not be reached; the message says which and why."""


def describe_security(settings: Settings) -> str:
    """How we connect, without secrets: ``SASL_SSL, SCRAM-SHA-512 as alice``."""
    b = settings.broker
    if b.security_protocol.startswith("SASL_"):
        return f"{b.security_protocol}, {b.sasl_mechanism or 'SCRAM-SHA-512'} as {b.sasl_username or '(no user)'}"
    return b.security_protocol


async def check_broker(bootstrap_servers: str, settings: Settings, timeout: float = 10.0) -> None:
    """Open one connection to the first reachable bootstrap server, authenticated as configured.

    Returns when one succeeds; raises :class:`BrokerUnreachable` naming each server's failure.
    """
    security: dict[str, Any] = security_kwargs(settings)
    failures: list[str] = []
    for server in bootstrap_servers.split(","):
        host, _, port = server.strip().rpartition(":")
        conn = None
        try:
            conn = await asyncio.wait_for(
                create_conn(host, int(port), request_timeout_ms=int(timeout * 1000), **security), timeout
            )
            # The handshake alone proves little: a listener that wants SASL still answers ApiVersions.
            await asyncio.wait_for(conn.send(MetadataRequest([])), timeout)
        except Exception as exc:  # noqa: BLE001 - every kind of failure is reported, none hidden
            failures.append(f"{server.strip()}: {_reason(exc, settings)}")
            continue
        finally:
            if conn is not None:
                conn.close()
        return
    raise BrokerUnreachable(
        f"cannot use the Kafka broker ({describe_security(settings)}): " + "; ".join(failures)
    )


def _reason(exc: BaseException, settings: Settings) -> str:
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        return "no answer in time (is the address right, and does the listener speak this protocol?)"
    # aiokafka's errors already name themselves: "[Error 58] SaslAuthenticationFailed: ..."
    text = str(exc) if isinstance(exc, KafkaError) else f"{type(exc).__name__}: {exc}".strip()
    if isinstance(exc, ssl.SSLError):
        return text + " (check ssl_cafile and the server certificate's names)"
    if (
        isinstance(exc, KafkaConnectionError | ConnectionError)
        and "SSL" not in settings.broker.security_protocol
    ):
        return (
            text
            + " (the listener may require TLS: security_protocol is "
            + settings.broker.security_protocol
            + ")"
        )
    if isinstance(
        exc, KafkaConnectionError | ConnectionError
    ) and not settings.broker.security_protocol.startswith("SASL_"):
        return text + " (the listener may require SASL authentication)"
    return text


def explain_start_failures(broker: Any, bootstrap_servers: str, settings: Settings) -> None:
    """Make ``broker.start()`` (a faststream broker) raise :class:`BrokerUnreachable` with the
    reason instead of aiokafka's bare bootstrap error, so a misconfigured service exits saying why."""
    start = broker.start

    async def start_or_explain(*args: Any, **kwargs: Any) -> Any:
        try:
            return await start(*args, **kwargs)
        except KafkaConnectionError:
            await check_broker(bootstrap_servers, settings)
            raise

    broker.start = start_or_explain
