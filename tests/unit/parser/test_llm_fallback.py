"""The parser's language-model fallback against a scripted OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from autoglm.services.parser.classify import Classification
from autoglm.services.parser.config import ParserConfig, make_fallback
from autoglm.services.parser.llm_fallback import SCHEMA, LLMFallback
from autoglm.services.parser.pipeline import parse_request
from tests.support.fake_openai import FakeOpenAI, running_fake_openai

NOW = datetime.fromisoformat("2026-11-25T10:00:00+08:00")


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with running_fake_openai() as fake:
        yield fake


def test_a_chinese_clause_gets_the_models_label_under_the_schema(server: FakeOpenAI) -> None:
    server.replies = [(200, '{"label": "code_generation"}', 0)]
    fb = LLMFallback(server.url, "glm-4", api_key="sk-test")
    graph = parse_request("帮我弄个判断素数的小工具", now=NOW, fallback=fb)
    assert [(i.type.value, i.tool) for i in graph.intents] == [("code_generation", None)]
    body = server.requests[0]["body"]
    assert server.requests[0]["auth"] == "Bearer sk-test"
    assert body["model"] == "glm-4" and body["temperature"] == 0
    assert body["messages"][-1]["content"] == "帮我弄个判断素数的小工具"
    assert body["response_format"]["json_schema"]["schema"] == SCHEMA
    assert "http_get" not in SCHEMA["properties"]["label"]["enum"]


def test_a_tool_label_gets_its_entities(server: FakeOpenAI) -> None:
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
def test_any_failure_keeps_the_default(server: FakeOpenAI, status: int, content: str, delay: float) -> None:
    server.replies = [(status, content, delay)]
    fb = LLMFallback(server.url, "m", timeout_s=0.3)
    assert fb.classify("有点想家了", "zh") is None


def test_llm_mode_needs_an_endpoint(server: FakeOpenAI) -> None:
    with pytest.raises(ValueError, match="base_url"):
        make_fallback("llm", ParserConfig())
    fb = make_fallback("llm", ParserConfig(fallback="llm", llm={"base_url": server.url + "/", "model": "m"}))
    server.replies = [(200, '{"label": "chitchat"}', 0)]
    assert isinstance(fb, LLMFallback)
    assert fb.classify("周末吃了顿火锅", "zh") == Classification("chitchat", None)
