"""Reshaping at line breaks: the glyphs of one line, shaped anew where a break cuts a context.

A paragraph is shaped once and lines are cut from it. Where HarfBuzz flags the glyph at a cut
as UNSAFE_TO_BREAK (a kerning pair, a ligature or Arabic joining spans the cut), the piece of
the line next to the cut is shaped again with the line as its only context, so its end is
right (no kerning against a word on the next line, final instead of medial Arabic forms).
A line broken at a hyphenation point is shaped with its hyphen, so the pair before it kerns.
"""

from __future__ import annotations

from dataclasses import dataclass


from composer.text.shaping import Paragraph, Run, shape_buffer


@dataclass
class Piece:
    """The glyphs of one run inside one line: chars [a, b), HarfBuzz output order."""

    run: Run
    a: int
    b: int
    gids: list[int]
    clusters: list[int]
    x_adv: list[float]
    x_off: list[float]
    y_off: list[float]
    hyphen: bool = False  # the piece's glyphs end with the line's hyphen (cluster b - 1)
    reshaped: bool = False


def line_pieces(para: Paragraph, start: int, end: int, hyphen: bool, features: dict,
                lang: str | None) -> list[Piece]:
    """The pieces of line [start, end) in logical order, reshaped at unsafe cuts."""
    pieces = []
    runs = [r for r in para.runs if r.start < end and r.end > start]
    for k, r in enumerate(runs):
        a, b = max(start, r.start), min(end, r.end)
        cut_start = a == start and a > r.start and a in para.unsafe
        cut_end = b == end and b < r.end and b in para.unsafe
        with_hyphen = hyphen and k == len(runs) - 1
        if cut_start or cut_end or with_hyphen:
            pieces.append(_reshape(para, r, a, b, start, end, with_hyphen, features, lang))
        else:
            keep = [i for i, c in enumerate(r.clusters) if a <= c < b]
            pieces.append(Piece(r, a, b, [r.gids[i] for i in keep], [r.clusters[i] for i in keep],
                                [r.x_adv[i] for i in keep], [r.x_off[i] for i in keep],
                                [r.y_off[i] for i in keep]))
    return pieces


def _reshape(para: Paragraph, run: Run, a: int, b: int, start: int, end: int, hyphen: bool,
             features: dict, lang: str | None) -> Piece:
    """Shape chars [a, b) of a run with the line [start, end) as context (plus its hyphen)."""
    cps = [ord(c) for c in para.text[start:end]]
    length = b - a
    if hyphen:
        cps.append(0x2010 if run.face.has_char(0x2010) else 0x2D)
        length += 1
    buf = shape_buffer(run, cps, a - start, length, features, lang)
    u = run.face.upem
    pos = buf.glyph_positions
    clusters = [min(g.cluster + start, b - 1) for g in buf.glyph_infos]
    return Piece(run, a, b, [g.codepoint for g in buf.glyph_infos], clusters,
                 [p.x_advance / u for p in pos], [p.x_offset / u for p in pos],
                 [p.y_offset / u for p in pos], hyphen, True)


def width_change(para: Paragraph, start: int, end: int, hyphen: bool, size: float, features: dict,
                 lang: str | None) -> float:
    """How much wider (px) line [start, end) is once reshaped than the paragraph's measure of it."""
    if not (hyphen or start in para.unsafe or end in para.unsafe):
        return 0.0
    delta = 0.0
    for pc in line_pieces(para, start, end, hyphen, features, lang):
        run = pc.run
        if not pc.reshaped:
            continue
        sz = run.size_px or run.size_em * size
        before = sum(adv for adv, c in zip(run.x_adv, run.clusters) if pc.a <= c < pc.b)
        if pc.hyphen:
            before += para.hyph_points[end][2] if end in para.hyph_points else 0.0
        delta += (sum(pc.x_adv) - before) * sz
    return delta
