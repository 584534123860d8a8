"""The parser's language-model fallback against a scripted OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from autoglm.services.parser.classify import Classification
from autoglm.services.parser.config import ParserConfig, make_fallback
from autoglm.services.parser.llm_fallback import SCHEMA, LLMFallback
from autoglm.services.parser.logic import parse_request

NOW = datetime.fromisoformat("2026-11-25T10:00:00+08:00")


class Server:
    """Answers each chat request with the next scripted (status, content, delay_s); records the requests."""

    def __init__(self) -> None:
        self.replies: list[tuple[int, str, float]] = []
        self.requests: list[tuple[dict[str, str], dict[str, Any]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append((dict(self.headers), body))
                status, content, delay = server.replies.pop(0)
                time.sleep(delay)
                out = json.dumps(
                    {"choices": [{"message": {"role": "assistant", "content": content}}]}
                ).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    thread = threading.Thread(target=s.httpd.serve_forever, daemon=True)
    thread.start()
    yield s
    s.httpd.shutdown()
    s.httpd.server_close()


def test_a_chinese_clause_gets_the_models_label_under_the_schema(server: Server) -> None:
    server.replies = [(200, '{"label": "code_generation"}', 0)]
    fb = LLMFallback(server.url, "glm-4", api_key="sk-test")
    graph = parse_request("帮我弄个判断素数的小工具", now=NOW, fallback=fb)
    assert [(i.type.value, i.tool) for i in graph.intents] == [("code_generation", None)]
    headers, body = server.requests[0]
    assert headers["Authorization"] == "Bearer sk-test"
    assert body["model"] == "glm-4" and body["temperature"] == 0
    assert body["messages"][-1]["content"] == "帮我弄个判断素数的小工具"
    assert body["response_format"]["json_schema"]["schema"] == SCHEMA
    assert "http_get" not in SCHEMA["properties"]["label"]["enum"]


def test_a_tool_label_gets_its_entities(server: Server) -> None:
    server.replies = [(200, '{"label": "sql_query"}', 0)]
    graph = parse_request("各个渠道的拉新效果", now=NOW, fallback=LLMFallback(server.url, "m"))
    assert [(i.type.value, i.tool, i.entities) for i in graph.intents] == [
        ("lookup", "sql_query", {"query": "各个渠道的拉新效果"})
    ]


@pytest.mark.parametrize(
    ("status", "content", "delay"),
    [
        (500, "", 0),  # server error
        (200, "not json", 0),  # off the schema
        (200, '{"label": "launch_rockets"}', 0),  # a label that does not exist
        (200, '{"label": "question_answering"}', 0),  # the default itself
        (200, '{"label": "weather"}', 1.0),  # too slow
    ],
)
def test_any_failure_keeps_the_default(server: Server, status: int, content: str, delay: float) -> None:
    server.replies = [(status, content, delay)]
    fb = LLMFallback(server.url, "m", timeout_s=0.3)
    assert fb.classify("有点想家了", "zh") is None


def test_llm_mode_needs_an_endpoint(server: Server) -> None:
    with pytest.raises(ValueError, match="base_url"):
        make_fallback("llm", ParserConfig())
    fb = make_fallback("llm", ParserConfig(fallback="llm", llm={"base_url": server.url + "/", "model": "m"}))
    server.replies = [(200, '{"label": "chitchat"}', 0)]
    assert isinstance(fb, LLMFallback)
    assert fb.classify("周末吃了顿火锅", "zh") == Classification("chitchat", None)
