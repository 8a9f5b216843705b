"""Stacks: children flow in a column or a row, placed by a real flexbox engine (Taffy, via stretchable).

Text children take their *set* height: each text is typeset first and its lines measured at the
chosen size, so a longer headline pushes what follows down instead of failing its box.
A text with `size: auto` gets the largest size that fits its width and its maximum height: the
box's `height` when given, otherwise its share of the space the stack has left (pass 1 lets
such texts grow into the free space, pass 2 lays everything out at the sizes chosen).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING

from composer.layout import flexbox as fb
from composer.core.errors import FontError, SpecError, TextFitError
from composer.core.paths import resolve_path
from composer.layout.resolve import Layout, Placed, place_elements, resolve_layout
from composer.spec.loader import LoadedSpec
from composer.text.fonts import FontLibrary
from composer.spec.yamlload import format_path
from composer.core.geometry import Box

if TYPE_CHECKING:
    from composer.spec.model import StackElement
    from composer.text.block import TextBlock
    from composer.text.style import TextStyle

BIG = 1_000_000.0  # "no limit" for a text's height while it is measured
EPS = 0.5


def arrange(layout: Layout, lib: FontLibrary) -> None:
    """Give every element inside a stack its box (canvas px); stacks inside groups too."""
    _arrange_in(layout, layout.elements, lib)


def _arrange_in(layout: Layout, nodes: list[Placed], lib: FontLibrary) -> None:
    for p in nodes:
        if p.kind == "stack":
            if p.box is None:
                raise layout.resolver.fail(p.path, "a stack needs a box (x, y, width, height) unless it sits inside another stack")
            with fb.LOCK:
                _Flow(layout, lib).run(p)
            _place_groups(layout, p, lib)
        elif p.kind == "group":
            _arrange_in(layout, p.children, lib)


def _place_groups(layout: Layout, stack: Placed, lib: FontLibrary) -> None:
    """Groups inside a stack got their box from the flow: now place their own children in it."""
    for c in stack.children:
        if c.kind == "group":
            c.children = place_elements(layout.resolver, c.el.elements, c.frame, c.path + ("elements",))
            _arrange_in(layout, c.children, lib)
        elif c.kind == "stack":
            _place_groups(layout, c, lib)


class _Flow:
    """One outermost stack: build the Taffy tree, measure text, compute, read boxes back."""

    def __init__(self, layout: Layout, lib: FontLibrary):
        self.layout, self.r, self.lib = layout, layout.resolver, lib
        self.en = fb.modules()[2]  # stretchable.style: Taffy's enums
        self.max_h: dict[int, float] = {}  # id(Placed) -> the height an auto text was fitted into
        self.sizes: dict[int, float] = {}  # id(Placed) -> the size chosen for an auto text
        self.widths: dict[int, float] = {}  # id(Placed) -> the width an auto text was fitted into
        self.styles: dict[tuple, TextStyle] = {}
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
        for p in root.walk():
            if p.kind not in ("text", "stack") and (p.frame.width < 0.5 or p.frame.height < 0.5):
                axis = "width" if p.frame.width < 0.5 else "height"
                raise self.r.fail(p.path, f"{p.kind} {p.id!r} got no {axis} in its stack; give its box a {axis}, "
                                  "or let it grow (flex: {grow: 1})")
        self._check_overflow(root)
        for p in [p for p in root.walk() if p.kind == "stack" and (p.el.fill is not None or p.el.stroke)]:
            p.children.insert(0, _panel(p))

    def _texts(self, root: Placed) -> list[Placed]:
        return [p for p in root.walk() if p.kind == "text"]

    def _compute(self, root: Placed) -> dict[int, Box]:
        """Lay the tree out once; returns every node's box in canvas px (keyed by id of its Placed)."""
        self.nodes: list[tuple[Placed, int]] = []
        self.errors: list[Exception] = []
        tree = fb.Tree()
        try:
            rid = self._container(tree, None, root, None)
            tree.compute(rid, root.frame.width, root.frame.height)
            if self.errors:
                raise self.errors[0]
            got = tree.boxes(root.frame.x, root.frame.y)
            self.content = {id(p): Box(*got[nid][1]) for p, nid in self.nodes if p.kind == "stack"}
            return {id(p): Box(*got[nid][0]) for p, nid in self.nodes}
        finally:
            tree.drop()

    # ------------------------------------------------------------------ tree building
    def _container(self, tree: fb.Tree, parent: int | None, p: Placed, parent_dir: str | None) -> int:
        el, en = p.el, self.en
        gap = self._len(el.gap, p.path + ("gap",))
        style = dict(
            flex_direction=en.FlexDirection.COLUMN if el.direction == "column" else en.FlexDirection.ROW,
            gap=fb.size(gap, gap), padding=self._padding(el, p.path),
            align_items={"start": en.AlignItems.START, "center": en.AlignItems.CENTER, "end": en.AlignItems.END,
                         "stretch": en.AlignItems.STRETCH}[el.align],
            justify_content={"start": en.JustifyContent.START, "center": en.JustifyContent.CENTER,
                             "end": en.JustifyContent.END, "space-between": en.JustifyContent.SPACE_BETWEEN,
                             "space-around": en.JustifyContent.SPACE_AROUND,
                             "space-evenly": en.JustifyContent.SPACE_EVENLY}[el.justify],
        )
        if parent_dir is not None:
            style.update(self._item(p, parent_dir))
        else:
            style["size"] = fb.size(fb.pt(p.frame.width), fb.pt(p.frame.height))
        nid = tree.node(parent, **style)
        self.nodes.append((p, nid))
        for c in p.children:
            if c.kind == "stack":
                self._container(tree, nid, c, el.direction)
            else:
                self._leaf(tree, nid, c, el.direction)
        return nid

    def _leaf(self, tree: fb.Tree, parent: int, p: Placed, parent_dir: str) -> None:
        style = self._item(p, parent_dir)
        measure = None
        if p.kind == "text":
            measure = self._text_measure(p)
            if self.pass1 and p.el.font.size in (None, "auto"):
                style["flex_grow"] = 1000.0  # pass 1: auto texts share the free space before any spacer grows
                style["flex_basis"] = fb.pt(0)
            elif id(p) in self.widths and parent_dir == "row":  # pass 2: keep the width it was fitted into
                style["size"] = fb.size(fb.pt(self.widths[id(p)]), style["size"]["height"])
        self.nodes.append((p, tree.node(parent, measure, **style)))

    def _item(self, p: Placed, parent_dir: str) -> dict:
        """Flex-item style: sizes from the box, grow/shrink/basis/min/max/align from `flex`."""
        el, en = p.el, self.en
        main = "height" if parent_dir == "column" else "width"
        box = getattr(el, "box", None)
        sz = {"width": fb.AUTO, "height": fb.AUTO}
        if box is not None:
            for axis in ("width", "height"):
                v = getattr(box, axis)
                if v != "auto":
                    sz[axis] = self._len(v, p.path + ("box", axis))
        out: dict[str, object] = {"flex_shrink": 0.0}
        limits = {"width": fb.AUTO, "height": fb.AUTO}
        if p.kind == "text":  # a text's height is its set height; a height in its box is the most it may take
            limits["height"], sz["height"] = sz["height"], fb.AUTO
        out["size"] = fb.size(sz["width"], sz["height"])
        f = el.flex
        if f is not None:
            out["flex_grow"], out["flex_shrink"] = f.grow, f.shrink
            if f.basis is not None:
                out["flex_basis"] = self._len(f.basis, p.path + ("flex", "basis"))
            if f.min is not None:
                out["min_size"] = fb.size(**{main: self._len(f.min, p.path + ("flex", "min"))})
            if f.max is not None:
                limits[main] = self._len(f.max, p.path + ("flex", "max"))
            if f.align != "auto":
                out["align_self"] = {"start": en.AlignSelf.START, "center": en.AlignSelf.CENTER,
                                     "end": en.AlignSelf.END, "stretch": en.AlignSelf.STRETCH}[f.align]
        out["max_size"] = fb.size(limits["width"], limits["height"])
        return out

    def _padding(self, el: StackElement, path: tuple) -> dict:
        given = el.padding if isinstance(el.padding, list) else [el.padding]
        v = [self._len(x, path + ("padding",)) for x in given]
        return fb.rect(*{1: v * 4, 2: v * 2, 4: v}[len(v)])

    def _len(self, value: object, path: tuple) -> dict:
        if isinstance(value, str) and value.strip().endswith("%"):
            return fb.pct(self.r.length(value, path, 1.0))
        return fb.pt(self.r.length(value, path))

    # ------------------------------------------------------------------ text
    def _style(self, p: Placed, size: float | None = None) -> TextStyle:
        from composer.text.typeset import text_style

        key = (id(p), size)
        if key not in self.styles:  # Taffy measures a text several times per pass
            s = text_style(self.layout, p)
            self.styles[key] = replace(s, valign="top", size=s.size if size is None else size)
        return self.styles[key]

    def _set(self, p: Placed, width: float, height: float, style: TextStyle) -> TextBlock:
        from composer.text import set_text

        try:
            return set_text(p.el.text, Box(0.0, 0.0, max(width, 1.0), height), style, self.lib, element_id=p.id)
        except (FontError, TextFitError, SpecError) as e:
            if e.location is None:
                e.location = self.r.positions.locate(p.path + (("font",) if isinstance(e, FontError) else ("text",)))
            raise

    def _text_measure(self, p: Placed) -> fb.Measure:
        """Taffy's measure callback for a text: its width (given, or hugging its lines) and its set height."""

        def measure(known_w: float, known_h: float, avail_w: tuple, avail_h: tuple) -> tuple[float, float]:
            try:
                known = _finite(known_w)
                w = known_w if known else (avail_w[1] if avail_w[0] == "definite" and _finite(avail_w[1]) else BIG)
                if self.pass1 and p.el.font.size in (None, "auto"):
                    return (known_w if known else 0.0, 0.0)
                limit = self.max_h.get(id(p)) or self._height_limit(p) or BIG
                block = self._set(p, w, limit, self._style(p, self.sizes.get(id(p))))
                if not known:  # hug the widest line (2 px for ink that overhangs it)
                    w = min(w, math.ceil(max((b.width for b in block.line_boxes), default=0.0) + 2.0))
                return (w, set_height(block))
            except Exception as e:  # noqa: BLE001  Taffy's callback cannot raise: report it after the pass
                self.errors.append(e)
            return (0.0, 0.0)

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
        """A text's most height in px; a % of its parent is left to Taffy's max-size (the parent is not laid out yet)."""
        box = p.el.box
        if box is None or box.height == "auto" or (isinstance(box.height, str) and box.height.strip().endswith("%")):
            return None
        return self.r.length(box.height, p.path + ("box", "height"))

    def _check_text(self, p: Placed) -> None:
        """Fix an auto text at the size the stack chose, so the final typesetting sets exactly what was measured."""
        size = self.sizes.get(id(p))
        if size is not None:
            p.el = p.el.model_copy(update={"font": p.el.font.model_copy(update={"size": size})})
        # Taffy computes in 32-bit floats: give the box back the exact height its lines were measured at
        limit = self.max_h.get(id(p)) or self._height_limit(p) or BIG
        box = p.frame
        h = set_height(self._set(p, box.width, limit, self._style(p, size)))
        if box.height < h <= box.height + 0.01:  # more than that: a max-size clamped it, typesetting decides
            p.box = Box(box.x, box.y, box.width, h)

    def _check_overflow(self, root: Placed) -> None:
        """A stack whose children need more room than it has is an error, never silently clipped."""
        for p in root.walk():
            if p.kind != "stack" or not p.children:
                continue
            inner = self.content[id(p)]
            col = p.el.direction == "column"
            start = inner.y if col else inner.x
            end = start + (inner.height if col else inner.width)
            used = max((c.frame.bottom if col else c.frame.right) for c in p.children)
            first = min((c.frame.y if col else c.frame.x) for c in p.children)
            if used > end + EPS or first < start - EPS:
                need = used - min(first, start)
                axis = "height" if col else "width"
                parts = ", ".join(f"{c.id} {(c.frame.height if col else c.frame.width):.0f} px" for c in p.children)
                cls = TextFitError if any(c.kind == "text" for c in p.walk()) else SpecError
                raise cls(f"stack {p.id!r} does not fit its content: its children need {need:.0f} px but its {axis} "
                          f"inside the padding is {end - start:.0f} px; {need - (end - start):.0f} px short ({parts}); "
                          "shorten the text, lower a min_size, or give the stack more room",
                          location=self.r.positions.locate(p.path), path=format_path(p.path))


def _panel(p: Placed) -> Placed:
    """The stack's fill and stroke as a rect drawn first, under its children (the text-only redraw skips rects)."""
    from composer.spec.model import BoxSpec, RectElement

    rect = RectElement(type="rect", id=f"{p.el.id}-panel" if p.el.id else None, opacity=p.el.opacity,
                       box=BoxSpec(width=p.frame.width, height=p.frame.height), fill=p.el.fill, stroke=p.el.stroke,
                       stroke_width=p.el.stroke_width, radius=p.el.radius)
    return Placed("rect", rect, p.box, p.path, p.index)


def set_height(block: TextBlock) -> float:
    """The height a typeset block takes: its lines, with ink that overhangs them (as the fitter counts it)."""
    lines = block._layout_lines
    if not lines:
        return 0.0
    top = min(0.0, min(ln.ink_top for ln in lines))
    bottom = max(lines[-1].top + lines[-1].height, max(ln.ink_bottom for ln in lines))
    return bottom - top


def _finite(v: object) -> bool:
    return isinstance(v, (int, float)) and math.isfinite(v)


def lay_out(loaded: LoadedSpec, lib: FontLibrary | None = None) -> Layout:
    """The layout with every stack arranged: resolve_layout, then text sets the heights stacks flow by.

    `lib` is the build's font library (by default the spec's own font folders, with no extra allowed folders).
    """
    from composer.text.typeset import font_library

    layout = resolve_layout(loaded)
    if any(e.kind == "stack" for e in layout.walk()):
        if lib is None:
            dirs = tuple(resolve_path(d, loaded.base_dir, (), field=f"fonts[{i}]", location=loaded.positions.locate(("fonts", i)))
                         for i, d in enumerate(loaded.spec.fonts))
            lib = font_library(dirs)
        arrange(layout, lib)
    return layout
