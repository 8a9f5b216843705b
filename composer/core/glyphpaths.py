"""Glyph outlines as cairo path rows, handed from the typesetter to the renderer by their path data.

The typesetter writes each glyph's outline as relative SVG path data in whole 1/100 px
(`composer.text.fonts.encode_outline`); the renderer and the legibility pass hand that same
outline to cairo (`composer.core.svgpaths`). Reading the numbers back out of the text cost a cold
build about 10 ms, so the typesetter also files the rows it wrote here, keyed by the path data,
and svgpaths takes them from here before it parses anything. The text stays the one source of
truth: svgpaths parses it whenever the rows are not here, and tests check both agree.

A row is (is_point, x or item type, y or item length, divisor): an item's header, or a point
relative to the glyph's first point in 1/divisor px (100, or 300 for the control points of a
quadratic written as its exact cubic).
"""

from __future__ import annotations

from composer.core.lru import LRU

Row = tuple[int, int, int, int]

# cairo's path item types (cairo_path_data_type_t), so this module needs no cairo
MOVE_TO, LINE_TO, CURVE_TO, CLOSE_PATH = 0, 1, 2, 3

# Only needed from typesetting to the first render of the same build (svgpaths then keeps its own array)
_ROWS: LRU[list[Row]] = LRU(1024)


def remember(rel: str, rows: list[Row]) -> None:
    """File the rows the typesetter wrote as `rel`."""
    _ROWS.put(rel, rows)


def recall(rel: str) -> list[Row] | None:
    return _ROWS.get(rel)


def clear() -> None:
    _ROWS.clear()
