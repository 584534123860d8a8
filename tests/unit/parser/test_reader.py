"""The whole-request reader of word problems (reader.py, issue 16): quantities by their roles, every number
placed or nothing claimed. Fresh sentences per class, none from an evaluation set."""

from __future__ import annotations

from datetime import date

import pytest

from autoglm.services.parser.problem import compile_problem, read_problem
from autoglm.services.parser.text import normalize
from autoglm.services.tool_executor.builtins.calculator import evaluate

TODAY = date(2026, 12, 6)


def results(text: str) -> list[float]:
    compiled = compile_problem(normalize(text), TODAY, has_last=False)
    assert compiled is not None, text
    values: dict[str, float] = {}
    out = []
    for n, step in enumerate(compiled.steps, 1):
        assert step.tool == "calculator"
        expr = step.entities["expression"]
        for key, value in values.items():
            expr = expr.replace("{" + key + "}", repr(value))
        values[f"i{n}"] = float(evaluate(expr))
        out.append(values[f"i{n}"])
    return out


@pytest.mark.parametrize(("text", "expected"), [
    # items at a unit price, change, a split
    ("I bought 5 bagels at 1.20 each and 3 juices at 2.75 each. What did it come to?", [14.25]),
    ("Two lamps at 35 each and 4 bulbs at 2.5 each; I hand over 100. What change?", [80, 20]),
    ("橙子每斤6元买了4斤，牛奶每盒3.5元买了2盒，付了50元，找回多少？", [31, 19]),
    # averages with units, how far above/below, the score needed on the next test
    ("Five loaves weigh 410 g, 395 g, 402 g, 388 g and 405 g. What is the mean weight?", [400]),
    ("My marks were 64, 70 and 85. What is the average, and how far below 75 is it?", [73, 2]),
    ("四周的步数是12000、9000、15000和10000，平均每周多少步？比10000多多少？", [11500, 1500]),
    ("I got 90, 70, 80 and 60 so far. What must I score on the 5th to average 78?", [90]),
    # percent change
    ("Membership went from 400 to 460 people. What percentage increase is that?", [15]),
    ("上个月用水20吨，这个月用水17吨，减少了百分之几？", [15]),
    # proportion and work rate
    ("A recipe for 2 people needs 150 g of pasta. How much do I need for 5 people?", [375]),
    ("6 pumps can drain the pond in 10 hours. How many hours would 4 pumps take?", [15]),
    ("12个工人9天能完成，如果要6天完成，需要多少人？", [18]),
    # shapes
    ("A field is 40 m long and 25 m wide. What are its area and perimeter?", [1000, 130]),
    ("一个长方体长3米、宽2米、高1.5米，体积是多少立方米？", [9]),
    ("正方形花坛边长6米，周长是多少？", [24]),
    # ages
    ("She was born on 30 November 2001. How old is she on 15 October 2030?", [28]),
    ("他2010年5月1日出生，到2030年5月1日满多少周岁？", [20]),
    # tax, then a tip on the pre-tax amount, then a split
    ("The meal was 200 before tax; tax is 10% and the tip is 15% of the pre-tax amount, split 5 ways. Each?", [250, 50]),
    # a rate times an amount of its unit
    ("The nanny charges 18 an hour and stayed 6.5 hours. What do we owe?", [117]),
])
def test_the_reader_places_each_quantity_by_its_role(text: str, expected: list[float]) -> None:
    got = results(text)
    assert got == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize("text", [
    # a number the reading would have no role for: not claimed
    ("I bought 3 mugs at 8 each and 2 plates at 6 each, and 7 of us came. What is the total?"),
    ("My scores were 60, 70 and 80 in 3 rooms. What is the average?"),
])
def test_a_number_with_no_role_leaves_the_request_unclaimed(text: str) -> None:
    compiled = compile_problem(normalize(text), TODAY, has_last=False)
    assert compiled is None or all("7" not in s.entities.get("expression", "x") for s in compiled.steps)


def test_an_age_counts_whole_years_not_days() -> None:
    assert results("我是1990年8月15日出生的，到2027年8月14日那天我满多少周岁？") == [36]


def test_how_much_cheaper_than_the_original_price_compares_with_the_first_amount() -> None:
    # a fall then a rise: "比原价" is the stated price, not the price before the rise
    assert results("台灯原价300元，先降价20%，后来又涨了10%，现在卖多少？比原价便宜了多少？")[-2:] == pytest.approx([264, 36])


def test_read_problem_says_which_clause_it_could_not_read() -> None:
    got = read_problem(normalize("A kettle costs 80, 25% off today, then the shop throws in a mystery bonus. What do I pay?"),
                       TODAY, has_last=False)
    assert got is not None and got.uncompiled
    assert "mystery bonus" in got.uncompiled[0]
    # the steps before it are kept, none after it
    assert all("mystery" not in s.text for s in got.steps)


def test_read_problem_is_whole_when_the_compiler_is() -> None:
    got = read_problem(normalize("I bought 5 bagels at 1.20 each and 3 juices at 2.75 each. What did it come to?"),
                       TODAY, has_last=False)
    assert got is not None and got.uncompiled == [] and got.steps


def test_read_problem_sees_no_arithmetic_in_a_request_without_numbers() -> None:
    assert read_problem(normalize("what's the weather like in Paris tomorrow?"), TODAY, has_last=False) is None
