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


@pytest.mark.parametrize(("text", "expected"), [
    # interest: compound or simple, the total or the interest only, then a fee
    ("I deposit 3,000 at 5% interest compounded yearly for 2 years and then pay a 25 closing fee. What's left?",
     [3307.5, 3282.5]),
    ("A loan of 1,000 at 4% simple interest for 3 years: how much interest is that?", [120]),
    ("本金2万元，年利率2%，按单利存两年，到期本息一共多少？", [20800]),
    # speed × time over legs, then a stated factor
    ("A bus runs at 40 km/h for 1 hour 30 minutes and then at 60 km/h for 30 minutes. How far does it go?", [90]),
    ("以每小时80公里的速度开了2.5小时，按1公里=0.62英里算，一共走了多少英里？", [200, 124]),
    # one amount at a stated rate, either direction, with a rounding asked for
    ("If 1 EUR = 1.1 USD, how many euros do I get for 550 USD?", [500]),
    ("按1美元兑7.3元人民币算，2000元人民币能换多少美元？保留两位小数", [273.97]),
])
def test_more_roles(text: str, expected: list[float]) -> None:
    assert results(text) == pytest.approx(expected, abs=0.01)


def test_a_question_the_reading_does_not_answer_leaves_the_request_unclaimed() -> None:
    # the average is read, "by what percent is the best month above it" is not: no partial answer as if whole
    text = "Sales were 10, 14, 12 and 16 thousand. What is the monthly average? By what percent is the best month above it?"
    compiled = compile_problem(normalize(text), TODAY, has_last=False)
    assert compiled is None or len(compiled.steps) >= 2


@pytest.mark.parametrize(("context", "text", "step"), [
    (["A concert lasts 135 minutes. How many minutes do three concerts last?", "135*3 = 405"], "And in hours?",
     {"value": "{last}", "from_unit": "min", "to_unit": "h"}),
    (["A bag of rice weighs 2500 g. What do 4 bags weigh?"], "What's that in kilograms?",
     {"value": "{last}", "from_unit": "g", "to_unit": "kg"}),
    (["这段路长3.2公里，来回一趟走多少公里？"], "换算成米呢？", {"value": "{last}", "from_unit": "km", "to_unit": "m"}),
])
def test_a_digit_less_follow_up_converts_the_last_result_from_its_unit(context: list[str], text: str,
                                                                        step: dict) -> None:
    from autoglm.services.parser.pipeline import parse_request

    graph = parse_request(text, context=context)
    assert [(i.tool, i.entities) for i in graph.intents] == [("convert_units", step)]


def test_a_follow_up_whose_last_unit_is_unclear_is_not_guessed() -> None:
    from autoglm.services.parser.reader import follow_up_conversion, unit_of_last

    assert unit_of_last(["It is 5 km to the lake and 40 minutes by bike. What is the total?"]) is None
    assert follow_up_conversion("And in hours?", None) is None
    assert follow_up_conversion("And in kilograms?", "min") is None  # another quantity


def test_a_new_question_in_another_unit_is_no_follow_up() -> None:
    from autoglm.services.parser.pipeline import parse_request

    graph = parse_request("How many hours is the flight from Paris to Rome?",
                          context=["A concert lasts 135 minutes. How many minutes do three concerts last?", "405"])
    assert all(i.tool != "convert_units" for i in graph.intents)


@pytest.mark.parametrize(("text", "final"), [
    # a coupon or voucher with no verb before it, after a discount
    ("The kettle is 120, 20% off this week, and I also have a 15 off coupon. What do I pay?", 81),
    ("The lamp costs ¥250, now 10% off, then a ¥25 voucher. Final price?", 200),
    # a tip on the after-tax total, then a split stated as N ways
    ("The tab came to $80. Add 10% tax, then a 20% tip on the after-tax total, and split it 4 ways. Each share?", 26.4),
    ("饭钱500元，先加8%的税，再在税后金额上给10%的小费，一共多少？", 594),
    # a surcharge stated as 另收
    ("两个人吃饭一共300元，另收10%服务费，再打九折，最后付多少？", 297),
])
def test_chain_pieces_read_in_more_words(text: str, final: float) -> None:
    assert results(text)[-1] == pytest.approx(final, abs=0.01)


def test_a_question_for_each_share_is_not_answered_with_the_total() -> None:
    # no head count anywhere: the chain must not end at the total
    text = "吃饭一共800元，另收10%服务费，AA的话每人多少？"
    assert compile_problem(normalize(text), TODAY, has_last=False) is None
    assert read_problem(normalize(text), TODAY, has_last=False).uncompiled
    # the head count stated with the amount shares the result
    assert results("我们五个人吃饭一共800元，另收10%服务费，AA的话每人多少？")[-1] == pytest.approx(176)


def test_labelled_values_average_but_two_labelled_amounts_are_no_list() -> None:
    assert results("一组42人，二组38人，三组46人，平均每组多少人？") == pytest.approx([42])
    assert compile_problem(normalize("贷款本金60万，年利率3.6%，平均每个月利息多少钱？"), TODAY, has_last=False) is None


@pytest.mark.parametrize(("text", "expected"), [
    # the compounding period and a term in months, days or half a year (fresh sentences, arith4)
    ("Savings of 5,000 earn 3% a year compounded quarterly. What is the balance after 3 years?",
     [5000 * (1 + 0.03 / 4) ** 12]),
    ("A 10,000 deposit grows at 6% per year, compounded monthly, for 2 years. How much is it then?",
     [10000 * (1 + 0.06 / 12) ** 24]),
    ("本金8000元，年利率3%，按月复利，2年后本息合计多少？", [8000 * (1 + 0.03 / 12) ** 24]),
    ("I borrow 4,000 at 9% simple interest a year for 8 months. How much do I repay in total?", [4000 * (1 + 0.09 * 8 / 12)]),
    ("Lend 2,400 at 5% simple interest per year for 6 months: how much interest?", [60]),
    ("5万元买了理财产品，年化收益2.92%，持有100天，一年按365天算，能赚多少？", [50000 * 0.0292 * 100 / 365]),
    ("3万元借给朋友半年，年利率4%，单利，利息是多少？", [600]),
])
def test_interest_with_a_period_or_a_term_in_months(text: str, expected: list[float]) -> None:
    assert results(text) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize(("text", "expected"), [
    # the price of one of a stated count or measure (fresh sentences, arith4)
    ("A crate of 20 oranges is 13.00. How much is that per orange?", [0.65]),
    ("A roll of 8 stamps costs 9.60. What does one stamp cost?", [1.2]),
    ("Half a dozen muffins cost 7.50. How much is one muffin?", [1.25]),
    ("一桶5升的油卖79.5元，每升多少钱？", [15.9]),
    ("一盒巧克力18颗卖54元，每颗多少钱？", [3]),
])
def test_the_price_of_one(text: str, expected: list[float]) -> None:
    assert results(text) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize("text", [
    "一箱水24瓶卖36元，第二箱半价，买两箱平均每瓶多少钱？",  # a quantity in words the division would ignore
    "A box of 10 pens is 6.00 and a box of 12 is 7.20. How much is that per pen?",  # which box?
])
def test_the_price_of_one_is_not_guessed(text: str) -> None:
    compiled = compile_problem(normalize(text), TODAY, has_last=False)
    assert compiled is None or len(compiled.steps) > 1


@pytest.mark.parametrize(("first", "text", "expression"), [
    ("A tin of 25 nails is 3.75. How much is that per nail?", "and what would 40 of them cost?", "{last}*40"),
    ("一袋10个苹果卖15元，每个多少钱？", "那买6个要多少钱？", "{last}*6"),
    ("A pack of 4 batteries costs 5.20. How much is one battery?", "ok so 9 batteries at that price?", "{last}*9"),
])
def test_n_more_at_the_unit_price_the_last_turn_found(first: str, text: str, expression: str) -> None:
    from autoglm.services.parser.pipeline import parse_request

    graph = parse_request(text, context=[first, "0.15"])
    assert [(i.tool, i.entities) for i in graph.intents] == [("calculator", {"expression": expression})]


def test_a_price_question_without_a_unit_price_before_is_no_follow_up() -> None:
    from autoglm.services.parser.reader import more_at_unit_price

    assert more_at_unit_price("and what would 40 of them cost?", ["What's the capital of France?", "Paris"]) is None
    assert more_at_unit_price("and what would 40 of them cost?", []) is None


@pytest.mark.parametrize(("text", "expected"), [
    # a share of the whole, then a share of the rest (fresh sentences, arith4)
    ("A library has 600 books; 1/5 are novels and a third of the others are textbooks. How many textbooks?", [160]),
    ("Of 90 runners, 40% finished under an hour and half of the rest walked the last lap. How many walked it?", [27]),
    ("果园有240棵树，四分之一是苹果树，其余的树中三分之二是梨树，梨树有多少棵？", [120]),
    ("A jar holds 48 sweets; a quarter are eaten and a third of the remaining ones are given away. How many are left?",
     [24]),
    # averages: the count after the values, values left out, a shortfall to a target
    ("I swam 1.2, 1.5, 0.9 and 1.4 km on 4 mornings. What is my average swim?", [1.25]),
    ("Judges gave 7.5, 8.0, 9.5, 6.0 and 8.5. Excluding the highest and the lowest, what is the mean?", [8.0]),
    ("七位评委打分85、90、78、92、88、95、80，去掉一个最高分和一个最低分后平均多少？", [87]),
    ("Donations so far: 120, 85 and 60. How much more do we need to reach 500?", [235]),
])
def test_shares_of_the_rest_and_averages_with_a_qualifier(text: str, expected: list[float]) -> None:
    assert results(text) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize(("text", "expected"), [
    # a volume asked in litres, from the unit of the lengths (fresh sentences, arith4)
    ("An aquarium is 50 cm by 25 cm by 30 cm. How many litres does it hold?", [37.5]),
    ("一个水箱长1.2米、宽0.5米、高0.8米，能装多少升水？", [480]),
    ("长60厘米、宽40厘米、高50厘米的箱子，容积是多少毫升？", [120000]),
])
def test_a_volume_in_the_unit_asked(text: str, expected: list[float]) -> None:
    assert results(text) == pytest.approx(expected, abs=0.01)
