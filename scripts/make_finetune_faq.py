"""Writes tests/data/finetune/faq_sft.jsonl: the fine-tuning data a tenant's corrections would export.

A fictional company's help-desk facts (Harbor Analytics, made up for this file), each asked in eight ways (four
English, four Chinese), each answered with the one corrected answer in the tenant's house style, in the
`autoglm feedback export --format sft` row shape. The held-out split of `autoglm finetune` then holds other
phrasings of facts the adapter saw, as a tenant's users ask the same things in new words. Deterministic:
run it again and the file is the same.

    python scripts/make_finetune_faq.py
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "finetune" / "faq_sft.jsonl"

# topic (en), topic (zh), answer (en), answer (zh)
FACTS = [
    ("the guest wifi password", "访客wifi密码", "The guest Wi-Fi password is harbor-guest-2027.", "访客Wi-Fi密码是 harbor-guest-2027。"),
    ("the office opening hours", "办公室开放时间", "The office is open 8:30 to 18:00, Monday to Friday.", "办公室周一至周五 8:30 到 18:00 开放。"),
    ("the annual leave allowance", "年假天数", "Full-time staff get 18 days of annual leave.", "全职员工每年有 18 天年假。"),
    ("the expense approval limit", "报销审批额度", "Expenses up to 800 yuan need only your manager's approval.", "800 元以内的报销只需直属经理审批。"),
    ("the IT help desk phone extension", "IT服务台分机号", "The IT help desk is on extension 4321.", "IT 服务台分机号是 4321。"),
    ("the VPN server address", "VPN服务器地址", "The VPN server is vpn.harbor.example.", "VPN 服务器地址是 vpn.harbor.example。"),
    ("the payday", "发薪日", "Salaries are paid on the 10th of each month.", "工资每月 10 日发放。"),
    ("the meeting room booking tool", "会议室预订工具", "Book meeting rooms in the RoomDesk app.", "会议室请在 RoomDesk 应用里预订。"),
    ("the printer on floor 3", "三楼打印机", "The floor 3 printer is called HB-PRN-03.", "三楼打印机名为 HB-PRN-03。"),
    ("the parking fee", "停车费", "Staff parking costs 300 yuan a month.", "员工停车每月 300 元。"),
    ("the probation period", "试用期", "The probation period is 3 months.", "试用期为 3 个月。"),
    ("the password rotation rule", "密码更换规定", "Passwords must be changed every 90 days.", "密码每 90 天必须更换一次。"),
    ("the remote work policy", "远程办公政策", "You may work from home 2 days a week.", "每周可以居家办公 2 天。"),
    ("the laptop replacement cycle", "笔记本更换周期", "Laptops are replaced every 4 years.", "笔记本电脑每 4 年更换一次。"),
    ("the canteen hours", "食堂开放时间", "The canteen serves lunch from 11:30 to 13:30.", "食堂午餐供应时间为 11:30 到 13:30。"),
    ("the training budget", "培训预算", "Each employee has a training budget of 5000 yuan a year.", "每位员工每年有 5000 元培训预算。"),
    ("the security badge office", "门禁卡办理处", "Security badges are issued in room B102.", "门禁卡在 B102 室办理。"),
    ("the sick leave rule", "病假规定", "Sick leave over 2 days needs a doctor's note.", "病假超过 2 天需要医生证明。"),
    ("the travel booking portal", "差旅预订平台", "Book business travel on TripDesk.", "出差请在 TripDesk 平台预订。"),
    ("the code review rule", "代码评审规定", "Every change needs one approving review before merge.", "每次合并前需要一位同事批准代码评审。"),
    ("the backup schedule", "备份时间", "Servers are backed up every night at 02:00.", "服务器每晚 02:00 备份。"),
    ("the new hire orientation day", "新员工入职培训日", "Orientation is held every Monday morning.", "新员工入职培训每周一上午举行。"),
    ("the company address", "公司地址", "Harbor Analytics is at 88 Binhai Road, Qingdao.", "公司地址是青岛市滨海路 88 号。"),
    ("the performance review month", "绩效评估月份", "Performance reviews take place every December.", "绩效评估每年 12 月进行。"),
    ("the gym opening hours", "健身房开放时间", "The staff gym is open 7:00 to 22:00 every day.", "员工健身房每天 7:00 到 22:00 开放。"),
    ("the overtime meal allowance", "加班餐补", "Overtime past 20:00 earns a 40 yuan meal allowance.", "加班超过 20:00 可领 40 元餐补。"),
    ("the shuttle bus stop", "班车站点", "The shuttle bus leaves from Gate 2.", "班车从 2 号门出发。"),
    ("the dress code", "着装要求", "The dress code is business casual.", "着装要求是商务休闲。"),
    ("the referral bonus", "内推奖金", "A successful referral earns a 6000 yuan bonus.", "成功内推可获 6000 元奖金。"),
    ("the maternity leave", "产假", "Maternity leave is 158 days.", "产假为 158 天。"),
    ("the software request form", "软件申请表", "Request software through the ITPortal form.", "软件请通过 ITPortal 表单申请。"),
    ("the visitor registration", "访客登记", "Register visitors at the front desk one day ahead.", "访客需提前一天在前台登记。"),
    ("the data retention period", "数据保留期限", "Customer data is kept for 5 years.", "客户数据保留 5 年。"),
    ("the on-call rotation length", "值班轮换周期", "On-call shifts rotate every week.", "值班每周轮换一次。"),
    ("the fire assembly point", "消防集合点", "The fire assembly point is the north parking lot.", "消防集合点在北侧停车场。"),
    ("the team building budget", "团建预算", "Team building is budgeted at 200 yuan per person per quarter.", "团建预算为每人每季度 200 元。"),
]

ASK_EN = ["What is {t}?", "Can you tell me {t}?", "I need to know {t}.", "Quick question: {t}?"]
ASK_ZH = ["{t}是什么？", "请问{t}是多少？", "我想了解一下{t}。", "麻烦告诉我{t}。"]


def rows() -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for n, (topic_en, topic_zh, answer_en, answer_zh) in enumerate(FACTS):
        for k, ask in enumerate(ASK_EN):
            out.append(_row(f"faq-{n}-en{k}", ask.format(t=topic_en), answer_en))
        for k, ask in enumerate(ASK_ZH):
            out.append(_row(f"faq-{n}-zh{k}", ask.format(t=topic_zh), answer_zh))
    return out


def _row(task_id: str, request: str, answer: str) -> dict[str, object]:
    return {"messages": [{"role": "user", "content": request}, {"role": "assistant", "content": answer}],
            "task_id": task_id, "task_type": "question_answering", "source": "correction"}


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    data = rows()
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in data), encoding="utf-8")
    print(f"{len(data)} rows -> {OUT}")


if __name__ == "__main__":
    main()
