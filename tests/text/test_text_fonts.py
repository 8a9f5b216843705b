"""Font resolution: bundled first, spec folders, fontconfig; clear errors for bad fonts."""

from __future__ import annotations

import shutil

import pytest

from composer.core.errors import FontError
from composer.text import FontLibrary, TextStyle, set_text
from composer.text.fonts import BUNDLED_DIR
from composer.core.geometry import Box

LIB = FontLibrary()


@pytest.mark.parametrize("weight,italic,name", [
    (400, False, "Inter-Regular.otf"), (700, False, "Inter-Bold.otf"), (800, True, "Inter-ExtraBoldItalic.otf"),
    (600, False, "Inter-Bold.otf"), (450, False, "Inter-Regular.otf"), (900, False, "Inter-ExtraBold.otf"),
])
def test_resolve_follows_css_weight_matching(weight, italic, name):
    assert LIB.resolve("Inter", weight, italic) == BUNDLED_DIR / "inter" / name


def test_bundled_families_and_licences_are_present():
    assert {"Inter", "Noto Serif", "Bebas Neue", "Noto Sans Arabic", "Noto Sans Hebrew"} <= set(
        LIB.families(include_system=False))
    for folder in BUNDLED_DIR.iterdir():
        if folder.is_dir():
            assert (folder / "LICENSE.txt").read_text().count("Open Font License") >= 1


@pytest.mark.system("fonts-noto-cjk")
def test_system_fonts_come_from_fontconfig():
    assert "NotoSansCJK" in str(LIB.resolve("Noto Sans CJK JP"))


def test_unknown_family_lists_what_is_available():
    with pytest.raises(FontError) as err:
        LIB.resolve("Intr")
    msg = str(err.value)
    assert msg.startswith("unknown font family 'Intr' (did you mean 'Inter'?); available: Bebas Neue, "
                          "Inter, Noto Sans Arabic, Noto Sans Hebrew, Noto Serif and ")
    assert msg.endswith(" system families (fc-list)")
    bare = FontLibrary(use_fontconfig=False)
    with pytest.raises(FontError) as err:
        bare.resolve("Comic Sans")
    assert str(err.value) == ("unknown font family 'Comic Sans'; available: Bebas Neue, Inter, "
                              "Noto Sans Arabic, Noto Sans Hebrew, Noto Serif")


def test_extra_dirs_are_searched_after_bundled(tmp_path):
    shutil.copy(BUNDLED_DIR / "bebas-neue" / "BebasNeue-Regular.otf", tmp_path / "Brand.otf")
    lib = FontLibrary(extra_dirs=[tmp_path])
    assert lib.resolve("Bebas Neue") == BUNDLED_DIR / "bebas-neue" / "BebasNeue-Regular.otf"


def test_a_file_that_is_not_a_font_is_a_font_error(tmp_path):
    (tmp_path / "Broken.ttf").write_bytes(b"this is not a font at all" * 10)
    with pytest.raises(FontError) as err:
        FontLibrary(extra_dirs=[tmp_path])
    assert str(err.value).startswith(f"font file {tmp_path / 'Broken.ttf'} is not a usable font (")


def test_missing_font_folder_is_a_font_error(tmp_path):
    with pytest.raises(FontError, match="font folder .*nope does not exist"):
        FontLibrary(extra_dirs=[tmp_path / "nope"])


def test_report_names_the_font_files_used():
    block = set_text("Hello **bold**", Box(0, 0, 800, 100), TextStyle(size=30.0), LIB, "h")
    report = block.report()
    assert report["fonts"] == [str(BUNDLED_DIR / "inter" / "Inter-Regular.otf"),
                               str(BUNDLED_DIR / "inter" / "Inter-Bold.otf")]
    assert report["size"] == 30.0 and report["lines"] == ["Hello bold"] and report["id"] == "h"
    assert report["runs"] == [
        {"line": 0, "text": "Hello ", "font": report["fonts"][0], "size": 30.0},
        {"line": 0, "text": "bold", "font": report["fonts"][1], "size": 30.0}]


def _variable_font(path):
    """A two-glyph variable font whose 'I' stem widens along the wght axis (100-900)."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib.tables.TupleVariation import TupleVariation

    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder([".notdef", "I"])
    fb.setupCharacterMap({ord("I"): "I"})
    glyphs = {}
    for name in (".notdef", "I"):
        pen = TTGlyphPen(None)
        pen.moveTo((100, 0)), pen.lineTo((100, 700)), pen.lineTo((200, 700)), pen.lineTo((200, 0))
        pen.closePath()
        glyphs[name] = pen.glyph()
    fb.setupGlyf(glyphs)
    fb.setupHorizontalMetrics({".notdef": (300, 100), "I": (300, 100)})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({"familyName": "Vary", "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200)
    fb.setupPost()
    fb.setupFvar(axes=[("wght", 100, 400, 900, "Weight")], instances=[])
    wide = [(0, 0), (0, 0), (200, 0), (200, 0), (0, 0), (200, 0), (0, 0), (0, 0)]
    fb.setupGvar({"I": [TupleVariation({"wght": (0, 1.0, 1.0)}, wide)]})
    fb.save(str(path))


def test_variable_fonts_get_their_weight_axis_set(tmp_path):
    _variable_font(tmp_path / "Vary.ttf")
    lib = FontLibrary(extra_dirs=[tmp_path], use_fontconfig=False)
    box = Box(0, 0, 400, 200)
    regular = set_text("I", box, TextStyle(family="Vary", weight=400, size=100.0), lib)
    black = set_text("I", box, TextStyle(family="Vary", weight=900, size=100.0), lib)
    assert regular.ink_box.width == pytest.approx(10.0, abs=0.01)
    assert black.ink_box.width == pytest.approx(30.0, abs=0.01)  # stem 100 + 200 units at full weight
    assert black.glyphs[0].advance == pytest.approx(50.0, abs=0.01)  # phantom point moved the advance
    assert black.runs[0].d != regular.runs[0].d


def test_the_weight_axis_range_is_the_same_from_harfbuzz_and_from_fonttools(tmp_path):
    """uharfbuzz 0.39 (the lowest allowed) has no Face.axis_infos: the fvar table gives the same range."""
    from composer.text.fonts import FontFace

    _variable_font(tmp_path / "Vary.ttf")
    face = FontFace(tmp_path / "Vary.ttf", 0, 700)

    class NoAxisInfos:  # an older uharfbuzz's Face
        pass

    from_harfbuzz = face._axes() if hasattr(face.hb_face, "axis_infos") else None
    face.hb_face = NoAxisInfos()
    from_fonttools = face._axes()
    assert "wght" in from_fonttools and from_fonttools["wght"][0] < from_fonttools["wght"][1]
    if from_harfbuzz is not None:
        assert from_harfbuzz == from_fonttools
