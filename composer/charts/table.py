"""Comparison tables: a header row, zebra rows, check and cross marks, per-column alignment."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Sequence

from composer.core.errors import DataError, SpecError
from composer.core.geometry import Box

from .axes import color_for
from .data import load_table, parse_number
from .numbers import format_number
from .primitives import Drawing, Icon, Measure, Rect, Theme, make_label, readable_on, wrap_text

__all__ = ["draw_table", "table_from_config"]

_TRUE = {"true", "yes", "y", "\u2713", "\u2714", "x"}
_FALSE = {"false", "no", "n", "\u2717", "\u2718", "-", "\u2014"}
ALIGNS = ("left", "center", "right")


def _mark(value: Any) -> bool | None:
    """True/False for a check or cross cell, None for ordinary content."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE and text != "x":
            return True
        if text in _FALSE and text not in ("-", "\u2014"):
            return False
    return None


def table_from_config(config: Mapping[str, Any], base_dir: Path | None) -> tuple[list[dict], list[list[Any]]]:
    """Column specs ({title, key, align, format}) and rows of cells from inline `rows` or a data file."""
    raw_cols = config.get("columns")
    if config.get("data") is not None:
        table = load_table(config["data"], base_dir)
        raw_cols = raw_cols or table.columns
        keys = [c if isinstance(c, str) else str(c.get("key") or c.get("title")) for c in raw_cols]
        for k in keys:
            table.column(k)
        rows = [[r.get(k) for k in keys] for r in table.rows]
    else:
        rows = []
        keys = [c if isinstance(c, str) else str(c.get("key") or c.get("title") or "") for c in raw_cols or []]
        for i, r in enumerate(config.get("rows") or []):
            if isinstance(r, Mapping):
                rows.append([r.get(k) for k in keys])
            elif isinstance(r, list):
                if raw_cols and len(r) != len(keys):
                    raise DataError(f"rows[{i}] has {len(r)} cells but there are {len(keys)} columns")
                rows.append(list(r))
            else:
                raise DataError(f"rows[{i}]: expected a list of cells or a mapping, got {r!r}")
    if not raw_cols:
        raw_cols = [""] * max((len(r) for r in rows), default=0)
    columns = []
    for j, c in enumerate(raw_cols):
        spec = {"title": c} if isinstance(c, str) else dict(c)
        spec.setdefault("title", spec.get("key", ""))
        cells = [r[j] for r in rows if j < len(r)]
        numeric = bool(cells) and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) or _is_number(v) for v in cells if v not in (None, ""))
        marks = bool(cells) and all(_mark(v) is not None for v in cells if v not in (None, ""))
        default = "center" if marks else ("right" if numeric and j > 0 else "left")
        spec["align"] = spec.get("align") or default
        if spec["align"] not in ALIGNS:
            raise SpecError(f"{spec['align']!r} is not one of {' | '.join(ALIGNS)}", path=f"columns[{j}].align")
        spec["numeric"] = numeric
        columns.append(spec)
    return columns, rows


def _is_number(v: Any) -> bool:
    try:
        return parse_number(v, "") is not None
    except DataError:
        return False


def _cell_text(v: Any, col: Mapping[str, Any]) -> str:
    if v is None:
        return ""
    if col.get("numeric") and col.get("format") is not None:
        number = parse_number(v, col["title"])  # None for a blank cell, which a numeric column allows
        return "" if number is None else format_number(number, col["format"])
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def draw_table(box: Box, config: Mapping[str, Any], palette: Sequence[str], measure: Measure,
               theme: Theme | None = None, base_dir: Path | None = None) -> Drawing:
    """Columns sized to their content and the box width; text shrinks until the table fits."""
    theme = Theme.from_config(config, theme)
    columns, rows = table_from_config(config, base_dir)
    size = float(config.get("text_size") or theme.text_size)
    while True:
        out, height = _draw(box, columns, rows, config, palette, measure, theme, size)
        if height <= box.height + 0.5 or size <= theme.min_text_size:
            return out
        size = max(theme.min_text_size, size * 0.92)


def _draw(box, columns, rows, config, palette, measure, theme, size):
    out = Drawing()
    pad_x, pad_y = size * 0.7, size * 0.45
    header_color = config.get("header_fill") or color_for(0, None, palette)
    use_marks = config.get("marks", True)
    texts = [[("" if use_marks and _mark(v) is not None else _cell_text(v, c)) for v, c in zip(r, columns)]
             for r in rows]
    natural = []
    for j, c in enumerate(columns):
        widths = [measure(c["title"], size, 700)[0]] + [measure(t[j], size, 400)[0] for t in texts if j < len(t)]
        natural.append(max(widths + [size * 1.2]) + 2 * pad_x)
    total = sum(natural) or 1.0
    widths = [w * box.width / total for w in natural]  # share the box in proportion to content
    xs = [box.x + sum(widths[:j]) for j in range(len(widths))]
    y = box.y

    def row(cells: list[str], weight: int, color: str, role: str, key: tuple, marks: list | None = None) -> float:
        wrapped = [wrap_text(t, widths[j] - 2 * pad_x, size, weight, measure) for j, t in enumerate(cells)]
        line_h = measure("Ag", size, weight)[1]
        h = max([measure(t, size, weight)[1] for t in wrapped if t] + [line_h]) + 2 * pad_y
        for j, t in enumerate(wrapped):
            align = columns[j]["align"] if j < len(columns) else "left"
            x, anchor = {"left": (xs[j] + pad_x, "start"), "center": (xs[j] + widths[j] / 2, "middle"),
                         "right": (xs[j] + widths[j] - pad_x, "end")}[align]
            mark = marks[j] if marks else None
            if mark is not None:
                s = size * 1.1
                left = {"start": x, "middle": x - s / 2, "end": x - s}[anchor]
                out.primitives.append(Icon("check" if mark else "x", left, y + (h - s) / 2, s,
                                           theme.positive if mark else theme.negative, role="mark",
                                           key=(*key, j)))
            elif t:
                out.labels.append(make_label(t, x, y + pad_y, measure, size=size, weight=weight, role=role,
                                             color=color, anchor=anchor, key=(*key, j)))
        return h

    header_start = len(out.primitives)
    hh = row([c["title"] for c in columns], 700, config.get("header_text") or readable_on(header_color, theme), "header", (0,))
    out.primitives.insert(header_start, Rect(box.x, y, box.width, hh, fill=header_color,
                                             radius=float(config.get("radius", 0)), role="header"))
    y += hh
    for i, (r, t) in enumerate(zip(rows, texts)):
        start = len(out.primitives)
        marks = [(_mark(v) if use_marks else None) for v in r]
        h = row(t, 400, theme.ink, "cell", (i + 1,), marks)
        if i % 2 == 1 and config.get("zebra", True):
            out.primitives.insert(start, Rect(box.x, y, box.width, h, fill=config.get("zebra_fill") or theme.grid,
                                              opacity=0.6, role="zebra", key=(i + 1,)))
        y += h
    return out, y - box.y
