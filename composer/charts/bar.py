"""Bar charts: vertical or horizontal, grouped or stacked, with value labels, axis, grid and legend."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Sequence

from composer.core.errors import SpecError
from composer.core.geometry import Box

from .axes import PAD, build_frame, color_for
from .data import resolve_series
from .numbers import NumberFormat, format_number
from .primitives import auto, Drawing, Label, Measure, Rect, Theme, drop_colliding, make_label, readable_on
from .scales import data_range

__all__ = ["draw_bar"]


def _choice(config: Mapping[str, Any], key: str, allowed: Sequence[str]) -> str:
    value = config.get(key) or allowed[0]
    if value not in allowed:
        raise SpecError(f"{value!r} is not one of {' | '.join(allowed)}", path=key)
    return value


def _stack_extents(series) -> list[float]:
    """Positive and negative stack totals per category (positives stack up, negatives down)."""
    out: list[float] = []
    for j in range(len(series[0].values) if series else 0):
        vals = [s.values[j] or 0.0 for s in series]
        out += [sum(v for v in vals if v > 0), sum(v for v in vals if v < 0)]
    return out


def draw_bar(box: Box, config: Mapping[str, Any], palette: Sequence[str], measure: Measure,
             theme: Theme | None = None, base_dir: Path | None = None) -> Drawing:
    """A bar chart in `box`: categories x series, bars exactly proportional to their values."""
    theme = Theme.from_config(config, theme)
    horizontal = _choice(config, "orientation", ("vertical", "horizontal")) == "horizontal"
    stacked = _choice(config, "mode", ("grouped", "stacked")) == "stacked"
    categories, series = resolve_series(config, base_dir)
    fmt = NumberFormat.parse(config.get("format"))
    size = float(config.get("text_size") or theme.text_size)
    vsize = max(theme.min_text_size, size * 0.8)
    show_values = config.get("value_labels", True)
    values = _stack_extents(series) if stacked else [v for s in series for v in s.values]
    lo, hi = data_range(values, include_zero=True)
    if config.get("min") is not None:
        lo = min(lo, float(config["min"]))
    if config.get("max") is not None:
        hi = max(hi, float(config["max"]))
    texts = [format_number(v, fmt) for v in values if v is not None] if show_values else []
    room = (max((measure(t, vsize, 600)[0] for t in texts), default=0.0),
            max((measure(t, vsize, 600)[1] for t in texts), default=0.0))
    show_legend = auto(config, "legend", len(series) > 1)
    items = [(s.name, color_for(i, s.color, palette)) for i, s in enumerate(series)] if show_legend else []
    frame, out = build_frame(
        box, categories, lo, hi, measure=measure, theme=theme, size=size, fmt=fmt,
        horizontal=horizontal, axis=config.get("axis", True), grid=config.get("gridlines", True),
        legend_items=items, value_room=room, negatives=lo < 0,
    )
    if not categories or not series:
        return out  # an empty chart keeps its axis so the slot is visibly a chart
    gap = float(config.get("gap", 0.25))
    group = frame.band * (1 - gap)
    thickness = group if stacked else group / len(series)
    zero = frame.scale(0.0)
    bars, value_labels, wanted = [], [], 0
    for j in range(len(categories)):
        start = frame.center(j) - group / 2
        up = down = 0.0
        for i, s in enumerate(series):
            v = s.values[j]
            if v is None:
                continue
            if stacked:
                base = up if v >= 0 else down
                a, b = frame.scale(base), frame.scale(base + v)
                if v >= 0:
                    up += v
                else:
                    down += v
                offset = start
            else:
                a, b = zero, frame.scale(v)
                offset = start + i * thickness
            lo_px, hi_px = min(a, b), max(a, b)
            color = color_for(i, s.color, palette)
            radius = min(float(config.get("radius", 3)), thickness / 4)
            if horizontal:
                rect = Rect(lo_px, offset, hi_px - lo_px, thickness, fill=color, radius=radius, role="bar", key=(i, j))
            else:
                rect = Rect(offset, lo_px, thickness, hi_px - lo_px, fill=color, radius=radius, role="bar", key=(i, j))
            bars.append(rect)
            if show_values:
                label = _value_label(rect, v, fmt, vsize, measure, theme, stacked, horizontal, (i, j))
                wanted += label is not None or not stacked  # a stacked segment too thin for its label is by design
                if label is not None:
                    value_labels.append(label)
    out.primitives.extend(bars)
    kept = drop_colliding(value_labels, out.labels)
    if len(kept) < wanted:
        from composer.core.warnings import warn

        warn("label-dropped", f"{wanted - len(kept)} of {wanted} value labels did not fit beside their bars or would "
             "overlap other labels, and were left out; give the chart more room or a smaller text_size", path="value_labels")
    out.labels.extend(kept)
    return out


def _value_label(rect: Rect, v: float, fmt: NumberFormat, size: float, measure: Measure, theme: Theme,
                 stacked: bool, horizontal: bool, key: tuple) -> Label | None:
    """The value beside its bar end, or inside a stacked segment when it fits there."""
    text = format_number(v, fmt)
    w, h = measure(text, size, 600)
    cx, cy = rect.x + rect.w / 2, rect.y + rect.h / 2
    if stacked:
        if w + 4 > rect.w or h + 2 > rect.h:
            return None
        return make_label(text, cx, cy, measure, size=size, weight=600, role="value", color=readable_on(rect.fill, theme),
                          anchor="middle", valign="middle", key=key)
    if horizontal:
        if h > rect.h + PAD / 2:  # taller than its bar: shrink, or give up below the minimum size
            size = size * (rect.h + PAD / 2) / h
            if size < theme.min_text_size * 0.9:
                return None
        x, anchor = (rect.x + rect.w + PAD / 2, "start") if v >= 0 else (rect.x - PAD / 2, "end")
        return make_label(text, x, cy, measure, size=size, weight=600, role="value", color=theme.ink,
                          anchor=anchor, valign="middle", key=key)
    if w > rect.w + PAD * 0.75:
        # Wider than its bar: shrink, and give up below the minimum size rather than collide.
        size = size * (rect.w + PAD * 0.75) / w
        if size < theme.min_text_size * 0.9:
            return None
    y, valign = (rect.y - PAD / 2, "bottom") if v >= 0 else (rect.y + rect.h + PAD / 2, "top")
    return make_label(text, cx, y, measure, size=size, weight=600, role="value", color=theme.ink,
                      anchor="middle", valign=valign, key=key)
