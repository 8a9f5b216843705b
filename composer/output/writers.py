"""Encoders for the output formats (PNG, PDF, JPEG, WebP) and atomic writes."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import cairocffi as cairo
import cairosvg
import cairosvg.parser
import cairosvg.surface
import numpy as np
from PIL import Image

from composer.core.errors import AssetError, RenderError
from composer.render.raster import DecodedImages, svg_tree


def encode_png(image: Image.Image | np.ndarray, text: dict[str, str], dpi: float,
               pick: tuple[int, ...] | None = None) -> list[bytes]:
    """PNG chunks with iTXt metadata and the physical resolution (deterministic; see composer.core.png)."""
    from composer.core import png

    return png.encode_parts(image, text, dpi, pick)


def encode_raster(image: Image.Image, fmt: str, dpi: float, info: dict | None = None) -> bytes:
    """JPEG or WebP bytes (optional outputs), with `info` (xmp, exif bytes) embedded."""
    buf = io.BytesIO()
    extra = {k: v for k, v in (info or {}).items() if v}
    if fmt == "jpeg":
        image.save(buf, "JPEG", quality=92, dpi=(dpi, dpi), optimize=True, **extra)
    else:
        image.save(buf, "WEBP", quality=90, method=4, **extra)
    return buf.getvalue()


class _PDFSurface(DecodedImages, cairosvg.surface.PDFSurface):
    """PDF surface with metadata, a fixed creation date, and the background painted as a JPEG.

    cairosvg would re-encode an embedded JPEG as PNG and cairo would store raw pixels; painting
    the background ourselves with the JPEG attached as MIME data lets cairo embed it as-is.
    """

    def __init__(self, tree: cairosvg.parser.Tree, output: object, dpi: float, *, meta: dict[str, str],
                 background: tuple[Image.Image, bytes] | None = None,
                 background_box: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0),
                 decoded: Mapping[str, Image.Image] | None = None, **kwargs: object) -> None:
        # per instance, before cairosvg's __init__ calls _create_surface (see render/raster.py)
        self.meta, self.background, self.decoded = meta, background, decoded or {}
        self.background_box = background_box  # x, y, width, height: page fractions
        super().__init__(tree, output, dpi, **kwargs)

    def _create_surface(self, width: float, height: float) -> tuple[cairo.Surface, float, float]:
        surface, w, h = super()._create_surface(width, height)
        if self.background is not None:
            image, jpeg = self.background
            # Only the JPEG is written: cairo's PDF backend embeds an image's JPEG MIME data as-is and
            # never reads its pixels, so the surface stays as allocated (zero pages the OS has not
            # handed out: an A1 background's 280 MB were the print build's peak). The test
            # test_the_pdf_embeds_the_background_jpeg_as_is fails if cairo ever draws pixels instead.
            src = cairo.ImageSurface(cairo.FORMAT_RGB24, image.width, image.height)
            src.set_mime_data("image/jpeg", jpeg)
            ctx = cairo.Context(surface)
            fx, fy, fw, fh = self.background_box
            ctx.translate(w * fx, h * fy)
            ctx.scale(w * fw / image.width, h * fh / image.height)
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


def render_pdf(svg: str, dpi: float, meta: dict[str, str], background: tuple[Image.Image, bytes] | None = None,
               background_box: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0), *,
               images: Mapping[str, Image.Image] | None = None) -> bytes:
    """Vector PDF of the document (page size = SVG size at `dpi`), over an optional JPEG background in `background_box`.

    `images` are the decoded pixels that the document's `placard-pixels:` references name.
    """
    out = io.BytesIO()
    try:
        surface = _PDFSurface(svg_tree(svg), out, dpi, meta=meta, background=background, background_box=background_box,
                              decoded=images)
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

