"""Legibility measures on real pixels: luminance, Rea (Sobel gradient) and WCAG contrast."""

from __future__ import annotations

import numpy as np
from PIL import Image

from generator.base import Box


def srgb_to_linear(c: np.ndarray) -> np.ndarray:
    """sRGB channel values in [0, 1] to linear light (WCAG 2.x formula)."""
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


_LINEAR_LUT = srgb_to_linear(np.arange(256) / 255.0)


def relative_luminance(rgb: np.ndarray) -> np.ndarray:
    """WCAG relative luminance of an (..., 3) array of 0-255 sRGB values."""
    a = np.asarray(rgb)[..., :3]
    if a.dtype == np.uint8:  # the common case: a lookup table instead of a pow per pixel
        lin = _LINEAR_LUT[a]
    else:
        lin = srgb_to_linear(a.astype(np.float64) / 255.0)
    return lin @ np.array([0.2126, 0.7152, 0.0722])


def contrast_ratio(l1: np.ndarray | float, l2: np.ndarray | float) -> np.ndarray:
    """WCAG contrast ratio between relative luminances (order does not matter)."""
    hi, lo = np.maximum(l1, l2), np.minimum(l1, l2)
    return (hi + 0.05) / (lo + 0.05)


def luma(image: Image.Image | np.ndarray) -> np.ndarray:
    """Luminance on a 0-255 scale (Rec. 601 luma of the sRGB values), as float32."""
    a = np.asarray(image.convert("RGB") if isinstance(image, Image.Image) else image, np.float32)
    return a[..., 0] * 0.299 + a[..., 1] * 0.587 + a[..., 2] * 0.114


def sobel_magnitude(gray: np.ndarray) -> np.ndarray:
    """Sobel gradient magnitude of a 2-D array (edge pixels replicate), same shape."""
    p = np.pad(gray.astype(np.float32), 1, mode="edge")
    gx = (p[:-2, 2:] + 2 * p[1:-1, 2:] + p[2:, 2:]) - (p[:-2, :-2] + 2 * p[1:-1, :-2] + p[2:, :-2])
    gy = (p[2:, :-2] + 2 * p[2:, 1:-1] + p[2:, 2:]) - (p[:-2, :-2] + 2 * p[:-2, 1:-1] + p[:-2, 2:])
    # Normalise by the kernel's maximum response (4*255) so a hard black/white edge reads 255.
    return np.hypot(gx, gy) / 4.0


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
