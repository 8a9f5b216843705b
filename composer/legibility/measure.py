"""Legibility on the real pixels: measure text contrast around the glyphs, and fix it if asked.

`measure` takes what is under the text (every layer below it, rendered) and the glyphs' coverage.
`fix` applies the `legibility:` policy: auto tries another brand colour, then the weakest scrim
(a soft gradient band or a rounded panel), then a halo; each is composited here in numpy exactly
as the renderer draws it from `Scrim.svg()` / `Halo.svg()`, and re-measured.
"""

from __future__ import annotations

import math
from html import escape
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from composer.core.errors import LegibilityError, Location
from composer.core.geometry import Box
from composer.core.colour import contrast_ratio, relative_luminance
from generator.base import Box as GenBox
from generator.metrics import rea

__all__ = [
    "FixResult",
    "Halo",
    "INK_THRESHOLD",
    "MAX_SCRIM_OPACITY",
    "Measure",
    "POLICIES",
    "RING_RADIUS",
    "SAFETY",
    "Scrim",
    "fix",
    "ink_mask",
    "is_large_text",
    "measure",
    "pick_color",
    "ring_mask",
    "target_ratio",
]

RING_RADIUS = 3  # px around the glyph ink whose background counts, at the rendered size
INK_THRESHOLD = 0.0  # any coverage at all is glyph, so the ring is pure background, even in the output
MAX_SCRIM_OPACITY = 0.8  # a heavier scrim hides the picture; past this a halo is the lighter touch
SAFETY = 0.05  # scrims and halos aim this much above the target, for rasteriser rounding
POLICIES = ("auto", "strict", "off")


@dataclass(frozen=True)
class Measure:
    """Legibility of one text element: contrast around its glyphs and Rea under its box."""

    contrast_p5: float  # the WCAG ratio that 95% of the pixels around the glyphs meet
    contrast_median: float
    rea: float
    ring_pixels: int

    def as_dict(self) -> dict[str, Any]:
        """Rounded figures for report.json (contrast floored, so 4.499 never reads 4.50)."""
        return {
            "contrast": _floor2(self.contrast_p5),
            "contrast_median": _floor2(self.contrast_median),
            "rea": round(self.rea, 2),
            "ring_pixels": self.ring_pixels,
        }


def _floor2(x: float) -> float:
    if not math.isfinite(x):  # no background pixels to measure (text off the canvas): nothing to contrast with
        return 21.0 if x > 0 else 0.0
    return math.floor(x * 100) / 100


def _rgb(color: str | Sequence[int] | np.ndarray) -> np.ndarray:
    """'#RGB', '#RRGGBB' or an (r, g, b) tuple as a float array."""
    if isinstance(color, str):
        h = color.strip().lstrip("#")
        h = "".join(c * 2 for c in h) if len(h) in (3, 4) else h
        return np.array([int(h[i : i + 2], 16) for i in (0, 2, 4)], np.float64)
    return np.asarray(color, np.float64)[:3]


def _hex(rgb: np.ndarray) -> str:
    return "#" + "".join(f"{int(round(float(c))):02X}" for c in rgb)


def _dilate(mask: np.ndarray, radius: int) -> np.ndarray:
    """Binary dilation by a disk of `radius` px (numpy shifts; no scipy needed)."""
    if radius <= 0:
        return mask.copy()
    h, w = mask.shape
    padded = np.pad(mask, radius)
    out = np.zeros_like(mask)
    for dy in range(-radius, radius + 1):
        for dx in range(-radius, radius + 1):
            if dx * dx + dy * dy <= radius * radius + radius // 2:
                out |= padded[radius + dy : radius + dy + h, radius + dx : radius + dx + w]
    return out


def ring_mask(ink: np.ndarray, radius: int = RING_RADIUS) -> np.ndarray:
    """The pixels within `radius` of the glyph ink, minus the ink itself."""
    glyph = ink > INK_THRESHOLD
    return _dilate(glyph, radius) & ~glyph


_INK_SEARCH_MARGIN = 64  # px around a text's box where its ink can be (ink_mask pads by 12)


def _window(ink: np.ndarray, box: Box, pad: int) -> tuple[slice, slice]:
    """The part of the canvas that matters: the ink's bounds (or the box) plus `pad`."""
    h, w = ink.shape
    # Search only around the box: ink_mask draws there, and a full-canvas nonzero costs ~0.5 s and
    # 100 MB per text on a 100 Mpx canvas (twenty text bands once took over 30 s).
    m = _INK_SEARCH_MARGIN
    sy0, sx0 = max(0, int(box.y) - m), max(0, int(box.x) - m)
    sy1, sx1 = min(h, int(math.ceil(box.bottom)) + m), min(w, int(math.ceil(box.right)) + m)
    on = ink[sy0:sy1, sx0:sx1] > INK_THRESHOLD
    ys, xs = np.flatnonzero(on.any(1)), np.flatnonzero(on.any(0))  # the bounds only: no index per inked pixel
    if len(xs):
        x0, x1, y0, y1 = xs[0] + sx0, xs[-1] + 1 + sx0, ys[0] + sy0, ys[-1] + 1 + sy0
    else:
        x0, y0 = int(box.x), int(box.y)
        x1, y1 = int(math.ceil(box.right)), int(math.ceil(box.bottom))
    return slice(max(0, y0 - pad), min(h, y1 + pad)), slice(max(0, x0 - pad), min(w, x1 + pad))


def _box_rea(background: np.ndarray, box: Box) -> float:
    """generator.metrics.rea on a crop with a 1 px margin: the same number, far less work."""
    h, w = background.shape[:2]
    x0, y0 = max(0, int(round(box.x))), max(0, int(round(box.y)))
    x1, y1 = min(w, int(round(box.right))), min(h, int(round(box.bottom)))
    if x1 <= x0 or y1 <= y0:
        return 0.0
    cx, cy = max(0, x0 - 1), max(0, y0 - 1)
    crop = background[cy : min(h, y1 + 1), cx : min(w, x1 + 1)]
    if _flat(crop):  # one colour: every Sobel sum is exactly 0, so is their mean
        return 0.0
    return rea(crop, GenBox(x0 - cx, y0 - cy, x1 - x0, y1 - y0))


def _flat(pixels: np.ndarray) -> bool:
    """Whether every pixel of an (H, W, 3) array is the same colour (text on a flat fill, a common case)."""
    if pixels.size == 0:
        return False
    first = pixels[0, 0]
    # Channel by channel: a 2-D comparison of the strided view is ~10x as fast as one (H, W, 3)
    # broadcast. The first row settles most crops of a photo or gradient before the whole crop.
    return all(bool((pixels[:1, :, c] == first[c]).all()) for c in range(3)) and all(
        bool((pixels[..., c] == first[c]).all()) for c in range(3))


def _ring_pixels(background: np.ndarray, ink: np.ndarray, box: Box, radius: int) -> tuple[np.ndarray, int]:
    """RGB (as stored: uint8 for a render) of every background pixel in the ring, or of the box when there is no ink."""
    ys, xs = _window(ink, box, radius + 1)
    ring = ring_mask(ink[ys, xs], radius)
    count = int(ring.sum())
    return (background[ys, xs][ring] if count else background[ys, xs].reshape(-1, 3)), count


def _ring_rgb(background: np.ndarray, ink: np.ndarray, box: Box, radius: int) -> tuple[np.ndarray, int]:
    """RGB (float) of every background pixel in the ring, or of the box when there is no ink."""
    pixels, count = _ring_pixels(background, ink, box, radius)
    return pixels.astype(np.float64), count


def _stats(lum: np.ndarray, color: np.ndarray) -> tuple[float, float]:
    if lum.size == 0:
        return float("inf"), float("inf")
    ratios = contrast_ratio(float(relative_luminance(color)), lum)
    return p5_and_median(np.ravel(ratios))


def p5_and_median(values: np.ndarray) -> tuple[float, float]:
    """`np.percentile(values, 5)` and `np.median(values)` of a 1-D float array, to the bit, from one partition.

    The same arithmetic as numpy's (the "linear" method: virtual index (n - 1) * q, and its
    two-sided lerp; the median as the mean of the middle two). numpy's own path costs three times
    as much on ring-sized arrays, and its np.unique step imports numpy.ma (10 ms of a cold build).
    """
    n = values.size
    at = (n - 1) * 0.05
    lo = n - 1 if at >= n - 1 else math.floor(at)
    hi = min(lo + 1, n - 1)
    gamma = at - lo
    m1, m2 = n // 2 - (n % 2 == 0), n // 2
    part = np.partition(values, sorted({lo, hi, m1, m2}))
    a, b = float(part[lo]), float(part[hi])
    diff = b - a
    p5 = b - diff * (1 - gamma) if gamma >= 0.5 else a + diff * gamma
    median = float(part[m2]) if m1 == m2 else (float(part[m1]) + float(part[m2])) / 2
    return p5, median


def measure(
    background: np.ndarray,
    ink: np.ndarray,
    color: str | Sequence[int] | np.ndarray,
    box: Box,
    *,
    radius: int = RING_RADIUS,
) -> Measure:
    """Contrast of `color` against the background right around the glyph ink, and Rea under `box`.

    background is the (H, W, 3) uint8 RGB of everything under the text; ink the (H, W) glyph
    coverage in [0, 1] on the same canvas.
    """
    rgb, count = _ring_pixels(background, ink, box, radius)  # uint8: luminance by lookup table, same values
    p5, median = _stats(relative_luminance(rgb), _rgb(color))
    return Measure(p5, median, _box_rea(background, box), count)


def is_large_text(size_px: float, weight: int, dpi: float = 96) -> bool:
    """WCAG large text: at least 18 pt, or 14 pt and bold (weight >= 700), at `dpi`."""
    pt = size_px * 72.0 / dpi
    return pt >= 18 or (pt >= 14 and weight >= 700)


def target_ratio(large: bool, override: float | None = None) -> float:
    """The contrast target: 4.5:1 for body text, 3:1 for large text, unless overridden."""
    if override is not None:
        return float(override)
    return 3.0 if large else 4.5


def pick_color(
    background: np.ndarray,
    ink: np.ndarray,
    candidates: Mapping[str, str],
    box: Box | None = None,
    *,
    radius: int = RING_RADIUS,
) -> tuple[str, str, float]:
    """`color: auto`: the candidate (name -> hex) with the best contrast around the glyphs."""
    if not candidates:
        candidates = {"ink": "#000000", "paper": "#FFFFFF"}
    box = box or Box(0, 0, ink.shape[1], ink.shape[0])
    lum = relative_luminance(_ring_pixels(background, ink, box, radius)[0])
    scored = [(_stats(lum, _rgb(hx))[0], -i, name, hx) for i, (name, hx) in enumerate(candidates.items())]
    ratio, _, name, hx = max(scored)
    return name, hx, ratio


# --- fixes: primitives the renderer draws, and their exact numpy composite -------------------


@dataclass(frozen=True)
class Scrim:
    """A translucent shape under the text: a soft vertical `gradient` band or a rounded `panel`."""

    kind: str  # gradient | panel
    x: int
    y: int
    width: int
    height: int
    color: str
    opacity: float
    radius: float = 0.0  # panel corner radius
    fade: float = 0.0  # gradient: px over which opacity ramps 0 -> opacity at top and bottom

    def coverage(self, shape: tuple[int, int], ys: slice, xs: slice) -> np.ndarray:
        """Per-pixel alpha at opacity 1 over the window (ys, xs) of a canvas of `shape`."""
        yy = np.arange(ys.start, ys.stop, dtype=np.float64)[:, None] + 0.5
        xx = np.arange(xs.start, xs.stop, dtype=np.float64)[None, :] + 0.5
        if self.kind == "gradient":
            t = (yy - self.y) / self.height
            f = self.fade / self.height
            ramp = np.interp(t, [0.0, f, 1.0 - f, 1.0], [0.0, 1.0, 1.0, 0.0], left=0.0, right=0.0)
            inside_x = (xx >= self.x) & (xx <= self.x + self.width)
            return ramp * inside_x
        # rounded rectangle: signed distance, one pixel of antialiasing like cairo's edges
        hx, hy = self.width / 2, self.height / 2
        r = min(self.radius, hx, hy)
        qx = np.abs(xx - (self.x + hx)) - (hx - r)
        qy = np.abs(yy - (self.y + hy)) - (hy - r)
        outside = np.hypot(np.maximum(qx, 0), np.maximum(qy, 0))
        sd = outside + np.minimum(np.maximum(qx, qy), 0) - r
        return np.clip(0.5 - sd, 0.0, 1.0)

    def svg(self, gradient_id: str = "scrim") -> str:
        """The markup the renderer puts under the text; gradient_id must be unique in the document."""
        if self.kind == "panel":
            # A path, not <rect rx>: cairosvg 2.9 draws the bottom-left corner of rounded rects
            # with a wrong control point, so the panel would differ from what was measured.
            x, y, w, h = self.x, self.y, self.width, self.height
            r = min(self.radius, w / 2, h / 2)
            arc = f"A{r:g} {r:g} 0 0 1"
            d = (
                f"M{x + r:g} {y}H{x + w - r:g}{arc} {x + w} {y + r:g}V{y + h - r:g}{arc} {x + w - r:g} {y + h}"
                f"H{x + r:g}{arc} {x} {y + h - r:g}V{y + r:g}{arc} {x + r:g} {y}Z"
            )
            return f'<path d="{d}" fill="{self.color}" fill-opacity="{self.opacity:g}"/>'
        f = self.fade / self.height
        stops = "".join(
            f'<stop offset="{o:.6g}" stop-color="{self.color}" stop-opacity="{a:g}"/>'
            for o, a in ((0, 0), (f, self.opacity), (1 - f, self.opacity), (1, 0))
        )
        gid = escape(gradient_id, quote=True)
        return (
            f'<defs><linearGradient id="{gid}" gradientUnits="userSpaceOnUse" x1="0" y1="{self.y}" '
            f'x2="0" y2="{self.y + self.height}">{stops}</linearGradient></defs>'
            f'<rect x="{self.x}" y="{self.y}" width="{self.width}" height="{self.height}" fill="url(#{gid})"/>'
        )

    def as_dict(self) -> dict[str, Any]:
        """For report.json."""
        return {k: getattr(self, k) for k in ("kind", "x", "y", "width", "height", "color", "opacity", "radius", "fade")}


@dataclass(frozen=True)
class Halo:
    """A stroke under the glyphs, in a contrasting colour: drawn with the same outlines."""

    width: float
    color: str
    opacity: float

    def svg(self, path_data: str) -> str:
        """A stroked copy of one glyph run, to place before (under) its fill."""
        return (
            f'<path d="{escape(path_data)}" fill="none" stroke="{self.color}" stroke-width="{self.width:g}" '
            f'stroke-opacity="{self.opacity:g}" stroke-linejoin="round" stroke-linecap="round"/>'
        )

    def as_dict(self) -> dict[str, Any]:
        """For report.json."""
        return {"width": self.width, "color": self.color, "opacity": self.opacity}


@dataclass
class FixResult:
    """What the policy did to one text element, for the renderer and the report."""

    policy: str
    action: str  # none | color | scrim | halo | unmet
    target: float
    before: Measure
    after: Measure
    color: str  # the text colour to draw
    color_name: str | None = None
    scrim: Scrim | None = None
    halo: Halo | None = None
    tried: list[str] = field(default_factory=list)

    @property
    def met(self) -> bool:
        """Whether the final contrast reaches the target."""
        return self.after.contrast_p5 >= self.target

    def as_dict(self) -> dict[str, Any]:
        """For report.json."""
        out: dict[str, Any] = {
            "policy": self.policy, "action": self.action, "target": self.target, "met": self.met,
            "before": self.before.as_dict(), "after": self.after.as_dict(), "color": self.color,
        }
        if self.color_name:
            out["color_name"] = self.color_name
        if self.scrim:
            out["scrim"] = self.scrim.as_dict()
        if self.halo:
            out["halo"] = self.halo.as_dict()
        return out


def _composite(rgb: np.ndarray, alpha: np.ndarray, color: np.ndarray) -> np.ndarray:
    """Source-over of `color` at per-pixel `alpha` onto rgb, rounded to 8 bits like cairo."""
    return np.round(rgb + (color - rgb) * alpha[..., None])


def _search(ratio_at, goal: float, ceiling: float = 1.0) -> float | None:
    """Smallest opacity (to 0.01) whose contrast reaches `goal`, or None if `ceiling` does not."""
    if ratio_at(ceiling) < goal:
        return None
    lo, hi = 0.0, ceiling
    for _ in range(12):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if ratio_at(mid) >= goal else (mid, hi)
    opacity = min(ceiling, math.ceil(hi * 100 - 1e-9) / 100)
    while opacity < ceiling and ratio_at(opacity) < goal:  # the curve need not be monotonic
        opacity = round(opacity + 0.01, 2)
    return opacity


def _contrasting(palette: Mapping[str, str], text: np.ndarray, goal: float) -> str:
    """The palette colour furthest in luminance from the text (ink or paper), else black/white."""
    lum = float(relative_luminance(text))
    options = [(float(contrast_ratio(lum, float(relative_luminance(_rgb(h))))), h.upper()) for h in palette.values()]
    best = max(options, default=(0.0, ""))
    if best[0] >= goal:
        return best[1]
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#FFFFFF"


def _ink_bounds(ink: np.ndarray, box: Box) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(ink > INK_THRESHOLD)
    if not len(xs):
        return int(box.x), int(box.y), int(math.ceil(box.right)), int(math.ceil(box.bottom))
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def _scrims(ink: np.ndarray, box: Box, color: str) -> list[Scrim]:
    """Candidate scrims at opacity 1: a soft full-width gradient band, then a rounded panel."""
    x0, y0, x1, y1 = _ink_bounds(ink, box)
    pad = int(np.clip(round(0.15 * min(x1 - x0, y1 - y0)), 6, 40))
    fade = max(2 * pad, round(0.25 * (y1 - y0)))
    width = ink.shape[1]
    band = Scrim("gradient", 0, y0 - pad - fade, width, y1 - y0 + 2 * (pad + fade), color, 1.0, fade=fade)
    panel = Scrim("panel", x0 - pad, y0 - pad, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad, color, 1.0, radius=min(pad, 16))
    return [band, panel]


def _apply(background: np.ndarray, alpha: np.ndarray, ys: slice, xs: slice, color: np.ndarray) -> np.ndarray:
    out = background.copy()
    out[ys, xs] = _composite(background[ys, xs].astype(np.float64), alpha, color).astype(np.uint8)
    return out


def fix(
    background: np.ndarray,
    ink: np.ndarray,
    box: Box,
    color: str | Sequence[int],
    palette: Mapping[str, str],
    target: float,
    policy: str = "auto",
    *,
    element_id: str = "text",
    path: str | None = None,
    location: Location | None = None,
    radius: int = RING_RADIUS,
) -> FixResult:
    """Apply a `legibility:` policy (auto | strict | off) to one text element; re-measure each step."""
    if policy not in POLICIES:
        raise LegibilityError(f"unknown legibility policy {policy!r}; allowed: 'auto', 'strict', 'off'",
                              location=location, path=path)
    text = _rgb(color)
    text_hex = color.upper() if isinstance(color, str) else _hex(text)
    before = measure(background, ink, text, box, radius=radius)
    if before.contrast_p5 >= target or policy == "off":
        return FixResult(policy, "none", target, before, before, text_hex)
    if policy == "strict":
        raise LegibilityError(
            f"text {element_id!r} has a contrast of {_floor2(before.contrast_p5):.2f}:1 around its glyphs "
            f"(the ratio 95% of those pixels meet), below its target of {target:g}:1; choose a colour with "
            f"more contrast, or set legibility: auto",
            location=location, path=path,
        )

    # 1. Another brand colour that meets the target, the nearest to the one asked for.
    tried: list[str] = ["color"]
    ring_rgb = _ring_rgb(background, ink, box, radius)[0]
    other = _nearest_passing_colour(ring_rgb, text, text_hex, palette, target)
    if other is not None:
        name, hx = other
        after = measure(background, ink, hx, box, radius=radius)
        return FixResult(policy, "color", target, before, after, hx, color_name=name, tried=tried)

    # 2. The weakest scrim that reaches the target, its opacity found by binary search.
    ys, xs = _window(ink, box, radius + 1)
    ring = ring_mask(ink[ys, xs], radius)
    if not ring.any():  # no glyphs: the scrim and halo maths below run over the whole box
        ring = np.ones(ring.shape, bool)
    goal = target + SAFETY
    shade_hex = _contrasting(palette, text, goal)
    shade = _rgb(shade_hex)

    def ratio_with(alpha: np.ndarray):
        return lambda a: _stats(relative_luminance(_composite(ring_rgb, alpha * a, shade)), text)[0]

    found = []
    for order, scrim in enumerate(_scrims(ink, box, shade_hex)):
        opacity = _search(ratio_with(scrim.coverage(ink.shape, ys, xs)[ring]), goal, MAX_SCRIM_OPACITY)
        if opacity is not None:
            found.append((opacity, order, scrim))
    tried.append("scrim")
    if found:
        opacity, _, scrim = min(found)
        scrim = Scrim(**{**scrim.__dict__, "opacity": opacity})
        sy = slice(max(0, scrim.y), max(0, min(ink.shape[0], scrim.y + scrim.height)))
        sx = slice(max(0, scrim.x), max(0, min(ink.shape[1], scrim.x + scrim.width)))
        painted = _apply(background, scrim.coverage(ink.shape, sy, sx) * opacity, sy, sx, shade)
        after = measure(painted, ink, text, box, radius=radius)
        return FixResult(policy, "scrim", target, before, after, text_hex, scrim=scrim, tried=tried)

    # 3. A halo: a stroke under the glyphs wide enough to cover the whole measured ring.
    halo_cover = _dilate(ink[ys, xs] > INK_THRESHOLD, radius + 1).astype(np.float64)
    opacity = _search(ratio_with(halo_cover[ring]), goal)
    tried.append("halo")
    halo = Halo(2 * radius + 3, shade_hex, opacity if opacity is not None else 1.0)
    painted = _apply(background, halo_cover * halo.opacity, ys, xs, shade)
    after = measure(painted, ink, text, box, radius=radius)
    action = "halo" if after.contrast_p5 >= target else "unmet"
    return FixResult(policy, action, target, before, after, text_hex, halo=halo, tried=tried)


def _nearest_passing_colour(ring_rgb: np.ndarray, text: np.ndarray, text_hex: str,
                            palette: Mapping[str, str], target: float) -> tuple[str, str] | None:
    """The palette colour (name, hex) nearest to `text` that meets `target` on these ring pixels."""
    lum = relative_luminance(ring_rgb)
    ok = []
    for name, hx in palette.items():
        rgb = _rgb(hx)
        if hx.upper() != text_hex and _stats(lum, rgb)[0] >= target:
            ok.append((float(np.sum((rgb - text) ** 2)), name, hx.upper()))
    if not ok:
        return None
    _, name, hx = min(ok)
    return name, hx


def ink_mask(path_data: Sequence[str], width: int, height: int) -> np.ndarray:
    """Rasterise glyph outlines (SVG path data in canvas px) to an (H, W) coverage array, via cairo."""
    return draw_ink(list(path_data), np.zeros((height, width), np.float32), (0, 0, width, height), (0.0, 0.0))


def draw_ink(paths: list[str], out: np.ndarray, window: tuple[int, int, int, int],
             offset: tuple[float, float]) -> np.ndarray:
    """Glyph coverage of `paths` in [0, 1], written into `out` over the window (x, y, w, h); returns `out`.

    `offset` is where `out`'s origin sits in the paths' coordinates. The outlines go straight to
    cairo on an alpha-only surface, through the same parsed-path cache the renderer uses (an SVG of
    them for cairosvg to parse again cost a text about a millisecond); path data outside that fast
    subset goes through cairosvg. Coverage is the same either way: the paths filled in black, nonzero.
    """
    import cairocffi as cairo

    from composer.core.svgpaths import append

    x0, y0, w, h = window
    surface = cairo.ImageSurface(cairo.FORMAT_A8, w, h)
    ctx = cairo.Context(surface)
    ctx.translate(-(x0 + offset[0]), -(y0 + offset[1]))
    for d in paths:
        if not append(ctx, d):  # not path data Placard wrote: let cairosvg read all of it
            surface.finish()
            return _draw_ink_svg(paths, out, window, offset)
        ctx.fill()
    surface.flush()
    data = np.frombuffer(surface.get_data(), np.uint8).reshape(h, surface.get_stride())[:, :w]
    np.divide(data, np.float32(255.0), out=out[y0:y0 + h, x0:x0 + w])
    surface.finish()
    return out


def _draw_ink_svg(paths: list[str], out: np.ndarray, window: tuple[int, int, int, int],
                  offset: tuple[float, float]) -> np.ndarray:
    """draw_ink through cairosvg, for path data outside the fast subset."""
    from cairosvg.parser import Tree

    from composer.core.svgpaths import FastPNGSurface

    x0, y0, w, h = window
    body = "".join(f'<path d="{d}"/>' for d in paths)
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
           f'viewBox="{x0 + offset[0]} {y0 + offset[1]} {w} {h}">{body}</svg>')
    surface = FastPNGSurface(Tree(bytestring=svg.encode()), None, 96)
    surface.cairo.flush()
    stride = surface.cairo.get_stride()
    data = np.frombuffer(surface.cairo.get_data(), np.uint8).reshape(h, stride)[:, : w * 4].reshape(h, w, 4)
    out[y0:y0 + h, x0:x0 + w] = data[..., 3].astype(np.float32) / 255.0
    return out
