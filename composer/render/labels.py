"""Text drawn by the render stage itself: template `text(...)` labels and glyph runs as SVG paths."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from markupsafe import Markup

from composer.core.errors import SpecError
from composer.core.geometry import Box
from composer.layout.resolve import Layout, Placed
from composer.text.typeset import font_library


def runs_markup(runs: Any) -> Markup:
    """SVG <path> elements for glyph runs, colour and opacity split as SVG wants them."""
    from composer.core.colour import parse_color

    out = []
    for run in runs:
        c = parse_color(run.fill)
        out.append(f'<path d="{run.d}" fill="{c.hex}"' + (f' fill-opacity="{c.a:g}"' if c.a < 1 else "") + "/>")
    return Markup("".join(out))


def set_label(layout: Layout, font_dirs: tuple[Path, ...], p: Placed, text: str, box: Box, style: dict[str, Any]) -> Markup:
    """Set a label for a template's `text(...)` call and return its glyph paths."""
    from composer.text import TextStyle, set_text

    r = layout.resolver
    color = r.color(style.pop("color", "ink"), p.path + ("params",))
    family = style.pop("family", "body")
    if family in layout.brand.fonts:
        fam, w, s = layout.brand.fonts[family]
        family = fam
        style.setdefault("weight", w)
    allowed = set(TextStyle.__dataclass_fields__) - {"family", "color", "span_colors"}
    unknown = set(style) - allowed
    if unknown:
        raise SpecError(f"text() got unknown options {sorted(unknown)}; allowed: {', '.join(sorted(allowed))}", location=r.positions.locate(p.path))
    ts = TextStyle(family=family, color=color.css(), span_colors={k: v.css() for k, v in layout.brand.colors.items()}, **style)
    block = set_text(text, box, ts, font_library(font_dirs), element_id=p.id)
    return runs_markup(block.runs) + Markup(block.color_svg)
