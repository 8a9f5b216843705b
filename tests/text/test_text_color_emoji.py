"""Colour emoji: COLRv1 glyphs drawn as coloured vector paths, text presentation stays monochrome."""

import colorsys
import io
import re

import cairosvg
import numpy as np
from PIL import Image

from composer.text import TextStyle, coloremoji, set_text
from composer.text.fonts import FontLibrary
from composer.core.geometry import Box
from sysdeps import require_font

LIB = FontLibrary()
BOX = Box(0, 0, 800, 120)


def _png(block, width=800, height=120) -> np.ndarray:
    runs = "".join(f'<path d="{r.d}" fill="{r.fill}"/>' for r in block.runs)
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">'
           f'<rect width="100%" height="100%" fill="#fff"/>{runs}{block.color_svg}</svg>')
    return np.asarray(Image.open(io.BytesIO(cairosvg.svg2png(bytestring=svg.encode()))).convert("RGB"))


def _hues(pixels: np.ndarray) -> set[int]:
    """Distinct hues (in 30° bins) among saturated, not-too-dark pixels."""
    out = set()
    for r, g, b in pixels.reshape(-1, 3)[::3] / 255.0:
        h, s, v = colorsys.rgb_to_hsv(r, g, b)
        if s > 0.4 and v > 0.3:
            out.add(int(h * 12))
    return out


def test_emoji_with_emoji_presentation_use_the_colr_font_as_vectors():
    block = set_text("Party 🎉 time", BOX, TextStyle(size=64), LIB)
    emoji = [g for g in block.glyphs if g.cluster == 6]
    assert len(emoji) == 1 and "NotoColorEmoji" in emoji[0].font
    assert len(block.runs) == 1                      # the letters: one monochrome run
    fills = set(re.findall(r'fill="(#[0-9A-F]{6})"', block.color_svg))
    assert len(fills) >= 4 and block.color_svg.count("<path") >= 10
    g = emoji[0]
    x0, x1 = int(g.x), int(g.x + g.advance)
    pixels = _png(block)[10:110, x0:x1]
    assert len(_hues(pixels)) >= 4                   # red, yellow, green, blue, pink confetti
    assert len(_hues(_png(block)[10:110, :x0 - 4])) == 0  # the black letters have no hue


def test_modifier_and_zwj_sequences_stay_in_one_colour_face():
    block = set_text("👍🏽 👨\u200d👩\u200d👧", BOX, TextStyle(size=64), LIB)
    thumbs = [g for g in block.glyphs if g.cluster in (0, 1)]
    family = [g for g in block.glyphs if g.cluster >= 3]
    assert len(thumbs) == 1 and len(family) == 1    # HarfBuzz ligated each sequence to one glyph
    assert coloremoji.has_color_glyph(coloremoji.color_face_for(LIB, 0x1F44D), thumbs[0].glyph_id)


def test_text_presentation_stays_monochrome_and_vs16_asks_for_colour():
    require_font("Symbola", "fonts-symbola")
    plain = set_text("☃", BOX, TextStyle(size=64), LIB)
    assert "Symbola" in plain.glyphs[0].font and plain.color_svg == ""
    coloured = set_text("☃\ufe0f", BOX, TextStyle(size=64), LIB)
    assert "NotoColorEmoji" in coloured.glyphs[0].font and "<path" in coloured.color_svg


def test_monochrome_fallback_without_a_colour_font(monkeypatch):
    require_font("Symbola", "fonts-symbola")
    lib = FontLibrary()
    monkeypatch.setattr(coloremoji, "color_faces", lambda lib: [])
    block = set_text("Sun 😀", BOX, TextStyle(size=64, color="#123456"), lib, "mono")
    assert "Symbola" in block.glyphs[-1].font and block.color_svg == ""
    assert all(r.fill == "#123456" for r in block.runs)


def test_build_writes_colour_vectors_to_svg_and_png(tmp_path):
    from composer import build

    spec = tmp_path / "e.yaml"
    spec.write_text('version: 1\ncanvas: {width: 400, height: 120, background: "#ffffff"}\n'
                    'elements:\n  - {type: text, id: t, text: "🎉", box: {x: 10, y: 10, width: 380, height: 100},'
                    ' font: {size: 80}, color: "#000000"}\noutputs: [png, svg, pdf]\n', encoding="utf-8")
    result = build(spec, out_dir=tmp_path / "out")
    svg = (tmp_path / "out" / "e.svg").read_text()
    assert "radialGradient" in svg or "linearGradient" in svg
    assert len(set(re.findall(r'fill="(#[0-9A-F]{6})"', svg))) >= 4
    png = np.asarray(Image.open(tmp_path / "out" / "e.png").convert("RGB"))
    assert len(_hues(png)) >= 4
    pdf = (tmp_path / "out" / "e.pdf").read_bytes()
    assert b"/ShadingType" in pdf                   # gradients stay vector in the PDF
    assert result.files
