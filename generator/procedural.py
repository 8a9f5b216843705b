"""The procedural backend: seeded, model-free backgrounds and illustrations from the brand palette.

Each style paints a full-size RGB image from a `Canvas` (size, seeded generator, palette roles).
Smooth styles paint at a reduced "work" resolution and are upscaled; crisp ones (geometric,
halftone) draw anti-aliased shapes at full size. Every style then goes through the same finish:
calm the text areas (blend toward a heavy blur of the image, keeping less grain there) and add
full-size monochrome grain, so gradients never band.
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageChops

from generator.errors import GeneratorError, RequestError
from generator.base import GeneratedImage, GenerateRequest
from generator.cache import atomic_write, cache_root, use_disk_cache
from generator import procedural_patterns as pat
from generator import procedural_styles as sty
from generator.masks import scale_boxes, text_mask
from generator.procedural_canvas import Canvas, Palette
from generator.procedural_fields import box_blur, oklab_to_srgb, srgb_to_oklab

__all__ = ["MAX_PIXELS", "STYLES", "Canvas", "Palette", "ProceduralBackend", "Style"]

# Equal to composer.core.limits.MAX_IMAGE_PIXELS: generator/ may not import Placard, so it keeps its own copy.
MAX_PIXELS = 100_000_000


@dataclass(frozen=True)
class Style:
    """A style: its painter, grain and paper-texture strength (8-bit units), and how much of
    that noise is taken away under text (the rest keeps the calm areas from looking pasted on)."""

    paint: Callable[[Canvas], Image.Image | np.ndarray]
    grain: float
    texture: float = 0.0
    calm: float = 0.8


STYLES: dict[str, Style] = {
    "aurora": Style(sty.aurora, 2.2),
    "blobs": Style(sty.blobs, 2.6),
    "geometric": Style(pat.geometric, 2.0),
    "halftone": Style(pat.halftone, 1.6),
    "grain": Style(sty.grain, 3.0, texture=4.0, calm=0.65),
    "photo": Style(sty.photo, 2.4),
    "flat": Style(sty.flat, 0.0),
}
DEFAULT_STYLE = "aurora"


class ProceduralBackend:
    """Model-free raster backend: `generate(GenerateRequest) -> GeneratedImage`."""

    name = "procedural"
    PAINTINGS_KEPT = 4  # a handful of full-size paintings at most
    FINISHED_KEPT = 4  # and of finished backgrounds, only for canvases up to FINISHED_MAX_PIXELS
    FINISHED_MAX_PIXELS = 4_000_000
    ILLUSTRATIONS_KEPT = 8  # illustrations are box-sized: eight at most 4 MP each

    def __init__(self) -> None:
        # key -> (painting, random state after painting); least recently used first
        self._painted: OrderedDict[tuple[object, ...], tuple[Image.Image | np.ndarray, Mapping[str, Any]]] = OrderedDict()
        # key -> finished background (painting, calm areas, grain); least recently used first
        self._finished: OrderedDict[tuple[object, ...], Image.Image | np.ndarray] = OrderedDict()
        # key -> illustration (RGBA); least recently used first
        self._illustrations: OrderedDict[tuple[object, ...], Image.Image | np.ndarray] = OrderedDict()
        self._lock = threading.Lock()  # one backend serves every build thread of the process

    def generate(self, request: GenerateRequest) -> GeneratedImage:
        """Paint a background (RGB) or an illustration (RGBA) for `request`."""
        # 1. Check inputs
        style_name = self.check_inputs(request)
        # 2. The canvas; its random stream is seeded when something is painted (a kept background needs none)
        canvas = Canvas(request.width, request.height, None, Palette.from_hex(request.palette))  # type: ignore[arg-type]
        if request.text_aware and request.text_boxes and request.kind == "background":
            canvas.calm = _work_mask(canvas, request.text_boxes)
        # 3. Paint
        if request.kind == "illustration":
            image = self._illustration(style_name, canvas, request)
        else:
            image = self._finish(style_name, STYLES[style_name], canvas, request)
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

    def _illustration(self, name: str, canvas: Canvas, request: GenerateRequest) -> Image.Image:
        """`pat.illustration`, kept like finished backgrounds: a rebuild or a campaign row paints it once.

        The key is everything it reads (size, seed, palette, shape; the stream is seeded from the
        request); canvases above FINISHED_MAX_PIXELS are painted every time.
        """
        shape = request.options.get("shape")
        if request.width * request.height > self.FINISHED_MAX_PIXELS:
            canvas.rng = _seeded(request, name)
            return pat.illustration(canvas, shape)
        key = ("illustration", name, request.width, request.height, request.seed, tuple(request.palette), repr(shape))
        hit = self._recall(self._illustrations, key)
        if hit is not None:
            return hit
        canvas.rng = _seeded(request, name)
        image = pat.illustration(canvas, shape)
        self._remember(self._illustrations, key, image, self.ILLUSTRATIONS_KEPT)
        return image

    def _recall(self, kept: OrderedDict[tuple[object, ...], Image.Image | np.ndarray],
                key: tuple[object, ...]) -> Image.Image | None:
        """A copy of the kept image for `key` (now the most recent), or None."""
        with self._lock:
            hit = kept.get(key)
            if hit is not None:
                kept.move_to_end(key)
        if hit is None:
            return None
        return Image.fromarray(hit, "RGB") if isinstance(hit, np.ndarray) else hit.copy()

    def _remember(self, kept: OrderedDict[tuple[object, ...], Image.Image | np.ndarray], key: tuple[object, ...],
                  image: Image.Image | np.ndarray, limit: int) -> None:
        """Keep a copy of `image` under `key` (an RGB array is kept as it is: the caller hands it over),
        dropping the least recently used past `limit`."""
        with self._lock:
            kept[key] = image if isinstance(image, np.ndarray) else image.copy()
            while len(kept) > limit:
                kept.popitem(last=False)

    def _paint(self, name: str, style: Style, canvas: Canvas, request: GenerateRequest):
        """Paint, reusing the last few paintings: variants of one design differ only in their text.

        The key is everything painting reads (geometric also reads the text mask); the random
        stream is restored to where painting left it, so `finish` draws the same grain.
        """
        calm = canvas.calm.tobytes() if (name == "geometric" and canvas.calm is not None) else b""
        key = (name, request.width, request.height, request.seed, tuple(request.palette), zlib.crc32(calm), len(calm))
        with self._lock:
            hit = self._painted.get(key)
            if hit is not None:
                self._painted.move_to_end(key)
        if hit is not None:
            painted, state = hit
            canvas.rng.bit_generator.state = state
            return painted.copy() if hasattr(painted, "copy") else painted
        painted = style.paint(canvas)
        kept = (painted.copy() if hasattr(painted, "copy") else painted, canvas.rng.bit_generator.state)
        with self._lock:
            self._painted[key] = kept
            while len(self._painted) > self.PAINTINGS_KEPT:
                self._painted.popitem(last=False)
        return painted

    def _finish(self, name: str, style: Style, canvas: Canvas, request: GenerateRequest) -> Image.Image:
        """`finish` of the painting, kept for canvases up to FINISHED_MAX_PIXELS.

        finish reads only the painting (by its key), the calm mask and the random stream painting
        left behind, so a design built again with its text boxes unchanged (a warm rebuild, a
        preview edit outside the text, campaign rows whose text sets alike) gets the same pixels
        without the ~20 ms of blur, calm and grain. The mask is keyed by a BLAKE2 digest, not a
        CRC, as a collision here would be a wrong background rather than a repaint.
        """
        if request.width * request.height > self.FINISHED_MAX_PIXELS:
            canvas.rng = _seeded(request, name)
            return finish(canvas, self._paint(name, style, canvas, request), style)
        calm = hashlib.blake2b(canvas.calm.tobytes(), digest_size=16).digest() if canvas.calm is not None else b""
        key = (name, request.width, request.height, request.seed, tuple(request.palette), calm)
        hit = self._recall(self._finished, key)
        if hit is not None:
            return hit
        disk = _DiskTier.path(key) if use_disk_cache() else None
        pixels = _DiskTier.load(disk, request.width, request.height) if disk else None
        if pixels is not None:  # the array np.load made is nobody else's: kept as it is, no copy
            self._remember(self._finished, key, pixels, self.FINISHED_KEPT)
            return Image.fromarray(pixels, "RGB")
        canvas.rng = _seeded(request, name)
        image = finish(canvas, self._paint(name, style, canvas, request), style)
        if disk:
            _DiskTier.store(disk, image)
        self._remember(self._finished, key, image, self.FINISHED_KEPT)
        return image

    @staticmethod
    def check_inputs(request: GenerateRequest) -> str:
        """Reject requests this backend cannot paint; return the style name to use."""
        w, h = request.width, request.height
        if not (isinstance(w, int) and isinstance(h, int)) or w < 1 or h < 1:
            raise GeneratorError(f"`width` and `height` have to be positive integers but are {w!r} and {h!r}")
        if not isinstance(request.seed, int) or isinstance(request.seed, bool):
            raise GeneratorError(f"`seed` has to be an integer but is {request.seed!r}")
        if w * h > MAX_PIXELS:
            raise GeneratorError(f"{w}x{h} is {w * h} pixels; the procedural generator allows at most {MAX_PIXELS}")
        if request.kind not in ("background", "illustration"):
            raise RequestError(f"unknown kind {request.kind!r}; allowed: background | illustration")
        style = request.style or DEFAULT_STYLE
        if style not in STYLES:
            raise RequestError(f"unknown procedural style {style!r}; allowed: {' | '.join(STYLES)}")
        return style


def _seeded(request: GenerateRequest, style_name: str) -> np.random.Generator:
    """A generator per (seed, kind, style), so styles do not share random streams."""
    salt = zlib.crc32(f"{request.kind}:{style_name}".encode())
    return np.random.Generator(np.random.PCG64([abs(request.seed), int(request.seed < 0), salt]))


class _DiskTier:
    """Finished backgrounds kept on disk, so the next process (a CLI rebuild after a text edit) skips painting.

    Painting and finishing a 1080x1350 background costs a cold process ~200 ms; reading it back
    costs ~3 ms. Entries are raw `.npy` arrays (read with allow_pickle=False) in the raster cache's
    `procedural/` folder, so `placard cache info | clear` counts and clears them. The key is the
    in-memory one plus a digest of this backend's source files and the numpy and Pillow versions,
    so a change to any of them paints afresh. A process writes at most WRITES_PER_PROCESS entries
    (a campaign of 1,000 rows leaves a handful, not 4 GB) and the folder keeps the KEPT newest.
    """

    KEPT = 16
    WRITES_PER_PROCESS = 4
    _writes = 0
    _code: str | None = None

    @classmethod
    def path(cls, key: tuple) -> Path:
        if cls._code is None:
            import PIL

            digest = hashlib.blake2b(f"{np.__version__}|{PIL.__version__}".encode(), digest_size=16)
            here = Path(__file__).parent
            for name in ("procedural", "procedural_canvas", "procedural_fields", "procedural_patterns", "procedural_styles", "masks"):
                digest.update((here / f"{name}.py").read_bytes())
            cls._code = digest.hexdigest()
        name = hashlib.blake2b(repr((cls._code, *key)).encode(), digest_size=20).hexdigest()
        return cache_root() / "procedural" / f"{name}.npy"

    @staticmethod
    def load(path: Path, width: int, height: int) -> np.ndarray | None:
        """The kept background as an (height, width, 3) uint8 array, or None."""
        try:
            pixels = np.load(path, allow_pickle=False)
            os.utime(path)  # recently used: pruned last
        except (OSError, ValueError, EOFError):
            return None
        if pixels.dtype != np.uint8 or pixels.shape != (height, width, 3):
            return None
        return pixels

    @classmethod
    def store(cls, path: Path, image: Image.Image) -> None:
        with _DISK_LOCK:
            if cls._writes >= cls.WRITES_PER_PROCESS:
                return
            cls._writes += 1
        buf = io.BytesIO()
        np.save(buf, np.asarray(image), allow_pickle=False)
        try:
            atomic_write(path, buf.getvalue())
            entries = sorted(path.parent.glob("*.npy"), key=lambda p: p.stat().st_mtime)
            for old in entries[: max(0, len(entries) - cls.KEPT)]:
                old.unlink(missing_ok=True)
        except OSError:
            pass  # a read-only or full cache folder costs the next process the painting, nothing more


_DISK_LOCK = threading.Lock()


def _work_mask(canvas: Canvas, boxes: tuple) -> np.ndarray | None:
    """The text mask at a work size (longer side 256), feathered wide; None if it is empty."""
    ww, wh = canvas.work_size(256)
    sx, sy = ww / canvas.width, wh / canvas.height
    small = text_mask(ww, wh, scale_boxes(boxes, sx, sy), feather=0.06 * min(ww, wh))
    return small if (small > 1 / 255).any() else None


def finish(canvas: Canvas, painted: Image.Image | np.ndarray, style: Style) -> Image.Image:
    """Calm the areas under the canvas' text mask, then add grain and texture (in Pillow)."""
    img = painted if isinstance(painted, Image.Image) else Image.fromarray(painted, "RGB")
    regions = []
    if canvas.calm is not None:
        blurred = _blurred(img, canvas.work_size(64))
        regions = [_calm(img, canvas.calm, blurred, rows) for rows in _row_runs(canvas.calm > 1 / 255)]
    noise = _noise(canvas, style)
    if noise is None:
        return img
    for bbox, m in regions:
        # Grain is detail too; keep a little under text so it dithers and matches around it.
        k = m.point([int(v * style.calm + 0.5) for v in range(256)])
        noise.paste(Image.composite(Image.new("L", m.size, 128), noise.crop(bbox), k), bbox[:2])
    return ImageChops.add(img, Image.merge("RGB", (noise, noise, noise)), 1.0, -128)


def _row_runs(on: np.ndarray) -> list[tuple[int, int]]:
    """Runs of consecutive rows with any True cell: a headline and a footer calm separately."""
    rows = np.flatnonzero(on.any(1))
    breaks = np.flatnonzero(np.diff(rows) > 1)
    starts, ends = np.r_[rows[0], rows[breaks + 1]], np.r_[rows[breaks], rows[-1]]
    return [(int(a), int(b) + 1) for a, b in zip(starts, ends)]


def _blurred(img: Image.Image, size: tuple[int, int]) -> Image.Image:
    """The image with its detail removed: shrunk to `size`, blurred by a quarter of it in OKLab.

    Chroma is also blurred as a magnitude and partly restored (at most 1.5x, as full restoration
    paints rainbow fringes where opposite hues cancel), so meeting hues fade less toward grey.
    """
    lab = srgb_to_oklab(np.asarray(img.resize(size, Image.Resampling.BOX), np.float32) / 255.0)
    radius = 0.25 * min(size) + 1
    chroma = box_blur(np.hypot(lab[..., 1], lab[..., 2]), radius)
    lab = box_blur(lab, radius)
    ab = np.hypot(lab[..., 1], lab[..., 2])
    lab[..., 1:] *= np.minimum(chroma / np.maximum(ab, 1e-6), 1.5)[..., None]
    return Image.fromarray(np.clip(oklab_to_srgb(lab) * 255 + 0.5, 0, 255).astype(np.uint8), "RGB")


def _calm(img: Image.Image, small: np.ndarray, blurred: Image.Image, rows: tuple[int, int]):
    """Blend `img` in place toward `blurred` where the work-size mask `small` is set in `rows`.

    Only that band's bounding box is touched; returns the box and the full-size mask inside it.
    """
    w, h = img.size
    wh, ww = small.shape
    xs = np.flatnonzero((small[rows[0] : rows[1]] > 1 / 255).any(0))
    x0, x1 = max(0, int(xs[0] * w / ww) - 2), min(w, int(np.ceil((xs[-1] + 1) * w / ww)) + 2)
    y0, y1 = max(0, int(rows[0] * h / wh) - 2), min(h, int(np.ceil(rows[1] * h / wh)) + 2)
    size, bbox = (x1 - x0, y1 - y0), (x0, y0, x1, y1)
    mask = Image.fromarray(np.clip(small * 255 + 0.5, 0, 255).astype(np.uint8), "L")
    mask = mask.resize(size, Image.Resampling.BICUBIC, box=(x0 * ww / w, y0 * wh / h, x1 * ww / w, y1 * wh / h))
    bw, bh = blurred.size
    calm = blurred.resize(size, Image.Resampling.BICUBIC, box=(x0 * bw / w, y0 * bh / h, x1 * bw / w, y1 * bh / h))
    img.paste(Image.composite(calm, img.crop(bbox), mask), bbox[:2])
    return bbox, mask


def _noise(canvas: Canvas, style: Style) -> Image.Image | None:
    """Full-size monochrome noise centred on 128: grain plus paper texture, from coprime tiles.

    Tiles whose periods are coprime never visibly repeat together, and cost little at print sizes.
    """
    rng, w, h = canvas.rng, canvas.width, canvas.height
    tiles = []
    if style.grain > 0:
        g = np.float32(style.grain * 0.70710677)
        tiles += [rng.standard_normal((251, 241), np.float32) * g, rng.standard_normal((173, 179), np.float32) * g]
    if style.texture > 0:
        tiles += [t * np.float32(style.texture) for t in sty.paper_tiles(rng)]
    out = None
    for t in tiles:
        th, tw = t.shape
        q = np.clip(t + 128.5, 0, 255).astype(np.uint8)
        layer = Image.fromarray(np.tile(q, (h // th + 1, w // tw + 1))[:h, :w], "L")
        out = layer if out is None else ImageChops.add(out, layer, 1.0, -128)
    return out
