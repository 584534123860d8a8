"""Units of measure: an allowlist of units and exact conversion between units of one quantity (library).

The ``convert_units`` tool converts with it and the parser recognises unit names with it (so both know the
same units). Only units in :data:`UNITS` are known, with Chinese and English names and symbols; a unit
outside it, or two units of different quantities, is a :class:`UnitError` with a reason, never a guess. Factors are
exact fractions, so "5 km in mi" is computed as 5 * 1000 / 1609.344 without float drift; temperatures are
affine (offset + scale). Values are bounded (|value| <= 1e15) and the result is given to 12 significant
digits. Currencies are not units: their rate changes (a conversion at a stated rate is the calculator's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction


class UnitError(ValueError):
    """A unit or value that can't be converted; the message says why."""


MAX_ABS_VALUE = 10**15
MAX_UNIT_CHARS = 32
SIGNIFICANT_DIGITS = 12


@dataclass(frozen=True, slots=True)
class Unit:
    symbol: str  # how results name it
    quantity: str
    factor: Fraction  # value in the quantity's base unit = value * factor + offset
    offset: Fraction = Fraction(0)
    zh: str = ""


def _f(text: str) -> Fraction:
    return Fraction(text)


# quantity -> (symbol, factor to the base unit, Chinese name, other names)
_TABLE: dict[str, list[tuple[str, str, str, tuple[str, ...]]]] = {
    "length": [
        ("m", "1", "米", ("meter", "meters", "metre", "metres", "公尺")),
        ("km", "1000", "公里", ("kilometer", "kilometers", "kilometre", "kilometres", "千米", "kms")),
        ("cm", "1/100", "厘米", ("centimeter", "centimeters", "centimetre", "centimetres", "公分")),
        ("mm", "1/1000", "毫米", ("millimeter", "millimeters", "millimetre", "millimetres")),
        ("mi", "1609.344", "英里", ("mile", "miles")),
        ("yd", "0.9144", "码", ("yard", "yards")),
        ("ft", "0.3048", "英尺", ("foot", "feet")),
        ("in", "0.0254", "英寸", ("inch", "inches")),
        ("nmi", "1852", "海里", ("nautical mile", "nautical miles")),
        ("里", "500", "里", ("华里",)),
        ("尺", "1/3", "尺", ("市尺",)),
        ("寸", "1/30", "寸", ("市寸",)),
    ],
    "mass": [
        ("kg", "1", "千克", ("kilogram", "kilograms", "kilo", "kilos", "公斤", "kgs")),
        ("g", "1/1000", "克", ("gram", "grams")),
        ("mg", "1/1000000", "毫克", ("milligram", "milligrams")),
        ("t", "1000", "吨", ("tonne", "tonnes", "metric ton", "metric tons", "公吨")),
        ("lb", "0.45359237", "磅", ("pound", "pounds", "lbs")),
        ("oz", "0.028349523125", "盎司", ("ounce", "ounces")),
        ("斤", "1/2", "斤", ("市斤",)),
        ("两", "1/20", "两", ("市两",)),
    ],
    "volume": [
        ("l", "1", "升", ("liter", "liters", "litre", "litres", "公升")),
        ("ml", "1/1000", "毫升", ("milliliter", "milliliters", "millilitre", "millilitres")),
        ("m3", "1000", "立方米", ("m³", "cubic meter", "cubic meters", "cubic metre", "cubic metres")),
        ("gal", "3.785411784", "加仑", ("gallon", "gallons", "us gallon", "us gallons")),
        ("qt", "0.946352946", "夸脱", ("quart", "quarts")),
        ("pt", "0.473176473", "品脱", ("pint", "pints")),
        ("cup", "0.2365882365", "杯", ("cups",)),
        ("fl oz", "0.0295735295625", "液量盎司", ("fluid ounce", "fluid ounces", "floz")),
    ],
    "area": [
        ("m2", "1", "平方米", ("m²", "square meter", "square meters", "square metre", "square metres", "sqm")),
        ("km2", "1000000", "平方公里", ("km²", "square kilometer", "square kilometers", "平方千米")),
        ("cm2", "1/10000", "平方厘米", ("cm²", "square centimeter", "square centimeters")),
        ("ha", "10000", "公顷", ("hectare", "hectares")),
        ("acre", "4046.8564224", "英亩", ("acres",)),
        ("ft2", "0.09290304", "平方英尺", ("ft²", "sq ft", "sqft", "square foot", "square feet")),
        ("mi2", "2589988.110336", "平方英里", ("mi²", "square mile", "square miles")),
        ("亩", "2000/3", "亩", ("市亩",)),
    ],
    "speed": [
        ("m/s", "1", "米/秒", ("meters per second", "metres per second", "米每秒")),
        ("km/h", "5/18", "公里/小时", ("kph", "kmh", "km/hr", "kilometers per hour", "kilometres per hour", "公里每小时",
                                     "千米每小时", "千米/小时")),
        ("mph", "0.44704", "英里/小时", ("miles per hour", "mi/h", "英里每小时")),
        ("kn", "463/900", "节", ("knot", "knots", "kt")),
    ],
    "time": [
        ("s", "1", "秒", ("sec", "secs", "second", "seconds", "秒钟")),
        ("min", "60", "分钟", ("mins", "minute", "minutes", "分")),
        ("h", "3600", "小时", ("hr", "hrs", "hour", "hours", "钟头")),
        ("day", "86400", "天", ("days", "d", "日")),
        ("week", "604800", "周", ("weeks", "wk", "星期", "礼拜")),
    ],
    "data": [
        ("B", "1", "字节", ("byte", "bytes")),
        ("KB", "1000", "KB", ("kilobyte", "kilobytes", "kb")),
        ("MB", "1000000", "MB", ("megabyte", "megabytes", "mb")),
        ("GB", "1000000000", "GB", ("gigabyte", "gigabytes", "gb")),
        ("TB", "1000000000000", "TB", ("terabyte", "terabytes", "tb")),
        ("KiB", "1024", "KiB", ("kibibyte", "kibibytes", "kib")),
        ("MiB", "1048576", "MiB", ("mebibyte", "mebibytes", "mib")),
        ("GiB", "1073741824", "GiB", ("gibibyte", "gibibytes", "gib")),
        ("TiB", "1099511627776", "TiB", ("tebibyte", "tebibytes", "tib")),
    ],
    "energy": [
        ("J", "1", "焦耳", ("joule", "joules", "焦")),
        ("kJ", "1000", "千焦", ("kilojoule", "kilojoules", "kj")),
        ("cal", "4.184", "卡", ("calorie", "calories", "卡路里")),
        ("kcal", "4184", "千卡", ("kilocalorie", "kilocalories", "大卡", "Cal")),
        ("kWh", "3600000", "千瓦时", ("kilowatt hour", "kilowatt hours", "kwh", "度电")),
    ],
}
_TEMPERATURE: list[tuple[str, Fraction, Fraction, str, tuple[str, ...]]] = [
    # symbol, scale, offset to kelvin, Chinese name, other names
    ("°C", Fraction(1), Fraction(27315, 100), "摄氏度", ("c", "℃", "celsius", "degc", "degrees celsius", "摄氏")),
    ("°F", Fraction(5, 9), Fraction(45967, 100), "华氏度", ("f", "℉", "fahrenheit", "degf", "degrees fahrenheit",
                                                         "华氏")),
    ("K", Fraction(1), Fraction(0), "开尔文", ("k", "kelvin", "kelvins")),
]


def _build() -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for quantity, rows in _TABLE.items():
        for symbol, factor, zh, names in rows:
            unit = Unit(symbol, quantity, _f(factor), zh=zh)
            for name in (symbol, zh, *names):
                units.setdefault(_key(name), unit)
    for symbol, scale, offset, zh, names in _TEMPERATURE:
        # kelvin = value * scale + offset * scale  (°F: (F + 459.67) * 5/9)
        unit = Unit(symbol, "temperature", scale, offset * scale, zh=zh)
        for name in (symbol, zh, *names):
            units.setdefault(_key(name), unit)
    return units


def _key(name: str) -> str:
    """Unit names compare case-insensitively, with runs of spaces as one and without the degree sign."""
    return re.sub(r"\s+", " ", name.strip()).replace("°", "").lower()


UNITS = _build()


def unit_names() -> list[str]:
    """Every known name, longest first (for matching in text)."""
    return sorted(UNITS, key=len, reverse=True)


def find_unit(name: str) -> Unit:
    if not name or len(name) > MAX_UNIT_CHARS:
        raise UnitError(f"unit name must be 1-{MAX_UNIT_CHARS} characters")
    unit = UNITS.get(_key(name))
    if unit is None:
        raise UnitError(f"unknown unit {name!r}; known units include km, mi, kg, lb, °C, °F, l, gal, m2, acre, "
                        "km/h, mph, GB, kcal and their Chinese names")
    return unit


def to_number(value: float | int | str) -> Fraction:
    try:
        number = Fraction(str(value).strip().replace(",", ""))
    except (ValueError, ZeroDivisionError):
        raise UnitError(f"not a number: {value!r}") from None
    if abs(number) > MAX_ABS_VALUE:
        raise UnitError(f"value too large (limit {MAX_ABS_VALUE:.0e})")
    return number


def convert(value: float | int | str, source: str, target: str) -> Fraction:
    """``value`` in unit ``source`` expressed in unit ``target`` (exact)."""
    a, b = find_unit(source), find_unit(target)
    if a.quantity != b.quantity:
        raise UnitError(f"cannot convert {a.quantity} ({a.symbol}) to {b.quantity} ({b.symbol})")
    x = to_number(value)
    base = x * a.factor + a.offset
    return (base - b.offset) / b.factor


def readable(number: Fraction) -> int | float:
    """An integer when exact, else a float rounded to :data:`SIGNIFICANT_DIGITS` significant digits."""
    if number.denominator == 1:
        return number.numerator
    d = Decimal(number.numerator) / Decimal(number.denominator)
    rounded = float(f"{d:.{SIGNIFICANT_DIGITS}g}")
    return int(rounded) if rounded.is_integer() and abs(rounded) < 2**53 else rounded
