"""Line breaking (greedy, balanced, none), vertical layout, and the auto-size search.

Everything here works from a paragraph's per-character measures, which scale linearly with
the text size, so trying a size costs no shaping.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from composer.core.geometry import Box

from composer.text import hyphenate, knuth_plass, optical, reshape
from composer.text.scripts import CJK_SCRIPTS, script_of
from composer.text.shaping import Paragraph

if TYPE_CHECKING:
    from composer.text.style import TextStyle

EPS = 1e-6


@dataclass
class Line:
    """Characters [start, end) of a paragraph set as one line (end excludes trailing spaces)."""

    para: Paragraph
    start: int
    end: int
    last: bool  # last line of its paragraph (not justified)
    width: float = 0.0
    top: float = 0.0       # line box top, relative to the block top
    height: float = 0.0
    baseline: float = 0.0  # relative to the block top
    ink_top: float = 0.0   # highest ink, relative to the block top
    ink_bottom: float = 0.0
    justified: bool = False    # set flush to both edges (once placed)
    space_ratio: float = 1.0   # word spaces as set over their natural width (once placed)

    @property
    def text(self) -> str:
        return self.para.text[self.start:self.end]

    @property
    def hyphen(self) -> bool:
        """Whether the line ends at a hyphenation point (and shows a hyphen)."""
        return not self.last and self.end in self.para.hyph_points


@dataclass
class Overflow:
    """Why a layout does not fit: kind is width | height | lines."""

    kind: str
    needed: float
    available: float
    lines: int = 0
    word: str = ""


@dataclass
class Layout:
    """Lines at one size, their total extent, and the overflow if they do not fit."""

    size: float
    lines: list[Line]
    height: float      # from the highest ink or line top to the lowest ink or line bottom
    offset: float      # how far the first line box sits below the extent's top
    overflow: Overflow | None = None
    placed: tuple | None = None  # (glyphs, line boxes) once positioned


def break_paragraph(para: Paragraph, size: float, width: float, wrap: str, force: bool = False,
                    style: TextStyle | None = None, hangs: tuple[float, float] | None = None,
                    rivers: bool = True) -> list[Line] | Overflow:
    """Lines of one paragraph, or an Overflow naming a word wider than the box.

    wrap: normal (the default) is optimal for paragraphs that set 3 or more lines and greedy
    otherwise; optimal is total-fit (knuth_plass.py); greedy is first-fit; balance evens out a
    headline's lines; none never breaks. `style` brings hyphenation and justification; `hangs`,
    the optical margins (left, right) total-fit breaks to (see optical_margins); `rivers`, whether
    total-fit steers clear of rivers (off while the auto-size search probes sizes).
    """
    n = len(para.text)
    if n == 0:
        return [Line(para, 0, 0, True)]
    if wrap == "none":
        w = para.width(0, para.trim(0, n), size)
        if w > width + EPS and not force:
            return Overflow("width", w, width, word=para.text.strip())
        return [Line(para, 0, para.trim(0, n), True, w)]
    hyph = tuple(para.hyph_points) if style is not None and style.hyphenates(size) else ()
    box_width = width
    got = _break(para, size, width, wrap, force, style, n, hyph, hangs, rivers)
    # a line whose ends are shaped again (reshape.py) can come out wider than measured; where
    # that line is not justified (which absorbs it), break again a little narrower
    for _ in range(3):
        if isinstance(got, Overflow):
            got.available = box_width
            return got
        if style is None or force or wrap == "estimate":
            return got
        over = 0.0
        for ln in got:
            if style.align == "justify" and not ln.last and any(c in " \u00a0" for c in ln.text):
                continue
            d = reshape.width_change(para, ln.start, ln.end, ln.hyphen, size, style.hb_features(), style.lang)
            if d:
                ln.width += d
                over = max(over, ln.width - width)
        if over <= EPS:
            return got
        width -= over
        got = _break(para, size, width, wrap, force, style, n, hyph, hangs, rivers)
    return got


def _break(para: Paragraph, size: float, width: float, wrap: str, force: bool, style: TextStyle | None, n: int,
           hyph: tuple[int, ...], hangs: tuple[float, float] | None = None, rivers: bool = True) -> list[Line] | Overflow:
    """break_paragraph for one width."""
    total_fit = wrap in ("normal", "optimal") and _total_fit_applies(para)
    # text wider than two measures sets 3+ lines whatever the breaks: no need to count them first
    long = total_fit and para.width(0, para.trim(0, n), size) > 2 * width + EPS
    shrink = wrap == "estimate" and style is not None and style.align == "justify"
    lines = None if long else _greedy(para, size, width, force, hyph, shrink)
    if total_fit and not isinstance(lines, Overflow):
        if wrap == "optimal" or long or (lines is not None and len(lines) >= 3):
            ends = knuth_plass.optimal_breaks(
                para, size, width, justify=style is not None and style.align == "justify", hyphens=hyph,
                max_consecutive=hyphenate.MAX_CONSECUTIVE,
                glyph_scaling=style is not None and style.glyph_scaling, hangs=hangs, rivers=rivers)
            if ends is not None:
                return _lines_at(para, ends, size)
    if lines is None:
        lines = _greedy(para, size, width, force, hyph)
    if isinstance(lines, Overflow) or wrap != "balance" or len(lines) < 2:
        return lines
    lo, hi = max(ln.width for ln in lines) * 0.5, width
    for _ in range(14):  # the narrowest width that still gives the same number of lines
        mid = (lo + hi) / 2
        trial = _greedy(para, size, mid, False, hyph)
        if isinstance(trial, Overflow) or len(trial) > len(lines):
            lo = mid
        else:
            hi = mid
    best = _greedy(para, size, hi, False, hyph)
    return best if not isinstance(best, Overflow) and len(best) == len(lines) else lines


def _total_fit_applies(para: Paragraph) -> bool:
    """Whether total-fit suits the paragraph: its stretch lives in word spaces, which Chinese
    and Japanese lines do not have (they break between characters); those keep first-fit."""
    return not any(script_of(c) in CJK_SCRIPTS for c in para.text if ord(c) >= 0x2E80)


def _lines_at(para: Paragraph, ends: list[int], size: float) -> list[Line]:
    """Lines for a list of break positions."""
    lines, start = [], 0
    for j in ends:
        e = para.trim(start, j)
        lines.append(Line(para, start, e, j == len(para.text), para.width(start, e, size)))
        start = j
    return lines


def _greedy(para: Paragraph, size: float, width: float, force: bool, hyph: tuple[int, ...] = (),
            shrink: bool = False) -> list[Line] | Overflow:
    """First-fit line breaking at the paragraph's break opportunities (and hyphenation points).

    shrink: let lines shrink as far as justification can (word spaces, letter-spacing), a cheap
    stand-in for total-fit when the auto-size search brackets the size (fit_size_guided): first-fit
    sets the fewest lines, so where it needs too many, total-fit does too.
    """
    sp = knuth_plass.measures(para) if shrink else None
    letter = knuth_plass.LETTER * size
    n = len(para.text)
    lines: list[Line] = []
    start, fit_end = 0, None
    hyset = set(hyph)
    opps = (sorted(set(para.breaks) | hyset) if hyset else para.breaks) + [n]
    in_row = 0  # hyphenated lines in a row so far
    i = 0
    while i < len(opps):
        o = opps[i]
        end = para.trim(start, o)
        w = para.width(start, end, size)
        if sp is not None:
            spaces = sp[2][end] - sp[2][start]
            if spaces:
                gaps = sp[3][end] - sp[3][start] - 1 - 2 * spaces
                w -= knuth_plass.SPACE_SHRINK * (size * (sp[0][end] - sp[0][start]) + sp[1][end] - sp[1][start])
                w -= letter * gaps if gaps > 0 else 0.0
        if w <= width + EPS:
            if o not in hyset or in_row < hyphenate.MAX_CONSECUTIVE:
                fit_end = o
            i += 1
            continue
        if fit_end is None:
            # a CJK phrase wider than the line breaks inside it, at the last opportunity that fits
            fit_end = next((e for e in reversed(para.emergency_breaks)
                            if start < e < o and para.width(start, e, size) <= width + EPS), None)
        if fit_end is None:
            if not force:
                return Overflow("width", w, width, word=para.text[start:end].strip())
            fit_end = o
            i += 1
        e = para.trim(start, fit_end)
        lines.append(Line(para, start, e, False, para.width(start, e, size)))
        in_row = in_row + 1 if fit_end in hyset or para.text[fit_end - 1] == "\u00ad" else 0
        start, fit_end = fit_end, None
    if start < n or not lines:
        e = para.trim(start, n)
        lines.append(Line(para, start, e, True, para.width(start, e, size)))
    lines[-1].last = True
    return lines


def stack(lines: list[Line], size: float, line_height: float) -> tuple[float, float]:
    """Place lines top to bottom (CSS half-leading); return (extent height, first-line offset)."""
    y = 0.0
    ink_top, ink_bottom = 0.0, 0.0
    for ln in lines:
        p = ln.para
        a, b = ln.start, ln.end
        if b <= a and p.text:
            a = min(a, len(p.text) - 1)
            b = a + 1
        if p.text:
            px, asc, desc, top, bottom = p.vertical(size, a, b)
        else:
            px, asc, desc, top, bottom = size, 0.0, 0.0, 0.0, 0.0
        ln.top, ln.height = y, line_height * px
        ln.baseline = y + (ln.height - (asc + desc)) / 2 + asc
        ln.ink_top, ln.ink_bottom = ln.baseline - top, ln.baseline - bottom
        ink_top = min(ink_top, ln.ink_top)
        ink_bottom = max(ink_bottom, ln.ink_bottom)
        y += ln.height
    bottom = max(y, ink_bottom)
    return bottom - ink_top, -ink_top


def layout(paras: list[Paragraph], size: float, box: Box, line_height: float, wrap: str,
           max_lines: int | None, force: bool = False, style: TextStyle | None = None, rivers: bool = True) -> Layout:
    """Break and stack all paragraphs at one size and say whether they fit the box."""
    lines: list[Line] = []
    hangs = None
    for _ in range(3):  # with hanging punctuation, again to the margins the lines hang into
        lines = []
        for para in paras:
            got = break_paragraph(para, size, box.width, wrap, force, style, hangs, rivers)
            if isinstance(got, Overflow):
                return Layout(size, lines, 0.0, 0.0, got)
            lines.extend(got)
        found = optical_margins(lines, size, style) if wrap in ("normal", "optimal") else None
        if found is None or (hangs is not None and max(abs(found[0] - hangs[0]), abs(found[1] - hangs[1])) < EPS):
            break
        hangs = found
    height, offset = stack(lines, size, line_height)
    result = Layout(size, lines, height, offset)
    if max_lines is not None and len(lines) > max_lines:
        result.overflow = Overflow("lines", len(lines), max_lines, len(lines))
    elif height > box.height + EPS:
        result.overflow = Overflow("height", height, box.height, len(lines))
    return result


def optical_margins(lines: list[Line], size: float, style: TextStyle | None) -> tuple[float, float] | None:
    """The margins (left, right) in px that hanging punctuation takes in justified lines set
    from `lines` (optical.py), or None where nothing hangs: total-fit breaks again to the
    optical measure, the box less these, each line widened by its own hangs."""
    if style is None or style.align != "justify" or not optical.enabled(style, size):
        return None
    left = max((optical.start_hang(ln.para, ln.start, size) for ln in lines if ln.end > ln.start), default=0.0)
    right = max((optical.end_hang(ln.para, ln.end, size, ln.hyphen) for ln in lines
                 if not ln.last and ln.end > ln.start), default=0.0)
    return (left, right) if left + right > 0 else None


def fit_size(try_size: Callable[[float], Layout], lo: float, hi: float) -> Layout:
    """Largest size in [lo, hi] whose layout fits (to within 0.25 px), or the failing layout at lo."""
    top = try_size(hi)
    if top.overflow is None:
        return top
    best = try_size(lo)
    if best.overflow is not None:
        return best
    while hi - lo > 0.25:
        mid = (lo + hi) / 2
        trial = try_size(mid)
        if trial.overflow is None:
            lo, best = mid, trial
        else:
            hi = mid
    return best


def fit_size_guided(try_size: Callable[[float], Layout], quick: Callable[[float], Layout], lo: float, hi: float,
                    guess: float | None = None) -> Layout:
    """fit_size for total-fit layouts: bracket the size with the cheap first-fit layout `quick`
    (searched from `guess`, see guess_size), then set the real one at its answer and, where that
    does not fit, 0.25, 0.5, 1 px ... smaller, and bisect. First-fit with every line shrunk as
    far as it may sets the fewest lines, so total-fit does not fit where it failed (0.25 px
    larger) and mostly fits at its answer: 1-2 total-fit runs instead of ~12. (With glyph
    scaling total-fit could go a little larger; the size found still fits.)"""
    g = _bracket(quick, lo, hi, guess)
    first = try_size(g)
    if first.overflow is None:
        return first        # and first-fit, with fewer lines, failed 0.25 px larger (or g is hi)
    good, bad = None, first
    step = 0.25
    while good is None:
        s = max(lo, g - step)
        trial = try_size(s)
        if trial.overflow is None:
            good = trial
        else:
            bad = trial
            if s <= lo:
                return trial
        step *= 2
    while bad.size - good.size > 0.25 + 1e-9:
        mid = try_size((good.size + bad.size) / 2)
        good, bad = (mid, bad) if mid.overflow is None else (good, mid)
    return good


def _bracket(quick: Callable[[float], Layout], lo: float, hi: float, guess: float | None) -> float:
    """The largest size in [lo, hi] (to 0.25 px) at which the layout `quick` fits, or lo: from
    the guess, half a px, 1, 2 ... up or down until the answer is bracketed, then bisect."""
    s = min(hi, max(lo, guess if guess is not None else (lo + hi) / 2))
    fits = quick(s).overflow is None
    good, bad = (s, None) if fits else (None, s)
    step = 0.5
    while good is None or bad is None:
        if fits:
            if s >= hi:
                return hi
            s = min(hi, s + step)
        else:
            if s <= lo:
                return lo
            s = max(lo, s - step)
        fits = quick(s).overflow is None
        if fits:
            good = s
        else:
            bad = s
        step *= 2
    while bad - good > 0.25 + 1e-9:
        mid = (good + bad) / 2
        if quick(mid).overflow is None:
            good = mid
        else:
            bad = mid
    return good


def guess_size(paras: list[Paragraph], box: Box, line_height: float) -> float | None:
    """The size at which the paragraphs fill the box, if lines were filled end to end and each
    paragraph's last line half full: where the auto-size search starts."""
    rel = sum(p._cum_rel[-1] for p in paras)
    if rel <= 0 or box.width <= 0 or box.height <= 0:
        return None
    a = line_height * rel / box.width
    b = line_height * 0.5 * len(paras)
    return (-b + (b * b + 4 * a * box.height) ** 0.5) / (2 * a)


def overflow_message(element_id: str, box: Box, size: float, over: Overflow, auto: bool) -> str:
    """The exact TextFitError message for an overflow."""
    at = f"even at its min_size {_px(size)} px" if auto else f"at {_px(size)} px"
    head = f'text "{element_id}" does not fit its {_px(box.width)}×{_px(box.height)} px box {at}'
    if over.kind == "width":
        return (f"{head}: {over.word!r} is {_px(over.needed)} px wide but the box is "
                f"{_px(over.available)} px; {_px(over.needed - over.available)} px short")
    if over.kind == "lines":
        return f"{head}: needs {over.lines} lines but max_lines is {int(over.available)}"
    return (f"{head}: needs {over.lines} line{'s' if over.lines != 1 else ''} ({_px(over.needed)} px) "
            f"but the box holds {_px(over.available)} px; {_px(over.needed - over.available)} px short")


def _px(v: float) -> str:
    """A pixel value for messages: at most one decimal."""
    return f"{v:.1f}".rstrip("0").rstrip(".")
