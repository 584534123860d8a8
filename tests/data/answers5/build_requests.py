"""Writes requests.jsonl of the fifth blind answer set (issue 16). Every expected number is computed here, in Python.

Run: python tests/data/answers5/build_requests.py  (then python tests/data/answers5/validate.py)
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
CS, BW, LC = "cedarpeak-ski", "brightwash-laundry", "lumen-cinema"
D = {
    "lift": f"kb/{CS}/lift-tickets.md", "rent": f"kb/{CS}/rentals-and-lessons.md",
    "safe": f"kb/{CS}/安全须知与雪道规则.md", "stay": f"kb/{CS}/住宿与班车.md",
    "price": f"kb/{BW}/price-list.md", "pickup": f"kb/{BW}/pickup-and-delivery.md",
    "comp": f"kb/{BW}/洗护赔偿规定.md", "card": f"kb/{BW}/会员卡与储值.md",
    "tix": f"kb/{LC}/ticket-prices.md", "mem": f"kb/{LC}/membership-faq.md",
    "refund": f"kb/{LC}/退改签规则.md", "snack": f"kb/{LC}/卖品与影厅服务.md",
}
ZH_DOCS = {"safe", "stay", "comp", "card", "refund", "snack"}


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


# cedarpeak-ski: zh 10 (4 same, 4 cross, 2 not found), en 10 (4, 4, 2)
kb("kb-cs-01", "zh", CS, "礼拜六住白桦木屋，六个人那种木屋一晚上多少钱？", "stay", ["3680"], "two qualifiers: 六人木屋 × 周五、周六; near-miss 2980 (平日), 4680 (春节), 2180 (两人木屋)")
kb("kb-cs-02", "zh", CS, "周末从太子城站坐免费班车去雪场，最晚一班是几点", "stay", ["16:00"], "direction × weekend; near-miss 15:00 (工作日), 18:40 (返程)")
kb("kb-cs-03", "zh", CS, "黑道最大坡度多少度啊", "safe", ["35"], "near-miss 42 (双黑), 22 (蓝道)")
kb("kb-cs-04", "zh", CS, "在雪道上摔伤了要打哪个救援电话？", "safe", [["0313-4567 911", "0313-4567911", "4567 911", "4567911"]],
   "near-miss 800/820/836/866/877 lines")
kb("kb-cs-05", "zh", CS, "周末带孩子来滑一整天，孩子1米3，儿童全天票多少钱", "lift", ["320"], "cross; child × weekend; near-miss 260 weekday, 390 holiday")
kb("kb-cs-06", "zh", CS, "工作日约一对一私教，上两个小时要多少钱？", "rent", ["1080"], "cross; near-miss weekend 1,280, 1 hour 580")
kb("kb-cs-07", "zh", CS, "想租好一点的单板加雪鞋，成人一天租金多少？", "rent", ["250"], "cross; premium snowboard adult; near-miss 220 premium ski, 170 child, 150 basic")
kb("kb-cs-08", "zh", CS, "提前订多日票有没有优惠码？", "lift", ["CEDAR-EARLY15"], "cross; near-miss CEDAR-EARLY10 expired")
kb("kb-cs-09", "zh", CS, "你们山地酒店有温泉吗？泡一次多少钱", None, None, "no spa or hot spring in the documents (hotel rooms, breakfast, parking only)")
kb("kb-cs-10", "zh", CS, "从张家口市区到雪场有班车吗，几点发车？", None, None,
   "near-topic: only 太子城站 (free) and 崇礼县城 (15 元, 8:00/9:00) shuttles are described; 张家口市区 is not")
kb("kb-cs-11", "en", CS, "how much is night skiing on a saturday", "lift", ["180"], "weekend night; near-miss 160 weekday, 220 holiday")
kb("kb-cs-12", "en", CS, "What does a 5-day pass cost for a child?", "lift", ["1150"], "near-miss adult 1,650, 3-day child 740")
kb("kb-cs-13", "en", CS, "If I cancel my private lesson about 10 hours before it starts, what do I get charged?", "rent",
   [["half", "50%"]], "free only up to 24 hours before")
kb("kb-cs-14", "en", CS, "Price of a large locker for the day?", "rent", ["40"], "near-miss small 20, lost wristband 60")
kb("kb-cs-15", "en", CS, "How much is an extra bed per night at the mountain hotel?", "stay", [["200", "二百"]], "cross; doc writes 二百元")
kb("kb-cs-16", "en", CS, "At what wind speed do ALL the chairlifts stop running?", "safe", [["22", "二十二"]],
   "cross; near-miss 17 m/s (summit lift only; also the voucher rule in lift-tickets.md)")
kb("kb-cs-17", "en", CS, "my dog is coming along - what does the pet boarding at the bottom of the mountain cost per day?", "safe", [["80", "八十"]], "cross")
kb("kb-cs-18", "en", CS, "Which number do I call to book a room at the resort hotel?", "stay",
   [["0313-4567 866", "0313-4567866", "4567 866", "4567866"]], "cross; near-miss shuttle 877, ticket hall 800")
kb("kb-cs-19", "en", CS, "Do you run snowmobile tours for guests, and how much are they?", None, None,
   "near-topic: a snowmobile appears only as the rescue transfer (300), no tours")
kb("kb-cs-20", "en", CS, "Is there a kids' ski camp over the winter holidays? What's the price?", None, None, "only lessons are described")
add("gen-p1", "general", "zh", CS, "一年有多少个月？",
    {"contains_any": ["12", "十二"], "contains_none": ["CEDAR-EARLY15", "雪卡", "0313"], "no_refusal": True, "language": "zh"},
    note="memory-pollution probe after the cedarpeak-ski questions")

# brightwash-laundry
kb("kb-bw-01", "zh", BW, "储值卡充1000块送多少？", "card", ["150"], "near-miss 50 (500), 360 (2000), 1150 到账")
kb("kb-bw-02", "zh", BW, "衣服洗坏了修不好，可是我没留购买凭证，你们怎么赔", "comp", [["十倍", "10倍"]], "near-miss 二十倍 with receipt")
kb("kb-bw-03", "zh", BW, "实体会员卡丢了，补一张要多少钱？", "card", [["15", "十五"]], "near-miss 工本费十元")
kb("kb-bw-04", "zh", BW, "新街口那家店晚上开到几点", "card", [["十点", "10点", "22:00", "22点"]], "near-miss 其他门店 八点半")
kb("kb-bw-05", "zh", BW, "长款羽绒服加急洗一件多少钱？", "price", ["115"], "cross; long × express; near-miss 79 standard, 95 short express")
kb("kb-bw-06", "zh", BW, "我住江宁，在绕城以南，上门取件一趟收多少钱", "pickup", ["18"], "cross; Zone 3; near-miss 12 (Jiangning north, Zone 2)")
kb("kb-bw-07", "zh", BW, "银卡会员洗衣服打几折？", "price", [["12%", "88折", "八八折", "8.8折"]], "cross; near-miss gold 20%, blue 5%")
kb("kb-bw-08", "zh", BW, "第一次在app下单有啥优惠码", "price", ["BRIGHT-HELLO20"], "cross; near-miss BRIGHT-HELLO15 retired")
kb("kb-bw-09", "zh", BW, "西装袖子能帮忙改短吗？改一次多少钱？", None, None, "near-topic: only hemming trousers (25) and buttons are listed")
kb("kb-bw-10", "zh", BW, "双人床的床垫能洗吗，多少钱", None, None, "near-topic: duvets, covers and rugs are priced, mattresses are not")
kb("kb-bw-11", "en", BW, "whats the standard price to clean a long wool coat", "price", ["58"], "long × standard; near-miss 48 short, 85 express")
kb("kb-bw-12", "en", BW, "Do you charge extra for the 6 to 8 pm delivery slot? How much?", "pickup", ["5"], "every zone")
kb("kb-bw-13", "en", BW, "After I get the text, how long can my clean clothes stay in the smart locker?", "pickup", ["72"], "near-miss collection within 24 hours")
kb("kb-bw-14", "en", BW, "Our hotel wants a business account. Who do we email?", "pickup", ["business@brightwash.cn"], "near-miss help@brightwash.cn")
kb("kb-bw-15", "en", BW, "Delivered orders: how many days after signing for them can I still complain about damage?", "comp",
   [["7", "七天", "seven"]], "cross; near-miss 48 hours for the photo check")
kb("kb-bw-16", "en", BW, "How many family members can be linked to one prepaid card?", "card", [["4", "四位", "four"]], "cross")
kb("kb-bw-17", "en", BW, "What's the most you'll pay out in compensation for one garment?", "comp", [["5000", "五千"]], "cross")
kb("kb-bw-18", "en", BW, "How many points do I need for a free shirt ironing?", "card", [["200", "两百"]], "cross; near-miss 500, 1000")
kb("kb-bw-19", "en", BW, "How much do you charge to clean a leather jacket?", None, None,
   "near-topic: leather shoes (40) and leather handbags (120) are priced, leather jackets are not")
kb("kb-bw-20", "en", BW, "What does it cost to dry-clean a silk tie?", None, None, "near-topic: silk dress 55/80, no ties")
add("gen-p2", "general", "en", BW, "What colour do you get when you mix blue and yellow paint?",
    {"contains_all": ["green"], "contains_none": ["Brightwash", "BRIGHT-HELLO20", "亮洁"], "no_refusal": True, "language": "en"},
    note="memory-pollution probe after the brightwash-laundry questions")

# lumen-cinema
kb("kb-lc-01", "zh", LC, "电影开场前一个小时退票，手续费扣多少？", "refund", ["30%"], "1 h is in 30 min-2 h; near-miss 10%")
kb("kb-lc-02", "zh", LC, "我已经改签过一次了，再改一次要钱吗？多少", "refund", [["5", "五元"]], "doc writes 五元")
kb("kb-lc-03", "zh", LC, "在光谷店看电影能免费停车几个小时", "snack", [["两小时", "2小时", "两个小时", "2个小时"]], "near-miss 江汉 三小时")
kb("kb-lc-04", "zh", LC, "大份的焦糖爆米花卖多少钱？", "snack", ["42"], "near-miss 原味大份 39, 焦糖中份 35")
kb("kb-lc-05", "zh", LC, "周六晚上去江汉店看IMAX，我是会员，票价多少", "tix", ["88"], "cross; IMAX × weekend member; near-miss 105, 68")
kb("kb-lc-06", "zh", LC, "金卡会员一年的费用是多少？", "mem", ["199"], "cross; near-miss Lumen Card 39")
kb("kb-lc-07", "zh", LC, "礼拜二去看2D电影，多少钱一张？", "tix", ["29"], "cross; Lumen Day")
kb("kb-lc-08", "zh", LC, "拿学生证买票能便宜多少", "tix", [["20%", "8折", "八折"]], "cross")
kb("kb-lc-09", "zh", LC, "你们有4DX厅吗？票价是多少", None, None, "near-topic: 2D, 3D, IMAX, Dolby, VIP halls; no 4DX")
kb("kb-lc-10", "zh", LC, "影厅里情侣座多少钱一张？", None, None, "near-topic: VIP recliners are priced, no couple seats")
kb("kb-lc-11", "en", LC, "weekday dolby cinema ticket, not a member - how much?", "tix", ["78"], "near-miss 62 member, 95 weekend, 85 IMAX")
kb("kb-lc-12", "en", LC, "Is there a membership card for kids? What's it called and how much?", "mem", ["Lumen Junior", "19"], "near-miss 39, 199")
kb("kb-lc-13", "en", LC, "How many points does a free 2D ticket take?", "mem", ["500"], "near-miss 300 (popcorn combo)")
kb("kb-lc-14", "en", LC, "which wifi do i connect my phone to while waiting in the lobby?", "mem", ["Lumen-Guest"], "near-miss Lumen-Office")
kb("kb-lc-15", "en", LC, "How late can I still get into a regular 2D show after it has started?", "refund", [["20", "二十"]], "cross; IMAX no entry")
kb("kb-lc-16", "en", LC, "How many seats does the IMAX hall in Jianghan have?", "snack", [["386", "三百八十六"]], "cross; near-miss Dolby 220")
kb("kb-lc-17", "en", LC, "If I order an 8-inch birthday cake through the cinema, what does it cost?", "snack", [["228", "二百二十八"]], "cross; near-miss 6-inch 168")
kb("kb-lc-18", "en", LC, "I left my scarf in the cinema. How long will you keep it?", "snack", [["30", "三十"]], "cross; near-miss ID cards 7 days")
kb("kb-lc-19", "en", LC, "How much are nachos at the snack counter?", None, None, "near-topic: popcorn, drinks, hot dog, chicken bites are priced; no nachos")
kb("kb-lc-20", "en", LC, "What time does the first screening start on weekends?", None, None, "no screening times; only morning-show discount before 11:00")
add("gen-p3", "general", "zh", LC, "太阳从哪个方向升起？",
    {"contains_any": ["东"], "contains_none": ["Lumen", "流明", "IMAX"], "no_refusal": True, "language": "zh"},
    note="memory-pollution probe after the lumen-cinema questions")

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


def nt(*xs):
    return ", ".join(f"{x:.2f}" for x in xs)


ar("ar-01", "en", "Got 4 T-shirts at 59 each and 2 pairs of jeans at 189 each. Only the T-shirts were 30% off. What did I pay?",
   [r2(4 * 59 * 0.7 + 2 * 189)], note="the discount is on the T-shirts only")
ar("ar-02", "en", "Dinner for 6 came to 1,260. We add a 10% tip on top. Jess didn't drink so she just pays 150, and the rest of us split what's left evenly. How much does each of the others pay?",
   [r2((1260 * 1.1 - 150) / 5)], note="5 others")
a3 = 20000 * (1 + 0.036 / 12) ** 36
ar("ar-03", "en", "I put 20,000 in savings at 3.6% a year, compounded monthly. What's the balance after 3 years?", [r2(a3)], note=nt(a3))
a4 = 8000 * (1 + 0.05 / 4) ** 8 - 8000 * (1 + 0.05 * 2)
ar("ar-04", "en", "8,000 at 5% a year for 2 years: how much more do I end up with if interest is compounded quarterly rather than simple?", [r2(a4)], note=nt(a4))
ar("ar-05", "en", "Shoes 120, a bag 85 and a belt 35. The store gives 20% off everything, then I use a $10 coupon, then 7% sales tax goes on. Final total?",
   [r2(((120 + 85 + 35) * 0.8 - 10) * 1.07)])
ar("ar-06", "en", "Five of us booked a hotel for 3 nights and the total was 2,340. What's that per person per night?", [r2(2340 / 5 / 3)])
ar("ar-07", "en", "Rate: 1 USD = 7.2 CNY. I've got 3,000 yuan and the bank first takes a 1% fee from it, then changes the rest. How many dollars do I get?",
   [r2(3000 * 0.99 / 7.2)])
a8 = 250 * 1.12 * 0.88
ar("ar-08", "en", "A bike was 250. The price went up 12%, then later came down 12%. What is it now, and by what percent is that lower than the original 250?",
   [r2(a8), r2(100 * (250 - a8) / 250, 0.06)], note=f"{a8:.2f}, {100 * (250 - a8) / 250:.2f}% lower (a positive figure: 'lower by')")
ar("ar-09", "en", "My pasta recipe serves 4 and uses 300 g of pasta and 2 cups of sauce. How much pasta and how many cups of sauce for 10 people?",
   [300 / 4 * 10, 2 / 4 * 10])
ar("ar-10", "en", "I drove at 65 km/h for 1 hour 24 minutes on the motorway, then at 30 km/h for 18 minutes through town. How many km in total?",
   [r2(65 * 84 / 60 + 30 * 18 / 60)])
ar("ar-11", "en", "My first three test scores are 78, 85 and 91. What do I need on the fourth test to average 86?", [86 * 4 - (78 + 85 + 91)])
d12 = (date(2028, 3, 14) - date(2026, 12, 6)).days
ar("ar-12", "en", "I was born on March 14, 1988. How old am I on Dec 6, 2026, and how many days from that date until my 40th birthday?",
   [38, d12], note="completed years; plain day difference to 2028-03-14")
a13 = 4299 / 12 + 4299 * 0.005
ar("ar-13", "en", "A phone is 4,299 paid over 12 months, and each month there's also a fee of 0.5% of the full price. What's the monthly payment?",
   [r2(a13)], note=nt(a13))
a14 = (3 * 4.2 * 2.7 - 1.2 * 2) * 2 / 9
ar("ar-14", "en", "Painting 3 walls, each 4.2 m by 2.7 m, but one wall has a 1.2 m x 2 m door. A litre of paint covers 9 square metres and I need two coats. How many litres?",
   [r2(a14, 0.01)], note=nt(a14))
ar("ar-15", "en", "Convert 98.6°F to Celsius, and then a fever of 39.5°C to Fahrenheit.", [r2((98.6 - 32) * 5 / 9, 0.05), r2(39.5 * 9 / 5 + 32, 0.05)])
a16 = 2 * 420 * 6.5 / 100 * 7.9 / 3
ar("ar-16", "en", "Road trip: 420 km each way, the car uses 6.5 L per 100 km, petrol is 7.9 a litre, and the three of us share fuel. What's each person's share?",
   [r2(a16)], note=nt(a16) + " (there and back)")
ar("ar-17", "en", "3 six-packs of yogurt at 21.90 a pack plus a bag of granola for 4.50 - total?", [r2(3 * 21.9 + 4.5)])
ar("ar-17b", "en", "how much is that each, per yogurt? leave the granola out", [r2(21.9 / 6)], after="ar-17", session="ar-17")
ar("ar-18", "en", "Team dinner was 1,440 before the 10% service charge. What's the total with the charge?", [r2(1440 * 1.1)])
ar("ar-18b", "en", "and per person? there are 9 of us", [r2(1440 * 1.1 / 9)], after="ar-18", session="ar-18")
a19 = 2500 * (1 + 0.04 / 4) ** 12
a19b = 2500 * (1 + 0.04 / 12) ** 36
ar("ar-19", "en", "£2,500 at 4% a year, compounded quarterly, for 3 years. How much at the end?", [r2(a19)], note=nt(a19))
ar("ar-19b", "en", "What if it was compounded monthly instead?", [r2(a19b)], note=nt(a19b), after="ar-19", session="ar-19")
a20 = 3 * 48 * 0.85 + 129
ar("ar-20", "en", "Online order: 3 books at 48 each and a desk lamp at 129. The books get 15% off, the lamp doesn't. What's the order total?", [r2(a20)])
ar("ar-20b", "en", "Now add 12 shipping, and 6% tax on everything including the shipping. Final amount?", [r2((a20 + 12) * 1.06)],
   note=nt((a20 + 12) * 1.06), after="ar-20", session="ar-20")
ar("ar-21", "en", "There are 40 kids in the class and 60% are girls. A quarter of the boys wear glasses. How many boys don't?", [12],
   note="boys 16, a quarter of them 4")

ar("ar-30", "zh", "买了3件衬衫每件129元，2条裤子每条199元，只有衬衫打八折，一共付多少？", [r2(3 * 129 * 0.8 + 2 * 199)], note="只有衬衫打折")
ar("ar-31", "zh", "一家四口出去吃饭，菜钱486元，另收6%服务费，然后四个人AA，每人出多少钱？", [r2(486 * 1.06 / 4)], note=nt(486 * 1.06 / 4))
a32 = 50000 * (1 + 0.024 / 12) ** 24
ar("ar-32", "zh", "5万块存银行，年利率2.4%，按月复利，存两年本息一共多少？", [r2(a32)], note=nt(a32))
ar("ar-33", "zh", "汇率按1欧元=7.8元人民币。在欧洲买包花了420欧元，离境退税退回了12%，实际花了多少人民币？", [r2(420 * 0.88 * 7.8)])
ar("ar-34", "zh", "买了三个西瓜，分别重4.2公斤、5.1公斤、3.9公斤，2.5元一斤，一共多少钱？", [r2((4.2 + 5.1 + 3.9) * 2 * 2.5)], note="1 公斤 = 2 斤")
a35 = (3000 - 65 * 25) / 65
ar("ar-35", "zh", "小明打字每分钟65个字，一篇3000字的稿子已经打了25分钟，剩下的还要打多少分钟？", [r2(a35, 0.01)], note=nt(a35))
ar("ar-36", "zh", "妈妈今年42岁，女儿今年12岁，再过几年妈妈的年龄正好是女儿的2倍？", [18])
d37 = (date(2027, 2, 6) - date(2026, 12, 6)).days
ar("ar-37", "zh", "今天是2026年12月6日，离2027年2月6日还有多少天？", [d37], note="plain difference")
a38 = (128 + 128 * 0.5 + 128 * 0.7) / 3
ar("ar-38", "zh", "一箱苹果128元，第二箱半价，第三箱打七折，买三箱平均每箱多少钱？", [r2(a38)], note=nt(a38))
n39 = 8500 * (1 - 0.105)
a39 = n39 - (n39 - 5000) * 0.03
ar("ar-39", "zh", "月薪8500元，五险一金扣10.5%，扣完后超过5000元的部分按3%交个税，到手多少？", [r2(a39)], note=nt(a39))
ar("ar-40", "zh", "一辆车去年卖15万元，今年降价8%，我再用5000元的置换补贴，最后要花多少元？", [150000 * 0.92 - 5000])
ar("ar-41", "zh", "水费是阶梯价：每月前15吨每吨3.5元，15到25吨的部分每吨4.8元，超过25吨的部分每吨7元。这个月用了28吨，水费多少？",
   [r2(15 * 3.5 + 10 * 4.8 + 3 * 7)])
ar("ar-42", "zh", "一块地长120米、宽80米，三分之一种小麦，剩下的一半种玉米，种玉米的有多少平方米？", [r2(120 * 80 * 2 / 3 / 2)], note="剩下 = 三分之二")
ar("ar-43", "zh", "甲乙两地相距360公里，客车每小时60公里，货车每小时40公里，两车同时从两地相向开出，几小时相遇？相遇时客车开了多少公里？",
   [r2(360 / 100), r2(360 / 100 * 60)])
ar("ar-44", "zh", "一件商品先涨价20%，后来又降价20%，现在卖96元，原价是多少元？", [r2(96 / (1.2 * 0.8))])
ar("ar-45", "zh", "一个班50人数学平均82分，其中男生30人平均80分，女生的平均分是多少？", [r2((50 * 82 - 30 * 80) / 20)])
ar("ar-46", "zh", "团建订的农家乐套餐3360元，另收10%服务费，总共要付多少？", [r2(3360 * 1.1)])
ar("ar-46b", "zh", "我们一共12个人，平摊下来每人多少钱？", [r2(3360 * 1.1 / 12)], after="ar-46", session="ar-46")
ar("ar-47", "zh", "买了5斤排骨花了172.5元，又买了两斤牛肉，每斤45元，一共花了多少？", [r2(172.5 + 2 * 45)])
ar("ar-47b", "zh", "那排骨一斤多少钱？", [r2(172.5 / 5)], after="ar-47", session="ar-47")
a48 = 30000 * (1 + 0.04 / 4) ** 4
a48b = 30000 * (1 + 0.04 / 12) ** 12
ar("ar-48", "zh", "3万元买理财，年化4%，按季度复利，一年后一共多少钱？", [r2(a48)], note=nt(a48))
ar("ar-48b", "zh", "要是按月复利呢？", [r2(a48b)], note=nt(a48b), after="ar-48", session="ar-48")
ar("ar-49", "zh", "1美元按7.15元人民币算，500美元能换多少人民币？", [r2(500 * 7.15)])
ar("ar-49b", "zh", "其中三成拿去买礼物了，还剩多少人民币？", [r2(500 * 7.15 * 0.7)], after="ar-49", session="ar-49")
ar("ar-50", "zh", "电动车每公里耗电0.015度，电费0.6元一度，每天骑24公里，一年按300天算，电费一共多少钱？", [r2(0.015 * 24 * 300 * 0.6)])

# ---------------------------------------------------------------- general (12 more; 3 probes above)
def gen(rid, lang, text, checks):
    add(rid, "general", lang, EO, text, {**checks, "no_refusal": True, "language": lang})


gen("gen-01", "zh", "大熊猫主要吃什么？", {"contains_all": ["竹"]})
gen("gen-02", "zh", "奥运会的五环标志一共有几个环", {"contains_any": ["5", "五"]})
gen("gen-03", "zh", "鲁迅的原名叫什么？", {"contains_all": ["周树人"]})
gen("gen-04", "zh", "三角形三个内角加起来是多少度？", {"contains_any": ["180", "一百八十"]})
gen("gen-05", "zh", "中秋节是农历几月几日", {"contains_any": ["八月十五", "8月15"]})
gen("gen-06", "zh", "珠穆朗玛峰在中国和哪个国家的交界处？", {"contains_all": ["尼泊尔"]})
gen("gen-07", "en", "How many strings does a standard acoustic guitar have?", {"contains_any": ["6", "six"]})
gen("gen-08", "en", "which metal is liquid at room temperature", {"contains_all": ["mercury"]})
gen("gen-09", "en", "Who wrote Romeo and Juliet?", {"contains_all": ["Shakespeare"]})
gen("gen-10", "en", "What's the square root of 144?", {"contains_any": ["12", "twelve"]})
gen("gen-11", "en", "In which city is the Eiffel Tower?", {"contains_all": ["Paris"]})
gen("gen-12", "en", "Which vitamin does your skin make when it's in sunlight?", {"contains_all": ["vitamin D"]})

# ---------------------------------------------------------------- summary
def summ(rid, lang, instr, source, extra=None):
    checks = {"faithful_to_request": {"min_share": 0.5}, "language": lang,
              "length": {"min_chars": 10, "max_chars": 400 if lang == "zh" else 600}, "no_refusal": True, "no_degenerate": True}
    if extra is not None:
        checks = extra
    add(rid, "summary", lang, EO, instr + "\n" + source, checks, source=source)


summ("sum-01", "zh", "帮我简单概括一下这个通知：",
     "因为小区供水管道改造，12 月 10 日上午 8 点到下午 5 点，1 号楼到 6 号楼将全天停水。物业会在 3 号楼门口放两辆送水车，居民可以自带容器接水。请大家提前储备生活用水，关好家里的水龙头，避免恢复供水时漏水。如有问题请联系物业服务中心。")
summ("sum-02", "zh", "这段话主要说了什么？",
     "市图书馆从下个月起推出“预约到家”服务。读者在图书馆的小程序上选好图书，付五元配送费，三天内就会有快递把书送到家。还书时可以预约上门取书，也可以投到任意一个社区的还书箱。每位读者每次最多借十本，借期一个月，可以续借一次。")
summ("sum-03", "zh", "用两句话总结一下：",
     "昨天下午，本市一家宠物医院收治了一只从六楼阳台掉下来的橘猫。医生检查后发现，小猫只是前腿轻微骨折，没有内伤。主人说当时阳台的窗户没有关好，小猫追着一只飞虫跳了出去。医生提醒养猫的家庭，一定要给窗户和阳台装上防护网。")
summ("sum-04", "zh", "一句话概括下面这段产品介绍",
     "这款折叠自行车车身只有十一公斤，折叠后可以放进汽车后备箱或者带上地铁。车架采用铝合金，最多可以承重一百公斤。它有七个变速档位，适合城市通勤和短途骑行。车子配有前后挡泥板和车灯，售价一千六百九十九元，车架保修五年。")
summ("sum-05", "zh", "帮我提炼一下这封邮件的要点：",
     "王总您好，关于贵公司上周提出的合作方案，我们内部已经讨论过了。我们同意把交货时间从三十天缩短到二十天，但是需要把首付款的比例从百分之三十提高到百分之四十。另外，运输费用希望由双方各承担一半。如果您同意以上条件，我们可以在下周三之前把合同发给您。")
summ("sum-06", "zh", "简单说说这条新闻讲了啥",
     "今年冬天，本市将在五个公园开放免费的室外溜冰场，开放时间为每天上午九点到晚上八点。溜冰场提供免费的冰鞋租借，但是需要押身份证。十二岁以下的儿童必须由家长陪同。如果气温高于零度，溜冰场会临时关闭，具体情况请关注市园林局的公众号。")
summ("sum-07", "en", "Can you summarise this for me in 2-3 sentences?",
     "Starting next Monday, the staff car park will be closed for resurfacing for two weeks. During this time, employees can park at the shopping centre across the road, where the company has reserved 80 spaces on level 2. Please display your staff badge on the dashboard. Cyclists can still use the bike shed, which is not affected by the works. We apologise for any inconvenience.")
summ("sum-08", "en", "what's the gist of this?",
     "Our pharmacy will no longer accept paper prescriptions from 1 February. Doctors in the area now send prescriptions electronically, and patients only need to show their ID card at the counter. Patients who still have a paper prescription dated before February can use it until the end of March. The pharmacy's opening hours stay the same.")
summ("sum-09", "en", "Short summary of this review please:",
     "I stayed at this guesthouse for four nights in October. The room was small but spotless, and the bed was very comfortable. The owner gave us great tips for hiking trails nearby. Breakfast was simple, mostly bread and jam, so don't expect a big buffet. The walls are thin and we could hear the neighbours. For the price, I would still recommend it to anyone who wants a quiet base for walking.")
summ("sum-10", "en", "Summarize the main points of this notice:",
     "The swimming club's annual membership fee will rise from 240 to 270 pounds from April. The increase covers higher heating costs at the pool. Members who renew before 31 March will still pay the old price. Juniors under 16 and members over 70 will keep their reduced fee of 120 pounds. The club will also add two extra early-morning sessions on Tuesdays and Thursdays.")
summ("sum-11", "en", "tldr?",
     "Hi everyone, the quarterly planning meeting is moving from Thursday to Friday at 10 am because two of the regional managers are travelling on Thursday. The room stays the same, the big meeting room on the third floor. Please send your updated sales figures to Maria by Wednesday evening so she can prepare the slides. Lunch will be provided after the meeting.")
summ("sum-12", "en", "Give me the short version of this study:",
     "A study of 1,200 primary school pupils found that children who read for at least 20 minutes a day at home scored higher in vocabulary tests than those who did not. The effect was strongest for children aged six to eight. Reading on paper and reading on tablets gave similar results. The researchers suggest that parents set aside a regular reading time, for example before bed.")
summ("sum-13", "en", "Sum up this email in a sentence or two:",
     "Dear tenants, the lift in block B will be replaced between 5 and 23 May. During these weeks the lift will not work at all. Tenants with reduced mobility can ask the office for help with carrying shopping, and a temporary stair-climbing chair will be available at the entrance. The new lift will be faster and larger, with space for a wheelchair and a pushchair together.")
summ("sum-14", "en", "Summarise this Chinese notice in English, briefly:",
     "各位业主：小区东门将从 1 月 8 日起进行改造，工期约 45 天。改造期间东门关闭，车辆和行人请从南门进出。快递柜暂时搬到南门保安亭旁边。给大家带来的不便，敬请谅解。",
     {"language": "en", "contains_all": [["45"], ["gate", "Gate", "entrance"], ["south", "South"]], "length": {"min_chars": 10, "max_chars": 500},
      "no_refusal": True, "no_degenerate": True})
summ("sum-15", "zh", "用中文概括一下这段英文：",
     "The museum's new dinosaur gallery opens on 18 June. It has a full-size skeleton of a long-necked dinosaur found in Yunnan, and a room where children can dig for model fossils. Entry to the gallery is included in the normal museum ticket. On the first weekend, visitors under 12 get a free activity book.",
     {"language": "zh", "contains_all": [["恐龙"], ["6月", "六月"]], "length": {"min_chars": 10, "max_chars": 300}, "no_refusal": True, "no_degenerate": True})
for r in OUT:
    if r["id"] == "sum-14":
        r["note"] = "zh→en: language and key facts (45 days, the gate, the south gate) checked, not faithfulness"
    if r["id"] == "sum-15":
        r["note"] = "en→zh: language and key facts (dinosaur gallery, June) checked, not faithfulness"

# ---------------------------------------------------------------- translation
def tr(rid, lang, text, target, words, maxc=300):
    add(rid, "translation", lang, EO, text,
        {"language": {"lang": target, "scope": "segment"}, "contains_all": words, "length": {"min_chars": 2, "max_chars": maxc},
         "no_refusal": True}, target_language=target)


tr("tr-01", "en", "Translate into Chinese: The pharmacy closes at nine tonight.", "zh", [["药店", "药房"], ["九点", "9点", "21:00", "21点"]])
tr("tr-02", "en", "how do i say 'my luggage is lost' in chinese", "zh", [["行李"], ["丢", "不见", "遗失", "找不到"]])
tr("tr-03", "en", "Chinese please: I'm allergic to shrimp.", "zh", [["虾"], ["过敏"]])
tr("tr-04", "zh", "这句英文是什么意思，翻成中文：The printer on the second floor is out of paper.", "zh", [["打印机"], ["纸"]])
tr("tr-05", "zh", "翻译成英文：我的手机屏幕摔碎了。", "en", [["phone"], ["screen"], ["crack", "cracked", "broke", "broken", "shattered", "smashed"]])
tr("tr-06", "zh", "“明天早上七点叫醒我”用英语怎么说？", "en", [["wake"], ["7", "seven"], ["tomorrow"]])
tr("tr-07", "zh", "帮我翻成英文：这件外套有没有大一号的？", "en", [["coat", "jacket"], ["bigger", "larger", "size"]])
tr("tr-08", "zh", "英文怎么说：停车场在大楼后面", "en", [["parking", "car park"], ["behind"]])
tr("tr-09", "zh", "翻译成英语：我们下个月搬家。", "en", [["move", "moving"], ["next month"]])
tr("tr-10", "en", "Translate into French: The children are playing in the garden.", "fr", [["enfants"], ["jardin"]])
tr("tr-11", "zh", "把“我的咖啡凉了”翻译成法语。", "fr", [["café"], ["froid"]])
tr("tr-12", "zh", "请翻译成日语：这个多少钱？", "ja", [["いくら", "幾ら"]])
tr("tr-13", "en", "Translate into Japanese: I am a student.", "ja", [["学生"]])
tr("tr-14", "en", "German please: The shop is closed on Sunday.", "de", [["Sonntag", "sonntags"], ["geschlossen"]])
tr("tr-15", "en", "Translate to Spanish: My mother likes tea.", "es", [["madre", "mamá"], ["té"]])

# ---------------------------------------------------------------- code
PY = {"lang": ["python", "py", "python3"]}


def code(rid, lang, text, checks):
    add(rid, "code", lang, EO, text, checks)


code("code-01", "en", "Write a Python function `is_palindrome(s)` that ignores case, spaces and punctuation and returns True if the string reads the same backwards.",
     {"code_block": PY, "contains_code_token": ["def is_palindrome"],
      "python_test": "assert is_palindrome('A man, a plan, a canal: Panama')\nassert not is_palindrome('hello')\nassert is_palindrome('')\nassert is_palindrome('No lemon, no melon')\n"})
code("code-02", "zh", "写一个 Python 函数 `split_bill(total, n)`：把总金额平均分给 n 个人，每人金额保留两位小数，除不尽的零头分给前面几个人，返回列表，列表之和等于 total。",
     {"code_block": PY, "contains_code_token": ["def split_bill"],
      "python_test": "r = split_bill(100, 3)\nassert [round(x, 2) for x in r] == [33.34, 33.33, 33.33]\nassert abs(sum(split_bill(10, 4)) - 10) < 1e-9\nassert [round(x, 2) for x in split_bill(10, 4)] == [2.5, 2.5, 2.5, 2.5]\n"})
code("code-03", "en", "python: `merge_intervals(intervals)` - take a list of [start, end] pairs, merge the overlapping or touching ones, return them sorted by start",
     {"code_block": PY, "contains_code_token": ["def merge_intervals"],
      "python_test": "assert [list(x) for x in merge_intervals([[8, 10], [1, 3], [2, 6]])] == [[1, 6], [8, 10]]\nassert list(merge_intervals([])) == []\nassert [list(x) for x in merge_intervals([[1, 4], [4, 5]])] == [[1, 5]]\n"})
code("code-04", "zh", "用 Python 写个函数 `count_cn(s)`，统计字符串里有多少个汉字（只算 \\u4e00 到 \\u9fff 范围内的字符）。",
     {"code_block": PY, "contains_code_token": ["def count_cn"],
      "python_test": "assert count_cn('你好, world!') == 2\nassert count_cn('') == 0\nassert count_cn('abc123') == 0\nassert count_cn('中文ABC中') == 3\n"})
code("code-05", "en", "Write a Python function `days_between(a, b)` taking two 'YYYY-MM-DD' strings and returning the absolute number of days between them.",
     {"code_block": PY, "contains_code_token": ["def days_between"],
      "python_test": "assert days_between('2026-12-06', '2027-01-01') == 26\nassert days_between('2027-01-01', '2026-12-06') == 26\nassert days_between('2024-02-28', '2024-03-01') == 2\n"})
code("code-06", "zh", "写个 Python 函数 `fen_to_yuan(fen)`：参数是以“分”为单位的整数金额，返回以元为单位、保留两位小数、带千分位逗号的字符串，比如 123456 返回 '1,234.56'。",
     {"code_block": PY, "contains_code_token": ["def fen_to_yuan"],
      "python_test": "assert fen_to_yuan(123456) == '1,234.56'\nassert fen_to_yuan(5) == '0.05'\nassert fen_to_yuan(100000000) == '1,000,000.00'\n"})
code("code-07", "zh", "写一条 SQL：products(id, name, category, price) 表，按 category 分组统计每类商品的数量和平均价格，只显示平均价格大于 100 的类别。",
     {"code_block": {"lang": ["sql", "sqlite", "postgresql", "mysql"]},
      "contains_code_token": [["SELECT", "select"], ["AVG(", "avg(", "AVG (", "avg ("], ["COUNT(", "count(", "COUNT (", "count ("],
                              ["GROUP BY", "group by"], ["HAVING", "having"], "100"]})
code("code-08", "en", "give me a shell one-liner that finds all .log files under /var/app older than 7 days and deletes them",
     {"code_block": {"lang": ["bash", "sh", "shell", "console", "zsh"]}, "contains_code_token": ["find", "/var/app", ["-mtime", "-mmin"], ["-delete", "rm", "-exec"]]})
code("code-09", "zh", "用 JavaScript 写个函数 `sumBy(arr, key)`，对一个对象数组按指定字段求和。",
     {"code_block": {"lang": ["javascript", "js", "typescript", "ts"]},
      "contains_code_token": ["sumBy", ["reduce", "for", "forEach"], ["function", "=>"]]})
code("code-10", "en", "Write a regular expression that matches a date in the form YYYY-MM-DD (just the format, 4 digits, 2 digits, 2 digits).",
     {"code_block": True, "contains_code_token": [["\\d{4}", "[0-9]{4}"], ["\\d{2}", "[0-9]{2}"], "-"]})

# ---------------------------------------------------------------- writing
def wr(rid, lang, text, words, maxc=600):
    add(rid, "writing", lang, EO, text, {"language": lang, "contains_all": words, "length": {"min_chars": 5, "max_chars": maxc},
                                          "no_degenerate": True, "no_refusal": True})


wr("wr-01", "zh", "帮我写一段毕业赠言，送给带了我们三年的班主任李老师。", [["李老师"]], 400)
wr("wr-02", "zh", "给我们店新出的桂花乌龙奶茶写一段产品文案，突出不加糖也很香。", [["桂花"], ["乌龙"]])
wr("wr-03", "zh", "写个通知：本周六下午两点公司进行消防演练，全体员工参加，听到警报后从安全通道撤离到楼下广场。",
   [["消防"], ["演练"], ["周六", "星期六"]])
wr("wr-04", "zh", "帮我写一封感谢信，感谢物业的张师傅半夜帮我们修好了漏水的水管。", [["张师傅"], ["水管", "漏水"]])
wr("wr-05", "zh", "写一张请假条，孩子明天要去医院复查，我想请半天假，交给陈主任。", [["陈主任"], ["请假"], ["半天"]])
wr("wr-06", "zh", "写个邀请函，邀请客户参加我们公司12月20日晚上的年终答谢晚宴，地点在金陵饭店。", [["金陵饭店"], ["12月20日", "12月20号", "十二月二十日"], ["晚宴"]])
wr("wr-07", "zh", "给好朋友写几句新婚祝福语", [["新婚", "百年好合", "幸福", "白头偕老", "永结同心"]], 400)
wr("wr-08", "zh", "帮我写条短信给客户道歉，说他订的沙发要晚三天才能送到。", [["沙发"], ["三天", "3天"], ["抱歉", "对不起", "歉意"]])
wr("wr-09", "zh", "写一条朋友圈文案，晒一下周末去爬黄山看到的日出", [["黄山"], ["日出"]], 400)
wr("wr-10", "en", "Write a short thank-you note to my colleague Priya for covering my shifts while I was sick.", [["Priya"], ["shift", "shifts"]])
wr("wr-11", "en", "Write an invitation to my daughter's 7th birthday party, Saturday at 3 pm, at Sunny Park.", [["Sunny Park"], ["3"], ["birthday"]])
wr("wr-12", "en", "write a product description for a handmade ceramic coffee mug, about 50 words", [["ceramic"], ["mug"]])
wr("wr-13", "en", "Write an email to my landlord telling him the kitchen tap has been leaking for a week.", [["tap", "faucet"], ["leak", "leaking", "leaks"], ["week"]])
wr("wr-14", "en", "A short haiku about autumn leaves.", [["leaf", "leaves"]], 300)
wr("wr-15", "en", "Write a notice for the office kitchen: please wash your own mugs and empty the fridge every Friday.",
   [["mug", "mugs"], ["fridge", "refrigerator"], ["Friday", "Fridays"]])

# ---------------------------------------------------------------- multi_intent
def mi(rid, lang, tenant, text, checks, steps, **extra):
    add(rid, "multi_intent", lang, tenant, text, {**checks, "no_refusal": True}, expected_steps=steps, **extra)


mi("mi-01", "zh", EO, "上海今天会下雨吗？要不要带伞出门？", {"contains_all": ["上海"], "contains_any": ["伞", "雨"], "language": "zh"},
   ["weather 上海", "advice"])
mi("mi-02", "en", EO, "How hot will it get in Guangzhou today? Should I take the kids to the open-air pool?",
   {"contains_all": ["Guangzhou"], "contains_any": ["pool", "swim", "swimming", "sunscreen", "outdoor", "outside", "kids", "children"], "language": "en"}, ["weather Guangzhou", "advice"])
mi("mi-03", "zh", EO, "北京明天多少度？另外5公里等于多少英里（1英里按1.609公里算）？", {"contains_all": ["北京"], "number": [r2(5 / 1.609)], "language": "zh"},
   ["weather 北京", "convert 5 km"])
mi("mi-04", "zh", EO, "查一下广州明天的天气，再帮我写一句提醒同事出差带好雨具的话。",
   {"contains_all": ["广州"], "contains_any": ["雨伞", "雨具", "伞", "雨衣"], "language": "zh"}, ["weather 广州", "write reminder"])
mi("mi-05", "en", EO, "If I save 300 a month for 2 years, how much is that in total? Then give me one tip for sticking to a savings plan.",
   {"number": [{"value": 300 * 24}], "contains_any": ["automatic", "automate", "budget", "separate", "goal", "track", "transfer", "payday"], "language": "en"},
   ["calculate", "advice"])
mi("mi-06", "zh", EO, "一件衣服原价360元打75折是多少钱？再简单解释一下“打75折”是什么意思。",
   {"number": [r2(360 * 0.75)], "contains_any": ["75%", "百分之七十五", "0.75", "七成半", "原价"], "language": "zh"}, ["calculate", "explain"])
mi("mi-07", "en", EO, "Find order 1024 for me, then draft a two-line message telling the buyer we've upgraded their shipping for free.",
   {"contains_all": ["1024"], "contains_any": ["free", "upgrade", "upgraded", "shipping"], "language": "en"}, ["order lookup 1024", "write message"])
mi("mi-08", "zh", CS, "周末成人全天雪票多少钱？我们三个大人两天一共要花多少？",
   {"number": [{"value": 460}, {"value": 460 * 3 * 2}], "cites": [D["lift"]]}, ["kb weekend adult full day (en document)", "calculate 460 × 3 × 2"],
   note="both days at the weekend price, as asked")
mi("mi-09", "en", BW, "What's the compensation for a lost item if I have no receipt? My shirt cost 12 to wash - how much would I get?",
   {"number": [{"value": 120}], "cites": [D["comp"]], "contains_any": ["10", "十倍", "ten"]}, ["kb 丢失 → 十倍 (zh document)", "calculate 10 × 12"])
mi("mi-10", "en", LC, "How much is a weekend 3D ticket for a member? What would 4 of them cost?",
   {"number": [{"value": 50}, {"value": 200}], "cites": [D["tix"]]}, ["kb 3D weekend member", "calculate 4 × 50"])
mi("mi-11", "zh", EO, "帮我查一下1024号订单，再写一句话感谢买家的好评。",
   {"contains_all": ["1024"], "contains_any": ["感谢", "谢谢", "好评"], "language": "zh"}, ["order lookup 1024", "write thanks"])
mi("mi-12", "zh", EO, "写一句送给要搬走的邻居的告别话，再翻成英文。", {"contains_all": [["再见", "告别", "保重", "祝", "舍不得", "想念"], ["goodbye", "farewell", "miss", "best", "wish", "luck", "take care"]]}, ["write", "translate en"])
mi("mi-13", "en", EO, "Write a one-line congratulations for my cousin's new baby, then put it in Chinese.",
   {"contains_all": [["congratulations", "congrats", "baby"], ["恭喜", "祝贺", "宝宝", "宝贝", "小生命"]]}, ["write", "translate zh"])
mi("mi-14", "zh", EO, "记住：我不吃辣。再给我推荐一道适合晚饭的菜。",
   {"contains_any": ["番茄炒蛋", "西红柿炒鸡蛋", "西红柿炒蛋", "清蒸鱼", "蒸蛋", "鸡蛋羹", "白灼", "排骨汤", "冬瓜", "豆腐", "青菜", "西兰花",
                     "糖醋", "红烧", "土豆", "炖", "虾仁", "蒸"], "language": "zh"},
   ["remember", "recommend"], user="eval-user-nospice")
mi("mi-15", "en", EO, "Remember that I'm lactose intolerant, then suggest a breakfast for me.",
   {"contains_any": ["oat", "oats", "oatmeal", "porridge", "toast", "egg", "eggs", "fruit", "banana", "almond", "soy", "smoothie", "avocado", "tofu",
                     "rice", "congee", "granola", "lactose-free", "oat milk"], "contains_none": ["glass of milk"], "language": "en"},
   ["remember", "recommend"], user="eval-user-lactose")

# ---------------------------------------------------------------- tool_failure (fault phase, last)
def tf(rid, lang, text, faults, tools, shape, checks=None, secs=30):
    c = {"status": ["failed", "partial"], "max_seconds": secs, "mentions_failure": {"tool": next(iter(faults))}}
    if checks:
        c.update(checks)
    r = {"id": rid, "class": "tool_failure", "lang": lang, "tenant": EO, "session": rid, "text": text, "checks": c,
         "faults": faults, "tools": tools, "shape": shape}
    OUT.append(r)


WU, WT, SQ, HT = {"weather": "unavailable"}, {"weather": "timeout"}, {"sql_query": "unavailable"}, {"http_get": "unavailable"}
tf("tf-01", "zh", "长沙明天最低气温几度？", WU, ["weather"], "single intent, refused")
tf("tf-02", "en", "What's the forecast for Dalian this weekend?", WU, ["weather"], "single intent, refused")
tf("tf-03", "zh", "1024号订单是什么时候下的单？", SQ, ["sql_query"], "single intent, database missing")
tf("tf-04", "en", "Open http://status.northwind.invalid/uptime and read me the uptime figure.", HT, ["http_get"], "single intent, host does not resolve")
tf("tf-05", "zh", "查查杭州后天的天气，如果是晴天就帮我写一条周末去西湖骑车的邀请。", WU, ["weather"], "one dependant")
tf("tf-06", "en", "Check order 1024 and, depending on whether it shipped, write the customer an update.", SQ, ["sql_query"], "one dependant")
tf("tf-07", "zh", "看一下天津今天的天气；另外帮我写一句祝同事生日快乐的话。", WU, ["weather"], "beside an independent generation",
   {"status": ["partial"], "contains_any": ["生日快乐", "生日", "祝"]}, 60)
tf("tf-08", "en", "Load http://status.northwind.invalid/users.csv; also, unrelated, what's 15% of 2,600?", HT, ["http_get", "calculator"],
   "beside an independent calculation", {"status": ["partial"], "number": [{"value": round(2600 * 0.15, 6), "tolerance": 1e-6}]}, 60)
tf("tf-09", "zh", "沈阳现在下雪了吗？", WT, ["weather"], "single intent, timeout", secs=60)
tf("tf-10", "en", "What's the weather like in Lhasa tomorrow, and should I pack a down jacket?", WT, ["weather"], "timeout with one dependant", secs=60)
tf("tf-11", "zh", "比较一下苏州和无锡周六的天气，告诉我哪边更适合出去玩。", WU, ["weather"], "two failing lookups with one dependant")
tf("tf-12", "en", "Check the weather in Sanya for Sunday, tell me if snorkelling is a good idea, and then write a message inviting my brother.", WU, ["weather"],
   "two dependants")
tf("tf-13", "zh", "查一下1024号订单的物流状态，根据状态写一条给客户的通知，把通知翻成英文，再给我一句话总结。", SQ, ["sql_query"], "three dependants")
tf("tf-14", "zh", "两件事：上海今天的天气怎么样，还有1024号订单发货了没有。", SQ, ["weather", "sql_query"], "parallel branch: the weather branch works",
   {"status": ["partial"], "contains_all": ["上海"]}, 60)
tf("tf-15", "en", "At the same time, look up order 1024 and tell me if it's foggy in Chongqing right now.", WU, ["weather", "sql_query"],
   "parallel branch: the order branch works", {"status": ["partial"], "contains_all": ["1024"]}, 60)

# ---------------------------------------------------------------- write
if __name__ == "__main__":
    with open(HERE / "requests.jsonl", "w", encoding="utf-8") as f:
        for r in OUT:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(len(OUT), "requests written")
