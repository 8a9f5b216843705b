"""Optical margins: quotes, hyphens, periods and commas at a line's edge hang past the text's edge.

How far: a fraction of the glyph's own advance (HANG below): quotes, hyphens, periods and
commas hang by their whole advance, so the letters after an opening quote line up with the
letters of the lines above and below; guillemets hang by half, being wide and heavy. Up to two
such glyphs hang together at an edge (a comma and its closing quote). A one-glyph line never hangs.

The box stays the hard limit for ink. The hang goes into room the block leaves inside its box:
at an edge the text is aligned to, every line is set in from the box by the largest hang at that
edge (so the letters of all lines share one optical edge and the punctuation sits in the margin),
but never so far that the widest line would leave the box; with no room to spare nothing hangs.
Centred lines are centred on their letters. On by default at 32 px and above (`optical_margin`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Callable, Protocol, TypeVar

if TYPE_CHECKING:
    from composer.text.shaping import Paragraph
    from composer.text.style import TextStyle


class LineLike(Protocol):
    """What plan() reads of a line (composer.text.fitting.Line, which imports this module)."""

    para: Paragraph
    start: int
    end: int
    last: bool
    width: float

    @property
    def hyphen(self) -> bool: ...


L = TypeVar("L", bound=LineLike)

AUTO_MIN_SIZE = 32.0
SPACES = " \u00a0\u3000"
_FULL = "\"'\u201c\u201d\u2018\u2019\u201e\u201a\u201f\u201b-\u2010\u2011\u00ad.,\u3002\uff0e"
HANG: dict[str, float] = {c: 1.0 for c in _FULL}
HANG.update({c: 0.5 for c in "\u00ab\u00bb\u2039\u203a"})


def enabled(style: TextStyle, size: float) -> bool:
    """Whether punctuation hangs in text of this style at this px size."""
    return style.optical_margin if style.optical_margin is not None else size >= AUTO_MIN_SIZE - 1e-9


def start_hang(para: Paragraph, a: int, size: float) -> float:
    """How far the characters a line [a, ...) of `para` starts with will hang, in px (the
    breaker's estimate, from the paragraph's measures, of what edge_hangs finds once placed)."""
    total = 0.0
    for i in range(a, min(a + 2, len(para.text))):
        factor = HANG.get(para.text[i], 0.0)
        if not factor:
            break
        total += factor * para.width(i, i + 1, size)
    return total


def end_hang(para: Paragraph, e: int, size: float, hyphenated: bool) -> float:
    """How far the characters a line [..., e) of `para` ends with will hang, in px; a line broken
    at a hyphenation point ends with the hyphen it shows."""
    if hyphenated:
        return HANG["-"] * para.hyph_points[e][2] * (para.rel[e - 1] * size + para.abs[e - 1])
    total = 0.0
    for i in range(e - 1, max(e - 3, -1), -1):
        factor = HANG.get(para.text[i], 0.0)
        if not factor:
            break
        total += factor * para.width(i, i + 1, size)  # a soft hyphen: the hyphen it shows
    return total


def edge_hangs(placed: list[tuple], text: str, style: TextStyle, hyphen: bool = False) -> tuple[float, float]:
    """How far the punctuation at the line's visual start and end may hang, in px.

    Up to two glyphs hang at an edge, so a comma and its closing quote (,") go out together.
    hyphen: the line's last glyph is the hyphen of a hyphenation point (its cluster is the
    letter before it).
    """
    def edge(glyphs: list[tuple], shown: str = "") -> float:
        total = 0.0
        for k, g in enumerate(glyphs[:2]):
            cl, adv, sz = g[2], g[5], g[6]
            factor = HANG.get(shown if k == 0 and shown else text[cl], 0.0) if enabled(style, sz) else 0.0
            if not factor:
                break
            total += factor * adv
        return total

    if len(placed) < 2:
        return 0.0, 0.0
    return edge(placed), edge(placed[::-1], "-" if hyphen else "")


def _shrink(placed: list[tuple], text: str, letter: float) -> float:
    """How much a justified line may give: 20% of its word spaces' advance, and `letter` of
    the em at each gap between letters (as justify.py shrinks a line)."""
    spaces = sum(g[5] for g in placed if text[g[2]] in SPACES)
    gaps = sum(1 for g, h in zip(placed, placed[1:])
               if g[2] != h[2] and text[g[2]] not in SPACES and text[h[2]] not in SPACES)
    return 0.2 * spaces + letter * gaps * (placed[0][6] if placed else 0.0)


def plan(lines: Sequence[L], size: float, box_width: float, style: TextStyle,
         place_line: Callable[[L, float, float, TextStyle], tuple[list[tuple], float]],
         align_of: Callable[[L, float], str], letter: float = 0.0) -> list[tuple[list, float, float]]:
    """For each line: its placed glyphs, advance width and x shift from the plain aligned position.

    letter: the letter-spacing a justified line may give per gap between letters, in em."""
    natural = [place_line(ln, size, box_width, style) for ln in lines]
    if style.optical_margin is False:
        return [(p, w, 0.0) for p, w in natural]
    hangs = [edge_hangs(p, ln.para.text, style, ln.hyphen) for (p, _), ln in zip(natural, lines)]
    if not any(h for pair in hangs for h in pair):
        return [(p, w, 0.0) for p, w in natural]
    aligns = [align_of(ln, w) for ln, (_, w) in zip(lines, natural)]
    justified = [style.align == "justify" and not ln.last and ln.end > ln.start for ln in lines]
    # room at each edge: the largest hang of the lines anchored there
    left = max((hl for (hl, _), a, j in zip(hangs, aligns, justified) if a == "left" or j), default=0.0)
    right = max((hr for (_, hr), a, j in zip(hangs, aligns, justified) if a == "right" or j), default=0.0)
    # never more than the tightest line's slack (its width without its own hangs); a justified
    # line may also shrink its word spaces to 80%, as justification allows
    slack = min(box_width - ((ln.width if j else w) - hl - hr) + (_shrink(p, ln.para.text, letter) if j else 0.0)
                for ln, (p, w), (hl, hr), j in zip(lines, natural, hangs, justified))
    if left + right > max(0.0, slack) and left + right > 0:
        k = max(0.0, slack) / (left + right)
        left, right = left * k, right * k
    out = []
    for ln, (p, w), (hl, hr), a, j in zip(lines, natural, hangs, aligns, justified):
        if a == "center" and not j:  # centred on its letters; the box check nudges it back if need be
            out.append((p, w, (hr - hl) / 2))
            continue
        hl, hr = min(hl, left), min(hr, right)
        if j:  # justified to the optical measure, its edge punctuation in the margins
            p, w = place_line(ln, size, box_width - left - right + hl + hr, style)
            shift = left - hl if a == "left" else -(right - hr)
        elif a == "left":
            shift = left - hl
        else:
            shift = -(right - hr)
        out.append((p, w, shift))
    return out
