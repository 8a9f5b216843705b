"""The chart-kind table: each kind turns a box, a config and a palette into a Drawing.

    draw(kind, box, config, palette, measure, theme=None, base_dir=None) -> Drawing

A Drawing is shapes (Rect, Line, Path, Circle, Icon) for the templates plus Labels (text, box,
size, weight, colour) for the text engine. Nothing here renders text or SVG documents.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from composer.core.errors import SpecError
from composer.core.geometry import Box

from .bar import draw_bar
from .graph import draw_graph
from .icons import draw_icon, draw_icon_list
from .line import draw_area, draw_line
from .pie import draw_donut, draw_pie
from .primitives import Drawing, Measure, Theme
from .process import draw_process
from .qr import draw_qr
from .stat import draw_progress, draw_stat
from .table import draw_table
from .timeline import draw_timeline

__all__ = ["KINDS", "draw"]

KindFunction = Callable[..., Drawing]

KINDS: dict[str, KindFunction] = {
    "stat": draw_stat,
    "bar": draw_bar,
    "line": draw_line,
    "area": draw_area,
    "donut": draw_donut,
    "pie": draw_pie,
    "progress": draw_progress,
    "icon": draw_icon,
    "icon_list": draw_icon_list,
    "timeline": draw_timeline,
    "process": draw_process,
    "graph": draw_graph,
    "table": draw_table,
    "qr": draw_qr,
}


def draw(kind: str, box: Box, config: Mapping[str, Any], palette: Sequence[str], measure: Measure,
         theme: Theme | None = None, base_dir: Path | None = None) -> Drawing:
    """The geometry of one infographic element of `kind` in `box` (canvas px)."""
    if kind not in KINDS:
        raise SpecError(f"unknown infographic kind {kind!r}; allowed: {' | '.join(KINDS)}", path="type")
    return KINDS[kind](box, config, palette, measure, theme, base_dir)
