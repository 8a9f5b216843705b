"""The fast `<path>` handler reaches cairosvg only through Placard's own surfaces (issue 10)."""

from __future__ import annotations

import cairosvg
import cairosvg.path
import cairosvg.surface
import numpy as np
from PIL import Image
from pathlib import Path

from composer.core import svgpaths
from composer.render.raster import rasterize

ROOT = Path(__file__).resolve().parents[2]

# A glyph-like outline long enough (>= 64 characters) for the fast handler to take it.
OUTLINE = ("M10 10 L90 10 C95 10 100 15 100 20 L100 80 Q100 90 90 90 L20 90 "
           "c-5 0 -10 -5 -10 -10 Z M30 30 L70 30 L70 70 L30 70 Z")
SVG = (f'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="100">'
       f'<path fill-rule="evenodd" fill="#123456" d="{OUTLINE}"/></svg>')


def test_cairosvg_is_left_as_shipped_after_a_build(tmp_path):
    import composer

    composer.build(str(ROOT / "samples" / "quote.yaml"), out_dir=str(tmp_path / "out"), formats=["png", "pdf"])
    assert (tmp_path / "out" / "quote.png").exists()
    assert cairosvg.surface.TAGS["path"] is cairosvg.path.path
    assert cairosvg.surface.Surface.draw.__globals__["TAGS"]["path"] is cairosvg.path.path


def test_placard_surfaces_draw_paths_through_the_fast_handler(monkeypatch):
    calls = []

    def counting(surface, node):
        calls.append(node.get("d"))
        return svgpaths.path(surface, node)

    monkeypatch.setitem(svgpaths.TAGS, "path", counting)
    rasterize(SVG, 120, 100)
    assert calls == [OUTLINE]
    calls.clear()
    cairosvg.svg2png(bytestring=SVG.encode())  # any other cairosvg user: cairosvg's own handler
    assert calls == []


def test_fast_handler_draws_what_cairosvg_draws():
    ours = np.asarray(rasterize(SVG, 120, 100), np.int16)
    theirs = Image.open(__import__("io").BytesIO(cairosvg.svg2png(bytestring=SVG.encode(), background_color="white")))
    theirs = np.asarray(theirs.convert("RGB"), np.int16)
    assert ours.shape == theirs.shape
    assert np.abs(ours - theirs).max() <= 1
    assert (ours[50, 20] == [0x12, 0x34, 0x56]).all() and (ours[50, 50] == [255, 255, 255]).all()
