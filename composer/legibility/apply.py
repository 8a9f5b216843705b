"""Choose text colours and keep every text legible, measured on the real pixels under its glyphs.

For each text element: render everything except text once, rasterise the text's own glyph ink,
then let `composer.legibility.measure` pick a colour (`color: auto`) and apply the element's policy
(auto | strict | off). Fixes come back as primitives (a scrim under the text, a halo stroke) that
the renderer draws exactly as they were composited for the measurement.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol

import numpy as np
import numpy.typing as npt
from markupsafe import Markup

from composer.legibility import measure as L
from composer.core.colour import RGBA, parse_color
from composer.core.errors import Location
from composer.layout.resolve import Layout, Placed
from composer.spec.loader import LoadedSpec
from composer.text import GlyphRun, TextBlock
from composer.text.style import ELEMENT_COLOR
from composer.spec.yamlload import format_path
from composer.core.geometry import Box

if TYPE_CHECKING:
    from composer.charts import Drawing
    from composer.legibility.chartlabels import ChartLabels

BAND_PAD = 24


def policy_for(loaded: LoadedSpec, p: Placed) -> tuple[str, float, float]:
    """The element's policy and its body/large contrast targets (spec-level defaults, overridable)."""
    spec_leg = loaded.spec.legibility
    policy, body, large = (spec_leg, 4.5, 3.0) if isinstance(spec_leg, str) else (spec_leg.policy, spec_leg.body, spec_leg.large)
    return p.el.legibility or policy, body, large


def recolor(block: TextBlock, new: RGBA) -> TextBlock:
    """The block with its element-colour runs in `new` (span colours stay); blocks are shared, so copy."""
    new_css = new.css()
    runs = [GlyphRun(r.d, new_css if r.fill == ELEMENT_COLOR else r.fill) for r in block.runs]
    return replace(block, runs=runs, style=replace(block.style, color=new_css))


class CanvasPixels(Protocol):
    """The canvas as drawn without text (render.raster.Pixels): an (H, W, 3) RGB view."""

    @property
    def rgb(self) -> npt.NDArray[np.uint8]: ...


@dataclass(frozen=True)
class Legibility:
    """The legibility stage's result: each text's colour and fixes, its figures, and the canvas without text."""

    texts: dict[str, TextBlock]  # text id -> the block in its final colour
    colors: dict[str, RGBA] = field(default_factory=dict)
    underlays: dict[str, tuple[Markup, ...]] = field(default_factory=dict)  # scrims drawn just below a text
    halos: dict[str, tuple[RGBA, float]] = field(default_factory=dict)  # text id -> halo colour, width
    figures: dict[str, dict] = field(default_factory=dict)  # text id -> measures for the report
    under: CanvasPixels | None = None  # everything but the text, as drawn (the final raster may draw its text on it, in place)
    chart_labels: ChartLabels | None = None  # the charts in their final colours, each label's contrast

    @property
    def charts(self) -> dict[str, Drawing]:
        """Chart id -> its Drawing with every label in its final colour (empty without charts)."""
        return self.chart_labels.charts if self.chart_labels is not None else {}


def apply(loaded: LoadedSpec, layout: Layout, texts_set: dict[str, TextBlock], pixels: CanvasPixels | None) -> Legibility:
    """Resolve colours and apply legibility policies, measured on `pixels`: the canvas drawn without text."""
    texts = layout.text_elements()
    blocks = dict(texts_set)
    if not texts or pixels is None:  # (charts alone: their labels are drawn over `pixels` too)
        return Legibility(blocks, under=pixels)
    c = layout.canvas
    under = pixels.rgb  # an RGB view of cairo's BGRA pixels: no conversion, no copy
    colors: dict[str, RGBA] = {}
    underlays: dict[str, tuple[Markup, ...]] = {}
    halos: dict[str, tuple[RGBA, float]] = {}
    results: dict[str, dict] = {}
    palette = {name: col.hex for name, col in layout.brand.colors.items()}
    dpi = c.dpi if c.physical else 96.0
    for p in texts:
        el = p.el
        block = blocks[p.id]
        policy, body, large_target = policy_for(loaded, p)
        # Work on the band of rows around the text: the measures only look near the glyphs, and a
        # full-width band keeps the full-width gradient scrim possible.
        box = p.frame
        y0 = min(c.height, max(0, int(box.y) - BAND_PAD))
        y1 = max(y0, min(c.height, int(np.ceil(box.bottom)) + BAND_PAD))  # text below the canvas: an empty band
        under_b = under[y0:y1]
        box_b = Box(box.x, box.y - y0, box.width, box.height)
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
            underlays[p.id] = (Markup(scrim.svg(f"{p.id}-scrim")),)
        if result.halo is not None:
            halos[p.id] = (RGBA(*parse_color(result.halo.color).rgb, result.halo.opacity), result.halo.width)
        _warn_fix(result, el.color, format_path(p.path), location)
        colors[p.id] = color
        blocks[p.id] = recolor(block, color)
        report = result.as_dict()
        if report.get("scrim"):
            report["scrim"]["y"] = report["scrim"]["y"] + y0
        report.update({"decorative": el.legibility == "off", "large_text": large,
                       "size_pt": round(block.size * 72 / dpi, 2), "rea": report["before"].get("rea")})
        results[p.id] = report
    return Legibility(blocks, colors, underlays, halos, results, pixels)


def _warn_fix(result: L.FixResult, asked: str, path: str, location: Location | None) -> None:
    """legibility: auto changed what the spec asked for: say what, and the contrast before and after."""
    from composer.core.warnings import warn

    ratios = f"contrast {L._floor2(result.before.contrast_p5):.2f}:1 -> {L._floor2(result.after.contrast_p5):.2f}:1, target {result.target:g}:1"
    if result.action == "color":
        name = f" ({result.color_name})" if result.color_name else ""
        warn("colour-adjusted", f"text colour {asked!r} changed to {result.color}{name} for legibility ({ratios})",
             location=location, path=path + ".color")
    elif result.action == "scrim" and result.scrim is not None:
        warn("scrim-added", f"a {result.scrim.kind} scrim ({result.scrim.color}, opacity {result.scrim.opacity:g}) was "
             f"drawn under the text for legibility ({ratios})", location=location, path=path + ".color")
    elif result.action == "halo" and result.halo is not None:
        warn("halo-added", f"a {result.halo.width:g} px halo ({result.halo.color}) was drawn around the glyphs for "
             f"legibility ({ratios})", location=location, path=path + ".color")
    elif result.action == "unmet":
        warn("contrast-unmet", f"the text stays below its contrast target even with a halo ({ratios})",
             location=location, path=path + ".color")


def ink_mask(paths: list[str], width: int, height: int, box: Box, pad: int = 12, offset: tuple[float, float] = (0, 0)) -> npt.NDArray[np.float32]:
    """Glyph coverage (H, W) in [0, 1], rasterised only in a window around the box (fast).

    `offset` is where this array's origin sits in the paths' coordinates (for a band of rows).
    """
    out = np.zeros((height, width), np.float32)
    x0, y0 = max(0, int(box.x) - pad), max(0, int(box.y) - pad)
    x1, y1 = min(width, int(np.ceil(box.right)) + pad), min(height, int(np.ceil(box.bottom)) + pad)
    if x1 <= x0 or y1 <= y0 or not paths:
        return out
    return L.draw_ink(paths, out, (x0, y0, x1 - x0, y1 - y0), offset)
