"""convert_units: exact conversions within a quantity, an allowlist of units, bounded values."""

from __future__ import annotations

from fractions import Fraction

import pytest

from autoglm.services.tool_executor.builtins.units import make_convert_units
from autoglm.services.tool_executor.config import ToolsConfig
from autoglm.services.tool_executor.context import ToolContext
from autoglm.services.tool_executor.registry import ToolRegistry
from autoglm.shared.units import UNITS, UnitError, convert, find_unit, readable


@pytest.mark.parametrize(
    ("value", "source", "target", "expected"),
    [
        (5, "km", "mi", 3.10685596119),
        (1, "mi", "km", 1.609344),
        (10, "公里", "英里", 6.21371192237),
        (1, "斤", "克", 500),
        (2, "kg", "斤", 4),
        (1, "lb", "g", 453.59237),
        (3, "亩", "平方米", 2000),
        (1, "acre", "m2", 4046.8564224),
        (60, "mph", "km/h", 96.56064),
        (36, "km/h", "m/s", 10),
        (1, "GiB", "MiB", 1024),
        (1, "GB", "MB", 1000),
        (1, "kcal", "kJ", 4.184),
        (90, "minutes", "hours", 1.5),
        (2, "weeks", "days", 14),
        (1, "gallon", "l", 3.785411784),
        (12, "inches", "cm", 30.48),
        (6, "ft", "m", 1.8288),
    ],
)
def test_conversions(value: float, source: str, target: str, expected: float) -> None:
    assert readable(convert(value, source, target)) == pytest.approx(expected, rel=1e-11)


@pytest.mark.parametrize(
    ("value", "source", "target", "expected"),
    [(100, "°C", "°F", 212), (37, "摄氏度", "华氏度", 98.6), (-40, "F", "C", -40), (0, "K", "celsius", -273.15),
     (98.6, "fahrenheit", "℃", 37), (25, "c", "k", 298.15)],
)
def test_temperatures_are_affine(value: float, source: str, target: str, expected: float) -> None:
    assert readable(convert(value, source, target)) == pytest.approx(expected, abs=1e-9)


def test_exact_arithmetic_round_trips() -> None:
    there = convert(Fraction(7, 3), "mi", "km")
    assert convert(there, "km", "mi") == Fraction(7, 3)  # no float drift
    assert readable(convert(1, "m", "mm")) == 1000 and isinstance(readable(convert(1, "m", "mm")), int)


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [("kg", "km", "cannot convert mass"), ("°C", "m", "cannot convert temperature"), ("furlong", "m", "unknown unit"),
     ("USD", "EUR", "unknown unit"), ("x" * 40, "m", "1-32 characters"), ("", "m", "1-32 characters")],
)
def test_refusals_name_the_reason(source: str, target: str, message: str) -> None:
    with pytest.raises(UnitError, match=message):
        convert(1, source, target)


def test_values_are_bounded() -> None:
    with pytest.raises(UnitError, match="too large"):
        convert(10**16, "m", "km")
    with pytest.raises(UnitError, match="not a number"):
        convert("1e", "m", "km")


def test_every_unit_name_resolves_to_one_quantity() -> None:
    assert find_unit("KM") is find_unit("kilometres") is find_unit("千米")
    quantities = {u.quantity for u in UNITS.values()}
    assert quantities == {"length", "mass", "volume", "area", "speed", "time", "data", "energy", "temperature"}


async def test_through_the_registry() -> None:
    reg = ToolRegistry(ToolsConfig(plugins_enabled=False))
    reg.add(make_convert_units())
    result = await reg.call("convert_units", {"value": 5, "from_unit": "公里", "to_unit": "英里"}, ToolContext())
    assert not result.isError and result.structuredContent is not None
    assert result.structuredContent["result"] == pytest.approx(3.10685596119)
    assert result.structuredContent["from_unit"] == "km" and result.structuredContent["to_unit"] == "mi"
    assert result.content[0]["text"] == "5 km = 3.10686 mi"
    bad = await reg.call("convert_units", {"value": 1, "from_unit": "kg", "to_unit": "m"}, ToolContext())
    assert bad.isError and "cannot convert mass" in bad.content[0]["text"]
    huge = await reg.call("convert_units", {"value": 1e300, "from_unit": "m", "to_unit": "km"}, ToolContext())
    assert huge.isError
