"""Tool words that are not tool requests (issue 16, the routing half of the first answer run's failures).

A temperature word is the temperature *of something* unless a place, a day or the present makes it weather; a
clock or calendar word asks the clock only when little else is asked ("when does the shuttle leave" is a question
for the documents); "以上"/"上面" point back only where they are a pronoun ("3分及以上", "世界上面积" are not); a
day count before 天起 is no typo for 天气. Examples written for these tests."""

from __future__ import annotations

from datetime import datetime

import pytest

from autoglm.services.parser.pipeline import parse_request
from autoglm.services.parser.text import normalize

NOW = datetime.fromisoformat("2026-11-25T10:00:00+08:00")


def route(text: str) -> tuple[str | None, str | None]:
    graph = parse_request(text, now=NOW)
    assert graph.intents, graph
    return graph.clarification, graph.intents[0].tool


@pytest.mark.parametrize("text", [
    "服务器机柜的进风温度上限是多少度？", "冷库应该保持在几度？", "What is the maximum storage temperature for the vaccine?",
    "At how many degrees Celsius does this glue cure?", "咖啡机的出水温度是多少？",
])
def test_the_temperature_of_a_thing_is_not_weather(text: str) -> None:
    clarification, tool = route(text)
    assert tool != "weather" and clarification is None


@pytest.mark.parametrize("text", [
    "杭州明天多少度？", "成都现在温度多少", "What's the temperature in Paris tomorrow?", "How hot is it in Dubai right now?",
])
def test_the_temperature_of_a_place_and_day_is_weather(text: str) -> None:
    assert route(text)[1] == "weather"


def test_a_temperature_on_a_day_without_a_place_still_asks_for_the_city() -> None:
    clarification, tool = route("后天多少度？")
    assert tool == "weather" and clarification


@pytest.mark.parametrize("text", [
    "食堂每天中午几点开饭？", "图书馆周末几点关门？", "What time does the night shuttle leave the campus?",
    "What time should I submit the weekly report?",
])
def test_a_question_about_when_something_happens_is_not_the_clock(text: str) -> None:
    assert route(text)[1] != "datetime"


@pytest.mark.parametrize("text", ["现在几点了？", "几点了", "伦敦现在几点", "What time is it in Sydney?", "今天星期几？",
                                  "下周三是几号？", "what day is it today",
                                  "Hi, sorry to bother you, could you tell me what time it is in Madrid? Thanks!",
                                  "不好意思打扰一下，请问现在几点了？"])
def test_clock_and_calendar_questions_stay_with_the_datetime_tool(text: str) -> None:
    assert route(text)[1] == "datetime"


@pytest.mark.parametrize("text", ["绩效考核 4 分及以上有什么奖励？", "年满 18 岁以上的员工都可以申请吗？", "地球上面积最大的沙漠是哪个？",
                                  "因此需要提前多少天申请？"])
def test_words_that_only_look_like_a_reference_ask_no_clarifying_question(text: str) -> None:
    assert route(text)[0] is None


@pytest.mark.parametrize("text", ["把上面的内容翻译成英文", "总结一下上面的内容", "以上内容帮我润色一下"])
def test_a_real_reference_with_nothing_before_still_asks(text: str) -> None:
    assert route(text)[0] is not None


def test_a_day_count_before_tian_qi_is_not_a_weather_typo() -> None:
    assert "天气" not in normalize("产假从第 98 天起怎么计算工资？")
    assert "天气" not in normalize("从第3天起按八折计")
    assert "天气" in normalize("上海天起怎么样")


@pytest.mark.parametrize("text", ["P2 故障需要在多长时间内处理完？", "发票要保存多久？", "生产数据库的备份多久做一次？"])
def test_how_long_questions_are_questions_not_configuration(text: str) -> None:
    graph = parse_request(text, now=NOW)
    assert graph.intents and graph.intents[0].type.value == "question_answering", graph
