"""A faster `<path>` handler for cairosvg, for the path data Placard itself writes.

cairosvg parses path data with a general regex tokenizer and one cairo call per segment; a
poster's glyph outlines are tens of thousands of segments, which made path parsing the largest
cost of rendering text. Placard's own path data uses only absolute/relative M, L, C, Q and Z with
plain numbers, so this handler tokenizes that subset in one pass and hands cairo the whole path
with a single `append_path`. Anything else (arcs, markers, shorthand curves) falls back to
cairosvg's own handler, so behaviour is unchanged for user SVG.

The handler reaches cairosvg without patching it: cairosvg looks its tag handlers up in the module
global `TAGS` from `Surface.draw`, so `FastPaths` gives Placard's own surfaces a `draw` built from
the same code over a copy of those globals with our `<path>` handler. Every other cairosvg user in
the process keeps cairosvg exactly as shipped.
"""

from __future__ import annotations

import re
import types

import cairocffi as cairo
import numpy as np
import cairosvg.parser
import cairosvg.path
import cairosvg.surface
from cairocffi.context import _encode_path

from composer.core import glyphpaths
from composer.core.lru import LRU

_SUBSET = re.compile(r"^[MmLlCcQqZz0-9eE.,\s+-]*$")
_TOKEN = re.compile(r"[MmLlCcQqZz]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_MOVE, _LINE, _CURVE, _CLOSE = cairo.PATH_MOVE_TO, cairo.PATH_LINE_TO, cairo.PATH_CURVE_TO, cairo.PATH_CLOSE_PATH
assert (_MOVE, _LINE, _CURVE, _CLOSE) == (glyphpaths.MOVE_TO, glyphpaths.LINE_TO, glyphpaths.CURVE_TO, glyphpaths.CLOSE_PATH)
_ARGS = {"M": 2, "L": 2, "C": 6, "Q": 4, "Z": 0}


def parse(d: str) -> list[tuple[int, tuple[float, ...]]] | None:
    """Path data to cairo path items, or None when `d` uses anything outside the fast subset."""
    if not _SUBSET.match(d):
        return None
    items: list[tuple[int, tuple[float, ...]]] = []
    x = y = sx = sy = 0.0
    cmd = None
    nums: list[float] = []

    def flush() -> bool:
        nonlocal x, y, sx, sy, cmd
        if cmd is None:
            return not nums
        up = cmd.upper()
        n = _ARGS[up]
        rel = cmd.islower()
        if n == 0:
            if nums:
                return False
            items.append((_CLOSE, ()))
            x, y = sx, sy
            return True
        if not nums or len(nums) % n:
            return False
        for i in range(0, len(nums), n):
            a = nums[i:i + n]
            ox, oy = (x, y) if rel else (0.0, 0.0)
            if up == "M" and i == 0:
                x, y = a[0] + ox, a[1] + oy
                sx, sy = x, y
                items.append((_MOVE, (x, y)))
            elif up in ("M", "L"):
                x, y = a[0] + ox, a[1] + oy
                items.append((_LINE, (x, y)))
            elif up == "C":
                items.append((_CURVE, (a[0] + ox, a[1] + oy, a[2] + ox, a[3] + oy, a[4] + ox, a[5] + oy)))
                x, y = a[4] + ox, a[5] + oy
            else:  # Q: the exact cubic of a quadratic
                qx, qy, ex, ey = a[0] + ox, a[1] + oy, a[2] + ox, a[3] + oy
                items.append((_CURVE, (x + 2 / 3 * (qx - x), y + 2 / 3 * (qy - y),
                                       ex + 2 / 3 * (qx - ex), ey + 2 / 3 * (qy - ey), ex, ey)))
                x, y = ex, ey
        return True

    for tok in _TOKEN.findall(d):
        if tok.isalpha():
            if not flush():
                return None
            cmd, nums = tok, []
        else:
            nums.append(float(tok))
    if not flush() or (items and items[0][0] != _MOVE):
        return None
    return items


# Text outlines as Placard's typesetter writes them (composer/text/block.py, fonts.encode_outline):
# one "M<x> <y>" per glyph, then that glyph's outline in relative m/l/c/q/z, in 1/100 px.
_PLACED = re.compile(r"(?:M-?\d+(?:\.\d+)? -?\d+(?:\.\d+)?[mlcqz0-9. -]*)+")
_GLYPH = re.compile(r"M(-?\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?)([^M]*)")
_REL = re.compile(r"[mlcqz]|-?\d+(?:\.\d+)?")


def _rows(rel: str) -> list[glyphpaths.Row] | None:
    """The rows (see composer.core.glyphpaths) of one glyph's relative m/l/c/q/z outline, or None.

    Coordinates are summed in whole 1/100 px, so each point is exact before its one division.
    """
    toks = _REL.findall(rel)
    rows: list[glyphpaths.Row] = [(0, _MOVE, 2, 0), (1, 0, 0, 100)]
    cx = cy = sx = sy = 0
    i, n = 0, len(toks)
    while i < n:
        cmd = toks[i]
        i += 1
        if cmd == "z":
            rows.append((0, _CLOSE, 1, 0))
            cx, cy = sx, sy
            continue
        args = {"m": 2, "l": 2, "c": 6, "q": 4}.get(cmd)
        j = i
        while j < n and toks[j] not in "mlcqz":
            j += 1
        if args is None or j == i or (j - i) % args:
            return None
        v = [round(float(t) * 100) for t in toks[i:j]]
        i = j
        for k in range(0, len(v), args):
            a = v[k:k + args]
            if cmd == "c":
                rows += [(0, _CURVE, 4, 0), (1, cx + a[0], cy + a[1], 100), (1, cx + a[2], cy + a[3], 100),
                         (1, cx + a[4], cy + a[5], 100)]
                cx, cy = cx + a[4], cy + a[5]
            elif cmd == "q":  # the exact cubic of a quadratic: control points (p0 + 2q) / 3 and (p1 + 2q) / 3
                qx, qy, ex, ey = cx + a[0], cy + a[1], cx + a[2], cy + a[3]
                rows += [(0, _CURVE, 4, 0), (1, cx + 2 * qx, cy + 2 * qy, 300), (1, ex + 2 * qx, ey + 2 * qy, 300),
                         (1, ex, ey, 100)]
                cx, cy = ex, ey
            else:
                cx, cy = cx + a[0], cy + a[1]
                if cmd == "m" and k == 0:
                    sx, sy = cx, cy
                    rows += [(0, _MOVE, 2, 0), (1, cx, cy, 100)]
                else:
                    rows += [(0, _LINE, 2, 0), (1, cx, cy, 100)]
    return rows


# (n, 4) int64 rows by a glyph's relative outline: glyphs, not texts, so clear_cache keeps them (~3 MB at most)
_GLYPH_ROWS: LRU[tuple[np.ndarray | None]] = LRU(4096)


def _placed(d: str) -> tuple[object, ...] | None:
    """Path data the typesetter wrote (see _PLACED) as a C `cairo_path_t`, or None for any other path data.

    Each glyph's rows come from the typesetter (composer.core.glyphpaths) or are read once from
    its text; the whole run then goes to C in one array. The points agree with `parse` to within a
    few units in the last place, as parse adds the relative steps up in floating point; cairo
    rounds every point to 1/256 px, and a coordinate of whole 1/100 px (or 1/300 px for a
    converted quadratic) is never that close to a rounding edge, so cairo receives the same
    fixed-point path either way (tests/render/test_svgpaths.py compares them).
    """
    if not _PLACED.fullmatch(d):
        return None
    every: list[np.ndarray] = []
    starts: list[tuple[float, float]] = []
    counts: list[int] = []
    for x, y, rel in _GLYPH.findall(d):
        hit = _GLYPH_ROWS.get(rel)
        if hit is None:
            rows = glyphpaths.recall(rel) or _rows(rel)
            hit = _GLYPH_ROWS.put(rel, (None if rows is None else np.array(rows, np.int64),))
        table = hit[0]
        if table is None:
            return None
        every.append(table)
        starts.append((float(x), float(y)))
        counts.append(len(table))
    table = np.concatenate(every)
    point = table[:, 0] == 1
    data = np.zeros((len(table), 2), np.float64)
    offsets = np.repeat(np.array(starts, np.float64), counts, axis=0)
    data[point] = offsets[point] + table[point, 1:3] / table[point, 3:4]
    header = np.zeros((len(table), 4), np.int32)  # an item's header: type, length, 8 bytes of padding
    header[:, :2] = table[:, 1:3]
    data[~point] = header.view(np.float64)[~point]
    ffi = cairo.ffi
    entries = ffi.from_buffer("cairo_path_data_t[]", data)
    path = ffi.new("cairo_path_t *", {"status": cairo.STATUS_SUCCESS, "data": entries, "num_data": len(data)})
    return path, entries, data


_ENCODED: LRU[tuple[tuple[object, ...] | None]] = LRU(1024)  # parsed outlines by path data


def _encoded(d: str) -> tuple[object, ...] | None:
    """Parsed and C-encoded path data; a build draws each text's outlines more than once."""
    hit = _ENCODED.get(d)
    if hit is not None:
        return hit[0]
    placed = _placed(d) if d.startswith("M") else None
    if placed is not None:
        return _ENCODED.put(d, (placed,))[0]
    items = parse(d)
    return _ENCODED.put(d, (None if items is None else (_encode_path(items) if items else ()),))[0]


def clear_cache() -> None:
    """Forget parsed outlines (a long-running process calls this between unrelated builds)."""
    _ENCODED.clear()


def trim_cache(keep: int) -> None:
    """Forget all but the `keep` most recently drawn outlines."""
    _ENCODED.trim(keep)


def append(context: cairo.Context, d: str) -> bool:
    """Add the path data `d` to `context`'s current path; False (and nothing added) outside the fast subset."""
    encoded = _encoded(d)
    if encoded is None:
        return False
    if encoded:
        cairo.cairo.cairo_append_path(context._pointer, encoded[0])
        context._check_status()
    return True


def path(surface: cairosvg.surface.Surface, node: cairosvg.parser.Node) -> None:
    """cairosvg `<path>` handler: the fast subset via one append_path, else cairosvg's own."""
    d = node.get("d", "")
    if any(k in node for k in ("marker", "marker-start", "marker-mid", "marker-end")) or len(d) < 64:
        return cairosvg.path.path(surface, node)
    encoded = _encoded(d)
    if encoded is None:
        return cairosvg.path.path(surface, node)
    if encoded:
        cairo.cairo.cairo_append_path(surface.context._pointer, encoded[0])
        surface.context._check_status()


def _draw_with_tags(tags: dict[str, object]) -> types.FunctionType:
    """cairosvg's `Surface.draw`, the same code, reading its handlers from `tags`."""
    draw = cairosvg.surface.Surface.draw
    scope = dict(draw.__globals__, TAGS=tags)
    return types.FunctionType(draw.__code__, scope, draw.__name__, draw.__defaults__, draw.__closure__)


TAGS = dict(cairosvg.surface.TAGS, path=path)


_DRAW = _draw_with_tags(TAGS)


class FastPaths:
    """Mixin for a cairosvg surface class: draws `<path>` through the fast handler above."""

    def draw(self, node: cairosvg.parser.Node) -> None:
        """cairosvg's `Surface.draw` with Placard's tag table (children come back through `self.draw`)."""
        _DRAW(self, node)


class FastPNGSurface(FastPaths, cairosvg.surface.PNGSurface):
    """cairosvg's PNG surface with the fast `<path>` handler."""
