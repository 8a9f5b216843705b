"""Total-fit line breaking (Knuth & Plass 1981, "Breaking paragraphs into lines").

Written here because no maintained Python implementation exists; Typst's linebreak.rs was read
for its costs (hyphen 135, runt 100). The paragraph is a chain of boxes (the text between break
opportunities) and glue (the word spaces); each candidate line [a, b) has a natural width,
a stretch (spaces to SPACE_STRETCH, then letter-spacing) and a shrink (spaces to SPACE_SHRINK,
then letter-spacing). A line's badness is 100·|r|³ with r its adjustment ratio; its demerits
are (LINE_PENALTY + badness)² + penalty², plus extra demerits for two hyphens in a row and for
lines of very different tightness next to each other (fitness classes). The breaks that
minimise the paragraph's total demerits win. Only lines that fit without shrinking past the
limit are allowed, so at most one line's worth of break points is "active" at a time.
"""

from __future__ import annotations

import numpy as np

from composer.text.shaping import Paragraph

SPACE_STRETCH = 1 / 3      # a word space may grow to ~133% ...
SPACE_SHRINK = 0.2         # ... and shrink to 80%
LETTER = 0.02              # letter-spacing: ±2% of a word space per letter gap (InDesign's unit)
SCALE = 0.02               # glyph scaling 98-102%, only where enabled
LINE_PENALTY = 10
HYPHEN_PENALTY = 135
RUNT_PENALTY = 100
DOUBLE_HYPHEN = 3000
FITNESS_JUMP = 3000
MAX_BADNESS = 10_000
SPACES = " \u00a0\u3000"


def measures(para: Paragraph):
    """Per-paragraph prefix sums (space widths, space count, cluster count), cached on it."""
    got = para.__dict__.get("_kp")
    if got is None:
        is_sp = np.array([c in SPACES for c in para.text], dtype=bool)
        sp = para.width_em * is_sp
        zero = [0.0]
        rel = np.concatenate([zero, np.cumsum(sp * para.size_em)]).tolist()
        ab = np.concatenate([zero, np.cumsum(sp * para.size_px)]).tolist()
        count = np.concatenate([[0], np.cumsum(is_sp)]).astype(int).tolist()
        starts = np.zeros(len(para.text), dtype=int)
        for i, e in enumerate(para.cluster_end):
            if i == 0 or para.cluster_end[i - 1] != e:
                starts[i] = 1
        clusters = np.concatenate([[0], np.cumsum(starts)]).astype(int).tolist()
        got = para.__dict__["_kp"] = (rel, ab, count, clusters)
    return got


def adjustable(para: Paragraph, a: int, e: int, size: float, glyph_scaling: bool = False):
    """(stretch, shrink, spaces, natural space width) in px for the justified line [a, e)."""
    rel, ab, count, clusters = measures(para)
    spaces = count[e] - count[a]
    if not spaces:
        return 0.0, 0.0, 0, 0.0
    spw = size * (rel[e] - rel[a]) + (ab[e] - ab[a])
    gaps = max(0, clusters[e] - clusters[a] - 1 - 2 * spaces)
    letters = LETTER * spw / spaces * gaps
    scale = SCALE * (para.width(a, e, size) - spw) if glyph_scaling else 0.0
    return (SPACE_STRETCH * spw + letters + scale, SPACE_SHRINK * spw + letters + scale, spaces, spw)


def optimal_breaks(para: Paragraph, size: float, width: float, *, justify: bool,
                   hyphens: tuple[int, ...] = (), max_consecutive: int = 2,
                   glyph_scaling: bool = False) -> list[int] | None:
    """Line ends (break positions, the last is len(text)) of least total demerits, or None.

    None means no set of breaks keeps every line within its shrink limit (a word wider than
    the measure): the caller falls back to the first-fit breaker, which reports the overflow.
    """
    text = para.text
    n = len(text)
    hy = set(hyphens)
    cands = sorted(set(para.breaks) | hy) + [n]
    # a node: (total demerits, position, fitness class, hyphens in a row, previous node)
    active: list[tuple] = [(0.0, 0, 1, 0, None)]
    eps = 1e-6
    for j in cands:
        last = j == n
        flagged = j in hy or (j > 0 and text[j - 1] == "\u00ad")
        best: dict[tuple[int, int], tuple] = {}
        keep = []
        for node in active:
            total, a, fit0, run0, _ = node
            e = para.trim(a, j)
            w = para.width(a, e, size)
            stretch, shrink, spaces, _ = adjustable(para, a, e, size, glyph_scaling) if (
                justify or not last) else (0.0, 0.0, 0, 0.0)
            slack = width - w
            if not justify:
                shrink = 0.0
            if last:
                shrink = 0.0
            if slack < -shrink - eps:
                continue                              # overfull: and so for every later j
            keep.append(node)
            if flagged and run0 >= max_consecutive:
                continue
            if last:
                badness, fit = 0.0, 1
            else:
                if slack >= 0:
                    r = slack / stretch if stretch > 0 else (0.0 if slack < eps else 1e3)
                else:
                    r = slack / shrink
                badness = min(MAX_BADNESS, 100.0 * abs(r) ** 3)
                fit = 0 if r < -0.5 else 1 if r <= 0.5 else 2 if r <= 1 else 3
            d = (LINE_PENALTY + badness) ** 2
            if flagged:
                d += HYPHEN_PENALTY ** 2
                if run0:
                    d += DOUBLE_HYPHEN
            if last and a > 0 and _single_word(text, a, e):
                d += RUNT_PENALTY ** 2
            if abs(fit - fit0) > 1:
                d += FITNESS_JUMP
            run = run0 + 1 if flagged else 0
            cand = (total + d, j, fit, run, node)
            k = (fit, min(run, max_consecutive))
            if k not in best or cand[0] < best[k][0]:
                best[k] = cand
        active = keep + list(best.values())
        if not active:
            return None
    ends = [nd for nd in active if nd[1] == n]
    if not ends:
        return None
    node = min(ends, key=lambda nd: nd[0])
    out = []
    while node is not None and node[1] > 0:
        out.append(node[1])
        node = node[4]
    return out[::-1]


def _single_word(text: str, a: int, e: int) -> bool:
    """Whether [a, e) is one word (no inner space)."""
    return not any(c in SPACES for c in text[a:e])
