"""Build requests.jsonl for the arith_dev3 set (issue 16): word problems written by the arith4 helper on
2026-12-06 (20:35 UTC) BEFORE running any of them on the system, in words of its own (none taken from answers*,
arith_dev, arith_dev2 or the parser sets). Every expected value is computed here in Python.
Rows marked `qualifier` hold a word that changes the computation (scope, period, order, by vs to); rows marked
`unclaimed` must NOT be computed: the request lacks a quantity or states a condition no step can check, and the
right answer says it was not computed, with no number of its own.
Run: python tests/data/arith_dev3/build.py"""
import json
from pathlib import Path

R = []
c2 = 0.006
NOT_COMPUTED = ["not computed", "未算出", "could not", "没能"]


def add(lang, text, *values, tol=1e-6, after=None, tag=""):
    rid = f"a3-{len(R) + 1:02d}"
    row = {"id": rid, "class": "arithmetic_chain", "lang": lang, "tenant": "eval-open", "session": rid, "text": text,
           "tags": [tag] if tag else [],
           "checks": {"status": ["completed"], "max_seconds": 60,
                      "number": [{"value": round(v, 6), "tolerance": tol} for v in values], "language": lang}}
    if after:
        row["after"] = after
        row["session"] = next(r["session"] for r in R if r["id"] == after)
    R.append(row)
    return rid


def unclaimed(lang, text):
    rid = f"a3-{len(R) + 1:02d}"
    R.append({"id": rid, "class": "arithmetic_chain", "lang": lang, "tenant": "eval-open", "session": rid, "text": text,
              "tags": ["unclaimed"],
              "checks": {"status": ["partial", "failed"], "max_seconds": 60, "contains_any": NOT_COMPUTED,
                         "language": lang}})
    return rid


# items at a unit price, then modifiers in the stated order
add("en", "At the hardware store I took 5 hinges at 3.20 apiece and 2 tins of paint at 27.50 each. What's the total?", 5 * 3.2 + 2 * 27.5, tol=c2)
add("en", "Four tickets at 18.50 each plus 2 popcorns at 6.75 each, and my loyalty card gives 15% off the whole order. How much do I pay?", (4 * 18.5 + 2 * 6.75) * 0.85, tol=c2, tag="qualifier")
add("en", "A pair of boots costs 120 and socks are 8 a pair; I buy the boots and 3 pairs of socks, and the 20% sale is on the boots only. What do I spend?", 120 * 0.8 + 3 * 8, tol=c2, tag="qualifier")
add("en", "The sofa is 900. They take 10% off, then charge 45 for delivery on top of the discounted price. What's the bill?", 900 * 0.9 + 45, tol=c2)
add("en", "A camera is priced at 480. First a 50 coupon comes off, then 10% off what remains. Final cost?", (480 - 50) * 0.9, tol=c2, tag="qualifier")
add("zh", "买了4个笔记本每个12.5元，2支钢笔每支35元，全部打九折，一共付多少钱？", (4 * 12.5 + 2 * 35) * 0.9, tol=c2, tag="qualifier")
add("zh", "一箱苹果86元，一箱橙子64元，先用满100减15的券，再打九五折，实付多少？", (86 + 64 - 15) * 0.95, tol=c2, tag="qualifier")
add("zh", "外套标价600元，打八折后再加10%的运费险和税，最后多少钱？", 600 * 0.8 * 1.1, tol=c2)
add("zh", "文具店买了3本书每本24元、5支笔每支4元，付了100元，找回多少？", 100 - (3 * 24 + 5 * 4))
# tax and tip, split
add("en", "Our meal was 210 before tax. With 7% tax and an 18% tip counted on the pre-tax amount, what do the 3 of us each pay?", (210 * 1.07 + 210 * 0.18) / 3, tol=c2)
add("zh", "聚餐消费840元，加收10%服务费，六个人平摊，每人多少钱？", 840 * 1.1 / 6, tol=c2)
# exchange rates
add("en", "With 1 EUR = 1.09 USD, how many dollars do I get for 650 euros?", 650 * 1.09, tol=c2)
add("en", "1 USD is 0.79 GBP. I convert 1200 dollars to pounds and then pay a 25 pound fee. How many pounds remain?", 1200 * 0.79 - 25, tol=c2)
add("zh", "按1欧元兑7.8元人民币算，3200元人民币能换多少欧元？", 3200 / 7.8, tol=c2)
add("zh", "汇率1英镑=9.1元，在英国买了两件衣服各45英镑，合计多少人民币？", 2 * 45 * 9.1, tol=c2)
# averages and shortfall to a target
add("en", "I read 34, 41, 28 and 37 pages on four evenings. What's my nightly average?", (34 + 41 + 28 + 37) / 4, tol=c2)
add("en", "Sales so far: 12, 15 and 9 units. How many more units do I need to reach 50?", 50 - (12 + 15 + 9))
add("zh", "这周四天分别走了8200步、9600步、7100步和10300步，平均每天多少步？", (8200 + 9600 + 7100 + 10300) / 4)
add("zh", "五位评委打分9.2、8.8、9.5、9.0、8.6，去掉一个最高分和一个最低分后平均是多少？", (9.2 + 8.8 + 9.0) / 3, tol=c2, tag="qualifier")
add("en", "Scores were 70, 85, 90, 65 and 80. Dropping the lowest one, what is the average of the rest?", (70 + 85 + 90 + 80) / 4, tol=c2, tag="qualifier")
# interest: simple, compound, the compounding period and a term in months
add("en", "I lend 8,000 at 5% simple interest per year for 9 months. How much interest is that?", 8000 * 0.05 * 9 / 12, tol=c2)
add("en", "Put 3,000 in an account paying 6% a year compounded monthly. What is it worth after 2 years?", 3000 * (1 + 0.06 / 12) ** 24, tol=c2, tag="qualifier")
add("en", "An account pays 4% yearly, compounded annually; I deposit 2,500. What's the balance after 3 years?", 2500 * 1.04 ** 3, tol=c2)
add("zh", "存款5万元，年利率2.4%，按季度复利，存3年后本息一共多少？", 50000 * (1 + 0.024 / 4) ** 12, tol=c2, tag="qualifier")
add("zh", "借了2万元，年利率6%，单利，借了半年，利息多少？", 20000 * 0.06 * 0.5, tol=c2)
# chained percent changes
add("en", "A stock at 40 rises 25% and then falls 20%. Where does it end?", 40 * 1.25 * 0.8, tol=c2)
add("zh", "房租原来每月3000元，今年涨了8%，明年再涨5%，明年每月房租多少？", 3000 * 1.08 * 1.05, tol=c2)
add("en", "The thermostat reads 68°F. If I raise it by 5 degrees Celsius, what is the new reading in Fahrenheit?", 68 + 5 * 9 / 5, tol=c2, tag="qualifier")
add("zh", "室内温度是26摄氏度，调低3度以后是多少华氏度？", (26 - 3) * 9 / 5 + 32, tol=c2, tag="qualifier")
# rate x time, unit price
add("en", "A printer prints 24 pages a minute. How many pages in 35 minutes?", 24 * 35)
add("en", "A pack of 12 eggs costs 4.20. How much is one egg?", 4.2 / 12, tol=c2)
add("zh", "一袋5公斤的大米卖39.5元，每公斤多少钱？", 39.5 / 5, tol=c2)
add("zh", "水龙头每分钟流出6升水，开了25分钟，一共流了多少升？", 6 * 25)
add("en", "The babysitter charges 16 an hour and stayed 4.5 hours. What do I owe her?", 16 * 4.5, tol=c2)
# fraction of the others / the rest
add("en", "Of 40 guests, 1/4 are vegetarian and half of the others want fish. How many want fish?", (40 - 40 / 4) / 2, tag="qualifier")
add("zh", "班里有45人，三分之一参加了合唱团，其余的人中有五分之二参加了篮球队，参加篮球队的有多少人？", (45 - 15) * 2 / 5, tag="qualifier")
add("en", "I had 200 and spent 35% on groceries. How much do I have left?", 200 * 0.65, tol=c2)
# speed, distance, time
add("en", "A cyclist covers 54 km in 2 hours 15 minutes. What is her average speed in km/h?", 54 / 2.25, tol=c2)
add("zh", "汽车每小时行驶72公里，3.5小时行驶多少公里？", 72 * 3.5, tol=c2)
# shapes with a unit asked
add("en", "A fish tank is 60 cm by 30 cm by 40 cm. How many litres does it hold?", 60 * 30 * 40 / 1000, tol=c2, tag="qualifier")
add("zh", "客厅长6米宽4.5米，铺地砖每平方米85元，需要多少钱？", 6 * 4.5 * 85, tol=c2)
# follow-ups over the previous result
first = add("en", "A dozen bagels cost 9.60. What does one bagel cost?", 9.6 / 12, tol=c2)
add("en", "and how much would 30 of them be?", 9.6 / 12 * 30, tol=c2, after=first)
first = add("zh", "一盒牛奶24瓶卖57.6元，每瓶多少钱？", 57.6 / 24, tol=c2)
add("zh", "那买10瓶要多少钱？", 57.6 / 24 * 10, tol=c2, after=first)
first = add("en", "I bought 3 shirts at 22 each. What did I spend?", 66)
add("en", "and with 8% tax on top?", 66 * 1.08, tol=c2, after=first)
first = add("zh", "一共买了7斤橘子，每斤6.5元，要付多少？", 7 * 6.5, tol=c2)
add("zh", "再减去10元的优惠券呢？", 7 * 6.5 - 10, tol=c2, after=first)
# must NOT be claimed: a quantity is missing, or a condition no step can check
unclaimed("en", "I bought some notebooks at 3.50 each and paid with a 20 note. How much change did I get?")
unclaimed("en", "Shipping is free above 50 and costs 6 otherwise; a few items at 12.99 each are in my cart. What do I pay?")
unclaimed("zh", "几个同事一起吃饭花了480元，平均每人多少钱？")
unclaimed("en", "The discount is 15% on everything except electronics. I bought a kettle for 40 and headphones for 90. How much did I pay?")
unclaimed("zh", "一件商品先涨价再降价，最后是198元，原价是多少？")
unclaimed("en", "My salary went up by a certain percentage to 4,620 from 4,200, and then my rent rose too. How much more rent do I pay?")
unclaimed("zh", "买了2斤葡萄和一些香蕉，葡萄每斤15元，一共花了50元，香蕉多少钱一斤？")
unclaimed("en", "A phone plan costs 25 a month plus extra data. What did I pay this year?")

out = Path(__file__).with_name("requests.jsonl")
out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in R), encoding="utf-8")
print(len(R), "rows:", sum(r["lang"] == "en" for r in R), "en,", sum(r["lang"] == "zh" for r in R), "zh;",
      sum("qualifier" in r["tags"] for r in R), "qualifier,", sum("unclaimed" in r["tags"] for r in R), "unclaimed")
