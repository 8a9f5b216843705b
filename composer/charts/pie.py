"""Donut and pie charts: slices clockwise from 12 o'clock, a centre label, outside slice labels
on leader lines, pushed apart vertically on each side so no two collide."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Mapping, Sequence

from composer.core.errors import DataError, SpecError
from composer.core.geometry import Box

from .axes import color_for
from .data import load_table, parse_number
from .numbers import NumberFormat, format_number
from .primitives import (
    Circle,
    Drawing,
    Label,
    Measure,
    Path as PathShape,
    Theme,
    arc_point,
    fmt as f,
    make_label,
)

__all__ = ["draw_donut", "draw_pie", "slices_from_config", "spread"]

LABEL_MODES = ("name_percent", "name_value", "name", "percent", "value", "none")


def slices_from_config(config: Mapping[str, Any], base_dir: Path | None) -> list[tuple[str, float, str | None]]:
    """(name, value, colour) per slice from `slices: [{name, value, color}]` or `data` + `x`/`y`."""
    if config.get("data") is not None:
        table = load_table(config["data"], base_dir)
        x = config.get("x") or table.columns[0]
        y = config.get("y") or table.columns[1]
        names = [str(n) for n in table.column(x)]
        values = table.numbers(y)
        out: list[tuple[str, float, str | None]] = [(n, v or 0.0, None) for n, v in zip(names, values)]
    else:
        out = []
        for i, s in enumerate(config.get("slices") or []):
            if not isinstance(s, Mapping):
                raise DataError(f"slices[{i}]: expected a mapping with name and value, got {s!r}")
            v = parse_number(s.get("value"), f"slices[{i}].value")
            out.append((str(s.get("name", "")), v or 0.0, s.get("color")))
    for i, (name, v, _) in enumerate(out):
        if v < 0:
            raise DataError(f"slice {name!r} has a negative value ({v:g}); pie slices must be 0 or more")
    return out


def _arc(cx: float, cy: float, r0: float, r1: float, a0: float, a1: float) -> str:
    """Path data of an annular sector (r0 = 0 gives a pie wedge)."""
    large = 1 if a1 - a0 > math.pi else 0
    x0, y0 = arc_point(cx, cy, r1, a0)
    x1, y1 = arc_point(cx, cy, r1, a1)
    d = f"M{f(x0)} {f(y0)} A{f(r1)} {f(r1)} 0 {large} 1 {f(x1)} {f(y1)}"
    if r0 > 0:
        x2, y2 = arc_point(cx, cy, r0, a1)
        x3, y3 = arc_point(cx, cy, r0, a0)
        d += f" L{f(x2)} {f(y2)} A{f(r0)} {f(r0)} 0 {large} 0 {f(x3)} {f(y3)} Z"
    else:
        d += f" L{f(cx)} {f(cy)} Z"
    return d


def spread(wanted: Sequence[float], heights: Sequence[float], top: float, bottom: float, gap: float) -> list[float]:
    """Top y for each stacked label (sorted by wanted centre) so none overlap and all stay in [top, bottom]."""
    ys = [w - h / 2 for w, h in zip(wanted, heights)]
    for k in range(len(ys)):  # push down
        floor = top if k == 0 else ys[k - 1] + heights[k - 1] + gap
        ys[k] = max(ys[k], floor)
    for k in reversed(range(len(ys))):  # then back up from the bottom edge
        ceiling = bottom - heights[k] if k == len(ys) - 1 else ys[k + 1] - gap - heights[k]
        ys[k] = min(ys[k], ceiling)
    return ys


def draw_donut(box: Box, config: Mapping[str, Any], palette: Sequence[str], measure: Measure,
               theme: Theme | None = None, base_dir: Path | None = None, *, hole: float | None = None) -> Drawing:
    """A donut (hole 0.6 by default) or pie (hole 0) with centre and outside slice labels."""
    theme = Theme.from_config(config, theme)
    hole = float(config.get("hole", 0.6 if hole is None else hole))
    if not 0 <= hole < 1:
        raise SpecError(f"hole must be 0 or more and below 1, got {hole}", path="hole")
    mode = config.get("labels", "name_percent")
    if mode not in LABEL_MODES:
        raise SpecError(f"{mode!r} is not one of {' | '.join(LABEL_MODES)}", path="labels")
    fmt = NumberFormat.parse(config.get("format"))
    size = max(theme.min_text_size, float(config.get("text_size") or theme.text_size) * 0.85)
    slices = slices_from_config(config, base_dir)
    total = sum(v for _, v, _ in slices)
    texts = [_slice_text(n, v, total, mode, fmt) for n, v, _ in slices]
    size, texts = _fit_labels(texts, [v for _, v, _ in slices], total, size, box.height, measure, theme)
    lead = size * 1.2 if mode != "none" else 0.0
    floor_r = min(box.width, box.height) * 0.2
    while True:  # labels on both sides of the smallest pie must still fit the box's width
        dims = [measure(t, size, 400) if t else (0.0, 0.0) for t in texts]
        max_w = max((w for w, _ in dims), default=0.0)
        if 2 * (max_w + lead + size * 0.5 + floor_r) <= box.width or size <= theme.min_text_size:
            break
        size = max(theme.min_text_size, size * 0.95)
        lead = size * 1.2 if mode != "none" else 0.0
    r = min((box.width - 2 * (max_w + lead + size * 0.5)) / 2, box.height / 2 - size * 0.2)
    r = max(r, floor_r)
    cx, cy = box.x + box.width / 2, box.y + box.height / 2
    out = Drawing()
    if total <= 0:
        out.primitives.append(Circle(cx, cy, r * (1 + hole) / 2, stroke=theme.grid, width=r * (1 - hole),
                                     role="empty"))
        _centre(out, config, cx, cy, r * hole, measure, theme)
        return out
    angle = 0.0
    mids = []
    for i, (name, v, own) in enumerate(slices):
        sweep = 2 * math.pi * v / total
        color = color_for(i, own, palette)
        if i == len(slices) - 1 and i > 0 and not own and palette and color == color_for(0, slices[0][2], palette):
            color = palette[(i + 1) % len(palette)]  # the last slice touches the first: never the same colour
        if sweep >= 2 * math.pi - 1e-9:
            out.primitives.append(Circle(cx, cy, r * (1 + hole) / 2, stroke=color, width=r * (1 - hole),
                                         role="slice", key=(i,)))
        elif sweep > 0:
            out.primitives.append(PathShape(_arc(cx, cy, r * hole, r, angle, angle + sweep), fill=color,
                                            stroke=theme.paper, width=1.5, role="slice", key=(i,)))
        mids.append(angle + sweep / 2 if sweep > 0 else None)
        angle += sweep
    if mode != "none":
        _outside_labels(out, texts, dims, mids, cx, cy, r, lead, box, size, theme)
    if hole > 0:
        _centre(out, config, cx, cy, r * hole, measure, theme)
    return out


def draw_pie(box: Box, config: Mapping[str, Any], palette: Sequence[str], measure: Measure,
             theme: Theme | None = None, base_dir: Path | None = None) -> Drawing:
    """A pie chart: a donut without a hole."""
    return draw_donut(box, config, palette, measure, theme, base_dir, hole=0.0)


def _fit_labels(texts: list[str], values: list[float], total: float, size: float, height: float,
                measure: Measure, theme: Theme) -> tuple[float, list[str]]:
    """Shrink slice labels until each side's stack fits the height; then drop the smallest slices' labels."""
    texts = list(texts)
    if total <= 0:
        return size, texts
    mids, angle = [], 0.0
    for v in values:
        sweep = 2 * math.pi * v / total
        mids.append(angle + sweep / 2)
        angle += sweep

    def tallest(s: float) -> float:
        need = [0.0, 0.0]
        for t, m in zip(texts, mids):
            if t:
                need[math.sin(m) < 0] += measure(t, s, 400)[1] + s * 0.25
        return max(need)

    need = tallest(size)
    if need > height:
        size = max(theme.min_text_size, size * height / need)
    order = sorted(range(len(values)), key=lambda k: values[k])
    while tallest(size) > height and any(texts):
        k = next(k for k in order if texts[k])
        texts[k] = ""  # the smallest slices give up their labels first
    return size, texts


def _slice_text(name: str, v: float, total: float, mode: str, fmt: NumberFormat) -> str:
    if mode == "none" or v <= 0:
        return ""
    pct = format_number(100 * v / total if total else 0, NumberFormat("percent", 0, locale=fmt.locale), observe=False)
    value = format_number(v, fmt)
    return {"name_percent": f"{name} {pct}", "name_value": f"{name} {value}", "name": name,
            "percent": pct, "value": value}[mode]


def _outside_labels(out: Drawing, texts, dims, mids, cx, cy, r, lead, box: Box, size, theme) -> None:
    """Labels right of centre for slices whose middle is on the right, left otherwise; leader lines."""
    gap = size * 0.25
    for side in (1, -1):
        idx = [k for k, m in enumerate(mids) if m is not None and texts[k] and (math.sin(m) >= 0) == (side == 1)]
        idx.sort(key=lambda k: arc_point(cx, cy, r + lead, mids[k])[1])
        wanted = [arc_point(cx, cy, r + lead, mids[k])[1] for k in idx]
        heights = [dims[k][1] for k in idx]
        ys = spread(wanted, heights, box.y, box.bottom, gap)
        for k, top in zip(idx, ys):
            w, h = dims[k]
            x0, y0 = arc_point(cx, cy, r, mids[k])
            x1, y1 = arc_point(cx, cy, r + lead * 0.5, mids[k])
            ly = top + h / 2
            lx = cx + side * (r + lead)
            lx = max(lx, x1) if side == 1 else min(lx, x1)
            tx = lx + side * size * 0.3
            # at the minimum size a label may still be too wide: keep it inside the box
            tx = min(tx, box.right - w) if side == 1 else max(tx, box.x + w)
            label = make_label(texts[k], tx, top, _fixed(w, h), size=size, role="slice",
                               color=theme.ink, anchor="start" if side == 1 else "end", key=(k,))
            out.labels.append(label)
            out.primitives.append(PathShape(f"M{f(x0)} {f(y0)} L{f(x1)} {f(y1)} L{f(lx)} {f(ly)}",
                                            stroke=theme.muted, width=1, role="leader", key=(k,)))


def _fixed(w: float, h: float) -> Measure:
    return lambda text, size, weight: (w, h)


def _centre(out: Drawing, config: Mapping[str, Any], cx: float, cy: float, inner: float,
            measure: Measure, theme: Theme) -> None:
    """The centre value and its caption, sized to fit the square inscribed in the hole."""
    value, caption = config.get("center"), config.get("center_label")
    if value is None and caption is None:
        return
    side = inner * 1.3
    labels: list[Label] = []
    big = side * 0.42
    if value is not None:
        text = str(value)
        w, _ = measure(text, big, 700)
        big = min(big, big * side / max(w, 1e-6))
        labels.append(make_label(text, cx, cy, measure, size=big, weight=700, role="center",
                                 color=theme.ink, anchor="middle", valign="bottom" if caption else "middle"))
    if caption is not None:
        small = max(theme.min_text_size, min(big * 0.4, side * 0.16))
        w, _ = measure(str(caption), small, 400)
        small = min(small, small * side / max(w, 1e-6))
        labels.append(make_label(str(caption), cx, cy + (2 if value is not None else 0), measure, size=small,
                                 role="center_label", color=theme.muted, anchor="middle",
                                 valign="top" if value is not None else "middle"))
    out.labels.extend(labels)
