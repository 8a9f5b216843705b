"""The render stage's result: the final design drawn once, in the form each output format needs.

`Artwork` makes each form on demand and keeps it: the raster (over the legibility pass's pixels
when only text remains to draw), the standalone SVG, and the print document with its bleed.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from typing import Callable, TypeVar, cast

from markupsafe import Markup
from PIL import Image

from composer.core.geometry import Box, bounds, overlaps
from composer.core.lru import LRU
from composer.layout.resolve import Layout, Placed
from composer.legibility.apply import Legibility
from composer.render.pixelref import PIXELS, embed_pixels
from composer.render.raster import Pixels, pixels_from, rasterize
from composer.render.svg import FULL, Pass, SvgRenderer, crop_marks, jpeg_bytes, slug_width

TEXT_ONLY = Pass(others=False)  # the texts and the charts' labels
UNDER_TEXT = Pass(texts=False, labels=False)  # everything the texts and chart labels are drawn on
UNDER_CHARTS = Pass(texts=False, labels=False, charts=False)  # the ground each chart is drawn on

T = TypeVar("T")


def under_text(layout: Layout, renderer: SvgRenderer, background: Image.Image | None, ps: Pass = UNDER_TEXT) -> Pixels:
    """The canvas (trim) as it looks without any text (or, with `ps`, without other parts), as cairo drew it."""

    def document(body: Markup, has_raster: bool) -> str:
        return renderer.document(body, view="trim", background_href=None, title="", desc="", metadata={},
                                 has_raster=has_raster)

    parts = [renderer.element(p, ps) for p in layout.elements]  # what renderer.body(ps) joins
    return _draw(layout, renderer, parts, background, renderer.scene.pixels(), document, textless=not ps.texts)


def _draw(layout: Layout, renderer: SvgRenderer, parts: list[Markup], background: Image.Image | None,
          images: dict[str, Image.Image], document: Callable[[Markup, bool], str], textless: bool = False) -> Pixels:
    """Draw the top-level elements' markup `parts` over the background (or the page colour), as cairo's pixels.

    Without a background (and up to LAYER_MAX_PIXELS), what was drawn before is drawn again from
    the pixels kept in this process: a whole pass without text (`textless`: the legibility pass's
    ground, the same on every rebuild that changes only text), else the images the element list
    starts with, and only the rest is drawn here.
    """
    c = layout.canvas
    if background is not None or c.width * c.height > LAYER_MAX_PIXELS:
        return rasterize(document(Markup("\n").join(parts), background is not None), c.width, c.height, background,
                         dpi=c.dpi, raw=True, images=images, base_at=(int(c.bleed), int(c.bleed)))
    whole = _slot(layout, _canonical(renderer, parts), images) if textless else None
    if whole is not None:
        hit = _recall(whole)
        if hit is not None:
            return pixels_from(hit, c.width, c.height)  # a copy: the final render may draw on these pixels
    lead = _leading_images(layout)
    if lead:
        lead_doc = _canonical(renderer, parts[:lead])
        lead_slot = _slot(layout, lead_doc, images)
        base = _recall(lead_slot)
        if base is None:
            base = _remember(lead_slot, rasterize(lead_doc, c.width, c.height, dpi=c.dpi, raw=True, images=images).buffer())
        pixels = rasterize(document(Markup("\n").join(parts[lead:]), True), c.width, c.height, dpi=c.dpi, raw=True,
                           images=images, base_bgra=base)
    else:
        pixels = rasterize(document(Markup("\n").join(parts), False), c.width, c.height, dpi=c.dpi, raw=True,
                           images=images)
    if whole is not None:
        _remember(whole, pixels.buffer())
    return pixels


def _canonical(renderer: SvgRenderer, parts: list[Markup]) -> str:
    """The parts as a document without title, description or metadata (which draw nothing), as the cache's key."""
    return str(renderer.document(Markup("\n").join(parts), view="trim", background_href=None, title="", desc="",
                                 metadata={}, has_raster=False))


# Layers kept in this process, by the document that draws them: a pass without text (see _draw) and
# the images a design starts with. A full-bleed photo as the first element is such a design's one
# costly draw: cairo's GOOD filter scales it on every render (about 55 ms for a 1.5x photo on a
# 1080x1350 canvas), much as painting a procedural background would cost every build if
# generator.procedural did not keep it; SVG icons are parsed and drawn by cairosvg in Python. A
# document names images by element only, so an entry holds the very images it drew and a hit needs
# those same objects (decoded images are kept per file: composer.rasters.assets).
LAYER_MAX_PIXELS = 4_000_000  # larger canvases (print) draw every time
_LAYERS: LRU[tuple[dict[str, Image.Image], bytes]] = LRU(
    8, weigh=lambda entry: len(entry[1]), max_weight=48 * 2**20)
_ID = re.compile(r'\bid="([^"]+)"')


def _leading_images(layout: Layout) -> int:
    """How many of the top-level elements, from the first, are images (0 when the list does not start with one)."""
    n = 0
    for p in layout.elements:
        if p.kind != "image":
            break
        n += 1
    return n


def _slot(layout: Layout, doc: str, images: dict[str, Image.Image]) -> tuple[tuple, dict[str, Image.Image]]:
    """A layer's place in the cache: its key (the document with its ids numbered in order, as a pass's clip
    paths are c1 and the next pass's c5, and the canvas) and the decoded images the document draws."""
    used = {k: img for k, img in images.items() if f'{PIXELS}{k}"' in doc}
    for i, name in enumerate(dict.fromkeys(_ID.findall(doc))):
        doc = doc.replace(f'id="{name}"', f'id="\0{i}"').replace(f"#{name})", f"#\0{i})").replace(f'"#{name}"', f'"#\0{i}"')
    c = layout.canvas
    return (doc, c.width, c.height, c.dpi), used


def _recall(slot: tuple[tuple, dict[str, Image.Image]]) -> bytes | None:
    """cairo's pixels for the slot's document from an earlier render in this process, if it drew these very images.

    Drawing the rest of a document over a kept prefix gives the bytes one render of the whole
    document gives: cairo composites each element onto what is already there
    (tests/render/test_no_wasted_work.py compares them).
    """
    key, used = slot
    hit = _LAYERS.get(key)
    if hit is not None and hit[0].keys() == used.keys() and all(hit[0][k] is img for k, img in used.items()):
        return hit[1]
    return None


def _remember(slot: tuple[tuple, dict[str, Image.Image]], pixels: bytes) -> bytes:
    _LAYERS.put(slot[0], (slot[1], pixels))
    return pixels


def clear_cache() -> None:
    """Forget the kept layers (a long-running process calls this between unrelated builds)."""
    _LAYERS.clear()


def trim_cache(keep: int) -> None:
    """Forget all but the `keep` most recently used layers."""
    _LAYERS.trim(keep)


@dataclass
class Artwork:
    """The design drawn by the final renderer; outputs ask it for pixels or documents."""

    layout: Layout
    renderer: SvgRenderer
    background: Image.Image | None
    legibility: Legibility
    title: str
    alt: str
    metadata: dict[str, object]
    _made: dict[str, object] = field(default_factory=dict, repr=False)

    def _once(self, key: str, make: Callable[[], T]) -> T:
        if key not in self._made:
            self._made[key] = make()
        return cast(T, self._made[key])  # each key is always made by the same function

    def body(self) -> Markup:
        """Every element, drawn once for all the outputs that need it."""
        return self._once("body", lambda: Markup("\n").join(self.parts()))

    def parts(self) -> list[Markup]:
        """Each top-level element's markup (what `body` joins)."""
        return self._once("parts", lambda: [self.renderer.element(p, FULL) for p in self.layout.elements])

    def background_jpeg(self) -> bytes | None:
        """The background as the JPEG that SVG and PDF embed."""
        return self._once("jpeg", lambda: jpeg_bytes(self.background) if self.background is not None else None)

    def pixels(self) -> Pixels:
        """The trim area as cairo drew it (RGB view in `.rgb`, a Pillow copy from `.image()`)."""
        return self._once("pixels", self._pixels)

    def _pixels(self) -> Pixels:
        c = self.layout.canvas
        if text_is_on_top(self.layout, self.legibility):
            # Everything but the text was drawn for the legibility pass: draw only the text on it, in
            # place (a copy was a second canvas in memory: 280 MB at A1). The legibility stage is
            # done with those pixels; from here on `legibility.under` holds the finished raster.
            doc = self._document(self.renderer.body(TEXT_ONLY), has_raster=True)
            under = self.legibility.under
            assert isinstance(under, Pixels)  # the legibility pass drew it with render.raster
            return rasterize(doc, c.width, c.height, dpi=c.dpi, onto=under, raw=True)
        return _draw(self.layout, self.renderer, self.parts(), self.background, self.images(),
                     lambda body, has_raster: self._document(body, has_raster=has_raster))

    def images(self) -> dict[str, Image.Image]:
        """The decoded pixels the documents' `placard-pixels:` references name."""
        return self._once("images", self.renderer.scene.pixels)

    def _document(self, body: Markup, *, view: str = "trim", background_href: str | None = None,
                  overlay: Markup = Markup(""), physical_units: bool = False, has_raster: bool | None = None,
                  slug: float = 0.0) -> str:
        return self.renderer.document(
            body, view=view, background_href=background_href, title=self.title, desc=self.alt, metadata=self.metadata,
            overlay=overlay, physical_units=physical_units, slug=slug,
            has_raster=self.background is not None if has_raster is None else has_raster,
        )

    def svg_document(self) -> str:
        """The standalone SVG: the background embedded as JPEG, `text_mode: live` text kept as <text>."""
        jpeg = self.background_jpeg()
        href = "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii") if jpeg else None
        live = any((p.el.text_mode or self.renderer.scene.text_mode) == "live" for p in self.layout.text_elements())
        body = self.renderer.body(Pass(live=True)) if live else self.body()  # PNG and PDF always use outlines
        doc = self._document(body, background_href=href, physical_units=self.layout.canvas.physical)
        return embed_pixels(doc, self.images())

    def print_document(self) -> str:
        """The page with its bleed and crop marks (the PDF's document); the background is painted separately.

        Raster images stay `placard-pixels:` references: the PDF surface draws them from `images()`.
        """
        return self._document(self.body(), view="bleed", overlay=crop_marks(self.layout), slug=slug_width(self.layout))


def _extent(p: Placed, layout: Layout) -> Box | None:
    """The area an element can paint, or None when it cannot be bounded cheaply (play safe)."""
    if p.kind == "line":
        r, c = layout.resolver, layout.canvas
        pts = [(r.length(x, p.path, c.width), r.length(y, p.path, c.height)) for x, y in p.el.points]
        xs, ys = [x for x, _ in pts], [y for _, y in pts]
        pad = p.el.width
        return bounds(xs, ys, pad)
    return p.box


def text_is_on_top(layout: Layout, leg: Legibility) -> bool:
    """Whether drawing every text over `leg.under` equals drawing the list in z-order.

    True when no non-text element that comes after a text in the list paints where that text
    (with its scrim and halo) paints. Then the final raster needs only the text drawn over the
    legibility pass's render, not a second render of every shape, chart and image.
    """
    if leg.under is None:
        return False
    order = [p for p in layout.walk() if p.kind not in ("group", "stack")]
    texts_so_far: list[Box] = []
    for p in order:
        if p.kind == "text":
            block = leg.texts[p.id]
            b = block.ink_box if block.lines else p.frame
            grow = 64.0 if (p.id in leg.underlays or p.id in leg.halos) else 4.0
            texts_so_far.append(b.inflate(grow))
            continue
        if texts_so_far:
            extent = _extent(p, layout)
            if extent is None or any(overlaps(extent, t) for t in texts_so_far):
                return False
        labels = leg.charts[p.id].labels if p.id in leg.charts else []
        if labels and p.el.opacity < 1:  # the group's opacity spans shapes and labels together
            return False
        texts_so_far += [lab.box.inflate(8.0) for lab in labels]  # a chart's labels (and halos) are drawn with the text
    return True
