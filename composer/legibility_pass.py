"""Choose text colours and keep every text legible, measured on the real pixels under its glyphs.

For each text element: render everything except text once, rasterise the text's own glyph ink,
then let `composer.legibility` pick a colour (`color: auto`) and apply the element's policy
(auto | strict | off). Fixes come back as primitives (a scrim under the text, a halo stroke) that
the renderer draws exactly as they were composited for the measurement.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from markupsafe import Markup
from PIL import Image

from composer import legibility as L
from composer.colors import RGBA, parse_color
from composer.layout import Layout, Placed
from composer.loader import LoadedSpec
from composer.text import GlyphRun
from composer.yamlload import format_path
from generator.base import Box

BAND_PAD = 24


def policy_for(loaded: LoadedSpec, p: Placed) -> tuple[str, float, float]:
    """The element's policy and its body/large contrast targets (spec-level defaults, overridable)."""
    spec_leg = loaded.spec.legibility
    policy, body, large = (spec_leg, 4.5, 3.0) if isinstance(spec_leg, str) else (spec_leg.policy, spec_leg.body, spec_leg.large)
    return p.el.legibility or policy, body, large


def recolor(block: Any, old: RGBA, new: RGBA) -> Any:
    """The block with its base-colour runs in `new` (span colours stay); blocks are shared, so copy."""
    old_css, new_css = old.css(), new.css()
    if old_css == new_css:
        return block
    runs = [GlyphRun(r.d, new_css if r.fill == old_css else r.fill) for r in block.runs]
    return replace(block, runs=runs, style=replace(block.style, color=new_css))


def apply(loaded: LoadedSpec, layout: Layout, state: Any, renderer: Any, background: Image.Image | None,
          provisional: RGBA) -> dict[str, dict]:
    """Resolve colours and apply legibility policies; returns each text's figures for the report."""

    texts = layout.text_elements()
    results: dict[str, dict] = {}
    if not texts:
        return results
    c = layout.canvas
    under, state.under_bgra = under_text(layout, renderer, background)
    state.under = under  # the pipeline reuses its pixels as the base of the final raster when it can
    palette = {name: col.hex for name, col in layout.brand.colors.items()}
    dpi = c.dpi if c.physical else 96.0
    for p in texts:
        el = p.el
        block = state.text_blocks[p.id]
        policy, body, large_target = policy_for(loaded, p)
        # Work on the band of rows around the text: the measures only look near the glyphs, and a
        # full-width band keeps the full-width gradient scrim possible.
        y0 = min(c.height, max(0, int(p.box.y) - BAND_PAD))
        y1 = max(y0, min(c.height, int(np.ceil(p.box.bottom)) + BAND_PAD))  # text below the canvas: an empty band
        under_b = under[y0:y1]
        box_b = Box(p.box.x, p.box.y - y0, p.box.width, p.box.height)
        ink = ink_mask([r.d for r in block.runs], c.width, y1 - y0, box_b, offset=(0, y0))
        if el.color == "auto":
            name, hx, _ = L.pick_color(under_b, ink, palette, box_b)
            color = layout.brand.colors[name]
        else:
            color = layout.resolver.color(el.color, p.path + ("color",))
        large = L.is_large_text(block.size, block.style.weight, dpi)
        target = el.contrast_target or L.target_ratio(large, large_target if large else body)
        location = layout.resolver.positions.locate(p.path + ("color",))
        result = L.fix(under_b, ink, box_b, color.hex, palette, target, policy, element_id=p.id,
                       path=format_path(p.path), location=location)
        if result.color.upper() != color.hex.upper():
            color = RGBA(*parse_color(result.color).rgb, color.a)
        if result.scrim is not None:
            scrim = replace(result.scrim, y=result.scrim.y + y0)
            state.underlays.setdefault(p.id, []).append(Markup(scrim.svg(f"{p.id}-scrim")))
        if result.halo is not None:
            state.halos[p.id] = (RGBA(*parse_color(result.halo.color).rgb, result.halo.opacity), result.halo.width)
        state.text_colors[p.id] = color
        state.text_blocks[p.id] = recolor(block, provisional, color)
        report = result.as_dict()
        if report.get("scrim"):
            report["scrim"]["y"] = report["scrim"]["y"] + y0
        report.update({"decorative": el.legibility == "off", "large_text": large,
                       "size_pt": round(block.size * 72 / dpi, 2), "rea": report["before"].get("rea")})
        results[p.id] = report
    return results


def under_text(layout: Layout, renderer: Any, background: Image.Image | None) -> tuple[np.ndarray, Any]:
    """The canvas (trim, RGB uint8) as it looks without any text, and cairo's raw pixels of it."""
    from composer.outputs import rasterize

    c = layout.canvas
    saved = renderer.RENDERERS
    renderer.RENDERERS = {**saved, "text": lambda self, p: Markup("")}
    try:
        body = renderer.body()
    finally:
        renderer.RENDERERS = saved
    doc = renderer.document(body, view="trim", background_href=None, title="", desc="", metadata={},
                            has_raster=background is not None)
    base = background.crop((int(c.bleed), int(c.bleed), int(c.bleed) + c.width, int(c.bleed) + c.height)) if background is not None else None
    pixels = rasterize(doc, c.width, c.height, base, dpi=c.dpi, raw=True)
    return pixels.rgb, pixels  # an RGB view of cairo's BGRA pixels: no conversion, no copy


def ink_mask(paths: list[str], width: int, height: int, box: Any, pad: int = 12, offset: tuple[float, float] = (0, 0)) -> np.ndarray:
    """Glyph coverage (H, W) in [0, 1], rasterised only in a window around the box (fast).

    `offset` is where this array's origin sits in the paths' coordinates (for a band of rows).
    """
    import cairocffi as cairo
    from cairosvg.parser import Tree
    from cairosvg.surface import PNGSurface

    out = np.zeros((height, width), np.float32)
    x0, y0 = max(0, int(box.x) - pad), max(0, int(box.y) - pad)
    x1, y1 = min(width, int(np.ceil(box.right)) + pad), min(height, int(np.ceil(box.bottom)) + pad)
    if x1 <= x0 or y1 <= y0 or not paths:
        return out
    w, h = x1 - x0, y1 - y0
    body = "".join(f'<path d="{d}"/>' for d in paths)
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
           f'viewBox="{x0 + offset[0]} {y0 + offset[1]} {w} {h}">{body}</svg>')
    surface = PNGSurface(Tree(bytestring=svg.encode()), None, 96)
    surface.cairo.flush()
    stride = surface.cairo.get_stride()
    data = np.frombuffer(surface.cairo.get_data(), np.uint8).reshape(h, stride)[:, : w * 4].reshape(h, w, 4)
    out[y0:y1, x0:x1] = data[..., 3].astype(np.float32) / 255.0
    del cairo
    return out


def _extent(p: Placed, layout: Layout) -> Box | None:
    """The area an element can paint, or None when it cannot be bounded cheaply (play safe)."""
    if p.kind == "line":
        r, c = layout.resolver, layout.canvas
        pts = [(r.length(x, p.path, c.width), r.length(y, p.path, c.height)) for x, y in p.el.points]
        xs, ys = [x for x, _ in pts], [y for _, y in pts]
        pad = p.el.width
        return Box(min(xs) - pad, min(ys) - pad, max(xs) - min(xs) + 2 * pad, max(ys) - min(ys) + 2 * pad)
    return p.box


def _overlap(a: Box, b: Box) -> bool:
    return a.x < b.right and b.x < a.right and a.y < b.bottom and b.y < a.bottom


def text_is_on_top(layout: Layout, state: Any) -> bool:
    """Whether drawing every text over `state.under` equals drawing the list in z-order.

    True when no non-text element that comes after a text in the list paints where that text
    (with its scrim and halo) paints. Then the final raster needs only the text drawn over the
    legibility pass's render, not a second render of every shape, chart and image.
    """
    if getattr(state, "under", None) is None:
        return False
    order = [p for p in layout.walk() if p.kind not in ("group", "stack")]
    texts_so_far: list[Box] = []
    for p in order:
        if p.kind == "text":
            block = state.text_blocks[p.id]
            b = block.ink_box if block.lines else p.box
            grow = 64.0 if (p.id in state.underlays or p.id in state.halos) else 4.0
            texts_so_far.append(Box(b.x - grow, b.y - grow, b.width + 2 * grow, b.height + 2 * grow))
            continue
        if not texts_so_far:
            continue
        extent = _extent(p, layout)
        if extent is None or any(_overlap(extent, t) for t in texts_so_far):
            return False
    return True
