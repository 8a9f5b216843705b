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


def _fixed(encoded, matrix):
    """The path cairo keeps (every point in 1/256 device px) after appending `encoded` under `matrix`."""
    import cairocffi as cairo

    surface = cairo.ImageSurface(cairo.FORMAT_A8, 4, 4)
    ctx = cairo.Context(surface)
    ctx.set_matrix(matrix)
    cairo.cairo.cairo_append_path(ctx._pointer, encoded[0])
    ctx._check_status()
    ctx.identity_matrix()
    return ctx.copy_path()


def _typeset_runs(tmp_path):
    import composer

    spec = {"version": 1, "canvas": {"width": 900, "height": 700}, "background": {"style": "aurora", "seed": 3}, "elements": [
        {"type": "text", "box": {"x": 20, "y": 20, "width": 860, "height": 200}, "text": "Quartz jackdaws, 1234 — très “fine” ﬁ",
         "font": {"family": "Inter", "weight": 800, "size": 64}},
        {"type": "text", "box": {"x": 20, "y": 240, "width": 860, "height": 200}, "text": "BEBAS NEUE 0987 & SONS",
         "font": {"family": "Bebas Neue", "size": 90.37}},
        {"type": "text", "box": {"x": 20, "y": 460, "width": 400, "height": 220}, "text": "Justified text with glyph scaling spreads words "
         "and letters across the measure of a narrow column of DejaVu Serif.",
         "font": {"family": "DejaVu Serif", "size": 19.5}, "align": "justify", "glyph_scaling": True},
    ]}
    result = composer.build(spec, None, ["svg"])
    return [run.d for block in result.composition.texts.values() for run in block.runs]


def test_typeset_outlines_reach_cairo_as_the_same_fixed_point_path(tmp_path):
    """The typesetter's rows (and rows read back from its text) give cairo the path parse() gives it,
    at the scales Placard renders at (1 px, PDF points at 96 and 300 dpi, 300 dpi from 96) and shifted."""
    import cairocffi as cairo
    from cairocffi.context import _encode_path

    from composer.core import glyphpaths

    runs = _typeset_runs(tmp_path)
    assert len(runs) == 3 and all(len(d) > 500 for d in runs)
    matrices = [cairo.Matrix(), cairo.Matrix(0.75, 0, 0, 0.75), cairo.Matrix(0.24, 0, 0, 0.24),
                cairo.Matrix(3.125, 0, 0, 3.125, -0.5, 7.25), cairo.Matrix(1, 0, 0, 1, -13.3125, 2.7)]
    for filed in (True, False):
        if not filed:  # rows read back from the path data
            glyphpaths.clear()
        svgpaths.clear_cache()
        svgpaths._GLYPH_ROWS.clear()
        for d in runs:
            fast = svgpaths._placed(d)
            reference = _encode_path(svgpaths.parse(d))
            assert fast is not None
            for m in matrices:
                assert _fixed(fast, m) == _fixed(reference, m)


def test_rows_filed_by_the_typesetter_are_the_rows_in_its_text(tmp_path):
    from composer.core import glyphpaths
    from composer.text import block, fonts, shaping, typeset

    glyphpaths.clear()
    fonts._FACES.clear()  # set the texts afresh: loaded faces keep their glyphs' path data, blocks their layout
    block._BLOCKS.clear()
    shaping._PARAGRAPHS.clear()
    typeset._LIBS.clear()
    _typeset_runs(tmp_path)
    filed = list(glyphpaths._ROWS._data.items())
    assert len(filed) > 40
    assert any(row[3] == 300 for _, rows in filed for row in rows)  # quadratics (TrueType)
    assert any(row[:3] == (0, 2, 4) for _, rows in filed for row in rows)
    for rel, rows in filed:
        assert svgpaths._rows(rel) == rows


def test_other_path_data_takes_the_general_parser():
    assert svgpaths._placed("M10 10 L20 20 Z") is None  # absolute commands after the first point
    assert svgpaths._placed("M1 2l3 4a1 1 0 0 0 2 2") is None  # an arc
    assert svgpaths._placed("M1 2l3") is None  # an odd number of coordinates
    assert svgpaths._encoded("M1 2l3 4z") is not None and svgpaths._encoded("M1 2 L3 4 Z") is not None
