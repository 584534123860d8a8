"""The parser's exact-steps post-pass (chain.py): continuations of a calculation name the earlier result,
unit conversions, date arithmetic and counting go to their tools; other clauses are left alone."""

from __future__ import annotations

from datetime import datetime

import pytest

from autoglm.services.parser.pipeline import parse_request

NOW = datetime(2026, 12, 6, 10, 0)


def intents(text: str, context: tuple[str, ...] = ()) -> list[tuple[str | None, dict, list[str]]]:
    graph = parse_request(text, now=NOW, context=context)
    assert graph.clarification is None, graph
    return [(i.tool, i.entities, i.depends_on) for i in graph.intents]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("先算250乘以0.8，再减去优惠券的20元", [("calculator", {"expression": "250*0.8"}, []),
                                            ("calculator", {"expression": "{i1}-20"}, ["i1"])]),
        ("计算100的15%，然后加上20，再乘以2", [("calculator", {"expression": "100*15/100"}, []),
                                           ("calculator", {"expression": "{i1}+20"}, ["i1"]),
                                           ("calculator", {"expression": "{i2}*2"}, ["i2"])]),
        ("what is 15% of 80, then subtract 30", [("calculator", {"expression": "80*15/100"}, []),
                                                  ("calculator", {"expression": "{i1}-30"}, ["i1"])]),
        ("what is 12*3 and then divide it by 4", [("calculator", {"expression": "12*3"}, []),
                                                   ("calculator", {"expression": "{i1}/4"}, ["i1"])]),
        ("what is 120*3? what is that in euros at 1.08", [("calculator", {"expression": "120*3"}, []),
                                                           ("calculator", {"expression": "{i1}*1.08"}, ["i1"])]),
    ],
)
def test_a_continuation_names_the_earlier_result(text: str, expected: list) -> None:
    assert intents(text) == expected


@pytest.mark.parametrize(
    ("text", "expression"),
    [("then subtract 30", "{last}-30"), ("再减去20", "{last}-20"), ("再乘以3呢？", "{last}*3"),
     ("what is that in euros at 1.08", "{last}*1.08"), ("what's 20% of that", "{last}*20/100"),
     ("再打八折", "{last}*0.8"), ("double it", "{last}*2")],
)
def test_a_first_clause_continues_the_previous_turn(text: str, expression: str) -> None:
    assert intents(text, ("what is 120*3?", "120*3 = 360")) == [("calculator", {"expression": expression}, [])]


def test_a_pointer_to_a_result_nobody_gave_is_asked_about() -> None:
    # "that" with no earlier turn in the session: the parser asks (issue 17), the planner is never
    # handed a {last} it can't resolve
    graph = parse_request("what's 20% of that", now=NOW)
    assert graph.clarification and not any(i.tool == "calculator" for i in graph.intents)


def test_an_amount_at_a_stated_rate_is_plain_arithmetic() -> None:
    # a rate without units is read the way the two currencies are quoted (1 EUR = 1.08 USD: dollars divide)
    assert intents("把100美元换算成欧元，汇率1.08") == [("calculator", {"expression": "100/1.08"}, [])]
    assert intents("convert 250 dollars to euros at 0.92") == [("calculator", {"expression": "250*0.92"}, [])]


@pytest.mark.parametrize(
    ("text", "value", "source", "target"),
    [("5公里是多少英里", 5, "km", "mi"), ("convert 10 km to miles", 10, "km", "mi"), ("10 km in miles", 10, "km", "mi"),
     ("100华氏度是多少摄氏度", 100, "°F", "°C"), ("3斤等于多少克", 3, "斤", "g")],
)
def test_unit_conversions(text: str, value: float, source: str, target: str) -> None:
    assert intents(text) == [("convert_units", {"value": value, "from_unit": source, "to_unit": target}, [])]


@pytest.mark.parametrize(
    ("text", "entities"),
    [
        ("2025年3月1日加上45天是哪天", {"operation": "add", "start": "2025-03-01", "days": 45}),
        ("45天后是几号", {"operation": "add", "start": "2026-12-06", "days": 45}),
        ("3周后是星期几", {"operation": "add", "start": "2026-12-06", "weeks": 3}),
        ("what date is 100 days from today", {"operation": "add", "start": "2026-12-06", "days": 100}),
        ("what date was it 30 days ago", {"operation": "add", "start": "2026-12-06", "days": -30}),
        ("距离2027年1月1日还有多少天", {"operation": "diff", "start": "2026-12-06", "end": "2027-01-01"}),
        ("how many days until Christmas", {"operation": "diff", "start": "2026-12-06", "end": "2026-12-25"}),
        ("how many days between 2026-01-01 and 2026-03-01", {"operation": "diff", "start": "2026-01-01",
                                                               "end": "2026-03-01"}),
    ],
)
def test_date_arithmetic(text: str, entities: dict) -> None:
    assert intents(text) == [("datetime", entities, [])]


def test_counting() -> None:
    assert intents("这句话有多少个字：今天天气很好，我们去公园吧") == [("text_stats", {"text": "今天天气很好，我们去公园吧"}, [])]
    assert intents("how many words are in this sentence: the cat sat on the mat") == [
        ("text_stats", {"text": "the cat sat on the mat"}, [])]
    assert intents("“苹果”出现了几次：苹果很甜，我喜欢苹果") == [
        ("text_stats", {"text": "苹果很甜，我喜欢苹果", "phrase": "苹果"}, [])]


@pytest.mark.parametrize(
    "text",
    ["加班到十点 真累啊", "今天是今年的第几天", "Put this into Chinese: The train leaves at 8 tomorrow morning.",
     "写一首关于秋天的诗", "查询北京明天的天气并生成一段提醒文案", "(12+8)*3等于多少？"],
)
def test_other_clauses_are_left_alone(text: str) -> None:
    from autoglm.services.parser.pipeline import _parse, _today

    before, _ = _parse(text, NOW, "Asia/Shanghai", (), None)
    assert parse_request(text, now=NOW) == before
    assert _today(NOW, "Asia/Shanghai").isoformat() == "2026-12-06"
