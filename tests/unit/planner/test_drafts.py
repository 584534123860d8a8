"""Practical writing held to the request's facts, and the plain draft when the model's fails (drafts.py,
answers.writing_answer); a forecast rendered in the request's language. Examples written for these tests."""

from __future__ import annotations

import pytest

from autoglm.services.planner import answers as A
from autoglm.services.planner.drafts import (
    plain_draft,
    request_facts,
    weather_advice,
    weather_lines,
    writing_problem,
)

FORECAST = {"city": "Hangzhou", "location": "杭州", "source": "synthetic demo data", "days": [
    {"date": "2026-12-08", "weather": "Light rain", "weather_zh": "小雨", "temperature_min": 6.5, "temperature_max": 11.0,
     "precipitation_probability_max": 70.0, "wind_speed_max": 12.0}]}


def test_the_facts_of_a_request_are_its_numbers_days_times_and_names() -> None:
    facts = request_facts("写一条消息，通知大家下周三上午9:30在B座201开季度复盘会，公司名叫青石数据")
    assert {"下周三", "上午", "9:30", "201", "青石数据"} <= set(facts)
    assert {"Thursday", "7", "Orchid"} <= set(request_facts('Write a note that the "Orchid" room is booked on Thursday at 7'))


@pytest.mark.parametrize(("request_text", "good", "bad"), [
    ("写一条短信告诉物业：明天下午2点有人来修空调，请开一下门。", "物业您好，明天下午2点有师傅上门修空调，麻烦开门，谢谢！",
     "春风又绿江南岸，明月何时照我还。"),
    ("Write a reminder for me to renew my passport before March 3.", "Reminder: renew your passport before March 3.",
     "The sea is calm and the birds are singing."),
])
def test_writing_that_leaves_out_the_facts_is_rejected(request_text: str, good: str, bad: str) -> None:
    zh = "物业" in request_text
    language = "zh" if zh else "en"
    assert writing_problem(good, request_text, language) is None
    assert writing_problem(bad, request_text, language) is not None
    kept = A.writing_answer(good, request_text, language, zh)
    assert (kept.text, kept.source) == (good, "model")
    replaced = A.writing_answer(bad, request_text, language, zh)
    assert replaced.source == "template" and "plain draft" in replaced.note
    assert ("2点" in replaced.text and "物业" in replaced.text) if zh else "March 3" in replaced.text


def test_writing_in_the_wrong_language_or_looping_is_rejected() -> None:
    request = "写一条通知，告诉大家周五下午停水"
    assert writing_problem("Notice: water is off on Friday afternoon.", request, "zh")
    assert writing_problem("周五下午停水。" * 6, request, "zh")


@pytest.mark.parametrize(("request_text", "zh", "must"), [
    ("写一个通知，告诉全体员工本周六上午10点消防演习", True, ["【通知】", "全体员工", "本周六上午10点消防演习"]),
    ("帮我写一段给爷爷的新年祝福", True, ["爷爷", "新年快乐"]),
    ("给新来的实习生写一段欢迎词，团队名叫星火小组", True, ["欢迎", "实习生", "星火小组"]),
    ("为我们的桂花乌龙茶写一句广告语，要突出零糖", True, ["桂花乌龙茶", "零糖"]),
    ("Write a short message telling my landlord that the rent of 1,200 dollars was paid today.", False,
     ["landlord", "1,200", "today"]),
    ("Draft a polite reply declining the Friday lunch invitation because I am travelling.", False,
     ["Friday lunch invitation", "travelling", "won't be able"]),
    ("Write a thank-you note to Priya for reviewing my slides.", False, ["Priya", "thank you for reviewing"]),
])
def test_a_plain_draft_keeps_what_the_request_says(request_text: str, zh: bool, must: list[str]) -> None:
    draft = plain_draft(request_text, zh)
    assert draft is not None and all(m in draft for m in must), draft


def test_poems_and_stories_have_no_plain_frame_and_are_only_checked_for_breakage() -> None:
    assert plain_draft("写一首关于冬天的诗", True) is None
    assert A.writing_answer("北风卷地白草折。", "写一首关于冬天的诗", "zh", True).source == "model"
    broken = A.writing_answer("雪雪雪雪雪雪雪雪雪雪雪雪雪雪雪雪雪雪雪雪", "写一首关于冬天的诗", "zh", True)
    assert broken.failed and broken.source == "template" and "inference.model_path" in broken.text


def test_writing_on_an_exact_result_must_state_it() -> None:
    request = "写一句话告诉同事这是本月的加班费"
    replaced = A.writing_answer("大家辛苦了！", request, "zh", True, results=["26*45 = 1170"])
    assert replaced.source == "template" and "1170" in replaced.text
    kept = A.writing_answer("各位同事，本月的加班费是1170元。", request, "zh", True, results=["26*45 = 1170"])
    assert kept.source == "model"


def test_a_reminder_on_a_forecast_is_written_from_it_when_the_model_misses_it() -> None:
    part = A.writing_answer("一起来学习吧！！", "生成一段提醒文案", "zh", True, forecast=FORECAST)
    assert part.source == "template"
    assert "Hangzhou" in part.text and "6.5~11°C" in part.text and "带伞" in part.text and "外套" in part.text
    en = A.writing_answer("", "write a reminder", "en", False, forecast=FORECAST)
    assert "Hangzhou" in en.text and "umbrella" in en.text and "coat" in en.text
    good = "杭州明天小雨，6.5到11度，记得带伞。"
    assert A.writing_answer(good.replace("杭州", "Hangzhou"), "生成一段提醒文案", "zh", True, forecast=FORECAST).source == "model"


def test_weather_advice_follows_the_forecast() -> None:
    hot = {"temperature_min": 26, "temperature_max": 35, "precipitation_probability_max": 5, "wind_speed_max": 10}
    assert any("防晒" in t for t in weather_advice(hot, True)) and not any("伞" in t for t in weather_advice(hot, True))
    freezing = {"temperature_min": -8, "temperature_max": -1, "precipitation_probability_max": 0, "wind_speed_max": 45}
    tips = weather_advice(freezing, False)
    assert any("down coat" in t for t in tips) and any("windy" in t for t in tips)


def test_a_forecast_reads_in_the_requests_language_with_the_place_as_asked() -> None:
    assert weather_lines(FORECAST, zh=False) == ["Hangzhou (synthetic demo data):",
                                                 "2026-12-08: Light rain, 6.5~11°C, 70% chance of rain"]
    assert weather_lines(FORECAST, zh=True)[1] == "2026-12-08：小雨，6.5~11°C，降水概率 70%"


def test_writing_about_what_an_earlier_step_found_names_it() -> None:
    row = ["订单号: 2048，商品: 蓝牙音箱，状态: 运输中"]
    draft = plain_draft("写一封致歉邮件给客户", True, row)
    assert draft is not None and draft.startswith("客户您好") and "2048" in draft and "歉意" in draft
    en = plain_draft("draft a short apology email to the customer about it", False, ["order_id: 2048, status: in transit"])
    assert en is not None and "customer" in en and "2048" in en and "sorry" in en
    part = A.writing_answer("Dear customer, have a nice day.", "draft a short apology email to the customer about it",
                            "en", False, results=["order_id: 2048, status: in transit"])
    assert part.source == "template" and "2048" in part.text


_DRY = {"city": "Guangzhou", "days": [{"date": "2026-12-06", "weather": "mainly clear", "temperature_min": 21.2,
                                       "temperature_max": 28.6, "precipitation_probability_max": 10}]}
_WET = {"city": "杭州", "days": [{"date": "2026-12-07", "weather_zh": "中雨", "temperature_min": 6,
                                "temperature_max": 11, "precipitation_probability_max": 80}]}


def test_the_umbrella_question_beside_a_forecast_is_answered_from_it() -> None:
    from autoglm.services.planner.drafts import asked_advice

    assert asked_advice(_DRY, "What's the weather in Guangzhou today, and should I bring an umbrella?", False) == [
        "No umbrella needed: only 10% chance of rain."]
    zh = asked_advice(_WET, "杭州明天天气怎么样？要带伞吗？穿什么合适？", True)
    assert zh[0] == "需要带伞：降水概率 80%。" and zh[1].startswith("穿衣建议：") and "外套" in zh[1]
    assert asked_advice(_WET, "杭州明天天气怎么样？", True) == []


def test_a_date_or_a_person_the_writing_is_for_may_not_go_missing() -> None:
    from autoglm.services.planner.drafts import request_facts, writing_problem

    sms = "给客户写一条短信，告诉他预约的上门维修时间改到 12 月 8 日上午 10 点。"
    assert request_facts(sms)[0] == "12 月 8 日"  # one date, not two digits a garbled text also has
    assert writing_problem("短信：(从8:10点时间至上午的三月可以在2余天)", sms, "zh") == "leaves out 12 月 8 日"
    assert writing_problem("您好，维修时间改到12月8号上午10点，请知悉。", sms, "zh") is None
    away = "Write a two-sentence out-of-office reply: I am away until 15 January, and urgent questions should go to Priya."
    assert writing_problem("Rest in peace.", away, "en") == "leaves out 15 January, Priya"
    assert writing_problem("I am out of the office until January 15. Please contact Priya for anything urgent.", away,
                           "en") is None
    assert "张老师" in writing_problem("生日快乐，祝您身体健康！", "写一段生日祝福送给我的老师张老师，不超过 60 字。", "zh")


def test_practical_writing_with_no_plain_frame_is_still_held_to_its_facts() -> None:
    away = "Write a two-sentence out-of-office reply: I am away until 15 January, and urgent questions should go to Priya."
    part = A.writing_answer("Rest in peace.", away, "en", False)
    assert part.source == "template" and "Rest in peace" not in part.text
    poem = A.writing_answer("Leaves fall slow, the river runs, the year grows old.", "Write a poem about 3 autumn leaves",
                            "en", False)
    assert poem.source == "model"  # a poem need not repeat the number


@pytest.mark.parametrize(("request_text", "draft"), [
    ("帮我给王经理写一封简短的请假邮件：我 12 月 10 日到 12 日请三天年假。", "王经理您好！我 12 月 10 日到 12 日请三天年假，特此请假，恳请批准。谢谢！"),
    ("写一段生日祝福送给我的老师张老师，不超过 60 字。", "亲爱的张老师：祝您生日快乐，身体健康，万事如意！"),
    ("给我们部门的李总写一条新年祝福", "亲爱的李总：祝您新年快乐，身体健康，万事如意！"),
])
def test_a_plain_draft_names_the_titled_person_it_is_for(request_text: str, draft: str) -> None:
    from autoglm.services.planner.drafts import plain_draft

    assert plain_draft(request_text, True) == draft


def test_a_welcome_draft_says_welcome_once() -> None:
    from autoglm.services.planner.drafts import plain_draft

    assert plain_draft("写一句欢迎新同事入职的话", True) == "热烈欢迎新同事入职！祝大家工作顺利、一切顺心！"
    assert plain_draft("写一段欢迎词，欢迎新同学", True) == "热烈欢迎新同学！祝大家工作顺利、一切顺心！"


# ------------------------------------------------------------------ session 27: who may write, and what kind

def test_writing_in_a_language_the_model_is_not_trusted_in_is_never_handed_over() -> None:
    # A fluent-looking Chinese text that even states the facts: the bundled model writes Chinese garbled, so its
    # text is replaced by the plain draft of the request (or an honest notice when there is no plain frame).
    request = "写一条通知：下周一上午10点在三楼会议室开安全培训会，请各部门准时参加。"
    model = "通知：下周一上午10点三楼会议室安全培训，请准时参加。"
    kept = A.writing_answer(model, request, "zh", True, trusted=["*"])
    assert kept.source == "model"
    replaced = A.writing_answer(model, request, "zh", True, trusted=["en"])
    assert replaced.source == "template" and "下周一上午10点" in replaced.text and "通知" in replaced.text
    poem = A.writing_answer("秋风起，落叶黄。", "写一首关于秋天的短诗", "zh", True, trusted=["en"])
    assert poem.failed and "秋风" not in poem.text
    english = A.writing_answer("Reminder: the gym closes at 9 pm on Friday.", "Write a reminder that the gym closes at "
                               "9 pm on Friday", "en", False, trusted=["en"])
    assert english.source == "model"


@pytest.mark.parametrize(("request_text", "off", "on"), [
    ("Write a short thank-you note to Omar for lending me his ladder.", "Omar, the ladder is in the garage now.",
     "Thanks so much, Omar, for lending me the ladder!"),
    ("Write a one-line apology to the customer for the late delivery.", "Your delivery is on its way.",
     "We're sorry your delivery was late."),
    ("写一句祝贺表妹考上研究生的话", "表妹考上研究生了。", "恭喜表妹考上研究生！"),
])
def test_writing_of_another_kind_than_asked_is_rejected(request_text: str, off: str, on: str) -> None:
    language = "en" if request_text.isascii() else "zh"
    assert writing_problem(off, request_text, language) is not None
    assert writing_problem(on, request_text, language) is None


def test_a_short_piece_that_runs_on_is_rejected_but_a_stated_length_is_not_a_fact() -> None:
    request = "Write a short message to Leo saying the meeting moved to Thursday."
    assert writing_problem("Hi Leo, the meeting moved to Thursday. " * 30, request, "en") is not None
    assert writing_problem("Hi Leo, the meeting moved to Thursday.", request, "en") is None
    assert "80" not in request_facts("写一段 80 字左右的开业通知：本店周六开业，全场九折")
    assert "200" not in request_facts("Write an announcement in under 200 words: the pool reopens on Monday")
    assert {"3rd", "9th"} <= set(request_facts("Write a note that I'm away from the 3rd to the 9th"))


@pytest.mark.parametrize(("request_text", "zh", "wanted"), [
    ("写一句祝贺同学拿到奖学金的话", True, ["同学", "恭喜", "拿到奖学金"]),
    ("Write a congratulations message to my cousin who just opened her own bakery", False,
     ["Congratulations, cousin", "You just opened your own bakery"]),
    ("Write a short note to my landlord asking him to fix the heater before Friday", False,
     ["landlord", "Could you fix the heater before Friday?"]),
    ("Write a thank-you message for my teammate Priya, who stayed late to finish the report", False,
     ["Dear Priya", "you stayed late to finish the report"]),
    ("然后写一封感谢信给刘老师", True, ["刘老师", "感谢"]),
])
def test_plain_drafts_of_congratulations_favours_and_thanks(request_text: str, zh: bool, wanted: list[str]) -> None:
    draft = plain_draft(request_text, zh)
    assert draft is not None
    for part in wanted:
        assert part in draft
    assert "然后" not in draft


@pytest.mark.parametrize(("request_text", "zh", "day", "verdict"), [
    ("Is tomorrow a good day for a run in Leeds?", False, {"temperature_min": 9, "temperature_max": 15,
                                                             "precipitation_probability_max": 10}, "Yes"),
    ("周六适合去爬山吗", True, {"temperature_min": 3, "temperature_max": 8, "precipitation_probability_max": 80}, "不太适合"),
    ("weather in Oslo tomorrow", False, {"temperature_min": -8, "temperature_max": -2,
                                        "precipitation_probability_max": 10}, None),
])
def test_whether_a_day_suits_being_outdoors_is_answered_from_the_forecast(request_text: str, zh: bool, day: dict,
                                                                         verdict: str | None) -> None:
    from autoglm.services.planner.drafts import asked_advice

    said = asked_advice({"days": [day]}, request_text, zh)
    if verdict is None:
        assert said == []
    else:
        assert said and said[0].startswith(verdict)


def test_the_text_under_an_instruction_line_is_what_a_summary_works_on() -> None:
    pasted = "这款空气净化器适用面积为 30 到 50 平方米，采用三层滤网，滤网每 6 个月更换一次。"
    assert A.payload("概括一下这篇产品说明的主要内容\n" + pasted, {}) == pasted
    assert A.payload("Translate into French: good morning, everyone", {}) == "good morning, everyone"


@pytest.mark.parametrize(("request_text", "wanted"), [
    ("帮我写张请假条，孩子发烧了，后天想请一天假，交给李老师。", ["李老师", "孩子发烧了，后天想请一天假", "请假"]),
    ("给隔壁邻居写张纸条，礼貌地请他们别把快递堆在门口。", ["隔壁邻居您好", "请您别把快递堆在门口"]),
    ("给房东发条消息，说下个月的房租会晚两天交", ["房东您好", "下个月的房租会晚两天交"]),
])
def test_plain_drafts_of_leave_notes_and_notes_to_neighbours(request_text: str, wanted: list[str]) -> None:
    draft = plain_draft(request_text, True)
    assert draft is not None
    for part in wanted:
        assert part in draft, draft


@pytest.mark.parametrize(("request_text", "zh", "day", "said"), [
    # a plan with its own place or name is still a plan for the day outdoors
    ("适不适合带孩子去滨江公园放松一下？", True, {"temperature_min": 12, "temperature_max": 19,
                                      "precipitation_probability_max": 70}, ["不太适合"]),
    ("Okay to go sailing off Brighton on Sunday?", False, {"temperature_min": 11, "temperature_max": 16,
                                                         "precipitation_probability_max": 5, "wind_speed_max": 55},
     ["Not a great day to be outdoors: strong wind"]),
    ("Will it be windy in Dover tomorrow?", False, {"temperature_min": 6, "temperature_max": 10, "wind_speed_max": 61},
     ["Yes, it will be windy: gusts up to 61 km/h"]),
    ("明天风大吗", True, {"temperature_min": 5, "temperature_max": 11, "wind_speed_max": 14}, ["风不大：最大风速 14 km/h"]),
    # what suits to wear is a question about clothes, not about going out
    ("后天适合穿什么？", True, {"temperature_min": 2, "temperature_max": 9, "precipitation_probability_max": 0},
     ["穿衣建议"]),
])
def test_wind_and_whether_a_plan_suits_the_day_are_answered_from_the_forecast(request_text: str, zh: bool, day: dict,
                                                                              said: list[str]) -> None:
    from autoglm.services.planner.drafts import asked_advice

    answer = asked_advice({"days": [day]}, request_text, zh)
    assert len(answer) == len(said)
    for line, start in zip(answer, said, strict=True):
        assert start in line


@pytest.mark.parametrize(("request_text", "zh", "draft"), [
    ("用中文写一句感谢保洁阿姨的话", True, "致保洁阿姨：衷心感谢您！"),
    ("Write a thank-you note in English to my neighbour for watering the plants", False,
     "Dear neighbour, thank you for watering the plants. I really appreciate it!"),
])
def test_the_language_asked_for_is_how_to_write_not_what(request_text: str, zh: bool, draft: str) -> None:
    assert plain_draft(request_text, zh) == draft


def test_writing_asked_in_another_language_than_the_request_has_no_plain_draft() -> None:
    # "用英文写…": the request's words are Chinese, so a frame around them is no English note: the notice answers
    part = A.writing_answer("", "用英文写一封感谢信给王老师，谢谢她一学期的照顾", "en", True, trusted=["en"])
    assert part.failed and "感谢" not in part.text.split("（")[0]
