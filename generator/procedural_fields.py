"""Numpy building blocks for the procedural styles: noise, blur, colour mixing, anti-aliased shapes."""

from __future__ import annotations

import numpy as np
from PIL import Image

# --- noise and blur -----------------------------------------------------------------------------


def resize_f(a: np.ndarray, width: int, height: int) -> np.ndarray:
    """Resize a 2-D float array with Pillow's bicubic filter (mode "F", no 8-bit rounding)."""
    im = Image.fromarray(np.ascontiguousarray(a, np.float32), "F")
    return np.asarray(im.resize((width, height), Image.Resampling.BICUBIC), np.float32)


def value_noise(rng: np.random.Generator, width: int, height: int, cells: float) -> np.ndarray:
    """Smooth noise in about [-1, 1]: a random grid of `cells` across the longer side, upscaled."""
    long = max(width, height)
    gw = max(2, int(np.ceil(cells * width / long)) + 2)
    gh = max(2, int(np.ceil(cells * height / long)) + 2)
    grid = rng.uniform(-1.0, 1.0, (gh, gw)).astype(np.float32)
    # Oversize then crop, so the edges of the noise are as lively as its middle.
    pad_x, pad_y = width / (gw - 2), height / (gh - 2)
    big = resize_f(grid, max(1, int(round(width + 2 * pad_x))), max(1, int(round(height + 2 * pad_y))))
    ox, oy = int(round(pad_x)), int(round(pad_y))
    return big[oy : oy + height, ox : ox + width]


def fbm(rng: np.random.Generator, width: int, height: int, cells: float, octaves: int = 4) -> np.ndarray:
    """Fractal (octave-summed) value noise, normalised to about [-1, 1]."""
    out = np.zeros((height, width), np.float32)
    amp, total = 1.0, 0.0
    for _ in range(octaves):
        out += amp * value_noise(rng, width, height, cells)
        total += amp
        amp *= 0.5
        cells *= 2.0
    return out / total


def noise_1d(rng: np.random.Generator, n: int, cells: float, octaves: int = 4) -> np.ndarray:
    """Fractal 1-D noise of length n in about [-1, 1]."""
    return fbm(rng, n, 1, cells, octaves)[0] if n > 1 else np.zeros(max(n, 1), np.float32)


def box_blur(a: np.ndarray, radius: float, passes: int = 3) -> np.ndarray:
    """Approximate Gaussian blur (repeated box blur via cumulative sums) along both axes."""
    r = int(round(radius / np.sqrt(passes)))
    if r < 1:
        return a.astype(np.float32, copy=True)
    out = a.astype(np.float32, copy=True)
    for axis in (0, 1):
        for _ in range(passes):
            out = _box_1d(out, r, axis)
    return out


def _box_1d(a: np.ndarray, r: int, axis: int) -> np.ndarray:
    """One box-blur pass of radius r along `axis`, edges replicated."""
    pad = [(0, 0)] * a.ndim
    pad[axis] = (r + 1, r)
    p = np.pad(a, pad, mode="edge")
    c = np.cumsum(p, axis=axis, dtype=np.float64)
    n = a.shape[axis]
    hi = np.take(c, np.arange(2 * r + 1, 2 * r + 1 + n), axis=axis)
    lo = np.take(c, np.arange(0, n), axis=axis)
    return ((hi - lo) / (2 * r + 1)).astype(np.float32)


# --- colour -------------------------------------------------------------------------------------


def hex_to_rgb(colour: str) -> np.ndarray:
    """'#RRGGBB' to a float32 sRGB triple in [0, 1]."""
    h = colour.lstrip("#")
    return np.array([int(h[i : i + 2], 16) for i in (0, 2, 4)], np.float32) / 255.0


def _to_linear(c: np.ndarray) -> np.ndarray:
    return np.where(c <= 0.04045, c / 12.92, ((np.maximum(c, 0) + 0.055) / 1.055) ** 2.4)


def _to_srgb(c: np.ndarray) -> np.ndarray:
    c = np.clip(c, 0.0, 1.0)
    return np.where(c <= 0.0031308, c * 12.92, 1.055 * c ** (1 / 2.4) - 0.055)


_M1 = np.array(
    [[0.4122214708, 0.5363325363, 0.0514459929],
     [0.2119034982, 0.6806995451, 0.1073969566],
     [0.0883024619, 0.2817188376, 0.6299787005]], np.float32)
_M2 = np.array(
    [[0.2104542553, 0.7936177850, -0.0040720468],
     [1.9779984951, -2.4285922050, 0.4505937099],
     [0.0259040371, 0.7827717662, -0.8086757660]], np.float32)


def srgb_to_oklab(c: np.ndarray) -> np.ndarray:
    """sRGB in [0, 1] (..., 3) to OKLab (perceptual mixing space)."""
    lms = _to_linear(np.asarray(c, np.float32)) @ _M1.T
    return np.cbrt(lms) @ _M2.T


def oklab_to_srgb(lab: np.ndarray) -> np.ndarray:
    """OKLab (..., 3) back to sRGB in [0, 1] (clipped)."""
    lms = (lab @ np.linalg.inv(_M2).T.astype(np.float32)) ** 3
    return _to_srgb(lms @ np.linalg.inv(_M1).T.astype(np.float32)).astype(np.float32)


def mix(a: np.ndarray, b: np.ndarray, t: np.ndarray | float) -> np.ndarray:
    """Linear interpolation of colours a -> b by t (a scalar, or an array without the colour axis)."""
    t = np.asarray(t, np.float32)
    if t.ndim:
        t = t[..., None]
    return a + (b - a) * t


def ramp(stops: list[np.ndarray], t: np.ndarray, hue: bool = False) -> np.ndarray:
    """Map t in [0, 1] through evenly spaced colour stops, interpolated in OKLab.

    With hue=True the interpolation runs in OKLCh along the shorter hue arc, so two saturated
    colours blend through vivid neighbours (blue -> violet -> orange) instead of through grey.
    """
    labs = srgb_to_oklab(np.stack(stops))
    t = np.clip(t, 0.0, 1.0) * (len(stops) - 1)
    i = np.minimum(t.astype(np.int32), len(stops) - 2)
    f = (t - i)[..., None]
    if not hue:
        return oklab_to_srgb(labs[i] * (1 - f) + labs[i + 1] * f)
    lch = np.stack([labs[:, 0], np.hypot(labs[:, 1], labs[:, 2]), np.arctan2(labs[:, 2], labs[:, 1])], -1)
    for k in range(len(lch)):  # a grey stop borrows its neighbour's hue
        if lch[k, 1] < 0.02:
            lch[k, 2] = lch[k - 1 if k else min(k + 1, len(lch) - 1), 2]
    a, b = lch[i], lch[i + 1]
    dh = np.mod(b[..., 2] - a[..., 2] + np.pi, 2 * np.pi) - np.pi
    f = f[..., 0]
    L, C, H = a[..., 0] + (b[..., 0] - a[..., 0]) * f, a[..., 1] + (b[..., 1] - a[..., 1]) * f, a[..., 2] + dh * f
    return oklab_to_srgb(np.stack([L, C * np.cos(H), C * np.sin(H)], -1).astype(np.float32))


def screen(base: np.ndarray, light: np.ndarray) -> np.ndarray:
    """Screen blend: adds light without clipping to white."""
    return 1.0 - (1.0 - base) * (1.0 - light)


def smoothstep(e0: float, e1: float, x: np.ndarray) -> np.ndarray:
    """Hermite smoothstep from e0 to e1."""
    t = np.clip((x - e0) / (e1 - e0), 0.0, 1.0)
    return t * t * (3 - 2 * t)


def to_uint8(rgb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Quantise float sRGB to 8 bits with triangular dither, so gradients do not band."""
    d = rng.random(rgb.shape[:2], np.float32) - rng.random(rgb.shape[:2], np.float32)
    return np.clip(rgb * 255.0 + d[..., None] + 0.5, 0, 255).astype(np.uint8)


# --- anti-aliased shapes as signed distances (pixels; negative inside) ---------------------------


def coverage(sdf: np.ndarray) -> np.ndarray:
    """Pixel coverage in [0, 1] from a signed distance in pixels (1-px anti-aliased edge)."""
    return np.clip(0.5 - sdf, 0.0, 1.0)


def sd_circle(x: np.ndarray, y: np.ndarray, cx: float, cy: float, r: float) -> np.ndarray:
    """Signed distance to a disc."""
    return np.hypot(x - cx, y - cy) - r


def sd_box(x: np.ndarray, y: np.ndarray, x0: float, y0: float, x1: float, y1: float, radius: float = 0.0) -> np.ndarray:
    """Signed distance to an axis-aligned (optionally rounded) rectangle."""
    cx, cy, hx, hy = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2 - radius, (y1 - y0) / 2 - radius
    qx, qy = np.abs(x - cx) - hx, np.abs(y - cy) - hy
    outside = np.hypot(np.maximum(qx, 0), np.maximum(qy, 0))
    return outside + np.minimum(np.maximum(qx, qy), 0) - radius


def sd_halfplane(x: np.ndarray, y: np.ndarray, px: float, py: float, nx: float, ny: float) -> np.ndarray:
    """Signed distance to the half-plane on the side opposite the unit normal (nx, ny) at (px, py)."""
    return (x - px) * nx + (y - py) * ny


def sd_polygon(x: np.ndarray, y: np.ndarray, pts: list[tuple[float, float]]) -> np.ndarray:
    """Approximate signed distance to a convex counter-clockwise polygon (max of edge planes)."""
    d = None
    for (ax, ay), (bx, by) in zip(pts, pts[1:] + pts[:1]):
        ex, ey = bx - ax, by - ay
        n = np.hypot(ex, ey) or 1.0
        e = sd_halfplane(x, y, ax, ay, ey / n, -ex / n)
        d = e if d is None else np.maximum(d, e)
    assert d is not None  # a polygon has edges
    return d
