"""A tiny HTTP endpoint per service: /metrics (Prometheus), /healthz (live), /readyz (ready).

Plain asyncio, no web framework: three fixed routes don't justify one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest


class HealthServer:
    def __init__(self, service: str, ready: Callable[[], bool], details: Callable[[], dict] | None = None) -> None:
        self.service = service
        self.ready = ready
        self.details = details or (lambda: {})
        self.port: int | None = None
        self._server: asyncio.AbstractServer | None = None

    async def start(self, port: int = 0, host: str = "127.0.0.1") -> int:
        self._server = await asyncio.start_server(self._handle, host, port)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self.port

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)
            self._server = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            line = await asyncio.wait_for(reader.readline(), 5)
            while (await asyncio.wait_for(reader.readline(), 5)) not in (b"\r\n", b"\n", b""):
                pass
            parts = line.decode("latin-1").split()
            path = parts[1] if len(parts) > 1 else "/"
            if path.startswith("/metrics"):
                status, ctype, body = 200, CONTENT_TYPE_LATEST, generate_latest()
            elif path.startswith("/healthz"):
                status, ctype, body = 200, "application/json", b'{"status":"alive"}'
            elif path.startswith("/readyz"):
                ok = self.ready()
                payload = {"service": self.service, "ready": ok, **self.details()}
                status, ctype, body = (200 if ok else 503), "application/json", json.dumps(payload).encode()
            else:
                status, ctype, body = 404, "text/plain", b"not found"
            head = f"HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            writer.write(head.encode() + body)
            await writer.drain()
        except (TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()
