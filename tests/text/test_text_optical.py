"""Optical margins: edge punctuation hangs into room inside the box, letters share one edge."""

import pytest

from composer.text import TextStyle, set_text
from composer.text.fonts import FontLibrary
from composer.text.optical import HANG
from composer.core.geometry import Box

LIB = FontLibrary()
BOX = Box(100, 50, 800, 400)


def _first(block, line):
    return min((g for g in block.glyphs if g.line == line), key=lambda g: g.x)


def _last(block, line):
    return max((g for g in block.glyphs if g.line == line), key=lambda g: g.x)


def test_opening_quote_hangs_and_letters_line_up_at_32_px_and_above():
    block = set_text("\u201cQuoted\u201d words\nnext line", BOX, TextStyle(size=48), LIB)
    quote, q = sorted((g for g in block.glyphs if g.line == 0), key=lambda g: g.x)[:2]
    n = _first(block, 1)
    assert quote.cluster == 0 and q.cluster == 1
    assert q.x == pytest.approx(n.x, abs=0.01)                  # Q under n: one optical edge
    assert quote.x == pytest.approx(BOX.x, abs=0.01)            # the quote sits in the room it made
    assert n.x - BOX.x == pytest.approx(quote.advance * HANG["\u201c"], abs=0.01)
    assert block.ink_box.x >= BOX.x                             # no ink outside the box


def test_below_32_px_nothing_hangs_unless_asked():
    plain = set_text("\u201cQuoted\u201d\nnext", BOX, TextStyle(size=24), LIB)
    assert _first(plain, 1).x == pytest.approx(BOX.x)
    asked = set_text("\u201cQuoted\u201d\nnext", BOX, TextStyle(size=24, optical_margin=True), LIB)
    assert _first(asked, 1).x == pytest.approx(BOX.x + asked.glyphs[0].advance)
    off = set_text("\u201cQuoted\u201d\nnext", BOX, TextStyle(size=48, optical_margin=False), LIB)
    assert _first(off, 1).x == pytest.approx(BOX.x) and off.glyphs[0].x == pytest.approx(BOX.x)


def test_period_and_hyphen_hang_on_the_right_edge():
    block = set_text("It ends here.\nDonau\u00addampf\nall right", Box(0, 0, 400, 400),
                     TextStyle(size=40, align="right"), LIB)
    period = _last(block, 0)
    e = sorted((g for g in block.glyphs if g.line == 0), key=lambda g: g.x)[-2]
    t = _last(block, 2)
    assert block.lines[0].endswith(".") and period.cluster == len("It ends here")
    assert e.x + e.advance == pytest.approx(t.x + t.advance, abs=0.01)   # letters share the edge
    assert period.x + period.advance == pytest.approx(400, abs=0.01)
    assert block.ink_box.x + block.ink_box.width <= 400 + 1e-6


def test_no_room_means_no_hang_and_ink_stays_inside():
    box = Box(0, 0, 500, 200)
    block = set_text("\u201cFill the box\u201d", box, TextStyle(size="auto"), LIB)
    assert block.size >= 32
    assert block.glyphs[0].x >= box.x - 1e-6
    ink = block.ink_box
    assert ink.x >= box.x - 1e-6 and ink.x + ink.width <= box.right + 1e-6


def test_centred_lines_centre_their_letters():
    block = set_text("\u201cHello", BOX, TextStyle(size=60, align="center"), LIB)
    glyphs = sorted(block.glyphs, key=lambda g: g.x)
    letters_left, letters_right = glyphs[1].x, glyphs[-1].x + glyphs[-1].advance
    assert (letters_left + letters_right) / 2 == pytest.approx(BOX.x + BOX.width / 2, abs=0.01)


def test_justified_lines_hang_both_edges_within_the_box():
    text = ("\u201cHanging punctuation keeps the edge of a justified column straight, "
            "even where a line ends with a comma, or a hyphen\u00adated word.\u201d")
    box = Box(0, 0, 520, 600)
    block = set_text(text, box, TextStyle(size=36, align="justify"), LIB)
    lines = range(len(block.lines))
    firsts = [_first(block, i) for i in lines]
    letters = [g for g in firsts if block.lines[g.line][0].isalpha()]
    assert len({round(g.x, 2) for g in letters}) == 1               # one left letter edge
    assert firsts[0].x < letters[0].x                                # the quote hangs left of it
    ink = block.ink_box
    assert ink.x >= -1e-6 and ink.x + ink.width <= box.right + 1e-6


OPTICAL = ("Hanging punctuation keeps the edge of a justified column straight, even where a line ends "
           "with a comma, a period. Or a hyphen\u00adated word, and the letters before them line up with "
           "the edge of every other line in the column, which is what readers see as a straight edge.")


def test_total_fit_breaks_to_the_optical_measure():
    # the breaker sets justified lines to the optical measure: the box less the largest hang at the
    # right edge, each line widened by its own hang; so the letters of every justified line end on
    # one edge and a period, comma or hyphen ending a line hangs past it by its whole advance, the
    # largest out to the box's edge. Before, lines were broken to the full box, no room was left
    # and nothing hung (hyphens at hyphenation points never did)
    box = Box(0, 0, 520, 2000)
    block = set_text(OPTICAL, box, TextStyle(size=36, align="justify", lang="en"), LIB)
    lay = block._layout_lines
    hung, edges = [], []
    for i, ln in enumerate(lay[:-1]):
        if not ln.justified:
            continue
        glyphs = sorted((g for g in block.glyphs if g.line == i), key=lambda g: g.x)
        last = glyphs[-1]
        mark = "-" if ln.hyphen else block.lines[i][-1]
        if mark in ".,-":
            before = glyphs[-2]
            edges.append(before.x + before.advance)            # the letter before it
            hung.append((last.x + last.advance) - edges[-1])
            assert hung[-1] == pytest.approx(last.advance * HANG[mark], abs=0.01)
        else:
            edges.append(last.x + last.advance)
    assert len(hung) >= 2 and len(edges) - len(hung) >= 2      # hanging lines and plain ones
    assert max(edges) - min(edges) == pytest.approx(0, abs=0.01)   # one optical edge
    assert edges[0] + max(hung) == pytest.approx(box.right, abs=0.01)  # the widest hang fills the margin
    assert block.ink_box.x + block.ink_box.width <= box.right + 1e-6


from hypothesis import given, settings, strategies as st  # noqa: E402

from composer.core.errors import TextFitError  # noqa: E402

PUNCT_WORDS = ["\u201cquoted\u201d", "end.", "a,", "well-\u00adknown", "\u00abguillemets\u00bb", "\u2018single\u2019",
               "plain", "words", "Ärger", "fjord", "12.5%", "\"straight\"", "(est.)"]


@settings(max_examples=40, deadline=None)
@given(words=st.lists(st.sampled_from(PUNCT_WORDS), min_size=1, max_size=18),
       width=st.integers(160, 900), height=st.integers(60, 600),
       family=st.sampled_from(["Inter", "Noto Serif"]),
       align=st.sampled_from(["left", "center", "right", "justify"]),
       size=st.sampled_from(["auto", 32, 48, 72]),
       smart=st.booleans())
def test_hanging_punctuation_never_takes_ink_outside_the_box(words, width, height, family, align, size, smart):
    box = Box(13.5, 7.25, width, height)
    style = TextStyle(family=family, size=size, min_size=4, align=align, optical_margin=True,
                      smart_quotes=smart, italic=family == "Noto Serif")
    try:
        block = set_text(" ".join(words), box, style, LIB, "p")
    except TextFitError:
        return
    ink = block.ink_box
    assert ink.x >= box.x - 1e-6 and ink.x + ink.width <= box.right + 1e-6
