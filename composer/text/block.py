"""set_text: spans to shaped paragraphs to fitted lines to placed glyph outlines (a TextBlock)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from composer.core.geometry import Box

from composer.core.errors import TextFitError
from composer.core.lru import LRU
from composer.text import coloremoji, fitting, justify, optical, reshape
from composer.text.fitting import Layout, Line, Overflow
from composer.text.fonts import FontLibrary, _fmt
from composer.text.markup import Span, SpanStyle, parse
from composer.text.scripts import visual_order
from composer.text.shaping import Paragraph, paragraphs_of, shape_paragraph
from composer.text.style import TextStyle

DEFAULT_MIN_SIZE = 6.0
_SPACES = " \u00a0\u3000"


@dataclass(frozen=True)
class GlyphRun:
    """Glyph outlines of one colour: SVG path data in absolute canvas px."""

    d: str
    fill: str


class PlacedGlyph(NamedTuple):
    """One glyph as set: font file, glyph id, source character index, pen position, advance (px)."""

    font: str
    glyph_id: int
    cluster: int
    x: float
    y: float
    advance: float
    size: float
    color: str
    line: int


@dataclass
class TextBlock:
    """A text element as set: size, lines, fonts, glyph outlines and their boxes."""

    element_id: str
    box: Box
    style: TextStyle
    size: float
    lines: list[str]
    fonts: list[str]
    runs: list[GlyphRun]
    glyphs: list[PlacedGlyph]
    ink_box: Box
    line_boxes: list[Box]
    _layout_lines: list = field(default_factory=list, repr=False)
    color_svg: str = ""  # colour emoji as SVG paths with their own fills (composer.text.coloremoji)
    truncated: bool = False  # cut to end with "…" (overflow: ellipsis); the build warns

    def report(self) -> dict:
        """What the build report records for this text."""
        runs = []
        for i, ln in enumerate(self._layout_lines):
            for r in ln.para.runs:
                a, b = max(ln.start, r.start), min(ln.end, r.end)
                if a < b and ln.para.text[a:b].strip():
                    runs.append({"line": i, "text": ln.para.text[a:b], "font": r.face.key,
                                 "size": round(r.size_px or r.size_em * self.size, 2)})
        return {"id": self.element_id, "fonts": self.fonts, "size": round(self.size, 2),
                "lines": self.lines, "runs": runs, "ink_box": _round_box(self.ink_box),
                "line_boxes": [_round_box(b) for b in self.line_boxes]}


def _round_box(b: Box) -> dict:
    return {k: round(v, 2) for k, v in b.as_dict().items()}


def prepare(text: str, style: TextStyle, lib: FontLibrary, element_id: str) -> list[Paragraph]:
    """Parse markup, split paragraphs and shape them (cached)."""
    spans = parse(text, style.span_colors, element_id) if style.markup else [Span(text, SpanStyle())]
    return [shape_paragraph(p, style, lib, element_id) for p in paragraphs_of(spans, style)]


_BLOCKS: LRU[TextBlock] = LRU(512)  # set blocks by text, box, style and font set


def set_text(text: str, box: Box, style: TextStyle, lib: FontLibrary, element_id: str = "text") -> TextBlock:
    """Set `text` in `box`: shape, break, fit (auto size), align, and outline every glyph.

    Results are cached process-wide, so a warm rebuild of the same spec sets nothing twice;
    treat the returned block as read-only.
    """
    key = (text, box, style, lib.key, element_id)
    return _BLOCKS.get_or_make(key, lambda: _set_text(text, box, style, lib, element_id))


def _set_text(text: str, box: Box, style: TextStyle, lib: FontLibrary, element_id: str) -> TextBlock:
    # 1. Shape paragraphs once, size-independent
    paras = prepare(text, style, lib, element_id)
    # 2. Find the size and lines
    auto = style.size == "auto"
    lo = style.min_size or DEFAULT_MIN_SIZE
    hi = style.max_size or max(lo, box.height / min(style.line_height, 1.0))

    def attempt(size: float, rivers: bool = True) -> Layout:
        return fitting.layout(paras, size, box, style.line_height, style.wrap, style.max_lines, style=style,
                              rivers=rivers)

    if auto and style.wrap in ("normal", "optimal"):
        def quick(size: float) -> Layout:
            return fitting.layout(paras, size, box, style.line_height, "estimate", style.max_lines, style=style)

        # the search probes sizes without the river pass (knuth_plass.py); the size found is set with it
        lay = fitting.fit_size_guided(lambda size: attempt(size, False), quick, min(lo, hi), hi,
                                      fitting.guess_size(paras, box, style.line_height))
        if lay.overflow is None and style.align == "justify":
            final = attempt(lay.size)
            lay = final if final.overflow is None else lay
    elif auto:
        lay = fitting.fit_size(attempt, min(lo, hi), hi)
    else:
        lay = attempt(float(style.size))
    # overhanging ink (italics, side bearings) can make a fitting layout too wide: step down
    while True:
        if lay.overflow is None:
            placed = _place(lay, box, style)
            if not isinstance(placed, Overflow):
                lay.placed = placed
                break
            lay.overflow = placed
        if not auto or lay.size - 0.5 < min(lo, hi):
            break
        lay = attempt(lay.size - 0.5)
    size = lay.size
    # 3. Truncate with an ellipsis, or refuse with the exact shortfall
    truncated = lay.overflow is not None and style.overflow == "ellipsis"
    if lay.overflow is not None:
        if style.overflow == "ellipsis":
            lay = _ellipsize(paras, size, box, style, lib, element_id, lay)
        if lay.overflow is not None:
            raise TextFitError(fitting.overflow_message(element_id, box, size, lay.overflow, auto))
    # 4. Glyph outlines, grouped by colour
    assert lay.placed is not None  # a layout that fits has been placed
    glyphs, line_boxes = lay.placed
    block = _build(element_id, box, style, lay, glyphs, line_boxes)
    block.truncated = truncated
    return block


def _place(lay: Layout, box: Box, style: TextStyle) -> tuple[list[tuple], list[Box]] | Overflow:
    """Glyph positions for every line (align, justify, valign), or an Overflow of ink width."""
    free = box.height - lay.height
    y0 = box.y + lay.offset + {"top": 0.0, "middle": free / 2, "bottom": free}[style.valign]
    glyphs: list[tuple] = []
    line_boxes: list[Box] = []
    planned = optical.plan(lay.lines, lay.size, box.width, style, _place_line,
                           lambda ln, width: _line_align(ln, width, box.width, style), justify.LETTER)
    for li, ln in enumerate(lay.lines):
        p = ln.para
        placed, width, hang_shift = planned[li]
        align = _line_align(ln, width, box.width, style)
        x0 = box.x + {"left": 0.0, "center": (box.width - width) / 2, "right": box.width - width}[align]
        x0 += hang_shift
        # keep overhanging ink (italics, bearings) inside the box by nudging the line
        left = right = None
        for face, gid, cl, x, y, adv, sz, sx in placed:
            e = face.extents(gid)
            if e[2] > e[0]:
                a, b = x + e[0] * sz * sx, x + e[2] * sz * sx
                left = a if left is None or a < left else left
                right = b if right is None or b > right else right
        if left is not None and right is not None:
            left, right = x0 + left, x0 + right
            if right - left > box.width + fitting.EPS:
                return Overflow("width", right - left, box.width, word=ln.text)
            x0 += max(0.0, box.x - left) - max(0.0, right - box.right)
        baseline = y0 + ln.baseline
        for face, gid, cl, x, y, adv, sz, sx in placed:
            glyphs.append((face, gid, cl, x0 + x, baseline - y, adv, sz, p.colors[cl], li, sx))
        line_boxes.append(Box(x0, y0 + ln.top, width, ln.height))
    return glyphs, line_boxes


def _line_align(ln: Line, width: float, box_width: float, style: TextStyle) -> str:
    """left | center | right for one line (start/end by direction; justified lines anchor at start)."""
    p = ln.para
    align = style.align
    if align in ("start", "end"):
        align = ("right" if p.base else "left") if align == "start" else ("left" if p.base else "right")
    if align == "justify":
        align = "right" if p.base and (ln.last or width < box_width - 0.01) else "left"
    return align


def _place_line(ln: Line, size: float, box_width: float, style: TextStyle) -> tuple[list[tuple], float]:
    """Glyphs of one line in visual order with x from the line start; and the line width.

    A justified line is stretched (or shrunk) so that its extent, the advance width widened by
    any ink that overhangs either end, is exactly the box width: the fit check measures ink,
    so a line justified to its box always passes it (justify.py says how slack is absorbed).
    """
    p = ln.para
    pieces = reshape.line_pieces(p, ln.start, ln.end, ln.hyphen, style.hb_features(), style.lang)
    order = visual_order([pc.run.level for pc in pieces])
    out, x, stats = _glyphs(p, pieces, order, ln, size, None)
    ln.space_ratio, ln.justified = 1.0, False
    if style.align == "justify" and not ln.last and ln.end > ln.start:
        spaces, space_width, gaps = stats
        left = right = None
        for face, gid, cl, gx, gy, adv, sz, _ in out:
            e = face.extents(gid)
            if e[2] > e[0]:
                a, b = gx + e[0] * sz, gx + e[2] * sz
                left = a if left is None or a < left else left
                right = b if right is None or b > right else right
        extent = max(x, right if right is not None else x) - min(0.0, left if left is not None else 0.0)
        glyph_width = x - space_width
        how = justify.plan(box_width - extent - 1e-7, spaces, space_width, gaps, size, glyph_width,
                           style.glyph_scaling)
        if how is not None:
            out, x, _ = _glyphs(p, pieces, order, ln, size, how)
            ln.space_ratio, ln.justified = how.space_ratio(space_width, spaces), True
    return out, x


def _glyphs(p: Paragraph, pieces: list[reshape.Piece], order: list[int], ln: Line, size: float,
            how: justify.Plan | None) -> tuple[list[tuple], float, tuple[int, float, int]]:
    """Place a line's glyphs (justified by `how`, or natural); return them, the width and
    (word spaces, their natural width, letter gaps) for justification."""
    out = []
    x = 0.0
    last_cluster = None
    spaces = letter_gaps = 0
    space_width = 0.0
    sx = how.scale if how is not None else 1.0
    for k in order:
        pc = pieces[k]
        sz = pc.run.size_px or pc.run.size_em * size
        for gid, cl, adv, xo, yo in zip(pc.gids, pc.clusters, pc.x_adv, pc.x_off, pc.y_off):
            if last_cluster is not None and cl != last_cluster:
                extra = _between(p, last_cluster, size)
                if p.text[last_cluster] in _SPACES:
                    spaces += 1
                    if how is not None:
                        extra += how.space
                elif p.text[cl] not in _SPACES:
                    letter_gaps += 1
                    if how is not None:
                        extra += how.letter
                x += extra
            space = p.text[cl] in _SPACES
            a = adv * sz * (1.0 if space else sx)
            if space:
                space_width += a
            out.append((pc.run.face, gid, cl, x + xo * sz * sx, yo * sz, a, sz, 1.0 if space else sx))
            x += a
            last_cluster = cl
    shy = ln.end - 1
    if not ln.last and shy in p.hyphens:
        face, gid, adv = p.hyphens[shy]
        sz = p.rel[shy] * size + p.abs[shy]
        out.append((face, gid, shy, x, 0.0, adv * sz, sz, 1.0))
        x += adv * sz
    return out, x, (spaces, space_width, letter_gaps)


def _between(p: Paragraph, cluster: int, size: float) -> float:
    """Tracking added after a cluster that is not the line's last."""
    end = p.cluster_end[cluster] - 1
    return float(p.tracking[end] * (p.rel[end] * size + p.abs[end])) if p.tracking[end] else 0.0


def _ellipsize(paras: list[Paragraph], size: float, box: Box, style: TextStyle, lib: FontLibrary, element_id: str,
              failed: Layout) -> Layout:
    """Keep the lines that fit and end the last one with an ellipsis."""
    lay = fitting.layout(paras, size, box, style.line_height, style.wrap, None, force=True, style=style)
    lines = lay.lines
    keep = min(len(lines), style.max_lines or len(lines))
    while keep > 0 and fitting.stack(lines[:keep], size, style.line_height)[0] > box.height + fitting.EPS:
        keep -= 1
    if keep == 0:
        return failed
    kept = []
    for i, ln in enumerate(lines[:keep]):
        cut = i == keep - 1 and keep < len(lines)
        if cut or ln.width > box.width + fitting.EPS:
            ln = _truncate(ln, size, box.width, style, lib, element_id)
        kept.append(ln)
    height, offset = fitting.stack(kept, size, style.line_height)
    result = Layout(size, kept, height, offset)
    placed = _place(result, box, style)
    if isinstance(placed, Overflow):
        result.overflow = placed
    else:
        result.placed = placed
    return result


def _truncate(ln: Line, size: float, width: float, style: TextStyle, lib: FontLibrary, element_id: str) -> Line:
    """The longest start of a line that fits with "…" appended, reshaped as its own paragraph."""
    p = ln.para
    end = ln.end
    # skip candidates that cannot fit even before reshaping (the ellipsis is at most 1 em wide)
    while end > ln.start and p.width(ln.start, p.trim(ln.start, end), size) + float(
            p.sizes(size, end - 1, end)[0]) > width:
        end -= 1
    while end > ln.start:
        cut = p.trim(ln.start, end)
        spans, pos = [], 0
        for s in p.spans:
            lo, hi = max(pos, ln.start), min(pos + len(s.text), cut)
            if lo < hi:
                spans.append(Span(s.text[lo - pos:hi - pos], s.style))
            pos += len(s.text)
        if spans:
            spans[-1] = Span(spans[-1].text + "…", spans[-1].style)
        else:
            spans = [Span("…", p.spans[0].style)]
        q = shape_paragraph(spans, _untransformed(style), lib, element_id)
        w = q.width(0, len(q.text), size)
        if w <= width + fitting.EPS or cut == ln.start:
            return Line(q, 0, len(q.text), True, w)
        end = max(ln.start, cut - 1)
        while end > ln.start and p.cluster_end[end - 1] != end:
            end -= 1
    return ln


def _untransformed(style: TextStyle) -> TextStyle:
    """The style with no case transform (spans were transformed already)."""
    from dataclasses import replace

    return style if style.transform == "none" else replace(style, transform="none")


def _build(element_id: str, box: Box, style: TextStyle, lay: Layout, glyphs: list[tuple], line_boxes: list[Box]) -> TextBlock:
    """Outline the placed glyphs into one path per colour and collect boxes and fonts."""
    by_color: dict[str, list[str]] = {}
    color_svg: list[str] = []
    placed: list[PlacedGlyph] = []
    fonts: dict[str, None] = {}
    x0 = y0 = float("inf")
    x1 = y1 = float("-inf")
    for face, gid, cl, x, y, adv, sz, color, li, sx in glyphs:
        fonts[face.key] = None
        placed.append(PlacedGlyph(face.key, gid, cl, x, y, adv, sz, color, li))
        ex0, ey0, ex1, ey1 = face.extents(gid)
        if ex1 <= ex0:
            continue
        x0, x1 = min(x0, x + ex0 * sz * sx), max(x1, x + ex1 * sz * sx)
        y0, y1 = min(y0, y - ey1 * sz), max(y1, y - ey0 * sz)
        if face.is_color is not False and coloremoji.has_color_glyph(face, gid):
            color_svg.append(coloremoji.glyph_svg(face, gid, x, y, sz, f"{element_id}|{li}|{cl}|{x:.2f}|{y:.2f}"))
            continue
        rel, fx, fy = face.local_path(gid, sz) if sx == 1.0 else justify.scaled_path(face, gid, sz, sx)
        by_color.setdefault(color, []).append(
            f"M{_fmt(round(x * 100) + fx)} {_fmt(round(y * 100) + fy)}{rel}")
    ink = Box(x0, y0, x1 - x0, y1 - y0) if x1 > x0 else Box(box.x, box.y, 0.0, 0.0)
    runs = [GlyphRun("".join(parts), color) for color, parts in by_color.items()]
    lines = [_as_set(ln) for ln in lay.lines]
    return TextBlock(element_id, box, style, lay.size, lines, list(fonts), runs, placed, ink,
                     line_boxes, _layout_lines=lay.lines, color_svg="".join(color_svg))


def _as_set(ln: Line) -> str:
    """A line's text as it reads: soft hyphens hidden, or shown as "-" where the line breaks."""
    text = ln.text
    if ln.hyphen:
        return text.replace("\u00ad", "") + "-"
    if "\u00ad" not in text:
        return text
    hyphen = "-" if text.endswith("\u00ad") and not ln.last else ""
    return text.replace("\u00ad", "") + hyphen


def measure_text(text: str, style: TextStyle, lib: FontLibrary) -> tuple[float, float]:
    """Advance width of the widest line and total line height in px, without wrapping."""
    if style.size == "auto":
        raise TextFitError("measure_text needs a size in px, not 'auto'")
    size = float(style.size)
    paras = prepare(text, style, lib, "label")
    width = max(p.width(0, p.trim(0, len(p.text)), size) for p in paras)
    lines = [Line(p, 0, p.trim(0, len(p.text)), True) for p in paras]
    fitting.stack(lines, size, style.line_height)
    return width, sum(ln.height for ln in lines)
