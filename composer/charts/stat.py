"""Single-number kinds: stat (big number, label, delta with an up/down marker) and progress (bar or ring)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Mapping, Sequence

from composer.core.errors import DataError, SpecError
from composer.core.geometry import Box

from .axes import color_for
from .data import parse_number, parse_present
from .numbers import NumberFormat, format_delta, format_number
from .primitives import (
    Circle,
    Drawing,
    Measure,
    Path as PathShape,
    Rect,
    Theme,
    arc_point,
    fmt as f,
    make_label,
    wrap_text,
)

__all__ = ["draw_progress", "draw_stat"]


def _fit(text: str, size: float, weight: int, width: float, measure: Measure) -> float:
    """The size (at most `size`) at which `text` fits `width` on one line."""
    w = measure(text, size, weight)[0]
    return size if w <= width else size * width / w


def draw_stat(box: Box, config: Mapping[str, Any], palette: Sequence[str], measure: Measure,
              theme: Theme | None = None, base_dir: Path | None = None) -> Drawing:
    """A big number on top, its label below, and an optional delta line with a triangle marker."""
    theme = Theme.from_config(config, theme)
    fmt = NumberFormat.parse(config.get("format"))
    raw = config.get("value")
    if raw is None:
        raise SpecError("a stat needs a value", path="value")
    value = raw if isinstance(raw, str) and parse_number_or_none(raw) is None else format_number(
        parse_present(raw, "value"), fmt)
    align = config.get("align", "left")
    if align not in ("left", "center", "right"):
        raise SpecError(f"{align!r} is not one of left | center | right", path="align")
    anchor, x = {"left": ("start", box.x), "center": ("middle", box.x + box.width / 2),
                 "right": ("end", box.right)}[align]
    color = config.get("color") or color_for(0, None, palette)
    delta = config.get("delta")
    label = config.get("label")
    text_size = float(config.get("text_size") or theme.text_size)
    label_size = max(theme.min_text_size, min(text_size * 1.25, box.height * 0.15))
    delta_size = max(theme.min_text_size, min(text_size, box.height * 0.12))
    label_text = wrap_text(str(label), box.width, label_size, 400, measure) if label else ""
    below = (measure(label_text, label_size, 400)[1] + label_size * 0.3 if label else 0.0) + (
        measure("+0", delta_size, 600)[1] if delta is not None else 0.0)
    # The number takes whatever height the label and delta leave, capped by the box width.
    big = max(theme.min_text_size, (box.height - below) / 1.28)
    big = min(big, float(config.get("max_size") or big))
    big = _fit(value, big, 800, box.width, measure)
    out = Drawing()
    number = make_label(value, x, box.y, measure, size=big, weight=800, role="value", color=color, anchor=anchor)
    out.labels.append(number)
    y = number.box.bottom + big * 0.08
    if label:
        lab = make_label(label_text, x, y, measure, size=label_size, role="label", color=theme.ink, anchor=anchor)
        out.labels.append(lab)
        y = lab.box.bottom + label_size * 0.3
    if delta is not None:
        _delta(out, config, delta, x, y, anchor, delta_size, measure, theme)
    return out


def parse_number_or_none(text: str) -> float | None:
    """A number when the string is one, else None (a stat may show text such as "24/7")."""
    try:
        return parse_number(text, "value")
    except DataError:
        return None


def _delta(out: Drawing, config, delta, x, y, anchor, size, measure, theme: Theme) -> None:
    """The delta text after an up or down triangle, green when the move is good, red when bad."""
    d = parse_present(delta, "delta")
    good_up = config.get("delta_good", "up") == "up"
    color = theme.muted if d == 0 else (theme.positive if (d > 0) == good_up else theme.negative)
    text = format_delta(d, config.get("delta_format") or config.get("format"))
    if config.get("delta_label"):
        text += f" {config['delta_label']}"
    tw, th = measure(text, size, 600)
    tri = size * 0.7
    total = tri + size * 0.35 + tw
    left = {"start": x, "middle": x - total / 2, "end": x - total}[anchor]
    mid = y + th / 2
    if d > 0:
        shape = f"M{f(left)} {f(mid + tri * 0.45)} L{f(left + tri)} {f(mid + tri * 0.45)} L{f(left + tri / 2)} {f(mid - tri * 0.45)} Z"
    elif d < 0:
        shape = f"M{f(left)} {f(mid - tri * 0.45)} L{f(left + tri)} {f(mid - tri * 0.45)} L{f(left + tri / 2)} {f(mid + tri * 0.45)} Z"
    else:
        shape = f"M{f(left)} {f(mid - 1)} h{f(tri)} v2 h{f(-tri)} Z"
    out.primitives.append(PathShape(shape, fill=color, role="delta_marker", key=("up" if d > 0 else "down" if d < 0 else "flat",)))
    out.labels.append(make_label(text, left + tri + size * 0.35, y, measure, size=size, weight=600,
                                 role="delta", color=color))


def draw_progress(box: Box, config: Mapping[str, Any], palette: Sequence[str], measure: Measure,
                  theme: Theme | None = None, base_dir: Path | None = None) -> Drawing:
    """A progress bar or ring: the filled part is exactly value / max of the track."""
    theme = Theme.from_config(config, theme)
    value = parse_number(config.get("value"), "value")
    if value is None:
        raise SpecError("a progress element needs a value", path="value")
    top = parse_number(config.get("max", 100), "max") or 0.0
    if top <= 0:
        raise DataError(f"max must be above 0, got {top:g}")
    if value < 0:
        raise DataError(f"value must be 0 or more, got {value:g}")
    ratio = min(value / top, 1.0)  # above max draws full; the label still says the real number
    color = config.get("color") or color_for(0, None, palette)
    track = config.get("track") or theme.grid
    fmt = config.get("format") or {"style": "percent", "decimals": 0}
    text = format_number(100 * value / top, fmt, observe=False) if config.get("format") is None else format_number(value, fmt)
    caption = config.get("label")
    size = float(config.get("text_size") or theme.text_size)
    out = Drawing()
    shape = config.get("shape", "bar")
    if shape == "ring":
        r = min(box.width, box.height) / 2
        width = float(config.get("thickness", r * 0.18))
        cx, cy, rm = box.x + box.width / 2, box.y + box.height / 2, r - width / 2
        out.primitives.append(Circle(cx, cy, rm, stroke=track, width=width, role="track"))
        if ratio >= 1:
            out.primitives.append(Circle(cx, cy, rm, stroke=color, width=width, role="fill"))
        elif ratio > 0:
            a = 2 * math.pi * ratio
            x0, y0 = arc_point(cx, cy, rm, 0)
            x1, y1 = arc_point(cx, cy, rm, a)
            d = f"M{f(x0)} {f(y0)} A{f(rm)} {f(rm)} 0 {1 if a > math.pi else 0} 1 {f(x1)} {f(y1)}"
            out.primitives.append(PathShape(d, stroke=color, width=width, role="fill"))
        inner = (rm - width / 2) * 1.3
        big = _fit(text, inner * 0.4, 700, inner, measure)
        small = _fit(str(caption), max(theme.min_text_size, big * 0.4), 400, inner, measure) if caption else 0.0
        shift = measure(str(caption), small, 400)[1] / 2 if caption else 0.0  # centre the pair, not the number
        out.labels.append(make_label(text, cx, cy - shift, measure, size=big, weight=700, role="value",
                                     color=theme.ink, anchor="middle", valign="bottom" if caption else "middle"))
        if caption:
            out.labels.append(make_label(str(caption), cx, cy - shift + 2, measure, size=small, role="label",
                                         color=theme.muted, anchor="middle"))
        return out
    if shape != "bar":
        raise SpecError(f"{shape!r} is not one of bar | ring", path="shape")
    lw, lh = measure(text, size, 700)
    cap_h = measure(str(caption), size, 400)[1] if caption else 0.0
    y = box.y
    if caption:
        out.labels.append(make_label(str(caption), box.x, y, measure, size=size, role="label", color=theme.ink))
    out.labels.append(make_label(text, box.right, y, measure, size=size, weight=700, role="value",
                                 color=theme.ink, anchor="end"))
    y += max(cap_h, lh) + size * 0.4
    h = float(config.get("thickness", max(6.0, min(box.bottom - y, size * 0.9))))
    radius = h / 2 if config.get("rounded", True) else 0.0
    out.primitives.append(Rect(box.x, y, box.width, h, fill=track, radius=radius, role="track"))
    if ratio > 0:
        out.primitives.append(Rect(box.x, y, box.width * ratio, h, fill=color, radius=radius, role="fill"))
    return out
