"""convert_units: a value from one unit to another of the same quantity, exactly (the unit table and the
arithmetic are the library's, ``autoglm.shared.units``: exact fractions, bounded values, an allowlist)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from autoglm.shared.units import (
    MAX_ABS_VALUE,
    MAX_UNIT_CHARS,
    UnitError,
    convert,
    find_unit,
    readable,
    to_number,
)

from ..context import ToolError
from ..plugin import ToolDefinition, definition_from_function


class UnitResult(BaseModel):
    value: int | float = Field(description="The value converted.")
    from_unit: str = Field(description="Its unit (canonical symbol).")
    to_unit: str = Field(description="The target unit (canonical symbol).")
    quantity: str = Field(description="length, mass, volume, area, speed, time, data, energy or temperature.")
    result: int | float = Field(description="The value in the target unit (12 significant digits).")

    def tool_text(self) -> str:
        return f"{self.value:g} {self.from_unit} = {self.result:g} {self.to_unit}"


def make_convert_units() -> ToolDefinition:
    def convert_units(
        value: Annotated[float, Field(ge=-MAX_ABS_VALUE, le=MAX_ABS_VALUE, description="The amount.", examples=[5])],
        from_unit: Annotated[
            str, Field(min_length=1, max_length=MAX_UNIT_CHARS, description="Its unit.", examples=["km", "公里"])
        ],
        to_unit: Annotated[
            str, Field(min_length=1, max_length=MAX_UNIT_CHARS, description="The unit wanted.", examples=["mi"])
        ],
    ) -> UnitResult:
        """Convert a value between units of the same quantity (length, mass, volume, area, speed, time, data,
        energy, temperature); Chinese unit names (公里, 斤, 摄氏度, 亩 ...) are understood."""
        try:
            result = convert(value, from_unit, to_unit)
            a, b = find_unit(from_unit), find_unit(to_unit)
            number = to_number(value)
        except UnitError as exc:
            raise ToolError(str(exc)) from None
        return UnitResult(value=readable(number), from_unit=a.symbol, to_unit=b.symbol, quantity=a.quantity,
                          result=readable(result))

    return definition_from_function(
        convert_units, title="Unit converter", read_only=True, idempotent=True, open_world=False, timeout_s=5.0,
        inline=True,
    )
