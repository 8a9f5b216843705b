"""The procedural backend: seeded, model-free backgrounds and illustrations from the brand palette.

Each style paints a full-size 8-bit RGB array from a `Canvas` (size, seeded generator, palette
roles). Smooth styles paint at a reduced "work" resolution and are upscaled; every style then goes
through the same finish: calm the text areas (blend toward a heavy blur of the image, with less
grain) and add full-size monochrome grain so gradients never band.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image

from composer.errors import GeneratorError, SpecError
from generator.base import GeneratedImage, GenerateRequest
from generator.masks import scale_boxes, text_mask
from generator.procedural_fields import box_blur, hex_to_rgb, oklab_to_srgb, srgb_to_oklab, to_uint8

__all__ = ["MAX_PIXELS", "STYLES", "Canvas", "Palette", "ProceduralBackend", "Style"]

MAX_PIXELS = 100_000_000
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")
_STRIP = 512  # rows finished at a time, so print sizes stay within a few hundred MB


@dataclass(frozen=True)
class Palette:
    """The palette by role, as float sRGB triples in [0, 1]."""

    base: np.ndarray
    primary: np.ndarray
    accent: np.ndarray
    paper: np.ndarray

    @classmethod
    def from_hex(cls, colours: tuple[str, ...] | list[str]) -> Palette:
        """Read "#RRGGBB" colours (base, primary, accent, paper); derive the missing roles."""
        bad = [c for c in colours if not isinstance(c, str) or not _HEX.match(c)]
        if bad:
            raise SpecError(f"palette colour {bad[0]!r} is not a \"#RRGGBB\" hex colour")
        rgb = [hex_to_rgb(c) for c in colours] or [hex_to_rgb("#101820")]
        base = rgb[0]
        lab = srgb_to_oklab(base)
        derived = [
            oklab_to_srgb(np.array([min(0.95, lab[0] + 0.35), lab[1] * 1.5, lab[2] * 1.5], np.float32)),
            oklab_to_srgb(np.array([min(0.97, lab[0] + 0.55), -lab[1], -lab[2]], np.float32)),
            oklab_to_srgb(np.array([0.97, lab[1] * 0.15, lab[2] * 0.15], np.float32)),
        ]
        full = rgb + derived[len(rgb) - 1 :]
        return cls(full[0], full[1], full[2], full[3])

    @property
    def colours(self) -> list[np.ndarray]:
        """All four roles in order."""
        return [self.base, self.primary, self.accent, self.paper]


@dataclass
class Canvas:
    """What a style paints on: the full size, a seeded generator and the palette."""

    width: int
    height: int
    rng: np.random.Generator
    palette: Palette

    def work_size(self, long_side: int) -> tuple[int, int]:
        """A reduced size with the canvas' aspect whose longer side is at most `long_side`."""
        s = min(1.0, long_side / max(self.width, self.height))
        return max(1, int(round(self.width * s))), max(1, int(round(self.height * s)))

    def upscale(self, rgb: np.ndarray) -> np.ndarray:
        """Dither a float work-resolution image to 8 bits and resize it to the full size."""
        im = Image.fromarray(to_uint8(rgb, self.rng), "RGB")
        if im.size != (self.width, self.height):
            im = im.resize((self.width, self.height), Image.BICUBIC)
        return np.asarray(im)


@dataclass(frozen=True)
class Style:
    """A style: its painter, grain and paper-texture strength (8-bit units), and how much of
    that noise is taken away under text (the rest keeps the calm areas from looking pasted on)."""

    paint: Callable[[Canvas], np.ndarray]
    grain: float
    texture: float = 0.0
    calm: float = 0.8


def _styles() -> dict[str, Style]:
    from generator import procedural_patterns as pat
    from generator import procedural_styles as sty

    return {
        "aurora": Style(sty.aurora, 2.2),
        "blobs": Style(sty.blobs, 2.6),
        "geometric": Style(pat.geometric, 2.0),
        "halftone": Style(pat.halftone, 1.6),
        "grain": Style(sty.grain, 3.0, texture=4.0, calm=0.65),
        "photo": Style(sty.photo, 2.4),
        "flat": Style(sty.flat, 0.0),
    }


STYLES: dict[str, Style] = _styles()
DEFAULT_STYLE = "aurora"


class ProceduralBackend:
    """Model-free raster backend: `generate(GenerateRequest) -> GeneratedImage`."""

    name = "procedural"

    def generate(self, request: GenerateRequest) -> GeneratedImage:
        """Paint a background (RGB) or an illustration (RGBA) for `request`."""
        # 1. Check inputs
        style_name = self.check_inputs(request)
        # 2. Seed a generator per (seed, style), so styles do not share random streams
        salt = zlib.crc32(f"{request.kind}:{style_name}".encode())
        rng = np.random.Generator(np.random.PCG64([request.seed % 2**63, int(request.seed < 0), salt]))
        canvas = Canvas(request.width, request.height, rng, Palette.from_hex(request.palette))
        # 3. Paint
        if request.kind == "illustration":
            from generator.procedural_patterns import illustration

            image = illustration(canvas, request.options.get("shape"))
        else:
            style = STYLES[style_name]
            rgb = style.paint(canvas)
            boxes = request.text_boxes if request.text_aware else ()
            image = Image.fromarray(finish(canvas, rgb, style, boxes), "RGB")
        # 4. Describe
        metadata = {
            "generator": self.name,
            "kind": request.kind,
            "style": style_name,
            "seed": request.seed,
            "size": [request.width, request.height],
            "text_aware": request.text_aware,
        }
        return GeneratedImage(image, metadata)

    @staticmethod
    def check_inputs(request: GenerateRequest) -> str:
        """Reject requests this backend cannot paint; return the style name to use."""
        w, h = request.width, request.height
        if not (isinstance(w, int) and isinstance(h, int)) or w < 1 or h < 1:
            raise GeneratorError(f"`width` and `height` have to be positive integers but are {w!r} and {h!r}")
        if w * h > MAX_PIXELS:
            raise GeneratorError(f"{w}x{h} is {w * h} pixels; the procedural generator allows at most {MAX_PIXELS}")
        if request.kind not in ("background", "illustration"):
            raise SpecError(f"unknown kind {request.kind!r}; allowed: background | illustration")
        style = request.style or DEFAULT_STYLE
        if style not in STYLES:
            raise SpecError(f"unknown procedural style {style!r}; allowed: {' | '.join(STYLES)}")
        return style


def finish(canvas: Canvas, rgb: np.ndarray, style: Style, boxes: tuple) -> np.ndarray:
    """Calm the areas under `boxes`, add grain and texture; returns a new (H, W, 3) uint8 array."""
    from generator.procedural_styles import paper_texture, paper_tiles

    w, h = canvas.width, canvas.height
    mask = calm = None
    if boxes:
        ww, wh = canvas.work_size(256)
        small = text_mask(ww, wh, scale_boxes(boxes, ww / w, wh / h), feather=0.06 * min(ww, wh))
        if small.any():
            mask = _up_l(small * 255.0, w, h)
            calm = _calm_version(rgb, ww, wh)
    if mask is None and style.grain <= 0 and style.texture <= 0:
        return rgb
    grain = _GrainTiles(canvas.rng) if style.grain > 0 else None
    paper = paper_tiles(canvas.rng) if style.texture > 0 else None
    out = np.empty_like(rgb)
    for y0 in range(0, h, _STRIP):
        y1 = min(h, y0 + _STRIP)
        px = rgb[y0:y1].astype(np.float32)
        noise = np.zeros((y1 - y0, w), np.float32)
        if grain is not None:
            noise += grain.rows(y0, y1, w) * np.float32(style.grain)
        if paper is not None:
            noise += paper_texture(canvas, y0, y1, paper) * np.float32(style.texture)
        if mask is not None:
            m = mask[y0:y1].astype(np.float32) * np.float32(1 / 255)
            px += (calm[y0:y1].astype(np.float32) - px) * m[..., None]
            # Grain is detail too; keep a little under text so it dithers and matches around it.
            noise *= 1.0 - style.calm * m
        px += noise[..., None]
        np.clip(px + 0.5, 0, 255, out=px)
        out[y0:y1] = px.astype(np.uint8)
    return out


def _calm_version(rgb: np.ndarray, ww: int, wh: int) -> np.ndarray:
    """The image with its detail removed: shrunk, blurred heavily, grown back to full size."""
    h, w = rgb.shape[:2]
    small = np.asarray(Image.fromarray(rgb, "RGB").resize((ww, wh), Image.BOX), np.float32)
    blurred = box_blur(small, 0.25 * min(ww, wh) + 1)
    im = Image.fromarray(np.clip(blurred + 0.5, 0, 255).astype(np.uint8), "RGB")
    return np.asarray(im.resize((w, h), Image.BICUBIC))


def _up_l(a: np.ndarray, w: int, h: int) -> np.ndarray:
    """A float array in [0, 255] as an 8-bit mask resized to (w, h)."""
    im = Image.fromarray(np.clip(a + 0.5, 0, 255).astype(np.uint8), "L")
    return np.asarray(im.resize((w, h), Image.BICUBIC)) if im.size != (w, h) else np.asarray(im)


class _GrainTiles:
    """Unit-variance grain from two tiles of coprime sizes: it never visibly repeats, costs little."""

    def __init__(self, rng: np.random.Generator):
        self.a = rng.standard_normal((251, 241), np.float32)
        self.b = rng.standard_normal((173, 179), np.float32)

    def rows(self, y0: int, y1: int, width: int) -> np.ndarray:
        """Grain for rows y0..y1 of an image `width` pixels wide."""
        out = np.zeros((y1 - y0, width), np.float32)
        for t in (self.a, self.b):
            th, tw = t.shape
            rows = t[np.arange(y0, y1) % th]
            out += np.tile(rows, (1, width // tw + 1))[:, :width]
        return out * np.float32(0.70710677)
