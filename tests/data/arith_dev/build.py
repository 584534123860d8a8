"""Build requests.jsonl for the arith_dev set (issue 16): word problems written by the arith2 helper on
2026-12-06 BEFORE running them on the system, to check the word-problem compiler is not fitted to answers2.
Every expected value is computed here in Python. Run: python tests/data/arith_dev/build.py"""
import json
import math
from pathlib import Path

R = []


def add(lang, text, *values, tol=1e-6):
    i = len(R) + 1
    R.append({"id": f"ad-{i:02d}", "class": "arithmetic_chain", "lang": lang, "tenant": "eval-open",
              "session": f"ad-{i:02d}", "text": text,
              "checks": {"status": ["completed"], "max_seconds": 60,
                         "number": [{"value": round(v, 6), "tolerance": tol} for v in values], "language": lang}})


c2 = 0.006
# discounts, coupons, tax, tips, splits
add("en", "A pair of boots is priced at 240 dollars. The store takes 15% off, and I then apply a 20-dollar voucher. What do I pay?", 240 * .85 - 20)
add("en", "The laptop is $1,150 before a 12% discount. After the discount, 7% sales tax is added. What is the final price?", 1150 * .88 * 1.07, tol=c2)
add("en", "Our lunch bill came to 93.60 dollars. We leave an 18% tip and split the total between 3 people. How much does each of us pay?", 93.6 * 1.18 / 3, tol=c2)
add("en", "A sofa sells for 1,800 yuan. It is marked down 30%, then a further 10% off the reduced price. What is the final price?", 1800 * .7 * .9)
add("en", "I had 500 dollars, spent 35% of it on groceries and then 60 dollars on fuel. How much money remains?", 500 * .65 - 60)
add("en", "A ticket costs 85 euros plus a 6% booking fee. How much do 4 tickets cost?", 85 * 1.06 * 4)
add("en", "Seven friends share a taxi fare of 66.50 dollars and each adds a 2-dollar tip. What does each person pay in total?", 66.5 / 7 + 2)
add("en", "Buy 4 notebooks at 3.25 each and 3 pens at 1.40 each. What is the total?", 4 * 3.25 + 3 * 1.4)
add("en", "A phone costs 3,999 yuan. With 13% VAT included in that price, what is the price before VAT?", 3999 / 1.13, tol=c2)
add("en", "My gross pay is 6,200 a month. 8% goes to a retirement fund, and 15% tax is then charged on the rest. What is left?", 6200 * .92 * .85)
add("zh", "一台冰箱标价 3200 元，商场打九折，再减 150 元，实际付多少钱？", 3200 * .9 - 150)
add("zh", "一双鞋 420 元，先打七五折，然后用一张 40 元的代金券，最后付多少钱？", 420 * .75 - 40)
add("zh", "聚餐一共花了 864 元，加收 10% 的服务费，8 个人平摊，每人付多少？", 864 * 1.1 / 8)
add("zh", "一件外套 699 元，店铺满 500 减 80，再打九五折，最后多少钱？", (699 - 80) * .95, tol=c2)
add("zh", "工资 9,600 元，先扣 12% 的五险一金，剩下的再扣 5% 的税，到手多少？", 9600 * .88 * .95)
add("zh", "我有 2000 元，买书花了四分之一，又花了 300 元吃饭，还剩多少钱？", 2000 * .75 - 300)
add("zh", "买 5 支笔每支 4.5 元，再买 2 个本子每个 12 元，一共多少钱？", 5 * 4.5 + 2 * 12)
add("zh", "一台电视 4500 元，涨价 8% 后又降价 8%，现在多少钱？", 4500 * 1.08 * .92)
# averages, comparisons
add("en", "The temperatures this week were 12, 15, 9, 14 and 10 degrees. What was the mean, and how far below 13 is it?", 12, 1)
add("en", "Four parcels weigh 2.4 kg, 3.1 kg, 1.8 kg and 2.7 kg. What is their average weight?", (2.4 + 3.1 + 1.8 + 2.7) / 4)
add("en", "I scored 70, 85 and 90 on three quizzes. What do I need on the fourth to average exactly 84?", 84 * 4 - 245)
add("zh", "五个同学的身高分别是 152、160、148、155 和 165 厘米，平均身高是多少？比 150 厘米高多少？", 156, 6)
add("zh", "小王三个月的电费是 120 元、98 元和 135 元，平均每月多少钱？", (120 + 98 + 135) / 3, tol=c2)
add("zh", "甲班 42 人，乙班 38 人，丙班 45 人，三个班平均每班多少人？", 125 / 3, tol=c2)
# currency at stated rates
add("en", "The rate is 1 GBP = 1.17 EUR. How many euros is 340 pounds, and after paying a 12-euro fee, how many are left?", 340 * 1.17, 340 * 1.17 - 12, tol=c2)
add("en", "At 0.86 GBP per US dollar, how many dollars do I get for 500 pounds? Round to two decimals.", 500 / 0.86, tol=c2)
add("en", "I have 2,400 yuan. If one euro buys 7.7 yuan, how many euros is that, to the cent?", 2400 / 7.7, tol=c2)
add("en", "Convert 75 dollars to yen at 1 USD = 149.5 JPY.", 75 * 149.5)
add("zh", "1 欧元兑换 7.65 元人民币，800 欧元能换多少人民币？再花掉 1500 元，还剩多少？", 800 * 7.65, 800 * 7.65 - 1500)
add("zh", "按 1 英镑 = 9.1 元人民币 计算，5000 元人民币是多少英镑？保留两位小数。", 5000 / 9.1, tol=c2)
add("zh", "一美元等于 7.1 元，买一个 45 美元的耳机要多少人民币？", 45 * 7.1)
# speed, distance, time, units with stated factors
add("en", "A cyclist covers 54 km in 3 hours. What is her average speed in km/h?", 18)
add("en", "A train goes 95 km/h for 2.4 hours. How far does it travel, and how many miles is that if 1 mile = 1.609 km?", 228, 228 / 1.609, tol=c2)
add("en", "A runner finishes 21.1 km in 1 hour 45 minutes. What is the average speed in km/h, to two decimals?", 21.1 / 1.75, tol=c2)
add("en", "A swimming pool is 25 m long, 10 m wide and 2 m deep. How many cubic metres of water does it hold, and how many litres is that?", 500, 500000)
add("en", "A room is 4.5 m by 3.2 m. Flooring costs 28 dollars per square metre. How much will the floor cost?", 4.5 * 3.2 * 28, tol=c2)
add("en", "My car uses 6.5 litres per 100 km. How many litres do I need for a 420 km trip, and what does it cost at 1.85 per litre?", 6.5 * 4.2, 6.5 * 4.2 * 1.85, tol=c2)
add("en", "How many seconds are there in 3.5 hours?", 3.5 * 3600)
add("en", "A plant grows 1.8 cm per week. How tall is it after 9 weeks if it starts at 12 cm?", 12 + 1.8 * 9)
add("zh", "汽车以每小时 80 公里的速度行驶了 3.5 小时，一共行驶了多少公里？合多少英里？（1 英里 = 1.609 公里）", 280, 280 / 1.609, tol=c2)
add("zh", "一块长方形菜地长 18 米，宽 12 米，面积是多少平方米？周长是多少米？", 216, 60)
add("zh", "一个立方体的边长是 6 厘米，它的体积是多少立方厘米？", 216)
add("zh", "每分钟打 45 个字，打一篇 3150 字的文章需要多少分钟？", 70)
add("zh", "72 公里每小时等于每秒多少米？", 20)
add("zh", "一个圆的半径是 5 米，面积是多少平方米？保留两位小数。", math.pi * 25, tol=c2)
add("zh", "水龙头每分钟流出 12 升水，注满一个 900 升的水箱要多少分钟？合多少小时？", 75, 1.25)
# interest, growth, proportion, work
add("en", "I deposit 12,000 at 2.5% annual interest compounded yearly. How much do I have after 4 years, to the cent?", 12000 * 1.025 ** 4, tol=c2)
add("en", "A savings account pays 3% simple interest a year. How much interest does 8,000 earn in 5 years?", 1200)
add("en", "Sales were 48,000 last year and rose 12.5% this year. What are this year's sales, and how much more is that?", 54000, 6000)
add("en", "A recipe for 6 people needs 450 g of rice. How much rice do I need for 10 people?", 750)
add("en", "Five machines make 400 parts in 8 hours. How many parts do 3 machines make in 8 hours?", 240)
add("en", "A subscription costs 14.99 a month. What does it cost for two years?", 14.99 * 24, tol=c2)
add("zh", "存款 50000 元，年利率 2.2%，按年复利，3 年后一共多少钱？保留两位小数。", 50000 * 1.022 ** 3, tol=c2)
add("zh", "某商品去年卖 250 元，今年涨了 12%，今年卖多少钱？比去年贵多少？", 280, 30)
add("zh", "6 个工人 10 天能修完一段路，如果要 4 天修完，需要多少个工人？", 15)
add("zh", "一辆车 4 小时行驶 260 公里，照这样的速度，7 小时能行驶多少公里？", 455)
add("zh", "一个城市人口 80 万，每年增长 1.5%，3 年后大约多少人？四舍五入到整数。", round(800000 * 1.015 ** 3), tol=0.5)
# powers, roots, plain chains
add("en", "Start with 15, square it, subtract 25, then divide by 8. What do you get?", (225 - 25) / 8)
add("en", "What is the cube root of 2,744 plus 4 squared?", 14 + 16)
add("zh", "先算 13 的平方，再减去 69，最后除以 4，结果是多少？", 25)
add("zh", "2 的 10 次方减去 24 是多少？", 1000)
# dates
add("en", "Which day falls 45 days after 20 December 2026?", 0)
R[-1]["checks"].pop("number")
R[-1]["checks"]["date"] = {"value": "2027-02-03", "year_optional": False}
add("zh", "从 2026 年 3 月 1 日到 2026 年 10 月 1 日一共多少天？", 214)

out = Path(__file__).with_name("requests.jsonl")
out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in R), encoding="utf-8")
print(len(R), "requests,", sum(r["lang"] == "zh" for r in R), "zh")
