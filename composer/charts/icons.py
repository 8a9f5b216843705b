"""Bundled icons (a Lucide subset, ISC licence in composer/icons/LICENSE), recoloured; icon and icon list kinds."""

from __future__ import annotations

import difflib
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any, Mapping, Sequence

from defusedxml import ElementTree

from composer.core.errors import DataError, SpecError
from composer.core.geometry import Box

from .axes import color_for
from .blocks import BlockLine, block, fits
from .primitives import Circle, Drawing, Icon, Measure, Theme

__all__ = ["draw_icon", "draw_icon_list", "icon_markup", "icon_names", "icon_shapes"]

ICON_DIR = Path(__file__).resolve().parent.parent / "icons"
VIEWBOX = 24.0
# Only geometry survives the copy into a poster: no styles, scripts or references.
_KEEP = {
    "path": ("d",), "circle": ("cx", "cy", "r"), "ellipse": ("cx", "cy", "rx", "ry"),
    "rect": ("x", "y", "width", "height", "rx", "ry"), "line": ("x1", "y1", "x2", "y2"),
    "polyline": ("points",), "polygon": ("points",),
}


@lru_cache(maxsize=1)
def icon_names() -> tuple[str, ...]:
    """Names of every bundled icon, sorted."""
    return tuple(sorted(p.stem for p in ICON_DIR.glob("*.svg")))


def check_icon(name: str, path: str = "icon") -> str:
    """The name if it is a bundled icon, else a SpecError with the closest names."""
    if name in icon_names():
        return name
    close = difflib.get_close_matches(name, icon_names(), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise SpecError(f"unknown icon {name!r}{hint} (the {len(icon_names())} bundled icons are in composer/icons/)",
                    path=path)


@lru_cache(maxsize=None)
def icon_shapes(name: str) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """The icon's shapes as (tag, ((attribute, value), ...)) in a 24 x 24 frame."""
    check_icon(name)
    root = ElementTree.parse(str(ICON_DIR / f"{name}.svg")).getroot()
    shapes = []
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag in _KEEP:
            shapes.append((tag, tuple((a, el.get(a)) for a in _KEEP[tag] if el.get(a) is not None)))
    return tuple(shapes)


def icon_markup(icon: Icon) -> str:
    """SVG markup for an Icon primitive: stroked shapes scaled into its square, in its colour."""
    scale = icon.size / VIEWBOX
    body = "".join(
        f"<{tag} " + " ".join(f'{a}="{escape(v)}"' for a, v in attrs) + "/>" for tag, attrs in icon_shapes(icon.name)
    )
    return (
        f'<g transform="translate({icon.x:.2f} {icon.y:.2f}) scale({scale:.4f})" fill="none" '
        f'stroke="{escape(icon.color)}" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">'
        f"{body}</g>"
    )


def draw_icon(box: Box, config: Mapping[str, Any], palette: Sequence[str], measure: Measure,
              theme: Theme | None = None, base_dir: Path | None = None) -> Drawing:
    """One icon centred in its box, optionally on a tinted disc."""
    theme = Theme.from_config(config, theme)
    name = check_icon(str(config.get("name") or config.get("icon") or ""), "name")
    color = config.get("color") or color_for(0, None, palette)
    side = min(box.width, box.height)
    cx, cy = box.x + box.width / 2, box.y + box.height / 2
    out = Drawing()
    if config.get("background"):
        out.primitives.append(Circle(cx, cy, side / 2, fill=str(config["background"]), role="icon_bg"))
        side *= 0.6
    out.primitives.append(Icon(name, cx - side / 2, cy - side / 2, side, color))
    return out


def draw_icon_list(box: Box, config: Mapping[str, Any], palette: Sequence[str], measure: Measure,
                   theme: Theme | None = None, base_dir: Path | None = None) -> Drawing:
    """Icons with a title and short text, in `columns` columns (1 = a list), shrinking text to fit."""
    theme = Theme.from_config(config, theme)
    items = []
    for i, it in enumerate(config.get("items") or []):
        if not isinstance(it, Mapping):
            raise DataError(f"items[{i}]: expected a mapping with icon, title and text, got {it!r}")
        items.append({"icon": check_icon(str(it.get("icon", "")), f"items[{i}].icon"),
                      "title": str(it.get("title") or ""), "text": str(it.get("text") or ""),
                      "color": it.get("color")})
    cols = max(1, int(config.get("columns", 1)))
    size = float(config.get("text_size") or theme.text_size)
    while True:
        out = _list(box, items, cols, config, palette, measure, theme, size)
        if fits(out.labels, box) or size <= theme.min_text_size:
            return out
        size = max(theme.min_text_size, size * 0.9)


def _list(box, items, cols, config, palette, measure, theme, size) -> Drawing:
    out = Drawing()
    rows = max(1, -(-len(items) // cols))
    cell_w, cell_h = box.width / cols, box.height / rows
    s = float(config.get("icon_size", size * 2.2))
    for i, it in enumerate(items):
        row, col = divmod(i, cols)
        x, y = box.x + col * cell_w, box.y + row * cell_h
        color = it["color"] or color_for(0 if config.get("single_color", True) else i, None, palette)
        if config.get("disc", True):
            out.primitives.append(Circle(x + s / 2, y + s / 2, s / 2, fill=color, opacity=0.14, role="icon_bg", key=(i,)))
        out.primitives.append(Icon(it["icon"], x + s * 0.2, y + s * 0.2, s * 0.6, color, key=(i,)))
        text_x = x + s + size * 0.7
        b = block([BlockLine(it["title"], 1.0, 700, theme.ink, "title"),
                   BlockLine(it["text"], 0.85, 400, theme.muted, "text")],
                  x + cell_w - text_x - size * 0.8, size, measure)
        top = y + max(0.0, (s - b.height) / 2) if b.height < s else y
        out.labels.extend(b.place(text_x, top, size, measure, key=(i,)))
    return out
