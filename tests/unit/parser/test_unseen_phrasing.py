"""Issue 17, unseen phrasing: classes left after parser_blind6 (dependencies between the clauses of a long request,
closing "tell me" tails, questions about the tenant's own rules, capabilities no tool has). Each test uses sentences
written for it, not taken from any evaluation set."""

from __future__ import annotations

from datetime import datetime

import pytest

from autoglm.services.parser.pipeline import parse_request
from autoglm.shared.events import IntentGraph

NOW = datetime.fromisoformat("2026-11-25T10:00:00+08:00")  # a Wednesday


def parse(text: str, context: tuple[str, ...] = ()) -> IntentGraph:
    return parse_request(text, now=NOW, context=context)


def shape(graph: IntentGraph) -> list[tuple[str, str | None, list[str]]]:
    return [(i.type.value, i.tool, i.depends_on) for i in graph.intents]


# ------------------------------------------------------------------ "report it all" tails


@pytest.mark.parametrize(
    ("text", "tools"),
    [
        ("查一下广州明天的天气，再算一下 45 乘以 8，然后一起告诉我", ["weather", "calculator"]),
        ("先看看订单 5521 的状态，再查下北京现在几点，最后一并发给我", ["sql_query", "datetime"]),
        ("Check order 3307 and the time in Paris, then let me know both at once", ["sql_query", "datetime"]),
        ("ugh my order 6621 still hasn't arrived, can you check", ["sql_query"]),
    ],
)
def test_a_closing_report_it_back_is_no_intent(text: str, tools: list[str]) -> None:
    assert [i.tool for i in parse(text).intents] == tools


def test_a_closing_clause_that_does_something_to_the_results_is_a_task() -> None:
    assert shape(parse("算一下 12*7，然后把结果翻译成英文")) == [
        ("calculation", "calculator", []), ("translation", None, ["i1"])]


def test_a_report_verb_alone_is_still_a_request() -> None:
    assert parse("帮我查查").intents or parse("帮我查查").clarification


# ------------------------------------------------------------------ which earlier clause a later one uses


@pytest.mark.parametrize(
    "text",
    [
        "查一下大连和青岛后天的天气，再告诉我纽约现在几点，最后根据天气写一段出游建议",
        "Check the weather in Oslo and Bergen tomorrow, tell me the time in Tokyo, then write a packing note based on the forecast",
    ],
)
def test_a_later_clause_builds_on_the_output_it_names(text: str) -> None:
    g = parse(text)
    assert [i.tool for i in g.intents[:3]] == ["weather", "weather", "datetime"]
    assert g.intents[3].type.value == "creative_writing" and g.intents[3].depends_on == ["i1", "i2"]


@pytest.mark.parametrize(
    "text",
    [
        "算一下 256 乘以 3，然后说说这个数是怎么得出来的",
        "帮我算 3600 的 15% 是多少，再解释一下为什么是这个金额",
    ],
)
def test_this_number_refers_to_the_calculation(text: str) -> None:
    assert shape(parse(text)) == [("calculation", "calculator", []), ("question_answering", None, ["i1"])]


def test_it_after_an_explanation_is_the_thing_explained() -> None:
    g = parse("Write a Go function that reverses a string, explain how it works, then write unit tests for it.")
    assert shape(g) == [("code_generation", None, []), ("question_answering", None, ["i1"]),
                        ("code_generation", None, ["i1"])]


def test_a_clause_naming_the_explanation_uses_it() -> None:
    g = parse("写一个Python函数判断素数，解释一下它的思路，再把这段解释翻译成英文")
    assert g.intents[2].type.value == "translation" and g.intents[2].depends_on == ["i2"]


@pytest.mark.parametrize(
    "text",
    [
        "查一下订单 4410 的状态，再写一条给老板的请假说明",
        "Get the weather in Lima on Friday and write a birthday message for my dad",
        "算一下 40 乘以 25，然后写一首送别诗",
    ],
)
def test_writing_named_by_its_occasion_stands_alone(text: str) -> None:
    g = parse(text)
    assert g.intents[-1].type.value == "creative_writing" and g.intents[-1].depends_on == []


def test_an_apology_after_a_lookup_is_about_it() -> None:
    g = parse("Look up order 7720 and write an apology to the customer for the delay")
    assert shape(g) == [("lookup", "sql_query", []), ("creative_writing", None, ["i1"])]


def test_a_clause_stated_as_the_basis_feeds_the_next() -> None:
    g = parse("根据公司的出差制度，帮我写一份生日会的邀请")
    assert [i.depends_on for i in g.intents] == [[], ["i1"]]


def test_the_source_a_clause_names_is_not_its_task_or_topic() -> None:
    g = parse("Fetch https://example.org/notes.txt, summarize it, then draft a memo to the board based on the summary.")
    assert shape(g) == [("lookup", "http_get", []), ("summarization", None, ["i1"]), ("creative_writing", None, ["i2"])]
    assert g.intents[2].entities == {}


# ------------------------------------------------------------------ places and clocks


@pytest.mark.parametrize(
    ("text", "cities"),
    [
        ("What's the weather in Tulsa and Santa Fe on Saturday?", ["Tulsa", "Santa Fe"]),
        ("Forecast for Leeds, York and Hull tomorrow", ["Leeds", "York", "Hull"]),
    ],
)
def test_places_listed_with_a_known_city_are_cities(text: str, cities: list[str]) -> None:
    g = parse(text)
    assert [(i.tool, i.entities.get("city")) for i in g.intents] == [("weather", c) for c in cities]


def test_a_weekday_after_a_city_is_not_a_city() -> None:
    assert [i.entities.get("city") for i in parse("Weather in Paris on Monday and Tuesday").intents] == ["Paris"]


def test_tell_me_the_time_in_a_city_is_the_clock() -> None:
    assert shape(parse("tell me the time in Lima")) == [("lookup", "datetime", [])]


# ------------------------------------------------------------------ the tenant's own rules and procedures


@pytest.mark.parametrize(
    "text",
    [
        "门禁卡坏了找谁", "加班打车费可以报多少", "谁审批采购申请", "员工卡丢了怎么补办",
        "Who should I talk to about a broken chair in the office?", "How do I get a replacement key card?",
        "who signs off on conference travel", "How do I request access to the design shared folder?",
    ],
)
def test_how_things_are_done_here_is_asked_of_the_knowledge_base(text: str) -> None:
    assert shape(parse(text)) == [("question_answering", "kb_search", [])]


@pytest.mark.parametrize("text", ["Who painted the Mona Lisa?", "怎么煮出好吃的米饭", "How do I sort a list in Python?"])
def test_questions_about_the_world_stay_open_questions(text: str) -> None:
    assert parse(text).intents[0].tool is None


def test_two_questions_about_the_organisation_are_both_for_the_knowledge_base() -> None:
    g = parse("How do I change my payroll bank account and who approves remote work?")
    assert [i.tool for i in g.intents] == ["kb_search", "kb_search"]


# ------------------------------------------------------------------ capabilities no tool has, small talk


@pytest.mark.parametrize(
    "text",
    ["在饿了么里给我叫两杯奶茶", "帮我挂一个下周一的眼科专家号", "来一段郭德纲的相声", "Put on some jazz music",
     "play something relaxing"],
)
def test_ordering_food_booking_a_doctor_and_playing_music_are_unsupported(text: str) -> None:
    assert shape(parse(text)) == [("unsupported", None, [])]


@pytest.mark.parametrize("text", ["点一份外卖一般要多久", "挂号需要带什么", "一份麻辣烫多少钱"])
def test_questions_about_those_actions_are_questions(text: str) -> None:
    assert parse(text).intents[0].type.value == "question_answering"


@pytest.mark.parametrize("text", ["再讲个冷笑话", "honestly just tell me a dad joke, long week", "哈哈哈你太逗了",
                                  "hahaha you're so funny"])
def test_jokes_and_laughter_are_small_talk(text: str) -> None:
    assert shape(parse(text)) == [("chitchat", None, [])]


def test_writing_a_joke_is_still_writing() -> None:
    assert parse("写一个关于程序员的笑话").intents[0].type.value == "creative_writing"


# ------------------------------------------------------------------ a question about a thing nobody showed


@pytest.mark.parametrize(
    "text",
    ["之前那个报价后来谈得怎么样了", "Which of those is faster?", "Did you get to the thing I asked for on Monday?",
     "bring back the chart from earlier", "What about the other option?"],
)
def test_a_question_only_about_an_unknown_earlier_thing_asks_which_with_no_intent(text: str) -> None:
    g = parse(text)
    assert g.intents == [] and g.clarification


def test_asking_to_explain_the_earlier_thing_keeps_the_task() -> None:
    g = parse("你说的第二点再解释一下")
    assert shape(g) == [("question_answering", None, [])] and g.clarification


def test_a_question_about_last_time_is_not_a_reference() -> None:
    g = parse("上次世界杯谁赢了")
    assert shape(g) == [("question_answering", None, [])] and g.clarification is None


def test_an_edit_of_the_earlier_thing_keeps_its_task_and_asks() -> None:
    g = parse("把刚刚那份改一下格式")
    assert len(g.intents) == 1 and g.clarification


def test_how_come_it_snows_is_no_reference() -> None:
    g = parse("How come it rains so much in Bergen?")
    assert shape(g) == [("question_answering", None, [])] and g.clarification is None


# ------------------------------------------------------------------ tasks counted off, an order with no number


@pytest.mark.parametrize(
    "text",
    ["第一，查一下上海明天的天气；第二，写一首关于雪的诗", "一是查一下上海明天的天气，二是写一首关于雪的诗"],
)
def test_tasks_counted_off_are_split_without_the_counting_words(text: str) -> None:
    g = parse(text)
    assert [(i.tool, i.type.value) for i in g.intents] == [("weather", "lookup"), (None, "creative_writing")]
    assert g.intents[1].entities == {"topic": "雪"}


def test_an_ordinal_inside_a_noun_is_not_counting() -> None:
    assert parse("第一季度的销售额是多少").intents[0].tool == "sql_query"


@pytest.mark.parametrize("text", ["Where's my stuff? I bought it last Tuesday",
                                  "I ordered a kettle from you ten days ago and it never arrived"])
def test_an_order_without_a_number_is_looked_up_after_asking_for_it(text: str) -> None:
    g = parse(text)
    assert shape(g) == [("lookup", "sql_query", [])] and g.clarification


# ------------------------------------------------------------------ questions listed with 、, scene-setting statements


def test_questions_listed_with_a_pause_mark_are_one_intent_each() -> None:
    g = parse("婚假有几天、产假多久、陪产假怎么申请")
    assert [i.entities["query"] for i in g.intents] == ["婚假有几天", "产假多久", "陪产假怎么申请"]


def test_things_listed_under_one_question_stay_one() -> None:
    assert len(parse("广州、深圳哪个更暖和").intents) == 1


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("我下个月入职。试用期多久？", "试用期多久"),
        ("I start at the company next month. How long is the probation period?", "How long is the probation period"),
        ("下周领导要来检查。帮我查下公司的接待标准是什么", "公司的接待标准是什么"),
    ],
)
def test_a_statement_that_sets_the_scene_is_not_a_question(text: str, query: str) -> None:
    g = parse(text)
    assert [(i.tool, i.entities.get("query")) for i in g.intents] == [("kb_search", query)]


def test_a_request_stated_as_a_sentence_is_still_a_request() -> None:
    g = parse("I need the refund policy. Also what's the weather in Rome tomorrow?")
    assert [i.tool for i in g.intents] == ["kb_search", "weather"]


# ------------------------------------------------------------------ more of the same classes, other words


@pytest.mark.parametrize("text", ["帮我预约下周五的眼科医生", "帮我在淘宝买两双袜子"])
def test_booking_and_buying_in_other_words_are_unsupported(text: str) -> None:
    assert shape(parse(text)) == [("unsupported", None, [])]


@pytest.mark.parametrize("text", ["say something cheerful", "你会不会觉得累", "do you ever get bored?"])
def test_asking_the_assistant_how_it_feels_or_for_something_funny_is_small_talk(text: str) -> None:
    assert shape(parse(text)) == [("chitchat", None, [])]


def test_rain_gear_with_a_place_and_a_day_asks_for_the_forecast() -> None:
    g = parse("Do I need rain boots in Dublin on Saturday?")
    assert shape(g) == [("lookup", "weather", [])] and g.intents[0].entities["city"] == "Dublin"


def test_the_weekday_of_a_date_is_the_calendar() -> None:
    assert parse("Which day of the week is March 3?").intents[0].tool == "datetime"


@pytest.mark.parametrize("text", ["出差的交通补是多少", "Is there a shuttle from the office to the metro?"])
def test_entitlements_and_office_facilities_are_the_knowledge_base(text: str) -> None:
    assert parse(text).intents[0].tool == "kb_search"


@pytest.mark.parametrize("text", ["统计上周新注册用户数", "count of new customers last week"])
def test_counts_of_new_records_are_database_queries(text: str) -> None:
    assert parse(text).intents[0].tool == "sql_query"


def test_putting_the_result_in_a_message_is_writing_on_it() -> None:
    g = parse("work out 15% of 880, then put the result in a short note to my landlord")
    assert shape(g) == [("calculation", "calculator", []), ("creative_writing", None, ["i1"])]


@pytest.mark.parametrize("text", ["写一个Java的二分查找，再补几个测试用例", "Write a Rust function that parses dates and add a few unit tests"])
def test_tests_after_the_code_are_code_on_it(text: str) -> None:
    assert shape(parse(text))[1] == ("code_generation", None, ["i1"])


def test_a_word_problem_reader_does_not_swallow_other_tasks() -> None:
    g = parse("Remember that my gym class is at 18:30. Also, what's the weather in Perth tomorrow, and how many days until New Year?")
    assert [(i.type.value, i.tool) for i in g.intents] == [("chitchat", None), ("lookup", "weather"), ("lookup", "datetime")]
    assert g.intents[0].entities["memory"] == "my gym class is at 18:30"


@pytest.mark.parametrize("text", ["写一首诗，写大连夏天海边的样子", "Write a haiku, capture the feeling of first snow"])
def test_a_second_write_that_names_no_piece_says_what_the_first_is_about(text: str) -> None:
    assert shape(parse(text)) == [("creative_writing", None, [])]


def test_a_second_piece_is_still_a_second_intent() -> None:
    assert len(parse("写一首诗，再写一篇散文").intents) == 2


@pytest.mark.parametrize("text", ["can u whip up a quick python thing to rename files", "knock out a bash script that backs up my home dir"])
def test_colloquial_making_verbs_ask_for_code(text: str) -> None:
    assert shape(parse(text)) == [("code_generation", None, [])]


def test_tasks_counted_off_in_english() -> None:
    g = parse("Quick one: first, what's the weather in Lyon on Friday; second, remember that my train is at 7; third, "
              "translate 'safe travels' into German.")
    assert [(i.type.value, i.tool, i.depends_on) for i in g.intents] == [
        ("lookup", "weather", []), ("chitchat", None, []), ("translation", None, [])]
    assert g.intents[1].entities["memory"] == "my train is at 7"


def test_order_ids_with_a_letter_prefix_and_a_hyphen_are_all_read() -> None:
    g = parse("帮我查一下订单 KB-1200 和 KB-1201 的物流状态，如果延误了就给客户写一封道歉信")
    assert [(i.tool, i.entities.get("order_id"), i.depends_on) for i in g.intents] == [
        ("sql_query", "KB-1200", []), ("sql_query", "KB-1201", []), (None, None, ["i1", "i2"])]


@pytest.mark.parametrize("text", ["Hi! Hope your weekend was great. What's the weather in Kyoto tomorrow?",
                                  "希望你今天一切顺利！帮我查一下订单 5512"])
def test_well_wishing_around_a_task_is_manners(text: str) -> None:
    assert len(parse(text).intents) == 1 and parse(text).intents[0].type.value == "lookup"


def test_hoping_for_help_is_not_well_wishing() -> None:
    assert shape(parse("Hope you can help: what's 15% of 80?")) == [("calculation", "calculator", [])]


def test_based_on_all_that_is_no_topic() -> None:
    g = parse("Check the weather in Hangzhou for this Saturday and then write a short invitation email based on all that?")
    assert g.intents[1].entities == {} and g.intents[1].depends_on == ["i1"]


# ------------------------------------------------------------------ lead-ins, message content, figures, code steps


def test_a_lead_in_naming_the_source_joins_the_question_after_it() -> None:
    g = parse("What's the weather in Bergen on Friday? Based on that, should I take the ferry?")
    assert shape(g) == [("lookup", "weather", []), ("question_answering", None, ["i1"])]


def test_announcing_a_question_is_no_question() -> None:
    assert len(parse("好的！顺便问一下，为什么天空是蓝的").intents) == 1


@pytest.mark.parametrize(
    "text",
    ["写一封邮件给客户，解释为什么发货推迟了，主要是因为暴雪封路", "帮我写一段年货节的促销文案，全场满299减40，会员再打八八折"],
)
def test_what_a_message_says_and_the_figures_of_a_promotion_belong_to_the_writing(text: str) -> None:
    assert shape(parse(text)) == [("creative_writing", None, [])]


def test_calling_an_api_inside_a_script_is_what_the_script_does() -> None:
    assert shape(parse("用Python写个脚本，调用天气API把杭州每小时的气温存进数据库")) == [("code_generation", None, [])]


@pytest.mark.parametrize("text", ["播放一首陈奕迅的十年", "帮我给李四转账五百块", "放一首歌给我听听"])
def test_playing_a_named_song_and_sending_money_are_unsupported(text: str) -> None:
    assert shape(parse(text)) == [("unsupported", None, [])]


@pytest.mark.parametrize("text", ["got any good jokes?", "我的天，这也太厉害了吧"])
def test_asking_for_jokes_and_amazement_are_small_talk(text: str) -> None:
    assert shape(parse(text)) == [("chitchat", None, [])]


def test_lemme_get_a_snippet_is_a_request_for_code() -> None:
    assert shape(parse("lemme get a quick regex for UK postcodes")) == [("code_generation", None, [])]


def test_a_list_to_take_along_is_writing_on_the_forecast() -> None:
    g = parse("查下长春后天的天气，据此给我列一份要带的东西")
    assert shape(g) == [("lookup", "weather", []), ("creative_writing", None, ["i1"])]


def test_a_greeting_and_a_statement_before_the_requests_are_no_intents() -> None:
    g = parse("Hi! I'm moving flats next week. Could you check the weather in Leeds on Saturday?")
    assert shape(g) == [("lookup", "weather", [])]
    g = parse("你好！我们周末聚餐。帮我查一下厦门周六的天气")
    assert shape(g) == [("lookup", "weather", [])]


def test_a_feeling_before_a_request_is_still_talk() -> None:
    assert [i.type.value for i in parse("Hi! I'm so tired today. What's the weather in Paris tomorrow?").intents] == [
        "chitchat", "lookup"]


@pytest.mark.parametrize("text", ["真不想起床，好困", "今天好累啊，不想加班"])
def test_not_wanting_to_work_is_a_mood_not_a_policy_question(text: str) -> None:
    assert shape(parse(text)) == [("chitchat", None, [])]


def test_an_order_complaint_and_an_unnumbered_order() -> None:
    assert shape(parse("订单 553120 一周没动静了，搞什么啊")) == [("lookup", "sql_query", [])]
    g = parse("上周下的单到现在还没收到")
    assert shape(g) == [("lookup", "sql_query", [])] and g.clarification


def test_changing_the_delivery_address_is_asked_of_the_knowledge_base() -> None:
    assert parse("How do I update my delivery address?").intents[0].tool == "kb_search"


def test_a_clause_is_classified_once_per_text() -> None:
    from autoglm.services.parser.classify import classify

    classify.cache_clear()
    parse("Get today's weather in Lhasa and the status of order 88120, then tell me both")
    info = classify.cache_info()
    assert info.hits > 0 and info.currsize == info.misses


# ------------------------------------------------------------------ session 27 (lead): references the request resolves itself

@pytest.mark.parametrize("text", [
    "I'm on the annual plan and want to pause it while I'm abroad - is there a charge?",
    "My bag was left on the bus yesterday, how long do you hold it before it's thrown away?",
    "Write a short note to my colleague asking them to cover my desk on Friday.",
    "Is there a discount for schools that book more than thirty seats?",
    "写一条通知：周三下午停水，这段时间请大家提前接好水。",
])
def test_a_reference_the_request_names_itself_needs_no_clarifying_question(text: str) -> None:
    graph = parse_request(text)
    assert graph.clarification is None and graph.intents, graph


@pytest.mark.parametrize("text", ["translate it into Spanish", "Can you explain that to me?", "把这个翻译成日语"])
def test_a_reference_to_nothing_shown_still_asks(text: str) -> None:
    assert parse_request(text).clarification is not None


@pytest.mark.parametrize(("text", "task"), [
    ("What's the gist of this?\nThe library will close two hours early on Friday for staff training. Returns can be "
     "left in the drop box by the front door.", "summarization"),
    ("这封邮件说了什么？\n王总您好，原定周四的供应商会议改到下周一上午十点，地点改在二号会议室，请提前准备季度报价。",
     "summarization"),
    ("这段话的要点是什么？用一句话概括。\n小区东门将于本周末封闭施工，车辆请从西门进出，行人可走南侧便道，施工预计持续两周。",
     "summarization"),
    ("Translate this into Chinese\nThe parking garage will be closed for cleaning on Sunday morning.", "translation"),
])
def test_text_pasted_under_an_instruction_line_is_what_it_works_on(text: str, task: str) -> None:
    graph = parse_request(text)
    assert graph.clarification is None, graph
    assert [i.type.value for i in graph.intents] == [task]
    assert text.split("\n", 1)[1][:12] in graph.intents[0].text


def test_lines_of_tasks_are_not_pasted_text() -> None:
    graph = parse_request("查一下北京明天的天气\n然后写一段提醒文案，提醒大家带伞，注意保暖，早点出门避开早高峰")
    assert [i.type.value for i in graph.intents] == ["lookup", "creative_writing"]


@pytest.mark.parametrize("text", ["根据知识库，出差住酒店每晚能报多少？", "查一下知识库，年假怎么申请？",
                                  "Based on the knowledge base, how many sick days do we get?"])
def test_a_source_named_before_a_question_is_where_to_answer_it_from(text: str) -> None:
    graph = parse_request(text)
    assert [(i.type.value, i.tool) for i in graph.intents] == [("question_answering", "kb_search")], graph
