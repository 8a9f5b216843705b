"""Colours: hex, rgb()/rgba(), a few CSS names and brand names to one RGBA form; WCAG contrast maths."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

_HEX = re.compile(r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")
_FUNC = re.compile(r"^(rgba?)\(\s*([^)]*)\)$")
CSS_NAMES = {
    "white": "#FFFFFF", "black": "#000000", "transparent": "#00000000", "red": "#FF0000",
    "green": "#008000", "blue": "#0000FF", "yellow": "#FFFF00", "orange": "#FFA500",
    "gray": "#808080", "grey": "#808080", "navy": "#000080", "teal": "#008080",
    "purple": "#800080", "silver": "#C0C0C0", "maroon": "#800000", "olive": "#808000",
}


@dataclass(frozen=True)
class RGBA:
    """An sRGB colour with 0-255 channels and 0-1 alpha."""

    r: int
    g: int
    b: int
    a: float = 1.0

    @property
    def hex(self) -> str:
        return f"#{self.r:02X}{self.g:02X}{self.b:02X}"

    @property
    def rgb(self) -> tuple[int, int, int]:
        return (self.r, self.g, self.b)

    def svg(self) -> str:
        """The colour as an SVG paint value (opacity goes in a separate attribute)."""
        return self.hex

    def css(self) -> str:
        return self.hex if self.a >= 1 else f"rgba({self.r},{self.g},{self.b},{self.a:g})"


class ColorError(ValueError):
    """A colour that cannot be parsed; the caller adds location and field path."""


def parse_color(value: object, brand: dict[str, RGBA] | None = None) -> RGBA:
    """Parse a colour string, or a brand colour name, into RGBA."""
    brand = brand or {}
    if not isinstance(value, str):
        raise ColorError(_allowed(value, brand))
    v = value.strip()
    if v in brand:
        return brand[v]
    m = _HEX.match(v)
    if m:
        h = m.group(1)
        if len(h) in (3, 4):
            h = "".join(c * 2 for c in h)
        a = int(h[6:8], 16) / 255 if len(h) == 8 else 1.0
        return RGBA(int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), round(a, 4))
    m = _FUNC.match(v.replace(" ", "") if v.lower().startswith("rgb") else v)
    if m:
        parts = [p.strip() for p in m.group(2).split(",")]
        want = 4 if m.group(1) == "rgba" else 3
        if len(parts) == want:
            try:
                r, g, b = (_channel(p) for p in parts[:3])
                alpha = float(parts[3]) if want == 4 else 1.0
            except ValueError:
                raise ColorError(_allowed(value, brand)) from None
            if 0 <= alpha <= 1:
                return RGBA(r, g, b, alpha)
    if v.lower() in CSS_NAMES:
        return parse_color(CSS_NAMES[v.lower()])
    raise ColorError(_allowed(value, brand))


def _channel(p: str) -> int:
    if p.endswith("%"):
        f = float(p[:-1]) * 2.55
    else:
        f = float(p)
    if not 0 <= f <= 255:
        raise ValueError(p)
    return int(round(f))


def _allowed(value: object, brand: dict[str, RGBA]) -> str:
    names = ", ".join(sorted(brand)) if brand else "none defined"
    return (
        f"invalid colour {value!r}; allowed: #RGB, #RRGGBB, #RRGGBBAA, rgb(r,g,b), rgba(r,g,b,a), "
        f"a CSS name such as white, or a brand colour ({names})"
    )


# WCAG 2.x contrast maths

def srgb_to_linear(c: np.ndarray) -> np.ndarray:
    """sRGB channel values in [0, 1] to linear light (WCAG 2.x formula)."""
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


_LINEAR_LUT = srgb_to_linear(np.arange(256) / 255.0)


def relative_luminance(rgb: npt.ArrayLike) -> np.ndarray:
    """WCAG relative luminance of an (..., 3) array of 0-255 sRGB values."""
    a = np.asarray(rgb)[..., :3]
    if a.dtype == np.uint8:  # the common case: a lookup table instead of a pow per pixel
        lin = _LINEAR_LUT[a]
    else:
        lin = srgb_to_linear(a.astype(np.float64) / 255.0)
    return lin @ np.array([0.2126, 0.7152, 0.0722])


def contrast_ratio(l1: np.ndarray | float, l2: np.ndarray | float) -> np.ndarray:
    """WCAG contrast ratio between relative luminances (order does not matter)."""
    hi, lo = np.maximum(l1, l2), np.minimum(l1, l2)
    return (hi + 0.05) / (lo + 0.05)
