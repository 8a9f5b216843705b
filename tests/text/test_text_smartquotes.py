"""smart_quotes: the language's typographic quotes, apostrophes and dashes, off by default."""

import pytest

from composer.text import TextStyle, set_text
from composer.text.fonts import FontLibrary
from composer.text.smartquotes import smarten
from composer.core.geometry import Box

LIB = FontLibrary()
BOX = Box(0, 0, 1600, 400)


@pytest.mark.parametrize("lang,text,want", [
    ("en", '"Hello," she said -- \'don\'t\' --- in the \'90s.', "“Hello,” she said – ‘don’t’ — in the ’90s."),
    ("en-GB", "('quoted') \"a 'b' c\"", "(‘quoted’) “a ‘b’ c”"),
    ("de", '"Guten Tag", sagte sie, \'gut\'. Peters\' Buch', "„Guten Tag“, sagte sie, ‚gut‘. Peters’ Buch"),
    ("de-CH", '"Grüezi"', "«Grüezi»"),
    ("fr", '"Bonjour" et " salut " l\'eau', "«\u202fBonjour\u202f» et «\u202fsalut\u202f» l’eau"),
    ("es", '"Hola" y \'adiós\'', "«Hola» y “adiós”"),
    ("ru", '"Привет"', "«Привет»"),
    ("pl", '"Cześć"', "„Cześć”"),
    ("sv", '"Hej"', "”Hej”"),
    ("da", '"Hej"', "»Hej«"),
    ("ja", '"東京"と\'大阪\'', "「東京」と『大阪』"),
    ("zh-TW", '"台北"', "「台北」"),
    ("xx", '"unknown language"', "“unknown language”"),
    (None, "rock--n--roll", "rock–n–roll"),
])
def test_smarten_by_language(lang, text, want):
    assert smarten(text, lang) == want


def test_off_by_default_keeps_the_exact_text():
    text = '"Straight" -- as typed'
    assert set_text(text, BOX, TextStyle(size=40), LIB).lines == [text]


def test_on_in_a_block_across_markup_spans():
    style = TextStyle(size=40, smart_quotes=True, lang="de")
    block = set_text('"**Achtung**", sagte er -- laut', BOX, style, LIB)
    assert block.lines == ["„Achtung“, sagte er – laut"]
    face = LIB.face("Inter", 800)
    low_quote = face.hb_font.get_nominal_glyph(0x201E)
    assert block.glyphs[0].glyph_id == LIB.face("Inter").hb_font.get_nominal_glyph(0x201E)
    assert low_quote  # the bold face has the glyph too: the quote sits outside the bold span


def test_french_quotes_keep_their_narrow_spaces_on_one_line():
    style = TextStyle(size=40, smart_quotes=True, lang="fr")
    block = set_text('"Bonjour"', Box(0, 0, 600, 400), style, LIB)
    assert block.lines == ["«\u202fBonjour\u202f»"]
    xs = [g.x for g in block.glyphs]
    assert xs == sorted(xs) and len(block.glyphs) == 11
    space = set_text("a b", Box(0, 0, 600, 400), TextStyle(size=40), LIB).glyphs[1]
    nnbsp = block.glyphs[1]
    assert nnbsp.cluster == 1 and 0 < nnbsp.advance < space.advance  # narrow, and no line break there


def test_spec_field_reaches_the_report(tmp_path):
    import json

    from composer import build

    spec = tmp_path / "q.yaml"
    spec.write_text('version: 1\ncanvas: {width: 600, height: 200, background: "#ffffff"}\n'
                    'elements:\n  - {type: text, id: q, text: "\\"Oui\\" -- l\'eau", lang: fr, smart_quotes: true,'
                    ' box: {x: 10, y: 10, width: 580, height: 100}, font: {size: 40}, color: "#000000"}\n'
                    'outputs: [png]\n', encoding="utf-8")
    build(spec, out_dir=tmp_path / "out")
    report = json.loads((tmp_path / "out" / "q.report.json").read_text("utf-8"))
    text = next(e for e in report["elements"] if e["id"] == "q")
    assert text["lines"] == ["«\u202fOui\u202f» – l’eau"]
