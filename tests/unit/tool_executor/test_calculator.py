"""calculator: exact arithmetic, and every attempt to run code or exhaust the machine refused."""

import math

import pytest

from autoglm.services.tool_executor.builtins.calculator import evaluate, make_calculator
from autoglm.services.tool_executor.config import ToolsConfig
from autoglm.services.tool_executor.context import ToolContext, ToolError
from autoglm.services.tool_executor.registry import ToolRegistry


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("(12+8)*3", 60),
        ("2^10", 1024),
        ("2**10", 1024),
        ("0.1+0.2", 0.3),
        ("10/4", 2.5),
        ("10/5", 2),
        ("7//2", 3),
        ("7%3", 1),
        ("-3^2", -9),
        ("2^-1", 0.5),
        ("sqrt(16)", 4),
        ("abs(-2.5)", 2.5),
        ("round(3.14159, 2)", 3.14),
        ("floor(2.7) + ceil(2.1)", 5),
        ("factorial(5)", 120),
        ("log(e)", 1),
        ("log(8, 2)", 3),
        ("ln(1)", 0),
        ("（1+2）×3÷3", 3),
        ("2^100", 2**100),
    ],
)
def test_values(expression: str, expected: float) -> None:
    value = evaluate(expression)
    assert value == pytest.approx(expected)
    if isinstance(expected, int):
        assert isinstance(value, int)


def test_trigonometry() -> None:
    assert evaluate("sin(pi/2)") == 1
    assert evaluate("cos(0)") == 1
    assert evaluate("tan(pi/4)") == pytest.approx(1.0)
    assert evaluate("pi") == pytest.approx(math.pi)


@pytest.mark.parametrize(
    "expression",
    [
        "__import__('os')",
        "__import__('os').system('true')",
        "().__class__.__bases__[0].__subclasses__()",
        "(1).__class__",
        "lambda: 1",
        "open('/etc/passwd')",
        "x",
        "eval('1')",
        "[1, 2]",
        "'a' * 3",
        "1 if 1 else 2",
        "1 < 2",
        "True + 1",
        "sqrt(x=4)",
        "f'{1}'",
        "(lambda: 1)()",
        "a := 1",
    ],
)
def test_code_injection_refused(expression: str) -> None:
    with pytest.raises(ToolError):
        evaluate(expression)


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("9**9**9", "too large"),
        ("2^100000", "too large"),
        ("10.5^100000", "too large"),
        ("factorial(100000)", "too large"),
        ("factorial(-1)", "non-negative"),
        ("(" * 60 + "1" + ")" * 60, "nested too deeply"),
        ("1+" * 400 + "1", "too long"),
        ("1/0", "division by zero"),
        ("0^-1", "division by zero"),
        ("sqrt(-1)", "sqrt"),
        ("exp(1000)", "exp"),
        ("", "empty"),
        ("1 +", "parse"),
    ],
)
def test_bounded_and_clear(expression: str, reason: str) -> None:
    with pytest.raises(ToolError, match=reason):
        evaluate(expression)


def test_long_product_chain_is_bounded() -> None:
    with pytest.raises(ToolError, match="too large"):
        evaluate("(2^4000)*(2^4000)*(2^4000)")
    assert evaluate("(2^4000)*(2^4000)") == 2**8000


async def test_through_registry() -> None:
    registry = ToolRegistry(ToolsConfig(plugins_enabled=False))
    registry.add(make_calculator())
    ok = await registry.call("calculator", {"expression": "(12+8)*3"}, ToolContext())
    assert ok.model_dump() == {
        "isError": False,
        "content": [{"type": "text", "text": "60"}],
        "structuredContent": {"expression": "(12+8)*3", "result": 60},
    }
    bad = await registry.call("calculator", {"expression": "__import__('os')"}, ToolContext())
    assert bad.isError and "unsupported function" in bad.text
