"""Writes requests.jsonl (kb_dev3: the kb4 helper's KB dev set, answers-set format) and checks that every
expected value occurs in its cited document. Written with the documents, before any run of the system."""

from __future__ import annotations

import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
GV, TB = "greenleaf-vet", "tidewater-bikes"
GV_EN, GV_ZH = f"kb/{GV}/services-and-fees.md", f"kb/{GV}/住院与手术须知.md"
TB_ZH, TB_EN = f"kb/{TB}/租车价格与押金.md", f"kb/{TB}/rules-and-repairs.md"

# (id, tenant, lang, text, expected values (each item: alternatives), cited doc or None for not-found)
ROWS = [
    # greenleaf: English over English (two qualifiers pick the row)
    ("gv-01", GV, "en", "What does a cat consultation cost on a Sunday?", [["145"]], GV_EN),
    ("gv-02", GV, "en", "How much for boarding a medium-sized dog over a public holiday, per night?", [["180"]], GV_EN),
    ("gv-03", GV, "en", "Price of one rabies shot?", [["65"]], GV_EN),
    ("gv-04", GV, "en", "I brought my rabbit in on Tuesday morning; what's the consult fee?", [["95"]], GV_EN),
    ("gv-05", GV, "en", "How much is nail trimming by itself?", [["30"]], GV_EN),
    # greenleaf: Chinese over Chinese
    ("gv-06", GV, "zh", "给狗做骨科手术要先交多少押金？", [["6,000", "6000"]], GV_ZH),
    ("gv-07", GV, "zh", "麻醉前要禁水几个小时？", [["4"]], GV_ZH),
    ("gv-08", GV, "zh", "ICU一天多少钱", [["450"]], GV_ZH),
    ("gv-09", GV, "zh", "住院的猫几点可以去看它？", [["14:00"]], GV_ZH),
    # greenleaf: cross-lingual
    ("gv-10", GV, "zh", "猫打一针核心疫苗多少钱？", [["110"]], GV_EN),
    ("gv-11", GV, "zh", "大型犬平时寄养一晚多少钱？", [["160"]], GV_EN),
    ("gv-12", GV, "zh", "约诊电话是多少？", [["0512-6288 4417"]], GV_EN),
    ("gv-13", GV, "en", "What's the deposit for spaying a cat?", [["800"]], GV_ZH),
    ("gv-14", GV, "en", "How much is the emergency registration fee at night at Jinji Lake?", [["300"]], GV_ZH),
    ("gv-15", GV, "en", "How much does a copy of the medical record cost?", [["20"]], GV_ZH),
    ("gv-16", GV, "en", "My dog is 11 - what do the pre-op blood tests cost?", [["260"]], GV_ZH),
    # greenleaf: not found, a near neighbour in the documents
    ("gv-17", GV, "en", "How much is boarding for a rabbit per night?", None, None),
    ("gv-18", GV, "zh", "仓鼠看病挂号费多少钱？", None, None),
    ("gv-19", GV, "en", "What does microchipping a dog cost?", None, None),
    ("gv-20", GV, "zh", "给兔子做绝育手术押金多少？", None, None),
    ("gv-21", GV, "en", "What is the price of the feline leukaemia vaccine?", None, None),
    ("gv-22", GV, "zh", "宠物火化服务怎么收费？", None, None),
    # tidewater: Chinese over Chinese
    ("tb-01", TB, "zh", "山地车租4个小时多少钱？", [["75"]], TB_ZH),
    ("tb-02", TB, "zh", "双人车押金多少？", [["600"]], TB_ZH),
    ("tb-03", TB, "zh", "钱塘站周六几点开门？", [["08:00"]], TB_ZH),
    ("tb-04", TB, "zh", "西湖站借车在钱塘站还，要额外付多少？", [["30"]], TB_ZH),
    ("tb-05", TB, "zh", "芝麻信用多少分可以免押金？", [["650"]], TB_ZH),
    # tidewater: English over English
    ("tb-06", TB, "en", "If I lose the lock of an e-bike, what do I pay?", [["150"]], TB_EN),
    ("tb-07", TB, "en", "Mountain bike chain snapped - how much is the charge?", [["60"]], TB_EN),
    ("tb-08", TB, "en", "Which email address takes group bookings?", [["groups@tidewater-bikes.cn"]], TB_EN),
    ("tb-09", TB, "en", "How old do you have to be to ride an e-bike?", [["16"]], TB_EN),
    # tidewater: cross-lingual
    ("tb-10", TB, "en", "How much is a city bike for the whole day?", [["70"]], TB_ZH),
    ("tb-11", TB, "en", "What's the deposit on an e-bike?", [["1,000", "1000"]], TB_ZH),
    ("tb-12", TB, "en", "What are the opening hours of the Liangzhu station?", [["09:00"]], TB_ZH),
    ("tb-13", TB, "en", "How long until my deposit comes back after I return the bike?", [["3"]], TB_ZH),
    ("tb-14", TB, "zh", "电助力车爆胎了赔多少？", [["40"]], TB_EN),
    ("tb-15", TB, "zh", "儿童座椅一天多少钱？", [["10"]], TB_EN),
    ("tb-16", TB, "zh", "全天租的车晚上八点以后还，每小时加收多少？", [["20"]], TB_EN),
    ("tb-17", TB, "zh", "团体租车提前预订打几折？", [["15%"]], TB_EN),
    # tidewater: not found, a near neighbour in the documents
    ("tb-18", TB, "zh", "电助力车的充电器丢了要赔多少钱？", None, None),
    ("tb-19", TB, "en", "What's the deposit for a cargo bike?", None, None),
    ("tb-20", TB, "en", "How much does it cost to rent a kids' bike for an hour?", None, None),
    ("tb-21", TB, "zh", "萧山站几点开门？", None, None),
    ("tb-22", TB, "en", "How much is a replacement rear light for a city bike?", None, None),
    ("tb-23", TB, "zh", "山地车租一周多少钱？", None, None),
]


def main() -> None:
    out = []
    for rid, tenant, lang, text, values, doc in ROWS:
        checks: dict[str, object] = {"status": ["completed"], "max_seconds": 60}
        if values is None:
            checks["not_found"] = True
        else:
            body = re.sub(r"\s+", " ", (HERE / doc).read_text(encoding="utf-8"))
            for alts in values:
                assert any(a in body for a in alts), (rid, alts, doc)
            checks["contains_all"] = [a if len(a) > 1 else a[0] for a in values]
            checks["cites"] = [doc]
            checks["no_refusal"] = True
        cross = doc is not None and (lang == "zh") != bool(re.search(r"[\u4e00-\u9fff]", Path(doc).name))
        out.append({"id": f"kb-{rid}", "class": "kb_fact", "lang": lang, "tenant": tenant, "session": f"kb-{rid}",
                    "text": text, "checks": checks, "doc": doc, "cross_lingual": cross})
    (HERE / "requests.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out),
                                         encoding="utf-8")
    print(len(out), "requests;", sum(r["cross_lingual"] for r in out), "cross-lingual;",
          sum(r["doc"] is None for r in out), "not-found")


if __name__ == "__main__":
    main()
