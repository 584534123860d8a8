"""calculator: arithmetic parsed with `ast` and evaluated by a whitelist walker (never `eval`).

Numbers are exact fractions until a function (sqrt, sin, ...) needs a float, so "0.1+0.2" is 0.3 and
"(12+8)*3" is the integer 60. `^` means power. Sizes are bounded before work is done: input length,
nesting depth, the bit size of powers and factorials.
"""

import ast
import math
from collections.abc import Callable
from fractions import Fraction
from typing import Annotated

from pydantic import BaseModel, Field

from ..context import ToolError
from ..plugin import ToolDefinition, definition_from_function

MAX_LENGTH = 500
MAX_DEPTH = 40
MAX_BITS = 8192  # about 2,500 decimal digits
MAX_FACTORIAL = 1000

Number = int | Fraction | float

_TRANSLATE = str.maketrans({"^": "**", "×": "*", "÷": "/", "（": "(", "）": ")", "，": ",", "−": "-"})


def _fn1(f: Callable[[float], float]) -> Callable[..., Number]:
    return lambda x: f(float(x))


def _log(x: Number, base: Number | None = None) -> float:
    return math.log(float(x)) if base is None else math.log(float(x), float(base))


def _factorial(x: Number) -> int:
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    if isinstance(x, Fraction) and x.denominator == 1:
        x = x.numerator
    if not isinstance(x, int) or x < 0:
        raise ToolError("factorial needs a non-negative integer")
    if x > MAX_FACTORIAL:
        raise ToolError(f"factorial argument too large (limit {MAX_FACTORIAL})")
    return math.factorial(x)


def _round(x: Number, digits: Number = 0) -> Number:
    if not isinstance(digits, int) and not (isinstance(digits, Fraction) and digits.denominator == 1):
        raise ToolError("round's digits must be an integer")
    digits = int(digits)
    if abs(digits) > 100:
        raise ToolError("round's digits must be between -100 and 100")
    if isinstance(x, float):
        return round(x, digits)
    return round(Fraction(x), digits)


FUNCTIONS: dict[str, Callable[..., Number]] = {
    "sqrt": _fn1(math.sqrt),
    "log": _log,
    "ln": _fn1(math.log),
    "log10": _fn1(math.log10),
    "log2": _fn1(math.log2),
    "exp": _fn1(math.exp),
    "sin": _fn1(math.sin),
    "cos": _fn1(math.cos),
    "tan": _fn1(math.tan),
    "asin": _fn1(math.asin),
    "acos": _fn1(math.acos),
    "atan": _fn1(math.atan),
    "abs": abs,
    "round": _round,
    "floor": lambda x: math.floor(x),
    "ceil": lambda x: math.ceil(x),
    # Two arguments at most: a conditional deduction reads "x-50*min(1,floor(x/300))" (满300减50).
    "min": min,
    "max": max,
    "factorial": _factorial,
}
CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e, "tau": math.tau}


def _bounded(value: Number) -> Number:
    if isinstance(value, int) and value.bit_length() > MAX_BITS:
        raise ToolError("result too large")
    if isinstance(value, Fraction):
        if value.numerator.bit_length() > MAX_BITS or value.denominator.bit_length() > MAX_BITS:
            raise ToolError("result too large")
        if value.denominator == 1:
            return value.numerator
    if isinstance(value, float) and not math.isfinite(value):
        raise ToolError("result is not a finite number")
    return value


def _power(base: Number, exponent: Number) -> Number:
    if isinstance(exponent, Fraction) and exponent.denominator == 1:
        exponent = exponent.numerator
    if isinstance(exponent, int) and not isinstance(base, float):
        size = max(Fraction(base).numerator.bit_length(), Fraction(base).denominator.bit_length())
        if size > 1 and abs(exponent) * (size - 1) > MAX_BITS:
            raise ToolError("power too large")
        if base == 0 and exponent < 0:
            raise ToolError("division by zero")
        return Fraction(base) ** exponent
    try:
        result = float(base) ** float(exponent)
    except OverflowError:
        raise ToolError("power too large") from None
    except ZeroDivisionError:
        raise ToolError("division by zero") from None
    if isinstance(result, complex):
        raise ToolError("power of a negative number to a fractional exponent is not real")
    return result


def _binary(op: ast.operator, a: Number, b: Number) -> Number:
    try:
        if isinstance(op, ast.Add):
            return a + b
        if isinstance(op, ast.Sub):
            return a - b
        if isinstance(op, ast.Mult):
            return a * b
        if isinstance(op, ast.Div):
            return (
                Fraction(a) / Fraction(b) if not isinstance(a, float) and not isinstance(b, float) else a / b
            )
        if isinstance(op, ast.FloorDiv):
            return a // b
        if isinstance(op, ast.Mod):
            return a % b
        if isinstance(op, ast.Pow):
            return _power(a, b)
    except ZeroDivisionError:
        raise ToolError("division by zero") from None
    except OverflowError:
        raise ToolError("result too large") from None
    raise ToolError(f"operator {type(op).__name__} is not supported")


def _eval(node: ast.AST, depth: int = 0) -> Number:
    if depth > MAX_DEPTH:
        raise ToolError(f"expression nested too deeply (limit {MAX_DEPTH})")
    if isinstance(node, ast.Expression):
        return _eval(node.body, depth + 1)
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise ToolError(f"unsupported literal {node.value!r}")
        return Fraction(str(node.value)) if isinstance(node.value, float) else node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd | ast.USub):
        value = _eval(node.operand, depth + 1)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp):
        left = _eval(node.left, depth + 1)
        right = _eval(node.right, depth + 1)
        return _bounded(_binary(node.op, left, right))
    if isinstance(node, ast.Name):
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        raise ToolError(f"unknown name {node.id!r}; constants are {', '.join(CONSTANTS)}")
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            raise ToolError(f"unsupported function; available: {', '.join(FUNCTIONS)}")
        if node.keywords or len(node.args) > 2:
            raise ToolError(f"{node.func.id}: too many or keyword arguments")
        args = [_eval(a, depth + 1) for a in node.args]
        try:
            return _bounded(FUNCTIONS[node.func.id](*args))
        except ToolError:
            raise
        except (ValueError, TypeError, ZeroDivisionError, OverflowError) as exc:
            raise ToolError(f"{node.func.id}: {exc}") from None
    raise ToolError(f"unsupported syntax: {type(node).__name__}")


def evaluate(expression: str) -> int | float:
    """Evaluate an arithmetic expression; raises ToolError with a readable reason when it can't."""
    text = expression.strip().translate(_TRANSLATE)
    if not text:
        raise ToolError("empty expression")
    if len(text) > MAX_LENGTH:
        raise ToolError(f"expression too long (limit {MAX_LENGTH} characters)")
    depth = 0
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        if depth > MAX_DEPTH:
            raise ToolError(f"expression nested too deeply (limit {MAX_DEPTH})")
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        raise ToolError("could not parse the expression") from None
    exact = _bounded(_eval(tree))
    value = float(exact) if isinstance(exact, Fraction) else exact
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


class CalculatorResult(BaseModel):
    expression: str = Field(description="The expression as given.")
    result: int | float = Field(description="Its value; an integer when exact.")

    def tool_text(self) -> str:
        return str(self.result)


def make_calculator() -> ToolDefinition:
    def calculator(
        expression: Annotated[
            str,
            Field(
                min_length=1,
                max_length=MAX_LENGTH,
                description="Arithmetic: + - * / // % ^ ** ( ), sqrt log ln sin cos tan abs round floor ceil "
                "min max exp factorial, pi e.",
                examples=["(12+8)*3"],
            ),
        ],
    ) -> CalculatorResult:
        """Evaluate an arithmetic expression exactly (`^` is power) and return the number."""
        return CalculatorResult(expression=expression, result=evaluate(expression))

    return definition_from_function(
        calculator, title="Calculator", read_only=True, idempotent=True, open_world=False, timeout_s=5.0, inline=True
    )
