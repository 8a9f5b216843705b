"""`placard-pixels:KEY` references: how a document names decoded pixels that the renderer hands to cairo.

A raster image or illustration reaches the SVG as such a reference instead of a PNG data URI, so the
pixels are never PNG-encoded, base64-coded, parsed as XML and decoded again to be drawn.
`composer.render.raster` draws them; documents that embed images (SVG, PDF) get data URIs from
`embed_pixels`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from PIL import Image

PIXELS = "placard-pixels:"


def pixels_key(element_id: str) -> str:
    """The key an element's decoded pixels go by in a document (safe in any attribute)."""
    return hashlib.sha1(element_id.encode("utf-8")).hexdigest()[:20]


def pixels_href(element_id: str) -> str:
    """The href of an image drawn from decoded pixels."""
    return PIXELS + pixels_key(element_id)


def embed_pixels(svg: str, images: Mapping[str, Image.Image]) -> str:
    """The document with every `placard-pixels:` reference replaced by a PNG data URI."""
    if PIXELS not in svg:
        return svg
    from composer.core.png import png_data_uri

    for key, img in images.items():
        href = PIXELS + key
        if href in svg:
            svg = svg.replace(href, png_data_uri(img))
    return svg
