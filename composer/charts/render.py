"""Draw infographic elements: geometry from this package, shapes through templates, labels through the text engine."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from functools import partial
from typing import Any

from markupsafe import Markup

from composer.core.errors import PlacardError
from composer.charts import draw, icon_markup
from composer.charts.palette import palette_from_brand, theme_from_brand
from composer.spec.charts import KIND_OF
from composer.spec.yamlload import format_path
from composer.core.geometry import Box

COLOR_KEYS = {
    "color", "track", "background", "node_fill", "node_text", "edge_color", "header_fill", "header_text",
    "zebra_fill", "connector_color", "ink", "muted", "grid", "paper", "positive", "negative",
}
SKIP = {"type", "id", "slot", "opacity", "box"}


def _resolve_colors(renderer, value: Any, path: tuple, key: str | None = None) -> Any:
    """Brand colour names and CSS colours in a config become "#RRGGBB" (errors at the spec location)."""
    if isinstance(value, dict):
        if key == "colors":
            return {k: renderer.r.color(v, path + (k,)).hex for k, v in value.items()}
        return {k: _resolve_colors(renderer, v, path + (k,), k) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_colors(renderer, v, path + (i,)) for i, v in enumerate(value)]
    if key in COLOR_KEYS and isinstance(value, str):
        return renderer.r.color(value, path).hex
    return value


def _measure(renderer, family: str, text: str, size: float, weight: int) -> tuple[float, float]:
    """Width of the widest line and the height of all lines at line height 1.2 (the labels' contract)."""
    cache = renderer.state.__dict__.setdefault("_measure_cache", {})
    key = (family, text, round(size, 3), weight)
    if key not in cache:
        from composer.text import TextStyle, measure_text
        from composer.text.typeset import font_library

        lib = font_library(renderer.state.font_dirs)
        style = TextStyle(family=family, weight=weight, size=size, markup=False, wrap="none")
        lines = text.split("\n")
        width = max(measure_text(line, style, lib)[0] for line in lines) if text else 0.0
        cache[key] = (width, size * 1.2 * len(lines))
    return cache[key]


def _label(renderer, p, family: str, label) -> Markup:
    """Glyph outlines of one label, set at exactly its size in its box."""
    from composer.text import TextStyle, set_text
    from composer.render.labels import runs_markup
    from composer.text.typeset import font_library

    lib = font_library(renderer.state.font_dirs)
    b = label.box
    pad = 2.0  # measurement and setting agree; the pad absorbs float rounding at the box edge
    box = Box(b.x - pad, b.y - pad / 2, b.width + 2 * pad, b.height + pad)
    style = TextStyle(family=family, weight=label.weight, size=label.size, color=label.color, align=label.align,
                      wrap="none", line_height=label.line_height, markup=False, valign="top")
    return runs_markup(set_text(label.text, box, style, lib, element_id=f"{p.id}.{label.role}").runs)


def _shape_dict(s: Any) -> dict:
    d = {f.name: getattr(s, f.name) for f in fields(s)} if is_dataclass(s) else dict(s.__dict__)
    d["kind"] = s.kind
    for k, v in list(d.items()):
        if isinstance(v, float):
            d[k] = round(v, 2)
    if s.kind == "icon":
        d["markup"] = Markup(icon_markup(s))
    return d


def render_infographic(renderer, p) -> Markup:
    """SVG for one infographic element placed at p.box."""
    el = p.el
    layout = renderer.layout
    brand_hex = {k: v.hex for k, v in layout.brand.colors.items()}
    raw = el.model_dump(by_alias=True, exclude_none=True, exclude=SKIP)
    config = _resolve_colors(renderer, raw, p.path)
    family = layout.brand.fonts.get("body", ("Inter", 400, "normal"))[0]
    measure = partial(_measure, renderer, family)
    theme = theme_from_brand(brand_hex)
    try:
        drawing = draw(KIND_OF[el.type], p.box, config, palette_from_brand(brand_hex), measure, theme,
                       base_dir=layout.resolver.loaded.base_dir)
    except PlacardError as e:
        if e.location is None:
            e.location = layout.resolver.positions.locate(p.path)
            e.path = format_path(p.path) + ("." + e.path if e.path else "")
        raise
    labels = [_label(renderer, p, family, lab) for lab in drawing.labels]
    shapes = [_shape_dict(s) for s in drawing.primitives]
    renderer.state.__dict__.setdefault("infographic_labels", {})[p.id] = drawing.labels
    return renderer._render(f"infographics/{el.type}.svg.j2", p.path, id=el.id, kind=el.type, shapes=shapes,
                            labels=labels, opacity=el.opacity, box=p.box)


RENDERERS = {t: render_infographic for t in KIND_OF}
