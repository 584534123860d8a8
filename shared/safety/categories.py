"""The safety categories every part of the system uses (TEAM.md), and the safe messages a blocked
request gets back, in the request's language."""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    """What a guarded text is. Seven hostile categories, and `benign`."""

    INJECTION = "injection"  # prompt injection and system-prompt extraction
    JAILBREAK = "jailbreak"  # role-play and "no rules" personas
    HARM = "harm"  # weapons, explosives, malware, poisoning, serious violence
    HATE = "hate"  # hate and harassment
    SECRETS = "secrets"  # credentials, keys, environment, passwords, other users' personal data
    CROSS_TENANT = "cross_tenant"  # another tenant's data
    DESTRUCTIVE = "destructive"  # drop/delete/truncate/wipe data or systems
    BENIGN = "benign"


HOSTILE: tuple[Category, ...] = tuple(c for c in Category if c is not Category.BENIGN)

# Short and fixed: a blocked request's text is never echoed back or logged.
_MESSAGES: dict[Category, tuple[str, str]] = {
    Category.INJECTION: (
        "抱歉，这个请求试图改变或获取系统指令，无法执行。",
        "Sorry, this request tries to change or reveal the system's instructions, so it was not run.",
    ),
    Category.JAILBREAK: (
        "抱歉，我不能扮演不受规则约束的角色。",
        "Sorry, I can't take on a role without rules.",
    ),
    Category.HARM: (
        "抱歉，我不能提供可能造成严重伤害的内容。",
        "Sorry, I can't help with something that could cause serious harm.",
    ),
    Category.HATE: (
        "抱歉，我不能生成仇恨或骚扰他人的内容。",
        "Sorry, I can't produce hateful or harassing content.",
    ),
    Category.SECRETS: (
        "抱歉，我不能提供密钥、密码、系统配置或他人的个人信息。",
        "Sorry, I can't share credentials, system configuration or other people's personal data.",
    ),
    Category.CROSS_TENANT: (
        "抱歉，我只能访问您所在租户的数据。",
        "Sorry, I can only access your own tenant's data.",
    ),
    Category.DESTRUCTIVE: (
        "抱歉，批量删除或清空数据的操作不能通过这里执行。",
        "Sorry, bulk deletion or wiping of data can't be run from here.",
    ),
}

OUTPUT_REPLACED: tuple[str, str] = (
    "抱歉，这个回答包含不能提供的内容，已被拦截。",
    "Sorry, this answer contained content that can't be shared, so it was withheld.",
)


def safe_message(category: Category, language: str) -> str:
    """The fixed message for a request blocked as ``category``: Chinese for `zh`, English otherwise."""
    zh, en = _MESSAGES.get(category, OUTPUT_REPLACED)
    return zh if language == "zh" else en


def replaced_message(language: str) -> str:
    zh, en = OUTPUT_REPLACED
    return zh if language == "zh" else en
