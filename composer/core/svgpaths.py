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
import cairosvg.parser
import cairosvg.path
import cairosvg.surface
from cairocffi.context import _encode_path

from composer.core.lru import LRU

_SUBSET = re.compile(r"^[MmLlCcQqZz0-9eE.,\s+-]*$")
_TOKEN = re.compile(r"[MmLlCcQqZz]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_MOVE, _LINE, _CURVE, _CLOSE = cairo.PATH_MOVE_TO, cairo.PATH_LINE_TO, cairo.PATH_CURVE_TO, cairo.PATH_CLOSE_PATH
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


_ENCODED: LRU[tuple[tuple[object, ...] | None]] = LRU(1024)  # parsed outlines by path data


def _encoded(d: str) -> tuple[object, ...] | None:
    """Parsed and C-encoded path data; a build draws each text's outlines more than once."""
    hit = _ENCODED.get(d)
    if hit is not None:
        return hit[0]
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
