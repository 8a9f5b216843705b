"""Inline markup: bold, italic, colour and size spans, escapes and errors."""

from __future__ import annotations

import pytest

from composer.core.errors import SpecError
from composer.text import FontLibrary, TextStyle, measure_text, set_text
from composer.text.live import live_svg
from composer.text.markup import Span, SpanStyle, parse
from composer.core.geometry import Box

LIB = FontLibrary()
COLORS = {"accent": "#FFB000", "primary": "#0B5FFF"}


def test_grammar():
    spans = parse("a **b** *c* [accent]{d} [size=48]{e} [size=1.5em weight=300]{f}", COLORS)
    assert spans == [
        Span("a ", SpanStyle()), Span("b", SpanStyle(bold=True)), Span(" ", SpanStyle()),
        Span("c", SpanStyle(italic=True)), Span(" ", SpanStyle()), Span("d", SpanStyle(color="#FFB000")),
        Span(" ", SpanStyle()), Span("e", SpanStyle(size_px=48.0)), Span(" ", SpanStyle()),
        Span("f", SpanStyle(size_em=1.5, weight=300))]


def test_nesting_and_escapes():
    assert parse("[accent]{**x**} \\*y\\* \\[z\\]{w} \\\\", COLORS) == [
        Span("x", SpanStyle(bold=True, color="#FFB000")), Span(" *y* [z]{w} \\", SpanStyle())]
    assert parse("[#ff0000]{r}") == [Span("r", SpanStyle(color="#ff0000"))]


def test_unknown_span_lists_allowed_names():
    with pytest.raises(SpecError) as err:
        parse("buy [acent]{now}", COLORS, "cta")
    assert str(err.value) == ('text "cta": unknown span \'acent\' at character 5 (did you mean \'accent\'?); '
                              "allowed: brand colours (accent, primary), '#RRGGBB', 'size=<px|em>', "
                              "'weight=<100-900>'")


def test_unclosed_markup_is_an_error():
    with pytest.raises(SpecError) as err:
        parse("5* hotel", COLORS, "h")
    assert str(err.value) == ('text "h": markup \'*\' opened at character 2 is never closed with \'*\'; '
                              "write \\* for a literal '*' or set markup: false")
    with pytest.raises(SpecError, match=r"markup '\[\.\.\.\]\{' opened at character 1"):
        parse("[accent]{open", COLORS, "h")


def test_spans_set_bold_colour_and_size():
    style = TextStyle(size=40.0, span_colors=COLORS, color="#111111")
    block = set_text("plain **bold** [accent]{gold} [size=0.5em]{small}", Box(0, 0, 2000, 200), style, LIB)
    assert {r.fill for r in block.runs} == {"#111111", "#FFB000"}
    assert any(f.endswith("Inter-Bold.otf") for f in block.fonts)
    sizes = {g.size for g in block.glyphs}
    assert sizes == {40.0, 20.0}


def test_markup_false_sets_text_verbatim():
    block = set_text("**not bold**", Box(0, 0, 2000, 200), TextStyle(markup=False), LIB)
    assert block.lines == ["**not bold**"]


def test_measure_text_for_labels():
    w, h = measure_text("Label 42", TextStyle(size=20.0, line_height=1.25), LIB)
    block = set_text("Label 42", Box(0, 0, 1000, 100), TextStyle(size=20.0, line_height=1.25), LIB)
    assert w == pytest.approx(block.line_boxes[0].width, abs=0.01)
    assert h == pytest.approx(25.0)


def test_live_svg_keeps_real_text_and_references_the_font():
    block = set_text("Live & <text>", Box(10, 10, 800, 100), TextStyle(size=30.0), LIB, "live")
    svg = live_svg(block)
    assert "<text" in svg and "Live &amp; &lt;text&gt;" in svg
    assert "@font-face{font-family:'Inter'" in svg and "file://" in svg
    assert "base64," in live_svg(block, embed=True)
