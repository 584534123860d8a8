"""text_stats: exact counts of characters, words, sentences and a phrase's occurrences."""

from __future__ import annotations

from autoglm.services.tool_executor.builtins.counting import count, make_text_stats
from autoglm.services.tool_executor.config import ToolsConfig
from autoglm.services.tool_executor.context import ToolContext
from autoglm.services.tool_executor.registry import ToolRegistry


def test_chinese_and_english_counts() -> None:
    zh = count("今天天气很好。我们去公园吧！")
    assert (zh.han, zh.words, zh.characters, zh.sentences, zh.lines) == (12, 12, 14, 2, 1)
    en = count("The quick brown fox jumps over the lazy dog. It's 9 o'clock")
    assert (en.latin_words, en.words, en.han, en.sentences) == (12, 12, 0, 2)
    mixed = count("我用Python写了3个脚本")
    assert (mixed.han, mixed.latin_words, mixed.words) == (7, 2, 9)


def test_lines_and_phrases() -> None:
    text = "apple pie\n\nApple juice\nan APPLE a day"
    stats = count(text, "apple")
    assert stats.lines == 3 and stats.occurrences == 3 and stats.phrase == "apple"
    assert count("苹果好吃，苹果便宜", "苹果").occurrences == 2
    assert count("a.b*c", ".*").occurrences == 0  # literal, never a pattern


async def test_through_the_registry_with_limits() -> None:
    reg = ToolRegistry(ToolsConfig(plugins_enabled=False))
    reg.add(make_text_stats())
    ok = await reg.call("text_stats", {"text": "你好，世界"}, ToolContext())
    assert not ok.isError and ok.structuredContent is not None and ok.structuredContent["han"] == 4
    too_long = await reg.call("text_stats", {"text": "x" * 20_001}, ToolContext())
    assert too_long.isError
