"""Choose text colours and keep text legible, measured on the real pixels under each text."""

from __future__ import annotations

from typing import Any

import numpy as np
from markupsafe import Markup
from PIL import Image

from composer.colors import RGBA, parse_color
from composer.layout import Layout, Placed
from composer.loader import LoadedSpec
from generator.metrics import contrast_ratio, relative_luminance


def apply(loaded: LoadedSpec, layout: Layout, state: Any, renderer: Any, background: Image.Image | None, lib: Any) -> dict[str, dict]:
    """Resolve `color: auto` and brand colours for every text; returns per-text legibility figures."""
    from composer import typeset

    texts = layout.text_elements()
    results: dict[str, dict] = {}
    if not texts:
        return results
    under = _under_text(layout, state, renderer, background)
    for p in texts:
        el = p.el
        if el.color == "auto":
            color = _best_color(layout, under, p)
        else:
            color = layout.resolver.color(el.color, p.path + ("color",))
        state.text_colors[p.id] = color
        block = state.text_blocks[p.id]
        if any(parse_color(r.fill).rgb != color.rgb for r in block.runs[:1]) or color.a < 1:
            state.text_blocks[p.id] = typeset.set_element(layout, p, color, lib)
        region = _crop(under, p.box)
        results[p.id] = {"mean_contrast": round(float(_ratio(region, color).mean()), 2) if region.size else None}
    return results


def _under_text(layout: Layout, state: Any, renderer: Any, background: Image.Image | None) -> np.ndarray:
    """The canvas as it looks without any text: background and every other element."""
    from composer.outputs import rasterize

    c = layout.canvas
    saved = renderer.RENDERERS
    renderer.RENDERERS = {**saved, "text": lambda self, p: Markup("")}
    try:
        body = renderer.body()
    finally:
        renderer.RENDERERS = saved
    doc = renderer.document(body, view="trim", background_href=None, title="", desc="", metadata={}, has_raster=background is not None)
    base = background.crop((int(c.bleed), int(c.bleed), int(c.bleed) + c.width, int(c.bleed) + c.height)) if background is not None else None
    return np.asarray(rasterize(doc, c.width, c.height, base, dpi=c.dpi))


def _crop(under: np.ndarray, box: Any) -> np.ndarray:
    h, w = under.shape[:2]
    x0, y0 = max(0, int(box.x)), max(0, int(box.y))
    x1, y1 = min(w, int(np.ceil(box.right))), min(h, int(np.ceil(box.bottom)))
    return under[y0:y1, x0:x1]


def _ratio(region: np.ndarray, color: RGBA) -> np.ndarray:
    return contrast_ratio(relative_luminance(region.reshape(-1, 3)), relative_luminance(np.array(color.rgb, np.uint8)))


def _best_color(layout: Layout, under: np.ndarray, p: Placed) -> RGBA:
    """The brand colour whose 5th-percentile contrast over the box is highest."""
    region = _crop(under, p.box)
    if region.size == 0:
        return layout.brand.colors.get("ink", parse_color("#111111"))
    sample = region.reshape(-1, 3)[:: max(1, region.size // 3 // 20000)]
    best, best_score = None, -1.0
    for name, c in layout.brand.colors.items():
        score = float(np.percentile(_ratio(sample.reshape(-1, 1, 3), c), 5))
        if score > best_score:
            best, best_score = c, score
    return best
