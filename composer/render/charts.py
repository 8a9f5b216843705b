"""Draw chart elements: a Drawing's shapes through templates, its labels through the text engine."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any

from markupsafe import Markup

from composer.charts import icon_markup
from composer.charts.stage import label_family, set_chart_label
from composer.spec.kinds import KIND_OF


def _label(renderer, p, family: str, label) -> Markup:
    """Glyph outlines of one label, set at exactly its size in its box."""
    from composer.render.labels import runs_markup

    runs = set_chart_label(renderer.scene.font_dirs, family, label, p.id).runs
    if label.halo is None:
        return runs_markup(runs)
    from composer.legibility.measure import Halo

    halo = Halo(label.halo[1], label.halo[0], label.halo[2])  # drawn exactly as the legibility stage measured it
    return Markup("".join(halo.svg(r.d) for r in runs)) + runs_markup(runs)


def _shape_dict(s: Any) -> dict:
    d = {f.name: getattr(s, f.name) for f in fields(s)} if is_dataclass(s) else dict(s.__dict__)
    d["kind"] = s.kind
    for k, v in list(d.items()):
        if isinstance(v, float):
            d[k] = round(v, 2)
    if s.kind == "icon":
        d["markup"] = Markup(icon_markup(s))
    return d


def render_infographic(renderer, p, shapes: bool = True, labels: bool = True) -> Markup:
    """SVG for one chart element, from the Drawing the charts stage computed.

    A pass may draw only the shapes (the legibility stage measures the labels on them) or only the
    labels (drawn over that pass's pixels, with the text); the labels-only group has no id.
    """
    el = p.el
    drawing = renderer.scene.charts[p.id]
    family = label_family(renderer.layout)
    label_marks = [_label(renderer, p, family, lab) for lab in drawing.labels] if labels else []
    shape_dicts = [_shape_dict(s) for s in drawing.primitives] if shapes else []
    return renderer._render(f"infographics/{el.type}.svg.j2", p.path, id=el.id if shapes else None, kind=el.type,
                            shapes=shape_dicts, labels=label_marks, opacity=el.opacity, box=p.box)


RENDERERS = {t: render_infographic for t in KIND_OF}
