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

Rivers: where the best breaks stack word gaps into a chain 3 lines deep (a river), the search
runs again charging RIVER per river, each line's gaps placed as justify.py will set them and
compared with the best way to the line above. With hanging punctuation (optical.py), lines are
measured against the optical measure: the box less the margins, widened by their own hangs.
"""

from __future__ import annotations

import bisect
import itertools
import math

import numpy as np

from composer.core.lru import LRU
from composer.text import optical
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
RIVER = 15000              # a word gap that makes a chain of gaps 3 lines deep (a river, below)
RIVER_TOL = 0.5            # gaps within half a word space of the gap above continue a chain
SPACES = " \u00a0\u3000"


def measures(para: Paragraph) -> tuple[list[float], list[float], list[int], list[int]]:
    """Per-paragraph prefix sums (space widths, space count, cluster count), cached on it."""
    got = para.kp_measures
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
        got = para.kp_measures = (rel, ab, count, clusters)
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
                   glyph_scaling: bool = False, rivers: bool = True,
                   hangs: tuple[float, float] | None = None) -> list[int] | None:
    """Line ends (break positions, the last is len(text)) of least total demerits, or None.

    From each break, only lines at least MIN_FILL of the measure long are tried (no shorter
    line can be justified within the limits), or where none of those fits, the longest line
    that does, so a way through the paragraph always exists. None means no line fits at all (a word wider than
    the measure): the caller falls back to first-fit, which reports the overflow.

    rivers: a justified line whose word gap continues a chain of gaps from the two lines above
    (each gap's centre within RIVER_TOL of a word space of the one above, as set) costs RIVER
    more, measured against the best way to the line above; the optimum with rivers is then
    found among the best per node, no longer exhaustively.
    hangs: (left, right) px the optical margins take (optical.py): the measure is `width`
    less both, and a line is that plus the hang of its first and last characters.
    """
    key = (size, width, justify, hyphens, max_consecutive, glyph_scaling, hangs)
    cache = para.kp_ends
    if cache is None:
        cache = para.kp_ends = LRU(16)
    got = cache.get(key)  # (ends without the river pass, with it or None until asked)
    if got is None:
        ctx = _Context(para, size, width, justify, hyphens, glyph_scaling, hangs)
        # a way through found line by line bounds the optimum: the search drops every way that
        # costs more (most of them), and searches again unbounded in the rare case none is left
        ctx.bound = _first_guess(ctx, max_consecutive) * (1 + 1e-9) + 1.0
        found = _search(ctx, max_consecutive)
        if found is None and ctx.bound < math.inf:
            ctx.bound = math.inf
            found = _search(ctx, max_consecutive)
        ctx.bound = math.inf
        got = cache.put(key, [found, None, ctx if justify else None])
    ends = got[0]
    if not (rivers and justify and ends is not None):
        return ends
    if got[1] is None:
        ctx = got[2]
        got[1] = ends
        ctx.gaps()
        rivers_found = _river_count(ctx, ends)
        if rivers_found:
            # no way through costs more than these breaks with their rivers charged: prune there
            ctx.rivers = True
            ctx.bound = (ctx.total + rivers_found * RIVER) * (1 + 1e-9) + 1.0
            got[1] = _search(ctx, max_consecutive) or ends
        got[2] = None
    return got[1]


class _Context:
    """Per-candidate measures at one size, so a line's width and glue are O(1) differences."""

    def __init__(self, para: Paragraph, size: float, width: float, justify: bool,
                 hyphens: tuple[int, ...], glyph_scaling: bool, hangs: tuple[float, float] | None = None):
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
        self.hyph = hy
        self.flagged = [j in hy or (j > 0 and para.text[j - 1] == "\u00ad") for j in cands]
        self.start_hang: list[float] | None = None  # breaking to the optical measure (hang)
        self.rivers = False
        self.para = para
        self.bound = math.inf   # demerits past which a way through is dropped
        self.total = math.inf   # the least total demerits, once searched
        if hangs is not None:
            self.hang(para, size, *hangs)

    def gaps(self) -> None:
        """For the river pass: each word space's x (px from the paragraph's start), advance and
        cluster count before it, and how near gaps must be to continue a chain."""
        para, size = self.para, self.size
        rel, ab, _, clusters = measures(para)
        cr, ca = para._cum_rel, para._cum_abs
        at = [i for i, c in enumerate(para.text) if c in SPACES]
        self.sp_x = [size * cr[i] + ca[i] for i in at]
        self.sp_w = [size * (rel[i + 1] - rel[i]) + ab[i + 1] - ab[i] for i in at]
        self.sp_cl = [clusters[i] for i in at]
        self.tol = RIVER_TOL * (sorted(self.sp_w)[len(self.sp_w) // 2] if self.sp_w else size / 4)

    def hang(self, para: Paragraph, size: float, left: float, right: float) -> None:
        """Break to the optical measure: `width` less the margins, each line widened by the hang
        of its first and last characters (as optical.py will set them, at most the margins)."""
        self.width -= left + right
        self.start_hang = [min(left, optical.start_hang(para, a, size)) for a in self.cands]
        self.end_w = [w - min(right, optical.end_hang(para, e, size, j in self.hyph))
                      for w, e, j in zip(self.end_w, self.ends, self.cands)]


def _search(ctx: _Context, max_consecutive: int) -> list[int] | None:
    """The dynamic programme over the candidates, in order."""
    # nodes[k]: best node per (fitness, hyphens in a row) at candidate k: [demerits, fit, run,
    # link to the node before, the line's word spacing (_spread), the node before, its gaps (_gaps)]
    nodes: list[dict | None] = [None] * len(ctx.cands)
    nodes[0] = {(1, 0): [0.0, 1, 0, None, None, None, ((), (), ())]}
    for ka in range(len(ctx.cands) - 1):
        if nodes[ka]:
            _lines_from(ctx, ka, nodes, max_consecutive)
    final = nodes[-1]
    ctx.total = min(nd[0] for nd in final.values()) if final else math.inf
    return _trace(nodes, ctx.cands, ctx.n)


def _lines_from(ctx: _Context, ka: int, nodes: list[dict | None], max_consecutive: int) -> None:
    """Offer every line that starts at candidate `ka` to the nodes where it ends."""
    cands, width, justify = ctx.cands, ctx.width, ctx.justify
    start_w, end_w, ends = ctx.start_w, ctx.end_w, ctx.ends
    e_cnt, e_sp, e_cl, flags = ctx.e_cnt, ctx.e_sp, ctx.e_cl, ctx.flagged
    letter_px = LETTER * ctx.size
    scaling, rivers = ctx.scaling, ctx.rivers
    eps = 1e-6
    extra = LAST_RESORT - 1 - SPACE_STRETCH
    k_last = len(cands) - 1
    here = nodes[ka]
    assert here is not None  # _search only starts lines where a node is
    a = cands[ka]
    sw, sc, ss, scl = start_w[ka], ctx.s_cnt[ka], ctx.s_sp[ka], ctx.s_cl[ka]
    lo = bisect.bisect_left(start_w, sw + MIN_FILL * width, ka + 1)
    if ctx.start_hang is not None:
        sw += ctx.start_hang[ka]
    # the longest line short of MIN_FILL only matters when no longer line fits at all
    short = lo - 1 > ka and (lo > k_last or end_w[lo] - sw > width)
    for kj in itertools.chain((lo - 1,) if short else (), range(lo, k_last + 1)):
        last = kj == k_last
        if ends[kj] > a:
            w = end_w[kj] - sw
            spaces = e_cnt[kj] - sc
        else:
            w, spaces = 0.0, 0
        slack = width - w
        spw = e_sp[kj] - ss if spaces else 0.0
        gaps = e_cl[kj] - scl - 1 - 2 * spaces
        if spaces and justify and not last:
            give = (letter_px * gaps if gaps > 0 else 0.0) + (SCALE * (w - spw) if scaling else 0.0)
            stretch = SPACE_STRETCH * spw + give
            shrink = SPACE_SHRINK * spw + give
        else:
            stretch = shrink = 0.0
        if slack < -shrink - eps:
            break                                  # overfull, and so is every later j
        ragged = last or not justify or not spaces
        if last:
            badness, fit = 0.0, 1
        else:                                      # _badness, inlined: this is the hot loop
            if not justify:
                stretch = RAGGED * width
            if slack >= 0:
                r = slack / stretch if stretch > 0 else (0.0 if slack < eps else 1e3)
            else:
                r = slack / shrink if shrink > 0 else 0.0
            badness = 100.0 * (r * r * r if r > 0 else -r * r * r)
            if badness > MAX_BADNESS:
                badness = MAX_BADNESS
            if r > 1 and justify:
                if spaces and slack <= stretch + extra * spw:
                    badness += LAST_RESORT_COST
                else:
                    badness += UNJUSTIFIABLE * (2 if spaces == 0 else 1)
                    ragged = True
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
        line = None
        if rivers and spaces:
            line = _spread(sc, spaces, sw, scl, 0.0 if ragged else slack, spw, gaps, letter_px)
        _relax(there, here, ka, base, fit, flagged, max_consecutive, line, ctx)


def _badness(slack: float, stretch: float, shrink: float, justify: bool, spaces: int, spw: float,
             extra: float) -> tuple[float, int, bool]:
    """A line's badness, fitness class, and whether it is set ragged (at natural spacing)."""
    if slack >= 0:
        r = slack / stretch if stretch > 0 else (0.0 if slack < 1e-6 else 1e3)
    else:
        r = slack / shrink if shrink > 0 else 0.0
    badness = 100.0 * (r * r * r if r > 0 else -r * r * r)
    if badness > MAX_BADNESS:
        badness = MAX_BADNESS
    ragged = not justify or not spaces
    if r > 1 and justify:
        if spaces and slack <= stretch + extra * spw:
            badness += LAST_RESORT_COST    # word spaces past 133%, up to 150%
        else:
            # set ragged (justify.py): worse than any hyphen, and a line of one word
            # (never justified) worse than two ragged lines
            badness += UNJUSTIFIABLE * (2 if spaces == 0 else 1)
            ragged = True
    fit = 0 if r < -0.5 else 1 if r <= 0.5 else 2 if r <= 1 else 3
    return badness, fit, ragged


def _first_guess(ctx: _Context, max_consecutive: int) -> float:
    """Total demerits of the breaks that take, from each break, the line of least demerits
    among those the search tries (math.inf where that runs into a dead end)."""
    k_last = len(ctx.cands) - 1
    ka, total, fit0, run0 = 0, 0.0, 1, 0
    while ka < k_last:
        sw = ctx.start_w[ka]
        lo = bisect.bisect_left(ctx.start_w, sw + MIN_FILL * ctx.width, ka + 1)
        if ctx.start_hang is not None:
            sw += ctx.start_hang[ka]
        short = lo - 1 > ka and (lo > k_last or ctx.end_w[lo] - sw > ctx.width)
        best = None
        for kj in itertools.chain((lo - 1,) if short else (), range(lo, k_last + 1)):
            got = _line_cost(ctx, ka, kj, sw)
            if got is None:
                break
            if ctx.flagged[kj] and run0 >= max_consecutive:
                continue
            if best is None or got[0] < best[1]:
                best = (kj, got[0], got[1])
        if best is None:
            return math.inf
        kj, base, fit = best
        flagged = ctx.flagged[kj]
        total = total + base + (DOUBLE_HYPHEN if flagged and run0 else 0.0)
        if fit - fit0 > 1 or fit0 - fit > 1:
            total += FITNESS_JUMP
        ka, fit0, run0 = kj, fit, run0 + 1 if flagged else 0
    return total


def _line_cost(ctx: _Context, ka: int, kj: int, sw: float) -> tuple[float, int] | None:
    """(demerits before fitness and hyphen-run costs, fitness class) of the line from candidate
    ka to kj, as the search prices it (_lines_from); None where it is overfull."""
    last = kj == len(ctx.cands) - 1
    a = ctx.cands[ka]
    if ctx.ends[kj] > a:
        w = ctx.end_w[kj] - sw
        spaces = ctx.e_cnt[kj] - ctx.s_cnt[ka]
    else:
        w, spaces = 0.0, 0
    slack = ctx.width - w
    spw = ctx.e_sp[kj] - ctx.s_sp[ka] if spaces else 0.0
    gaps = ctx.e_cl[kj] - ctx.s_cl[ka] - 1 - 2 * spaces
    stretch = shrink = 0.0
    if spaces and ctx.justify and not last:
        give = (LETTER * ctx.size * gaps if gaps > 0 else 0.0) + (SCALE * (w - spw) if ctx.scaling else 0.0)
        stretch, shrink = SPACE_STRETCH * spw + give, SPACE_SHRINK * spw + give
    if slack < -shrink - 1e-6:
        return None
    if last:
        badness, fit = 0.0, 1
    else:
        badness, fit, _ = _badness(slack, stretch if ctx.justify else RAGGED * ctx.width, shrink, ctx.justify,
                                   spaces, spw, LAST_RESORT - 1 - SPACE_STRETCH)
    base = (LINE_PENALTY + badness) ** 2
    if ctx.flagged[kj]:
        base += HYPHEN_PENALTY ** 2
    if last and a > 0 and not spaces:
        base += RUNT_PENALTY ** 2 * RUNT_WEIGHT
    return base, fit


def _river_count(ctx: _Context, ends: list[int]) -> int:
    """How many rivers (chains of word gaps 3 lines deep) the lines ending at `ends` make."""
    index = {j: k for k, j in enumerate(ctx.cands)}
    node: list = [0.0, 1, 0, None, None, None, ((), (), ())]
    ka = count = 0
    for j in ends:
        kj = index[j]
        line = _line_of(ctx, ka, kj)
        node = [0.0, 1, 0, None, line, node, None]
        count += _gaps(ctx, node)[1].count(3)
        ka = kj
    return count


def _line_of(ctx: _Context, ka: int, kj: int) -> tuple | None:
    """_spread for the line from candidate ka to kj, outside the search (None: no word space)."""
    sw = ctx.start_w[ka] + (ctx.start_hang[ka] if ctx.start_hang is not None else 0.0)
    spaces = ctx.e_cnt[kj] - ctx.s_cnt[ka]
    if not spaces or ctx.ends[kj] <= ctx.cands[ka]:
        return None
    w = ctx.end_w[kj] - sw
    spw = ctx.e_sp[kj] - ctx.s_sp[ka]
    gaps = ctx.e_cl[kj] - ctx.s_cl[ka] - 1 - 2 * spaces
    letter_px = LETTER * ctx.size
    give = (letter_px * gaps if gaps > 0 else 0.0) + (SCALE * (w - spw) if ctx.scaling else 0.0)
    ragged = kj == len(ctx.cands) - 1 or _badness(
        ctx.width - w, SPACE_STRETCH * spw + give, SPACE_SHRINK * spw + give, True, spaces, spw,
        LAST_RESORT - 1 - SPACE_STRETCH)[2]
    return _spread(ctx.s_cnt[ka], spaces, sw, ctx.s_cl[ka], 0.0 if ragged else ctx.width - w, spw, gaps,
                   letter_px)


def _spread(first: int, spaces: int, sw: float, scl: int, slack: float, spw: float, gaps: int,
            letter_px: float) -> tuple:
    """How justify.py will set a line (`slack` 0: at natural spacing): its first word space,
    word spaces, left edge and cluster count, and the px added at each word space and each
    letter gap (spaces take the slack first, then letter gaps, then spaces past 133%)."""
    grow = slack >= 0
    need = abs(slack)
    sp = min(need, (SPACE_STRETCH if grow else SPACE_SHRINK) * spw)
    letter = min(need - sp, letter_px * gaps) if gaps > 0 else 0.0
    if grow and need - sp - letter > 0:
        sp = need - letter                       # the last resort: spaces past 133%
    sign = 1.0 if grow else -1.0
    return first, spaces, sw, scl, sign * sp / spaces, sign * letter / gaps if gaps > 0 else 0.0


def _centres(ctx: _Context, line: tuple) -> list[float]:
    """Centres of a line's word gaps from its left edge, as set (see _spread)."""
    first, spaces, sw, scl, dsp, dle = line
    xs, ws, cls = ctx.sp_x, ctx.sp_w, ctx.sp_cl
    return [xs[i] - sw + j * dsp + (cls[i] - scl - 2 * j - 1) * dle + (ws[i] + dsp) / 2
            for j, i in enumerate(range(first, first + spaces))]


def _gaps(ctx: _Context, node: list) -> tuple:
    """A node's line's gap centres, each gap's chain depth (how many lines, this one included,
    a chain of gaps reaches down to it), and the centres of the gaps 2 deep, where a gap on the
    next line would make a river. Worked out when first asked and kept on the node."""
    todo = []
    while node[6] is None:
        todo.append(node)
        node = node[5]
    tol = ctx.tol
    for nd in reversed(todo):
        above, depths, _ = nd[5][6]
        centres = _centres(ctx, nd[4]) if nd[4] is not None else []
        depth = []
        for c in centres:
            k = bisect.bisect_left(above, c - tol)
            best, near = 0, tol
            while k < len(above) and above[k] <= c + tol:
                if abs(above[k] - c) <= near:
                    best, near = depths[k], abs(above[k] - c)
                k += 1
            depth.append(best + 1)
        nd[6] = (centres, depth, [c for c, d in zip(centres, depth) if d == 2])
    return todo[0][6] if todo else node[6]


def _hits(centres: list[float], danger: list[float], tol: float) -> int:
    """How many chains 2 deep (`danger`) a line's gaps continue: the rivers it makes."""
    n = 0
    for d in danger:
        k = bisect.bisect_left(centres, d - tol)
        if k < len(centres) and centres[k] <= d + tol:
            n += 1
    return n


def _relax(there: dict, here: dict, ka: int, base: float, fit: int, flagged: bool, max_consecutive: int,
           line: tuple | None, ctx: _Context) -> None:
    """Offer every active node at candidate `ka` a line ending at the node table `there`."""
    centres = None
    for (fit0, run0), node in here.items():
        total = node[0]
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
        if (old is not None and d >= old[0]) or d > ctx.bound:
            continue                                   # no better, and rivers only add
        if line is not None:
            danger = (node[6] or _gaps(ctx, node))[2]
            if danger:
                if centres is None:
                    centres = _centres(ctx, line)
                d += RIVER * _hits(centres, danger, ctx.tol)
                if d > ctx.bound:
                    continue
        if old is None or d < old[0]:
            there[key] = [d, fit, run, (ka, fit0, run0), line, node, None]


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
