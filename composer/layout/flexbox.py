"""Taffy, the Rust implementation of CSS flexbox, through stretchable's low-level bindings.

stretchable's `Node`, `Style` and `Length` classes check every length against an enum with
`dir()`: about 0.4 ms each, so one poster's stack spent a second there. This module hands Taffy
the style dicts those classes would produce (`Style.to_dict()`) and calls the same `taffylib`
functions `Node` calls, so a stack costs what Taffy and Placard's typesetting cost.
"""

from __future__ import annotations

import atexit
import logging
import threading
from typing import Any, Callable

NAN = float("nan")
AUTO = {"dim": 0, "value": NAN}
LOCK = threading.Lock()  # stretchable drives one process-wide Taffy instance
_BASE: dict | None = None
_MODS: tuple | None = None

# A measure function gets (known width, known height, available width, available height) in px;
# unknown sizes are NaN, available space is ("definite", px) | ("min-content", NaN) | ("max-content", NaN).
Measure = Callable[[float, float, tuple, tuple], tuple[float, float]]
_SPACE = {1: "definite", 3: "min-content", 4: "max-content"}


def pt(px: float) -> dict:
    """A length in pixels (Taffy calls them points)."""
    return {"dim": 1, "value": float(px)}


def pct(fraction: float) -> dict:
    """A length as a fraction of the parent's size (0.5 is 50%)."""
    return {"dim": 2, "value": float(fraction)}


def size(width: dict = AUTO, height: dict = AUTO) -> dict:
    return {"width": width, "height": height}


def rect(top: dict, right: dict, bottom: dict, left: dict) -> dict:
    return {"top": top, "right": right, "bottom": bottom, "left": left}


def modules() -> tuple:
    """(taffylib, the Taffy context, stretchable.style): imported once, without stretchable's
    `logging.basicConfig()` configuring the user's root logger."""
    global _MODS
    if _MODS is None:
        had = list(logging.root.handlers)
        from stretchable import style, taffylib
        from stretchable.context import taffy

        for h in logging.root.handlers[:]:
            if h not in had:
                logging.root.removeHandler(h)
        atexit.register(_forget, taffy)
        _MODS = (taffylib, taffy, style)
    return _MODS


def _forget(taffy: Any) -> None:
    """At exit, stretchable's `Taffy.__del__` runs after its bindings are gone and prints a TypeError;
    the process is ending and frees the memory anyway, so let it skip the call."""
    taffy._Taffy__ptr = None


def _base_style() -> dict:
    global _BASE
    if _BASE is None:
        _BASE = modules()[2].Style().to_dict()  # CSS defaults, in the format taffylib reads
    return _BASE


class Tree:
    """One Taffy tree: add nodes, compute once, read boxes in absolute px, then drop every node."""

    def __init__(self) -> None:
        self.lib, self.ctx, self.enums = modules()
        self.ids: list[int] = []
        self.parent: dict[int, int] = {}
        self.measures: dict[int, Measure] = {}

    def node(self, parent: int | None, measure: Measure | None = None, **style: Any) -> int:
        """A node with CSS style keys (flex_grow=1, size=size(pt(10)), ...) under `parent`."""
        nid = self.lib.node_create(self.ctx._ptr, {**_base_style(), **style})
        self.ids.append(nid)
        if parent is not None:
            self.lib.node_add_child(self.ctx._ptr, parent, nid)
            self.parent[nid] = parent
        if measure is not None:
            self.lib.node_set_measure(self.ctx._ptr, nid, True)
            self.measures[nid] = measure
        return nid

    def compute(self, root: int, width: float, height: float) -> None:
        """Lay the tree out in a width × height px space (no rounding: Placard keeps fractional px)."""
        self.ctx.use_rounding = False
        self.lib.node_compute_layout_with_measure(self.ctx._ptr, root, size(pt(width), pt(height)), self._measure)

    def _measure(self, kw: float, kh: float, aw: dict, ah: dict, context: int) -> tuple[float, float]:
        fn = self.measures.get(context)
        if fn is None:
            return (0.0, 0.0)
        return fn(kw, kh, (_SPACE.get(aw["dim"]), aw["value"]), (_SPACE.get(ah["dim"]), ah["value"]))

    def boxes(self, x0: float = 0.0, y0: float = 0.0) -> dict[int, tuple[tuple, tuple]]:
        """Every node's border box and content box, (x, y, width, height) in absolute px."""
        out: dict[int, tuple[tuple, tuple]] = {}
        lay = self.lib.PyLayout()
        for nid in self.ids:  # parents come before their children
            self.lib.node_get_layout(self.ctx._ptr, nid, lay)
            px, py = (out[self.parent[nid]][0][:2]) if nid in self.parent else (x0, y0)
            x, y = px + lay.x, py + lay.y
            border = (x, y, lay.width, lay.height)
            content = (x + lay.padding_left, y + lay.padding_top, lay.width - lay.padding_left - lay.padding_right,
                       lay.height - lay.padding_top - lay.padding_bottom)
            out[nid] = (border, content)
        return out

    def drop(self) -> None:
        """Free the nodes (stretchable never does, and a campaign lays out thousands of stacks)."""
        for nid in reversed(self.ids):
            self.lib.node_drop(self.ctx._ptr, nid)
        self.ids, self.parent, self.measures = [], {}, {}
