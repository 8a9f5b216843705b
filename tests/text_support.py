"""Shared helpers for the typography tests: rasterise glyph runs the way the renderer does."""

from __future__ import annotations

import io

import cairosvg
import numpy as np
from PIL import Image


def svg_of(blocks, width: int, height: int, scale: float = 1.0) -> str:
    """A minimal SVG: white page and each block's glyph runs."""
    paths = "".join(f'<path d="{r.d}" fill="{r.fill}"/>' for b in blocks for r in b.runs)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width * scale}" height="{height * scale}" '
            f'viewBox="0 0 {width} {height}"><rect width="{width}" height="{height}" fill="#fff"/>'
            f"{paths}</svg>")


def render(blocks, width: int, height: int, scale: float = 1.0) -> np.ndarray:
    """Rasterise blocks with cairosvg; returns an H×W×3 uint8 array."""
    png = cairosvg.svg2png(bytestring=svg_of(blocks, width, height, scale).encode())
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def ink_mask(pixels: np.ndarray, threshold: int = 250) -> np.ndarray:
    """Pixels that are not (nearly) white."""
    return pixels.min(axis=2) < threshold
