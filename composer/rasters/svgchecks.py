"""Parse-time checks of SVG asset geometry and paint servers (issue 16).

cairo hangs on NaN or 1e308 geometry, divides by zero on a huge viewBox, and spends gigabytes
on thousands of masks or dash segments. These checks refuse such values before cairosvg sees them.
"""

from __future__ import annotations

import math
import re

from composer.core.errors import AssetError
from composer.core.limits import MAX_SVG_COORD, MAX_SVG_DASHES, MAX_SVG_PAINT_SERVERS, MAX_SVG_TEXTS

__all__ = ["check_attribute", "check_counts", "point_count"]

# Attributes holding numbers that reach cairo's geometry (and `style`, which may set the same).
GEOMETRY = frozenset(
    "x y x1 y1 x2 y2 cx cy r rx ry fx fy fr width height d points viewBox transform "
    "stroke-width stroke-dasharray stroke-dashoffset stroke-miterlimit font-size letter-spacing "
    "word-spacing dx dy rotate textLength markerWidth markerHeight refX refY stdDeviation "
    "gradientTransform patternTransform baseFrequency numOctaves scale radius k1 k2 k3 k4 "
    "kernelMatrix order surfaceScale specularExponent diffuseConstant offset style".split()
)
PAINT_SERVERS = frozenset("mask pattern filter clipPath marker linearGradient radialGradient".split())
# A number not glued to a word or '#' (so '#1e9999' or an id like 'a1e400' is not read as one).
_NUMBER = re.compile(r"(?<![#\w.])[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_NOT_FINITE = re.compile(r"\b(?:nan|inf|infinity)\b", re.I)
_DASHES = re.compile(r"stroke-dasharray\s*:\s*([^;]*)", re.I)


def check_counts(root, name: str) -> None:
    """Refuse more than MAX_SVG_PAINT_SERVERS masks, patterns, filters, clip paths, markers and gradients,
    and more than MAX_SVG_TEXTS text elements."""
    count = texts = 0
    for elem in root.iter():
        tag = elem.tag.rpartition("}")[2] if isinstance(elem.tag, str) else ""
        if tag in ("text", "tspan", "textPath"):
            texts += 1
            if texts > MAX_SVG_TEXTS:
                raise AssetError(f"{name} has more than {MAX_SVG_TEXTS:,} text elements, over the limit")
        if tag in PAINT_SERVERS:
            count += 1
            if count > MAX_SVG_PAINT_SERVERS:
                raise AssetError(
                    f"{name} has more than {MAX_SVG_PAINT_SERVERS:,} masks, patterns, filters, clip paths, "
                    "markers and gradients, over the limit"
                )


def check_attribute(tag: str, attr: str, value: str, name: str) -> None:
    """Refuse non-finite or out-of-range numbers in geometry, long dash arrays and degenerate viewBoxes."""
    if attr not in GEOMETRY:
        return
    where = f"{name}: <{tag}> {attr}"
    if _NOT_FINITE.search(value):
        raise AssetError(f"{where} holds a number that is not finite")
    for m in _NUMBER.finditer(value):
        number = float(m.group(0))
        if not math.isfinite(number) or abs(number) > MAX_SVG_COORD:
            raise AssetError(f"{where} holds {m.group(0)[:40]!r}, outside ±{MAX_SVG_COORD:g}, the limit")
    dashes = value if attr == "stroke-dasharray" else ";".join(_DASHES.findall(value))
    if dashes:
        numbers = [float(m.group(0)) for m in _NUMBER.finditer(dashes)]
        if len(numbers) > MAX_SVG_DASHES:
            raise AssetError(f"{where} has {len(numbers):,} dash lengths, over the limit of {MAX_SVG_DASHES}")
        if numbers and sum(abs(n) for n in numbers) < 0.01:
            raise AssetError(f"{where}: dashes adding up to less than 0.01 would draw millions of segments")
    if attr == "viewBox":
        numbers = [float(m.group(0)) for m in _NUMBER.finditer(value)]
        if len(numbers) != 4 or numbers[2] <= 1e-6 or numbers[3] <= 1e-6:
            raise AssetError(f"{where} {value[:80]!r} is not four numbers with a positive width and height")


def point_count(elem) -> int:
    """Roughly how many points a path, polyline or polygon draws (its numbers, two a point)."""
    value = elem.get("d") or elem.get("points")
    if not value:
        return 0
    return len(_NUMBER.findall(value)) // 2
