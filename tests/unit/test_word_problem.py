"""The word-problem judgement (issue 16): a request that states its own quantities and asks for a number is
arithmetic, and is never routed to SQL, the knowledge base or the weather; a question about a number the request
does not state, or one that names another source, is not claimed. Sentences written for this test."""

from __future__ import annotations

import pytest

from autoglm.shared.word_problem import is_follow_up, is_word_problem, numbers_in


@pytest.mark.parametrize("text", [
    "A lamp is $84.90 and shipping adds 6.5%. What do I pay in total?",
    "We are 4 friends and the taxi came to 137 yuan, how much does each of us owe?",
    "I walked 3.2 km on Monday and 5.7 km on Tuesday. How far is that altogether?",
    "Tickets are 45 each; with a 15% group discount, what do 8 tickets cost?",
    "My test marks were 71, 84, 90 and 66. What is the average?",
    "一瓶洗发水 39.9 元，第二瓶打七折，买两瓶一共多少钱？",
    "每天跑 6 公里，跑了 12 天，总共跑了多少公里？",
    "房租每月 2800 元，押一付三，第一次要交多少？",
    "4 个人吃饭花了 356 元，平摊每人多少？",
    "I was born on 3 May 1994. How old will I be on 1 June 2030?",
    "Membership was 180 in 2025 and 198 in 2026. At the same percentage rise, what will it be next year?",
    "The bus leaves at 07:50 and arrives at 11:05. How many minutes is the ride?",
    # the price of one of a stated count (no currency written)
    "A sleeve of 16 crackers is 3.20. How much is that per cracker?",
    "一包28片的尿布卖96元，每片多少钱？",
])
def test_a_stated_problem_is_claimed(text: str) -> None:
    assert is_word_problem(text)


@pytest.mark.parametrize("text", [
    "How much is a 2-night stay in the garden suite?",  # a price the request does not state
    "What does the 3-day pass cost for 2 adults?",
    "订单 20481 的金额是多少？再加 10% 是多少",  # names the order: its numbers come from the database
    "What's the status of order 7731 and how much was it?",
    "北京明天最高气温多少度？比今天高 3 度吗",
    "Write a 100-word ad for a café that pays 25 yuan an hour.",
    "把“这件衣服打八折后 240 元”翻译成英文",
    "According to the policy, how many days of leave do I get after 5 years?",
    "总结一下：本次活动共有 320 人参加，收入 4.5 万元，支出 3.8 万元。",
    "What is the capital of Australia?",
    "What does error E-310 on the HC-11 charger mean?",  # codes carry no numbers
])
def test_other_requests_are_not_claimed(text: str) -> None:
    assert not is_word_problem(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("And how many ounces is that?", True),
    ("那四个人分的话每人多少？", True),
    ("如果每小时的费用是 35 元，一共多少钱？", True),
    ("How many people live in Paris?", False),  # asks a number, but of nothing earlier
    ("Thanks, that's great!", False),
    ("Then write a short note about it", False),
])
def test_a_follow_up_asks_a_number_about_an_earlier_result(text: str, expected: bool) -> None:
    assert is_follow_up(text) is expected


def test_numbers_are_read_as_written() -> None:
    assert numbers_in("20,000 at 3.5% for 4 years, model HC-11, 95 m2") == [20000.0, 3.5, 4.0, 95.0]
