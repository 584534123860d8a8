"""The answer-quality checks of scripts/answer_checks.py, against the rules of tests/data/answers/FORMAT.md."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("answer_checks", REPO / "scripts" / "answer_checks.py")
assert _spec and _spec.loader
A = importlib.util.module_from_spec(_spec)
sys.modules["answer_checks"] = A
_spec.loader.exec_module(A)


def test_normalisation() -> None:
    assert A.N("１２０ 元，共 1,250 件") == "120元,共1250件"
    assert A.N("了 5 GHz  and\n more") == "了5 ghz and more"
    assert A.N("1,2,3 and 10,459.00") == "1,2,3 and 10459.00"
    assert A.N("a—b") == "a-b"


@pytest.mark.parametrize(
    ("answer", "expected", "ok"),
    [("5200mAh", "5200", True), ("15200", "5200", False), ("52000", "5200", False), ("v3.3.10", "3.3.1", False),
     ("because", "Au", False), ("600.5", "600", False), ("5200mAh", "mAh", True), ("thanks", "thank", False),
     ("电池容量为 5,200 mAh", "5200 mAh", True), ("谢谢", ["thanks", "谢谢"], True)],
)
def test_boundary_rule(answer: str, expected: str, ok: bool) -> None:
    assert A.contains(answer, expected) is ok


def test_numbers_and_dates() -> None:
    assert A.numbers_in("2026-05-04 ok 12.5% and -3") == [2026, 5, 4, 12.5, -3]
    assert A.check_date("due 2026年5月4日", {"value": "2026-05-04"}) is None
    assert A.check_date("due May 4th, 2026", {"value": "2026-05-04"}) is None
    assert A.check_date("due 4 May", {"value": "2026-05-04", "year_optional": True}) is None
    assert A.check_date("due 4 May", {"value": "2026-05-04"}) is not None


def test_language() -> None:
    assert A.check_language("法语：Bonjour, merci beaucoup", "fr") is None
    assert A.check_language("Translation: 早上好", "zh") is None
    assert A.check_language("Hello, this is the answer.", "zh") is not None
    assert A.check_language('翻译如下：\n"Guten Morgen, wie geht es dir?"', {"lang": "de", "scope": "segment"}) is None
    assert A.check_language("42", "en") is None  # no language at all passes


def test_degenerate() -> None:
    assert A.check_no_degenerate("The output is: The output is: The output is:")
    assert A.check_no_degenerate("一首诗；；；；")
    assert A.check_no_degenerate("Wow!!! fine") is None
    assert A.check_no_degenerate("Line one is here\nLine one is here\nLine one is here")


def test_faithful_to_request() -> None:
    src = "公司今年第三季度营收同比增长了12%，主要得益于海外市场的扩张。但利润率因原材料价格上涨而下降了3个百分点。"
    assert A.check_faithful("公司第三季度营收增长12%，但利润率下降。", src, 0.5) is None
    assert A.check_faithful("公司第三季度营收增长15%。", src, 0.5) is not None  # a changed number
    assert A.check_faithful("Hello! How are you today?", src, 0.5) is not None
    assert A.check_faithful(src, src, 0.5) is not None  # a copy is no summary


def test_python_test_runs_in_a_subprocess() -> None:
    good = "```python\ndef add(a, b):\n    return a + b\n```"
    assert A.run_python_test(good, "assert add(2, 3) == 5") is None
    assert A.run_python_test(good.replace("+", "-"), "assert add(2, 3) == 5")


def test_check_request(tmp_path: Path) -> None:
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "refunds.md").write_text("# Refund Policy\n\nRefunds take 5 days.\n", encoding="utf-8")
    req = {"id": "x", "checks": {"status": ["completed"], "max_seconds": 60, "contains_all": [["5 days", "5天"]],
                                 "cites": ["kb/refunds.md"], "no_refusal": True}}
    ok = {"status": "completed", "answer": "Refunds take 5 days.\nSources:\n[1] Refund Policy § Refunds"}
    assert A.check_request(req, ok, 1.0, tmp_path) == []
    partial = {**ok, "error": "partial: weather failed"}
    assert A.check_request(req, partial, 1.0, tmp_path)[0].startswith("status")
    assert A.check_request(req, ok, 61.0, tmp_path)[0].startswith("max_seconds")
    assert len(A.check_request(req, None, 120.0, tmp_path)) == 5
    refused = {"status": "completed", "answer": "No matching passages were found in the knowledge base."}
    failed = A.check_request(req, refused, 1.0, tmp_path)
    assert any(f.startswith("no_refusal") for f in failed)
    nf = {"id": "y", "checks": {"not_found": True}}
    assert A.check_request(nf, refused, 1.0, tmp_path) == []
    tool = {"id": "z", "checks": {"mentions_failure": {"tool": "weather"}}}
    assert A.check_request(tool, {"status": "failed", "answer": "", "error": "weather: connection refused"}, 1.0,
                           tmp_path) == []
