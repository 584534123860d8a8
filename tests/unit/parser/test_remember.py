"""Requests to remember a fact or preference: chitchat, no tool, the fact in `memory`, its kind in
`memory_kind`; alone, beside small talk, and combined with another task."""

from __future__ import annotations

from datetime import datetime

import pytest

from autoglm.services.parser.entities import ENTITY_KEYS, find_memory
from autoglm.services.parser.pipeline import parse_request
from autoglm.services.parser.text import fix_typos, original_span

NOW = datetime.fromisoformat("2026-11-25T10:00:00+08:00")


@pytest.mark.parametrize(
    ("text", "memory", "kind"),
    [
        ("记住我喜欢喝无糖的咖啡", "我喜欢喝无糖的咖啡", "preference"),
        ("请记住我的生日是5月3日", "我的生日是5月3日", "fact"),
        ("记一下我的车牌号是浙A12345", "我的车牌号是浙A12345", "fact"),
        ("帮我记住我不喜欢香菜。", "我不喜欢香菜", "preference"),
        ("别忘了我们每周五下午开例会", "我们每周五下午开例会", "fact"),
        ("请记得我对花生过敏", "我对花生过敏", "fact"),
        ("你要记得我比较喜欢靠窗的座位", "我比较喜欢靠窗的座位", "preference"),
        ("记住：我最爱的颜色是蓝色", "我最爱的颜色是蓝色", "preference"),
        ("remember that I prefer window seats", "I prefer window seats", "preference"),
        ("Please remember I don't like spicy food.", "I don't like spicy food", "preference"),
        ("note that our office is in Hangzhou", "our office is in Hangzhou", "fact"),
        ("keep in mind that I hate long meetings", "I hate long meetings", "preference"),
        ("Don't forget my wife's name is Mei", "my wife's name is Mei", "fact"),
        ("Remember: my favourite colour is teal", "my favourite colour is teal", "preference"),
        ("For future reference, our VPN server is vpn.acme.io", "our VPN server is vpn.acme.io", "fact"),
    ],
)
def test_remember_phrasings(text: str, memory: str, kind: str) -> None:
    graph = parse_request(text, now=NOW)
    assert graph.clarification is None
    assert [(i.type.value, i.tool) for i in graph.intents] == [("chitchat", None)]
    assert graph.intents[0].entities == {"memory": memory, "memory_kind": kind}


@pytest.mark.parametrize(
    "text",
    [
        "remember to buy milk",  # a reminder, not a fact
        "do you remember what I said?",
        "你还记得我喜欢什么吗",
        "记住这个",  # a referent, nothing stated
        "remember",
        "note the following",
        "notes on the meeting are in the wiki",
        "记得带伞",
        "写一封感谢信 note",
    ],
)
def test_not_a_fact_to_remember(text: str) -> None:
    assert find_memory(text) is None
    for intent in parse_request(text, now=NOW).intents:
        assert "memory" not in intent.entities


def test_remember_then_weather_uses_the_stated_city() -> None:
    graph = parse_request("记住我住在上海，然后查一下明天的天气", now=NOW)
    assert [(i.type.value, i.tool) for i in graph.intents] == [("chitchat", None), ("lookup", "weather")]
    assert graph.intents[0].entities == {"memory": "我住在上海", "memory_kind": "fact"}
    assert graph.intents[1].entities == {"city": "上海", "date": "2026-11-26"}
    assert graph.intents[1].depends_on == []
    en = parse_request("remember that I live in Berlin and then tell me the weather tomorrow", now=NOW)
    assert en.intents[1].tool == "weather" and en.intents[1].entities["city"] == "Berlin"


def test_remember_beside_other_tasks_and_small_talk() -> None:
    graph = parse_request("你好，请记住我对花生过敏，谢谢", now=NOW)
    assert [i.entities for i in graph.intents] == [{"memory": "我对花生过敏", "memory_kind": "fact"}]
    graph = parse_request("Please note that we never fly on Fridays. What is the capital of France?", now=NOW)
    assert [(i.type.value, i.tool) for i in graph.intents] == [
        ("chitchat", None),
        ("question_answering", None),
    ]
    # the fact is kept as written: typo correction of cue words never rewrites it
    assert graph.intents[0].entities["memory"] == "we never fly on Fridays"
    # a fact about an order stores it, it looks nothing up
    graph = parse_request("记住我的订单号是12345", now=NOW)
    assert [(i.type.value, i.tool) for i in graph.intents] == [("chitchat", None)]


def test_memory_keys_are_documented() -> None:
    assert {"memory", "memory_kind"} <= set(ENTITY_KEYS)


def test_original_span_maps_back_through_typo_fixes() -> None:
    original = "note that my dog Wether hates the wether in Paris"
    fixed = fix_typos(original)
    assert fixed != original
    start = fixed.index("my dog")
    assert original_span(original, fixed, start, len(fixed)) == "my dog Wether hates the wether in Paris"
    assert original_span("abc", "abc", 1, 2) == "b"
