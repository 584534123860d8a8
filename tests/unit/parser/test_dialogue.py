"""Replies to clarifying questions continue the pending request."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from autoglm.services.parser.dialogue import continue_after_question

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize(
    ("pending", "reply", "tool", "entities"),
    [
        ("查询明天的天气", "北京", "weather", {"city": "北京", "date": "2026-11-26"}),
        ("查询明天的天气", "上海吧", "weather", {"city": "上海", "date": "2026-11-26"}),
        ("What is the weather tomorrow?", "Paris", "weather", {"city": "Paris", "date": "2026-11-26"}),
        ("查询订单状态", "1024", "sql_query", {"order_id": "1024"}),
        ("帮我查一下那个", "订单1024的状态", "sql_query", {"order_id": "1024"}),
    ],
)
def test_reply_fills_the_missing_piece(pending: str, reply: str, tool: str, entities: dict) -> None:
    graph = continue_after_question(pending, reply, now=NOW, tz="Asia/Shanghai")
    assert graph.clarification is None
    [intent] = graph.intents
    assert intent.tool == tool
    assert intent.entities == entities


def test_reply_becomes_the_referent() -> None:
    graph = continue_after_question("把这个翻译一下", "秋天的风很温柔", now=NOW)
    [intent] = graph.intents
    assert intent.type == "translation" and intent.entities["referent"] == "秋天的风很温柔"


def test_a_complete_new_request_replaces_the_pending_one() -> None:
    graph = continue_after_question("查询明天的天气", "What is 2+3?", now=NOW)
    assert [i.tool for i in graph.intents] == ["calculator"]
