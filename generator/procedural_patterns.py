"""Crisp procedural styles, drawn at full size with anti-aliased signed distances: geometric,
halftone, and the abstract illustration motif."""

from __future__ import annotations


import numpy as np
from PIL import Image

from generator.errors import RequestError
from generator.procedural_fields import (
    coverage,
    fbm,
    mix,
    ramp,
    sd_box,
    sd_circle,
    smoothstep,
)

from generator.procedural_canvas import Canvas

SHAPES = ("none", "rounded", "circle")
_MOTIFS = {
    "quarter": 0.2, "half": 0.14, "circle": 0.12, "ring": 0.08, "triangle": 0.12,
    "arches": 0.1, "leaf": 0.08, "stripes": 0.06, "dots": 0.05, "solid": 0.05,
}


def _motif(name: str, x, y, s: float, rng, bg: np.ndarray, inks: list[np.ndarray]):
    """The (signed distance, colour) layers of one Bauhaus tile of side s in local coordinates."""
    a, b = inks[0], inks[1]
    cx, cy = rng.choice([0.0, s]), rng.choice([0.0, s])
    if name == "quarter":
        return [(sd_circle(x, y, cx, cy, s), a)]
    if name == "half":
        side = rng.integers(4)
        hx, hy = [(s / 2, 0.0), (s, s / 2), (s / 2, s), (0.0, s / 2)][int(side)]
        return [(sd_circle(x, y, hx, hy, s / 2), a)]
    if name == "circle":
        return [(sd_circle(x, y, s / 2, s / 2, 0.36 * s), a), (sd_circle(x, y, s / 2, s / 2, 0.13 * s), b)]
    if name == "ring":
        return [(sd_circle(x, y, s / 2, s / 2, 0.4 * s), a), (sd_circle(x, y, s / 2, s / 2, 0.22 * s), bg)]
    if name == "triangle":
        return [((np.abs(x - cx) + np.abs(y - cy) - s) * np.float32(np.sqrt(0.5)), a)]
    if name == "arches":
        return [(sd_circle(x, y, cx, cy, r * s), col) for r, col in ((1.0, a), (0.72, bg), (0.46, b), (0.2, bg))]
    if name == "leaf":
        return [(np.maximum(sd_circle(x, y, cx, cy, s), sd_circle(x, y, s - cx, s - cy, s)), a)]
    if name == "stripes":
        vertical = rng.random() < 0.5
        t = x if vertical else y
        return [(np.abs(t - (k + 0.5) * s / 3) - s / 12, a) for k in range(3)]
    if name == "dots":
        centres = [((i + 0.5) * s / 3, (j + 0.5) * s / 3) for i in range(3) for j in range(3)]
        return [(sd_circle(x, y, px, py, 0.09 * s), a) for px, py in centres]
    return []


def _rgb8(colour: np.ndarray) -> tuple[int, ...]:
    return tuple(int(round(float(x) * 255)) for x in colour)


def _mask8(cov: np.ndarray, shape: tuple[int, int]) -> Image.Image:
    """Coverage in [0, 1] as an 8-bit Pillow mask of `shape` (rows, columns)."""
    return Image.fromarray((np.broadcast_to(cov, shape) * 255 + 0.5).astype(np.uint8), "L")


def geometric(c: Canvas) -> Image.Image:
    """A Bauhaus grid: tiles of quarter circles, arches, leaves and stripes in the palette."""
    p, rng, w, h = c.palette, c.rng, c.width, c.height
    colours = [p.base, p.primary, p.accent, p.paper]
    weights = np.array([0.36, 0.24, 0.18, 0.22])
    s = max(w, h) / 5.5
    cols = max(1, int(round(w / s)))
    s = w / cols if w / cols > s / 2 else s  # a sliver of a canvas still gets full-size tiles
    rows = int(np.ceil(h / s))
    xe = np.minimum(np.round(np.arange(cols + 1) * s).astype(int), w)
    names, probs = list(_MOTIFS), np.array(list(_MOTIFS.values()))
    img = Image.new("RGB", (w, h))
    grid = np.zeros((rows, cols), int)
    panel = int(rng.choice([0, 3]))  # base or paper
    for j in range(rows):
        y0, y1 = int(round(j * s)), min(h, int(round((j + 1) * s)))
        for i in range(cols):
            banned = {grid[j - 1, i] if j else -1, grid[j, i - 1] if i else -1}
            wts = np.array([0 if k in banned else wt for k, wt in enumerate(weights)])
            k = rng.choice(4, p=wts / wts.sum())
            grid[j, i] = k
            inks = [colours[m] for m in rng.permutation([m for m in range(4) if m != k])]
            name = rng.choice(names, p=probs / probs.sum())
            x0, x1 = xe[i], xe[i + 1]
            if y1 <= y0 or x1 <= x0:
                continue
            x = np.arange(x0, x1, dtype=np.float32)[None, :] + 0.5 - i * s
            y = np.arange(y0, y1, dtype=np.float32)[:, None] + 0.5 - j * s
            layers = _motif(name, x, y, s, rng, colours[k], inks)
            if c.calm_at((i + 0.5) * s / w, (j + 0.5) * s / h) > 0.5:
                # Under text, tiles join into one plain panel, as a designer would set a headline.
                # (The tile's random draws still happen, so the tiles around come out the same.)
                k, layers = panel, []
            img.paste(_rgb8(colours[k]), (x0, y0, x1, y1))
            for sdf, colour in layers:
                img.paste(_rgb8(colour), (x0, y0), _mask8(coverage(sdf), (y1 - y0, x1 - x0)))
    return img


def _dot_distance_tile(cell: float) -> tuple[np.ndarray, float]:
    """Distance to the nearest dot centre of a 45-degree screen, over one period (square tile).

    The rotated lattice repeats every cell*sqrt(2) pixels along x and y; the cell is nudged so
    that period is a whole number of pixels, and the tile is then simply repeated.
    """
    period = max(2, int(round(cell * np.sqrt(2))))
    cell = period / np.sqrt(2)
    x = np.arange(period, dtype=np.float32)[None, :] + 0.5
    y = np.arange(period, dtype=np.float32)[:, None] + 0.5
    ru, rv = (x + y) * np.float32(0.70710677), (y - x) * np.float32(0.70710677)
    du = ru - (np.floor(ru / cell) + 0.5) * cell
    dv = rv - (np.floor(rv / cell) + 0.5) * cell
    return np.hypot(du, dv).astype(np.float32), cell


def halftone(c: Canvas) -> Image.Image:
    """Halftone dots on a 45-degree screen, sized by a smooth field, over a deep gradient."""
    p, rng, w, h = c.palette, c.rng, c.width, c.height
    ww, wh = c.work_size(256)
    long = max(ww, wh)
    u = (np.arange(ww, dtype=np.float32)[None, :] + 0.5) / long
    v = (np.arange(wh, dtype=np.float32)[:, None] + 0.5) / long
    ang = rng.uniform(0, 2 * np.pi)
    g = u * np.cos(ang) + v * np.sin(ang)
    g = (g - g.min()) / max(float(np.ptp(g)), 1e-6)
    density = smoothstep(0.12, 0.9, 0.8 * g + 0.45 * fbm(rng, ww, wh, 2.2, 3))
    hue = smoothstep(0.42, 0.58, 0.5 + 0.5 * fbm(rng, ww, wh, 1.6, 2))  # brief mixes: no grey dots
    bg = c.upscale(mix(p.base, mix(p.base, p.primary, 0.28), g * 0.8 + 0.2 * density))
    ink = c.upscale(mix(p.primary, mix(p.accent, p.paper, 0.15), hue))
    dist, cell = _dot_distance_tile(max(3.0, min(w, h) / 38))
    radius_of = Image.fromarray((0.5 * cell * np.sqrt(np.clip(density, 0, 1))).astype(np.float32), "F")
    period = dist.shape[0]
    cov = np.empty((h, w), np.uint8)
    for y0 in range(0, h, 512):  # strips keep print sizes to a few tens of MB of floats
        y1 = min(h, y0 + 512)
        r = np.asarray(radius_of.resize((w, y1 - y0), Image.Resampling.BICUBIC, box=(0, y0 * wh / h, ww, y1 * wh / h)))
        d = np.tile(dist[np.arange(y0, y1) % period], (1, w // period + 1))[:, :w]
        # Dots under ~0.3 px would only speckle; fade them out instead of drawing them.
        a = np.clip(r - d + 0.5, 0, 1) * np.clip((r - 0.3) * 1.5, 0, 1)
        cov[y0:y1] = (a * 255 + 0.5).astype(np.uint8)
    return Image.composite(ink, bg, Image.fromarray(cov, "L"))


def _arc_sdf(x, y, cx, cy, radius, width, start, span):
    """Signed distance to a circular arc stroke with round caps (angles in radians)."""
    d = np.hypot(x - cx, y - cy)
    theta = np.mod(np.arctan2(y - cy, x - cx) - start, 2 * np.pi)
    on_arc = np.abs(d - radius) - width / 2
    ends = [(cx + radius * np.cos(a), cy + radius * np.sin(a)) for a in (start, start + span)]
    caps = np.minimum(*[np.hypot(x - ex, y - ey) for ex, ey in ends]) - width / 2
    return np.where(theta <= span, on_arc, caps)


def illustration(c: Canvas, shape: str | None) -> Image.Image:
    """An abstract orbit motif (a lit orb in arcs and moons) on transparency, optionally in a card."""
    shape = shape or "none"
    if shape not in SHAPES:
        raise RequestError(f"unknown illustration shape {shape!r}; allowed: {' | '.join(SHAPES)}")
    p, rng, w, h = c.palette, c.rng, c.width, c.height
    s, cx, cy = min(w, h), w / 2, h / 2
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    clip = None

    def grid(r: float, ox: float = cx, oy: float = cy):
        """Pixel-centre coordinates of the box around a circle (ox, oy, r), clipped to the image."""
        x0, y0 = max(0, int(ox - r - 1)), max(0, int(oy - r - 1))
        x1, y1 = min(w, int(np.ceil(ox + r + 1))), min(h, int(np.ceil(oy + r + 1)))
        x = np.arange(x0, x1, dtype=np.float32)[None, :] + 0.5
        y = np.arange(y0, y1, dtype=np.float32)[:, None] + 0.5
        return x, y, (x0, y0, x1, y1)

    def over(box, cov: np.ndarray, colour: np.ndarray) -> None:
        """Composite `colour` (a triple or an RGB array) with coverage `cov` over box."""
        x0, y0, x1, y1 = box
        if x1 <= x0 or y1 <= y0:
            return
        cov = np.broadcast_to(cov, (y1 - y0, x1 - x0))
        if clip is not None:
            cov = cov * clip[y0:y1, x0:x1]
        a = (cov * 255 + 0.5).astype(np.uint8)
        if colour.ndim == 1:
            layer = Image.new("RGBA", (x1 - x0, y1 - y0), _rgb8(colour) + (0,))
            layer.putalpha(Image.fromarray(a, "L"))
        else:
            layer = Image.fromarray(np.dstack([np.clip(colour * 255 + 0.5, 0, 255).astype(np.uint8), a]), "RGBA")
        img.alpha_composite(layer, (x0, y0))

    if shape != "none":
        x, y, box = grid(max(w, h))
        card = sd_circle(x, y, cx, cy, s / 2 - 0.5) if shape == "circle" else sd_box(x, y, 0, 0, w, h, 0.12 * s)
        over(box, coverage(card), mix(p.base, p.primary, 0.12))
        clip = coverage(card)
    orb_r = 0.24 * s
    for k, (radius, colour) in enumerate(((0.31, p.primary), (0.38, p.accent), (0.45, mix(p.primary, p.paper, 0.5)))):
        start, span = rng.uniform(0, 2 * np.pi), rng.uniform(1.2, 1.75) * np.pi
        width = (0.028 - 0.006 * k) * s
        x, y, box = grid(radius * s + width)
        over(box, coverage(_arc_sdf(x, y, cx, cy, radius * s, width, start, span)), colour)
    x, y, box = grid(orb_r)
    t = np.clip(np.hypot(x - (cx - 0.45 * orb_r), y - (cy - 0.5 * orb_r)) / (1.7 * orb_r), 0, 1)
    lit = ramp([mix(p.accent, p.paper, 0.35), p.accent, p.primary, mix(p.primary, p.base, 0.55)], t)
    over(box, coverage(sd_circle(x, y, cx, cy, orb_r)), lit)
    for radius, size, colour in ((0.38, 0.045, p.paper), (0.45, 0.03, p.accent), (0.31, 0.025, p.accent)):
        a = rng.uniform(0, 2 * np.pi)
        mx, my = cx + radius * s * np.cos(a), cy + radius * s * np.sin(a)
        x, y, box = grid(size * s, mx, my)
        over(box, coverage(sd_circle(x, y, mx, my, size * s)), colour)
    return img
