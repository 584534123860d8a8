"""The bill read clause by clause (bill.py, issue 16): items summed into a subtotal, then each modifier in the
stated order on the value it names, each a calculator step; nothing claimed when a clause or a number has no role.
Fresh sentences (en and zh) written for this test, none from an evaluation set."""

from __future__ import annotations

from datetime import date

import pytest

from autoglm.services.parser.problem import compile_problem
from autoglm.services.parser.text import normalize
from autoglm.services.tool_executor.builtins.calculator import evaluate

TODAY = date(2026, 12, 6)


def final(text: str) -> float | None:
    compiled = compile_problem(normalize(text), TODAY, has_last=False)
    if compiled is None:
        return None
    values: dict[str, float] = {}
    for n, step in enumerate(compiled.steps, 1):
        assert step.tool == "calculator", step
        expr = step.entities["expression"]
        for key, value in values.items():
            expr = expr.replace("{" + key + "}", repr(value))
        values[f"i{n}"] = float(evaluate(expr))
    return values[f"i{len(compiled.steps)}"]


@pytest.mark.parametrize(("text", "expected"), [
    ("At the deli: 2 sandwiches at 6.40 each, 3 juices at 2.20 each and a cookie for 1.50. "
     "I have a 5% staff discount on the whole order. What do I owe?", (2 * 6.4 + 3 * 2.2 + 1.5) * 0.95),
    ("A kettle is listed at 64. They take 15% off, then my 10 voucher comes off, then 6% tax is added. Final price?",
     (64 * 0.85 - 10) * 1.06),
    ("A coat is priced at 220. First a 20 coupon comes off, then 25% off what remains. What do I pay?", (220 - 20) * 0.75),
    ("Four of us rent a cabin: 3 nights at 140 a night, plus a 45 cleaning fee, plus a 10% service fee on all of it. "
     "What does each person pay?", (3 * 140 + 45) * 1.1 / 4),
    ("The desk is 350. They knock 20% off, then charge 30 for delivery. What's the total?", 350 * 0.8 + 30),
    ("买了3盒草莓每盒29元、2袋坚果每袋45元，满100减15，减完再打九折，实付多少？", (3 * 29 + 2 * 45 - 15) * 0.9),
    ("一件衬衫199元，一条裤子159元，满300减40，最后付多少钱？", 199 + 159 - 40),
    ("火锅一共花了624元，加收10%服务费，四个人平摊，每人多少？", 624 * 1.1 / 4),
    ("汇率按1欧元=7.7元人民币，网上买包230欧元，运费另加18欧元，折合人民币一共多少？", (230 + 18) * 7.7),
])
def test_a_bill_is_read_in_the_stated_order(text: str, expected: float) -> None:
    assert final(text) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize("text", [
    # a tax the price already holds is taken out, not added
    "A bike costs 1,130 with 13% VAT included in that price. What is the price before VAT?",
    # the fee is in the target currency: where the conversion falls is not read as a bill
    "At 1 GBP = 1.15 EUR, I change 300 pounds, then pay a 10-euro fee. How many euros are left?",
    # a clause with a number no pattern places
    "Pizza for 3 is 36 and each extra topping is 2.5 for 2 toppings. What's the bill after 10% off?",
])
def test_a_bill_with_a_clause_it_cannot_place_is_not_claimed_as_a_bill(text: str) -> None:
    from autoglm.services.parser.bill import read_bill
    from autoglm.services.parser.problem import _prepare

    assert read_bill(_prepare(normalize(text))) is None
