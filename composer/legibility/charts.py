"""Chart legibility on the real pixels: the ground under each chart, and every label measured on it.

Two steps, both on renders the pipeline hands in (this stage does not draw):

1. `fit_charts`: the ground under each chart (everything below it drawn, no text, no chart) picks
   the chart's neutral and series colours (composer.charts.ground), and the chart is drawn again
   in them. Colours the spec or brand named are warned about when they change.
2. `fix_labels`: each chart label (axis ticks, categories, legends, slice labels, table cells and
   headers, node labels, stat numbers and captions, every kind in KINDS) is set, its glyph ink
   rasterised, and its contrast measured on the pixels around the glyphs, as for a text element.
   Under `legibility: auto` a label below its target is drawn in the nearest colour that meets it
   (`chart-colour-adjusted`); `strict` and `off` leave it, and `LabelCheck` records the figures
   for the report, lint and the build's strict check.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from composer.core.colour import parse_color
from composer.core.errors import LegibilityError, PlacardError
from composer.core.geometry import Box, bounds
from composer.layout.resolve import Layout, Placed
from composer.legibility import measure as L
from composer.legibility.apply import BAND_PAD, CanvasPixels, ink_mask, policy_for
from composer.legibility.chartlabels import ChartLabels, LabelCheck
from composer.spec.kinds import KIND_OF
from composer.spec.loader import LoadedSpec
from composer.spec.yamlload import format_path

if TYPE_CHECKING:
    from composer.charts import Drawing, Label
    from composer.charts.ground import Ground

__all__ = ["ChartLabels", "LabelCheck", "chart_grounds", "fit_charts", "fix_labels", "raise_strict"]

_SAMPLES = 40_000  # pixels sampled per chart box for its ground (a stride keeps big boxes cheap)


def _charts(layout: Layout) -> list[Placed]:
    return [p for p in layout.walk() if p.kind in KIND_OF]


def chart_grounds(layout: Layout, pixels: CanvasPixels) -> dict[str, Ground]:
    """The ground under each chart: the median colour of its box on `pixels` (the canvas without charts or text)."""
    from composer.charts.ground import Ground, ground_of

    rgb = pixels.rgb
    h, w = rgb.shape[:2]
    out = {}
    for p in _charts(layout):
        box = p.frame
        x0, y0 = max(0, int(box.x)), max(0, int(box.y))
        x1, y1 = min(w, int(np.ceil(box.right))), min(h, int(np.ceil(box.bottom)))
        if x1 <= x0 or y1 <= y0:
            out[p.id] = Ground("#FFFFFF")
            continue
        step = max(1, int(np.sqrt((x1 - x0) * (y1 - y0) / _SAMPLES)))
        out[p.id] = ground_of(np.ascontiguousarray(rgb[y0:y1:step, x0:x1:step]))
    return out


def fit_charts(loaded: LoadedSpec, layout: Layout, charts: dict[str, Drawing], grounds: dict[str, Ground],
               font_dirs: tuple[Path, ...]) -> dict[str, Drawing]:
    """Each chart drawn again with its colours chosen against its ground (under its legibility policy)."""
    from composer.charts.stage import chart_measure, draw_chart

    measure = chart_measure(layout, font_dirs)
    out = dict(charts)
    for p in _charts(layout):
        policy = policy_for(loaded, p)[0]
        if p.id in grounds and policy != "off":
            out[p.id] = draw_chart(layout, p, measure, grounds[p.id], policy)
    return out


def _candidates(layout: Layout) -> dict[str, str]:
    """The colours a label may switch to: the brand's, then white and black."""
    out = {name: c.hex.upper() for name, c in layout.brand.colors.items()}
    return {**out, **{k: v for k, v in (("white", "#FFFFFF"), ("black", "#000000")) if v not in out.values()}}


def _lightness_steps(asked: str, dark: bool) -> list[str]:
    """The asked colour lightened (on dark pixels) or darkened, hue and saturation kept, in 32 steps."""
    import colorsys

    h, light, s = colorsys.rgb_to_hls(*(L._rgb(asked) / 255.0))
    end = 1.0 if dark else 0.0
    return [L._hex(np.array(colorsys.hls_to_rgb(h, light + (end - light) * k / 32, s)) * 255.0) for k in range(1, 33)]


def _group_colour(lums: list[np.ndarray], asked: str, candidates: dict[str, str], target: float) -> str | None:
    """One colour for labels that were drawn alike: the asked hue made lighter or darker, else the
    candidate nearest the asked colour, that meets the target around every one of them."""
    def worst(hx: str) -> float:
        return min(L._stats(lum, L._rgb(hx))[0] for lum in lums)

    dark = float(np.median(np.concatenate(lums))) < 0.179 if lums else True
    for cand in _lightness_steps(asked, dark):
        if worst(cand) >= target:
            return cand
    a = L._rgb(asked)
    meeting = [(float(np.sum((L._rgb(hx) - a) ** 2)), hx) for hx in candidates.values() if worst(hx) >= target]
    return min(meeting)[1] if meeting else None


def _best_colour(lum: np.ndarray, asked: str, candidates: dict[str, str]) -> tuple[str, float]:
    """When nothing meets the target: the candidate (or the asked hue at either end) with most contrast."""
    options = [*candidates.values(), _lightness_steps(asked, True)[-1], _lightness_steps(asked, False)[-1]]
    return max(((L._stats(lum, L._rgb(hx))[0], hx) for hx in options))[::-1]


def _halo(ring: np.ndarray, color: str, target: float) -> tuple[tuple[str, float, float], float] | None:
    """The lightest halo (black or white, as measure.fix draws it) that brings the label to its target.

    The halo's stroke covers the whole measured ring, so the ring becomes the halo colour composited
    at its opacity over the pixels there.
    """
    text = L._rgb(color)
    shade = L._rgb(L._contrasting({}, text, target + L.SAFETY))

    def ratio_at(a: float) -> float:
        return L._stats(L.relative_luminance(L._composite(ring, np.ones(len(ring)) * a, shade)), text)[0]

    opacity = L._search(ratio_at, target + L.SAFETY)
    if opacity is None:
        return None
    return (L._hex(shade), float(2 * L.RING_RADIUS + 3), opacity), ratio_at(opacity)


def _measure_labels(under: np.ndarray, labels: list[Label], runs: list[list[str]]) -> list[np.ndarray]:
    """RGB (float) of the pixels around each label's glyphs (its ring), on the pixels under the labels.

    The glyphs of all the labels are rasterised at once, in the band of rows they span; each label
    then keeps the ink inside its own box (labels never overlap: a kind's contract).
    """
    if not labels:
        return []
    h, w = under.shape[:2]
    ext = bounds([v for lab in labels for v in (lab.box.x, lab.box.right)],
                 [v for lab in labels for v in (lab.box.y, lab.box.bottom)])
    y0 = min(h, max(0, int(ext.y) - BAND_PAD))
    y1 = max(y0, min(h, int(np.ceil(ext.bottom)) + BAND_PAD))
    band = under[y0:y1]
    ink = ink_mask([d for r in runs for d in r], w, y1 - y0, Box(ext.x, ext.y - y0, ext.width, ext.height), offset=(0, y0))
    out = []
    grow = 4  # px of ink kept around a label's box (its set box is padded by 2)
    for lab in labels:
        # a crop around the label: its own ink, and room for the ring around it
        cx0, cy0 = max(0, int(lab.box.x) - grow - L.RING_RADIUS - 2), max(0, int(lab.box.y) - y0 - grow - L.RING_RADIUS - 2)
        cx1 = min(w, int(np.ceil(lab.box.right)) + grow + L.RING_RADIUS + 2)
        cy1 = min(y1 - y0, int(np.ceil(lab.box.bottom)) - y0 + grow + L.RING_RADIUS + 2)
        box = Box(lab.box.x - cx0, lab.box.y - y0 - cy0, lab.box.width, lab.box.height)
        own = np.zeros((max(0, cy1 - cy0), max(0, cx1 - cx0)), np.float32)
        ys = slice(max(0, int(box.y) - grow), max(0, int(np.ceil(box.bottom)) + grow))
        xs = slice(max(0, int(box.x) - grow), max(0, int(np.ceil(box.right)) + grow))
        own[ys, xs] = ink[cy0:cy1, cx0:cx1][ys, xs]
        out.append(L._ring_rgb(band[cy0:cy1, cx0:cx1], own, box, L.RING_RADIUS)[0])
    return out


def _check_chart(rings: list[np.ndarray], labels: list[Label], policy: str, targets: tuple[float, float],
                 dpi: float, candidates: dict[str, str]) -> tuple[list[LabelCheck], dict[int, tuple[str, float, float]]]:
    """Each label's check; under auto, labels drawn alike that miss their target get one new colour
    together, and a label no colour can save gets a halo. Returns the checks and the halos by index."""
    lums = [L.relative_luminance(r) for r in rings]
    asked = [parse_color(lab.color).hex.upper() for lab in labels]
    target = [targets[1] if L.is_large_text(lab.size, lab.weight, dpi) else targets[0] for lab in labels]
    before = [L._stats(lum, L._rgb(a))[0] for lum, a in zip(lums, asked)]
    color, after = list(asked), list(before)
    failing = [i for i in range(len(labels)) if before[i] < target[i]]
    halos: dict[int, tuple[str, float, float]] = {}
    if policy == "auto":
        groups: dict[tuple[str, float], list[int]] = defaultdict(list)
        for i in failing:
            groups[(asked[i], target[i])].append(i)
        for (a, t), idx in groups.items():
            new = _group_colour([lums[i] for i in idx], a, candidates, t)
            for i in idx:
                color[i], after[i] = (new, L._stats(lums[i], L._rgb(new))[0]) if new else _best_colour(lums[i], a, candidates)
        for i in failing:
            found = _halo(rings[i], color[i], target[i]) if after[i] < target[i] else None
            if found is not None:
                halos[i], after[i] = found
    out = []
    for i, lab in enumerate(labels):
        action = ("none" if i not in failing else "kept" if policy != "auto" else "halo" if i in halos
                  else "color" if after[i] >= target[i] else "unmet")
        out.append(LabelCheck(lab.text.splitlines()[0] if lab.text else "", lab.role, asked[i], color[i], target[i],
                              L._floor2(before[i]), L._floor2(after[i]), action))
    return out, halos


def fix_labels(loaded: LoadedSpec, layout: Layout, charts: dict[str, Drawing], pixels: CanvasPixels | None,
               font_dirs: tuple[Path, ...], grounds: dict[str, Ground] | None = None) -> ChartLabels:
    """Every chart label measured on `pixels` (the canvas without text or chart labels) and fixed by policy."""
    from composer.charts.stage import label_family, set_chart_label

    places = _charts(layout)
    policies = {p.id: policy_for(loaded, p)[0] for p in places}
    shown_grounds = {k: g.hex for k, g in (grounds or {}).items()}
    off = {p.id: p.el.legibility == "off" for p in places}
    if pixels is None:
        return ChartLabels(dict(charts), {}, policies, shown_grounds, off)
    under, family, candidates = pixels.rgb, label_family(layout), _candidates(layout)
    dpi = layout.canvas.dpi if layout.canvas.physical else 96.0
    out, checks = dict(charts), {}
    for p in places:
        drawing = charts[p.id]
        policy, body, large = policy_for(loaded, p)
        runs = [[r.d for r in set_chart_label(font_dirs, family, lab, p.id).runs] for lab in drawing.labels]
        rings = _measure_labels(under, drawing.labels, runs)
        found, halos = _check_chart(rings, drawing.labels, policy, (body, large), dpi, candidates)
        checks[p.id] = tuple(found)
        if any(c.action in ("color", "halo", "unmet") for c in found):
            labels = [replace(lab, color=c.color, halo=halos.get(i)) for i, (lab, c) in enumerate(zip(drawing.labels, found))]
            out[p.id] = replace(drawing, labels=labels)
        _warn_labels(layout, p, found, _named_colours(layout, p))
    return ChartLabels(out, checks, policies, shown_grounds, off)


def _named_colours(layout: Layout, p: Placed) -> set[str]:
    """Every colour the spec named for this chart: its brand's colours and the colours in the element."""
    spec_brand = layout.resolver.loaded.spec.brand
    spec_names = set(spec_brand.colors) if spec_brand is not None and not isinstance(spec_brand, str) else set()
    named = {c.hex.upper() for name, c in layout.brand.colors.items() if name in spec_names}
    todo: list = [p.el.model_dump(exclude_none=True, exclude={"box"}, warnings=False)]
    while todo:
        v = todo.pop()
        if isinstance(v, dict):
            todo += list(v.values())
        elif isinstance(v, list):
            todo += v
        elif isinstance(v, str) and (v.startswith("#") or v.startswith("rgb") or v in layout.brand.colors):
            try:
                named.add(layout.resolver.color(v, p.path).hex.upper())
            except PlacardError:
                pass
    return named


def _counted(checks: list[LabelCheck]) -> str:
    """"3 chart labels ('Q1', 'Q2', 'Q3')": how many, and which."""
    return f"{len(checks)} chart label{'s' if len(checks) > 1 else ''} ({_quoted(checks)})"


def _quoted(checks: list[LabelCheck], most: int = 3) -> str:
    shown = ", ".join(repr(c.text) for c in checks[:most])
    return shown + (f" and {len(checks) - most} more" if len(checks) > most else "")


def _warn_labels(layout: Layout, p: Placed, found: list[LabelCheck], named: set[str]) -> None:
    """One warning per change to a colour the spec named (labels grouped; a colour Placard chose itself
    is changed silently, and the report says so), one for the labels auto could not fix."""
    from composer.core.warnings import warn

    location, path = layout.resolver.positions.locate(p.path), format_path(p.path)
    groups: dict[tuple[str, str], list[LabelCheck]] = defaultdict(list)
    for c in found:
        if c.action == "color" and c.asked in named:
            groups[(c.asked, c.color)].append(c)
    for (asked, color), cs in groups.items():
        lo = min(cs, key=lambda c: c.before)
        warn("chart-colour-adjusted", f"{_counted(cs)} drawn in "
             f"{color} instead of {asked} for legibility (lowest contrast {lo.before:.2f}:1 -> {lo.after:.2f}:1, "
             f"target {lo.target:g}:1)", location=location, path=path)
    haloed = [c for c in found if c.action == "halo"]
    if haloed:
        lo = min(haloed, key=lambda c: c.before)
        warn("halo-added", f"{_counted(haloed)} got a halo "
             f"(a soft outline) because no colour alone reads on the pixels under them (lowest contrast "
             f"{lo.before:.2f}:1 -> {lo.after:.2f}:1, target {lo.target:g}:1)", location=location, path=path)
    unmet = [c for c in found if c.action == "unmet"]
    if unmet:
        lo = min(unmet, key=lambda c: c.after)
        warn("contrast-unmet", f"{_counted(unmet)} stay below "
             f"their contrast target in any brand colour, white or black, even with a halo (lowest {lo.after:.2f}:1, target "
             f"{lo.target:g}:1)", location=location, path=path)


def raise_strict(layout: Layout, labels: ChartLabels) -> None:
    """`legibility: strict`: a chart label below its target stops the build, like a text would."""
    for p in _charts(layout):
        if labels.policies.get(p.id) != "strict":
            continue
        below = [c for c in labels.checks.get(p.id, ()) if not c.met]
        if below:
            worst = min(below, key=lambda c: c.after)
            raise LegibilityError(
                f"chart label {worst.text!r} ({worst.role}) has a contrast of {worst.after:.2f}:1 around its glyphs "
                f"(the ratio 95% of those pixels meet), below its target of {worst.target:g}:1"
                + (f", and {len(below) - 1} more labels of this chart" if len(below) > 1 else "")
                + "; choose chart colours with more contrast (ink, muted, series colours), or set legibility: auto",
                location=layout.resolver.positions.locate(p.path), path=format_path(p.path))
