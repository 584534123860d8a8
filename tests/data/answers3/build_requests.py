"""Writes requests.jsonl of the third blind answer set. Every expected number is computed here, in Python.

Run: python tests/data/answers3/build_requests.py  (then python tests/data/answers3/validate.py)
It never runs the system.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT: list[dict] = []
T60 = {"status": ["completed"], "max_seconds": 60}


def add(rid, cls, lang, tenant, text, checks, **extra):
    r = {"id": rid, "class": cls, "lang": lang, "tenant": tenant, "session": extra.pop("session", rid), "text": text,
         "checks": {**T60, **checks}}
    r.update(extra)
    OUT.append(r)


# ---------------------------------------------------------------- kb_fact
HV, LT, VW = "harborview-hotel", "lanting-property", "voltway-ev"
D = {
    "rooms": f"kb/{HV}/rooms-and-rates.md", "faq": f"kb/{HV}/guest-services-faq.md",
    "meet": f"kb/{HV}/会议室与活动场地.md", "dine": f"kb/{HV}/餐饮与早餐.md",
    "fee": f"kb/{LT}/物业服务收费标准.md", "park": f"kb/{LT}/停车管理规定.md",
    "reno": f"kb/{LT}/renovation-rules.md", "pets": f"kb/{LT}/pets-and-amenities-faq.md",
    "models": f"kb/{VW}/charger-models.md", "price": f"kb/{VW}/membership-and-pricing.md",
    "card": f"kb/{VW}/充电卡与发票.md", "err": f"kb/{VW}/故障代码与保修.md",
}
ZH_DOCS = {"meet", "dine", "fee", "park", "card", "err"}


def kb(rid, lang, tenant, text, doc, expect, note=None, none=None):
    if doc is None:
        add(rid, "kb_fact", lang, tenant, text, {"not_found": True}, doc=None, cross_lingual=False,
            **({"note": note} if note else {}))
        return
    cross = (doc in ZH_DOCS) != (lang == "zh")
    checks = {"contains_all": expect, "cites": [D[doc]], "no_refusal": True}
    if none:
        checks["contains_none"] = none
    if not cross:
        checks["language"] = lang
    add(rid, "kb_fact", lang, tenant, text, checks, doc=D[doc], cross_lingual=cross, **({"note": note} if note else {}))


# harborview-hotel: zh 10 (4 same, 4 cross, 2 not found), en 10 (4, 4, 2)
kb("kb-hv-01", "zh", HV, "海鸥厅包一整天的场地费是多少？", "meet", ["4200"], "near-miss: 海燕厅 4,800 半天 / 8,000 全天; 海鸥厅半天 2,600")
kb("kb-hv-02", "zh", HV, "观澜厅那块 LED 大屏要用的话，每天另外加收多少钱", "meet", ["3500"], "near-miss: 同传设备 2,200")
kb("kb-hv-03", "zh", HV, "我不住店，想去吃你们的自助早餐，一位多少钱？", "dine", ["98"], "near-miss: 儿童半价 49")
kb("kb-hv-04", "zh", HV, "鲁味轩大包间晚上的最低消费是多少啊", "dine", ["3800"], "near-miss: 午餐 3,000; 中包间 2,600")
kb("kb-hv-05", "zh", HV, "退房延迟到下午4点要怎么收费？", "faq", ["50%"], "cross: FAQ in English; after 16:00 full night")
kb("kb-hv-06", "zh", HV, "去胶东机场的班车早上最早一班几点从酒店发车？", "faq", [["07:30", "7:30"]], "cross; other departures 10:30, 14:30, 18:30")
kb("kb-hv-07", "zh", HV, "行政套房周末住一晚门市价多少？", "rooms", ["1880"], "cross; near-miss weekday 1,680")
kb("kb-hv-08", "zh", HV, "公司协议价订房要用哪个预订代码？", "rooms", ["HVQ-CORP-27"], "cross; near-miss HVQ-CORP-26 expired")
kb("kb-hv-09", "zh", HV, "你们酒店健身房有私教课吗？一节课多少钱？", None, None, "gym hours are covered, personal training is not")
kb("kb-hv-10", "zh", HV, "在酒店办婚宴的话，每桌菜的价格是多少？", None, None, "near-topic: 婚宴 only named (extension 8808, corkage waived), no price per table")
kb("kb-hv-11", "en", HV, "how much is a 90 min massage at the spa?", "faq", ["698"], "near-miss: 60 minutes CNY 498")
kb("kb-hv-12", "en", HV, "What's the name of the guest wifi network I should join?", "faq", ["Harborview-Guest"], "near-miss: Harborview-Events (meeting floors)")
kb("kb-hv-13", "en", HV, "Nightly rate for a Deluxe Harbour View room on a weekday?", "rooms", ["886"], "near-miss: weekend 986")
kb("kb-hv-14", "en", HV, "I left my phone in the room last month - how long do you keep lost valuables?", "faq", ["180"], "near-miss: other items 90 days")
kb("kb-hv-15", "en", HV, "What's the hourly overtime charge if our event in 观澜厅 runs late?", "meet", ["1500"], "cross; near-miss other rooms 800 per hour")
kb("kb-hv-16", "en", HV, "When booking a meeting room, what percentage of the total do we pay as a deposit?", "meet", ["30%"], "cross")
kb("kb-hv-17", "en", HV, "What time does the breakfast buffet close on Sundays?", "dine", ["10:30"], "cross; near-miss weekdays 10:00")
kb("kb-hv-18", "en", HV, "If I bring my own bottle of baijiu to the Chinese restaurant, what's the corkage fee?", "dine", ["150"], "cross; near-miss wine 100")
kb("kb-hv-19", "en", HV, "What does dry cleaning a suit cost at the hotel?", None, None, "near-topic: laundry times are covered, no prices per item")
kb("kb-hv-20", "en", HV, "Is there a minimum age to check in on my own?", None, None, "no document states an age")
add("gen-p1", "general", "zh", HV, "一年有几个季节？", {"contains_any": ["4", "四"], "contains_none": ["HVQ-CORP", "观澜厅", "Harborview-Guest"], "no_refusal": True, "language": "zh"}, note="memory-pollution probe after the harborview-hotel questions")

# lanting-property
kb("kb-lt-01", "zh", LT, "洋房的物业费每平米每月多少钱？", "fee", [["3.60", "3.6"]], "near-miss: 高层 2.80, 联排 4.20")
kb("kb-lt-02", "zh", LT, "物业费一次交两年能打几折", "fee", [["92折", "92%", "九二折"]], "near-miss: 一年 95 折")
kb("kb-lt-03", "zh", LT, "车库B1层租车位，一年租金多少", "park", ["4200"], "near-miss: B2 层 3,800; 月租 380")
kb("kb-lt-04", "zh", LT, "地库公共充电桩的充电服务费一度多少？", "park", [["0.60", "0.6"]], "near-miss: 电费 0.65")
kb("kb-lt-05", "zh", LT, "高层住户装修要交多少押金？", "reno", ["3000"], "cross; near-miss villa/shop 5,000")
kb("kb-lt-06", "zh", LT, "卫生间做完防水，闭水试验要做多长时间？", "reno", ["48"], "cross; near-miss ground floor 72 hours")
kb("kb-lt-07", "zh", LT, "小区游泳池每年几月几号开放？", "pets", [["1 June", "June 1", "6月1日", "6月1号"]], "cross; closes 15 September")
kb("kb-lt-08", "zh", LT, "快递放在智能柜里，免费能放多久？", "pets", ["24"], "cross; then CNY 1 per 12 hours, up to 3 days")
kb("kb-lt-09", "zh", LT, "我们小区业委会主任是谁，怎么联系？", None, None, "residents' committee only named in the dog rules")
kb("kb-lt-10", "zh", LT, "物业代收水费吗？水费多少钱一吨？", None, None, "no water price in the documents")
kb("kb-lt-11", "en", LT, "On weekdays, what time can renovation work start again after the lunch break?", "reno", [["14:00", "2 pm", "2pm", "2:00 pm", "2 p.m."]], "12:00-14:00 no noisy work")
kb("kb-lt-12", "en", LT, "max leash length for dogs in shared areas?", "pets", ["1.5"], "near-miss: 35 cm shoulder height")
kb("kb-lt-13", "en", LT, "My friend isn't a resident but comes swimming with me. What does she pay per visit?", "pets", ["25"], "near-miss: residents CNY 10, season card 300")
kb("kb-lt-14", "en", LT, "How long does a visitor QR code from the mini program stay valid?", "pets", [["4 hours", "4 hrs", "four hours"]], "")
kb("kb-lt-15", "en", LT, "What's the late-payment penalty on overdue property management fees?", "fee", [["万分之五", "0.05%", "0.0005"]], "cross; capped at the principal")
kb("kb-lt-16", "en", LT, "Which room is the property service centre in?", "fee", ["103"], "cross; 3 号楼一层 103 室")
kb("kb-lt-17", "en", LT, "Lost my parking card (the backup vehicle card). How much to get a new one?", "park", ["50"], "cross; near-miss access card 30 (other doc)")
kb("kb-lt-18", "en", LT, "For a townhouse, what's the renovation debris removal fee?", "fee", ["1200"], "cross; near-miss high-rise 600, 洋房 800")
kb("kb-lt-19", "en", LT, "What's the wifi password in the clubhouse reading room?", None, None, "reading room hours are covered, no Wi-Fi")
kb("kb-lt-20", "en", LT, "Can I book the clubhouse for a kid's birthday party, and how much does it cost?", None, None, "no room hire in the documents")
add("gen-p2", "general", "en", LT, "What is the capital of Australia?", {"contains_all": ["Canberra"], "contains_none": ["兰亭", "LT-D", "0532"], "no_refusal": True, "language": "en"}, note="memory-pollution probe after the lanting-property questions")

# voltway-ev
kb("kb-vw-01", "zh", VW, "桩子屏幕上显示 E-310，是什么问题？", "err", ["后台"], "near-miss: E-301 与车辆通信失败")
kb("kb-vw-02", "zh", VW, "家用充电桩延保三年要多少钱？", "err", ["399"], "near-miss: 延长 2 年 299")
kb("kb-vw-03", "zh", VW, "充电发票最晚要在订单完成后多少天内申请", "card", ["180"], "")
kb("kb-vw-04", "zh", VW, "我在济南，充电桩坏了报修，多久能上门？", "err", ["24"], "near-miss: 省内其他城市 48, 省外 72")
kb("kb-vw-05", "zh", VW, "装 HC-11 需要多大电流的三相回路？", "models", ["16"], "cross; near-miss HC-07 32 A, PC-22 32 A")
kb("kb-vw-06", "zh", VW, "谷时段充电的电价是多少钱一度？", "price", ["0.35"], "cross; near-miss 0.68 standard, 1.05 peak")
kb("kb-vw-07", "zh", VW, "Plus 会员每个月月费多少？", "price", ["19"], "cross; near-miss Fleet 199")
kb("kb-vw-08", "zh", VW, "充电桩现在最新的固件是哪个版本？", "models", ["4.2.1"], "cross; near-miss 4.1.2 unsupported")
kb("kb-vw-09", "zh", VW, "伏特威在北京一共有多少个充电站？", None, None, "stations are only mentioned for Qingdao; no count")
kb("kb-vw-10", "zh", VW, "伏特威 App 支持英文界面吗？", None, None, "app languages not covered")
kb("kb-vw-11", "en", VW, "once my car is full how much is the idle fee per minute?", "price", [["0.50", "0.5"]], "near-miss: cap CNY 60, grace 15 minutes")
kb("kb-vw-12", "en", VW, "Which connector standards does the DC-120 support?", "models", ["CCS2"], "")
kb("kb-vw-13", "en", VW, "Beyond the included cable for a home install, how much is each extra metre?", "models", ["45"], "")
kb("kb-vw-14", "en", VW, "If I top up 1000 yuan in one go, what bonus percentage do I get?", "price", ["6%"], "near-miss: 500+ gives 4%")
kb("kb-vw-15", "en", VW, "My charger shows E-204. How many minutes should I let it cool before trying again?", "err", ["15"], "cross")
kb("kb-vw-16", "en", VW, "I lost my physical charging card, what does a replacement cost?", "card", ["20"], "cross")
kb("kb-vw-17", "en", VW, "What's the most I can add to the app wallet in a single top-up?", "card", ["2000"], "cross; near-miss balance cap 5,000, minimum 50")
kb("kb-vw-18", "en", VW, "What's Voltway's customer service hotline?", "card", ["400-606-1357"], "cross; also in 故障代码与保修.md")
kb("kb-vw-19", "en", VW, "How much does the HC-11 home charger itself cost to buy?", None, None, "near-topic: installation is included in the price, the price is not given")
kb("kb-vw-20", "en", VW, "Is there a student discount on the Plus plan?", None, None, "no discounts by group")
add("gen-p3", "general", "zh", VW, "一打鸡蛋是多少个？", {"contains_any": ["12", "十二"], "contains_none": ["E-310", "CCS2", "伏特威"], "no_refusal": True, "language": "zh"}, note="memory-pollution probe after the voltway-ev questions")
for r in OUT:
    if r["id"] == "kb-vw-18":
        r["checks"]["cites"].append(D["err"])

# ---------------------------------------------------------------- arithmetic_chain
EO = "eval-open"


def ar(rid, lang, text, values, note=None, after=None, session=None):
    nums = [v if isinstance(v, dict) else {"value": v} for v in values]
    extra = {}
    if after:
        extra["after"] = after
        extra["session"] = session
    if note:
        extra["note"] = note
    add(rid, "arithmetic_chain", lang, EO, text, {"number": nums, "language": lang}, **extra)


def r2(x, tol=0.006):
    return {"value": round(x, 6), "tolerance": tol}


ar("ar-01", "en", "sneakers were ¥599, now 30% off, and I've got a ¥40 voucher on top of that. what do I end up paying?", [r2(599 * 0.7 - 40)])
ar("ar-02", "en", "Our bill came to $128.50. Add 7.25% sales tax, then an 18% tip on the after-tax total, and split it 3 ways. How much is each share?",
   [r2(128.5 * 1.0725 * 1.18 / 3)], note=f"{128.5 * 1.0725 * 1.18 / 3:.2f}")
ar("ar-03", "en", "If I put 20,000 into a savings account paying 3.5% a year, compounded annually, how much is in it after 4 years?",
   [r2(20000 * 1.035 ** 4)], note=f"{20000 * 1.035 ** 4:.2f}")
ar("ar-04", "en", "The rate today is 1 USD = 7.12 CNY. How many dollars do I get for 2,500 CNY? Round to the cent.", [r2(2500 / 7.12)], note=f"{2500 / 7.12:.2f}")
ar("ar-05", "en", "My quiz scores were 82, 91, 77, 88 and 95. What's my average, and by how much does it beat 80?", [r2((82 + 91 + 77 + 88 + 95) / 5), r2((82 + 91 + 77 + 88 + 95) / 5 - 80)])
ar("ar-06", "en", "My car burns 6.8 litres per 100 km. The trip is 450 km and petrol is 7.9 yuan a litre. What will the fuel cost?", [r2(6.8 * 4.5 * 7.9)])
ar("ar-07", "en", "rent went from 3,200 to 3,520 a month... what % increase is that?", [r2(100 * (3520 - 3200) / 3200)])
ar("ar-08", "en", "I was born on 14 March 1991. How old will I be on 1 September 2027?", [36])
d9 = (date(2027, 5, 3) - date(2027, 2, 10)).days
ar("ar-09", "en", "How many days are there between 2027-02-10 and 2027-05-03?", [d9])
ar("ar-10", "en", "A cyclist rides at 18 km/h for 2 hours 20 minutes, then at 12 km/h for 45 minutes. How far did she ride in total?", [r2(18 * (2 + 20 / 60) + 12 * 0.75)])
ar("ar-11", "en", "I buy 3 notebooks at 12.50 each and 2 pens at 4.80 each and pay with a 100 note. How much change should I get?", [r2(100 - 3 * 12.5 - 2 * 4.8)])
ar("ar-12", "en", "Cans of soda are 6.5 each with a buy-2-get-1-free deal. If I walk out with 9 cans, how much did I pay?", [r2(6 * 6.5)])
ar("ar-13", "en", "A marathon is 26.2 miles. Using 1 mile = 1.609 km, how many km is that, and how many minutes would it take at a steady 10 km/h?",
   [r2(26.2 * 1.609), {"value": round(26.2 * 1.609 / 10 * 60, 4), "tolerance": 0.5}], note=f"{26.2 * 1.609:.4f} km, {26.2 * 1.609 * 6:.1f} min")
ar("ar-14", "en", "Gross salary is 9,800 a month. 10% goes to the pension, then 8% of what's left goes to the housing fund. What's my take-home?", [r2(9800 * 0.9 * 0.92)])
ar("ar-15", "en", "A phone cost 4,000. It lost 15% of its value in the first year and another 10% of the remaining value in the second. What's it worth now?", [r2(4000 * 0.85 * 0.9)])
ar("ar-16", "en", "5 of us went away for 2 nights: 2 rooms at 680 a night each, plus 1,150 on food. What does each person owe?", [r2((680 * 2 * 2 + 1150) / 5)])
ar("ar-17", "en", "The ticket cost 250 last year and 275 this year. If it goes up by the same percentage again next year, what will it cost?", [r2(275 * 275 / 250)])
ar("ar-20", "en", "I make 42 an hour and worked 37.5 hours this week. What's my pay?", [r2(42 * 37.5)])
ar("ar-20b", "en", "and after 20% tax?", [r2(42 * 37.5 * 0.8)], after="ar-20", session="ar-20")
ar("ar-21", "en", "A recipe for 4 people needs 300 g of flour. How much flour do I need for 10 people?", [r2(300 / 4 * 10)])
ar("ar-21b", "en", "What's that in kilograms?", [r2(300 / 4 * 10 / 1000)], after="ar-21", session="ar-21")
m22 = (24 * 60 - (22 * 60 + 40)) + 6 * 60 + 15
ar("ar-22", "en", "My flight leaves at 22:40 and lands at 06:15 the next morning, same time zone. How many minutes is that in the air?", [m22])
ar("ar-22b", "en", "ok and how many hours is that, to 2 decimals?", [r2(m22 / 60)], after="ar-22", session="ar-22", note=f"{m22 / 60:.2f}")

ar("ar-23", "zh", "一件羽绒服标价1280元，先打八五折，再用一张满1000减100的券，最后要付多少？", [r2(1280 * 0.85 - 100)])
ar("ar-24", "zh", "苹果8.8元一斤买了3.5斤，香蕉5.6元一斤买了2斤，给了50块，找我多少钱", [r2(50 - 8.8 * 3.5 - 5.6 * 2)])
ar("ar-25", "zh", "5万块钱存三年定期，年利率2.75%，按单利算，到期本金加利息一共多少？", [r2(50000 * (1 + 0.0275 * 3))])
ar("ar-26", "zh", "假设1欧元兑7.85元人民币，我把600欧元全部换成人民币，然后花掉1200元，还剩多少人民币？", [r2(600 * 7.85 - 1200)], note="4710 CNY exchanged; only the asked remainder is checked")
ar("ar-27", "zh", "我们六个人聚餐一共1146元，另收6%服务费，AA的话每人出多少？", [r2(1146 * 1.06 / 6)], note=f"{1146 * 1.06 / 6:.2f}")
ar("ar-28", "zh", "小明语文92、数学87、英语95、物理78，四科平均多少分？比班级平均分84.5高多少？", [r2((92 + 87 + 95 + 78) / 4), r2((92 + 87 + 95 + 78) / 4 - 84.5)])
ar("ar-30", "zh", "上个月电费236元，这个月283.2元，涨了百分之几？", [r2(100 * (283.2 - 236) / 236)])
ar("ar-31", "zh", "我是1988年7月20日出生的，到2027年1月1日那天我满多少周岁？", [38])
d32 = (date(2027, 12, 25) - date(2027, 3, 1)).days
ar("ar-32", "zh", "从2027年3月1日到2027年12月25日相差多少天？", [d32])
ar("ar-33", "zh", "房贷本金80万，年利率4.1%，只算第一年的利息（不考虑还本），平均每个月的利息大概多少钱？", [r2(800000 * 0.041 / 12, 0.01)], note=f"{800000 * 0.041 / 12:.2f}")
ar("ar-34", "zh", "一桶5升的油卖89.9元，另一桶1.8升的卖35.8元，哪桶每升更便宜？每升便宜多少钱？", [r2(35.8 / 1.8 - 89.9 / 5, 0.011)], note=f"5 L: {89.9 / 5:.2f}/L, 1.8 L: {35.8 / 1.8:.2f}/L, diff {35.8 / 1.8 - 89.9 / 5:.3f} (1.91; 1.90 if both rounded first)")
ar("ar-35", "zh", "跑了10公里用时54分钟，平均配速是每公里几分几秒？", [5, 24], note="5.4 min/km = 5分24秒")
ar("ar-36", "zh", "T恤每件129元，买两件第二件半价，两件再一起打九折，一共付多少？", [r2((129 + 129 / 2) * 0.9)])
ar("ar-37", "zh", "月薪1.2万，年终奖是2.5个月工资，一年总收入多少？平均到每个月又是多少？", [r2(12000 * 14.5), r2(12000 * 14.5 / 12)])
ar("ar-38", "zh", "体温98.6华氏度是多少摄氏度？如果再升高2摄氏度，换回华氏度是多少？", [{"value": 37, "tolerance": 0.05}, {"value": 102.2, "tolerance": 0.05}])
ar("ar-40", "zh", "耳机原价460，先降价15%，后来又涨了10%，现在卖多少？比原价便宜了多少？", [r2(460 * 0.85 * 1.1), r2(460 - 460 * 0.85 * 1.1)])
ar("ar-42", "zh", "出租车起步价13元含3公里，超出部分每公里2.3元，我坐了11公里要多少钱？", [r2(13 + (11 - 3) * 2.3)])
ar("ar-42b", "zh", "那三个人平摊的话每人多少？", [r2((13 + 8 * 2.3) / 3)], after="ar-42", session="ar-42", note=f"{(13 + 8 * 2.3) / 3:.2f}")
ar("ar-43", "zh", "按1英镑兑9.05元人民币算，350英镑能换多少人民币？", [r2(350 * 9.05)])
ar("ar-43b", "zh", "再扣掉0.5%的手续费，实际到手多少？", [r2(350 * 9.05 * 0.995)], after="ar-43", session="ar-43", note=f"{350 * 9.05 * 0.995:.2f}")
n44 = (date(2027, 2, 28) - date(2027, 1, 15)).days + 1
ar("ar-44", "zh", "从2027年1月15日起每天背35个单词，背到2月28日（首尾两天都算），一共背了多少个？", [35 * n44], note=f"{n44} days")
ar("ar-44b", "zh", "单词书一共3500个词，还差多少个没背？", [3500 - 35 * n44], after="ar-44", session="ar-44")
ar("ar-45", "zh", "一箱牛奶24盒卖79.2元，现在第二箱半价，买两箱的话平均每盒多少钱？", [r2((79.2 * 1.5) / 48)])
ar("ar-45b", "zh", "那平均每盒比不打折的时候便宜多少钱？", [r2(79.2 / 24 - 79.2 * 1.5 / 48)], after="ar-45", session="ar-45")
ar("ar-46", "zh", "某店上半年营业额分别是12、15、11、18、16、20万元，月平均多少万？最后一个月比平均高出百分之几？",
   [r2(92 / 6), r2(100 * (20 - 92 / 6) / (92 / 6), 0.06)], note=f"avg {92 / 6:.2f}, {100 * (20 - 92 / 6) / (92 / 6):.1f}%")
ar("ar-49", "en", "Printer: 0.35 per page. I need 18 copies of a 24-page handout and there's 12% off orders over 100. Total?", [r2(0.35 * 18 * 24 * 0.88)])
ar("ar-50", "en", "Water bill: first 15 m³ at 3.45 per m³, anything above that at 4.83 per m³. We used 23 m³. How much is the bill?", [r2(15 * 3.45 + 8 * 4.83)])

# ---------------------------------------------------------------- general (12 more; 3 probes above)
def gen(rid, lang, text, checks):
    add(rid, "general", lang, EO, text, {**checks, "no_refusal": True, "language": lang})


gen("gen-01", "zh", "长城最东端的起点叫什么关？", {"contains_all": ["山海关"]})
gen("gen-02", "zh", "地球绕太阳公转一圈大约要多少天？", {"contains_any": ["365", "365.24", "365.25", "365.26", "365.256", "三百六十五"]})
gen("gen-03", "zh", "人体最大的器官是什么", {"contains_all": ["皮肤"]})
gen("gen-04", "zh", "《西游记》里唐僧的大徒弟是谁？", {"contains_any": ["孙悟空", "悟空"]})
gen("gen-05", "zh", "一公斤等于多少克？", {"contains_any": ["1000", "一千"]})
gen("gen-06", "zh", "请问世界上面积最大的国家是哪个？", {"contains_all": ["俄罗斯"]})
gen("gen-07", "en", "Who painted the Mona Lisa?", {"contains_all": [["Leonardo", "da Vinci", "Da Vinci"]]})
gen("gen-08", "en", "how many minutes are in a full day?", {"number": [{"value": 1440}]})
gen("gen-09", "en", "What is the freezing point of water in Fahrenheit?", {"number": [{"value": 32}]})
gen("gen-10", "en", "Which is the longest river in South America?", {"contains_all": ["Amazon"]})
gen("gen-11", "en", "What's the chemical symbol for sodium?", {"contains_all": ["Na"]})
gen("gen-12", "en", "In which country are the pyramids of Giza?", {"contains_all": ["Egypt"]})

# ---------------------------------------------------------------- summary
def summ(rid, lang, instr, source, extra=None):
    checks = {"faithful_to_request": {"min_share": 0.5}, "language": lang,
              "length": {"min_chars": 10, "max_chars": 400 if lang == "zh" else 600}, "no_refusal": True, "no_degenerate": True}
    if extra is not None:
        checks = extra
    add(rid, "summary", lang, EO, instr + "\n" + source, checks, source=source)


summ("sum-01", "zh", "帮我用两句话概括一下：",
     "市图书馆新馆将于 3 月 18 日对外开放。新馆位于滨湖新区文化中心东侧，建筑面积 4.2 万平方米，设有 2800 个阅览座位和一个 24 小时自助借还区。开馆首月每天限流 6000 人次，读者需提前一天在公众号预约。旧馆将继续开放到 3 月 10 日，之后闭馆改造为少儿分馆。")
summ("sum-02", "zh", "总结下这段话的要点",
     "本周六上午 9 点，社区将组织旧衣物回收和义卖活动，地点在中心广场东侧。居民可以把洗净的旧衣服、旧书和闲置玩具送到现场，工作人员会当场分类。义卖所得将全部捐给社区养老食堂。活动当天还有免费量血压和理发服务，名额各 50 个，先到先得。如遇下雨，活动改到下周六。")
summ("sum-03", "zh", "请简要总结：",
     "据气象台消息，受冷空气影响，明天起全市气温将明显下降，最低气温降至零下 3 摄氏度，降温幅度达 8 到 10 度，并伴有 5 到 6 级北风。气象台提醒市民及时添加衣物，老人和儿童尽量减少外出。此次降温过程预计持续三天，周日起气温逐步回升。")
summ("sum-04", "zh", "一句话说说这段讲了啥：",
     "公司决定从下个月起实行弹性工作制。员工可以在早上 8 点到 10 点之间任意时间到岗，每天工作满 8 小时即可。每周三为全员到岗日，所有人须在 10 点前到岗参加例会。弹性工作制试行三个月，试行结束后由人力资源部根据考勤数据和员工问卷决定是否继续。")
summ("sum-05", "zh", "概括一下这篇产品说明的主要内容",
     "这款空气净化器适用面积为 30 到 50 平方米，采用三层滤网，可过滤 PM2.5、花粉和甲醛。睡眠模式下噪音低至 22 分贝。滤网建议每 6 个月更换一次，机身上的指示灯变红时说明需要更换。产品支持手机远程控制，整机保修 2 年，滤网不在保修范围内。")
summ("sum-06", "zh", "请帮我提炼这段会议纪要的要点：",
     "本次会议确定：第一，年会定于 1 月 20 日在公司五楼多功能厅举行，预算 8 万元；第二，节目由各部门自行准备，每个部门至少一个节目，1 月 10 日前报给行政部；第三，抽奖设一等奖 2 名、二等奖 5 名、三等奖 10 名；第四，年会当天下午 3 点后全员停止办公参加活动。")
summ("sum-07", "en", "Can you summarize this in two sentences?",
     "The city council has approved a plan to turn the old rail yard on Mill Street into a public park. The project will cost 14 million dollars and add about 9 hectares of green space, including a playground, a community garden and a cycling path that connects to the riverside trail. Construction starts next spring and should take two years. Local businesses will be consulted on a weekend market planned for the park's east entrance.")
summ("sum-08", "en", "tl;dr please:",
     "Starting on Monday, the office kitchen will be cleaned every evening by the building's cleaning staff instead of by a rota of employees. Please still rinse your own cups and put them in the dishwasher. Food left in the fridge will be thrown away every Friday at 5 pm, so label anything you want to keep over the weekend. The coffee machine on the third floor is being replaced and will be out of service on Tuesday.")
summ("sum-09", "en", "Summarise the main points of this review:",
     "I stayed at the lakeside cabin for four nights in October. The cabin itself was spotless and the beds were comfortable, and the view from the deck at sunrise was the highlight of the trip. However, the road to the cabin is unpaved and steep, so I would not recommend it for small cars after rain. The kitchen was well equipped, but the Wi-Fi was too slow for video calls. Overall I would stay again, but only in dry weather.")
summ("sum-10", "en", "Give me a short summary of this announcement:",
     "Riverside Dental Clinic is moving to a new building at 42 Harbour Road on 3 March. The new clinic has six treatment rooms instead of four, so waiting times for routine check-ups should fall to under two weeks. Existing appointments will be kept and moved to the new address automatically. Free parking is available behind the building, and the number 11 bus stops right outside.")
summ("sum-11", "en", "Summarize this email for me:",
     "Hi team, quick update on the website migration. The new servers are ready and the test run last night went well: all 340 pages loaded correctly and load times dropped by about 40 percent. We plan to switch over on Saturday between 1 am and 3 am, when traffic is lowest. During that window the site will show a maintenance page. Please do not publish any new content from Friday noon until the switch is confirmed. Thanks, Priya")
summ("sum-12", "en", "What are the key points here? Keep it brief.",
     "A study of 1,200 office workers found that people who took a short walk after lunch reported better concentration in the afternoon than those who stayed at their desks. The walkers also had lower blood sugar levels an hour after eating. The researchers suggest that even ten minutes of light walking is enough to see the effect, and they recommend that employers encourage walking breaks.")
summ("sum-13", "en", "Please boil this down to a couple of lines:",
     "Our hiking club's spring trip will be a two-day walk along the coastal path from Elmsworth to Carrow Bay, about 32 kilometres in total. We will stay overnight at the youth hostel in Pellin, which costs 28 pounds per person including breakfast. Participants need waterproof boots and should bring lunch for both days. The coach leaves the town hall at 7 am on Saturday 12 April. Sign up with Tom by the end of March.")
summ("sum-14", "en", "Summarize this Chinese notice in English, briefly:",
     "本小区将于 6 月 12 日上午 9 点至下午 5 点停水，原因是更换主供水管道。受影响的是 3 号楼到 8 号楼。请住户提前储水，停水期间物业会在 5 号楼门口提供桶装水。如果施工提前完成，将提前恢复供水。",
     {"language": "en", "contains_all": ["12", ["3", "three"], ["8", "eight"]], "length": {"min_chars": 10, "max_chars": 500},
      "no_refusal": True, "no_degenerate": True})
summ("sum-15", "zh", "用中文简单概括这段英文：",
     "The museum will close for renovation from 1 July to 31 August. During this time, the gift shop and café stay open from 10 am to 6 pm. Annual pass holders will have their passes extended by two months for free. The museum reopens on 1 September with a new dinosaur gallery.",
     {"language": "zh", "contains_all": [["7月", "七月"], ["恐龙"]], "length": {"min_chars": 10, "max_chars": 300}, "no_refusal": True, "no_degenerate": True})
for r in OUT:
    if r["id"] == "sum-15":
        r["note"] = "en→zh: language and the key facts (July, dinosaur gallery) checked, not faithfulness"
    if r["id"] == "sum-14":
        r["note"] = "zh→en: language and key numbers (12 June, buildings 3 to 8) checked, not faithfulness"

# ---------------------------------------------------------------- translation
def tr(rid, lang, text, target, words, maxc=300):
    add(rid, "translation", lang, EO, text,
        {"language": {"lang": target, "scope": "segment"}, "contains_all": words, "length": {"min_chars": 2, "max_chars": maxc},
         "no_refusal": True}, target_language=target)


tr("tr-01", "en", "Translate into Chinese: The library closes early on Friday.", "zh", [["图书馆"], ["周五", "星期五", "礼拜五"]])
tr("tr-02", "en", "how do you say 'my phone battery is dead' in chinese?", "zh", [["手机"], ["电池", "没电", "电量"]])
tr("tr-03", "en", "Please translate to Chinese: We need two more chairs in the meeting room.", "zh", [["椅子"], ["会议室"]])
tr("tr-04", "zh", "把这句英文翻成中文：The doctor said I should drink more water.", "zh", [["医生", "大夫"], ["水"]])
tr("tr-05", "zh", "把这句翻译成英文：明天的航班因为大雾取消了。", "en", [["flight"], ["fog", "foggy"], ["cancelled", "canceled", "cancel"]])
tr("tr-06", "zh", "翻译成英语：我每天骑自行车上班。", "en", [["bike", "bicycle", "cycle", "biking", "cycling"], ["work"]])
tr("tr-07", "zh", "请译成英文：这家餐厅的饺子很好吃。", "en", [["dumplings", "dumpling", "jiaozi"], ["restaurant"]])
tr("tr-08", "zh", "“钥匙在门口的花盆下面”用英文怎么说？", "en", [["key", "keys"], ["pot", "flowerpot", "planter"]])
tr("tr-09", "en", "Translate into French: I would like a cup of coffee, please.", "fr", [["café"]])
tr("tr-10", "en", "French for: The museum is closed on Mondays.", "fr", [["musée"], ["lundi", "lundis"]])
tr("tr-11", "zh", "把“今天的天气很好”翻译成法语。", "fr", [["beau", "temps", "météo"], ["aujourd'hui", "aujourd’hui"]])
tr("tr-12", "zh", "请把“早上好，很高兴见到你”翻译成日语。", "ja", [["おはよう"]])
tr("tr-13", "en", "Translate to Japanese: Where is the bathroom?", "ja", [["トイレ", "お手洗い", "化粧室", "手洗い"], ["どこ"]])
tr("tr-14", "en", "Translate into German: The train is late today.", "de", [["Zug"], ["heute"]])
tr("tr-15", "en", "Translate into Spanish: My sister lives in Madrid.", "es", [["hermana"], ["Madrid"]])

# ---------------------------------------------------------------- code
PY = {"lang": ["python", "py", "python3"]}


def code(rid, lang, text, checks):
    add(rid, "code", lang, EO, text, checks)


code("code-01", "en", "Write a Python function `count_vowels(s)` that returns how many vowels (a, e, i, o, u, either case) are in s.",
     {"code_block": PY, "contains_code_token": ["def count_vowels"],
      "python_test": "assert count_vowels('Hello World') == 3\nassert count_vowels('') == 0\nassert count_vowels('AEIOUxyz') == 5\n"})
code("code-02", "zh", "用 Python 写个函数 `flatten(nested)`，把任意层嵌套的列表展开成一维列表，比如 [1,[2,[3,4]],5] 变成 [1,2,3,4,5]。",
     {"code_block": PY, "contains_code_token": ["def flatten"],
      "python_test": "assert flatten([1, [2, [3, 4]], 5]) == [1, 2, 3, 4, 5]\nassert flatten([]) == []\nassert flatten([[[]], [1]]) == [1]\n"})
code("code-03", "en", "python: write `is_leap(year)` returning True for leap years in the Gregorian calendar.",
     {"code_block": PY, "contains_code_token": ["def is_leap"],
      "python_test": "assert is_leap(2024)\nassert not is_leap(1900)\nassert is_leap(2000)\nassert not is_leap(2027)\n"})
code("code-04", "zh", "写一个 Python 函数 `mask_phone(phone)`，把 11 位手机号中间四位替换成星号，例如 13812345678 返回 138****5678。",
     {"code_block": PY, "contains_code_token": ["def mask_phone"],
      "python_test": "assert mask_phone('13812345678') == '138****5678'\nassert mask_phone('15900001111') == '159****1111'\n"})
code("code-05", "en", "Write a Python function `running_total(nums)` that returns a list where each element is the sum of all elements up to and including that position.",
     {"code_block": PY, "contains_code_token": ["def running_total"],
      "python_test": "assert running_total([1, 2, 3, 4]) == [1, 3, 6, 10]\nassert running_total([]) == []\nassert running_total([5, -5]) == [5, 0]\n"})
code("code-06", "zh", "帮我用 Python 写函数 `merge_intervals(intervals)`：输入若干 [start, end] 区间，合并重叠的区间，按起点排序返回。",
     {"code_block": PY, "contains_code_token": ["def merge_intervals"],
      "python_test": "assert [list(x) for x in merge_intervals([[1, 3], [2, 6], [8, 10], [15, 18]])] == [[1, 6], [8, 10], [15, 18]]\nassert [list(x) for x in merge_intervals([[1, 4], [4, 5]])] == [[1, 5]]\nassert list(merge_intervals([])) == []\n"})
code("code-07", "zh", "写一条 SQL：从 employees(name, dept, salary) 表里查出每个部门的平均工资，只显示平均工资高于 8000 的部门。",
     {"code_block": {"lang": ["sql", "sqlite", "postgresql", "mysql"]},
      "contains_code_token": [["SELECT", "select"], ["AVG(", "avg(", "AVG (", "avg ("], ["GROUP BY", "group by"], ["HAVING", "having"], "8000"]})
code("code-08", "en", "Give me a shell one-liner that finds all files bigger than 100 MB under /var/log.",
     {"code_block": {"lang": ["bash", "sh", "shell", "console", "zsh"]}, "contains_code_token": ["find", "/var/log", "-size"]})
code("code-09", "zh", "用 JavaScript 写一个函数 `capitalize(str)`，把字符串的首字母变成大写，其余不变。",
     {"code_block": {"lang": ["javascript", "js", "typescript", "ts"]},
      "contains_code_token": ["capitalize", ["toUpperCase"], ["function", "=>"]]})
code("code-10", "en", "I need a regex that matches a date written like 2027-03-15 (four digits, dash, two digits, dash, two digits).",
     {"code_block": True, "contains_code_token": [["\\d{4}", "[0-9]{4}"], ["\\d{2}", "[0-9]{2}"]]})

# ---------------------------------------------------------------- writing
def wr(rid, lang, text, words, maxc=600):
    add(rid, "writing", lang, EO, text, {"language": lang, "contains_all": words, "length": {"min_chars": 5, "max_chars": maxc},
                                          "no_degenerate": True, "no_refusal": True})


wr("wr-01", "zh", "帮我写个通知：本周五下午停电检修，时间是2点到5点，请大家提前保存好电脑里的文件。", [["周五", "星期五"], ["停电"], ["保存"]])
wr("wr-02", "zh", "给房东发个微信，说这个月房租我晚三天交，15号之前一定转过去，语气客气点。", [["房租"], ["15号", "15日", "十五号"]])
wr("wr-03", "zh", "写一首关于秋天的四句短诗。", [["秋"]], 300)
wr("wr-04", "zh", "帮我写一段朋友圈文案，庆祝我家小猫咪豆豆一岁生日。", [["豆豆"], ["生日"]], 300)
wr("wr-05", "zh", "写一封简短的邮件给张老师，感谢她这学期对我孩子数学的辅导。", [["张老师"], ["感谢", "谢谢"], ["数学"]])
wr("wr-06", "zh", "给小区业主群写个提醒：周六早上8点开始消杀，请关好窗户，宠物别放出来。", [["消杀"], ["窗"], ["宠物"]])
wr("wr-07", "zh", "帮我写一句给同事的生日祝福，简短温馨就行", [["生日"]], 200)
wr("wr-08", "zh", "写一段 100 字左右的招聘启事：咖啡店招兼职店员，周末上班，时薪 25 元。", [["咖啡"], ["兼职"], ["25"]])
wr("wr-09", "en", "Write a short note to my neighbour asking them to water my plants while I'm away from the 10th to the 17th.", [["plant", "plants"], ["water", "watering"], ["10"], ["17"]])
wr("wr-10", "en", "Draft a polite email to customer support saying my order arrived with a cracked screen and I'd like a replacement.", [["crack", "cracked"], ["screen"], ["replacement", "replace"]])
wr("wr-11", "en", "write a haiku about rain", [["rain", "raindrops", "rainfall", "raining"]], 300)
wr("wr-12", "en", "Give me a one-paragraph welcome message for new members of our book club, which meets every second Thursday at 7 pm.", [["book"], ["Thursday"], ["7"]])
wr("wr-13", "en", "Write a short thank-you card message for my coworker Jenna, who covered my shifts last week.", [["Jenna"], ["thank", "thanks", "thankful"]], 400)
wr("wr-14", "en", "Compose a reminder text: dentist appointment Tuesday 9:15 am at Bright Smile, bring insurance card.", [["Tuesday"], ["9:15"], ["insurance"]])
wr("wr-15", "en", "Write a catchy one-line slogan for a bakery called Morning Crumb.", [["Morning Crumb"]], 200)

# ---------------------------------------------------------------- multi_intent
def mi(rid, lang, tenant, text, checks, steps, **extra):
    add(rid, "multi_intent", lang, tenant, text, {**checks, "no_refusal": True}, expected_steps=steps, **extra)


mi("mi-01", "zh", EO, "广州今天热不热？出门要不要带伞？", {"contains_all": ["广州", "伞"], "language": "zh"}, ["weather 广州", "advice"])
mi("mi-02", "en", EO, "How's the weather in Guangzhou tomorrow - good day for a run outside?",
   {"contains_all": ["Guangzhou"], "contains_any": ["run", "running", "jog", "jogging", "outdoor", "outdoors", "outside"], "language": "en"}, ["weather Guangzhou", "advice"])
mi("mi-03", "zh", EO, "上海明天气温多少度？另外帮我把30摄氏度换算成华氏度。", {"contains_all": ["上海"], "number": [{"value": 30 * 9 / 5 + 32}], "language": "zh"}, ["weather 上海", "convert 30 °C"])
mi("mi-04", "zh", EO, "算一下2380的35%是多少，再用一句话解释一下什么是百分比。",
   {"number": [{"value": round(2380 * 0.35, 6), "tolerance": 1e-6}], "contains_any": ["百分之", "100", "一百"], "language": "zh"}, ["calculate", "explain"])
mi("mi-05", "en", EO, "What's 15% of 3,460? Also tell me in one sentence how you worked it out.",
   {"number": [{"value": round(3460 * 0.15, 6), "tolerance": 1e-6}], "contains_any": ["0.15", "15/100", "multiply", "multiplied", "multiplying", "times", "×", "*"], "language": "en"}, ["calculate", "explain"])
mi("mi-06", "zh", EO, "帮我查下订单1024现在什么状态，再写一条短信安抚一下客户。",
   {"contains_all": ["1024"], "contains_any": ["抱歉", "歉意", "对不起", "致歉", "耐心", "理解", "不便", "感谢"], "language": "zh"}, ["order lookup 1024", "write message"])
mi("mi-07", "en", EO, "Pull up order 1024 and write the customer a short note apologising that it shipped late.",
   {"contains_all": ["1024"], "contains_any": ["sorry", "apologise", "apologize", "apologies", "apology", "apologising", "apologizing"], "language": "en"}, ["order lookup 1024", "write apology"])
mi("mi-08", "zh", HV, "不住店的话自助早餐一位多少钱？我们三个大人都去吃，一共多少？",
   {"number": [{"value": 98}, {"value": 98 * 3}], "cites": [D["dine"]]}, ["kb 非住客早餐价", "calculate ×3"])
mi("mi-09", "en", LT, "What's the monthly property service fee per m² for a high-rise flat (not counting the lift fee), and how much would a 95 m² flat pay for one quarter?",
   {"number": [{"value": 2.8}, {"value": round(95 * 2.8 * 3, 6), "tolerance": 1e-6}], "cites": [D["fee"]]}, ["kb 高层物业服务费 (zh document)", "calculate ×95×3"])
mi("mi-10", "zh", VW, "Plus 会员充电服务费每度多少？我这个月充了320度电，服务费一共多少钱？",
   {"number": [{"value": 0.5}, {"value": round(320 * 0.5, 6)}], "cites": [D["price"]]}, ["kb Plus service fee (en document)", "calculate ×320"])
mi("mi-11", "zh", EO, "写一句春节祝福语，然后翻译成英文。", {"contains_all": [["新年", "春节", "新春"], ["New Year", "Spring Festival"]]}, ["write", "translate en"])
mi("mi-12", "en", EO, "Write a one-sentence congratulations to a friend who just passed her driving test, then translate it into Chinese.",
   {"contains_all": [["congratulations", "congrats", "congratulate"], ["驾照", "驾驶", "考试", "路考", "驾考"]]}, ["write", "translate zh"])
mi("mi-13", "zh", EO, "记住我喜欢吃辣。顺便推荐两道适合我的川菜。",
   {"contains_any": ["麻婆豆腐", "水煮鱼", "宫保鸡丁", "回锅肉", "辣子鸡", "水煮肉片", "毛血旺", "夫妻肺片", "口水鸡", "鱼香肉丝", "担担面", "酸菜鱼", "干煸", "火锅", "麻辣香锅", "干锅", "辣椒"], "language": "zh"},
   ["remember", "recommend"], user="eval-user-spicy")
mi("mi-14", "en", EO, "Please remember that I'm vegetarian. Then suggest a quick dinner I could make tonight.",
   {"contains_any": ["pasta", "salad", "stir-fry", "stir fry", "curry", "omelette", "omelet", "soup", "tofu", "risotto", "veggie", "vegetable", "vegetables", "lentil", "lentils", "chickpea", "chickpeas", "beans", "quesadilla", "fried rice", "noodles", "mushroom", "mushrooms"], "language": "en"},
   ["remember", "recommend"], user="eval-user-veg")
mi("mi-15", "en", EO, "What's the weather in Guangzhou today? Then write a one-line message reminding my team to take an umbrella or a jacket.",
   {"contains_all": ["Guangzhou"], "contains_any": ["umbrella", "umbrellas", "jacket", "jackets"], "language": "en"}, ["weather Guangzhou", "write reminder"])

# ---------------------------------------------------------------- tool_failure (fault phase, last)
def tf(rid, lang, text, faults, tools, shape, checks=None, secs=30):
    c = {"status": ["failed", "partial"], "max_seconds": secs, "mentions_failure": {"tool": next(iter(faults))}}
    if checks:
        c.update(checks)
    r = {"id": rid, "class": "tool_failure", "lang": lang, "tenant": EO, "session": rid, "text": text, "checks": c,
         "faults": faults, "tools": tools, "shape": shape}
    OUT.append(r)


WU, WT, SQ, HT = {"weather": "unavailable"}, {"weather": "timeout"}, {"sql_query": "unavailable"}, {"http_get": "unavailable"}
tf("tf-01", "zh", "广州现在外面下雨没？", WU, ["weather"], "single intent, refused")
tf("tf-02", "en", "weather forecast for Chengdu this weekend?", WU, ["weather"], "single intent, refused")
tf("tf-03", "zh", "订单1024发货了没有？", SQ, ["sql_query"], "single intent, database missing")
tf("tf-04", "en", "Can you fetch http://status.northwind.invalid/api/ping and show me the response?", HT, ["http_get"], "single intent, host does not resolve")
tf("tf-05", "zh", "看看上海明天天气，然后告诉我适不适合去外滩散步。", WU, ["weather"], "one dependant")
tf("tf-06", "en", "Check order 1024 and e-mail the customer when it will arrive.", SQ, ["sql_query"], "one dependant")
tf("tf-07", "zh", "查下北京后天的天气；另外帮我写一句祝贺同事升职的话。", WU, ["weather"], "beside an independent generation",
   {"status": ["partial"], "contains_any": ["升职", "晋升", "高升", "恭喜", "祝贺"]}, 60)
tf("tf-08", "en", "Grab http://status.northwind.invalid/metrics, and separately work out 35% of 1,240.", HT, ["http_get", "calculator"],
   "beside an independent calculation", {"status": ["partial"], "number": [{"value": round(1240 * 0.35, 6), "tolerance": 1e-6}]}, 60)
tf("tf-09", "zh", "杭州明天会下雪吗？", WT, ["weather"], "single intent, timeout", secs=60)
tf("tf-10", "en", "Check the weather in Shenzhen tomorrow evening and tell me whether to book an outdoor table for dinner.", WT, ["weather"], "timeout with one dependant", secs=60)
tf("tf-11", "zh", "查一下广州和北京今天的天气，告诉我哪边更适合穿短袖。", WU, ["weather"], "two failing lookups with one dependant")
tf("tf-12", "en", "Get tomorrow's weather for Guangzhou, suggest what to pack, and then write me a short packing checklist.", WU, ["weather"], "two dependants")
tf("tf-13", "zh", "帮我看看订单1024的物流情况，据此给客户写条说明，再把说明译成英文，最后总结成一句话发我。", SQ, ["sql_query"], "three dependants")
tf("tf-14", "zh", "帮我同时查一下上海今天的天气和1024号订单的状态。", SQ, ["weather", "sql_query"], "parallel branch: the weather branch works",
   {"status": ["partial"], "contains_all": ["上海"]}, 60)
tf("tf-15", "en", "Tell me the status of order 1024, and also what the weather's like in Guangzhou right now.", WU, ["weather", "sql_query"],
   "parallel branch: the order branch works", {"status": ["partial"], "contains_all": ["1024"]}, 60)

# ---------------------------------------------------------------- order and write
ORDER = ["kb_fact", "general", "arithmetic_chain", "summary", "translation", "code", "writing", "multi_intent", "tool_failure"]
if __name__ == "__main__":
    with open(HERE / "requests.jsonl", "w", encoding="utf-8") as f:
        for r in OUT:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(len(OUT), "requests written")
