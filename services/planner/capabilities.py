"""What the planner says to a request no tool can serve (an ``unsupported`` intent): a template, no model.

The answer says plainly that it can't do this (book, buy, send, call, set alarms, drive devices) and lists what it
can, so the user is not left with a model pretending it booked the table.
"""

from __future__ import annotations

CAN_DO_ZH = ("查询天气", "查询时间和日期", "查询订单和业务数据", "在知识库里查找答案", "计算", "读取网页", "写文案和邮件",
             "写代码", "翻译", "总结", "回答问题")
CAN_DO_EN = ("look up the weather", "tell the time and date", "query orders and business data",
             "search the knowledge base", "calculate", "read a web page", "write copy and emails", "write code",
             "translate", "summarize", "answer questions")


def unsupported_answer(request: str, language: str) -> str:
    """The reply to ``request``, a capability no tool has (the request is quoted back, shortened)."""
    quoted = request.strip()
    if len(quoted) > 60:
        quoted = quoted[:57] + "…"
    if language == "zh":
        return (f"抱歉，“{quoted}”需要我在现实中替您操作（如预订、购买、发消息、打电话、设闹钟或控制设备），这我做不到。"
                f"我能做的是：{'、'.join(CAN_DO_ZH)}。比如，我可以帮您写好要发的消息，或者查好需要的信息。")
    return (f"Sorry, I can't do that: “{quoted}” needs someone to act for you (booking, buying, sending messages, "
            f"calling, setting alarms or controlling devices), and I have no tool for it. What I can do: "
            f"{', '.join(CAN_DO_EN)}. For example, I can draft the message for you or look up what you need.")
