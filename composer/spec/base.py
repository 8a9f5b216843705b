"""The spec's building blocks, shared by the element models and the chart models."""


import math
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

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
if TYPE_CHECKING:  # the schema lists the names; after validation a weight is a number (weight_value maps names)
    WeightName = int
else:
    WeightName = Literal[tuple(WEIGHT_NAMES)]


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

    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False, defer_build=True)


def _length_or_auto(v: Any) -> Any:
    return v if v == "auto" else _check_length(v)


class BoxSpec(Model):
    """A box on the canvas (or inside a group): numbers are pixels, strings take units or %.

    Inside a stack, width and height may be `auto` (the stack sizes the element).
    """

    x: Length = 0.0
    y: Length = 0.0
    width: Length
    height: Length

    _v = field_validator("x", "y", mode="before")(_check_length)
    _size = field_validator("width", "height", mode="before")(_length_or_auto)


class GradientStop(Model):
    color: Color
    offset: Annotated[float, Field(ge=0, le=1)] | None = None
    opacity: Annotated[float, Field(ge=0, le=1)] = 1.0


class Gradient(Model):
    """A linear or radial gradient fill."""

    type: Literal["linear", "radial"] = "linear"
    angle: Finite = 90.0  # degrees; 90 runs top to bottom
    stops: list[Union[Color, GradientStop]] = Field(min_length=2)
    cx: Annotated[float, Field(ge=0, le=1)] = 0.5
    cy: Annotated[float, Field(ge=0, le=1)] = 0.5
    r: Annotated[float, Field(gt=0, le=2)] = 0.5


class FlexItem(Model):
    """How an element sits in a stack: grow, shrink, basis, min/max on the stack's axis, own alignment."""

    grow: Annotated[float, Field(ge=0, le=1000)] = 0.0
    shrink: Annotated[float, Field(ge=0, le=1000)] = 0.0  # unlike CSS: a size you give is kept unless you let it shrink
    basis: Length | None = None
    min: Length | None = None
    max: Length | None = None
    align: Literal["auto", "start", "center", "end", "stretch"] = "auto"

    @field_validator("basis", "min", "max", mode="before")
    @classmethod
    def _sizes(cls, v: Any, info: Any) -> Any:
        return v if v is None else non_negative(v, info.field_name)


class ElementBase(Model):
    id: str | None = None
    slot: str | None = Field(default=None, description="the layout slot this element fills")
    opacity: Annotated[float, Field(ge=0, le=1)] = 1.0
    flex: FlexItem | None = Field(default=None, description="inside a stack: grow, shrink, basis, min, max, align")


def non_negative(v: Any, name: str) -> Any:
    """A length that may not be negative (gaps, padding, flex sizes)."""
    v = _check_length(v)
    if (isinstance(v, (int, float)) and v < 0) or (isinstance(v, str) and v.strip().startswith("-")):
        raise ValueError(f"invalid {name} {v!r}; allowed: a length of 0 or more")
    return v
