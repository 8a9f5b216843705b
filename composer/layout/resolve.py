"""Resolve a validated spec into canvas pixels: the canvas, the brand, and a tree of placed elements."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from composer.spec import model as S
from composer.core.colour import RGBA, ColorError, parse_color
from composer.core.errors import SpecError
from composer.spec.loader import LoadedSpec
from composer.core.units import CANVAS_PRESETS, UnitError, parse_length
from composer.spec.yamlload import format_path
from composer.core.geometry import Box

from composer.core.limits import MAX_CANVAS_PIXELS, MAX_SIDE  # noqa: E402

DEFAULT_COLORS = {
    "primary": "#0B5FFF", "accent": "#FFB000", "ink": "#111111", "paper": "#FFFFFF", "dark": "#101820",
}
DEFAULT_FONTS = {"heading": ("Inter", 800, "normal"), "body": ("Inter", 400, "normal")}


@dataclass(frozen=True)
class Canvas:
    """The trim size in pixels, the dpi, and the bleed (pixels on every side)."""

    width: int
    height: int
    dpi: float
    bleed: float
    background: RGBA | None
    physical: bool  # the size was given in physical units (a print spec)

    @property
    def full_width(self) -> int:
        return int(round(self.width + 2 * self.bleed))

    @property
    def full_height(self) -> int:
        return int(round(self.height + 2 * self.bleed))

    @property
    def box(self) -> Box:
        return Box(0, 0, self.width, self.height)


@dataclass
class Brand:
    """Resolved brand: colours by name, font roles, and the logo file."""

    colors: dict[str, RGBA]
    fonts: dict[str, tuple[str, int, str]]
    logo: Path | None = None  # the one logo, or the first variant
    logos: dict[str, Path] = field(default_factory=dict)  # "" (the one logo), or "dark" / "light" variants

    def palette(self, first: RGBA | None = None) -> tuple[str, ...]:
        """The generators' palette roles: base (dark), primary, accent, paper; `first` replaces the base."""
        roles = []
        for name in ("dark", "primary", "accent", "paper"):
            c = self.colors.get(name) or self.colors.get({"dark": "ink", "paper": "paper"}.get(name, name))
            roles.append(c.hex if c else DEFAULT_COLORS[name])
        if first is not None:
            roles[0] = first.hex
        return tuple(roles)


@dataclass
class Placed:
    """One element of the tree with its box in canvas pixels."""

    kind: str
    el: Any  # the pydantic element model
    box: Box | None
    path: tuple
    index: int
    children: list[Placed] = field(default_factory=list)

    @property
    def frame(self) -> Box:
        """The box, for an element that has one: every element but a line, once the text stage has arranged stacks."""
        if self.box is None:
            raise AssertionError(f"{self.kind} element at {self.path} has no box")
        return self.box

    @property
    def id(self) -> str:
        return self.el.id or f"{self.kind}-{'-'.join(str(p) for p in self.path if isinstance(p, int))}"

    def walk(self) -> Iterator[Placed]:
        yield self
        for c in self.children:
            yield from c.walk()


class Resolver:
    """Turns spec values into pixels and colours, raising SpecError at the value's location."""

    def __init__(self, loaded: LoadedSpec):
        self.loaded = loaded
        self.positions = loaded.positions
        self.dpi = 96.0
        self.canvas: Canvas | None = None
        self.brand = Brand({k: parse_color(v) for k, v in DEFAULT_COLORS.items()}, dict(DEFAULT_FONTS))

    def fail(self, path: tuple, message: str) -> SpecError:
        return SpecError(message, location=self.positions.locate(path), path=format_path(path))

    def length(self, value: object, path: tuple, reference: float | None = None) -> float:
        try:
            return parse_length(value, dpi=self.dpi, reference=reference)
        except UnitError as e:
            raise self.fail(path, str(e)) from None

    def color(self, value: object, path: tuple) -> RGBA:
        try:
            return parse_color(value, self.brand.colors)
        except ColorError as e:
            raise self.fail(path, str(e)) from None

    def box(self, spec: S.BoxSpec, path: tuple, parent: Box) -> Box:
        for k in ("width", "height"):
            if getattr(spec, k) == "auto":
                raise self.fail(path + (k,), f"invalid {k} 'auto'; allowed: a length (auto sizes only work inside a stack)")
        x = self.length(spec.x, path + ("x",), parent.width)
        y = self.length(spec.y, path + ("y",), parent.height)
        w = self.length(spec.width, path + ("width",), parent.width)
        h = self.length(spec.height, path + ("height",), parent.height)
        if w <= 0 or h <= 0:
            bad = "width" if w <= 0 else "height"
            raise self.fail(path + (bad,), f"invalid {bad} {getattr(spec, bad)!r}; allowed: a size greater than 0")
        if max(abs(x), abs(y), w, h) > 4 * MAX_SIDE:
            raise self.fail(path, f"box is far outside the canvas ({x:g}, {y:g}, {w:g}×{h:g} px)")
        return Box(parent.x + x, parent.y + y, w, h)


def resolve_canvas(r: Resolver, spec: S.Spec) -> Canvas:
    """Size, dpi and bleed in pixels; presets fill in what the spec leaves out."""
    c = spec.canvas
    width, height, dpi = c.width, c.height, c.dpi
    physical = False
    if c.preset is not None:
        key = c.preset.lower()
        if key not in CANVAS_PRESETS:
            import difflib

            hint = difflib.get_close_matches(key, list(CANVAS_PRESETS), n=1)
            did = f"did you mean {hint[0]!r}? " if hint else ""
            raise r.fail(("canvas", "preset"), f"unknown canvas preset {c.preset!r}; {did}allowed: {', '.join(CANVAS_PRESETS)}")
        pw, ph, pdpi = CANVAS_PRESETS[key]
        width = pw if width is None else width
        height = ph if height is None else height
        dpi = pdpi if dpi is None else dpi
    if width is None or height is None:
        missing = "width" if width is None else "height"
        raise r.fail(("canvas",), f"missing canvas {missing}; give width and height, or a preset ({', '.join(CANVAS_PRESETS)})")
    r.dpi = float(dpi or 96)
    w = r.length(width, ("canvas", "width"))
    h = r.length(height, ("canvas", "height"))
    physical = any(isinstance(v, str) and not v.strip().endswith(("px", "%")) and not v.strip().replace(".", "").isdigit() for v in (width, height))
    if c.orientation == "landscape" and h > w or c.orientation == "portrait" and w > h:
        w, h = h, w
    for name, v in (("width", w), ("height", h)):
        if v < 1:
            raise r.fail(("canvas", name), f"invalid canvas {name} {v:g} px; allowed: at least 1 px")
        if v > MAX_SIDE:
            raise r.fail(("canvas", name), f"canvas {name} {v:,.0f} px is over the {MAX_SIDE:,} px limit")
    bleed = r.length(c.bleed, ("canvas", "bleed"))
    if bleed < 0 or bleed > min(w, h) / 4:
        raise r.fail(("canvas", "bleed"), f"invalid bleed {c.bleed!r}; allowed: 0 up to a quarter of the shorter side")
    wi, hi = int(round(w)), int(round(h))
    total = (wi + 2 * bleed) * (hi + 2 * bleed)
    if total > MAX_CANVAS_PIXELS:
        raise r.fail(
            ("canvas",),
            f"canvas is {wi:,}×{hi:,} px ({total / 1e6:.0f} megapixels), over the {MAX_CANVAS_PIXELS // 1_000_000} megapixel cap; "
            "lower the dpi or the size",
        )
    bg = r.color(c.background, ("canvas", "background")) if c.background else None
    b = spec.background
    if bg is None and b.style == "flat" and not (b.image or b.prompt):
        bg = r.brand.colors.get("paper")  # style: flat is a flat page in the brand's paper colour
    return Canvas(wi, hi, r.dpi, float(round(bleed)), bg, physical or bleed > 0)


def resolve_brand(r: Resolver, spec: S.Spec) -> None:
    """Merge the spec's brand over Placard's defaults (colours may refer to each other)."""
    b = spec.brand
    if b is None or isinstance(b, str):
        return
    for name, value in b.colors.items():
        r.brand.colors[name] = r.color(value, ("brand", "colors", name))
    for role, f in b.fonts.items():
        r.brand.fonts[role] = (f.family, f.weight, f.style)
    if b.logo:
        from composer.core.paths import resolve_path

        base, allowed = r.loaded.brand_roots()
        named = {"": b.logo} if isinstance(b.logo, str) else {k: v for k, v in b.logo.model_dump().items() if v}
        for key, value in named.items():
            where = ("brand", "logo", key) if key else ("brand", "logo")
            field = "brand.logo" + (f".{key}" if key else "")
            r.brand.logos[key] = resolve_path(value, base, allowed, field=field, location=r.positions.locate(where), kind="file")
        r.brand.logo = r.brand.logos.get("") or r.brand.logos.get("dark") or r.brand.logos.get("light")


def place_elements(r: Resolver, elements: list, parent: Box, prefix: tuple) -> list[Placed]:
    """Place elements (and group children, relative to their group) in list order, which is z-order."""
    out = []
    for i, el in enumerate(elements):
        path = prefix + (i,)
        box = r.box(el.box, path + ("box",), parent) if getattr(el, "box", None) is not None else None
        node = Placed(el.type, el, box, path, i)
        if el.flex is not None:
            raise r.fail(path + ("flex",), "flex only applies to elements inside a stack; use box here, or put the element in a stack")
        if el.type == "group":
            node.children = place_elements(r, el.elements, box or parent, path + ("elements",))
        elif el.type == "stack":  # children get their boxes when the text stage arranges stacks (text/stack.py)
            node.children = stack_children(r, el, path)
        out.append(node)
    return out


def stack_children(r: Resolver, el: S.StackElement, path: tuple) -> list[Placed]:
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


@dataclass
class Layout:
    """The resolved design: canvas, brand, and the element tree in z-order."""

    canvas: Canvas
    brand: Brand
    elements: list[Placed]
    resolver: Resolver

    def walk(self) -> Iterator[Placed]:
        for e in self.elements:
            yield from e.walk()

    def text_elements(self) -> list[Placed]:
        return [e for e in self.walk() if e.kind == "text"]


def resolve_layout(loaded: LoadedSpec) -> Layout:
    """Resolve canvas, brand and element boxes; every mistake raises at its spec location.

    Elements inside a stack have no box yet: the text stage arranges stacks (composer.text.stack.lay_out).
    """
    r = Resolver(loaded)
    spec = loaded.spec
    resolve_brand(r, spec)
    canvas = resolve_canvas(r, spec)
    r.canvas = canvas
    elements = place_elements(r, spec.elements, canvas.box, ("elements",))
    from composer.layout.bleed import extend_into_bleed

    extend_into_bleed(elements, canvas.width, canvas.height, canvas.bleed)
    seen: dict[str, tuple] = {}
    for e in (x for top in elements for x in top.walk()):
        if e.el.id:
            if e.el.id in seen:
                raise r.fail(e.path + ("id",), f"duplicate element id {e.el.id!r} (also at {format_path(seen[e.el.id])})")
            seen[e.el.id] = e.path
    return Layout(canvas, r.brand, elements, r)
