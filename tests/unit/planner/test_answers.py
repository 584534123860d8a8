"""The planner's checked answers (services/planner/answers.py): knowledge-base extracts and rephrasings,
summaries with their faithfulness fallback, translations with their language check."""

from __future__ import annotations

from autoglm.services.planner import answers as A

PASSAGES = [
    {"text": "Full-time employees receive 15 days of paid annual leave per year. Unused days expire on 31 March.",
     "source": "/docs/handbook.md", "heading": "Leave > Annual leave", "citation": "Employee handbook § Leave > Annual leave",
     "score": 0.8},
    {"text": "Employees must submit a doctor's note for sick leave longer than 3 days.", "source": "/docs/handbook.md",
     "heading": "Leave > Sick leave", "citation": "Employee handbook § Leave > Sick leave", "score": 0.6},
]
OUTPUT = {"passages": PASSAGES, "extract": {"text": "Full-time employees receive 15 days of paid annual leave per year.",
                                            "passage": 0}}


def test_kb_answer_is_the_extract_with_its_citation() -> None:
    part = A.kb_answer("How many days of annual leave?", OUTPUT, zh=False)
    assert part.source == "extract" and part.grounded
    assert part.text.startswith("Full-time employees receive 15 days")
    assert "Sources:\n[1] Employee handbook § Leave > Annual leave (/docs/handbook.md)" in part.text
    assert "Sick leave" not in part.text  # only the passage the answer rests on is cited
    zh = A.kb_answer("年假有几天？", OUTPUT, zh=True)
    assert "来源：\n[1] Employee handbook" in zh.text


def test_rephrasing_that_keeps_the_facts_is_used() -> None:
    part = A.kb_answer("How many days of annual leave?", OUTPUT, zh=False, rephrased="You get 15 days of paid leave a year.")
    assert part.source == "model" and part.grounded and part.text.startswith("You get 15 days")


def test_rephrasing_that_changes_a_number_is_rejected_for_the_extract() -> None:
    part = A.kb_answer("How many days of annual leave?", OUTPUT, zh=False, rephrased="You get 20 days of paid leave a year.")
    assert part.source == "extract" and "15 days" in part.text and "20" not in part.text
    assert "rephrasing rejected" in part.note and "20" in part.note
    zh = A.kb_answer("年假有几天？", OUTPUT, zh=True, rephrased="全职员工每年有二十天带薪年假。")
    assert zh.source == "extract"
    loop = A.kb_answer("How many days?", OUTPUT, zh=False, rephrased="15 days. 15 days. 15 days. 15 days. 15 days.")
    assert loop.source == "extract" and "repeat" in loop.note


def test_nothing_found_is_said_so() -> None:
    assert A.kb_answer("anything", {"passages": []}, zh=True).text == "知识库中没有找到相关内容。"
    assert A.kb_answer("anything", {"passages": []}, zh=False).source == "template"


def test_rephrase_policy() -> None:
    assert not A.wants_rephrase("never", "年假有几天？", "Employees get 15 days.")
    assert A.wants_rephrase("cross_language", "年假有几天？", "Employees get 15 days.")
    assert not A.wants_rephrase("cross_language", "How many days?", "Employees get 15 days.")
    assert A.wants_rephrase("always", "How many days?", "Employees get 15 days.")
    messages = A.rephrase_messages("年假有几天？", "Employees get 15 days.", "zh")
    assert "Chinese" in messages[0]["content"] and "Employees get 15 days." in messages[1]["content"]


SOURCE = ("公司今年第三季度营收同比增长了12%，主要得益于海外市场的扩张。但利润率因原材料价格上涨而下降了3个百分点。"
          "管理层预计第四季度原材料价格将趋于稳定。")
REQUEST = "用一句话总结下面这段话：" + SOURCE


def test_summary_source_and_length() -> None:
    assert A.payload(REQUEST, {}) == SOURCE
    assert A.payload("Summarize “The council met on Monday and approved the budget.”", {}) == \
        "The council met on Monday and approved the budget."
    assert A.payload("总结一下", {"referent": "earlier text"}) == "earlier text"
    assert A.summary_length(REQUEST, SOURCE) == 1
    assert A.summary_length("Summarize this: " + SOURCE, SOURCE) == 2  # always shorter than the source


def test_faithful_summary_stands_and_small_talk_is_replaced() -> None:
    good = A.summary_answer("公司第三季度营收增长12%，但利润率下降了3个百分点。", REQUEST, SOURCE, "zh")
    assert good.source == "model"
    bad = A.summary_answer("Hello! How are you today? I like talking with you.", REQUEST, SOURCE, "zh")
    assert bad.source == "extract" and bad.text in SOURCE and bad.text.endswith("。") and len(bad.text) < len(SOURCE) / 2
    assert "en, not zh" in bad.note


def test_a_summary_as_long_as_its_source_is_no_summary() -> None:
    copied = A.summary_answer(SOURCE, REQUEST, SOURCE, "zh")  # the source handed back: faithful, but no summary
    assert copied.source == "extract" and "not a summary" in copied.note and len(copied.text) < len(SOURCE)
    source_en = ("The council met on Tuesday to discuss the transport budget. Members approved forty million dollars "
                 "for electric buses. Critics wanted road repairs first.")
    reworded = ("On Tuesday the council met to discuss the budget for transport. The members approved forty million "
                "dollars for electric buses. Critics wanted road repairs done first.")
    assert A.summary_answer(reworded, "Summarize: " + source_en, source_en, "en").source == "extract"
    short = A.summary_answer("The council approved forty million dollars for electric buses.", "Summarize: " + source_en,
                             source_en, "en")
    assert short.source == "model"
    one = "The council approved forty million dollars for electric buses."
    assert A.summary_answer(one, "Summarize: " + one, one, "en").source == "model"  # one sentence: nothing shorter


def test_translation_check() -> None:
    ok = A.translation_answer("Bonjour, comment allez-vous ?", "fr", "Hello, how are you?", zh=False)
    assert ok.source == "model" and ok.failed is None
    wrong = A.translation_answer("The output is: The output is: The output is:", "fr", "Hello, how are you?", zh=False)
    assert wrong.failed and wrong.source == "template" and "French" in wrong.text and "The output is" not in wrong.text
    zh = A.translation_answer("Good morning, how are you doing today?", "zh", "早上好，你好吗？", zh=True)
    assert zh.failed and "中文" in zh.text


def test_combined_source_is_the_least_checked() -> None:
    assert A.combined_source([A.Part("a", "tool"), A.Part("b", "model")]) == "model"
    assert A.combined_source([A.Part("a", "tool"), A.Part("b", "extract")]) == "extract"
    assert A.combined_source([A.Part("a", "template")]) == "template"
    assert A.combined_source([]) is None


def test_the_checks_models_load_before_the_first_task() -> None:
    # the planner's startup runs this on a worker thread (main.py): no check loads a model on the event loop
    from autoglm.shared import langid
    from autoglm.shared.multilingual import default_encoder

    A.load_checkers()
    assert default_encoder().loaded and langid._identifier is not None


def test_an_extractive_fallback_in_another_language_than_asked_says_so() -> None:
    src = ("Our online store will hold a winter sale from 1 December to 7 December. All jackets are 30 percent off, "
           "and orders over 80 dollars get free shipping. Members receive an extra 5 percent discount at checkout.")
    part = A.summary_answer("The the the the the the the the the.", "请用中文概括下面这段英文：" + src, src, "zh")
    assert part.source == "extract" and part.text.startswith("未能生成可靠的中文摘要；以下是原文中最关键的句子（英文原文）")
    same = A.summary_answer("The the the the the the the the the.", "Summarize: " + src, src, "en")
    assert not same.text.startswith("I could not")


def test_code_that_does_not_parse_or_misses_the_named_function_is_not_handed_over() -> None:
    ask = "Write a Python function `word_freq(text)` that counts words."
    good = "```python\ndef word_freq(text):\n    out = {}\n    for w in text.lower().split():\n        out[w] = out.get(w, 0) + 1\n    return out\n```"
    assert A.code_problem(good, ask) is None and A.code_answer(good, ask, False).source == "model"
    broken = "1. ```python\ndef word_freq(text):\n    return {w: text.count(w) for w in text.split(\n```"
    assert "does not parse" in A.code_problem(broken, ask)
    other = "```python\ndef count(text):\n    return len(text)\n```"
    assert A.code_problem(other, ask) == "it does not define word_freq"
    part = A.code_answer(broken, "用 Python 写一个函数 `word_freq(text)`", True)
    assert part.source == "template" and part.failed and part.text.startswith("抱歉")
    assert A.code_problem("```sql\nSELECT 1\n```", "Write an SQL query that returns 1") is None  # only Python is parsed


def test_a_function_must_take_the_arguments_the_request_calls_it_with() -> None:
    ask = "写个 Python 函数 `clamp(x, lo, hi)`，把 x 限制在 lo 和 hi 之间。"
    one = "```python\ndef clamp(x):\n    return x\n```"
    assert A.code_problem(one, ask) == "clamp takes 1 argument(s), the request calls it with 3"
    good = "```python\ndef clamp(x, lo=0, hi=1):\n    return max(lo, min(hi, x))\n```"
    assert A.code_problem(good, ask) is None
    star = "```python\ndef clamp(*values):\n    x, lo, hi = values\n    return max(lo, min(hi, x))\n```"
    assert A.code_problem(star, ask) is None
    method = "```python\nclass Box:\n    def clamp(self, x, lo, hi):\n        return max(lo, min(hi, x))\n```"
    assert A.code_problem(method, ask) is None
