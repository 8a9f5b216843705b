"""Infographic and diagram geometry: each kind turns a box, a config and a palette into a Drawing.

    draw(kind, box, config, palette, measure, theme=None, base_dir=None) -> Drawing

A Drawing is shapes (Rect, Line, Path, Circle, Icon) for the templates plus Labels (text, box,
size, weight, colour) for the text engine. Nothing here renders text or SVG documents. The names
below load on first use, so a build without charts never imports the chart code.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "KINDS": "kinds", "draw": "kinds", "icon_markup": "icons", "Circle": "primitives", "Drawing": "primitives",
    "Icon": "primitives", "Label": "primitives", "Line": "primitives", "Measure": "primitives",
    "Rect": "primitives", "Theme": "primitives",
}
__all__ = sorted([*_LAZY, "PathShape"])


def __getattr__(name: str) -> Any:
    if name == "PathShape":
        return importlib.import_module("composer.charts.primitives").Path
    if name in _LAZY:
        return getattr(importlib.import_module(f"composer.charts.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'composer.charts' has no attribute {name!r}")
