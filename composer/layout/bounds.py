"""Content outside the canvas: the one geometry check that `build` warns with and `lint` reports."""

from __future__ import annotations

from collections.abc import Mapping

from composer.core.geometry import Box
from composer.layout.resolve import Layout, Placed

TOLERANCE = 1.5  # px: antialiasing and rounding at the edge are not "outside"


def outside(box: Box, layout: Layout) -> bool:
    """True when `box` reaches outside the canvas and its bleed (by more than TOLERANCE)."""
    c, t = layout.canvas, TOLERANCE
    return (box.x < -c.bleed - t or box.y < -c.bleed - t or box.right > c.width + c.bleed + t
            or box.bottom > c.height + c.bleed + t)


def content_box(p: Placed, ink: Mapping[str, Box]) -> Box | None:
    """What an element draws over: a text's ink box when it has one, else the element's box."""
    if p.box is None or p.kind == "group":
        return None
    return ink.get(p.id, p.box) if p.kind == "text" else p.box


def outside_canvas(layout: Layout, ink: Mapping[str, Box]) -> list[tuple[Placed, Box]]:
    """Every element (texts by their ink, given by id) that reaches outside the canvas and its bleed."""
    out = []
    for p in layout.walk():
        box = content_box(p, ink)
        if box is not None and outside(box, layout):
            out.append((p, box))
    return out
