"""Writes requests.jsonl of the kb_dev set (kb2, session 26): (id, tenant, lang, text, expected, doc); an expected
of None is a not-found question. Written with the documents, before the system was run on any of them."""

import json
import re
from pathlib import Path

H, L, Q = "harbor-ferry", "lotus-gym", "quillsoft"
HT, HZ = "kb/harbor-ferry/timetable-and-fares.md", "kb/harbor-ferry/服务与退票.md"
LZ, LE = "kb/lotus-gym/会员卡与课程.md", "kb/lotus-gym/opening-and-facilities.md"
QE, QZ = "kb/quillsoft/release-and-support.md", "kb/quillsoft/插件与数据.md"
ROWS = [
    # harbor-ferry: same script
    ("hf-01", H, "en", "How long is the crossing on route F2?", ["40"], HT),
    ("hf-02", H, "en", "When does the last F3 sailing leave?", ["19:30"], HT),
    ("hf-03", H, "en", "How much is a child single ticket?", ["3.20"], HT),
    ("hf-04", H, "en", "How long is a 10-ride card valid?", ["90"], HT),
    ("hf-05", H, "en", "What is the charge for luggage heavier than 23 kg?", ["4"], HT),
    ("hf-06", H, "zh", "开航前 2 小时以上退票收多少手续费？", ["10%"], HZ),
    ("hf-07", H, "zh", "失物在服务台保管多少天？", ["30"], HZ),
    # harbor-ferry: cross-lingual
    ("hf-08", H, "zh", "F1 航线的首班船几点开？", ["06:40"], HT),
    ("hf-09", H, "zh", "自行车单程收费多少？", ["2.00"], HT),
    ("hf-10", H, "en", "How much does it cost to bring a small pet on board?", ["8"], HZ),
    ("hf-11", H, "en", "Within how many working days is a refund for a weather-cancelled sailing paid back?", ["5"], HZ),
    ("hf-12", H, "en", "What is the lost and found phone number?", ["0571-8820-3317"], HZ),
    # harbor-ferry: not found
    ("hf-13", H, "en", "How much does a monthly season pass cost?", None, None),
    ("hf-14", H, "en", "Is there Wi-Fi on the ferries?", None, None),
    ("hf-15", H, "zh", "轮渡上可以带电动滑板车吗？", None, None),
    ("hf-16", H, "zh", "老年人乘船有优惠票价吗？", None, None),
    # lotus-gym: same script
    ("lg-01", L, "zh", "季卡多少钱？", ["999"], LZ),
    ("lg-02", L, "zh", "年卡可以冻结多少天？", ["60"], LZ),
    ("lg-03", L, "zh", "瑜伽课每节最多多少人？", ["20"], LZ),
    ("lg-04", L, "zh", "私教 10 节套餐的有效期是多久？", ["6"], LZ),
    ("lg-05", L, "en", "What time does the gym close on weekends?", ["21:00"], LE),
    ("lg-06", L, "en", "How much does it cost to replace a lost locker key?", ["30"], LE),
    # lotus-gym: cross-lingual
    ("lg-07", L, "en", "How long is a spinning class?", ["45"], LZ),
    ("lg-08", L, "en", "How far in advance must a spinning class be booked?", ["24"], LZ),
    ("lg-09", L, "zh", "游泳池有几条泳道？", ["6"], LE),
    ("lg-10", L, "zh", "每月租一个储物柜要多少钱？", ["50"], LE),
    ("lg-11", L, "zh", "工作日健身房几点开门？", ["06:00"], LE),
    # lotus-gym: not found
    ("lg-12", L, "zh", "健身房有桑拿房吗？开放时间是几点？", None, None),
    ("lg-13", L, "zh", "拳击课每节多少钱？", None, None),
    ("lg-14", L, "en", "How much is a day pass for visitors?", None, None),
    ("lg-15", L, "en", "Does Lotus Gym offer student discounts?", None, None),
    # quillsoft: same script
    ("qs-01", Q, "en", "When does support for Quill 8 end?", ["2027-06-30"], QE),
    ("qs-02", Q, "en", "What does error Q-201 mean?", ["expired"], QE),
    ("qs-03", Q, "en", "How much does priority support cost per seat per month?", ["15"], QE),
    ("qs-04", Q, "en", "On how many devices can a single licence be activated?", ["3"], QE),
    ("qs-05", Q, "zh", "每个工作区最多能装多少个插件？", ["40"], QZ),
    ("qs-06", Q, "zh", "单个导出文件最大多大？", ["200"], QZ),
    # quillsoft: cross-lingual
    ("qs-07", Q, "zh", "离线激活码多久过期？", ["72"], QE),
    ("qs-08", Q, "zh", "基础支持多久回复工单？", ["2"], QE),
    ("qs-09", Q, "en", "How often does the editor auto-save drafts?", ["90"], QZ),
    ("qs-10", Q, "en", "How long is draft history kept?", ["60"], QZ),
    ("qs-11", Q, "en", "How long does the plugin security review usually take?", ["5"], QZ),
    # quillsoft: not found
    ("qs-12", Q, "en", "When does support for Quill 6 end?", None, None),
    ("qs-13", Q, "en", "What does error Q-404 mean?", None, None),
    ("qs-14", Q, "zh", "Quillsoft 支持导出 EPUB 格式吗？", None, None),
    ("qs-15", Q, "zh", "企业版每个席位每月多少钱？", None, None),
]


def main() -> None:
    here = Path(__file__).parent
    lines = []
    for rid, tenant, lang, text, expected, doc in ROWS:
        if expected is None:
            checks = {"status": ["completed"], "max_seconds": 60, "not_found": True}
            cross = False
        else:
            checks = {"status": ["completed"], "max_seconds": 60, "contains_all": expected, "cites": [doc],
                      "no_refusal": True}
            body = (here / doc).read_text(encoding="utf-8")
            assert all(e in body for e in expected), (rid, expected)
            cross = bool(re.search(r"[\u4e00-\u9fff]", Path(doc).name)) != (lang == "zh")
        lines.append(json.dumps({"id": f"kb-{rid}", "class": "kb_fact", "lang": lang, "tenant": tenant,
                                 "session": f"kb-{rid}", "text": text, "checks": checks, "doc": doc,
                                 "cross_lingual": cross}, ensure_ascii=False))
    (here / "requests.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
