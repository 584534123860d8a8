"""Build requests.jsonl for the arith_dev2 set (issue 16): word problems written by the arith3 helper on
2026-12-06 BEFORE running them on the system (fresh sentences, not answers2/answers3/arith_dev phrasings), to
check that the word-problem reader generalises. Every expected value is computed here in Python.
Run: python tests/data/arith_dev2/build.py"""
import json
import math
from datetime import date
from pathlib import Path

R = []
c2 = 0.006


def add(lang, text, *values, tol=1e-6, after=None, session=None):
    i = len(R) + 1
    rid = f"a2-{i:02d}"
    row = {"id": rid, "class": "arithmetic_chain", "lang": lang, "tenant": "eval-open",
           "session": session or rid, "text": text,
           "checks": {"status": ["completed"], "max_seconds": 60,
                      "number": [{"value": round(v, 6), "tolerance": tol} for v in values], "language": lang}}
    if after:
        row["after"] = after
    R.append(row)
    return rid


# N items at X each + M at Y each (then change / split)
add("en", "I picked up 4 coffees at 3.75 each and 2 muffins at 2.90 each. What was the bill?", 4 * 3.75 + 2 * 2.9, tol=c2)
add("en", "Tickets: 3 adults at 24 each and 2 children at 15 each. I pay with 150. What change do I get?", 150 - (3 * 24 + 2 * 15))
add("zh", "买了6瓶水每瓶2.5元，还买了3包饼干每包8元，一共花了多少钱？", 6 * 2.5 + 3 * 8)
add("zh", "文具店里铅笔每支1.2元买了10支，橡皮每块3元买了4块，付了50元，应找回多少？", 50 - (10 * 1.2 + 4 * 3), tol=c2)
# discount then coupon / 满减
add("en", "A jacket is listed at 360. It's 25% off today and I also have a 30 off coupon. What do I pay?", 360 * .75 - 30)
add("en", "The blender costs 89.99, minus 10%, then a 5-dollar voucher. Final price?", 89.99 * .9 - 5, tol=c2)
add("zh", "一个书包原价280元，打八折后再用20元优惠券，实付多少？", 280 * .8 - 20)
add("zh", "裙子标价550元，先打九折，店里还有满400减50的活动，最后要付多少钱？", 550 * .9 - 50)
# tax then tip on pre-tax / after-tax, then split
add("en", "Dinner for four came to 156 before tax. Tax is 8% and we tip 20% of the pre-tax amount. What does each of us pay?", (156 * 1.08 + 156 * .2) / 4, tol=c2)
add("en", "The bill is 72 dollars. Add 9% tax, then a 15% tip on the after-tax total. What is the total?", 72 * 1.09 * 1.15, tol=c2)
add("zh", "吃饭账单是360元，先加6%的税，再在含税金额上给10%的小费，三个人平分，每人多少？", 360 * 1.06 * 1.1 / 3, tol=c2)
# compound interest then a fee
add("en", "I invest 5,000 at 4% per year compounded annually for 3 years, then pay a 50 withdrawal fee. How much do I get?", 5000 * 1.04 ** 3 - 50, tol=c2)
add("zh", "本金10000元，年利率3%，按年复利存5年，取出时扣20元手续费，到手多少？", 10000 * 1.03 ** 5 - 20, tol=c2)
add("en", "How much will 2,000 grow to in 2 years at 6% a year, compounded yearly?", 2000 * 1.06 ** 2, tol=c2)
# averages with units, how far above the average
add("en", "Three bags weigh 4.2 kg, 5.1 kg and 3.9 kg. What is the average weight?", (4.2 + 5.1 + 3.9) / 3, tol=c2)
add("en", "My runs this week were 5 km, 8 km, 6 km and 9 km. What's the average, and how far above it is the 9 km run?", 7, 2)
add("zh", "四次考试分别考了78分、85分、92分和81分，平均分是多少？", (78 + 85 + 92 + 81) / 4)
add("zh", "三天的气温是18度、22度和20度，平均气温是多少？比17度高多少？", 20, 3)
# needed on the Nth to reach an average
add("en", "After four tests my scores are 72, 80, 88 and 76. What must I score on the fifth to average 80?", 80 * 5 - (72 + 80 + 88 + 76))
add("zh", "前三次测验得了85、90和78分，第四次要考多少分平均分才能达到85分？", 85 * 4 - (85 + 90 + 78))
# percent change / 比去年多多少
add("en", "Visitors went from 1,250 to 1,400. What is the percentage increase?", (1400 - 1250) / 1250 * 100)
add("en", "The price dropped from 80 to 68. By what percent did it fall?", 15)
add("zh", "去年产量是4000吨，今年是4600吨，增长了百分之几？", 15)
add("zh", "今年营业额比去年增长了20%，去年是150万元，今年是多少万元？比去年多多少万元？", 180, 30)
# proportion and work rate
add("en", "If 3 kg of apples cost 10.50, how much do 7 kg cost?", 10.5 / 3 * 7, tol=c2)
add("en", "Four painters paint a house in 6 days. How many days would 3 painters take?", 8)
add("zh", "5本练习本一共卖17.5元，买8本要多少钱？", 17.5 / 5 * 8)
add("zh", "8个人12天能完成一项工程，如果要6天完成，需要多少人？", 16)
# area / perimeter / volume
add("en", "A rectangular garden is 12 m long and 7.5 m wide. What is its area, and its perimeter?", 90, 39)
add("en", "What is the volume of a box 30 cm by 20 cm by 15 cm?", 9000)
add("zh", "一个正方形的边长是9厘米，它的周长和面积分别是多少？", 36, 81)
add("zh", "一个长方体水箱长2米、宽1.5米、高1米，能装多少立方米的水？", 3)
add("en", "A circle has a radius of 3 cm. What is its area, rounded to two decimals?", round(math.pi * 9, 2), tol=c2)
# speed × time then a stated factor
add("en", "A car drives at 60 mph for 2.5 hours. How many miles is that, and how many km using 1 mile = 1.609 km?", 150, 150 * 1.609, tol=c2)
add("en", "A boat travels at 24 km/h for 45 minutes. How far does it go?", 18)
add("zh", "火车每小时行驶120公里，行驶了3.5小时，一共走了多少公里？", 420)
add("zh", "一辆货车以每小时65公里的速度开了4小时，按1公里=0.621英里算，合多少英里？", 260 * 0.621, tol=c2)
# stated conversion factors / currency both ways
add("en", "At 1 EUR = 1.09 USD, what is 230 euros in dollars?", 230 * 1.09)
add("en", "The hotel costs 5,400 yen a night. How many dollars is that at 150 yen per dollar?", 36)
add("zh", "1美元兑7.2元人民币，1800元人民币能换多少美元？", 250)
add("zh", "按1欧元=7.8元人民币计算，450欧元是多少人民币？", 450 * 7.8)
# ages and date differences
add("en", "My daughter was born on 3 May 2019. How old will she be on 1 June 2027?", 8)
add("en", "How many days are there from 1 February 2027 to 1 May 2027?", (date(2027, 5, 1) - date(2027, 2, 1)).days)
add("zh", "哥哥今年15岁，弟弟比哥哥小4岁，5年后弟弟多少岁？", 16)
add("zh", "从2027年3月10日到2027年6月18日一共有多少天？", (date(2027, 6, 18) - date(2027, 3, 10)).days)
# digit-less follow-ups over {last}
s = add("en", "A film lasts 150 minutes. Two showings back to back take how many minutes?", 300)
add("en", "And in hours?", 5, after=s, session=s)
s = add("zh", "一台相机标价5400元人民币，打九折后多少钱？", 4860)
add("zh", "按1欧元=7.5元换成欧元呢？", 4860 / 7.5, after=s, session=s)
s = add("en", "A hike is 18 km long. How many metres is that?", 18000)
add("en", "What is that in miles?", 18 / 1.609344, tol=0.01, after=s, session=s)
# mixed chains
add("en", "A shop buys 40 shirts at 12 each and sells them all at 19 each. What is the profit?", 40 * 19 - 40 * 12)
add("zh", "工资每小时35元，一天干8小时，一个月干22天，月收入多少？", 35 * 8 * 22)
add("en", "A 2.5 litre bottle of juice is poured into glasses of 250 ml. How many glasses?", 10)

out = Path(__file__).with_name("requests.jsonl")
out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in R), encoding="utf-8")
print(len(R), "requests,", sum(r["lang"] == "zh" for r in R), "zh")
