"""A scripted OpenAI-compatible server on 127.0.0.1 for tests of the clients of such endpoints."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeOpenAI:
    """Scripted replies: `replies` is consumed one per chat request; each is (status, text, delay_s)."""

    def __init__(self) -> None:
        self.replies: list[tuple[int, str, float]] = []
        self.requests: list[dict[str, Any]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append(
                    {"path": self.path, "body": body, "auth": self.headers.get("Authorization")}
                )
                if self.path == "/v1/embeddings":
                    data = [
                        {"index": i, "embedding": [3.0, 4.0] if "a" in t else [0.0, 2.0]}
                        for i, t in enumerate(body["input"])
                    ]
                    return self._json(200, {"data": data, "model": body["model"]})
                status, text, delay = fake.replies.pop(0) if fake.replies else (200, "ok", 0.0)
                time.sleep(delay)
                if status != 200:
                    return self._json(status, {"error": {"message": text}})
                if not body.get("stream"):
                    return self._json(
                        200, {"choices": [{"message": {"content": text}, "finish_reason": "stop"}]}
                    )
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for piece in [text[i : i + 3] for i in range(0, len(text), 3)]:
                    chunk = {"choices": [{"delta": {"content": piece}, "finish_reason": None}]}
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                end = {
                    "choices": [{"delta": {}, "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 5, "completion_tokens": 4},
                }
                self.wfile.write(f"data: {json.dumps(end)}\n\ndata: [DONE]\n\n".encode())

            def _json(self, status: int, payload: dict[str, Any]) -> None:
                raw = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@contextmanager
def running_fake_openai() -> Iterator[FakeOpenAI]:
    """A started :class:`FakeOpenAI`, shut down on exit."""
    server = FakeOpenAI()
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.server.shutdown()
        server.server.server_close()
