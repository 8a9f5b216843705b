"""The frame shared by bar and line charts: legend, value axis with nice ticks, category labels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from composer.core.geometry import Box

from .numbers import NumberFormat, format_number
from .primitives import (
    Drawing,
    Label,
    Line,
    Measure,
    Rect,
    Theme,
    clamp_label,
    drop_colliding,
    make_label,
    wrap_text,
)
from .scales import LinearScale, nice_ticks

__all__ = ["Frame", "build_frame", "color_for", "legend"]

PAD = 8.0


def color_for(i: int, own: str | None, palette: Sequence[str]) -> str:
    """A series' own colour, else the palette's i-th (cycling)."""
    if own:
        return own
    return palette[i % len(palette)] if palette else "#0B5FFF"


def legend(items: Sequence[tuple[str, str]], box: Box, measure: Measure, size: float, theme: Theme) -> tuple[Drawing, float]:
    """Swatch + name items laid out in rows from the top-left of `box`; returns the drawing and its height."""
    out = Drawing()
    if not items:
        return out, 0.0
    sw = size * 0.75
    x, y = box.x, box.y
    row_h = measure("Ag", size, 400)[1]
    for i, (name, color) in enumerate(items):
        w = measure(name, size, 400)[0]
        item_w = sw + size * 0.4 + w
        if x > box.x and x + item_w > box.right:
            x, y = box.x, y + row_h + size * 0.3
        out.primitives.append(
            Rect(x, y + (row_h - sw) / 2, sw, sw, fill=color, radius=sw * 0.2, role="swatch", key=(i,))
        )
        out.labels.append(
            make_label(name, x + sw + size * 0.4, y, measure, size=size, role="legend",
                       color=theme.ink, key=(i,))
        )
        x += item_w + size * 1.2
    return out, y + row_h - box.y


@dataclass
class Frame:
    """Where the plot sits and how values map to pixels along the value axis."""

    plot: Box
    scale: LinearScale
    ticks: list[float]
    horizontal: bool
    n: int

    @property
    def band(self) -> float:
        length = self.plot.height if self.horizontal else self.plot.width
        return length / max(1, self.n)

    def center(self, i: int) -> float:
        """The pixel centre of category i along the category axis."""
        start = self.plot.y if self.horizontal else self.plot.x
        return start + (i + 0.5) * self.band


def _tick_format(fmt: NumberFormat, ticks: Sequence[float]) -> NumberFormat:
    step = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
    decimals = 0 if step >= 1 or fmt.style == "compact" else len(f"{step:.10f}".rstrip("0").split(".")[1])
    if fmt.style == "compact":
        return NumberFormat("compact", None, fmt.currency, fmt.locale, fmt.prefix, fmt.suffix)
    return NumberFormat(fmt.style, decimals, fmt.currency, fmt.locale, fmt.prefix, fmt.suffix, fmt.separators)


def _category_labels(categories, frame, measure, size, theme, horizontal, top, box) -> list[Label]:
    """Category names under the plot (or left of it), shrunk, wrapped and thinned to fit."""
    if horizontal:
        labels = [
            make_label(c, frame.plot.x - PAD, frame.center(i), measure, size=size, role="category",
                       color=theme.ink, anchor="end", valign="middle", key=(i,))
            for i, c in enumerate(categories)
        ]
    else:
        labels = []
        for i, c in enumerate(categories):
            text = wrap_text(c, frame.band * 0.95, size, 400, measure)
            labels.append(make_label(text, frame.center(i), top, measure, size=size, role="category",
                                     color=theme.ink, anchor="middle", key=(i,)))
    return drop_colliding([clamp_label(label, box) for label in labels])


def build_frame(
    box: Box,
    categories: Sequence[str],
    lo: float,
    hi: float,
    *,
    measure: Measure,
    theme: Theme,
    size: float,
    fmt: NumberFormat,
    horizontal: bool = False,
    axis: bool = True,
    grid: bool = True,
    legend_items: Sequence[tuple[str, str]] = (),
    value_room: tuple[float, float] = (0.0, 0.0),
    negatives: bool = False,
) -> tuple[Frame, Drawing]:
    """Lay out legend, ticks, gridlines and category labels; value_room is the (w, h) of a value label."""
    out = Drawing()
    small = max(theme.min_text_size, size * 0.8)
    leg, leg_h = legend(legend_items, box, measure, small, theme)
    out.extend(leg)
    area = Box(box.x, box.y + (leg_h + size if leg_h else 0), box.width, box.height - (leg_h + size if leg_h else 0))
    axis_len = area.width if horizontal else area.height
    max_ticks = int(max(2, min(8, axis_len // (small * 3.5))))
    ticks = nice_ticks(lo, hi, max_ticks)
    tfmt = _tick_format(fmt, ticks)
    tick_text = [format_number(t, tfmt, observe=False) for t in ticks] if axis else []
    tick_sizes = [measure(t, small, 400) for t in tick_text]
    tick_w = max((w for w, _ in tick_sizes), default=0.0)
    tick_h = max((h for _, h in tick_sizes), default=0.0)
    vw, vh = value_room
    if horizontal:
        cat_w = max((measure(c, small, 400)[0] for c in categories), default=0.0)
        cat_w = min(cat_w, area.width * 0.35)
        left = cat_w + PAD + (vw + PAD if negatives else 0.0)
        right = max(vw + PAD, tick_w / 2)
        bottom = (tick_h + PAD) if axis else 0.0
        plot = Box(area.x + left, area.y, max(1.0, area.width - left - right), max(1.0, area.height - bottom))
        scale = LinearScale(ticks[0], ticks[-1], plot.x, plot.right)
    else:
        cat_h = max((measure(wrap_text(c, area.width / max(1, len(categories)), small, 400, measure), small, 400)[1]
                     for c in categories), default=0.0)
        left = (tick_w + PAD) if axis else 0.0
        top = max(vh + PAD / 2, tick_h / 2)
        bottom = cat_h + PAD + (vh + PAD / 2 if negatives else 0.0)
        plot = Box(area.x + left, area.y + top, max(1.0, area.width - left), max(1.0, area.height - top - bottom))
        scale = LinearScale(ticks[0], ticks[-1], plot.bottom, plot.y)
    frame = Frame(plot, scale, ticks, horizontal, len(categories))
    tick_labels = []
    for i, t in enumerate(ticks):
        p = scale(t)
        if grid:
            line = Line(plot.x, p, plot.right, p) if not horizontal else Line(p, plot.y, p, plot.bottom)
            out.primitives.append(Line(line.x1, line.y1, line.x2, line.y2, stroke=theme.grid, width=1.0,
                                       role="grid", key=(i,)))
        if axis:
            if horizontal:
                lab = make_label(tick_text[i], p, plot.bottom + PAD, measure, size=small, role="tick",
                                 color=theme.muted, anchor="middle", key=(i,))
            else:
                lab = make_label(tick_text[i], plot.x - PAD, p, measure, size=small, role="tick",
                                 color=theme.muted, anchor="end", valign="middle", key=(i,))
            tick_labels.append(lab)
    out.labels.extend(drop_colliding(tick_labels, out.labels))
    zero = scale.clamp(0.0)
    baseline = Line(plot.x, zero, plot.right, zero) if not horizontal else Line(zero, plot.y, zero, plot.bottom)
    out.primitives.append(Line(baseline.x1, baseline.y1, baseline.x2, baseline.y2, stroke=theme.muted,
                               width=1.5, role="baseline"))
    cat_top = plot.bottom + PAD + (vh + PAD / 2 if negatives else 0.0)
    out.labels.extend(_category_labels(categories, frame, measure, small, theme, horizontal, cat_top, area))
    return frame, out
