"""Draw chart elements: a Drawing's shapes through templates, its labels through the text engine."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any

from markupsafe import Markup

from composer.charts import icon_markup
from composer.charts.stage import label_family
from composer.core.geometry import Box
from composer.spec.charts import KIND_OF


def _label(renderer, p, family: str, label) -> Markup:
    """Glyph outlines of one label, set at exactly its size in its box."""
    from composer.text import TextStyle, set_text
    from composer.render.labels import runs_markup
    from composer.text.typeset import font_library

    lib = font_library(renderer.scene.font_dirs)
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
    """SVG for one chart element, from the Drawing the charts stage computed."""
    el = p.el
    drawing = renderer.scene.charts[p.id]
    family = label_family(renderer.layout)
    labels = [_label(renderer, p, family, lab) for lab in drawing.labels]
    shapes = [_shape_dict(s) for s in drawing.primitives]
    return renderer._render(f"infographics/{el.type}.svg.j2", p.path, id=el.id, kind=el.type, shapes=shapes,
                            labels=labels, opacity=el.opacity, box=p.box)


RENDERERS = {t: render_infographic for t in KIND_OF}
