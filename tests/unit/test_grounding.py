"""Extractive answers, the groundedness check, the faithfulness check and the language identifier, in
Chinese and English (the real multilingual encoder: numpy, ~1 s to load)."""

from __future__ import annotations

import pytest

from autoglm.shared import grounding as G
from autoglm.shared import langid

HANDBOOK = [
    "Full-time employees receive 15 days of paid annual leave per year. Leave accrues monthly and unused days "
    "expire on 31 March of the following year.",
    "Sick leave: employees must submit a doctor's note for absences longer than 3 days. Sick days are paid in full.",
    "## Remote access\nConnect with WireGuard to vpn-gw-02.corp.example. The shared key rotates every 90 days.",
]
HANDBOOK_ZH = [
    "全职员工每年享有15天带薪年假，年假按月累计。",
    "病假超过3天的，须提交医院出具的诊断证明。",
    "报销须在出差结束后30天内提交，超过期限不予报销。",
]


@pytest.mark.parametrize(
    ("question", "passage", "must"),
    [
        ("How many days of annual leave do I get?", 0, "15 days"),
        ("When do I need a doctor's note?", 1, "3 days"),
        ("Which host is the VPN gateway?", 2, "vpn-gw-02.corp.example"),
        # across languages: a Chinese question finds the English sentence
        ("员工每年有几天年假？", 0, "15 days"),
        ("VPN网关是哪台主机？", 2, "vpn-gw-02"),
        ("病假超过几天需要医生证明？", 1, "3 days"),
    ],
)
def test_extract_picks_the_answering_sentence(question: str, passage: int, must: str) -> None:
    ex = G.extract_answer(question, HANDBOOK)
    assert ex is not None
    assert ex.passage == passage and must in ex.text
    assert not ex.text.startswith("#")  # a heading is context, never the answer


@pytest.mark.parametrize(
    ("question", "must"),
    [
        ("出差回来多久内要提交报销？", "30天"),
        ("How many days of paid leave do full-time staff get each year?", "15天"),  # English over Chinese
        ("病假几天以上要证明？", "3天"),
    ],
)
def test_extract_in_chinese_and_from_chinese(question: str, must: str) -> None:
    ex = G.extract_answer(question, HANDBOOK_ZH)
    assert ex is not None and must in ex.text


def test_extract_of_nothing_is_none() -> None:
    assert G.extract_answer("anything", []) is None
    assert G.extract_answer("anything", ["## Only a heading"]) is None


def test_short_sentence_takes_the_next_one_along() -> None:
    ex = G.extract_answer("Is parking free?", ["Parking: yes. Staff park free in lot B with a badge."])
    assert ex is not None and "lot B" in ex.text


def test_split_sentences_zh_en_and_long() -> None:
    assert G.split_sentences("第一句。第二句！Third one. Fourth?") == ["第一句。", "第二句！", "Third one.", "Fourth?"]
    assert G.split_sentences("- item one\n- item two") == ["item one", "item two"]
    long = "，".join(["这是一个很长的分句内容"] * 60)
    assert all(len(s) <= 340 for s in G.split_sentences(long))


@pytest.mark.parametrize(
    "text",
    [
        "Employees get 15 days of paid annual leave.",
        "Full-time staff receive fifteen days of annual leave each year.",
        "员工每年享有15天带薪年假。",
        "员工每年享有十五天带薪年假。",
        "Use WireGuard and connect to vpn-gw-02.corp.example.",
    ],
)
def test_grounded_rephrasings_pass(text: str) -> None:
    assert G.grounding_gaps(text, HANDBOOK).ok, G.grounding_gaps(text, HANDBOOK).reason()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Employees get 20 days of paid annual leave.", "numbers"),  # a changed number
        ("员工每年享有二十天带薪年假。", "numbers"),
        ("Employees get 15 weeks of paid annual leave.", "quantities"),  # the right number, the wrong unit
        ("Connect to vpn-gw-03.corp.example.", "codes"),  # the right kind of thing, the wrong one
        ("Connect with OpenVPN to the gateway.", "names"),
        ("请使用OpenVPN连接网关。", "names"),
    ],
)
def test_rephrasings_that_change_facts_are_caught(text: str, kind: str) -> None:
    gaps = G.grounding_gaps(text, HANDBOOK)
    assert not gaps.ok and getattr(gaps, kind), gaps
    assert "not in the cited passages" in gaps.reason()


def test_the_question_may_lend_words() -> None:
    assert G.grounding_gaps("For Alice: 15 days.", HANDBOOK, allowed="How much leave does Alice get?").ok
    assert not G.grounding_gaps("For Alice: 15 days.", HANDBOOK).ok


def test_numbers_read_every_way() -> None:
    assert G.numbers("1,200 元, 三十天, twelve, 0.58 per mile") == {1200.0, 30.0, 12.0, 0.58}
    assert G.numbers("一起看一下") == set()  # 一 inside words is no number


SRC_ZH = ("公司今年第三季度营收同比增长了12%，主要得益于海外市场的扩张。但利润率因原材料价格上涨而下降了3个百分点。"
          "管理层预计第四季度原材料价格将趋于稳定。公司计划明年在东南亚新建两座工厂。")
SRC_EN = ("The city council approved a new budget on Monday. It allocates 40 million dollars to public transport, "
          "mainly new electric buses. Road maintenance gets 12 million. Critics say the plan ignores cycling "
          "infrastructure. The budget takes effect in January.")


@pytest.mark.parametrize(
    ("summary", "source", "lang", "ok"),
    [
        ("公司第三季度营收增长12%，但利润率下降。", SRC_ZH, "zh", True),
        ("Hello! How are you today? I like talking to you.", SRC_ZH, "zh", False),  # unrelated English small talk
        ("The company grew revenue by 12% in Q3.", SRC_ZH, "zh", False),  # right content, wrong language
        ("The council approved a budget with 40 million dollars for electric buses.", SRC_EN, "en", True),
        ("I am a helpful assistant and I love cats and dogs very much.", SRC_EN, "en", False),
        ("市议会批准了新预算，其中4000万美元用于公共交通。", SRC_EN, "zh", True),  # asked in Chinese, source English
        ("今天天气很好，我们去公园散步吧。", SRC_EN, "zh", False),
        ("The budget. The budget. The budget. The budget. The budget.", SRC_EN, "en", False),  # degenerate
        ("公司营收增长；；；；；；；", SRC_ZH, "zh", False),
    ],
)
def test_faithfulness(summary: str, source: str, lang: str, ok: bool) -> None:
    verdict = G.faithfulness(summary, source, language=lang)
    assert verdict.ok is ok, verdict


def test_extractive_summary_keeps_language_order_and_length() -> None:
    one = G.extractive_summary(SRC_ZH, max_sentences=1)
    assert one == "公司今年第三季度营收同比增长了12%，主要得益于海外市场的扩张。"
    two = G.extractive_summary(SRC_EN, max_sentences=2)
    sentences = G.split_sentences(two)
    assert len(sentences) == 2 and all(s in SRC_EN for s in sentences)
    assert SRC_EN.index(sentences[0]) < SRC_EN.index(sentences[1])
    assert G.faithfulness(two, SRC_EN, language="en").ok
    assert G.extractive_summary("Just one sentence.") == "Just one sentence."


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("The output is: The output is: The output is: The output is:", "repeats"),
        ("一首诗；；；；；；；；", "punctuation"),
        ("", "empty"),
    ],
)
def test_degenerate(text: str, why: str) -> None:
    assert why in (G.degenerate(text) or "")


def test_not_degenerate() -> None:
    assert G.degenerate("Our office is in Hangzhou. The office opens at nine.") is None
    assert G.degenerate("春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。") is None


@pytest.mark.parametrize(
    ("output", "target", "source", "bad"),
    [
        ("Bonjour, comment allez-vous ?", "fr", "Hello, how are you?", None),
        ("早上好，你好吗？", "zh", "Good morning, how are you?", None),
        ("Good morning, how are you today my friend?", "zh", "早上好", "English"),
        ("The output is: The output is: The output is:", "fr", "Hello", "repeats"),
        ("Hello, how are you doing today my friend?", "fr", "Hello, how are you doing today my friend?", "untranslated"),
        ("Guten Morgen, wie geht es Ihnen heute?", "fr", "Good morning", "German"),
        ("Bonjour", "fr", "Hello", None),  # too short to doubt
    ],
)
def test_translation_check(output: str, target: str, source: str, bad: str | None) -> None:
    got = G.translation_check(output, target, source)
    assert (got is None) if bad is None else (got is not None and bad in got), got


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("你好，最近怎么样？", "zh"),
        ("我喜欢喝咖啡。", "zh"),  # a statistical model says yue
        ("東京は日本の首都です。", "ja"),
        ("안녕하세요, 잘 지내세요?", "ko"),
        ("Hello, how are you?", "en"),
        ("Bonjour, comment allez-vous ?", "fr"),
        ("Guten Morgen, wie geht es dir?", "de"),
        ("Buenos días, ¿cómo estás?", "es"),
    ],
)
def test_langid(text: str, lang: str) -> None:
    assert langid.detect(text)[0] == lang
    assert langid.is_language(text, lang) is True


def test_langid_undecided_and_scripts() -> None:
    assert langid.detect("12345 !!!")[0] == "und"
    assert langid.is_language("Hola", "en") is None  # one word: can't tell
    assert langid.is_language("早上好", "en") is False  # the script says it


LONG_EN = (
    "The council met on Tuesday to discuss the new budget for public transport. After a long debate, members "
    "approved forty million dollars for electric buses and new cycle lanes. The mayor said the plan would cut "
    "emissions and shorten commutes for thousands of residents. Critics argued the money should have gone to "
    "road repairs first. "
)


@pytest.mark.parametrize(
    "tail",
    [
        # a loop after a good paragraph: too little of the whole text for the global share
        "The output is: the plan. The output is: the budget. The output is: the buses. The output is: the lanes.",
        "Thank you for reading. Thank you for reading. Thank you for reading.",  # a sentence back to back
        "ha ha ha ha ha ha ha ha",
    ],
)
def test_a_loop_in_part_of_a_long_text_is_degenerate(tail: str) -> None:
    assert G.degenerate(LONG_EN) is None
    assert "repeats" in (G.degenerate(LONG_EN + tail) or "")


def test_a_loop_in_part_of_a_long_chinese_text_is_degenerate() -> None:
    zh = SRC_ZH + "翻译结果是：翻译结果是：翻译结果是："
    assert G.degenerate(SRC_ZH) is None and "repeats" in (G.degenerate(zh) or "")


def test_phrases_said_a_few_times_are_style_not_loops() -> None:
    assert G.degenerate(LONG_EN + "Thank you for reading. Thank you for reading.") is None  # twice
    speech = ("I have a dream that one day this nation will rise up. I have a dream that my four little children "
              "will one day live in a nation. I have a dream today.")
    assert G.degenerate(speech) is None
    assert G.degenerate("The store is open on Monday. The store is open on Tuesday.") is None
    assert G.degenerate("x = 1\ny = 2\nz = 3\nw = 4\nprint(x, y, z, w)") is None


def test_length_ratio_across_scripts() -> None:
    assert G.length_ratio(SRC_ZH, SRC_ZH) == 1.0
    assert G.length_ratio("公司第三季度营收增长12%，但利润率下降了3个百分点。", SRC_ZH) < 0.5
    assert G.length_ratio("Revenue grew 12%.", LONG_EN) < 0.1
    assert G.length_ratio("anything", "") == 0.0


def test_digits_inside_chinese_text_are_numbers_too() -> None:
    # "在3个工作日内": a digit between Han characters (which are word characters to a regex) is still a number
    assert G.numbers("替换商品在3个工作日内发出，每晚1,200元") == {3.0, 1200.0}
    gaps = G.grounding_gaps("换货每个订单可以免费一次，替换商品在3个工作日内发出。",
                                    ["An exchange is free once per order; the replacement ships within 2 working days."])
    assert not gaps.ok and "3" in gaps.reason()


_RULES = ("从明年 3 月 1 日起，本市将对生活垃圾实行四分类：可回收物、有害垃圾、厨余垃圾和其他垃圾。居民小区每天早上 7 点到 9 点、"
          "晚上 6 点到 8 点定时定点投放。个人未按规定分类投放的，由城管部门责令改正；拒不改正的，处 50 元以上 200 元以下罚款。")


def test_a_summary_half_copied_and_half_invented_is_not_faithful() -> None:
    """Copying the first sentence does not carry a made-up one through the whole-text coverage."""
    bad = ("明年 3 月 1 日起，本市将对生活垃圾实行四分类：可回收物、有害垃圾、厨余垃圾和其他垃圾。居民小区每天早上 7 点到 9 点、"
           "晚上 6 点到 8 点定时定点投放。\n(2) 初姣各种方法进一步的规制，采用自己随意办法。")
    verdict = G.faithfulness(bad, _RULES)
    assert not verdict.ok and "sentence not from the source" in verdict.reason


def test_a_summary_may_not_state_a_number_the_source_lacks_but_may_number_its_points() -> None:
    assert not G.faithfulness("本市生活垃圾实行四分类，个人违规最高罚款 500 元。", _RULES).ok
    good = "1. 明年 3 月 1 日起生活垃圾实行四分类。\n2. 个人未按规定分类投放的，拒不改正处 50 元以上 200 元以下罚款。"
    assert G.faithfulness(good, _RULES).ok


@pytest.mark.parametrize(("source", "output", "target"), [
    ("The meeting has been moved to Thursday afternoon.", "会议已改到星期四下午。", "zh"),
    ("火车晚点了二十分钟。", "The train was twenty minutes late.", "en"),
    ("Please keep your receipt in case you need a refund.", "请保留好收据，以备退款时使用。", "zh"),
])
def test_a_faithful_translation_passes(source: str, output: str, target: str) -> None:
    assert G.translation_check(output, target, source) is None


@pytest.mark.parametrize(("source", "output", "target", "why"), [
    # the bundled model's output on the second blind set: Chinese, but another text
    ("The meeting has been moved to Thursday afternoon.", "派上调议！献结：派上调议。原文中提到，在于2013年的第一天。", "zh",
     "meaning is too far"),
    ("火车晚点了二十分钟。", "The train was late.", "en", "drops the number 20"),
    ("这家餐厅的饺子非常好吃。", "This dish is not only delicious but also very good.", "en", "meaning is too far"),
])
def test_a_translation_in_the_right_language_that_says_something_else_fails(source: str, output: str, target: str,
                                                                            why: str) -> None:
    assert why in (G.translation_check(output, target, source) or "")
