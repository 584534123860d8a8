"""The OpenAI-compatible backend against a fake server on 127.0.0.1 (no model loaded)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from autoglm.services.inference.config import InferenceConfig, OpenAIBackendConfig
from autoglm.services.inference.engine import GenerateRequest, InferenceEngine, InferenceError

pytestmark = pytest.mark.integration


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


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI()
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


async def make_engine(fake: FakeOpenAI, tmp_path: Path, **kw: Any) -> InferenceEngine:
    oc = OpenAIBackendConfig(
        base_url=fake.url,
        api_key="sk-test",
        model="glm-test",
        embedding_model="emb",
        backoff_seconds=0.01,
        **kw,
    )
    cfg = InferenceConfig(backend="openai", openai=oc, model_path=None, embedding_model_path=None)
    return await InferenceEngine.create(cfg, data_dir=tmp_path)


def chat(text: str = "hi", **kw: Any) -> GenerateRequest:
    return GenerateRequest(messages=[{"role": "user", "content": text}], **kw)


async def test_streams_tokens_and_sends_profile_params(fake: FakeOpenAI, tmp_path: Path) -> None:
    engine = await make_engine(fake, tmp_path)
    fake.replies.append((200, "Hello there, world", 0.0))
    chunks: list[str] = []
    result = await engine.generate(
        chat(task_type="code_generation", params={"stop": ["END"]}), on_token=chunks.append
    )
    assert result.text == "Hello there, world" == "".join(chunks) and len(chunks) > 1
    assert (result.prompt_tokens, result.completion_tokens, result.model) == (5, 4, "glm-test")
    body = fake.requests[0]["body"]
    assert (body["temperature"], body["top_p"], body["max_tokens"], body["stop"]) == (0.2, 0.8, 256, ["END"])
    assert fake.requests[0]["auth"] == "Bearer sk-test"
    await engine.aclose()


async def test_json_schema_uses_response_format_and_validates(fake: FakeOpenAI, tmp_path: Path) -> None:
    engine = await make_engine(fake, tmp_path)
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}
    fake.replies.append((200, '{"n": 3}', 0.0))
    result = await engine.generate(chat(json_schema=schema))
    assert json.loads(result.text) == {"n": 3}
    assert fake.requests[-1]["body"]["response_format"]["json_schema"]["schema"] == schema
    fake.replies.append((200, '{"n": "three"}', 0.0))
    with pytest.raises(InferenceError) as info:
        await engine.generate(chat("again", json_schema=schema))
    assert info.value.code == "invalid_output"
    await engine.aclose()


async def test_retries_server_errors_then_succeeds(fake: FakeOpenAI, tmp_path: Path) -> None:
    engine = await make_engine(fake, tmp_path, retries=2)
    fake.replies += [(503, "busy", 0.0), (429, "slow down", 0.0), (200, "fine", 0.0)]
    assert (await engine.generate(chat())).text == "fine"
    assert len(fake.requests) == 3
    fake.replies += [(400, "bad request", 0.0)]
    with pytest.raises(InferenceError) as info:
        await engine.generate(chat("other"))
    assert info.value.code == "backend_error"
    await engine.aclose()


async def test_backend_timeout_is_a_clear_error(fake: FakeOpenAI, tmp_path: Path) -> None:
    engine = await make_engine(fake, tmp_path, retries=1, timeout_seconds=0.2)
    fake.replies += [(200, "late", 1.0), (200, "late", 1.0)]
    with pytest.raises(InferenceError) as info:
        await engine.generate(chat())
    assert info.value.code == "backend_timeout"
    await engine.aclose()


async def test_unknown_model_and_empty_prompt(fake: FakeOpenAI, tmp_path: Path) -> None:
    engine = await make_engine(fake, tmp_path)
    with pytest.raises(InferenceError) as info:
        await engine.generate(chat(params={"model": "other"}))
    assert info.value.code == "unknown_model"
    with pytest.raises(InferenceError) as info:
        await engine.generate(chat(""))
    assert info.value.code == "empty_prompt"
    assert fake.requests == []
    await engine.aclose()


async def test_cache_serves_repeated_greedy_requests(fake: FakeOpenAI, tmp_path: Path) -> None:
    engine = await make_engine(fake, tmp_path)
    fake.replies.append((200, "once", 0.0))
    first = await engine.generate(chat(task_type="parsing"))
    second = await engine.generate(chat(task_type="parsing"))
    assert second.cached and second.text == first.text == "once" and len(fake.requests) == 1
    assert engine.stats["cache_hits"] == 1 and engine.stats["cache_misses"] == 1
    await engine.aclose()


async def test_embeddings_are_normalized(fake: FakeOpenAI, tmp_path: Path) -> None:
    engine = await make_engine(fake, tmp_path)
    vectors = await engine.embed(["a", "b"])
    assert vectors == [[0.6, 0.8], [0.0, 1.0]]
    await engine.aclose()
