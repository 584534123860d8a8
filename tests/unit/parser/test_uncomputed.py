"""A word problem no reader compiles in full keeps its exact steps and names the rest as one ``uncomputed``
intent: never a model, SQL, knowledge-base or weather intent, never a clarifying question (issue 16).
Sentences written for this test, not taken from an evaluation set."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from autoglm.services.parser.pipeline import parse_request
from autoglm.services.parser.uncomputed import honest_graph
from autoglm.shared.events import Intent, IntentGraph, IntentType

NOW = datetime(2026, 12, 6, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
_OTHER = {"sql_query", "kb_search", "weather", "http_get"}


@pytest.mark.parametrize("text", [
    "Our dinner bill is $212.40. Add 6% city tax, then a 15% tip on the taxed amount, split 4 ways. Each share?",
    "A tank fills at 12 litres a minute and leaks 3 litres a minute. How long until it holds 540 litres?",
    "Water is 3.2 per m³ for the first 10 m³ and 4.5 per m³ after that. We used 14 m³. What is the bill?",
    "A shop sells pens in packs of 12 at 9.60 a pack or singly at 0.95. What is the cheapest way to buy 30 pens?",
    "订单系统之外的问题：一桶 4 升的油卖 72 元，另一桶 2.5 升卖 48 元，哪桶每升更便宜？",
    "一个水箱每分钟进水 12 升，同时每分钟漏水 3 升，要装到 540 升需要多少分钟？",
    "停车场前 2 小时 10 元，之后每小时 4 元，我停了 7 小时，要交多少？",
])
def test_an_unread_word_problem_is_named_not_routed(text: str) -> None:
    graph = parse_request(text, now=NOW)
    assert graph.clarification is None
    assert not any(i.tool in _OTHER for i in graph.intents)
    assert all(i.tool or i.entities.get("uncomputed") for i in graph.intents)  # nothing left to a model
    [left] = [i for i in graph.intents if i.entities.get("uncomputed")]
    assert left.type is IntentType.CALCULATION and left.tool is None


def test_the_exact_step_it_found_is_kept_before_the_rest() -> None:
    text = "The jacket was ¥880, now 25% off, and I have a ¥60 coupon on top. What do I pay?"
    graph = IntentGraph(language="en", intents=[
        Intent(id="i1", type=IntentType.CALCULATION, tool="calculator", text="The jacket was ¥880, now 25% off",
               entities={"expression": "880*(100-25)/100"}),
        Intent(id="i2", type=IntentType.QUESTION_ANSWERING, text="I have a ¥60 coupon on top", depends_on=["i1"]),
        Intent(id="i3", type=IntentType.QUESTION_ANSWERING, text="What do I pay"),
    ])
    honest = honest_graph(graph, text)
    assert [i.tool for i in honest.intents] == ["calculator", None]
    assert honest.intents[-1].entities == {"uncomputed": True} and "What do I pay" in honest.intents[-1].text


def _calc(i: str, expression: str, text: str) -> Intent:
    return Intent(id=i, type=IntentType.CALCULATION, tool="calculator", text=text, entities={"expression": expression})


def test_a_step_that_misses_a_stated_number_did_not_compute_the_problem() -> None:
    # Every step exact, but the stated principal is used by none of them: the asked total is named, not shown.
    text = "3万块钱存两年定期,年利率2.1%,按单利算,到期一共能拿多少?"
    graph = IntentGraph(language="zh", intents=[_calc("i1", "30*2.1/100", text)])
    honest = honest_graph(graph, text)
    assert honest.intents[0].entities == {"expression": "30*2.1/100"}
    assert honest.intents[-1].entities == {"uncomputed": True} and "一共" in honest.intents[-1].text
    # the same amount written out by the step (3万 = 30000) is used
    whole = IntentGraph(language="zh", intents=[_calc("i1", "30000*(1+2.1/100*2)", text)])
    assert honest_graph(whole, text) == whole


def test_an_earlier_result_is_not_invented_for_a_self_contained_problem() -> None:
    graph = parse_request("衬衫每件159元，买两件第二件半价，一共付多少？", now=NOW)
    assert not any("{last}" in str(i.entities) for i in graph.intents)


@pytest.mark.parametrize("text", [
    "What is 18% of 450?",  # one expression: the rules' exact step, unchanged
    "原价 640 元，先打八折，再减 50 元，最后付多少？",  # compiled in full
    "and after 20% tax?",  # a follow-up on the last turn's result
])
def test_what_is_computed_in_full_is_unchanged(text: str) -> None:
    graph = parse_request(text, now=NOW)
    assert graph.intents and not any(i.entities.get("uncomputed") for i in graph.intents)
    assert all(i.tool == "calculator" for i in graph.intents)


def test_a_stated_conversion_factor_is_the_conversions_own() -> None:
    text = "2.5 米等于多少英尺?按 1 英尺 = 0.3048 米算。"
    graph = IntentGraph(language="zh", intents=[Intent(id="i1", type=IntentType.CALCULATION, tool="convert_units",
                                                       text=text, entities={"value": 2.5, "from_unit": "m",
                                                                            "to_unit": "ft"})])
    assert honest_graph(graph, text) == graph
