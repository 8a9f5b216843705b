"""Auto-fit, line breaking, alignment and the exact overflow messages."""

from __future__ import annotations

import pytest

from composer.core.errors import TextFitError
from composer.text import FontLibrary, TextStyle, set_text
from composer.text.block import prepare
from composer.text.fitting import layout
from composer.core.geometry import Box
from text_support import ink_mask, render

LIB = FontLibrary()
HEADLINE = "Summer Product Launch 2026"


def fits(text, box, style, size):
    """Whether the text fits at `size` (same rules set_text uses)."""
    paras = prepare(text, style, LIB, "t")
    return layout(paras, size, box, style.line_height, style.wrap, style.max_lines, style=style).overflow is None


@pytest.mark.parametrize("text,box,kw", [
    (HEADLINE, Box(80, 80, 920, 260), dict(weight=800, line_height=1.05)),
    ("Ödön’s 3½-day “naïve” café tour, 12–14 May", Box(0, 0, 400, 300), dict(family="Noto Serif")),
    ("A much longer paragraph of body text that must wrap over several lines to fit the box "
     "it has been given, at the largest size that still fits.", Box(10, 10, 500, 180), {}),
    ("Kurz", Box(0, 0, 600, 90), dict(family="Bebas Neue", line_height=0.9)),
])
def test_auto_fit_is_largest_within_half_px_and_inside_box(text, box, kw):
    style = TextStyle(size="auto", **kw)
    block = set_text(text, box, style, LIB, "t")
    assert fits(text, box, style, block.size)
    assert not fits(text, box, style, block.size + 0.5)
    ink = block.ink_box
    assert box.x <= ink.x and ink.x + ink.width <= box.right + 1e-6
    assert box.y <= ink.y and ink.y + ink.height <= box.bottom + 1e-6
    for lb in block.line_boxes:
        assert lb.width <= box.width + 1e-6


def test_auto_respects_min_and_max_size():
    block = set_text("Hi", Box(0, 0, 800, 400), TextStyle(size="auto", max_size=72), LIB)
    assert block.size == 72
    with pytest.raises(TextFitError) as err:
        set_text("Supercalifragilistic", Box(0, 0, 100, 40), TextStyle(size="auto", min_size=20), LIB, "cta")
    assert str(err.value) == ('text "cta" does not fit its 100×40 px box even at its min_size 20 px: '
                              "'Supercalifragilistic' is 173.2 px wide but the box is 100 px; 73.2 px short")


def test_height_overflow_message_is_exact():
    with pytest.raises(TextFitError) as err:
        set_text(HEADLINE, Box(80, 80, 920, 260), TextStyle(weight=800, size=150, line_height=1.05),
                 LIB, "headline")
    assert str(err.value) == ('text "headline" does not fit its 920×260 px box at 150 px: needs 4 lines '
                              "(630 px) but the box holds 260 px; 370 px short")


def test_max_lines_message_is_exact():
    with pytest.raises(TextFitError) as err:
        set_text(HEADLINE, Box(0, 0, 300, 1000), TextStyle(size=40, max_lines=2), LIB, "headline")
    assert str(err.value) == ('text "headline" does not fit its 300×1000 px box at 40 px: '
                              "needs 3 lines but max_lines is 2")


def test_ellipsis_truncates_instead_of_failing():
    text = "An ellipsis truncates text that cannot fit in the box, with no silent clipping."
    block = set_text(text, Box(0, 0, 400, 80), TextStyle(size=28, overflow="ellipsis"), LIB, "e")
    assert len(block.lines) == 2 and block.lines[-1].endswith("…")
    assert " ".join(block.lines)[:-1].replace("  ", " ") in text
    assert block.ink_box.x + block.ink_box.width <= 400 and block.ink_box.y + block.ink_box.height <= 80
    one = set_text(text, Box(0, 0, 400, 300), TextStyle(size=28, overflow="ellipsis", max_lines=1), LIB)
    assert one.lines == [one.lines[0]] and one.lines[0].endswith("…")


def test_explicit_newlines_and_wrap_none():
    block = set_text("one\n\nthree words here", Box(0, 0, 1000, 400), TextStyle(size=30), LIB)
    assert block.lines == ["one", "", "three words here"]
    assert block.line_boxes[2].y == pytest.approx(2 * 36.0)
    with pytest.raises(TextFitError, match="'three words here' is"):
        set_text("three words here", Box(0, 0, 100, 400), TextStyle(size=30, wrap="none"), LIB)


@pytest.mark.parametrize("align", ["left", "center", "right"])
def test_alignment(align):
    box = Box(100, 0, 600, 200)
    block = set_text("Short line", box, TextStyle(size=40, align=align), LIB)
    lb = block.line_boxes[0]
    expected = {"left": 100, "center": 100 + (600 - lb.width) / 2, "right": 700 - lb.width}[align]
    assert lb.x == pytest.approx(expected, abs=0.01)


def test_justify_fills_every_line_but_the_last():
    # a measure where every line can be justified within the word-space limits (justify.py)
    text = ("Justified text sets every line flush with both edges of its box except the last one, "
            "which keeps its natural word spaces and ends wherever its words end.")
    box = Box(0, 0, 520, 400)
    block = set_text(text, box, TextStyle(size=20, align="justify"), LIB)
    assert len(block.lines) >= 3
    for i in range(len(block.lines) - 1):
        last = max((g for g in block.glyphs if g.line == i), key=lambda g: g.x)
        assert last.x + last.advance == pytest.approx(520, abs=0.01)
    assert block.line_boxes[-1].width < 500


@pytest.mark.parametrize("valign,expect", [("top", 0.0), ("middle", 0.5), ("bottom", 1.0)])
def test_valign(valign, expect):
    box = Box(0, 100, 500, 300)
    block = set_text("Middle", box, TextStyle(size=40, line_height=1.0, valign=valign), LIB)
    lb = block.line_boxes[0]
    assert lb.y - box.y == pytest.approx((box.height - lb.height) * expect, abs=1.0)


def test_balance_evens_out_lines():
    text = "Balanced headlines keep their lines of similar length"
    box = Box(0, 0, 700, 400)
    greedy = set_text(text, box, TextStyle(size=48), LIB)
    balanced = set_text(text, box, TextStyle(size=48, wrap="balance"), LIB)
    assert len(greedy.lines) == len(balanced.lines) == 2
    spread = lambda b: abs(b.line_boxes[0].width - b.line_boxes[1].width)
    assert spread(balanced) < spread(greedy) / 2


def test_transforms():
    box = Box(0, 0, 1000, 100)
    assert set_text("hello wörld", box, TextStyle(transform="uppercase"), LIB).lines == ["HELLO WÖRLD"]
    assert set_text("Hello", box, TextStyle(transform="lowercase"), LIB).lines == ["hello"]
    assert set_text("hello o’neil-x", box, TextStyle(transform="capitalize"), LIB).lines == ["Hello O’neil-X"]


def test_no_ink_outside_the_box_on_the_raster():
    boxes = [Box(20, 20, 360, 120), Box(20, 170, 200, 200), Box(240, 170, 140, 60)]
    texts = ["Éÿ Çà ÅÑgjpq", "*Italic* fjord overhang ƒ", "[size=1.6em]{Big} gy"]
    blocks = [set_text(t, b, TextStyle(size="auto", family="Noto Serif", line_height=0.9), LIB, f"b{i}")
              for i, (t, b) in enumerate(zip(texts, boxes))]
    ink = ink_mask(render(blocks, 400, 400))
    inside = ink.copy()
    for b in boxes:
        inside[int(b.y):int(b.bottom), int(b.x):int(b.right)] = False
    assert ink.sum() > 2000
    assert not inside.any()


from hypothesis import given, settings, strategies as st  # noqa: E402

WORDS = ["Ärger", "jumpy", "fjord", "Q3", "12.5%", "(est.)", "café", "—", "WAVY", "glyph", "ÉTÉ", "office"]


@settings(max_examples=40, deadline=None)
@given(words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=25),
       width=st.integers(120, 900), height=st.integers(40, 500),
       family=st.sampled_from(["Inter", "Noto Serif", "Bebas Neue"]),
       align=st.sampled_from(["left", "center", "right", "justify"]),
       valign=st.sampled_from(["top", "middle", "bottom"]),
       line_height=st.sampled_from([0.85, 1.0, 1.3]))
def test_auto_fit_ink_never_leaves_the_box(words, width, height, family, align, valign, line_height):
    box = Box(13.5, 7.25, width, height)
    style = TextStyle(family=family, size="auto", min_size=4, align=align, valign=valign,
                      line_height=line_height, italic=family == "Inter")
    try:
        block = set_text(" ".join(words), box, style, LIB, "p")
    except TextFitError:
        return
    ink = block.ink_box
    assert ink.x >= box.x - 1e-6 and ink.y >= box.y - 1e-6
    assert ink.x + ink.width <= box.right + 1e-6 and ink.y + ink.height <= box.bottom + 1e-6


def test_soft_hyphen_shows_a_hyphen_only_where_the_line_breaks():
    text = "Donau\u00addampf\u00adschiff\u00adfahrt ist lang"
    block = set_text(text, Box(0, 0, 250, 400), TextStyle(size=40.0), LIB)
    assert block.lines == ["Donau-", "dampfschiff-", "fahrt ist lang"]
    face = LIB.face("Inter")
    hyphen = face.hb_font.get_nominal_glyph(0x2010)
    per_line = [[g.glyph_id for g in block.glyphs if g.line == i] for i in range(len(block.lines))]
    assert per_line[0][-1] == hyphen and hyphen not in per_line[-1]
    assert block.line_boxes[0].width <= 250
