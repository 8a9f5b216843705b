"""Line and area charts: several series, markers, gaps for missing values, annotated points."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Sequence

from composer.core.errors import SpecError
from composer.core.geometry import Box

from .axes import PAD, build_frame, color_for
from .data import Series, resolve_series
from .numbers import NumberFormat
from .primitives import (
    auto,
    Circle,
    Drawing,
    Line,
    Measure,
    Path as PathShape,
    Theme,
    boxes_overlap,
    fmt as f,
    make_label,
)
from .scales import data_range

__all__ = ["draw_area", "draw_line"]


def _runs(points: Sequence[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Split points at gaps (None) into connected runs."""
    runs: list[list[tuple[float, float]]] = [[]]
    for p in points:
        if p is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(p)
    return [r for r in runs if r]


def draw_line(box: Box, config: Mapping[str, Any], palette: Sequence[str], measure: Measure,
              theme: Theme | None = None, base_dir: Path | None = None, *, area: bool = False) -> Drawing:
    """A line (or area) chart in `box`; points sit at category centres, y exactly proportional to value."""
    theme = Theme.from_config(config, theme)
    categories, series = resolve_series(config, base_dir)
    fmt = NumberFormat.parse(config.get("format"))
    size = float(config.get("text_size") or theme.text_size)
    vsize = max(theme.min_text_size, size * 0.8)
    values = [v for s in series for v in s.values]
    lo, hi = data_range(values, include_zero=config.get("zero_baseline", area))
    if config.get("min") is not None:
        lo = min(lo, float(config["min"]))
    if config.get("max") is not None:
        hi = max(hi, float(config["max"]))
    if lo == hi == 0.0 and not any(v is not None for v in values):
        hi = 1.0
    show_legend = auto(config, "legend", len(series) > 1)
    items = [(s.name, color_for(i, s.color, palette)) for i, s in enumerate(series)] if show_legend else []
    room_h = measure("0", vsize, 600)[1]
    frame, out = build_frame(
        box, categories, lo, hi, measure=measure, theme=theme, size=size, fmt=fmt,
        axis=config.get("axis", True), grid=config.get("gridlines", True), legend_items=items,
        value_room=(0.0, room_h), negatives=False,
    )
    width = float(config.get("line_width", 3))
    markers = config.get("markers", True)
    radius = float(config.get("marker_size", width * 1.6))
    baseline = frame.scale.clamp(0.0)
    points_by_series = []
    for i, s in enumerate(series):
        color = color_for(i, s.color, palette)
        pts = [None if v is None else (frame.center(j), frame.scale(v)) for j, v in enumerate(s.values)]
        points_by_series.append(pts)
        for run in _runs(pts):
            d = "M" + " L".join(f"{f(x)} {f(y)}" for x, y in run)
            if area:
                fill_d = d + f" L{f(run[-1][0])} {f(baseline)} L{f(run[0][0])} {f(baseline)} Z"
                out.primitives.append(PathShape(fill_d, fill=color, opacity=float(config.get("area_opacity", 0.25)),
                                                role="area", key=(i,)))
            out.primitives.append(PathShape(d, stroke=color, width=width, role="line", key=(i,)))
        if markers:
            for j, p in enumerate(pts):
                if p is not None:
                    out.primitives.append(Circle(p[0], p[1], radius, fill=color, stroke=theme.paper,
                                                 width=1.5, role="marker", key=(i, j)))
    notes = config.get("annotate") or config.get("annotations") or []
    if isinstance(notes, Mapping):
        notes = [notes]
    for n, note in enumerate(notes):
        _annotate(out, note, n, series, categories, points_by_series, frame.plot, measure, vsize, theme, palette)
    return out


def draw_area(box: Box, config: Mapping[str, Any], palette: Sequence[str], measure: Measure,
              theme: Theme | None = None, base_dir: Path | None = None) -> Drawing:
    """An area chart: a line chart filled down to the zero baseline."""
    return draw_line(box, config, palette, measure, theme, base_dir, area=True)


def _annotate(out: Drawing, note: Mapping[str, Any], n: int, series: list[Series], categories: list[str],
              points: list, plot: Box, measure: Measure, size: float, theme: Theme, palette) -> None:
    """Ring a point and put its note beside it where it collides with no other label."""
    path = f"annotate[{n}]"
    names = [s.name for s in series]
    want = note.get("series", names[0] if names else None)
    if want not in names:
        raise SpecError(f"no series {want!r}; series are: {', '.join(names) or '(none)'}", path=f"{path}.series")
    i = names.index(want)
    at = note.get("at")
    if at is None:
        j = int(note.get("index", 0))
    elif str(at) in categories:
        j = categories.index(str(at))
    else:
        raise SpecError(f"no category {at!r}; categories are: {', '.join(categories)}", path=f"{path}.at")
    if not 0 <= j < len(categories) or points[i][j] is None:
        raise SpecError(f"series {want!r} has no value at position {j}", path=path)
    x, y = points[i][j]
    color = color_for(i, series[i].color, palette)
    out.primitives.append(Circle(x, y, size * 0.55, fill="none", stroke=color, width=2, role="highlight", key=(i, j)))
    text = str(note.get("text", ""))
    if not text:
        return
    off = size * 1.6
    candidates = [
        (x, y - off, "middle", "bottom"), (x, y + off, "middle", "top"),
        (x + off, y - off, "start", "bottom"), (x - off, y - off, "end", "bottom"),
        (x + off, y + off, "start", "top"), (x - off, y + off, "end", "top"),
    ]
    chosen = None
    for cx, cy, anchor, valign in candidates:
        label = make_label(text, cx, cy, measure, size=size, weight=600, role="annotation",
                           color=theme.ink, anchor=anchor, valign=valign, key=(i, j))
        b = label.box
        inside = b.x >= plot.x - PAD and b.right <= plot.right + PAD and b.y >= plot.y - 2 * PAD and b.bottom <= plot.bottom
        if inside and not any(boxes_overlap(b, other.box) for other in out.labels):
            chosen = label
            break
    if chosen is None:
        return
    b = chosen.box
    ly = b.bottom if b.bottom <= y else b.y
    lx = min(max(x, b.x), b.right)
    out.primitives.append(Line(x, y, lx, ly, stroke=theme.muted, width=1, role="leader", key=(i, j)))
    out.labels.append(chosen)
