"""Glyph placement equals HarfBuzz; features, kerning, fallback fonts and caches."""

from __future__ import annotations

import uharfbuzz as hb
import pytest

from composer.text import FontLibrary, TextStyle, set_text
from composer.text.fonts import load_face
from composer.core.geometry import Box

LIB = FontLibrary()
WIDE = Box(10, 10, 3000, 400)


def hb_positions(path, text, size, features=None, direction=None):
    """Pen x, offsets and glyph ids straight from HarfBuzz, in px."""
    face = hb.Face(hb.Blob.from_file_path(str(path)))
    font = hb.Font(face)
    upem = face.upem
    font.scale = (upem, upem)
    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    if direction:
        buf.direction = direction
    hb.shape(font, buf, features or {})
    k = size / upem
    out, pen = [], 0.0
    for info, pos in zip(buf.glyph_infos, buf.glyph_positions):
        out.append((info.codepoint, pen + pos.x_offset * k, pos.y_offset * k, pos.x_advance * k))
        pen += pos.x_advance * k
    return out


@pytest.mark.parametrize("family,weight,text,size,features", [
    ("Inter", 400, "Hello, Wörld! AVA Tokyo 1234", 32.0, {}),
    ("Inter", 800, "Launch 2026 — Ты «ÉTÉ»", 104.0, {"tnum": True}),
    ("Noto Serif", 400, "office affinity fjord To Va", 17.5, {}),
    ("Bebas Neue", 400, "TYPE AWAY 99%", 48.0, {"kern": False}),
])
def test_glyph_placement_equals_harfbuzz(family, weight, text, size, features):
    block = set_text(text, WIDE, TextStyle(family=family, weight=weight, size=size, features=features), LIB)
    ref = hb_positions(LIB.resolve(family, weight), text, size, features)
    assert [g.glyph_id for g in block.glyphs] == [r[0] for r in ref]
    x0 = block.glyphs[0].x - ref[0][1]
    baseline = block.glyphs[0].y + ref[0][2]
    for g, (gid, x, yoff, adv) in zip(block.glyphs, ref):
        assert g.x - x0 == pytest.approx(x, abs=0.01)
        assert baseline - g.y == pytest.approx(yoff, abs=0.01)
        assert g.advance == pytest.approx(adv, abs=0.01)


def test_ligature_follows_liga_feature():
    style = dict(family="Noto Serif", size=40.0)
    on = set_text("fifty flies", WIDE, TextStyle(**style), LIB)
    off = set_text("fifty flies", WIDE, TextStyle(**style, features={"liga": False}), LIB)
    face = load_face(LIB.resolve("Noto Serif"))
    assert [face.tt.getGlyphName(g.glyph_id) for g in on.glyphs][:4] == ["fi", "f", "t", "y"]
    assert "fl" in [face.tt.getGlyphName(g.glyph_id) for g in on.glyphs]
    assert not {"fi", "fl"} & {face.tt.getGlyphName(g.glyph_id) for g in off.glyphs}
    assert len(off.glyphs) == len(on.glyphs) + 2


def test_tracking_turns_off_ligatures_unless_asked():
    block = set_text("office", WIDE, TextStyle(family="Noto Serif", size=40.0, letter_spacing=0.1), LIB)
    assert len(block.glyphs) == 6


def test_kerning_pair_differs_from_unkerned():
    kerned = set_text("AV", WIDE, TextStyle(family="Inter", size=100.0), LIB)
    plain = set_text("AV", WIDE, TextStyle(family="Inter", size=100.0, features={"kern": False}), LIB)
    gap_kerned = kerned.glyphs[1].x - kerned.glyphs[0].x
    gap_plain = plain.glyphs[1].x - plain.glyphs[0].x
    assert gap_kerned < gap_plain - 1.0


def test_words_of_a_line_are_shaped_together():
    """Kerning across a space survives: the line equals one HarfBuzz shape of the whole line."""
    text = "Ta Vo. AVAW"
    block = set_text(text, WIDE, TextStyle(family="Inter", size=60.0), LIB)
    ref = hb_positions(LIB.resolve("Inter"), text, 60.0)
    x0 = block.glyphs[0].x
    assert [round(g.x - x0, 2) for g in block.glyphs] == [round(r[1], 2) for r in ref]


def test_letter_spacing_adds_em_between_clusters_only():
    plain = set_text("ABC", WIDE, TextStyle(family="Inter", size=50.0), LIB)
    tracked = set_text("ABC", WIDE, TextStyle(family="Inter", size=50.0, letter_spacing=0.1), LIB)
    d_plain = [b.x - a.x for a, b in zip(plain.glyphs, plain.glyphs[1:])]
    d_tracked = [b.x - a.x for a, b in zip(tracked.glyphs, tracked.glyphs[1:])]
    assert [t - p for t, p in zip(d_tracked, d_plain)] == pytest.approx([5.0, 5.0], abs=0.01)
    assert tracked.line_boxes[0].width == pytest.approx(plain.line_boxes[0].width + 10.0, abs=0.01)


def test_fonts_are_parsed_once_per_process():
    a = LIB.face("Inter", 700)
    b = FontLibrary().face("Inter", 700)
    assert a is b
    set_text("cache me", WIDE, TextStyle(family="Inter", weight=700, size=20.0), LIB)
    assert load_face(a.path) is load_face(a.path) is a


def test_path_data_is_absolute_canvas_px():
    block = set_text("I", Box(100, 200, 300, 150), TextStyle(family="Inter", size=100.0), LIB)
    d = block.runs[0].d
    assert d.startswith("M") and d.count("M") == 1
    assert 100 <= block.ink_box.x < 120 and 200 <= block.ink_box.y < 240
    assert block.runs[0].fill == "#111111"


@pytest.mark.parametrize("family", ["Inter", "Noto Serif", "Noto Sans Arabic"])
def test_outlines_match_fonttools_glyph_sets(family):
    """HarfBuzz draws into our pen exactly the points fontTools' glyph set draws (through BasePen's segments)."""
    from fontTools.pens.basePen import BasePen

    class ReferencePen(BasePen):  # fontTools splits multi-point curves into the one-segment calls HarfBuzz makes
        def __init__(self, glyphset):
            super().__init__(glyphset)
            self.ops = []

        def _moveTo(self, p):
            self.ops.append(("M", p))

        def _lineTo(self, p):
            self.ops.append(("L", p))

        def _qCurveToOne(self, p1, p2):
            self.ops.append(("Q", p1 + p2))

        def _curveToOne(self, p1, p2, p3):
            self.ops.append(("C", p1 + p2 + p3))

        def _closePath(self):
            self.ops.append(("Z", ()))

    face = LIB.face(family)
    glyphset, order = face.tt.getGlyphSet(), face.tt.getGlyphOrder()

    def points(ops):  # CFF charstrings add an explicit line back to the start before closing
        out, start = [], None
        for i, (op, pts) in enumerate(ops):
            pts = tuple(float(v) for v in pts)
            start = pts if op == "M" else start
            if not (op == "L" and pts == start and i + 1 < len(ops) and ops[i + 1][0] == "Z"):
                out.append((op, pts))
        return out

    for gid in range(1, len(order), max(1, len(order) // 150)):
        pen = ReferencePen(glyphset)
        glyphset[order[gid]].draw(pen)
        assert points(face.outline(gid)) == points(pen.ops), order[gid]
