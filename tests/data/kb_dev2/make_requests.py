"""Writes requests.jsonl (kb_dev2: the kb3 helper's KB dev set, answers-set format) and checks that every
expected value occurs in its cited document. Written with the documents, before any run of the system."""

from __future__ import annotations

import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
LO, HD = "loftline-cowork", "haochi-dental"
LO_EN, LO_ZH = f"kb/{LO}/membership-and-rooms.md", f"kb/{LO}/社区守则.md"
HD_ZH, HD_EN = f"kb/{HD}/收费与预约.md", f"kb/{HD}/implants-and-aftercare.md"

# (id, tenant, lang, text, expected values (each item: alternatives), cited doc or None for not-found)
ROWS = [
    # loftline: English over English
    ("lo-01", LO, "en", "What does the Fixed Desk plan cost per month?", [["1,280", "1280"]], LO_EN),
    ("lo-02", LO, "en", "As a non-member, how much per hour is the Cedar room?", [["280"]], LO_EN),
    ("lo-03", LO, "en", "How much is a day pass on a Saturday?", [["68"]], LO_EN),
    ("lo-04", LO, "en", "colour print price per page?", [["2"]], LO_EN),
    ("lo-05", LO, "en", "How many guest passes a month come with the Studio plan?", [["8"]], LO_EN),
    ("lo-06", LO, "en", "How much notice do I have to give before leaving?", [["30"]], LO_EN),
    # loftline: Chinese over Chinese
    ("lo-07", LO, "zh", "电话间每次最多能用多久？", [["45"]], LO_ZH),
    ("lo-08", LO, "zh", "前台代收的快递能保管几天？", [["7"]], LO_ZH),
    ("lo-09", LO, "zh", "工商注册挂靠服务一年多少钱？", [["3,600", "3600"]], LO_ZH),
    ("lo-10", LO, "zh", "访客网络连一次能用多长时间？", [["12"]], LO_ZH),
    # loftline: cross-lingual
    ("lo-11", LO, "zh", "会员在会议室 Pine 每小时多少钱？", [["80"]], LO_EN),
    ("lo-12", LO, "zh", "储物柜钥匙丢了补一把要多少钱？", [["50"]], LO_EN),
    ("lo-13", LO, "en", "What do we pay for a visitor once the monthly guest allowance is used up?", [["45"]], LO_ZH),
    ("lo-14", LO, "en", "When is the fridge cleared out?", [["17:00", "5 pm", "5pm"]], LO_ZH),
    # loftline: not found
    ("lo-15", LO, "en", "How much does it cost to rent the rooftop terrace for a party?", None, None),
    ("lo-16", LO, "zh", "你们有没有淋浴间？洗澡收费吗？", None, None),
    ("lo-17", LO, "en", "What is the monthly fee of the Enterprise plan?", None, None),
    ("lo-18", LO, "zh", "停车场月租车位多少钱一个月？", None, None),
    # haochi: Chinese over Chinese
    ("hd-01", HD, "zh", "主任医师补一颗树脂牙多少钱？", [["600"]], HD_ZH),
    ("hd-02", HD, "zh", "周六几点关门？", [["17:00"]], HD_ZH),
    ("hd-03", HD, "zh", "一次充值5000元送多少？", [["700"]], HD_ZH),
    ("hd-04", HD, "zh", "拍一张局部牙片多少钱", [["30"]], HD_ZH),
    ("hd-05", HD, "zh", "普通医生做根管治疗一颗牙多少钱？", [["1,800", "1800"]], HD_ZH),
    # haochi: English over English
    ("hd-06", HD, "en", "How much is a Straumann implant per tooth?", [["12,800", "12800"]], HD_EN),
    ("hd-07", HD, "en", "After a tooth is pulled, how long should I avoid smoking?", [["72"]], HD_EN),
    ("hd-08", HD, "en", "What does a replacement retainer cost?", [["1,200", "1200"]], HD_EN),
    ("hd-09", HD, "en", "How long does in-clinic whitening take?", [["90"]], HD_EN),
    # haochi: cross-lingual
    ("hd-10", HD, "en", "What's the emergency phone number?", [["028-8666 2199"]], HD_ZH),
    ("hd-11", HD, "en", "How much is fluoride varnish for a child?", [["120"]], HD_ZH),
    ("hd-12", HD, "en", "If I don't cancel and don't show up twice, how long am I blocked from booking online?", [["90"]], HD_ZH),
    ("hd-13", HD, "zh", "种植牙如果要植骨，另外加多少钱？", [["3,500", "3500"]], HD_EN),
    ("hd-14", HD, "zh", "投诉邮箱是什么？", [["care@haochi-dental.cn"]], HD_EN),
    ("hd-15", HD, "zh", "陶瓷托槽矫正全程多少钱？", [["22,000", "22000"]], HD_EN),
    # haochi: not found
    ("hd-16", HD, "zh", "做一次牙齿美白贴面多少钱一颗？", None, None),
    ("hd-17", HD, "en", "Do you accept commercial dental insurance like Cigna?", None, None),
    ("hd-18", HD, "en", "How much does a Dentium implant cost?", None, None),
    ("hd-19", HD, "zh", "周日晚上几点还能看急诊？医院有停车位吗？", None, None),
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
