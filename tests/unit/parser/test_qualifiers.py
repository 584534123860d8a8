"""Qualifier accounting (issue 16): a word that changes the computation — scope (the whole lot, the others,
dropping the lowest), period (compounded monthly, a term in months), order (first … then), a change BY an amount,
a threshold (满150减20) — must be reflected by the steps, or the reading is not claimed. Each case gives the
wrong reading an exact step would make and the right one; the wrong one is flagged, the right one is not.
Sentences written for this test (en and zh), not taken from an evaluation set."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from autoglm.services.parser.pipeline import parse_request
from autoglm.services.parser.qualifiers import unaccounted
from autoglm.services.parser.uncomputed import account_qualifiers
from autoglm.shared.events import Intent, IntentGraph, IntentType

NOW = datetime(2026, 12, 6, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _steps(*exprs: str) -> list[Intent]:
    out = []
    for n, e in enumerate(exprs, 1):
        if e.startswith("convert:"):
            out.append(Intent(id=f"i{n}", type=IntentType.CALCULATION, tool="convert_units", text=e,
                              entities={"value": e.split(":")[1], "from_unit": "degC", "to_unit": "degF"}))
        else:
            out.append(Intent(id=f"i{n}", type=IntentType.CALCULATION, tool="calculator", text=e,
                              entities={"expression": e}))
    return out


CASES = [
    # scope: a percentage on the whole lot acts on the subtotal, not on one item
    ("scope", "2 scarves at 14.50 each and a hat for 22, with 10% off the whole order. Total?",
     ["22*(100-10)/100"], ["(2*14.50+22)*(100-10)/100"]),
    ("scope", "Three lamps at 35 each and a rug for 120; the store knocks 20% off everything.",
     ["120*0.8"], ["(3*35+120)*0.8"]),
    ("scope", "两本词典每本58元，一个书包99元，全部打8折，要付多少？",
     ["99*8/10"], ["(2*58+99)*8/10"]),
    ("scope", "买了3斤樱桃每斤40元和一个西瓜25元，全部打九折，一共多少？", ["3*40+25"], ["(3*40+25)*0.9"]),
    ("scope", "外卖点了两份饭各32元，付多少？", ["32"], ["2*32"]),
    ("scope", "I ordered three pizzas at 11.90 each. What's the bill?", ["11.90"], ["3*11.90"]),
    # scope: the others / the rest take a difference
    ("scope", "Of 60 apples, 1/3 are green and a quarter of the others are bruised. How many are bruised?",
     ["1/3"], ["(60-60/3)/4"]),
    ("scope", "公司有80人，四分之一是销售，剩下的人中一半是工程师，工程师有几个？", ["80/4"], ["(80-80/4)/2"]),
    ("scope", "I had 500 and spent 40% on rent. How much is left?", ["500*40/100"], ["500*(100-40)/100"]),
    # scope: a value left out of an average
    ("scope", "Times of 12, 15, 11, 19 and 14 seconds; excluding the highest, what's the mean?",
     ["(12+15+11+19+14)/5"], ["(12+15+11+14)/4"]),
    ("scope", "六个评分7、8、9、6、8、10，去掉最低分后平均多少？", ["(7+8+9+6+8+10)/6"], ["(7+8+9+8+10)/5"]),
    # period: the compounding count per year, a term in months or days
    ("period", "Invest 4,000 at 3% a year compounded monthly for 5 years. Final amount?",
     ["4000*(1+3/100)^5"], ["4000*(1+3/100/12)^(5*12)"]),
    ("period", "本金2万元，年利率4%，按季度复利，4年后多少？", ["20000*(1+4/100)^4"], ["20000*(1+4/100/4)^(4*4)"]),
    ("period", "A loan of 6,000 at 8% per year simple interest for 15 months: interest?",
     ["6000*8/100*15"], ["6000*8/100*15/12"]),
    ("period", "存了3万元，年化2.5%，存了90天，一年按360天算，利息多少？", ["30000*2.5/100*90/365"],
     ["30000*2.5/100*90/360"]),
    # order: the later modifier acts on the value holding the earlier
    ("order", "A drill is 150. First a 20 voucher, then 15% off the rest. What do I pay?",
     ["150*(100-15)/100-20"], ["(150-20)*(100-15)/100"]),
    ("order", "大衣原价900元，先减100元，再打9折，最后多少钱？", ["900*0.9-100"], ["(900-100)*0.9"]),
    # a change BY an amount is not converted as a level
    ("difference", "The oven is at 200 °C. If I lower it by 15 degrees Celsius, what is that in °F?",
     ["convert:15"], ["convert:(200-15)"]),
    ("difference", "空调现在24摄氏度，调高2度后是多少华氏度？", ["convert:2"], ["convert:(24+2)"]),
    # a threshold is a condition, never an operand
    ("threshold", "衣服一共230元，满200减30，实付多少？", ["200-30"], ["230-30*min(1,floor(230/200))"]),
    ("threshold", "Orders over 80 get 12 off. My basket is 95. What do I pay?", ["80-12"], ["95-12*min(1,floor(95/80))"]),
]


@pytest.mark.parametrize(("kind", "text", "wrong", "right"), CASES, ids=[c[1][:30] for c in CASES])
def test_a_wrong_reading_leaves_the_qualifier_unaccounted(kind: str, text: str, wrong: list[str], right: list[str]) -> None:
    issues = unaccounted(text, _steps(*wrong))
    assert [u.kind for u in issues][:1] == [kind]
    assert unaccounted(text, _steps(*right)) == []


@pytest.mark.parametrize("text", [
    "5 notebooks at 3.20 each and 2 pens at 1.50 each. What's the total?",
    "The TV costs 1,200 and is 15% off. What do I pay?",
    "I deposit 2,000 at 5% a year compounded annually. How much after 3 years?",
    "苹果每斤8元，买了3斤，付了50元，找回多少？",
    "I bought 4 tickets at 12.50 each and paid with 60. How much change do I get?",
])
def test_plain_problems_have_nothing_unaccounted(text: str) -> None:
    graph = parse_request(text, now=NOW)
    assert not any(i.entities.get("uncomputed") for i in graph.intents), graph.intents


def test_the_steps_that_ignore_a_qualifier_become_the_uncomputed_part() -> None:
    text = "The bath is at 38 °C. What is that in °F? And if I cool it by 4 degrees Celsius, what's the new °F reading?"
    graph = IntentGraph(language="en", intents=_steps("convert:38", "convert:4"))
    honest = account_qualifiers(graph, text)
    assert [i.tool for i in honest.intents] == ["convert_units", None]
    assert honest.intents[0].entities["value"] == "38"
    assert honest.intents[-1].entities == {"uncomputed": True}


@pytest.mark.parametrize(("text", "steps"), [
    ("3斤是多少克？换算成盎司又是多少（1盎司按28.35克算）？", ["convert:3"]),
    ("What is 40% of 250? And how much is that per week over 4 weeks?", ["250*40/100"]),
])
def test_a_question_with_no_step_is_named_not_dropped(text: str, steps: list[str]) -> None:
    graph = IntentGraph(language="en", intents=_steps(*steps))
    honest = account_qualifiers(graph, text)
    assert len(honest.intents) == len(steps) + 1
    assert honest.intents[-1].entities == {"uncomputed": True}
