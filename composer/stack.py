"""Stacks: children flow in a column or a row, placed by a real flexbox engine (Taffy, via stretchable).

Text children take their *set* height: each text is typeset first and its lines measured at the
chosen size, so a longer headline pushes what follows down instead of failing its box.
A text with `size: auto` gets the largest size that fits its width and its maximum height: the
box's `height` when given, otherwise its share of the space the stack has left (pass 1 lets
such texts grow into the free space, pass 2 lays everything out at the sizes chosen).
"""

from __future__ import annotations

import logging
import math
import threading
from dataclasses import replace
from typing import Any

from composer.errors import FontError, SpecError, TextFitError
from composer.layout import Layout, Placed, place_elements
from composer.yamlload import format_path
from generator.base import Box

BIG = 1_000_000.0  # "no limit" for a text's height while it is measured
EPS = 0.5
_LOCK = threading.Lock()  # stretchable drives one process-wide Taffy tree


def _stretchable():
    """Import stretchable without letting its `logging.basicConfig()` configure the user's root logger."""
    had = list(logging.root.handlers)
    import stretchable
    from stretchable import style

    for h in logging.root.handlers[:]:
        if h not in had:
            logging.root.removeHandler(h)
    return stretchable, style, style.geometry.size.SizePoints


def stack_children(r: Any, el: Any, path: tuple) -> list[Placed]:
    """Placed nodes (boxes still unknown) for a stack's children; nested stacks recurse."""
    out = []
    for i, child in enumerate(el.elements):
        cpath = path + ("elements", i)
        if child.type == "line":
            raise r.fail(cpath + ("type",), "a line cannot sit in a stack (its points are canvas coordinates); "
                         "put it outside the stack, or use a thin rect")
        box = getattr(child, "box", None)
        if box is not None and (box.x not in (0, "0") or box.y not in (0, "0")):
            bad = "x" if box.x not in (0, "0") else "y"
            raise r.fail(cpath + ("box", bad), f"{bad} has no effect inside a stack (the stack places its children); "
                         "remove it, or use gap, padding, justify or a spacer")
        node = Placed(child.type, child, None, cpath, i)
        if child.type == "stack":
            node.children = stack_children(r, child, cpath)
        out.append(node)
    return out


def arrange(layout: Layout, lib: Any) -> None:
    """Give every element inside a stack its box (canvas px); stacks inside groups too."""
    _arrange_in(layout, layout.elements, lib)


def _arrange_in(layout: Layout, nodes: list[Placed], lib: Any) -> None:
    for p in nodes:
        if p.kind == "stack":
            if p.box is None:
                raise layout.resolver.fail(p.path, "a stack needs a box (x, y, width, height) unless it sits inside another stack")
            with _LOCK:
                _Flow(layout, lib).run(p)
            _place_groups(layout, p, lib)
        elif p.kind == "group":
            _arrange_in(layout, p.children, lib)


def _place_groups(layout: Layout, stack: Placed, lib: Any) -> None:
    """Groups inside a stack got their box from the flow: now place their own children in it."""
    for c in stack.children:
        if c.kind == "group":
            c.children = place_elements(layout.resolver, c.el.elements, c.box, c.path + ("elements",))
            _arrange_in(layout, c.children, lib)
        elif c.kind == "stack":
            _place_groups(layout, c, lib)


class _Flow:
    """One outermost stack: build the Taffy tree, measure text, compute, read boxes back."""

    def __init__(self, layout: Layout, lib: Any):
        self.layout, self.r, self.lib = layout, layout.resolver, lib
        self.st, self.sty, self.SizePoints = _stretchable()
        self.nodes: list[tuple[Placed, Any]] = []
        self.max_h: dict[int, float] = {}  # id(Placed) -> the height an auto text was fitted into
        self.sizes: dict[int, float] = {}  # id(Placed) -> the size chosen for an auto text
        self.widths: dict[int, float] = {}  # id(Placed) -> the width an auto text was fitted into
        self.pass1 = True

    # ------------------------------------------------------------------ the two passes
    def run(self, root: Placed) -> None:
        autos = [p for p in self._texts(root) if p.el.font.size in (None, "auto")]
        if autos:
            boxes = self._compute(root)
            for p in autos:
                self._fit_auto(p, boxes[id(p)])
        self.pass1 = False
        boxes = self._compute(root)
        for p in root.walk():
            if p is not root:
                p.box = boxes[id(p)]
        for p in self._texts(root):
            self._check_text(p)
        self._check_overflow(root)
        for p in [p for p in root.walk() if p.kind == "stack" and (p.el.fill is not None or p.el.stroke)]:
            p.children.insert(0, _panel(p))

    def _texts(self, root: Placed) -> list[Placed]:
        return [p for p in root.walk() if p.kind == "text"]

    def _compute(self, root: Placed) -> dict[int, Box]:
        """Lay the tree out once; returns every node's box in canvas px (keyed by id of its Placed)."""
        self.nodes = []
        self.content: dict[int, Any] = {}
        self.errors: list[Exception] = []
        tree = self._container(root, None)
        try:
            tree.compute_layout((root.box.width, root.box.height))
            if self.errors:
                raise self.errors[0]
            out = {}
            for p, node in self.nodes:
                b = node.get_box(self.st.Edge.BORDER, relative=False)
                out[id(p)] = Box(root.box.x + b.x, root.box.y + b.y, b.width, b.height)
            self.content = {id(p): node.get_box(self.st.Edge.CONTENT, relative=False) for p, node in self.nodes
                            if p.kind == "stack"}
            return out
        finally:
            _drop(tree)

    # ------------------------------------------------------------------ tree building
    def _container(self, p: Placed, parent_dir: str | None) -> Any:
        el, sty = p.el, self.sty
        pad = self._padding(el, p.path)
        gap = self._len(el.gap, p.path + ("gap",))
        style = dict(
            flex_direction=sty.FlexDirection.COLUMN if el.direction == "column" else sty.FlexDirection.ROW,
            gap=sty.Size(gap, gap), padding=pad,
            align_items={"start": sty.AlignItems.START, "center": sty.AlignItems.CENTER, "end": sty.AlignItems.END,
                         "stretch": sty.AlignItems.STRETCH}[el.align],
            justify_content={"start": sty.JustifyContent.START, "center": sty.JustifyContent.CENTER,
                             "end": sty.JustifyContent.END, "space-between": sty.JustifyContent.SPACE_BETWEEN,
                             "space-around": sty.JustifyContent.SPACE_AROUND,
                             "space-evenly": sty.JustifyContent.SPACE_EVENLY}[el.justify],
        )
        if parent_dir is not None:
            style.update(self._item(p, parent_dir))
        else:
            style["size"] = sty.Size(p.box.width * sty.PT, p.box.height * sty.PT)
        node = self.st.Node(style=sty.Style(**style))
        self.nodes.append((p, node))
        for c in p.children:
            node.add(self._container(c, el.direction) if c.kind == "stack" else self._leaf(c, el.direction))
        return node

    def _leaf(self, p: Placed, parent_dir: str) -> Any:
        style = self._item(p, parent_dir)
        measure = None
        if p.kind == "text":
            measure = self._text_measure(p)
            if self.pass1 and p.el.font.size in (None, "auto"):
                style["flex_grow"] = 1000.0  # pass 1: auto texts share the free space before any spacer grows
                style["flex_basis"] = 0 * self.sty.PT
            elif id(p) in self.widths and parent_dir == "row":  # pass 2: keep the width it was fitted into
                style["size"] = self.sty.Size(self.widths[id(p)] * self.sty.PT, style["size"].height)
        node = self.st.Node(style=self.sty.Style(**style), measure=measure)
        self.nodes.append((p, node))
        return node

    def _item(self, p: Placed, parent_dir: str) -> dict:
        """Flex-item style: sizes from the box, grow/shrink/basis/min/max/align from `flex`."""
        sty, el = self.sty, p.el
        main = "height" if parent_dir == "column" else "width"
        box = getattr(el, "box", None)
        size = {"width": sty.AUTO, "height": sty.AUTO}
        if box is not None:
            for axis in ("width", "height"):
                v = getattr(box, axis)
                if v != "auto":
                    size[axis] = self._dim(v, p.path + ("box", axis))
        out: dict[str, Any] = {"flex_shrink": 0.0}
        if p.kind == "text":
            # a text's height is its set height; a height in its box is the most it may take
            limit = size["height"]
            size["height"] = sty.AUTO
            if limit is not sty.AUTO:
                out["max_size"] = sty.Size(sty.AUTO, limit)
        out["size"] = sty.Size(size["width"], size["height"])
        f = el.flex
        if f is not None:
            out["flex_grow"], out["flex_shrink"] = f.grow, f.shrink
            if f.basis is not None:
                out["flex_basis"] = self._dim(f.basis, p.path + ("flex", "basis"))
            lo = self._dim(f.min, p.path + ("flex", "min")) if f.min is not None else sty.AUTO
            hi = self._dim(f.max, p.path + ("flex", "max")) if f.max is not None else None
            out["min_size"] = sty.Size(lo, sty.AUTO) if main == "width" else sty.Size(sty.AUTO, lo)
            if hi is not None:
                prev = out.get("max_size", sty.Size(sty.AUTO, sty.AUTO))
                out["max_size"] = sty.Size(hi, prev.height) if main == "width" else sty.Size(prev.width, hi)
            if f.align != "auto":
                out["align_self"] = {"start": sty.AlignSelf.START, "center": sty.AlignSelf.CENTER,
                                     "end": sty.AlignSelf.END, "stretch": sty.AlignSelf.STRETCH}[f.align]
        return out

    def _padding(self, el: Any, path: tuple) -> Any:
        v = el.padding if isinstance(el.padding, list) else [el.padding]
        v = [self._len(x, path + ("padding",)) for x in v]
        top, right, bottom, left = {1: v * 4, 2: v * 2, 4: v}[len(v)]
        return self.sty.Rect(top, right, bottom, left)

    def _len(self, value: Any, path: tuple) -> Any:
        if isinstance(value, str) and value.strip().endswith("%"):
            return self.r.length(value, path, 1.0) * 100 * self.sty.PCT
        return self.r.length(value, path) * self.sty.PT

    _dim = _len

    # ------------------------------------------------------------------ text
    def _style(self, p: Placed, size: Any = None) -> Any:
        from composer.colors import parse_color
        from composer.typeset import text_style

        s = text_style(self.layout, p, parse_color("#000000"))
        return replace(s, valign="top", **({"size": size} if size is not None else {}))

    def _set(self, p: Placed, width: float, height: float, style: Any) -> Any:
        from composer.text import set_text

        try:
            return set_text(p.el.text, Box(0.0, 0.0, max(width, 1.0), height), style, self.lib, element_id=p.id)
        except (FontError, TextFitError, SpecError) as e:
            if e.location is None:
                e.location = self.r.positions.locate(p.path + (("font",) if isinstance(e, FontError) else ("text",)))
            raise

    def _text_measure(self, p: Placed):
        """Taffy's measure callback for a text: its width (given, or hugging its lines) and its set height."""

        def measure(node: Any, known: Any, avail: Any) -> Any:
            try:
                w = known.width.value
                if not _finite(w):
                    aw = avail.width
                    w = aw.value if aw.scale == 1 and _finite(aw.value) else BIG
                if self.pass1 and p.el.font.size in (None, "auto"):
                    return self.SizePoints(width=known.width.value if _finite(known.width.value) else 0.0, height=0.0)
                limit = self.max_h.get(id(p)) or self._height_limit(p) or BIG
                block = self._set(p, w, limit, self._style(p, self.sizes.get(id(p))))
                if not _finite(known.width.value):  # hug the widest line (2 px for ink that overhangs it)
                    w = min(w, math.ceil(max((b.width for b in block.line_boxes), default=0.0) + 2.0))
                return self.SizePoints(width=w, height=set_height(block))
            except Exception as e:  # noqa: BLE001  stretchable would log and swallow it: raise it after the pass
                self.errors.append(e)
            return self.SizePoints(width=0.0, height=0.0)

        return measure

    def _fit_auto(self, p: Placed, box: Box) -> None:
        """Pass 1 gave an auto text its share of the stack: fit the largest size into it."""
        limit = self._height_limit(p)
        height = min(box.height, limit) if limit is not None else box.height
        if height < 1.0:
            height = limit if limit is not None else 1.0
        block = self._set(p, box.width, height, self._style(p))
        self.sizes[id(p)] = block.size
        self.max_h[id(p)] = height
        self.widths[id(p)] = box.width

    def _height_limit(self, p: Placed) -> float | None:
        box = p.el.box
        if box is None or box.height == "auto":
            return None
        return self.r.length(box.height, p.path + ("box", "height"), self.layout.canvas.height)

    def _check_text(self, p: Placed) -> None:
        """Fix an auto text at the size the stack chose, so the final typesetting sets exactly what was measured."""
        size = self.sizes.get(id(p))
        if size is not None:
            p.el = p.el.model_copy(update={"font": p.el.font.model_copy(update={"size": size})})
        # Taffy computes in 32-bit floats: give the box back the exact height its lines were measured at
        limit = self.max_h.get(id(p)) or self._height_limit(p) or BIG
        h = set_height(self._set(p, p.box.width, limit, self._style(p, size)))
        if h > p.box.height:
            p.box = Box(p.box.x, p.box.y, p.box.width, h)

    def _check_overflow(self, root: Placed) -> None:
        """A stack whose children need more room than it has is an error, never silently clipped."""
        for p in root.walk():
            if p.kind != "stack" or not p.children:
                continue
            inner = self.content[id(p)]
            col = p.el.direction == "column"
            start = root.box.y + inner.y if col else root.box.x + inner.x
            end = start + (inner.height if col else inner.width)
            used = max((c.box.bottom if col else c.box.right) for c in p.children)
            first = min((c.box.y if col else c.box.x) for c in p.children)
            if used > end + EPS or first < start - EPS:
                need = used - min(first, start)
                axis = "height" if col else "width"
                parts = ", ".join(f"{c.id} {(c.box.height if col else c.box.width):.0f} px" for c in p.children)
                cls = TextFitError if any(c.kind == "text" for c in p.walk()) else SpecError
                raise cls(path=format_path(p.path), message=f"stack {p.id!r} does not fit its content: its children need {need:.0f} px but its {axis} "
                          f"inside the padding is {end - start:.0f} px; {need - (end - start):.0f} px short ({parts}); "
                          "shorten the text, lower a min_size, or give the stack more room",
                          location=self.r.positions.locate(p.path))


def _panel(p: Placed) -> Placed:
    """The stack's fill and stroke as a rect drawn first, under its children (the text-only redraw skips rects)."""
    from composer.spec import RectElement

    rect = RectElement(type="rect", id=f"{p.el.id}-panel" if p.el.id else None, opacity=p.el.opacity,
                       box={"width": p.box.width, "height": p.box.height}, fill=p.el.fill, stroke=p.el.stroke,
                       stroke_width=p.el.stroke_width, radius=p.el.radius)
    return Placed("rect", rect, p.box, p.path, p.index)


def set_height(block: Any) -> float:
    """The height a typeset block takes: its lines, with ink that overhangs them (as the fitter counts it)."""
    lines = block._layout_lines
    if not lines:
        return 0.0
    top = min(0.0, min(ln.ink_top for ln in lines))
    bottom = max(lines[-1].top + lines[-1].height, max(ln.ink_bottom for ln in lines))
    return bottom - top


def _finite(v: Any) -> bool:
    return isinstance(v, (int, float)) and math.isfinite(v)


def _drop(node: Any) -> None:
    """Free the Taffy nodes: stretchable 1.1 never drops them, and a campaign lays out thousands of stacks."""
    from stretchable import node as st_node
    from stretchable import taffylib
    from stretchable.context import taffy

    for child in list(node):
        _drop(child)
    nid = node._node_id
    st_node._node_refs.pop(nid, None)
    if nid is not None and taffy._ptr:
        taffylib.node_drop(taffy._ptr, nid)


def font_library_for(loaded: Any) -> Any:
    """The font library a build of this spec uses when no build options widen the allowed folders."""
    from composer.assets import resolve_path
    from composer.typeset import font_library

    dirs = tuple(resolve_path(d, loaded.base_dir, (), field=f"fonts[{i}]", location=loaded.positions.locate(("fonts", i)))
                 for i, d in enumerate(loaded.spec.fonts))
    return font_library(dirs)
