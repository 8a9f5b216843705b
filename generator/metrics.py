"""Calm measures on real pixels: luminance and Rea (the mean Sobel gradient under a box)."""

from __future__ import annotations

import numpy as np
from PIL import Image

from generator.base import Box


def luma(image: Image.Image | np.ndarray) -> np.ndarray:
    """Luminance on a 0-255 scale (Rec. 601 luma of the sRGB values), as float32."""
    a = np.asarray(image.convert("RGB") if isinstance(image, Image.Image) else image)
    # One channel at a time, in place: the same sums as converting the whole (H, W, 3) array first,
    # at a quarter of the time on a strided view such as cairo's pixels read as RGB.
    out = a[..., 0].astype(np.float32)
    out *= 0.299
    for k, weight in ((1, 0.587), (2, 0.114)):
        c = a[..., k].astype(np.float32)
        c *= weight
        out += c
    return out


def sobel_magnitude(gray: np.ndarray) -> np.ndarray:
    """Sobel gradient magnitude of a 2-D array (edge pixels replicate), same shape."""
    g = gray.astype(np.float32, copy=False)
    h, w = g.shape
    p = np.empty((h + 2, w + 2), np.float32)  # edge padding, by hand: np.pad costs more than the filter
    p[1:-1, 1:-1] = g
    p[0, 1:-1], p[-1, 1:-1] = g[0], g[-1]
    p[:, 0], p[:, -1] = p[:, 1], p[:, -2]
    # The sums of the 3x3 kernels in the order (a + 2b) + c, in place: the same floats as spelling
    # them out, with fewer full-size temporaries.
    gx = _column(p, 2)
    gx -= _column(p, 0)
    gy = _row(p, 2)
    gy -= _row(p, 0)
    # Normalise by the kernel's maximum response (4*255) so a hard black/white edge reads 255.
    np.hypot(gx, gy, out=gx)
    gx /= 4.0
    return gx


def _column(p: np.ndarray, j: int) -> np.ndarray:
    """p[:-2, j] + 2 p[1:-1, j] + p[2:, j] for each output pixel (j = 0: left, 2: right neighbours)."""
    w = p.shape[1] - 2
    out = p[1:-1, j:j + w] * 2
    out += p[:-2, j:j + w]
    out += p[2:, j:j + w]
    return out


def _row(p: np.ndarray, i: int) -> np.ndarray:
    """p[i, :-2] + 2 p[i, 1:-1] + p[i, 2:] for each output pixel (i = 0: the row above, 2: below)."""
    h = p.shape[0] - 2
    out = p[i:i + h, 1:-1] * 2
    out += p[i:i + h, :-2]
    out += p[i:i + h, 2:]
    return out


def rea(image: Image.Image | np.ndarray, box: Box | None = None) -> float:
    """PosterLayout's unreadability: mean Sobel magnitude of luminance under `box` (0-255)."""
    mag = sobel_magnitude(luma(image))
    if box is None:
        return float(mag.mean())
    h, w = mag.shape
    x0, y0 = max(0, int(round(box.x))), max(0, int(round(box.y)))
    x1, y1 = min(w, int(round(box.right))), min(h, int(round(box.bottom)))
    if x1 <= x0 or y1 <= y0:
        return 0.0
    return float(mag[y0:y1, x0:x1].mean())


def rea_outside(image: Image.Image | np.ndarray, boxes: list[Box]) -> float:
    """Mean Sobel magnitude of luminance everywhere outside all `boxes`."""
    mag = sobel_magnitude(luma(image))
    keep = np.ones(mag.shape, bool)
    h, w = mag.shape
    for b in boxes:
        keep[max(0, int(b.y)) : min(h, int(np.ceil(b.bottom))), max(0, int(b.x)) : min(w, int(np.ceil(b.right)))] = False
    return float(mag[keep].mean()) if keep.any() else 0.0
