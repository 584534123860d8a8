"""Personal-data recognisers for answers: phone numbers, e-mail addresses, Chinese resident ID numbers
(with the ISO 7064 MOD 11-2 check digit and a real birth date) and bank card numbers (with Luhn).

Own regular expressions rather than Presidio: Presidio's pattern recognisers have no Chinese mobile,
landline or resident-ID pattern (they would be ours anyway), and its analyzer needs spaCy and costs
~3 ms a text (platform notes); these cost tens of microseconds. A number that merely looks like an ID
or a card (an order, batch or tracking number that fails the checksum) is left alone, and so is a value
that is already masked (`138****5678`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .policy import PII_TYPES, PiiType

_EMAIL_RE = re.compile(r"(?<![A-Za-z0-9_.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}(?![A-Za-z0-9_-])")
_ID_RE = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])")
# 13-19 digits, unbroken or in groups of 3-6 split by single spaces or hyphens.
_CARD_RE = re.compile(r"(?<![A-Za-z0-9_*-])(?<!\d\.)(?:\d{13,19}|\d{4,6}(?:[ -]\d{3,6}){2,4})(?![\d*]|-\d|\.\d)")
_PHONE_RES = (
    # Chinese mobile, with or without +86, bare or grouped 3-4-4.
    re.compile(r"(?<![A-Za-z0-9_*])(?:(?:\+|00)86[ -]?)?1[3-9]\d(?:\d{8}|[ -]\d{4}[ -]\d{4})(?![\d*])"),
    # Chinese landline: area code in (full-width) parentheses or followed by a hyphen/space.
    re.compile(r"(?<![A-Za-z0-9_*])(?:[(（]0\d{2,3}[)）][ -]?|0\d{2,3}-)\d{7,8}(?:-\d{1,5})?(?![\d*])"),
    # International with a country code: +CC then 6-14 more digits in groups.
    re.compile(r"(?<![A-Za-z0-9_*])\+(?!86)\d{1,3}(?:[ -]?\(\d{1,4}\))?(?:[ .-]?\d{1,5}){2,5}(?![\d*])"),
    # North American without a country code: (415) 555-0132, 415-555-0132.
    re.compile(r"(?<![A-Za-z0-9_*-])(?:\(\d{3}\)[ -]?|\d{3}[-.])\d{3}[-.]\d{4}(?![\d*]|-\d)"),
    # UK mobile without a country code: 07700 900123.
    re.compile(r"(?<![A-Za-z0-9_*])07\d{3}[ ]?\d{6}(?![\d*])"),
)


@dataclass(frozen=True)
class PiiMatch:
    type: PiiType
    start: int
    end: int
    value: str


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def id_checksum_ok(number: str) -> bool:
    """ISO 7064 MOD 11-2 check digit of an 18-character resident ID, and a real birth date."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(d) * w for d, w in zip(number[:17], weights, strict=True)) % 11]
    if number[17].upper() != check:
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return date(1880, 1, 1) <= born <= date.today()


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def find_pii(text: str, types: tuple[PiiType, ...] | list[PiiType] = PII_TYPES) -> list[PiiMatch]:
    """Every personal-data value in ``text`` of the given types, without overlaps, in text order."""
    found: list[PiiMatch] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    def add(kind: PiiType, m: re.Match[str]) -> None:
        if free(m.start(), m.end()):
            found.append(PiiMatch(kind, m.start(), m.end(), m.group(0)))
            taken.append((m.start(), m.end()))

    if "email" in types and "@" in text:
        for m in _EMAIL_RE.finditer(text):
            add("email", m)
    if "cn_id" in types:
        for m in _ID_RE.finditer(text):
            if id_checksum_ok(m.group(0)):
                add("cn_id", m)
    if "bank_card" in types:
        for m in _CARD_RE.finditer(text):
            digits = _digits(m.group(0))
            if len(digits) in (16, 19) or (13 <= len(digits) <= 19 and " " not in m.group(0) and "-" not in m.group(0)):
                if len(digits) != 18 and luhn_ok(digits):
                    add("bank_card", m)
    if "phone" in types:
        for pattern in _PHONE_RES:
            for m in pattern.finditer(text):
                if 7 <= len(_digits(m.group(0))) <= 15:
                    add("phone", m)
    return sorted(found, key=lambda p: p.start)


def _mask(match: PiiMatch) -> str:
    value = match.value
    if match.type == "email":
        local, _, domain = value.partition("@")
        return local[0] + "***@" + domain
    # Keep the last four digits and the layout; every other digit becomes *.
    keep = 4
    out: list[str] = []
    for ch in reversed(value):
        if ch.isdigit() or (match.type == "cn_id" and ch in "Xx"):
            out.append(ch if keep > 0 else "*")
            keep -= 1
        else:
            out.append(ch)
    return "".join(reversed(out))


def mask_pii(text: str, types: tuple[PiiType, ...] | list[PiiType] = PII_TYPES) -> tuple[str, list[PiiMatch]]:
    """``text`` with each personal-data value masked (all but its last four digits; an e-mail keeps its
    first letter and domain), and the values found."""
    matches = find_pii(text, types)
    if not matches:
        return text, []
    out: list[str] = []
    pos = 0
    for m in matches:
        out.append(text[pos : m.start])
        out.append(_mask(m))
        pos = m.end
    out.append(text[pos:])
    return "".join(out), matches
