"""Timelines: events with a date, title and description along a horizontal or vertical axis."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Sequence

from composer.core.errors import DataError, SpecError
from composer.core.geometry import Box

from .axes import color_for
from .blocks import BlockLine, block, fits
from .data import load_table
from .primitives import auto, Circle, Drawing, Line, Measure, Theme, center_vertically

__all__ = ["draw_timeline", "events_from_config"]


def events_from_config(config: Mapping[str, Any], base_dir: Path | None) -> list[dict[str, str]]:
    """Events from `events: [{date, title, text}]` or a data file with those columns."""
    raw = config.get("events")
    if raw is None and config.get("data") is not None:
        table = load_table(config["data"], base_dir)
        table.column("date")
        raw = table.rows
    events = []
    for i, e in enumerate(raw or []):
        if not isinstance(e, Mapping):
            raise DataError(f"events[{i}]: expected a mapping with date, title and text, got {e!r}")
        events.append({k: str(e.get(k) or "") for k in ("date", "title", "text", "color")})
    return events


def draw_timeline(box: Box, config: Mapping[str, Any], palette: Sequence[str], measure: Measure,
                  theme: Theme | None = None, base_dir: Path | None = None) -> Drawing:
    """Events evenly along the axis; text shrinks (down to the minimum size) until it all fits the box."""
    theme = Theme.from_config(config, theme)
    events = events_from_config(config, base_dir)
    orientation = config.get("orientation", "horizontal")
    if orientation not in ("horizontal", "vertical"):
        raise SpecError(f"{orientation!r} is not one of horizontal | vertical", path="orientation")
    size = float(config.get("text_size") or theme.text_size)
    draw = _horizontal if orientation == "horizontal" else _vertical
    while True:
        out = draw(box, events, config, palette, measure, theme, size)
        if fits(out.labels, box) or size <= theme.min_text_size:
            return center_vertically(out, box) if orientation == "horizontal" else out
        size = max(theme.min_text_size, size * 0.9)


def _lines(e: Mapping[str, str], accent: str, theme: Theme, with_date: bool = True) -> list[BlockLine]:
    return [
        BlockLine(e["date"] if with_date else "", 0.85, 700, accent, "date"),
        BlockLine(e["title"], 1.0, 700, theme.ink, "title"),
        BlockLine(e["text"], 0.85, 400, theme.muted, "text"),
    ]


def _horizontal(box, events, config, palette, measure, theme, size) -> Drawing:
    out = Drawing()
    n = max(1, len(events))
    slot = box.width / n
    alternate = auto(config, "alternate", n >= 4)
    # alternating labels may span two slots, but past ~12 em a centred line reads as a banner
    width = min(slot * 1.9, size * 12) if alternate else slot * 0.92
    r = size * 0.45
    gap = size * 0.6
    blocks = []
    for i, e in enumerate(events):
        accent = e["color"] or color_for(0 if config.get("single_color", True) else i, None, palette)
        x = (i + 0.5) * slot
        room = min(width, 2 * min(x, box.width - x))  # end blocks must not spill out of the box
        blocks.append((block(_lines(e, accent, theme), room, size, measure), accent))
    above = max((b.height for i, (b, _) in enumerate(blocks) if alternate and i % 2 == 0), default=0.0)
    axis_y = box.y + (above + gap + r if alternate else r + 1)
    out.primitives.append(Line(box.x, axis_y, box.right, axis_y, stroke=theme.grid, width=max(2.0, r * 0.5), role="axis"))
    for i, (b, accent) in enumerate(blocks):
        x = box.x + (i + 0.5) * slot
        out.primitives.append(Circle(x, axis_y, r, fill=accent, stroke=theme.paper, width=2, role="dot", key=(i,)))
        if alternate and i % 2 == 0:
            top = axis_y - r - gap - b.height
        else:
            top = axis_y + r + gap
        out.labels.extend(b.place(x, top, size, measure, anchor="middle", key=(i,)))
    return out


def _vertical(box, events, config, palette, measure, theme, size) -> Drawing:
    out = Drawing()
    r = size * 0.45
    gap = size * 0.7
    date_w = max((measure(e["date"], size * 0.85, 700)[0] for e in events), default=0.0)
    line_x = box.x + date_w + gap + r
    text_x = line_x + r + gap
    blocks = []
    for i, e in enumerate(events):
        accent = e["color"] or color_for(0 if config.get("single_color", True) else i, None, palette)
        blocks.append((block(_lines(e, accent, theme, with_date=False), box.right - text_x, size, measure), accent))
    total = sum(b.height for b, _ in blocks)
    spacing = (box.height - total) / max(1, len(blocks) - 1) if len(blocks) > 1 else 0.0
    spacing = max(size * 0.8, min(spacing, size * 4))
    y = box.y
    centres = []
    for i, (b, accent) in enumerate(blocks):
        first_h = b.parts[0][3] if b.parts else size
        cy = y + first_h / 2
        centres.append(cy)
        out.labels.extend(b.place(text_x, y, size, measure, key=(i,)))
        if events[i]["date"]:
            date = block([BlockLine(events[i]["date"], 0.85, 700, accent, "date")], date_w + 1, size, measure)
            out.labels.extend(date.place(line_x - r - gap, cy - date.height / 2, size, measure, anchor="end", key=(i,)))
        out.primitives.append(Circle(line_x, cy, r, fill=accent, stroke=theme.paper, width=2, role="dot", key=(i,)))
        y += max(b.height, size) + spacing
    if centres:
        out.primitives.insert(0, Line(line_x, centres[0], line_x, centres[-1], stroke=theme.grid,
                                      width=max(2.0, r * 0.5), role="axis"))
    return out
