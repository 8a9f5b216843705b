"""Hyphenation by language: pyphen's points, Adobe's limits, what is never hyphenated, and `auto`."""

from __future__ import annotations

import pyphen
import pytest

import composer
from composer.core.errors import PlacardError
from composer.text import FontLibrary, TextStyle, set_text
from composer.text.hyphenate import auto_enabled, points
from composer.core.geometry import Box

LIB = FontLibrary()

WORDS = {
    "en": ["hyphenation", "typography", "extraordinary", "remarkable", "navigation", "interruption",
           "comfortable", "department"],
    "de": ["Silbentrennung", "Geräuschkulisse", "Schriftsetzer", "Bahnhofsvorsteher", "Wissenschaftlerinnen",
           "verschwanden", "Fahrkartenschalter", "aufmerksam"],
    "fr": ["typographie", "extraordinaire", "bibliothèque", "malheureusement", "considérablement",
           "renseignements", "découvrir", "expérience"],
}


@pytest.mark.parametrize("lang", ["en", "de", "fr"])
def test_points_equal_pyphen(lang):
    dic = pyphen.Pyphen(lang=lang, left=2, right=2)
    for word in WORDS[lang]:
        text = f"le {word} end"   # not the paragraph's last word
        got = [i - 3 for i in points(text, lang)]
        assert got == dic.positions(word), word
        assert got, word


@pytest.mark.parametrize("text", [
    "see https://example.com/documentation/typography today",
    "write to documentation@example.com today",
    "go to www.typography.example today",
    "a 1234567890 and 3.14159265 and 12,500,000 and 2026-11-27 today",
    "the INTERNATIONAL ORGANIZATION today",
    "the Mississippi and Manhattan today",          # names: capitalised English words
    "a soft\u00adhyphenated word today",             # the author's soft hyphens win
    "short words only here and there",
])
def test_never_hyphenated(text):
    assert points(text, "en") == ()


def test_capitalised_german_nouns_are_hyphenated():
    assert points("die Geräuschkulisse der Stadt", "de")


def test_adobe_limits_and_last_word():
    # fewer than 5 letters: never; at least 2 letters on either side of a break
    assert points("the tree grows", "en") == ()
    text = "a hyphenation"
    assert points(text, "en") == ()                  # the last word of a paragraph
    for i in points("some extraordinary words", "en"):
        word_start, word_end = 5, 5 + len("extraordinary")
        assert i - word_start >= 2 and word_end - i >= 2


def test_auto_means_body_text_up_to_48_px():
    assert auto_enabled(16, "normal") and auto_enabled(48, "normal")
    assert not auto_enabled(48.5, "normal")
    assert not auto_enabled(16, "balance") and not auto_enabled(16, "none")
    assert not auto_enabled(16, "normal", headline=True)


GERMAN = ("Die Geräuschkulisse der Großstadt verändert sich mit jeder Jahreszeit, und wer aufmerksam "
          "zuhört, erkennt im Rauschen des Verkehrs, im Rufen der Händler und im Klappern der "
          "Fahrräder einen eigenen Rhythmus, der sich kaum beschreiben lässt und doch jedem vertraut ist.")


def _hyphenated(block):
    return [i for i, ln in enumerate(block._layout_lines) if ln.hyphen]


def test_set_text_hyphenates_and_shows_the_hyphen():
    block = set_text(GERMAN, Box(0, 0, 260, 2000), TextStyle(size=16, align="justify", lang="de"), LIB)
    hy = _hyphenated(block)
    assert hy
    words = set(GERMAN.replace(",", "").replace(".", "").split())
    for i in hy:
        assert block.lines[i].endswith("-")
        joined = block.lines[i].split()[-1][:-1] + block.lines[i + 1].split()[0].rstrip(",.")
        assert joined in words
        # the hyphen is drawn: the line's last glyph is the face's hyphen
        last = max((g for g in block.glyphs if g.line == i), key=lambda g: g.x)
        assert GERMAN[last.cluster].isalpha() and last.glyph_id != 0
    # at most 2 hyphenated lines in a row
    assert not any(i + 1 in hy and i + 2 in hy for i in hy)


def test_hyphenate_false_and_headlines():
    off = set_text(GERMAN, Box(0, 0, 260, 2000), TextStyle(size=16, align="justify", lang="de", hyphenate=False), LIB)
    assert _hyphenated(off) == [] and not any(ln.endswith("-") for ln in off.lines)
    big = set_text(GERMAN, Box(0, 0, 900, 4000), TextStyle(size=60, align="justify", lang="de"), LIB)
    assert _hyphenated(big) == []
    head = set_text(GERMAN, Box(0, 0, 260, 2000), TextStyle(size=16, lang="de", headline=True), LIB)
    assert _hyphenated(head) == []


def test_unknown_language_with_hyphenate_true(write_spec):
    p = write_spec("""
        version: 1
        canvas: {width: 400, height: 300}
        elements:
          - {type: text, text: Hello, box: {x: 0, y: 0, width: 300, height: 100}, hyphenate: true, lang: xx}
        """)
    with pytest.raises(PlacardError) as e:
        composer.validate(p)
    assert str(e.value) == (
        f"{p}:4:98: elements[0].lang: no hyphenation dictionary for 'xx' (hyphenate: true); allowed: "
        "a language pyphen knows (en, de, fr, es, it, nl, ...), or hyphenate: false")


def test_spec_wide_lang_reaches_the_text(write_spec, tmp_path):
    p = write_spec("""
        version: 1
        lang: de
        canvas: {width: 300, height: 600}
        outputs: [svg]
        elements:
          - type: text
            id: body
            text: "Die Geräuschkulisse der Großstadt verändert sich mit jeder Jahreszeit und jedem Wetter."
            box: {x: 10, y: 10, width: 150, height: 500}
            font: {size: 16}
            align: justify
        """)
    result = composer.build(p, tmp_path / "out")
    lines = next(e for e in result.report["elements"] if e["id"] == "body")["lines"]
    assert any(ln.endswith("-") for ln in lines)


PROBE_WORDS = ("hyphenation", "representative", "typography", "international", "characteristically", "Überraschung")


def _fresh(lang: str):
    from composer.text import hyphenate

    hyphenate.dictionary.cache_clear()
    hyphenate.points.cache_clear()
    return hyphenate.dictionary(lang)


@pytest.mark.parametrize("lang", ["en", "de", "fr"])
def test_the_kept_pattern_table_hyphenates_as_pyphen_does(tmp_path, monkeypatch, lang):
    import pyphen

    from composer.text import hyphenate

    monkeypatch.setenv("PLACARD_CACHE_DIR", str(tmp_path))
    reference = pyphen.Pyphen(lang=pyphen.language_fallback(lang), left=hyphenate.MIN_BEFORE, right=hyphenate.MIN_AFTER)
    parsed = _fresh(lang)  # parses the .dic and keeps the table
    kept = list((tmp_path / "hyphenation-v3").glob("*.json"))
    assert len(kept) == 1
    loaded = _fresh(lang)  # from the kept table
    assert loaded.patterns is not parsed.patterns
    table, table_parsed = loaded.patterns.patterns, parsed.patterns.patterns
    assert isinstance(table, hyphenate._Table)
    assert loaded.patterns.maxlen == parsed.patterns.maxlen == max(map(len, table_parsed))
    for word in PROBE_WORDS:
        assert loaded.positions(word) == parsed.positions(word) == reference.positions(word)
    looked_up = [k for k, v in dict.items(table) if type(v) is tuple]  # decoded by pyphen's lookups
    assert looked_up and all(table[k] == (table_parsed[k][0], tuple(table_parsed[k][1])) for k in looked_up)
    assert all(table.get(k) == (start, tuple(values)) for k, (start, values) in table_parsed.items())


def test_a_damaged_or_foreign_pattern_table_is_parsed_again(tmp_path, monkeypatch):
    import json

    monkeypatch.setenv("PLACARD_CACHE_DIR", str(tmp_path))
    expected = _fresh("en").positions("hyphenation")
    (table,) = (tmp_path / "hyphenation-v3").glob("*.json")
    data = json.loads(table.read_text())
    data["probes"][0] = [1]  # a table that no longer breaks the probe words where it did
    table.write_text(json.dumps(data))
    assert _fresh("en").positions("hyphenation") == expected
    assert json.loads(table.read_text())["probes"][0] != [1]  # parsed again and kept afresh
    table.write_text("{not json")
    assert _fresh("en").positions("hyphenation") == expected
