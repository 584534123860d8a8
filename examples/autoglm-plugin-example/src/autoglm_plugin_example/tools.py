"""Two small tools: unit conversion and word counting."""

import re
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from autoglm.services.tool_executor.plugin import tool

# Factors to the base unit of each dimension (metre, kilogram).
LENGTH = {"mm": 0.001, "cm": 0.01, "m": 1.0, "km": 1000.0, "in": 0.0254, "ft": 0.3048, "mi": 1609.344}
MASS = {"g": 0.001, "kg": 1.0, "t": 1000.0, "lb": 0.45359237, "oz": 0.028349523125, "斤": 0.5}
TEMPERATURE = ("c", "f", "k")
Unit = Literal["mm", "cm", "m", "km", "in", "ft", "mi", "g", "kg", "t", "lb", "oz", "斤", "c", "f", "k"]


class Conversion(BaseModel):
    value: float
    from_unit: str
    to_unit: str
    result: float


def _to_kelvin(value: float, unit: str) -> float:
    return {"c": value + 273.15, "f": (value - 32) * 5 / 9 + 273.15, "k": value}[unit]


def _from_kelvin(value: float, unit: str) -> float:
    return {"c": value - 273.15, "f": (value - 273.15) * 9 / 5 + 32, "k": value}[unit]


@tool(title="Unit conversion", read_only=True, idempotent=True)
def unit_convert(
    value: Annotated[float, Field(description="The quantity to convert.")],
    from_unit: Annotated[Unit, Field(description="Unit of `value`.")],
    to_unit: Annotated[Unit, Field(description="Unit wanted.")],
) -> Conversion:
    """Convert a length, mass or temperature between units (km, mi, kg, lb, 斤, c, f, k ...)."""
    for table in (LENGTH, MASS):
        if from_unit in table and to_unit in table:
            result = value * table[from_unit] / table[to_unit]
            break
    else:
        if from_unit in TEMPERATURE and to_unit in TEMPERATURE:
            result = _from_kelvin(_to_kelvin(value, from_unit), to_unit)
        else:
            raise ValueError(f"can't convert {from_unit} to {to_unit}: different dimensions")
    return Conversion(value=value, from_unit=from_unit, to_unit=to_unit, result=round(result, 10))


class WordCount(BaseModel):
    words: int = Field(description="Latin words plus CJK characters.")
    characters: int
    lines: int


@tool(title="Word count", read_only=True, idempotent=True)
def word_count(
    text: Annotated[str, Field(max_length=1_000_000, description="The text to count.")],
) -> WordCount:
    """Count words (each CJK character counts as one), characters and lines of a text."""
    cjk = len(re.findall(r"[\u3400-\u9fff\uf900-\ufaff]", text))
    latin = len(re.findall(r"[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*", text))
    return WordCount(words=cjk + latin, characters=len(text), lines=text.count("\n") + 1 if text else 0)


TEXT_TOOLS = [word_count]
