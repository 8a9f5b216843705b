"""SVG document → cairo pixels (over a background raster, earlier raw pixels, or white).

`<image>` elements with a `placard-pixels:` href (composer.render.pixelref) are drawn from the build's
decoded pixels by the surface itself.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping

import cairocffi as cairo
import cairosvg
import cairosvg.parser
import cairosvg.surface
import numpy as np
from cairosvg.helpers import preserve_ratio, size
from cairosvg.image import IMAGE_RENDERING
from cairosvg.url import parse_url
from PIL import Image

from composer.core.errors import AssetError, RenderError
from composer.core.lru import LRU
from composer.rasters.assets import safe_url_fetcher  # also refuses a cairosvg older than 2.9.0
from composer.core.svgpaths import FastPaths
from composer.render.pixelref import PIXELS


def svg_tree(svg: str) -> cairosvg.parser.Tree:
    """Parse our own document with a fetcher that allows only data: URIs."""
    # Every asset was embedded and checked already; the fetcher still refuses anything but data:
    # URIs and re-checks declared raster sizes, as a second line of defence.
    return cairosvg.parser.Tree(bytestring=svg.encode("utf-8"), url_fetcher=safe_url_fetcher(()), unsafe=False)


BAND = 256  # rows per copy: a print-size canvas is copied without a whole-canvas temporary


def copy_bgrx(image: Image.Image, at: tuple[int, int], out: np.ndarray) -> None:
    """Copy the RGB `image` from `at` into cairo's (H, W, 4) BGRX pixels `out`, one band of rows at a time."""
    height, width = out.shape[:2]
    x, y = at
    whole = at == (0, 0) and image.size == (width, height)
    for y0 in range(0, height, BAND):
        y1 = min(height, y0 + BAND)
        band = image if whole and height <= BAND else image.crop((x, y + y0, x + width, y + y1))
        # cairo's ARGB32 is BGRA in little-endian memory; Pillow packs that in one C pass.
        out[y0:y1] = np.frombuffer(band.tobytes("raw", "BGRX"), np.uint8).reshape(y1 - y0, width, 4)


def cairo_surface(img: Image.Image) -> cairo.ImageSurface:
    """Pixels as cairo reads them from a PNG: RGB24 for RGB, premultiplied ARGB32 for RGBA."""
    w, h = img.size
    fmt = cairo.FORMAT_RGB24 if img.mode == "RGB" else cairo.FORMAT_ARGB32
    surface = cairo.ImageSurface(fmt, w, h)
    buf = np.ndarray((h, surface.get_stride() // 4, 4), np.uint8, surface.get_data())[:, :w]
    if img.mode == "RGB":
        buf[...] = np.frombuffer(img.tobytes("raw", "BGRX"), np.uint8).reshape(h, w, 4)
    else:  # Pillow's premultiplication rounds as libpng's reader in cairo does: (c*a + 128) / 255
        buf[...] = np.asarray(img.convert("RGBa"))[..., (2, 1, 0, 3)]
    surface.mark_dirty()
    return surface


# cairo's copy of a decoded image, by the image (kept alive with it, so its id is not reused): the
# BGRA conversion cost a full-bleed 3 MP photo ~20 ms a draw. Images are never modified once
# decoded (rasters.paint keeps them shared too). Each of at most 4 MP, 32 MP in all (128 MB), up
# to 32 images: a budget in pixels, as a count of 8 let a collage's six photos and a few other
# images push each other out on every build. Only raster targets use them, one draw at a time per
# image: pixman's image reference counts are not atomic, and a PDF target attaches snapshots to
# its source surfaces.
SOURCE_MAX_PIXELS = 4_000_000
SOURCES_MAX_PIXELS = 32_000_000
_SOURCES: LRU[tuple[Image.Image, cairo.ImageSurface, threading.Lock]] = LRU(
    32, weigh=lambda entry: entry[0].width * entry[0].height, max_weight=SOURCES_MAX_PIXELS)
_SOURCES_MADE = threading.Lock()


@contextlib.contextmanager
def source_surface(img: Image.Image, target: cairo.Surface) -> Iterator[cairo.ImageSurface]:
    """`cairo_surface(img)` for the duration of a draw on `target`; kept between draws on raster targets."""
    if img.width * img.height > SOURCE_MAX_PIXELS or not isinstance(target, cairo.ImageSurface):
        yield cairo_surface(img)
        return
    key = (id(img), img.size, img.mode)
    with _SOURCES_MADE:  # one entry, and so one lock, per image even when two threads ask at once
        hit = _SOURCES.get(key)
        if hit is None or hit[0] is not img:
            hit = _SOURCES.put(key, (img, cairo_surface(img), threading.Lock()))
    with hit[2]:
        yield hit[1]


# cairosvg's parsed trees of SVG images given as data: URIs (sanitised SVG files), shared by Placard's
# surfaces: cairosvg parses an SVG image again for every surface that draws it (each SVG icon on
# every build, twice when the legibility pass draws it too). A tree is only read while drawing.
TREE_MAX_URI = 1_000_000  # characters of data: URI: larger SVGs are parsed per surface, as cairosvg does
_TREES: LRU[cairosvg.parser.Tree] = LRU(32)


def _svg_uri(url: object) -> bool:
    return isinstance(url, str) and url.startswith("data:image/svg+xml") and len(url) <= TREE_MAX_URI


class _TreeCache(dict):
    """A surface's `tree_cache` whose whole SVG images (keyed by data: URI) live in the process-wide _TREES.

    cairosvg looks an image's tree up as (url, "") and files a parsed tree as (url, the id of its
    top element), which for a whole document is its root's id (or None); so a whole document is
    filed under (url, "") here, and a subtree (a `#id` reference) stays with this surface.
    """

    def __contains__(self, key: object) -> bool:
        if dict.__contains__(self, key):
            return True
        return (isinstance(key, tuple) and len(key) == 2 and key[1] == "" and _svg_uri(key[0])
                and _TREES.get(key) is not None)

    def __getitem__(self, key: tuple[str | None, str | None]) -> cairosvg.parser.Tree:
        if not dict.__contains__(self, key) and key[1] == "" and _svg_uri(key[0]):
            tree = _TREES.get(key)
            if tree is not None:
                return tree
        return dict.__getitem__(self, key)

    def __setitem__(self, key: tuple[str | None, str | None], tree: cairosvg.parser.Tree) -> None:
        if _svg_uri(key[0]) and getattr(tree.element, "parent", True) is None:  # the document's root
            _TREES.put((key[0], ""), tree)
        else:
            dict.__setitem__(self, key, tree)


class DecodedImages(FastPaths):
    """cairosvg surface mix-in: `<image>` elements with a `placard-pixels:` href are drawn from decoded pixels,
    `<path>` through the fast handler, and SVG images from trees parsed once per process (_TreeCache).
    Set `decoded` per instance before cairosvg's __init__ runs."""

    decoded: Mapping[str, Image.Image] = {}  # cairosvg surfaces use `images` themselves

    @property
    def tree_cache(self) -> _TreeCache:
        """cairosvg's per-surface cache of parsed trees, backed by the shared one for SVG images."""
        return self._trees

    @tree_cache.setter
    def tree_cache(self, value: dict) -> None:  # cairosvg's __init__ sets it to {(url, id): document}
        self._trees = _TreeCache(value)

    def draw(self, node: cairosvg.parser.Node) -> None:
        href = node.get_href() if node.tag == "image" else None
        if href and href.startswith(PIXELS):
            draw_pixels(self, node, self.decoded[href[len(PIXELS):]])
        else:
            super().draw(node)


def draw_pixels(surface, node, img: Image.Image) -> None:
    """Draw an image node as cairosvg's `draw` and `image` would, from pixels instead of PNG bytes."""
    x, y = size(surface, node.get("x"), "x"), size(surface, node.get("y"), "y")
    width, height = size(surface, node.get("width"), "x"), size(surface, node.get("height"), "y")
    if ("width" in node and width == 0) or ("height" in node and height == 0):
        return
    ctx = surface.context
    ctx.save()
    clip_path = surface.paths.get(parse_url(node.get("clip-path")).fragment or "")
    if clip_path is not None:  # our templates' clip paths are user-space rectangles
        clip_path.tag = "g"
        surface.stroke_and_fill = False
        surface.draw(clip_path)
        surface.stroke_and_fill = True
        clip_path.tag = "clipPath"
        ctx.clip()
    node.image_width, node.image_height = img.size
    width, height = width or img.width, height or img.height
    scale_x, scale_y, translate_x, translate_y = preserve_ratio(surface, node, width, height)
    if not (translate_x == 0 and translate_y == 0 and width == scale_x * img.width and height == scale_y * img.height):
        ctx.rectangle(x, y, width, height)
        ctx.clip()
    ctx.translate(x, y)
    ctx.scale(scale_x, scale_y)
    ctx.translate(translate_x, translate_y)
    with source_surface(img, surface.cairo) as source:
        pattern = cairo.SurfacePattern(source)
        pattern.set_filter(IMAGE_RENDERING.get(node.get("image-rendering"), cairo.FILTER_GOOD))
        ctx.set_source(pattern)
        ctx.paint_with_alpha(float(node.get("opacity", 1)))
        ctx.restore()  # the context lets go of the pattern (and the kept surface) before its lock is released
    ctx.new_path()


class _RasterOverSurface(DecodedImages, cairosvg.surface.PNGSurface):
    """A surface whose pixels start as our background (a raster, raw cairo pixels, or white)."""

    # Set per instance before cairosvg's __init__ calls _create_surface. Not a class made per call:
    # a class is cyclic garbage, so the full-canvas buffers in its dict would wait for the cycle
    # collector (the preview's RSS climbed ~1 MB per build that way).
    def __init__(self, tree: cairosvg.parser.Tree, output: object, dpi: float, *, base: Image.Image | None = None,
                 base_at: tuple[int, int] = (0, 0), base_bgra: bytes | Pixels | None = None,
                 onto: Pixels | None = None, decoded: Mapping[str, Image.Image] | None = None, **kwargs: object) -> None:
        self.onto = onto  # draw on these pixels themselves (no base, no copy)
        self.base = base
        self.base_at = base_at  # where the canvas starts in `base` (the bleed, for a full-bleed background)
        self.base_bgra = base_bgra  # cairo's own pixels from an earlier render of the same size
        self.decoded = decoded or {}
        super().__init__(tree, output, dpi, **kwargs)

    def _create_surface(self, width, height):
        width, height = int(round(width)), int(round(height))
        onto = getattr(self, "onto", None)
        if onto is not None:  # draw over an earlier render's own surface, in place
            if (onto.width, onto.height) != (width, height):
                raise RenderError(f"cannot draw a {width}x{height} document onto {onto.width}x{onto.height} pixels")
            return onto._surface, width, height
        surface = cairo.ImageSurface(cairo.FORMAT_ARGB32, width, height)
        buf = np.ndarray((height, surface.get_stride() // 4, 4), np.uint8, surface.get_data())
        if self.base_bgra is not None:
            src = self.base_bgra
            buf[...] = src.bgra.base if isinstance(src, Pixels) else np.frombuffer(src, np.uint8).reshape(buf.shape)
        elif self.base is not None:
            copy_bgrx(self.base, self.base_at, buf[:, :width])
            buf[:, :width, 3] = 255
        else:  # documents are opaque: start from white, so pixels come out without float maths
            buf[...] = 255
        surface.mark_dirty()
        return surface, width, height


def rasterize(svg: str, width: int, height: int, base: Image.Image | None = None, dpi: float = 96, *,
              base_bgra: bytes | Pixels | None = None, raw: bool = False, images: Mapping[str, Image.Image] | None = None,
              base_at: tuple[int, int] = (0, 0), onto: Pixels | None = None):
    """Draw `svg` at width×height pixels over a base (RGB image from `base_at`, raw cairo pixels, or white).

    `images` are the decoded pixels that the document's `placard-pixels:` references name.
    Returns the RGB image, or with raw=True cairo's own BGRA pixels and their stride, which a later
    render of the same canvas can start from without converting them. With `onto` (raw only) the
    document is drawn on those pixels themselves, which are returned: no second canvas in memory.
    """
    if onto is not None and (base is not None or base_bgra is not None or not raw):
        raise ValueError("rasterize(onto=...) draws on existing pixels: no base, and raw=True")
    if base is not None and base.mode != "RGB":
        base = base.convert("RGB")
    try:
        surface = _RasterOverSurface(svg_tree(svg), None, dpi, base=base, base_at=base_at, base_bgra=base_bgra,
                                     onto=onto, decoded=images, output_width=width, output_height=height)
    except AssetError:
        raise
    except Exception as e:  # cairosvg raises assorted errors on malformed input
        raise RenderError(f"could not render the SVG: {e}") from None
    surface.cairo.flush()
    stride = surface.cairo.get_stride()
    if onto is not None:
        return onto
    if raw:
        return Pixels(surface.cairo, width, height, stride)
    data = bytes(surface.cairo.get_data())
    surface.finish()
    return Image.frombuffer("RGB", (width, height), data, "raw", "BGRX", stride, 1)


def pixels_from(buffer: bytes, width: int, height: int) -> Pixels:
    """A new canvas holding a copy of `buffer`, cairo's own pixels of an earlier render of this size (`Pixels.buffer`)."""
    surface = cairo.ImageSurface(cairo.FORMAT_ARGB32, width, height)
    stride = surface.get_stride()
    if len(buffer) != stride * height:
        raise ValueError(f"{len(buffer)} bytes are not a {width}x{height} canvas")
    np.ndarray((stride * height,), np.uint8, surface.get_data())[...] = np.frombuffer(buffer, np.uint8)
    surface.mark_dirty()
    return Pixels(surface, width, height, stride)


class Pixels:
    """A rendered canvas as cairo left it (BGRA), viewed without copying; keeps its surface alive."""

    def __init__(self, surface: cairo.ImageSurface, width: int, height: int, stride: int):
        self._surface = surface
        self.width, self.height, self.stride = width, height, stride
        self.bgra = np.ndarray((height, stride // 4, 4), np.uint8, surface.get_data())[:, :width]

    @property
    def rgb(self) -> np.ndarray:
        """An (H, W, 3) RGB view (negative channel stride; no copy)."""
        return self.bgra[..., 2::-1]

    def buffer(self) -> bytes:
        """The raw pixels, to start another render of the same canvas from."""
        return bytes(self._surface.get_data())

    def image(self) -> Image.Image:
        """A Pillow RGB copy."""
        return Image.frombuffer("RGB", (self.width, self.height), bytes(self._surface.get_data()), "raw", "BGRX", self.stride, 1)
