"""The spec's building blocks, shared by the element models and the chart models."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator

from composer.core.units import UnitError, parse_length


def _yaml_off(v: Any) -> Any:
    """YAML 1.1 reads a bare `off` as false (and `on` as true); take them as the words they were."""
    return {False: "off", True: "on"}.get(v, v) if isinstance(v, bool) else v


def _check_length(v: Any) -> Any:
    """Accept numbers and unit strings; the layout resolves them to pixels."""
    if isinstance(v, bool):
        raise ValueError(f"invalid length {v!r}; allowed: a number of pixels or a string with a unit")
    if isinstance(v, (int, float)):
        if not math.isfinite(v):
            raise ValueError(f"invalid length {v!r}; allowed: a finite number")
        return v
    try:
        parse_length(v, dpi=96, reference=100)
    except UnitError as e:
        raise ValueError(str(e)) from None
    return v


# CSS font-weight keywords (and the usual names of the other weights), for `weight: bold`
WEIGHT_NAMES = {
    "thin": 100, "hairline": 100, "extralight": 200, "ultralight": 200, "light": 300, "normal": 400, "regular": 400,
    "book": 400, "medium": 500, "semibold": 600, "demibold": 600, "bold": 700, "extrabold": 800, "ultrabold": 800,
    "black": 900, "heavy": 900,
}
WeightName = Literal[tuple(WEIGHT_NAMES)]  # type: ignore[valid-type]


def weight_value(v: Any) -> Any:
    """`bold` -> 700 (CSS names, case, spaces and hyphens ignored); numbers pass through to the range check."""
    if isinstance(v, str):
        key = v.strip().lower().replace("-", "").replace(" ", "").replace("_", "")
        if key in WEIGHT_NAMES:
            return WEIGHT_NAMES[key]
        if key.isdigit():
            return int(key)
        raise ValueError(f"invalid weight {v!r}; allowed: a number from 1 to 1000, or a name: "
                         + ", ".join(f"{n} ({w})" for n, w in WEIGHT_NAMES.items()))
    return v


Length = Annotated[Union[float, str], Field(json_schema_extra={"examples": [120, "12mm", "50%"]})]
Color = Annotated[str, Field(json_schema_extra={"examples": ["#0B5FFF", "rgba(255,255,255,0.5)", "primary", "auto"]})]
Finite = Annotated[float, Field(allow_inf_nan=False)]


class Model(BaseModel):
    """Base: unknown keys are errors, and the schema forbids them too."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)


class BoxSpec(Model):
    """A box on the canvas (or inside a group): numbers are pixels, strings take units or %."""

    x: Length = 0
    y: Length = 0
    width: Length
    height: Length

    _v = field_validator("x", "y", "width", "height", mode="before")(_check_length)


class ElementBase(Model):
    id: str | None = None
    slot: str | None = Field(default=None, description="the layout slot this element fills")
    opacity: Annotated[float, Field(ge=0, le=1)] = 1.0
