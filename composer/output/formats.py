"""The output formats: one table from a format name to the function that encodes it.

Adding a format is one function from an `Artwork` to bytes and one `register_format` call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from composer.core.errors import SpecError
from composer.core.version import __version__
from composer.output import metadata as meta
from composer.output.writers import encode_png, encode_raster, render_pdf
from composer.render.artwork import Artwork
from composer.render.svg import slug_width

Encoded = bytes | list[bytes]  # a list is written chunk by chunk (PNG) without joining


@dataclass(frozen=True)
class Format:
    """How to encode one output format, and the file extension it is written with."""

    encode: Callable[[Artwork], Encoded]
    extension: str


def _png(art: Artwork) -> Encoded:
    # cairo's BGRA pixels, encoded as RGB without a copy (see composer.core.png)
    return encode_png(art.pixels().bgra, meta.png_text(art.metadata, art.title, art.alt), art.layout.canvas.dpi, pick=(2, 1, 0))


def _jpeg(art: Artwork) -> Encoded:
    return encode_raster(art.pixels().image(), "jpeg", art.layout.canvas.dpi, meta.raster_info(art.metadata, art.title, art.alt))


def _webp(art: Artwork) -> Encoded:
    return encode_raster(art.pixels().image(), "webp", art.layout.canvas.dpi, meta.raster_info(art.metadata, art.title, art.alt))


def _svg(art: Artwork) -> Encoded:
    return art.svg_document().encode("utf-8")


def _pdf(art: Artwork) -> Encoded:
    c = art.layout.canvas
    info = {"title": art.title, "subject": art.alt, "creator": f"Placard {__version__}", "keywords": meta.keywords(art.metadata)}
    jpeg = art.background_jpeg()
    m = slug_width(art.layout)  # the margin outside the bleed that holds the crop marks
    page_w, page_h = c.full_width + 2 * m, c.full_height + 2 * m
    where = (m / page_w, m / page_h, c.full_width / page_w, c.full_height / page_h)
    pdf = render_pdf(art.print_document(), c.dpi, info, (art.background, jpeg) if art.background is not None and jpeg is not None else None,
                     where, images=art.images())
    if c.bleed <= 0:
        return pdf
    k = 72.0 / c.dpi  # printers read the trim size from TrimBox
    w_pt, h_pt, b_pt, m_pt = c.full_width * k, c.full_height * k, c.bleed * k, m * k
    trim = (m_pt + b_pt, m_pt + b_pt, m_pt + w_pt - b_pt, m_pt + h_pt - b_pt)
    from composer.output.pdfboxes import add_boxes  # PDF only

    return add_boxes(pdf, trim, (m_pt, m_pt, m_pt + w_pt, m_pt + h_pt))


# Table order is the order in which a build encodes and writes them.
FORMATS: dict[str, Format] = {
    "png": Format(_png, "png"),
    "jpeg": Format(_jpeg, "jpg"),
    "webp": Format(_webp, "webp"),
    "svg": Format(_svg, "svg"),
    "pdf": Format(_pdf, "pdf"),
}
RASTER_FORMATS = frozenset({"png", "jpeg", "webp"})


def register_format(name: str, encode: Callable[[Artwork], Encoded], extension: str | None = None) -> None:
    """Add (or replace) an output format; `build(..., formats=[name])` then writes `<name>.<extension>`."""
    FORMATS[name] = Format(encode, extension or name)


def choose(requested: Iterable[str]) -> list[str]:
    """The requested formats without repeats, checked against the table; SpecError lists what is allowed."""
    wanted = list(dict.fromkeys(requested))
    for f in wanted:
        if f not in FORMATS:
            raise SpecError(f"invalid output format {f!r}; allowed: {' | '.join(FORMATS)}", path="outputs")
    return wanted


def encode(art: Artwork, formats: Iterable[str]) -> dict[str, Encoded]:
    """Encode each chosen format; the result is in table order.

    SVG and PDF encode first: the raster's pixels (a canvas-sized surface) and its encoded PNG would
    otherwise be alive while the PDF paints its own canvas-sized background, which set the peak
    memory of a print build.
    """
    chosen = [name for name in FORMATS if name in set(formats)]
    first = [name for name in chosen if name in DOCUMENTS]
    done = {name: FORMATS[name].encode(art) for name in first + [n for n in chosen if n not in first]}
    return {name: done[name] for name in chosen}


DOCUMENTS = ("svg", "pdf")  # formats that draw no pixels of their own canvas
