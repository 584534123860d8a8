"""Personal-data recognisers: checksums decide, look-alike numbers stay."""

from __future__ import annotations

import pytest

from autoglm.shared.safety.pii import find_pii, id_checksum_ok, luhn_ok, mask_pii


def _id_with_check(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


VALID_ID = _id_with_check("11010519491231002")
X_ID = next(i for i in (_id_with_check(f"44030419900101{n:03d}") for n in range(200)) if i.endswith("X"))


def test_checksums() -> None:
    assert id_checksum_ok(VALID_ID) and id_checksum_ok(X_ID)
    assert not id_checksum_ok(VALID_ID[:-1] + str((int(VALID_ID[-1]) + 1) % 10) if VALID_ID[-1].isdigit() else VALID_ID[:-1] + "0")
    assert not id_checksum_ok(_id_with_check("11010519491331002"))  # month 13
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("电话13812345678，随时联系", "phone", "13812345678"),
        ("call 139-1234-5678 today", "phone", "139-1234-5678"),
        ("手机：+86 186 0123 4567。", "phone", "+86 186 0123 4567"),
        ("座机010-62345678", "phone", "010-62345678"),
        ("请拨（021）61234567", "phone", "（021）61234567"),
        ("US office +1 (415) 555-0132.", "phone", "+1 (415) 555-0132"),
        ("London +44 20 7946 0958", "phone", "+44 20 7946 0958"),
        ("mobile 07700 900123", "phone", "07700 900123"),
        ("邮箱zhang.san+work@mail.example.edu.cn。", "email", "zhang.san+work@mail.example.edu.cn"),
        (f"身份证号{VALID_ID}", "cn_id", VALID_ID),
        (f"ID {X_ID}.", "cn_id", X_ID),
        ("卡号 4111 1111 1111 1111", "bank_card", "4111 1111 1111 1111"),
        ("card 4111-1111-1111-1111", "bank_card", "4111-1111-1111-1111"),
        ("账号6222021234567890128", "bank_card", "6222021234567890128"),
    ],
)
def test_recognised_and_masked(text: str, kind: str, value: str) -> None:
    found = find_pii(text)
    assert [(m.type, m.value) for m in found] == [(kind, value)]
    masked, _ = mask_pii(text)
    digits = "".join(ch for ch in value if ch.isdigit())
    if kind == "email":
        assert value.split("@")[0] not in masked
    else:
        assert digits not in "".join(ch for ch in masked if ch.isdigit())
        assert masked.count("*") >= len(digits) - 4


@pytest.mark.parametrize(
    "text",
    [
        "订单号 110105194912310021 已发货",  # ID-shaped, wrong check digit
        "batch 4111111111111112",  # fails Luhn
        "已脱敏：138****5678，卡 6222 **** **** 1234",
        "card ending 4821",
        "订单 BX20261125、778-2231、20261120-7788、#88231、CN88990011",
        "运单 SF1234567890123，保单 PL2026112500831，发票 INV-2026-000123",
        "金额 ¥1,299.00，共 13,800,138 元，邮编 100084",
        "会议号 862 3412 9087，IP 192.168.1.20:8080，pid 48213",
        "2026-11-25 10:30 https://example.com/a?id=12345678",
    ],
)
def test_lookalike_numbers_are_left_alone(text: str) -> None:
    assert find_pii(text) == []
    assert mask_pii(text)[0] == text


def test_the_digits_of_a_decimal_number_are_no_card() -> None:
    # a calculator result: 13 digits after the point that pass the Luhn check are its fraction, not a card number
    from autoglm.shared.safety.pii import find_pii

    assert find_pii("3000*(1+6/100/12)^(2*12) = 3381.4793286161753") == []
    assert find_pii("ratio 4793286161753.25") == []
    assert [p.type for p in find_pii("card 4111 1111 1111 1111 on file")] == ["bank_card"]
