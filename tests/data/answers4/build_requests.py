"""Writes requests.jsonl of the fourth blind answer set (issue 16). Every expected number is computed here, in Python.

Run: python tests/data/answers4/build_requests.py  (then python tests/data/answers4/validate.py)
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
MF, SP, BL = "maplecrest-fitness", "swiftpost-express", "bayline-ferry"
D = {
    "plans": f"kb/{MF}/membership-plans.md", "faq": f"kb/{MF}/club-faq.md",
    "class": f"kb/{MF}/团课课表与预约规则.md", "pt": f"kb/{MF}/私教课程与退费.md",
    "rates": f"kb/{SP}/shipping-rates.md", "claims": f"kb/{SP}/claims-and-insurance.md",
    "ban": f"kb/{SP}/禁寄物品与包装规范.md", "locker": f"kb/{SP}/快递柜与上门取件.md",
    "fares": f"kb/{BL}/fares-and-timetable.md", "lug": f"kb/{BL}/luggage-pets-and-accessibility.md",
    "refund": f"kb/{BL}/船票改签与退票.md", "onboard": f"kb/{BL}/船上服务与设施.md",
}
ZH_DOCS = {"class", "pt", "ban", "locker", "refund", "onboard"}


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


# maplecrest-fitness: zh 10 (4 same, 4 cross, 2 not found), en 10 (4, 4, 2)
kb("kb-mf-01", "zh", MF, "锦江店周末的流瑜伽是几点上课呀", "class", [["08:30", "8:30"], "16:00"], "weekend cell; near-miss weekday 18:30")
kb("kb-mf-02", "zh", MF, "想买高级教练的私教，20节的课包多少钱？", "pt", ["8600"], "near-miss: 初级 40 节 8,800, 中级 20 节 6,400, 高级 10 节 4,500")
kb("kb-mf-03", "zh", MF, "团课一个月爽约几次就会被停止预约？停几天？", "class", [["3次", "三次"], ["7天", "七天"]], "near-miss: 迟取消 2 次折算 1 次爽约")
kb("kb-mf-04", "zh", MF, "私教课包快到期了想延期，手续费多少", "pt", ["200"], "伤病证明免费; up to 2 months")
kb("kb-mf-05", "zh", MF, "我是全日制学生，办会员有啥折扣吗", "plans", [["15%", "85折", "八五折"]], "cross; Standard tier only")
kb("kb-mf-06", "zh", MF, "Plus 会员一次性预付12个月要多少钱？", "plans", ["3280"], "cross; near-miss monthly 329, Standard 2,580")
kb("kb-mf-07", "zh", MF, "周六带个朋友过来练，买一张日卡要多少钱？", "faq", ["108"], "cross; near-miss weekday 88")
kb("kb-mf-08", "zh", MF, "健身房里会员用的wifi叫什么", "faq", ["Maplecrest-Members"], "cross; near-miss Maplecrest-Staff")
kb("kb-mf-09", "zh", MF, "你们锦江店有游泳池吗，几点开放？", None, None, "no document mentions a pool (spa floor: sauna, steam room, cold plunge)")
kb("kb-mf-10", "zh", MF, "高新店停车免费时间用完之后，每小时收多少钱？", None, None, "near-topic: 'the mall's rate after that', the rate is not given (Jinjiang's CNY 6 is another club)")
kb("kb-mf-11", "en", MF, "im on a monthly plan and want to freeze it for travel, whats the fee per month?", "plans", ["30"], "free for 12-month prepaid; medical free")
kb("kb-mf-12", "en", MF, "Is there a joining fee on the rolling monthly membership? How much?", "plans", ["199"], "waived for prepaid")
kb("kb-mf-13", "en", MF, "I lost the wristband tag I use to get in. What does a replacement cost?", "faq", ["25"], "near-miss: first tag 35, padlock 15")
kb("kb-mf-14", "en", MF, "Someone handed in my phone at the front desk - how long will you keep it?", "faq", ["60"], "near-miss: other items 30 days")
kb("kb-mf-15", "en", MF, "How many people can a spin class at Jinjiang take at most?", "class", ["24"], "cross (动感单车); near-miss 22, 20")
kb("kb-mf-16", "en", MF, "What deposit do I leave to borrow the cycling shoes for spin class?", "class", ["100"], "cross")
kb("kb-mf-17", "en", MF, "What does one single session with a star coach cost, without a package?", "pt", ["680"], "cross (明星教练); near-miss 高级 480")
kb("kb-mf-18", "en", MF, "First time trying personal training - how much is the trial session?", "pt", ["99"], "cross")
kb("kb-mf-19", "en", MF, "Do you have a corporate membership rate for companies that sign up their staff?", None, None, "only a student discount is described")
kb("kb-mf-20", "en", MF, "What does a protein shake cost at the club's juice bar?", None, None, "no bar or drinks in the documents")
add("gen-p1", "general", "zh", MF, "彩虹通常有几种颜色？",
    {"contains_any": ["7", "七"], "contains_none": ["Maplecrest-Members", "动感单车", "私教"], "no_refusal": True, "language": "zh"},
    note="memory-pollution probe after the maplecrest-fitness questions")

# swiftpost-express
kb("kb-sp-01", "zh", SP, "充电宝能寄吗？一个包裹里最多放几个？", "ban", [["2个", "两个"]], "each at most 100 Wh; near-miss 酒 6 瓶")
kb("kb-sp-02", "zh", SP, "寄个易碎品让你们帮忙包，易碎品专用包装一件多少钱", "ban", ["15"], "near-miss: 大号纸箱 8, 木架 120/60")
kb("kb-sp-03", "zh", SP, "快递放在大格口里，免费能放多长时间？", "locker", [["12小时", "12个小时"]], "near-miss: 小/中格口 18 小时")
kb("kb-sp-04", "zh", SP, "晚上九点想叫快递员上门取件，要额外加多少钱？", "locker", ["6"], "20:00 以后加急, 杭州主城区, 最晚 22:00")
kb("kb-sp-05", "zh", SP, "寄到新疆走标准快递，首重多少钱？", "rates", ["25"], "cross; Zone D Standard; near-miss Economy 18, extra kg 15")
kb("kb-sp-06", "zh", SP, "新用户下单有什么优惠码吗", "rates", ["SWIFT-NEW10"], "cross; near-miss SWIFT-NEW8 expired")
kb("kb-sp-07", "zh", SP, "一个包裹最多可以保价多少钱？", "claims", [["30000", "3万"]], "cross")
kb("kb-sp-08", "zh", SP, "收到的包裹是坏的，签收后多长时间内要报损", "claims", ["48"], "cross; near-miss lost parcel 30 days, 7 days no tracking")
kb("kb-sp-09", "zh", SP, "想寄一箱海鲜，你们有冷链冷藏快递吗？怎么收费？", None, None, "no cold-chain service in the documents")
kb("kb-sp-10", "zh", SP, "宁波鄞州区一共有多少个迅邮柜？", None, None, "cities named, no locker counts")
kb("kb-sp-11", "en", SP, "sending a 1kg parcel Next Day from Hangzhou to Guangdong, how much?", "rates", ["22"], "Zone B Next Day first kg; near-miss 18 (Zone A), 28 (Zone C)")
kb("kb-sp-12", "en", SP, "For Economy, what number do you divide L x W x H by to get the volumetric weight?", "rates", ["8000"], "near-miss Standard 6000")
kb("kb-sp-13", "en", SP, "Which email do I use to file a claim for a lost parcel?", "claims", ["claims@swiftpost.cn"], "near-miss support@swiftpost.cn")
kb("kb-sp-14", "en", SP, "What's the insurance premium if I declare a parcel's value at 800 yuan?", "claims", ["3"], "CNY 3 flat up to 1,000")
kb("kb-sp-15", "en", SP, "How many bottles of baijiu am I allowed to put in one parcel?", "ban", [["6", "six"]], "cross; 1 litre each")
kb("kb-sp-16", "en", SP, "My box will weigh about 25 kg. How many layers does the corrugated carton need to have?", "ban", [["七层", "7", "seven"]], "cross; near-miss five layers up to 20 kg")
kb("kb-sp-17", "en", SP, "How long can a parcel sit in a small locker compartment before I'm charged?", "locker", ["18"], "cross; near-miss large 12 hours")
kb("kb-sp-18", "en", SP, "The locker door won't open. What number should I call?", "locker",
   [["0571-8765 4321", "0571-87654321", "8765 4321", "87654321"]], "cross; near-miss hotline 400-820-6060")
kb("kb-sp-19", "en", SP, "What time do Swiftpost service points close on Sundays?", None, None, "service-point hours not given (pickup 08:00-20:00 and hotline hours are other things)")
kb("kb-sp-20", "en", SP, "Is there a loyalty points scheme for people who send parcels often?", None, None, "only business-account volume discounts")
add("gen-p2", "general", "en", SP, "What is the hardest natural material?",
    {"contains_all": [["diamond", "diamonds"]], "contains_none": ["SWIFT-NEW10", "swiftpost", "迅邮"], "no_refusal": True, "language": "en"},
    note="memory-pollution probe after the swiftpost-express questions")

# bayline-ferry
kb("kb-bl-01", "zh", BL, "开船前一个半小时去退票，手续费是票价的多少？", "refund", ["20%"], "near-miss 10% (2-24 h), 50% after departure")
kb("kb-bl-02", "zh", BL, "风刮到几级快船就不开了？", "refund", [["7级", "七级"]], "near-miss 8 级 all routes")
kb("kb-bl-03", "zh", BL, "银鹭号商务舱每个人要加多少钱", "onboard", ["30"], "near-miss 蓝鹭号 45, 船上补票 10")
kb("kb-bl-04", "zh", BL, "船上的免费无线网叫什么名字？", "onboard", ["Bayline-Free"], "near-miss Bayline-Crew")
kb("kb-bl-05", "zh", BL, "周末坐BL-21去大嶝岛，早上第一班船几点开？", "fares", [["06:50", "6:50"]], "cross; near-miss weekday 07:10")
kb("kb-bl-06", "zh", BL, "周末开一辆普通小轿车上船过去，车票多少钱？", "fares", ["260"], "cross; car up to 5 m; near-miss weekday 220")
kb("kb-bl-07", "zh", BL, "带一只大型犬坐BL-21，宠物票多少钱？", "lug", ["40"], "cross; near-miss small pet 20")
kb("kb-bl-08", "zh", BL, "五通码头的行李寄存柜存一整天多少钱", "lug", ["20"], "cross; near-miss 4 hours 10, ferry centre 15 per item")
kb("kb-bl-09", "zh", BL, "海灯号上有母婴室吗？", None, None, "not mentioned")
kb("kb-bl-10", "zh", BL, "上鼓浪屿要另外交环境维护费吗？多少钱？", None, None, "not mentioned")
kb("kb-bl-11", "en", BL, "child ticket on the fast boat, my kid is 1.3 m - how much?", "fares", ["34"], "BL-21X child; near-miss 23 (BL-21), 18 (BL-07)")
kb("kb-bl-12", "en", BL, "How much is the 10-trip card and how long is it valid for?", "fares", ["380", "90"], "near-miss 30-day pass 680")
kb("kb-bl-13", "en", BL, "What do I pay for a 25 kg suitcase on the BL-21X?", "lug", ["40"], "20-32 kg bag on BL-21X; near-miss 30 on BL-21")
kb("kb-bl-14", "en", BL, "What's the phone number for booking a wheelchair at the terminal?", "lug",
   [["0592-5013 600", "0592-5013600", "5013 600", "5013600"]], "near-miss 0592-5013 666 (hotline), 688 (lost property)")
kb("kb-bl-15", "en", BL, "The first change to my ticket was free - what's the fee for changing it again?", "refund", ["5"], "cross")
kb("kb-bl-16", "en", BL, "How long does the ferry have to be delayed before I can get a refund with no fee?", "refund",
   [["1小时", "1 hour", "one hour", "an hour", "1 hr"]], "cross")
kb("kb-bl-17", "en", BL, "How much is a bowl of fish ball soup on the Silver Egret?", "onboard", ["15"], "cross; near-miss coffee 18, noodles 22")
kb("kb-bl-18", "en", BL, "I left my jacket on the ferry. How many days does Wutong keep lost property?", "onboard", ["15"], "cross; near-miss ID documents 30")
kb("kb-bl-19", "en", BL, "We're a group of 25 people - is there a group discount on tickets?", None, None, "no group discount")
kb("kb-bl-20", "en", BL, "What's the summer timetable for BL-07?", None, None, "only the winter season is given")
add("gen-p3", "general", "zh", BL, "一个小时等于多少分钟？",
    {"contains_any": ["60", "六十"], "contains_none": ["Bayline-Free", "银鹭号", "BL-21"], "no_refusal": True, "language": "zh"},
    note="memory-pollution probe after the bayline-ferry questions")

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


ar("ar-01", "en", "Grocery run: 3 bags of rice at 42.90 each, 2 bottles of oil at 56.50 each and a tray of eggs for 18.80. I get 10% off the whole lot as a member. What do I pay?",
   [r2((3 * 42.9 + 2 * 56.5 + 18.8) * 0.9)], note=f"{(3 * 42.9 + 2 * 56.5 + 18.8) * 0.9:.2f}")
ar("ar-02", "en", "Headphones are listed at $240. The store takes 25% off, then my $15 coupon comes off the discounted price, then 8% sales tax is added. Final price?",
   [r2((240 * 0.75 - 15) * 1.08)])
ar("ar-04", "en", "I borrow 12,000 at 6% simple interest a year for 18 months. How much do I pay back in total?", [r2(12000 * (1 + 0.06 * 1.5))])
ar("ar-05", "en", "Rate is 1 GBP = 1.27 USD. I change 850 pounds into dollars and then spend 400 dollars. How many dollars are left?", [r2(850 * 1.27 - 400)])
ar("ar-06", "en", "Runs this week: 5 km Monday, 7.5 km Wednesday, 6.2 km Friday, 12 km Sunday. What's my average per run, and how far short of a 40 km week am I?",
   [r2((5 + 7.5 + 6.2 + 12) / 4), r2(40 - (5 + 7.5 + 6.2 + 12))])
ar("ar-07", "en", "A train goes 96 km/h for 3.25 hours. How many miles is that, taking 1 mile = 1.609 km?", [r2(96 * 3.25 / 1.609)], note=f"{96 * 3.25 / 1.609:.2f}")
ar("ar-08", "en", "A latte went from 28 to 32 yuan, then the price dropped by 5%. What does it cost now, and what's the overall % change compared with 28?",
   [r2(32 * 0.95), r2(100 * (32 * 0.95 - 28) / 28, 0.06)], note=f"{32 * 0.95:.2f}, {100 * (32 * 0.95 - 28) / 28:.2f}%")
d9 = (date(2027, 1, 1) - date(2019, 8, 23)).days
ar("ar-09", "en", "My daughter was born on 2019-08-23. How many days old will she be on 2027-01-01?", [d9], note="plain difference of the two dates")
ar("ar-10", "en", "A 1,500-litre tank is already 40% full. The pump adds 18 litres a minute. How many minutes until it's full?", [r2(1500 * 0.6 / 18)])
c11 = (375 - 32) * 5 / 9
ar("ar-11", "en", "The recipe says 375°F. What's that in Celsius? And if I turn it down by 20 degrees Celsius, what's the new temperature in Fahrenheit?",
   [r2(c11, 0.05), r2((c11 - 20) * 9 / 5 + 32, 0.1)], note=f"{c11:.2f} °C, {(c11 - 20) * 9 / 5 + 32:.1f} °F")
ar("ar-12", "en", "Three of us share an Airbnb: 4 nights at 95 a night, plus a 60 cleaning fee, plus a 12% service fee on all of that. What does each person pay?",
   [r2((4 * 95 + 60) * 1.12 / 3)], note=f"{(4 * 95 + 60) * 1.12 / 3:.2f}")
ar("ar-13", "en", "A 2 kg bag of flour costs 13.60 and a 500 g bag costs 4.20. Per kilogram, how much cheaper is the big bag?", [r2(4.2 * 2 - 13.6 / 2)])
ar("ar-14", "en", "A streaming plan is 89 a month, or 890 if I pay for the year up front. How much do I save in a year by paying up front, and what percentage of the monthly total is that?",
   [r2(12 * 89 - 890), r2(100 * (12 * 89 - 890) / (12 * 89), 0.06)], note=f"{100 * (12 * 89 - 890) / (12 * 89):.2f}%")
ar("ar-15", "en", "I deposit 1,000 at 4% a year, compounded quarterly. How much is there after 2 years?", [r2(1000 * 1.01 ** 8)], note=f"{1000 * 1.01 ** 8:.2f}")
ar("ar-16", "en", "In a class of 32 kids, 3/8 walk to school and a quarter of the others come by bus. How many take the bus?", [32 * 5 // 8 // 4])
ar("ar-17", "en", "My car does 34 miles per gallon and gas is $3.89 a gallon. What will the gas for a 510-mile road trip cost?", [r2(510 / 34 * 3.89)])
ar("ar-18", "en", "Bought 120 shares at 15.40, sold them all at 17.15, and paid a 9.99 commission on each of the two trades. What's my profit?",
   [r2(120 * (17.15 - 15.40) - 2 * 9.99)])
ar("ar-19", "en", "Tiered power prices: the first 200 kWh at 0.52, the next 200 kWh at 0.57, anything beyond at 0.82. We used 455 kWh. What's the bill?",
   [r2(200 * 0.52 + 200 * 0.57 + 55 * 0.82)])
ar("ar-20", "en", "A jacket costs 180 euros. With 1 EUR = 7.68 CNY, how much is that in yuan?", [r2(180 * 7.68)])
ar("ar-20b", "en", "what if they knock 15% off first?", [r2(180 * 7.68 * 0.85)], after="ar-20", session="ar-20")
ar("ar-21", "en", "I drove 245 km in 2 hours 55 minutes. What was my average speed in km/h?", [r2(245 / (175 / 60))])
ar("ar-21b", "en", "At that speed, how many hours would 378 km take?", [r2(378 / (245 / (175 / 60)))], after="ar-21", session="ar-21")
ar("ar-22", "en", "A box of 36 granola bars is 27.72. How much is that per bar?", [r2(27.72 / 36)])
ar("ar-22b", "en", "ok so what would 50 bars cost at that price", [r2(27.72 / 36 * 50)], after="ar-22", session="ar-22")
ar("ar-23", "en", "A laptop is 6,499, paid in 6 equal interest-free instalments, and the first month also carries a one-off 99 setup fee. How much is the first payment?",
   [r2(6499 / 6 + 99, 0.01)], note=f"{6499 / 6 + 99:.2f}")

ar("ar-30", "zh", "超市买了2箱牛奶每箱65元、3袋大米每袋39.9元，满150减20，减完再打会员95折，一共要付多少钱？",
   [r2((2 * 65 + 3 * 39.9 - 20) * 0.95)], note=f"{(2 * 65 + 3 * 39.9 - 20) * 0.95:.3f}")
ar("ar-31", "zh", "一台空调功率1.5千瓦，每天开8小时，电费0.56元一度，一个月按30天算电费多少？", [r2(1.5 * 8 * 30 * 0.56)])
ar("ar-32", "zh", "10万元买了一款理财，年化收益3.2%，持有219天，一年按365天算，能赚多少钱？", [r2(100000 * 0.032 * 219 / 365)])
ar("ar-33", "zh", "汇率按1美元=7.1元人民币，在美国网站买鞋89美元，运费另加15美元，折合人民币一共多少？", [r2((89 + 15) * 7.1)])
ar("ar-34", "zh", "五次测验成绩88、92、79、95、86，去掉一个最高分和一个最低分，剩下的平均分是多少？", [r2((88 + 92 + 86) / 3)], note=f"{(88 + 92 + 86) / 3:.2f}")
ar("ar-35", "zh", "高铁时速300公里，全程1318公里，中途停站一共耽误25分钟，全程一共要多少分钟？", [r2(1318 / 300 * 60 + 25)])
ar("ar-36", "zh", "奶奶今年68岁，比爷爷小4岁；爸爸的年龄比爷爷年龄的一半大6岁。爸爸今年几岁？", [(68 + 4) // 2 + 6])
ar("ar-37", "zh", "一件衣服进价80元，标价比进价高60%，促销打七五折卖出，每件赚多少钱？利润率（相对进价）是百分之几？",
   [r2(80 * 1.6 * 0.75 - 80), r2(100 * (80 * 1.6 * 0.75 - 80) / 80)])
ar("ar-38", "zh", "卧室地面长5.4米、宽3.8米，地板168元一平方米，损耗按面积多算5%，买地板要花多少钱？", [r2(5.4 * 3.8 * 1.05 * 168)], note=f"{5.4 * 3.8 * 1.05 * 168:.2f}")
ar("ar-39", "zh", "爷爷是1952年9月18日出生的，到2027年国庆节（10月1日）那天他满多少周岁？", [75])
d40 = (date(2027, 7, 3) - date(2027, 4, 12)).days
ar("ar-40", "zh", "新房装修2027年4月12日开工，7月3日完工，开工和完工相差多少天？", [d40], note="plain difference of the two dates")
ar("ar-41", "zh", "车子百公里油耗7.2升，油价7.85元一升，每天上下班来回一共36公里，一个月上22天班，油费多少钱？",
   [r2(36 * 22 * 7.2 / 100 * 7.85)], note=f"{36 * 22 * 7.2 / 100 * 7.85:.2f}")
ar("ar-42", "zh", "房子去年值320万，今年跌了8%，要是明年再涨5%，明年值多少万？", [r2(320 * 0.92 * 1.05)])
ar("ar-43", "zh", "一个水池，单开进水管6小时能注满，单开出水管9小时能放空，两个管子同时开，几小时能把空池注满？", [r2(1 / (1 / 6 - 1 / 9))])
ar("ar-44", "zh", "2斤是多少克？换算成盎司又是多少（1盎司按28.35克算）？", [1000, r2(1000 / 28.35)], note=f"{1000 / 28.35:.2f}")
ar("ar-45", "zh", "公司团建：包大巴1800元，午饭每人68元，门票每人45元，一共32人，公司报销一半，剩下的大家平摊，每人出多少钱？",
   [r2((1800 + 32 * (68 + 45)) / 2 / 32)], note=f"{(1800 + 32 * (68 + 45)) / 2 / 32:.3f}")
ar("ar-46", "zh", "车厘子59.8元一斤，我买了3斤，要付多少钱？", [r2(59.8 * 3)])
ar("ar-46b", "zh", "再用一张满150减25的券呢？", [r2(59.8 * 3 - 25)], after="ar-46", session="ar-46")
ar("ar-47", "zh", "假设100日元兑4.8元人民币，去日本玩换了6万日元，相当于多少人民币？", [r2(60000 / 100 * 4.8)])
ar("ar-47b", "zh", "换汇时银行还要收0.8%的手续费，那一共得付多少人民币？", [r2(60000 / 100 * 4.8 * 1.008)], after="ar-47", session="ar-47")
ar("ar-48", "zh", "鱼缸长80厘米、宽35厘米、高45厘米，装满的话能装多少升水？", [r2(80 * 35 * 45 / 1000)])
ar("ar-48b", "zh", "只加到八成满，是多少升？", [r2(80 * 35 * 45 / 1000 * 0.8)], after="ar-48", session="ar-48")
ar("ar-49", "zh", "时薪35元，这周干了42个小时，超过40小时的部分按1.5倍算，这周工资是多少？", [r2(40 * 35 + 2 * 35 * 1.5)])
ar("ar-49b", "zh", "扣掉5%的税以后还剩多少", [r2((40 * 35 + 2 * 35 * 1.5) * 0.95)], after="ar-49", session="ar-49")
ar("ar-50", "zh", "跑步机上速度调到每小时9公里，跑了40分钟，按每公里消耗65大卡算，一共消耗了多少大卡？", [r2(9 * 40 / 60 * 65)])

# ---------------------------------------------------------------- general (12 more; 3 probes above)
def gen(rid, lang, text, checks):
    add(rid, "general", lang, EO, text, {**checks, "no_refusal": True, "language": lang})


gen("gen-01", "zh", "中国最长的河流是哪一条？", {"contains_all": ["长江"]})
gen("gen-02", "zh", "食盐的主要成分是什么", {"contains_any": ["氯化钠", "NaCl"]})
gen("gen-03", "zh", "《三国演义》是谁写的？", {"contains_all": ["罗贯中"]})
gen("gen-04", "zh", "一支足球队在场上有几名队员？", {"contains_any": ["11", "十一"]})
gen("gen-05", "zh", "加拿大的首都是哪个城市？", {"contains_all": ["渥太华"]})
gen("gen-06", "zh", "“床前明月光”是哪位诗人写的？", {"contains_all": ["李白"]})
gen("gen-07", "en", "What's the biggest planet in our solar system?", {"contains_all": ["Jupiter"]})
gen("gen-08", "en", "how many legs does a spider have", {"contains_any": ["8", "eight"]})
gen("gen-09", "en", "Who discovered penicillin?", {"contains_all": ["Fleming"]})
gen("gen-10", "en", "What is the smallest prime number?", {"contains_any": ["2", "two"]})
gen("gen-11", "en", "How many continents are there on Earth?", {"contains_any": ["7", "seven"]})
gen("gen-12", "en", "which continent is Kenya on?", {"contains_all": ["Africa"]})

# ---------------------------------------------------------------- summary
def summ(rid, lang, instr, source, extra=None):
    checks = {"faithful_to_request": {"min_share": 0.5}, "language": lang,
              "length": {"min_chars": 10, "max_chars": 400 if lang == "zh" else 600}, "no_refusal": True, "no_degenerate": True}
    if extra is not None:
        checks = extra
    add(rid, "summary", lang, EO, instr + "\n" + source, checks, source=source)


summ("sum-01", "zh", "帮我概括一下这条通知，两三句话就行：",
     "因地铁 5 号线施工，人民路公交站将从 4 月 8 日起临时迁移到向东约 150 米的新华书店门口，为期两个月。途经该站的 12 路、37 路和 105 路公交车照常运行，首末班时间不变。施工期间人民路东向只保留一条车道，早晚高峰请市民尽量绕行解放路。")
summ("sum-02", "zh", "总结一下这段话：",
     "我们学校下学期起取消周六补课，改为每周三下午增加两节社团活动课。学生可以在美术、编程、篮球、合唱等 14 个社团中选择一个，每学期可以更换一次。社团活动课不计入考试成绩，但出勤率低于 80% 的学生将不能参加期末的评优。报名在开学第一周通过校园网进行。")
summ("sum-03", "zh", "请用简短的话说说这段新闻的主要内容",
     "本市今年首批 500 个新能源汽车公共充电桩已在 20 个大型停车场投入使用。这些充电桩均为快充桩，充满一辆普通电动汽车大约需要 40 分钟。夜间 11 点至次日 7 点充电享受谷时电价。市交通局表示，年底前还将新增 1200 个充电桩，重点覆盖老旧小区和高速服务区。")
summ("sum-04", "zh", "一句话总结：",
     "为了减少浪费，公司食堂从下周一开始实行按需取餐。员工需要在前一天下午 4 点前通过内部系统预订第二天的午餐，未预订的员工仍可就餐，但只能选择当天剩余的菜品。每份午餐价格不变，仍为 15 元，由公司补贴 10 元。")
summ("sum-05", "zh", "帮我提炼一下这段租房合同条款的要点：",
     "租期为一年，自 2027 年 1 月 1 日起至 2027 年 12 月 31 日止。月租金 3800 元，按季度支付，每季度第一个月的 5 日前付清。押金为一个月租金，租期满且房屋无损坏时全额退还。租客不得转租，如需提前退租，须提前 30 天书面通知房东，押金不予退还。水电燃气费用由租客承担，物业费由房东承担。")
summ("sum-06", "zh", "这段产品介绍讲了什么？简单概括一下。",
     "这款电热水壶容量 1.7 升，功率 1800 瓦，烧开一壶水大约需要 5 分钟。壶身采用双层防烫设计，外壁在烧水时也不会烫手。水烧开或壶内无水时会自动断电。底座可以 360 度旋转，壶嘴设有可拆卸的过滤网。产品保修一年，加热盘保修三年。")
summ("sum-07", "en", "Summarise this in two or three sentences:",
     "The Greenfield Public Library will extend its opening hours from next month. On weekdays it will stay open until 9 pm instead of 7 pm, and on Sundays it will open from noon to 5 pm for the first time. The extra hours are funded by a grant from the county council for one year. The library is also hiring four part-time assistants to cover the new shifts, and students can apply until the end of this month.")
summ("sum-08", "en", "Can you give me the gist of this?",
     "Due to a software upgrade, the online banking service will be unavailable from 11 pm on Saturday until 6 am on Sunday. Card payments and cash machines will keep working as normal during this time, but transfers scheduled for Saturday night will be processed on Sunday morning. Customers do not need to do anything. If you have questions, call the helpline, which stays open throughout the upgrade.")
summ("sum-09", "en", "Briefly, what does this review say?",
     "I bought this robot vacuum three months ago for a small flat with mostly wooden floors. It cleans well on hard floors and gets under the sofa easily, and the app makes it simple to set a daily schedule. On thick rugs, though, it often gets stuck and needs rescuing. The battery lasts about 90 minutes, which is more than enough for my flat. The dust bin is small and has to be emptied after every run. For the price, I am happy with it.")
summ("sum-10", "en", "Summarize the key points of this memo:",
     "From 1 March, all expense claims must be submitted through the new finance portal instead of by e-mail. Receipts must be uploaded as photos or PDFs within 30 days of the purchase. Claims above 500 dollars need approval from a department head before they are paid. Approved claims will be paid with the next monthly salary. The finance team will run two training sessions on the portal next week, on Tuesday and Thursday at 2 pm.")
summ("sum-11", "en", "tl;dr this for me:",
     "Hi all, the team offsite has been moved from the lakeside hotel to the Oakwood Conference Centre because the hotel double-booked its main hall. The dates stay the same, 14 and 15 May. A coach will leave the office at 8 am on the first day and bring everyone back by 6 pm on the second. Rooms at Oakwood are single occupancy, so nobody has to share. Please let Daniel know about any dietary needs by Friday.")
summ("sum-12", "en", "What's the short version of this article?",
     "Researchers tracked 3,000 adults for ten years and found that those who slept between seven and eight hours a night had the lowest risk of heart disease. People who regularly slept fewer than six hours had a 20 percent higher risk, and those who slept more than nine hours also showed a slightly higher risk. The authors say the results show a link, not a cause, and that more studies are needed before giving firm advice.")
summ("sum-13", "en", "Please sum this up in a couple of sentences:",
     "Our neighbourhood clean-up day is on Sunday 20 April from 9 am to noon. We will meet at the corner of Birch Lane and Park Road, where gloves, bags and litter pickers will be handed out. Children are welcome but must be with an adult. The council will collect the full bags on Monday morning. Afterwards, there will be free tea and cake at the community hall for all volunteers.")
summ("sum-14", "en", "Give me a brief English summary of this Chinese message:",
     "各位家长好，本周五（11 月 14 日）学校将组织四年级学生去科技馆参观。学生早上 7 点 50 分在校门口集合，下午 3 点半返校。请给孩子准备午饭和水，不要带零食和手机。参观费用 30 元，请在周三前交给班主任。",
     {"language": "en", "contains_all": [["14"], ["30"], ["museum", "science", "Science"]], "length": {"min_chars": 10, "max_chars": 500},
      "no_refusal": True, "no_degenerate": True})
summ("sum-15", "zh", "把下面这段英文用中文概括一下：",
     "The swimming pool at the community centre will be closed from 3 to 16 March to replace its heating system. Swimming lessons during those two weeks are cancelled and will be added at the end of the term. Members with monthly passes will get a week added to their pass. The gym and the sauna stay open as usual.",
     {"language": "zh", "contains_all": [["游泳池", "泳池"], ["3月", "三月"]], "length": {"min_chars": 10, "max_chars": 300}, "no_refusal": True, "no_degenerate": True})
for r in OUT:
    if r["id"] == "sum-14":
        r["note"] = "zh→en: language and key facts (14 November, 30 yuan, science museum) checked, not faithfulness"
    if r["id"] == "sum-15":
        r["note"] = "en→zh: language and key facts (the pool, March) checked, not faithfulness"

# ---------------------------------------------------------------- translation
def tr(rid, lang, text, target, words, maxc=300):
    add(rid, "translation", lang, EO, text,
        {"language": {"lang": target, "scope": "segment"}, "contains_all": words, "length": {"min_chars": 2, "max_chars": maxc},
         "no_refusal": True}, target_language=target)


tr("tr-01", "en", "Translate into Chinese: The bakery on the corner sells fresh bread every morning.", "zh", [["面包"], ["早上", "早晨", "每早", "清晨"]])
tr("tr-02", "en", "what's 'the elevator is out of order' in chinese?", "zh", [["电梯"], ["坏", "故障", "停用", "维修", "不能用"]])
tr("tr-03", "en", "Chinese translation please: Our team won the basketball game last night.", "zh", [["篮球"], ["昨晚", "昨天晚上", "昨夜"]])
tr("tr-04", "zh", "帮我把这句英文翻译成中文：Don't forget to bring your passport.", "zh", [["护照"], ["别忘", "不要忘", "记得", "勿忘"]])
tr("tr-05", "zh", "翻译成英文：这本书我已经看了三遍了。", "en", [["book"], ["three times", "3 times", "thrice"]])
tr("tr-06", "zh", "请把“地铁站就在银行对面”翻译成英文。", "en", [["subway", "metro", "underground"], ["bank"], ["opposite", "across"]])
tr("tr-07", "zh", "用英语怎么说：这个周末我们去海边露营吧。", "en", [["weekend"], ["beach", "seaside", "coast", "sea"], ["camp", "camping"]])
tr("tr-08", "zh", "英文翻译一下：请在下午三点前把报告发给我。", "en", [["report"], ["3", "three"], ["send"]])
tr("tr-09", "en", "Translate into French: My brother works in a hospital.", "fr", [["frère"], ["hôpital"]])
tr("tr-10", "en", "In French please: The train station is near the hotel.", "fr", [["gare"], ["hôtel"]])
tr("tr-11", "zh", "把“我明天去巴黎”翻译成法语。", "fr", [["Paris"], ["demain"]])
tr("tr-12", "zh", "请把“这家店几点关门？”翻译成日语。", "ja", [["何時", "なんじ"], ["閉", "しま", "終わ"]])
tr("tr-13", "en", "Translate into Japanese: The weather is nice today.", "ja", [["今日", "きょう", "本日"], ["天気", "晴れ"]])
tr("tr-14", "en", "Translate to German: My son is learning to swim.", "de", [["Sohn"], ["schwimmen"]])
tr("tr-15", "en", "Translate into Spanish: The restaurant opens at eight.", "es", [["restaurante"], ["ocho", "8"]])

# ---------------------------------------------------------------- code
PY = {"lang": ["python", "py", "python3"]}


def code(rid, lang, text, checks):
    add(rid, "code", lang, EO, text, checks)


code("code-01", "en", "Write a Python function `second_largest(nums)` that returns the second largest distinct value in a list, or None if there isn't one.",
     {"code_block": PY, "contains_code_token": ["def second_largest"],
      "python_test": "assert second_largest([3, 1, 4, 4, 2]) == 3\nassert second_largest([5, 5]) is None\nassert second_largest([]) is None\nassert second_largest([-1, -2]) == -2\n"})
code("code-02", "zh", "用 Python 写个函数 `word_freq(text)`：统计一段英文里每个单词出现几次，不区分大小写，忽略 . , ! ? 这些标点，返回字典。",
     {"code_block": PY, "contains_code_token": ["def word_freq"],
      "python_test": "assert dict(word_freq('The cat and the hat.')) == {'the': 2, 'cat': 1, 'and': 1, 'hat': 1}\nassert dict(word_freq('Hi! hi, HI?')) == {'hi': 3}\n"})
code("code-03", "en", "python function `to_roman(n)` that converts an integer from 1 to 3999 into a Roman numeral string",
     {"code_block": PY, "contains_code_token": ["def to_roman"],
      "python_test": "assert to_roman(1994) == 'MCMXCIV'\nassert to_roman(4) == 'IV'\nassert to_roman(3999) == 'MMMCMXCIX'\nassert to_roman(58) == 'LVIII'\n"})
code("code-04", "zh", "写一个 Python 函数 `is_valid_id(s)`，检查18位身份证号的格式：长度18，前17位是数字，最后一位是数字或大写X。只查格式，不算校验码。",
     {"code_block": PY, "contains_code_token": ["def is_valid_id"],
      "python_test": "assert is_valid_id('11010519491231002X')\nassert is_valid_id('110105194912310021')\nassert not is_valid_id('11010519491231002x')\nassert not is_valid_id('1101051949123100')\nassert not is_valid_id('A10105194912310021')\n"})
code("code-05", "en", "Write a Python function `rotate(lst, k)` that rotates a list to the right by k places (k may be larger than the length) and returns a new list.",
     {"code_block": PY, "contains_code_token": ["def rotate"],
      "python_test": "assert list(rotate([1, 2, 3, 4, 5], 2)) == [4, 5, 1, 2, 3]\nassert list(rotate([], 3)) == []\nassert list(rotate([1, 2, 3], 4)) == [3, 1, 2]\nassert list(rotate([1, 2], 0)) == [1, 2]\n"})
code("code-06", "zh", "写个 Python 函数 `age_on(birth, day)`：两个参数都是 'YYYY-MM-DD' 字符串，返回在 day 那天的周岁年龄（生日当天才加一岁）。",
     {"code_block": PY, "contains_code_token": ["def age_on"],
      "python_test": "assert age_on('1990-06-15', '2027-06-15') == 37\nassert age_on('1990-06-15', '2027-06-14') == 36\nassert age_on('2001-03-10', '2027-03-09') == 25\nassert age_on('2001-03-10', '2001-12-31') == 0\n"})
code("code-07", "zh", "写条 SQL：orders(id, customer_id, amount, created_at) 表，查出 2026 年消费总额最高的前 5 个客户，按总额从高到低排。",
     {"code_block": {"lang": ["sql", "sqlite", "postgresql", "mysql"]},
      "contains_code_token": [["SELECT", "select"], ["SUM(", "sum(", "SUM (", "sum ("], ["GROUP BY", "group by"], ["ORDER BY", "order by"],
                              ["DESC", "desc"], ["LIMIT", "limit", "TOP", "top", "FETCH FIRST", "fetch first"], "2026"]})
code("code-08", "en", "Shell command to count how many lines in access.log contain the word ERROR?",
     {"code_block": {"lang": ["bash", "sh", "shell", "console", "zsh"]}, "contains_code_token": ["access.log", ["grep", "awk"], "ERROR"]})
code("code-09", "zh", "用 JavaScript 写个函数 `uniq(arr)`，返回去重后的数组，保持元素原来的顺序。",
     {"code_block": {"lang": ["javascript", "js", "typescript", "ts"]},
      "contains_code_token": ["uniq", ["Set", "filter", "indexOf", "includes"], ["function", "=>"]]})
code("code-10", "en", "Regex for a mainland China mobile number: 11 digits, starting with 1, second digit 3-9.",
     {"code_block": True, "contains_code_token": [["1[3-9]", "1[3456789]"], ["\\d{9}", "[0-9]{9}"]]})

# ---------------------------------------------------------------- writing
def wr(rid, lang, text, words, maxc=600):
    add(rid, "writing", lang, EO, text, {"language": lang, "contains_all": words, "length": {"min_chars": 5, "max_chars": maxc},
                                          "no_degenerate": True, "no_refusal": True})


wr("wr-01", "zh", "帮我写个贴在电梯里的通知：3号楼电梯下周二上午9点到12点年检，这段时间请大家走楼梯。", [["电梯"], ["年检", "检验", "检测"], ["楼梯"]])
wr("wr-02", "zh", "给楼上邻居写张纸条，客气地请他晚上十点以后把音响声音调小一点。", [["音响", "音乐", "声音"], ["十点", "10点", "22点", "22:00", "10:00"]])
wr("wr-03", "zh", "写一首五言绝句，主题是江南春雨。", [["雨"]], 300)
wr("wr-04", "zh", "帮我写个请假条，发烧了明天想请一天假，交给王经理。", [["王经理"], ["请假"], ["发烧", "发热"]])
wr("wr-05", "zh", "写一条小红书风格的种草文案，推荐楼下新开的面包店“麦香坊”。", [["麦香坊"]])
wr("wr-06", "zh", "给客户发条微信，告诉他合同已经盖好章寄出了，顺丰单号SF1234567890。", [["合同"], ["SF1234567890"]])
wr("wr-07", "zh", "写一段50字左右的毕业赠言，送给要出国读书的好朋友小林。", [["小林"]], 400)
wr("wr-08", "zh", "写一句防火安全的宣传标语", [["火"]], 200)
wr("wr-09", "en", "Write a polite note to my upstairs neighbour asking them not to run their washing machine after 11 pm.",
   [["washing machine", "washer", "laundry"], ["11"]])
wr("wr-10", "en", "Write a short LinkedIn post celebrating my five years at Brightline Logistics.", [["Brightline"], ["five", "5"]])
wr("wr-11", "en", "a short rhyming birthday verse for my grandpa, he loves fishing", [["fish", "fishing", "fisherman", "fishes"], ["birthday", "birthdays"]], 400)
wr("wr-12", "en", "Write a job ad for a part-time dog walker, weekday mornings, 20 dollars an hour.", [["dog", "dogs"], ["20"], ["part-time", "part time"]])
wr("wr-13", "en", "Write a toast for my parents' 30th wedding anniversary, around four sentences.", [["30", "thirty", "thirtieth"], ["anniversary"]])
wr("wr-14", "en", "Write a tweet announcing that our café now opens at 7 am on weekends.", [["7"], ["weekend", "weekends", "Saturday", "Saturdays"]], 400)
wr("wr-15", "en", "Write a four-line poem about a lighthouse at night.", [["light", "lighthouse", "beam", "lights"]], 400)

# ---------------------------------------------------------------- multi_intent
def mi(rid, lang, tenant, text, checks, steps, **extra):
    add(rid, "multi_intent", lang, tenant, text, {**checks, "no_refusal": True}, expected_steps=steps, **extra)


mi("mi-01", "zh", EO, "北京今天风大不大？适不适合去爬香山？", {"contains_all": ["北京"], "contains_any": ["爬山", "香山", "登山", "出行", "适合"], "language": "zh"},
   ["weather 北京", "advice"])
mi("mi-02", "en", EO, "Is it going to rain in Guangzhou this afternoon? Should we move our picnic indoors?",
   {"contains_all": ["Guangzhou"], "contains_any": ["picnic", "indoors", "indoor", "outside", "outdoors", "umbrella"], "language": "en"}, ["weather Guangzhou", "advice"])
mi("mi-03", "zh", EO, "广州今天最高气温多少？顺便把86华氏度换算成摄氏度。", {"contains_all": ["广州"], "number": [{"value": (86 - 32) * 5 / 9}], "language": "zh"},
   ["weather 广州", "convert 86 °F"])
mi("mi-04", "en", EO, "Check tomorrow's weather in Guangzhou and write a short reminder for my parents to dress warmly.",
   {"contains_all": ["Guangzhou"], "contains_any": ["warm", "warmly", "jacket", "coat", "sweater", "layers"], "language": "en"}, ["weather Guangzhou", "write reminder"])
mi("mi-05", "zh", EO, "1200元存两年，年利率3%按年复利，到期一共多少钱？再简单讲讲复利和单利有什么区别。",
   {"number": [r2(1200 * 1.03 ** 2)], "contains_any": ["利滚利", "利息", "本金"], "language": "zh"}, ["calculate", "explain"])
mi("mi-06", "en", EO, "What's 18% of 2,750? And explain in one sentence how you'd work out 18% of any amount.",
   {"number": [{"value": round(2750 * 0.18, 6), "tolerance": 1e-6}], "contains_any": ["0.18", "18/100", "multiply", "multiplied", "multiplying", "times", "×", "*", "divide", "divided"],
    "language": "en"}, ["calculate", "explain"])
mi("mi-07", "zh", EO, "查一下1024号订单，然后给买家写条消息，说我们会尽快处理。",
   {"contains_all": ["1024"], "contains_any": ["尽快", "抱歉", "感谢", "处理", "耐心"], "language": "zh"}, ["order lookup 1024", "write message"])
mi("mi-08", "zh", MF, "中级教练10节课包多少钱？折算下来每节比单买便宜多少？",
   {"number": [{"value": 3400}, {"value": 360 - 3400 / 10}], "cites": [D["pt"]]}, ["kb 中级 10 节包", "calculate 360 - 3400/10"])
mi("mi-09", "en", SP, "After the free period, what does a large locker compartment charge per 12 hours? If my parcel sits 36 hours past the free time, how much do I owe?",
   {"number": [{"value": 1.5}, {"value": 1.5 * 36 / 12}], "cites": [D["locker"]]}, ["kb 大格口超时费 (zh document)", "calculate 3 × 1.5 (below the cap 7)"])
mi("mi-10", "zh", BL, "BL-21成人单程票多少钱？我们两个大人带一个1.4米的小孩坐一趟，一共多少钱？",
   {"number": [{"value": 45}, {"value": 2 * 45 + 23}], "cites": [D["fares"]]}, ["kb BL-21 fares (en document)", "calculate 2 × 45 + 23"])
mi("mi-11", "en", EO, "Look up order 1024 and draft a friendly note thanking the buyer for their purchase.",
   {"contains_all": ["1024"], "contains_any": ["thank", "thanks", "thank you", "grateful", "appreciate"], "language": "en"}, ["order lookup 1024", "write thanks"])
mi("mi-12", "zh", EO, "用中文写一句感谢快递小哥的话，再翻成英文。", {"contains_all": [["感谢", "谢谢", "辛苦"], ["thank", "thanks", "grateful", "appreciate"]]}, ["write", "translate en"])
mi("mi-13", "en", EO, "Write a short good-luck message for a friend who has an exam tomorrow, then translate it into Chinese.",
   {"contains_all": [["luck", "succeed", "success"], ["好运", "顺利", "加油", "成功"]]}, ["write", "translate zh"])
mi("mi-14", "zh", EO, "帮我记一下：我对花生过敏。然后推荐一道不含花生的家常菜。",
   {"contains_any": ["番茄炒蛋", "西红柿炒鸡蛋", "西红柿炒蛋", "番茄炒鸡蛋", "青椒肉丝", "红烧肉", "清蒸鱼", "土豆丝", "麻婆豆腐", "蒸蛋", "鸡蛋羹", "可乐鸡翅",
                     "糖醋排骨", "白菜", "豆腐", "炒青菜", "西兰花", "茄子", "冬瓜", "排骨"], "language": "zh"},
   ["remember", "recommend"], user="eval-user-peanut")
mi("mi-15", "en", EO, "Remember that I don't drink coffee. Then recommend a warm drink for a cold morning.",
   {"contains_any": ["tea", "teas", "hot chocolate", "cocoa", "ginger", "milk", "chai", "cider", "soup", "lemon", "honey"], "language": "en"},
   ["remember", "recommend"], user="eval-user-nocoffee")

# ---------------------------------------------------------------- tool_failure (fault phase, last)
def tf(rid, lang, text, faults, tools, shape, checks=None, secs=30):
    c = {"status": ["failed", "partial"], "max_seconds": secs, "mentions_failure": {"tool": next(iter(faults))}}
    if checks:
        c.update(checks)
    r = {"id": rid, "class": "tool_failure", "lang": lang, "tenant": EO, "session": rid, "text": text, "checks": c,
         "faults": faults, "tools": tools, "shape": shape}
    OUT.append(r)


WU, WT, SQ, HT = {"weather": "unavailable"}, {"weather": "timeout"}, {"sql_query": "unavailable"}, {"http_get": "unavailable"}
tf("tf-01", "zh", "深圳今天空气湿度大概多少？", WU, ["weather"], "single intent, refused")
tf("tf-02", "en", "Will it be windy in Xiamen on Saturday?", WU, ["weather"], "single intent, refused")
tf("tf-03", "zh", "帮我查查1024号订单的收货地址。", SQ, ["sql_query"], "single intent, database missing")
tf("tf-04", "en", "Can you hit http://status.northwind.invalid/v2/version and tell me which version is running?", HT, ["http_get"], "single intent, host does not resolve")
tf("tf-05", "zh", "查一下南京明天的天气，要是下雨就帮我写条取消野餐的通知。", WU, ["weather"], "one dependant")
tf("tf-06", "en", "Look up order 1024 and, based on its status, tell the customer when to expect it.", SQ, ["sql_query"], "one dependant")
tf("tf-07", "zh", "看看西安今天的天气；另外帮我写一句祝朋友新婚快乐的话。", WU, ["weather"], "beside an independent generation",
   {"status": ["partial"], "contains_any": ["新婚", "百年好合", "幸福", "白头偕老", "恭喜"]}, 60)
tf("tf-08", "en", "Download http://status.northwind.invalid/report.json; in parallel, work out what 7.5% of 4,800 is.", HT, ["http_get", "calculator"],
   "beside an independent calculation", {"status": ["partial"], "number": [{"value": round(4800 * 0.075, 6), "tolerance": 1e-6}]}, 60)
tf("tf-09", "zh", "武汉今天最高气温多少度？", WT, ["weather"], "single intent, timeout", secs=60)
tf("tf-10", "en", "What's the weather in Kunming this afternoon, and should I take the cable car up the mountain?", WT, ["weather"], "timeout with one dependant", secs=60)
tf("tf-11", "zh", "对比一下成都和重庆明天的天气，告诉我去哪个城市玩更好。", WU, ["weather"], "two failing lookups with one dependant")
tf("tf-12", "en", "Check Qingdao's weather for tomorrow, decide whether a beach day makes sense, and then write a short message inviting my friends.", WU, ["weather"],
   "two dependants")
tf("tf-13", "zh", "查一下订单1024的状态，根据状态给客户写封邮件，把邮件译成英文，最后给我一句话的摘要。", SQ, ["sql_query"], "three dependants")
tf("tf-14", "zh", "同时帮我看看上海明天的天气和订单1024的发货情况。", SQ, ["weather", "sql_query"], "parallel branch: the weather branch works",
   {"status": ["partial"], "contains_all": ["上海"]}, 60)
tf("tf-15", "en", "Two things: where is order 1024 at, and is it snowing in Harbin right now?", WU, ["weather", "sql_query"],
   "parallel branch: the order branch works", {"status": ["partial"], "contains_all": ["1024"]}, 60)

# ---------------------------------------------------------------- write
if __name__ == "__main__":
    with open(HERE / "requests.jsonl", "w", encoding="utf-8") as f:
        for r in OUT:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(len(OUT), "requests written")
