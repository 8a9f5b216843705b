"""Font resolution: bundled first, spec folders, fontconfig; clear errors for bad fonts."""

from __future__ import annotations

import shutil

import pytest

from composer.errors import FontError
from composer.text import FontLibrary, TextStyle, set_text
from composer.text.fonts import BUNDLED_DIR
from generator.base import Box

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
