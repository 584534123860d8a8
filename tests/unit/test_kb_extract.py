"""The extractive answerer over small knowledge bases of our own (tests/data/kb_extract): the span that
states the asked attribute, not the sentence that repeats the product name; the table cell of the column
the question names; the case the question's qualifier singles out; across Chinese and English; and "not
found" when the closest span doesn't state what is asked (the real multilingual encoder: numpy, ~1 s)."""

from __future__ import annotations

from pathlib import Path

import pytest

from autoglm.services.memory.chunking import chunk_document, load_document
from autoglm.shared import grounding as G
from autoglm.shared import spans as S
from autoglm.shared.lexical import document_frequencies

DATA = Path(__file__).resolve().parents[1] / "data" / "kb_extract"
TENANTS = {
    "lumen": ["lumen-speakers.md", "lumen-updates.md", "服务手册.md"],
    "harbor": ["ops-guide.md", "员工手册.md"],
}


def _tenant(name: str) -> tuple[list, dict[str, int], int]:
    chunks = [c for f in TENANTS[name] for c in chunk_document(load_document(DATA / f), max_chars=800, overlap=100)]
    df, n = document_frequencies(f"{c.title}\n{c.heading}\n{c.text}" for c in chunks)
    return chunks, df, n


KB = {name: _tenant(name) for name in TENANTS}


def ask(tenant: str, question: str) -> tuple[G.Extract, str | None]:
    chunks, df, n = KB[tenant]
    ex = G.extract_answer(question, [c.text for c in chunks], headings=[c.heading for c in chunks],
                          titles=[c.title for c in chunks], df=df, n_docs=n)
    assert ex is not None
    return ex, G.unanswered(question, ex, df=df, n_docs=n)


@pytest.mark.parametrize(
    ("tenant", "question", "must", "must_not"),
    [
        # the attribute's row, the column the question names (not the release note naming the product)
        ("lumen", "What is the battery capacity of the Lumen S1 Max?", "7,200 mAh", "3,600"),
        ("lumen", "How heavy is the Lumen S1?", "540 g", "980"),
        ("lumen", "How long does a software update take?", "12 minutes", None),
        ("lumen", "What minimum battery level does the speaker need before an update?", "40%", None),
        # the bold label's case, not its neighbour's value
        ("harbor", "Within how many business days must the review meeting for a P-B incident be held?",
         "7 business days", "2 business days"),
        ("harbor", "What is the address of db-main-20?", "10.8.2.21", "10.8.2.20"),
        ("harbor", "Which host is the order database primary?", "db-main-02", None),
        # Chinese: the specific case stands in the answer beside the general rule
        ("harbor", "销售岗位的员工每月通讯补贴是多少？", "300 元", None),
        ("harbor", "推荐一名交互设计师入职并通过试用期，奖金是多少？", "6,000 元", None),
        # across languages
        ("lumen", "Lumen S1 的电池容量是多少？", "3,600 mAh", "7,200"),
        ("lumen", "Lumen S1 Max 的防水等级是多少？", "IP67", "IPX5"),
        ("lumen", "软件 2.4.0 修复了哪个安全漏洞？", "CVE-2026-11872", None),
        ("harbor", "P-B 事故的复盘会议要在几个工作日内召开？", "7 business days", None),
        ("harbor", "连续登录失败几次账号会被锁定？", "6 failed sign-in attempts", None),
        ("lumen", "What does fault code L201 mean?", "电池温度过高", None),
        # across languages, two durations in one paragraph
        ("lumen", "Lumen 音箱空闲多久会自动关机？", "20 minutes", "90 days"),
        ("lumen", "How long is the warranty on the charging cable?", "6 个月", None),
    ],
)
def test_the_extract_states_the_asked_fact(tenant: str, question: str, must: str, must_not: str | None) -> None:
    ex, why = ask(tenant, question)
    assert must in ex.text, (question, ex.text)
    assert must_not is None or must_not not in ex.text, (question, ex.text)
    assert why is None, (question, why)


@pytest.mark.parametrize(
    ("tenant", "question", "reason"),
    [
        ("lumen", "Who is the CEO of Brightwave Audio?", "never mentions ceo"),  # a role no document names
        ("lumen", "Does the Lumen S1 support Apple AirPlay?", "never mentions"),
        ("lumen", "Lumen 车载支架的售价是多少？", "no money"),  # a price nowhere listed for it
        ("harbor", "What is the address of web-sf-09?", "web-sf-09"),  # a host the inventory doesn't have
    ],
)
def test_what_the_documents_dont_state_is_not_found(tenant: str, question: str, reason: str) -> None:
    _, why = ask(tenant, question)
    assert why is not None and reason in why, (question, why)


def test_known_names_tell_a_question_about_the_tenants_own_things() -> None:
    _, df, _ = KB["lumen"]
    assert "brightwave" in G.known_names("Who is the CEO of Brightwave Audio?", df)
    assert G.known_names("What is the capital of France?", df) == []


def test_extract_reports_what_it_was_asked_and_whether_it_answers() -> None:
    ex, _ = ask("harbor", "What is the address of db-main-20?")
    assert ex.asked == "code" and ex.has_value and ex.missing == [] and ex.answers is True
    assert ex.to_dict()["answers"] is True
    ex, _ = ask("lumen", "What does fault code L201 mean?")
    assert ex.asked is None and ex.answers is None  # nothing particular asked: no way to tell


# ------------------------------------------------------------------ spans


def test_wrapped_paragraph_lines_are_one_sentence() -> None:
    spans = S.passage_spans("All backups are encrypted. The encryption keys live in the company vault, never on\n"
                            "the backup hosts themselves. Rotate them yearly.")
    assert [s.text for s in spans] == ["All backups are encrypted.",
                                       "The encryption keys live in the company vault, never on the backup hosts "
                                       "themselves.", "Rotate them yearly."]
    zh = S.passage_spans("每个工作日发放餐补 35 元，\n按月随工资发放。")
    assert [s.text for s in zh] == ["每个工作日发放餐补 35 元，按月随工资发放。"]


def test_table_rows_carry_their_header_and_narrow_to_the_named_column() -> None:
    table = "| | Alpha | Alpha Plus |\n|---|---|---|\n| Range | 10 km | 25 km |\n| Weight | 2 kg | 3 kg |"
    rows = S.passage_spans(table)
    assert [r.text for r in rows] == ["Range — Alpha: 10 km; Alpha Plus: 25 km", "Weight — Alpha: 2 kg; Alpha Plus: 3 kg"]
    assert S.column_for("What is the range of the Alpha Plus?", rows[0]) == 1
    assert S.column_for("Alpha 的续航距离是多少？", rows[0]) == 0
    assert S.column_for("What is the range?", rows[0]) is None
    assert S.render_row(rows[0], [1]) == "Range (Alpha Plus): 25 km"
    named = S.passage_spans("| Host | IP |\n|---|---|\n| `app-01` | 10.0.0.1 |")
    assert [r.text for r in named] == ["Host: app-01; IP: 10.0.0.1"]


def test_labels_and_list_lead_ins_are_context() -> None:
    spans = S.passage_spans("**Gold – premium.** Support answers in 1 hour. Refunds take 3 days.\n\n"
                            "Shipping is free to:\n\n- Shanghai\n- Beijing")
    assert spans[1].text == "Gold – premium: Refunds take 3 days." and spans[1].context == "Gold – premium"
    assert spans[-1].kind == "item" and "Shipping is free to:" in spans[-1].context


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How long does the battery last?", "duration"), ("退款多久到账？", "duration"),
        ("How much does the panel cost?", "money"), ("太阳能板的售价是多少？", "money"),
        ("Which host runs the API?", "code"), ("主机的 IP 地址是多少？", "code"),
        ("What time does the shuttle leave?", "clock"), ("班车几点发车？", "clock"),
        ("How many attempts lock an account?", "count"), ("What percentage of salary is paid?", "percent"),
        ("音箱的防水等级是多少？", "rating"), ("What is its waterproof rating?", "rating"),
        ("What does error E7 mean?", None),
    ],
)
def test_what_a_question_asks(question: str, kind: str | None) -> None:
    assert S.analyze(question).kind == kind


def test_values_of_a_kind_and_the_questions_own_codes() -> None:
    assert S.has_value("locked for 30 minutes", "duration") and S.has_value("保修 2 年", "duration")
    assert S.has_value("699 CNY", "money") and S.has_value("补贴 150 元", "money")
    assert not S.has_value("Software for Lumen S1 and S1 Max.", "count", exclude={"s1"})
    assert S.has_value("Splash protection: IP67", "rating", exclude={"s1"})
    assert not S.has_value("host: db-main-20; IP: 10.8.2.21", "count") and S.has_value("port 2222", "count")
    assert not S.has_value("Model codes: S1 = LM-S1-26, issue of 2026 年 6 月", "count", exclude={"s1"})
    assert S.analyze("年满 40 周岁的员工体检预算是多少？").numbers == {"40"}
    assert S.analyze("SEV2 的复盘要几天？").codes == {"sev2"}


def test_identifiers_are_codes_and_hyphenated_words_are_not() -> None:
    assert S.codes("the on-call engineer must re-authenticate") == set()
    assert S.codes("see grafana.harbor.example and db-main-20, E7, 2.4.0") == {
        "grafana.harbor.example", "db-main-20", "e7", "2.4.0"}
    assert S.analyze("Which port does the gateway listen on?").kind == "count"  # a port is a number
    assert S.analyze("报销 8,000 元需要谁审批？").numbers == {"8000"}


def test_a_list_item_is_one_span_and_a_short_one_reads_with_the_next() -> None:
    [item] = S.passage_spans("- **L305**：蓝牙模块无响应。长按电源键 15 秒重启。")
    assert item.kind == "item" and item.text == "L305：蓝牙模块无响应。长按电源键 15 秒重启。"
    ex = G.extract_answer("1 千元以下的报销由谁审批？", ["- 1 千元以下：经理审批；\n- 1 千元至 5 千元：总监审批；"])
    assert ex is not None and "经理审批" in ex.text and "总监审批" in ex.text


def test_short_lines_of_a_plain_text_block_stay_apart() -> None:
    spans = S.passage_spans("Hotline: 400-600-7788\nHours: 9:00 to 18:00\nEmail: help@lumen.example")
    assert [s.text for s in spans] == ["Hotline: 400-600-7788", "Hours: 9:00 to 18:00", "Email: help@lumen.example"]


def test_an_acronym_singles_out_its_sentence_and_digits_of_a_code_are_no_number() -> None:
    passage = ("For the orders database `db-main-02` the recovery point objective (RPO) is 15 minutes. "
               "The recovery time objective (RTO) is 4 hours for `db-main-02`.")
    ex = G.extract_answer("订单数据库 db-main-02 的恢复时间目标（RTO）是多少？", [passage])
    assert ex is not None and "4 hours" in ex.text
    asked = S.analyze("db-main-02 的 RTO 是多少？")
    assert asked.codes == {"db-main-02"} and asked.labels == {"rto"} and asked.numbers == set()


def test_only_a_quantity_asked_in_so_many_words_decides_not_found() -> None:
    assert S.decisive("退款多久到账？", "duration") and S.decisive("How many attempts lock it?", "count")
    assert not S.decisive("最高审批人是谁？", "count") and not S.decisive("出差住宿是什么等级？", "rating")
    passage = "出差住宿标准为四星级酒店，一线城市可选五星级。"
    ex = G.extract_answer("出差住宿标准是什么等级？", [passage])
    assert ex is not None and G.unanswered("出差住宿标准是什么等级？", ex) is None


def test_a_plural_in_the_question_names_the_row_in_the_singular() -> None:
    """ "for undergraduates" singles out the row "Undergraduate" (and "fees" a sentence on the fee), not the
    row the encoder likes best."""
    table = ("# Borrowing\n\n| Reader type | Items at a time | Loan period | Renewals |\n|---|---|---|---|\n"
             "| Undergraduate | 15 | 21 days | 3 |\n| Taught postgraduate | 20 | 28 days | 3 |\n"
             "| Research postgraduate | 30 | 56 days | 5 |\n| Academic staff | 60 | 90 days | 5 |")
    df, n = document_frequencies([table])
    ex = G.extract_answer("What is the loan period for undergraduates?", [table], df=df, n_docs=n)
    assert ex is not None and "21 days" in ex.text and "90 days" not in ex.text
    assert G._holds({"undergraduate"}, "undergraduates") and G._holds({"fees"}, "fee")
    assert not G._holds({"clas"}, "class") and not G._holds({"bu"}, "bus")


def test_names_read_possessives_plurals_and_only_chinese_text_as_chinese() -> None:
    """ "Zephyra's hotline" names Zephyra; "Saturdays" is known where the documents say "Saturday"; an English
    question quoting a Chinese room name is English (its words are no names), a Chinese one keeps its Latin
    names."""
    assert "zephyra" in G.names("What's Zephyra's support hotline?")
    assert G.names("What is the late fee if our party in 松风厅 runs past ten?") == set()
    assert "studio" in G.names("Studio 会员每月多少钱？")
    df, _ = document_frequencies(["The pool is open on Saturday from 09:00 to 17:00.", "Zephyra support: 400-100"])
    assert G.known_names("Is the pool open on Saturdays?", df) == ["saturdays"]
    assert G.known_names("What's Zephyra's hotline?", df) == ["zephyra"]


def test_a_chinese_question_finds_its_row_beside_other_language_values() -> None:
    """A Chinese question's character bigrams that straddle two words ("厅包", "费是") are in no document; they
    no longer weigh as its rarest terms, so the row naming its room outranks English sentences that only
    share a kind of value."""
    rooms = ("# 会议场地\n\n| 场地 | 楼层 | 半天租金 | 全天租金 |\n|---|---|---|---|\n"
             "| 松风厅 | 2F | 1,900 元 | 3,300 元 |\n| 竹影厅 | 3F | 3,100 元 | 5,600 元 |\n"
             "| 临江厅 | 5F | 9,000 元 | 15,000 元 |")
    faq = ("# Guest FAQ\n\nBags are kept at the bell desk free of charge for up to 5 days. Parking costs CNY 40 "
           "per night for guests and CNY 10 per hour for visitors. Pets up to 8 kg stay for CNY 120 per stay.")
    texts = [rooms, faq, "# 设备\n\n每间场地均含投影仪和白板，场地内禁止明火。", "# 茶歇\n\n标准茶歇每人 58 元，场地内可摆放。",
             "# Breakfast\n\nBreakfast costs CNY 98 per adult and is served from 06:30 to 10:00.",
             "# Shuttle\n\nThe airport shuttle leaves every hour and costs CNY 30 per person."]
    df, n = document_frequencies(texts)
    q = "松风厅包一整天的场地费是多少？"
    ex = G.extract_answer(q, texts, df=df, n_docs=n)
    assert ex is not None and "3,300" in ex.text and "竹影厅" not in ex.text


def test_a_fee_asked_in_chinese_is_money_and_a_number_of_another_unit_is_no_money() -> None:
    """ "月费多少" / "押金要多少" ask for money (not any count); "15 minutes" under the heading "Idle fee" is a
    duration, not the fee, while a bare number under a price header is the price."""
    assert S.analyze("Studio 会员每个月月费多少？").kind == "money"
    assert S.analyze("装修押金要多少？").kind == "money"
    assert S.value_score("You have 15 minutes to move the car.", "money", context="Idle fee") < S.FIRM_VALUE
    assert S.value_score("Standard: 30", "money", context="Price (CNY)") >= S.FIRM_VALUE


def test_a_name_in_the_question_singles_out_its_row() -> None:
    """ "Studio 会员" names the Studio row of a plan table, not the sentence about another plan's extra fee."""
    plans = ("# Plans\n\n| Plan | Monthly fee | Desk |\n|---|---|---|\n| Flex | CNY 690 | any free desk |\n"
             "| Studio | CNY 3,900 | private room |\n| Team | CNY 9,800 | private floor |\n\n"
             "Team requires a 12-month contract; each seat above 10 costs CNY 450 per month.\n\n"
             "Flex and Studio members can book the terrace for free.")
    df, n = document_frequencies([plans])
    ex = G.extract_answer("Studio 会员每个月月费多少？", [plans], df=df, n_docs=n)
    assert ex is not None and "3,900" in ex.text


def test_a_weekday_the_documents_write_in_another_language_is_no_unknown_name() -> None:
    """ "on Sundays" over a Chinese menu page (周日) names nothing the knowledge base lacks; "HomeKit" still does."""
    page = "# 早餐\n\n自助早餐每天 06:30 开始，周一至周五 10:00 结束，周六、周日延长至 10:30。"
    df, n = document_frequencies([page])
    ex = G.extract_answer("What time does the breakfast buffet close on Sundays?", [page], df=df, n_docs=n)
    assert ex is not None and G.unanswered("What time does the breakfast buffet close on Sundays?", ex, df=df,
                                          n_docs=n) is None
    assert "homekit" in (G.unanswered("Does the breakfast room support HomeKit on Sundays?", ex, df=df, n_docs=n)
                         or "")
