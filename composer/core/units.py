"""Lengths with units (px, mm, cm, in, pt, %) and the named canvas presets."""

from __future__ import annotations

import math
import re

PX_PER: dict[str, float | None] = {"px": None, "in": 1.0, "mm": 1 / 25.4, "cm": 1 / 2.54, "pt": 1 / 72}
UNITS = ("px", "mm", "cm", "in", "pt", "%")
_LENGTH = re.compile(r"^\s*(-?(?:\d+(?:\.\d*)?|\.\d+))\s*(px|mm|cm|in|pt|%)?\s*$")

# Physical presets are (width, height) strings; screen presets are pixels.
CANVAS_PRESETS: dict[str, tuple[str | int, str | int, int]] = {
    "a4": ("210mm", "297mm", 300),
    "a3": ("297mm", "420mm", 300),
    "a2": ("420mm", "594mm", 300),
    "a5": ("148mm", "210mm", 300),
    "letter": ("8.5in", "11in", 300),
    "tabloid": ("11in", "17in", 300),
    "instagram-square": (1080, 1080, 96),
    "instagram-portrait": (1080, 1350, 96),
    "story": (1080, 1920, 96),
    "og": (1200, 630, 96),
    "twitter": (1600, 900, 96),
    "linkedin": (1200, 627, 96),
}


class UnitError(ValueError):
    """A length that cannot be parsed; the caller adds the location and field path."""


def parse_length(value: object, *, dpi: float, reference: float | None = None) -> float:
    """Convert a number (pixels) or a string with a unit to canvas pixels.

    `reference` is what 100% means for this field; None means % is not allowed here.
    """
    if isinstance(value, bool) or value is None:
        raise UnitError(_allowed(value, reference))
    if isinstance(value, (int, float)):
        px = float(value)
    elif isinstance(value, str):
        m = _LENGTH.match(value)
        if not m:
            raise UnitError(_allowed(value, reference))
        number, unit = float(m.group(1)), m.group(2) or "px"
        if unit == "%":
            if reference is None:
                raise UnitError(_allowed(value, reference))
            px = number / 100.0 * reference
        elif unit == "px":
            px = number
        else:
            per_inch = PX_PER[unit]
            assert per_inch is not None  # px is the branch above
            px = number * per_inch * dpi
    else:
        raise UnitError(_allowed(value, reference))
    if not math.isfinite(px):
        raise UnitError(_allowed(value, reference))
    return px


def _allowed(value: object, reference: float | None) -> str:
    units = "px, mm, cm, in, pt" + (", %" if reference is not None else "")
    return f"invalid length {value!r}; allowed: a number of pixels or a string with a unit ({units}), e.g. \"12mm\""
