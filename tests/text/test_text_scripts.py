"""Right-to-left and bidi, CJK breaking with kinsoku, emoji, and the font fallback chain."""

from __future__ import annotations

import pytest
import uharfbuzz as hb
from bidi import get_display

from composer.core.errors import FontError
from composer.text import FontLibrary, TextStyle, set_text
from composer.text.breaking import break_opportunities
from composer.core.geometry import Box

LIB = FontLibrary()
WIDE = Box(0, 0, 2000, 200)
ARABIC = "مرحبا بالعالم"


def visual(block, text):
    return "".join(text[g.cluster] for g in sorted(block.glyphs, key=lambda g: g.x))


def test_arabic_glyphs_are_in_visual_order_with_harfbuzz_joining_forms():
    block = set_text(ARABIC, WIDE, TextStyle(size=40.0), LIB)
    path = LIB.resolve("Noto Sans Arabic")
    assert block.fonts == [str(path)]
    font = hb.Font(hb.Face(hb.Blob.from_file_path(str(path))))
    buf = hb.Buffer()
    buf.add_str(ARABIC)
    buf.guess_segment_properties()
    hb.shape(font, buf, {})
    assert buf.direction == "rtl"
    by_x = sorted(block.glyphs, key=lambda g: g.x)
    assert [g.glyph_id for g in by_x] == [i.codepoint for i in buf.glyph_infos]
    assert [g.cluster for g in by_x] == [i.cluster for i in buf.glyph_infos]  # clusters fall right to left
    # joined letters use contextual forms, not the isolated glyph the cmap gives
    contextual = [g for g in by_x if g.glyph_id != font.get_nominal_glyph(ord(ARABIC[g.cluster]))]
    assert len(contextual) >= 8


def test_rtl_paragraph_is_right_aligned_with_align_start():
    block = set_text(ARABIC, Box(0, 0, 600, 100), TextStyle(size=40.0, align="start"), LIB)
    assert block.line_boxes[0].x + block.line_boxes[0].width == pytest.approx(600, abs=0.01)


@pytest.mark.parametrize("text", [
    "שלום עולם 123 hello",
    "مرحبا بالعالم 2026 — Hello عربي",
    "abc (שלום) 12.5% def",
    "שלום (abc) עולם",
])
def test_bidi_visual_order_matches_python_bidi(text):
    assert visual(set_text(text, WIDE, TextStyle(size=20.0), LIB), text) == get_display(text)


@pytest.mark.system("fonts-noto-cjk")
def test_cjk_breaks_per_character_with_kinsoku():
    text = "日本語のテキスト、です。「こんにちは」ラーメンっぽい（テスト）。中文排版测试，标点符号。"
    block = set_text(text, Box(0, 0, 300, 600), TextStyle(size=30.0, lang="ja"), LIB)
    assert "".join(block.lines) == text
    assert len(block.lines) >= 5
    for line in block.lines[1:]:
        assert line[0] not in "、。，」）ーっ", block.lines
    for line in block.lines[:-1]:
        assert line[-1] not in "「（", block.lines
    assert any("NotoSansCJK" in f for f in block.fonts)


def test_break_opportunities_follow_uax14():
    text = "quick-brown fox, 12.5% (the) end"
    cuts = [0, *break_opportunities(text), len(text)]
    assert [text[a:b] for a, b in zip(cuts, cuts[1:])] == [
        "quick-", "brown ", "fox, ", "12.5% ", "(the) ", "end"]


@pytest.mark.system("fonts-symbola")
def test_emoji_fall_back_to_a_monochrome_outline_font():
    block = set_text("Sun ☀ snow ☃ face 😀", WIDE, TextStyle(size=40.0), LIB)
    assert any("Symbola" in f for f in block.fonts)
    assert all(g.glyph_id != 0 for g in block.glyphs)
    assert len(block.runs) == 1 and block.runs[0].d.count("M") > 10


def test_missing_glyph_message_names_the_characters():
    lib = FontLibrary(use_fontconfig=False)
    with pytest.raises(FontError) as err:
        set_text("ok \u0378", WIDE, TextStyle(), lib, "title")
    assert str(err.value) == ('text "title": no font can draw \'\u0378\' (U+0378); tried Bebas Neue, Inter, '
                              "Noto Sans Arabic, Noto Sans Hebrew, Noto Serif")


def test_missing_cjk_font_says_how_to_install_it():
    with pytest.raises(FontError) as err:
        set_text("東京 2026", WIDE, TextStyle(), FontLibrary(use_fontconfig=False), "city")
    assert str(err.value) == (
        "text \"city\": no font can draw '東' (U+6771), '京' (U+4EAC); tried Bebas Neue, Inter, "
        "Noto Sans Arabic, Noto Sans Hebrew, Noto Serif; CJK text needs Noto Sans CJK: "
        "run `apt-get install fonts-noto-cjk`")


def test_fallback_prefers_bundled_script_fonts():
    block = set_text("Hello שלום مرحبا", WIDE, TextStyle(size=30.0), LIB)
    names = sorted(f.rsplit("/", 1)[1] for f in block.fonts)
    assert names == ["Inter-Regular.otf", "NotoSansArabic-Regular.ttf", "NotoSansHebrew-Regular.ttf"]
