"""SVG document → cairo pixels (over a background raster, earlier raw pixels, or white)."""

from __future__ import annotations

import cairocffi as cairo
import cairosvg
import cairosvg.parser
import cairosvg.surface
import numpy as np
from PIL import Image

from composer.core.errors import AssetError, RenderError
from composer.rasters.assets import safe_url_fetcher  # also refuses a cairosvg older than 2.9.0
from composer.core.svgpaths import FastPaths


def svg_tree(svg: str) -> cairosvg.parser.Tree:
    """Parse our own document with a fetcher that allows only data: URIs."""
    # Every asset was embedded and checked already; the fetcher still refuses anything but data:
    # URIs and re-checks declared raster sizes, as a second line of defence.
    return cairosvg.parser.Tree(bytestring=svg.encode("utf-8"), url_fetcher=safe_url_fetcher(()), unsafe=False)


class _RasterOverSurface(FastPaths, cairosvg.surface.PNGSurface):
    """A surface whose pixels start as our background (a raster, raw cairo pixels, or white)."""

    # Set per instance before cairosvg's __init__ calls _create_surface. Not a class made per call:
    # a class is cyclic garbage, so the full-canvas buffers in its dict would wait for the cycle
    # collector (the preview's RSS climbed ~1 MB per build that way).
    def __init__(self, tree: cairosvg.parser.Tree, output: object, dpi: float, *, base: Image.Image | None = None,
                 base_bgra: bytes | Pixels | None = None, **kwargs: object) -> None:
        self.base = base
        self.base_bgra = base_bgra  # cairo's own pixels from an earlier render of the same size
        super().__init__(tree, output, dpi, **kwargs)

    def _create_surface(self, width, height):
        width, height = int(round(width)), int(round(height))
        surface = cairo.ImageSurface(cairo.FORMAT_ARGB32, width, height)
        buf = np.ndarray((height, surface.get_stride() // 4, 4), np.uint8, surface.get_data())
        if self.base_bgra is not None:
            src = self.base_bgra
            buf[...] = src.bgra.base if isinstance(src, Pixels) else np.frombuffer(src, np.uint8).reshape(buf.shape)
        elif self.base is not None:
            # cairo's ARGB32 is BGRA in little-endian memory; Pillow packs that in one C pass.
            buf[:, :width] = np.frombuffer(self.base.tobytes("raw", "BGRX"), np.uint8).reshape(height, width, 4)
            buf[:, :width, 3] = 255
        else:  # documents are opaque: start from white, so pixels come out without float maths
            buf[...] = 255
        surface.mark_dirty()
        return surface, width, height


def rasterize(svg: str, width: int, height: int, base: Image.Image | None = None, dpi: float = 96, *,
              base_bgra: bytes | Pixels | None = None, raw: bool = False):
    """Draw `svg` at width×height pixels over a base (RGB image, raw cairo pixels, or white).

    Returns the RGB image, or with raw=True cairo's own BGRA pixels and their stride, which a later
    render of the same canvas can start from without converting them.
    """
    if base is not None and base.mode != "RGB":
        base = base.convert("RGB")
    try:
        surface = _RasterOverSurface(svg_tree(svg), None, dpi, base=base, base_bgra=base_bgra,
                                     output_width=width, output_height=height)
    except AssetError:
        raise
    except Exception as e:  # cairosvg raises assorted errors on malformed input
        raise RenderError(f"could not render the SVG: {e}") from None
    surface.cairo.flush()
    stride = surface.cairo.get_stride()
    if raw:
        return Pixels(surface.cairo, width, height, stride)
    data = bytes(surface.cairo.get_data())
    surface.finish()
    return Image.frombuffer("RGB", (width, height), data, "raw", "BGRX", stride, 1)


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
