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

import bisect
import itertools

import numpy as np

from composer.text.shaping import Paragraph

SPACE_STRETCH = 1 / 3      # a word space may grow to ~133% ...
SPACE_SHRINK = 0.2         # ... and shrink to 80%
LETTER = 0.02              # letter-spacing: ±2% of the em per letter gap (tracking ±20/1000 em)
SCALE = 0.02               # glyph scaling 98-102%, only where enabled
LINE_PENALTY = 10
HYPHEN_PENALTY = 250       # Typst's is 135; ours must also outweigh a line past 133% (below)
RUNT_PENALTY = 100
RUNT_WEIGHT = 40_000       # Typst's 100, weighted: a runt costs more than a line set ragged
DOUBLE_HYPHEN = 3000
FITNESS_JUMP = 3000
MAX_BADNESS = 10_000
UNJUSTIFIABLE = 10_000     # extra badness of a justified line that must be set ragged
LAST_RESORT = 1.5          # before a line is set ragged, its word spaces may grow to 150% ...
LAST_RESORT_COST = 50      # ... at this extra badness (tuned with HYPHEN_PENALTY on the corpus of
                           # bench/typography_quality.py: fewer hyphens and rivers than Typst)
MIN_FILL = 0.7             # shorter lines cannot be justified unless 2/5 of them is spaces
RAGGED = 0.25              # ragged text: a line a quarter of the measure short has ratio 1
SPACES = " \u00a0\u3000"


def measures(para: Paragraph) -> tuple[list[float], list[float], list[int], list[int]]:
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


def adjustable(para: Paragraph, a: int, e: int, size: float, glyph_scaling: bool = False) -> tuple[float, float, int, float]:
    """(stretch, shrink, spaces, natural space width) in px for the justified line [a, e)."""
    rel, ab, count, clusters = measures(para)
    spaces = count[e] - count[a]
    if not spaces:
        return 0.0, 0.0, 0, 0.0
    spw = size * (rel[e] - rel[a]) + (ab[e] - ab[a])
    gaps = max(0, clusters[e] - clusters[a] - 1 - 2 * spaces)
    letters = LETTER * size * gaps
    scale = SCALE * (para.width(a, e, size) - spw) if glyph_scaling else 0.0
    return (SPACE_STRETCH * spw + letters + scale, SPACE_SHRINK * spw + letters + scale, spaces, spw)


def optimal_breaks(para: Paragraph, size: float, width: float, *, justify: bool,
                   hyphens: tuple[int, ...] = (), max_consecutive: int = 2,
                   glyph_scaling: bool = False) -> list[int] | None:
    """Line ends (break positions, the last is len(text)) of least total demerits, or None.

    From each break, only lines at least MIN_FILL of the measure long are tried (no shorter
    line can be justified within the limits), or where none of those fits, the longest line
    that does, so a way through the paragraph always exists. None means no line fits at all (a word wider than
    the measure): the caller falls back to first-fit, which reports the overflow.
    """
    ctx = _Context(para, size, width, justify, hyphens, glyph_scaling)
    return _search(ctx, max_consecutive)


class _Context:
    """Per-candidate measures at one size, so a line's width and glue are O(1) differences."""

    def __init__(self, para: Paragraph, size: float, width: float, justify: bool,
                 hyphens: tuple[int, ...], glyph_scaling: bool):
        rel, ab, count, clusters = measures(para)
        n = len(para.text)
        self.n, self.width, self.justify, self.size = n, width, justify, size
        self.scaling = glyph_scaling
        hy = set(hyphens)
        self.cands = cands = [0] + sorted(set(para.breaks) | hy) + [n]
        cr, ca = para._cum_rel, para._cum_abs
        self.start_w = [size * cr[a] + ca[a] for a in cands]
        ends = [para.trim(0, j) for j in cands]
        self.ends = ends
        self.end_w = [para.width(0, e, size) if e else 0.0 for e in ends]
        # space count, space width and cluster count before each start and each end
        self.s_cnt = [count[a] for a in cands]
        self.e_cnt = [count[e] for e in ends]
        self.s_sp = [size * rel[a] + ab[a] for a in cands]
        self.e_sp = [size * rel[e] + ab[e] for e in ends]
        self.s_cl = [clusters[a] for a in cands]
        self.e_cl = [clusters[e] for e in ends]
        self.flagged = [j in hy or (j > 0 and para.text[j - 1] == "\u00ad") for j in cands]


def _search(ctx: _Context, max_consecutive: int) -> list[int] | None:
    """The dynamic programme over the candidates, in order."""
    cands, n, width, justify = ctx.cands, ctx.n, ctx.width, ctx.justify
    start_w, end_w, ends = ctx.start_w, ctx.end_w, ctx.ends
    s_cnt, e_cnt, s_sp, e_sp, s_cl, e_cl = ctx.s_cnt, ctx.e_cnt, ctx.s_sp, ctx.e_sp, ctx.s_cl, ctx.e_cl
    flags = ctx.flagged
    letter_px = LETTER * ctx.size
    scaling = ctx.scaling
    ragged_stretch = RAGGED * width
    eps = 1e-6
    k_last = len(cands) - 1
    # nodes[k]: best node per (fitness, hyphens in a row) at candidate k: (demerits, fit, run, prev)
    nodes: list[dict | None] = [None] * len(cands)
    nodes[0] = {(1, 0): (0.0, 1, 0, None)}
    extra = LAST_RESORT - 1 - SPACE_STRETCH
    for ka in range(k_last):
        here = nodes[ka]
        if not here:
            continue
        a = cands[ka]
        sw, sc, ss, scl = start_w[ka], s_cnt[ka], s_sp[ka], s_cl[ka]
        lo = bisect.bisect_left(start_w, sw + MIN_FILL * width, ka + 1)
        # the longest line short of MIN_FILL only matters when no longer line fits at all
        short = lo - 1 > ka and (lo > k_last or end_w[lo] - sw > width)
        for kj in itertools.chain((lo - 1,) if short else (), range(lo, k_last + 1)):
            e = ends[kj]
            last = kj == k_last
            if e > a:
                w = end_w[kj] - sw
                spaces = e_cnt[kj] - sc
            else:
                w, spaces = 0.0, 0
            slack = width - w
            spw = e_sp[kj] - ss if spaces else 0.0
            if spaces and justify and not last:
                gaps = e_cl[kj] - scl - 1 - 2 * spaces
                give = (letter_px * gaps if gaps > 0 else 0.0) + (SCALE * (w - spw) if scaling else 0.0)
                stretch = SPACE_STRETCH * spw + give
                shrink = SPACE_SHRINK * spw + give
            else:
                stretch = shrink = 0.0
            if slack < -shrink - eps:
                break                                  # overfull, and so is every later j
            if last:
                badness, fit = 0.0, 1
            else:
                if not justify:
                    stretch = ragged_stretch
                if slack >= 0:
                    r = slack / stretch if stretch > 0 else (0.0 if slack < eps else 1e3)
                else:
                    r = slack / shrink
                badness = 100.0 * (r * r * r if r > 0 else -r * r * r)
                if badness > MAX_BADNESS:
                    badness = MAX_BADNESS
                if r > 1:
                    if justify and spaces and slack <= stretch + extra * spw:
                        badness += LAST_RESORT_COST    # word spaces past 133%, up to 150%
                    elif justify:
                        # set ragged (justify.py): worse than any hyphen, and a line of one word
                        # (never justified) worse than two ragged lines
                        badness += UNJUSTIFIABLE * (2 if spaces == 0 else 1)
                fit = 0 if r < -0.5 else 1 if r <= 0.5 else 2 if r <= 1 else 3
            flagged = flags[kj]
            base = (LINE_PENALTY + badness) ** 2
            if flagged:
                base += HYPHEN_PENALTY ** 2
            if last and a > 0 and not spaces:
                base += RUNT_PENALTY ** 2 * RUNT_WEIGHT
            there = nodes[kj]
            if there is None:
                there = nodes[kj] = {}
            _relax(there, here, ka, base, fit, flagged, max_consecutive)
    return _trace(nodes, cands, n)


def _relax(there: dict, here: dict, ka: int, base: float, fit: int, flagged: bool, max_consecutive: int) -> None:
    """Offer every active node at candidate `ka` a line ending at the node table `there`."""
    for (fit0, run0), (total, _, _, _) in here.items():
        if flagged:
            if run0 >= max_consecutive:
                continue
            d = total + base + (DOUBLE_HYPHEN if run0 else 0.0)
            run = run0 + 1
        else:
            d = total + base
            run = 0
        if fit - fit0 > 1 or fit0 - fit > 1:
            d += FITNESS_JUMP
        key = (fit, run)
        old = there.get(key)
        if old is None or d < old[0]:
            there[key] = (d, fit, run, (ka, fit0, run0))


def _trace(nodes: list[dict | None], cands: list[int], n: int) -> list[int] | None:
    """The break positions of the best final node, followed back to the start."""
    final = nodes[-1]
    if not final:
        return None
    best = min(final.values(), key=lambda nd: nd[0])
    out = [n]
    link = best[3]
    while link is not None and link[0] > 0:
        ka, fit0, run0 = link
        out.append(cands[ka])
        node = nodes[ka]
        assert node is not None  # a link only ever points at a candidate that has nodes
        link = node[(fit0, run0)][3]
    return out[::-1]
