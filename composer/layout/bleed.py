"""Print bleed: artwork that touches the trim edge runs on into the bleed, as print designers expect.

Without this a full-width panel or photo stops at the trim line, and any drift of the guillotine shows a
sliver of the background. Only shapes and pictures extend; text, charts and templates keep their boxes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from composer.core.geometry import Box

__all__ = ["EXTENDS", "extend_into_bleed"]

EDGE = 0.5  # px: an edge this close to the trim line counts as touching it
EXTENDS = {"rect", "illustration", "image"}


def _extends(p: Any) -> bool:
    if p.kind not in EXTENDS or p.box is None:
        return False
    # `contain` would re-centre a picture in the larger box; `cover` and `fill` simply show more of it
    return p.kind != "image" or p.el.fit in ("cover", "fill")


def extend_into_bleed(elements: Iterable[Any], width: float, height: float, bleed: float) -> list[str]:
    """Grow each top-level shape or picture that touches a trim edge by `bleed` on that side; returns their ids."""
    grown: list[str] = []
    if bleed <= 0:
        return grown
    for p in elements:
        if not _extends(p):
            continue
        b = p.box
        x0, y0, x1, y1 = b.x, b.y, b.x + b.width, b.y + b.height
        nx0 = x0 - bleed if x0 <= EDGE else x0
        ny0 = y0 - bleed if y0 <= EDGE else y0
        nx1 = x1 + bleed if x1 >= width - EDGE else x1
        ny1 = y1 + bleed if y1 >= height - EDGE else y1
        if (nx0, ny0, nx1, ny1) != (x0, y0, x1, y1):
            p.box = Box(nx0, ny0, nx1 - nx0, ny1 - ny0)
            grown.append(p.id)
    return grown
