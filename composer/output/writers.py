"""Turn the SVG document into files: PNG (cairo over the raster), PDF (vector) and SVG; atomic writes."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import cairocffi as cairo
import cairosvg
import cairosvg.parser
import cairosvg.surface
import numpy as np
from PIL import Image

from composer.render import fastpath
from composer.core.errors import AssetError, RenderError

if tuple(int(x) for x in cairosvg.__version__.split(".")[:2]) < (2, 9):  # recursive <use> fix
    raise ImportError(f"Placard needs cairosvg >= 2.9.0, found {cairosvg.__version__}")
fastpath.install()


def _tree(svg: str) -> cairosvg.parser.Tree:
    from composer.rasters.assets import safe_url_fetcher

    # Every asset was embedded and checked already; the fetcher still refuses anything but data:
    # URIs and re-checks declared raster sizes, as a second line of defence.
    return cairosvg.parser.Tree(bytestring=svg.encode("utf-8"), url_fetcher=safe_url_fetcher(()), unsafe=False)


class _RasterOverSurface(cairosvg.surface.PNGSurface):
    """A surface whose pixels start as our background (a raster, raw cairo pixels, or white)."""

    base: Image.Image | None = None
    base_bgra: bytes | None = None  # cairo's own pixels from an earlier render of the same size

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
              base_bgra: bytes | None = None, raw: bool = False):
    """Draw `svg` at width×height pixels over a base (RGB image, raw cairo pixels, or white).

    Returns the RGB image, or with raw=True cairo's own BGRA pixels and their stride, which a later
    render of the same canvas can start from without converting them.
    """
    if base is not None and base.mode != "RGB":
        base = base.convert("RGB")
    cls = type("_Surface", (_RasterOverSurface,), {"base": base, "base_bgra": base_bgra})
    try:
        surface = cls(_tree(svg), None, dpi, output_width=width, output_height=height)
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


def encode_png(image: Image.Image | np.ndarray, text: dict[str, str], dpi: float) -> list[bytes]:
    """PNG chunks with iTXt metadata and the physical resolution (deterministic; see composer.output.png)."""
    from composer.output import png
    return png.encode_parts(image, text, dpi)


def encode_raster(image: Image.Image, fmt: str, dpi: float) -> bytes:
    """JPEG or WebP bytes (optional outputs)."""
    buf = io.BytesIO()
    if fmt == "jpeg":
        image.save(buf, "JPEG", quality=92, dpi=(dpi, dpi), optimize=True)
    else:
        image.save(buf, "WEBP", quality=90, method=4)
    return buf.getvalue()


class _PDFSurface(cairosvg.surface.PDFSurface):
    """PDF surface with metadata, a fixed creation date, and the background painted as a JPEG.

    cairosvg would re-encode an embedded JPEG as PNG and cairo would store raw pixels; painting
    the background ourselves with the JPEG attached as MIME data lets cairo embed it as-is.
    """

    meta: dict[str, str] = {}
    background: tuple[Image.Image, bytes] | None = None

    def _create_surface(self, width, height):
        surface, w, h = super()._create_surface(width, height)
        if self.background is not None:
            image, jpeg = self.background
            rgb = np.asarray(image.convert("RGB"))
            src = cairo.ImageSurface(cairo.FORMAT_RGB24, image.width, image.height)
            buf = np.ndarray((image.height, src.get_stride() // 4, 4), np.uint8, src.get_data())
            buf[:, : image.width, 0], buf[:, : image.width, 1], buf[:, : image.width, 2] = rgb[..., 2], rgb[..., 1], rgb[..., 0]
            src.mark_dirty()
            src.set_mime_data("image/jpeg", jpeg)
            ctx = cairo.Context(surface)
            ctx.scale(w / image.width, h / image.height)
            ctx.set_source_surface(src, 0, 0)
            ctx.paint()
            del ctx
        fields = {
            "title": cairo.PDF_METADATA_TITLE, "subject": cairo.PDF_METADATA_SUBJECT,
            "author": cairo.PDF_METADATA_AUTHOR, "keywords": cairo.PDF_METADATA_KEYWORDS,
            "creator": cairo.PDF_METADATA_CREATOR,
        }
        for key, code in fields.items():
            if self.meta.get(key):
                surface.set_metadata(code, self.meta[key])
        surface.set_metadata(cairo.PDF_METADATA_CREATE_DATE, "2000-01-01T00:00:00Z")
        surface.set_metadata(cairo.PDF_METADATA_MOD_DATE, "2000-01-01T00:00:00Z")
        return surface, w, h


def render_pdf(svg: str, dpi: float, meta: dict[str, str], background: tuple[Image.Image, bytes] | None = None) -> bytes:
    """Vector PDF of the document (page size = SVG size at `dpi`), over an optional full-page JPEG background."""
    out = io.BytesIO()
    cls = type("_Pdf", (_PDFSurface,), {"meta": meta, "background": background})
    try:
        surface = cls(_tree(svg), out, dpi)
        surface.finish()
    except AssetError:
        raise
    except Exception as e:
        raise RenderError(f"could not render the PDF: {e}") from None
    return out.getvalue()


def write_atomic(path: Path, data: bytes | list[bytes]) -> None:
    """Write bytes (or a list of byte strings) to `path` through a temporary file and an atomic rename."""
    try:
        _write_atomic(path, data)
    except OSError as e:  # a folder that is a file, read-only, full disk: the user's to fix, not a crash
        why = f"{path.parent} is not a folder" if path.parent.exists() and not path.parent.is_dir() else e.strerror or e
        raise RenderError(f"could not write {path}: {why}") from None


def _write_atomic(path: Path, data: bytes | list[bytes]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; outputs should get the usual permissions
        with os.fdopen(fd, "wb") as f:
            if isinstance(data, (bytes, bytearray, memoryview)):
                f.write(data)
            else:
                f.writelines(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise

