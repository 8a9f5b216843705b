"""Process / flow diagrams: numbered steps joined by arrow connectors, in a row, a column or a snake."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Mapping, Sequence

from composer.core.errors import DataError, SpecError
from composer.core.geometry import Box

from .axes import color_for
from .blocks import BlockLine, block, fits
from .primitives import (
    Circle,
    Drawing,
    Icon,
    Measure,
    Path as PathShape,
    Theme,
    center_vertically,
    fmt as f,
    make_label,
    readable_on,
)

__all__ = ["draw_process", "steps_from_config"]

LAYOUTS = ("row", "column", "snake")


def steps_from_config(config: Mapping[str, Any]) -> list[dict[str, str]]:
    """Steps from `steps: ["Plan", {title, text, icon}]`."""
    steps = []
    for i, s in enumerate(config.get("steps") or []):
        if isinstance(s, str):
            s = {"title": s}
        if not isinstance(s, Mapping):
            raise DataError(f"steps[{i}]: expected a title or a mapping with title, text and icon, got {s!r}")
        steps.append({k: str(s.get(k) or "") for k in ("title", "text", "icon", "color")})
    return steps


def _arrow(points: Sequence[tuple[float, float]], color: str, width: float, head: float, key: tuple):
    """A connector polyline ending in a filled arrowhead whose tip is the last point."""
    (x0, y0), (x1, y1) = points[-2], points[-1]
    ang = math.atan2(y1 - y0, x1 - x0)
    bx, by = x1 - head * math.cos(ang), y1 - head * math.sin(ang)
    line = [*points[:-1], (bx, by)]
    d = "M" + " L".join(f"{f(x)} {f(y)}" for x, y in line)
    s, c = math.sin(ang) * head * 0.5, math.cos(ang) * head * 0.5
    tip = f"M{f(x1)} {f(y1)} L{f(bx + s)} {f(by - c)} L{f(bx - s)} {f(by + c)} Z"
    return [PathShape(d, stroke=color, width=width, role="connector", key=key),
            PathShape(tip, fill=color, role="connector_head", key=key)]


def draw_process(box: Box, config: Mapping[str, Any], palette: Sequence[str], measure: Measure,
                 theme: Theme | None = None, base_dir: Path | None = None) -> Drawing:
    """Numbered badges with titles and descriptions; text shrinks until everything fits the box."""
    theme = Theme.from_config(config, theme)
    steps = steps_from_config(config)
    layout = config.get("layout", "row")
    if layout not in LAYOUTS:
        raise SpecError(f"{layout!r} is not one of {' | '.join(LAYOUTS)}", path="layout")
    n = len(steps)
    cols = {"row": max(1, n), "column": 1}.get(layout) or int(config.get("columns", min(3, max(1, n))))
    size = float(config.get("text_size") or theme.text_size)
    while True:
        out = _draw(box, steps, layout, cols, config, palette, measure, theme, size)
        if fits(out.labels, box) or size <= theme.min_text_size:
            return center_vertically(out, box) if layout == "row" else out
        size = max(theme.min_text_size, size * 0.9)


def _draw(box, steps, layout, cols, config, palette, measure, theme, size) -> Drawing:
    out = Drawing()
    n = len(steps)
    if n == 0:
        return out
    rows = math.ceil(n / cols)
    r = float(config.get("badge_size", size * 1.4))
    connector = config.get("connector_color") or theme.muted
    lw = max(1.5, size * 0.12)
    centres = []
    if layout == "column":
        cell_h = box.height / n
        text_x = box.x + 2 * r + size
        for i, s in enumerate(steps):
            cx, cy = box.x + r, box.y + i * cell_h + r
            centres.append((cx, cy))
            b = block(_lines(s, theme), box.right - text_x, size, measure)
            top = cy - (b.parts[0][3] / 2 if b.parts else 0)
            out.labels.extend(b.place(text_x, top, size, measure, key=(i,)))
    else:
        cell_w, cell_h = box.width / cols, box.height / rows
        for i, s in enumerate(steps):
            row, col = divmod(i, cols)
            if layout == "snake" and row % 2 == 1:
                col = cols - 1 - col
            cx = box.x + (col + 0.5) * cell_w
            cy = box.y + row * cell_h + r
            centres.append((cx, cy))
            b = block(_lines(s, theme), cell_w * 0.82, size, measure)
            out.labels.extend(b.place(cx, cy + r + size * 0.6, size, measure, anchor="middle", key=(i,)))
    for i, (s, (cx, cy)) in enumerate(zip(steps, centres)):
        color = s["color"] or color_for(0 if config.get("single_color", True) else i, None, palette)
        out.primitives.append(Circle(cx, cy, r, fill=color, role="badge", key=(i,)))
        if s["icon"]:
            out.primitives.append(Icon(s["icon"], cx - r * 0.55, cy - r * 0.55, r * 1.1, readable_on(color, theme), key=(i,)))
        else:
            out.labels.append(make_label(str(i + 1), cx, cy, measure, size=r * 0.9, weight=700, role="number",
                                         color=readable_on(color, theme), anchor="middle", valign="middle", key=(i,)))
    gap = size * 0.4
    head = max(6.0, size * 0.55)
    for i in range(n - 1):
        (x0, y0), (x1, y1) = centres[i], centres[i + 1]
        if abs(y0 - y1) < 1e-6:  # same row
            sign = 1 if x1 > x0 else -1
            pts = [(x0 + sign * (r + gap), y0), (x1 - sign * (r + gap), y1)]
        elif abs(x0 - x1) < 1e-6 and layout == "column":
            pts = [(x0, y0 + r + gap), (x1, y1 - r - gap)]
        else:  # snake turn: around the outside of the cells, clear of the text
            cell_w = box.width / cols
            side = 1 if x0 > box.x + box.width / 2 else -1
            edge = x0 + side * cell_w * 0.46
            pts = [(x0 + side * (r + gap), y0), (edge, y0), (edge, y1), (x1 + side * (r + gap), y1)]
        out.primitives.extend(_arrow(pts, connector, lw, head, (i, i + 1)))
    return out


def _lines(s: Mapping[str, str], theme: Theme) -> list[BlockLine]:
    return [BlockLine(s["title"], 1.0, 700, theme.ink, "title"), BlockLine(s["text"], 0.85, 400, theme.muted, "text")]
