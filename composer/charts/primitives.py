"""Drawing primitives every infographic kind returns: shapes in canvas px plus text labels with boxes.

Templates draw the shapes; the text engine sets each Label inside its box. A Label's box is the
advance/line box of its text as measured by the injected `measure(text, size, weight) -> (w, h)`,
so overlap checks on boxes are checks on what will be drawn.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping, Sequence, Union

from composer.core.geometry import Box, overlaps

__all__ = [
    "Circle",
    "Drawing",
    "Icon",
    "Label",
    "Line",
    "Measure",
    "Path",
    "Rect",
    "Theme",
    "arc_point",
    "auto",
    "boxes_overlap",
    "clamp_label",
    "center_vertically",
    "drop_colliding",
    "extent",
    "fmt",
    "make_label",
    "overlapping_labels",
    "path_points",
    "readable_on",
    "simple_measure",
    "translate",
    "wrap_text",
]

Measure = Callable[[str, float, int], tuple[float, float]]


@dataclass(frozen=True)
class Rect:
    """A (rounded) rectangle."""

    x: float
    y: float
    w: float
    h: float
    fill: str = "none"
    stroke: str | None = None
    stroke_width: float = 0.0
    radius: float = 0.0
    opacity: float = 1.0
    role: str = ""
    key: tuple = ()
    kind = "rect"


@dataclass(frozen=True)
class Line:
    """A straight stroke; dash is an SVG dasharray such as "4 4"."""

    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = "#000000"
    width: float = 1.0
    dash: str | None = None
    opacity: float = 1.0
    role: str = ""
    key: tuple = ()
    kind = "line"


@dataclass(frozen=True)
class Path:
    """SVG path data with fill and stroke."""

    d: str
    fill: str = "none"
    stroke: str | None = None
    width: float = 0.0
    opacity: float = 1.0
    role: str = ""
    key: tuple = ()
    kind = "path"


@dataclass(frozen=True)
class Circle:
    """A circle; with fill "none" and a stroke it is a ring."""

    cx: float
    cy: float
    r: float
    fill: str = "none"
    stroke: str | None = None
    width: float = 0.0
    opacity: float = 1.0
    role: str = ""
    key: tuple = ()
    kind = "circle"


@dataclass(frozen=True)
class Icon:
    """A bundled icon (composer/icons/NAME.svg) drawn in a size x size square at (x, y)."""

    name: str
    x: float
    y: float
    size: float
    color: str = "#000000"
    role: str = "icon"
    key: tuple = ()
    kind = "icon"


@dataclass(frozen=True)
class Label:
    """Text to set in `box`; lines are separated by "\\n" and already broken to fit the box."""

    text: str
    box: Box
    role: str = "label"
    size: float = 16.0
    weight: int = 400
    align: str = "left"  # left | center | right
    color: str = "#111111"
    line_height: float = 1.2
    key: tuple = ()
    # (colour, stroke width px, opacity): a stroke under the glyphs that the legibility stage adds
    # when no colour alone reaches the label's contrast target on the pixels under it
    halo: tuple[str, float, float] | None = None

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


Primitive = Union[Rect, Line, Path, Circle, Icon]


@dataclass
class Drawing:
    """What an element kind produces: shapes in paint order, then labels."""

    primitives: list[Primitive] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)

    def extend(self, other: "Drawing") -> "Drawing":
        """Append another drawing's shapes and labels to this one."""
        self.primitives.extend(other.primitives)
        self.labels.extend(other.labels)
        return self

    def by_role(self, role: str) -> list:
        """Every primitive or label with this role."""
        return [p for p in [*self.primitives, *self.labels] if p.role == role]


@dataclass(frozen=True)
class Theme:
    """Neutral colours and the base text size used by every kind unless the element overrides them."""

    ink: str = "#111111"
    muted: str = "#6B7280"
    grid: str = "#E5E7EB"
    paper: str = "#FFFFFF"
    positive: str = "#1A7F37"
    negative: str = "#CF222E"
    text_size: float = 16.0
    min_text_size: float = 9.0

    @classmethod
    def from_config(cls, config: Mapping[str, object], default: "Theme | None" = None) -> "Theme":
        """Take theme colours/sizes from an element config's keys of the same names."""
        base = default or cls()
        merged = dict(base.__dict__)
        merged.update((k, config[k]) for k in cls.__dataclass_fields__ if config.get(k) is not None)
        return cls(**merged)

    def with_colours(self, colours: Mapping[str, str]) -> "Theme":
        """This theme with some colour roles (ink, muted, grid, paper, positive, negative) replaced."""
        merged = dict(self.__dict__)
        merged.update(colours)
        return Theme(**merged)


def auto(config: Mapping[str, object], key: str, default: object) -> object:
    """config[key], or `default` when it is missing, None or "auto"."""
    value = config.get(key)
    return default if value is None or value == "auto" else value


def simple_measure(text: str, size: float, weight: int = 400) -> tuple[float, float]:
    """A font-free approximation (0.6 em per character, 1.2 em lines) for tests and previews."""
    lines = text.split("\n") or [""]
    factor = 0.62 if weight >= 600 else 0.58
    return max(len(line) for line in lines) * size * factor, size * 1.2 * len(lines)


def make_label(
    text: str,
    x: float,
    y: float,
    measure: Measure,
    *,
    size: float,
    weight: int = 400,
    role: str = "label",
    color: str = "#111111",
    anchor: str = "start",
    valign: str = "top",
    key: tuple = (),
) -> Label:
    """A label whose measured box is anchored at (x, y): anchor start|middle|end, valign top|middle|bottom."""
    w, h = measure(text, size, weight)
    left = x - {"start": 0.0, "middle": w / 2, "end": w}[anchor]
    top = y - {"top": 0.0, "middle": h / 2, "bottom": h}[valign]
    align = {"start": "left", "middle": "center", "end": "right"}[anchor]
    return Label(text, Box(left, top, w, h), role, size, weight, align, color, key=key)


def clamp_label(label: Label, box: Box) -> Label:
    """The label shifted (not resized) so its box lies inside `box` where it can."""
    b = label.box
    x = min(max(b.x, box.x), box.right - b.width) if b.width <= box.width else b.x
    y = min(max(b.y, box.y), box.bottom - b.height) if b.height <= box.height else b.y
    if (x, y) == (b.x, b.y):
        return label
    from dataclasses import replace

    return replace(label, box=Box(x, y, b.width, b.height))


def wrap_text(text: str, width: float, size: float, weight: int, measure: Measure) -> str:
    """Greedy word wrap to `width`; returns the text with "\\n" between lines (words never split)."""
    out: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}" if line else word
            if line and measure(trial, size, weight)[0] > width:
                out.append(line)
                line = word
            else:
                line = trial
        out.append(line)
    return "\n".join(out)


def boxes_overlap(a: Box, b: Box, tolerance: float = 0.01) -> bool:
    """True when two boxes share more than `tolerance` px in both directions."""
    return overlaps(a, b, tolerance)


def overlapping_labels(labels: Sequence[Label]) -> list[tuple[Label, Label]]:
    """Every pair of labels whose boxes overlap (empty when the layout is clean)."""
    found = []
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            if boxes_overlap(a.box, b.box):
                found.append((a, b))
    return found


def drop_colliding(labels: Iterable[Label], keep: Sequence[Label] = ()) -> list[Label]:
    """Keep labels in priority order, skipping any that would overlap one already kept."""
    kept = list(keep)
    out = []
    for label in labels:
        if not any(boxes_overlap(label.box, k.box) for k in kept):
            kept.append(label)
            out.append(label)
    return out


def readable_on(fill: str, theme: "Theme") -> str:
    """Ink or paper, whichever has the higher WCAG contrast on a "#RRGGBB" fill."""
    from composer.core.colour import contrast_ratio, relative_luminance

    try:
        rgb = [int(fill.lstrip("#")[k : k + 2], 16) for k in (0, 2, 4)]
    except ValueError:
        return theme.ink
    lum = float(relative_luminance(rgb))
    ink = [int(theme.ink.lstrip("#")[k : k + 2], 16) for k in (0, 2, 4)]
    paper = [int(theme.paper.lstrip("#")[k : k + 2], 16) for k in (0, 2, 4)]
    c_ink = float(contrast_ratio(lum, float(relative_luminance(ink))))
    c_paper = float(contrast_ratio(lum, float(relative_luminance(paper))))
    return theme.ink if c_ink >= c_paper else theme.paper


_NUMBER = re.compile(r"-?\d*\.?\d+(?:e-?\d+)?")


def translate(drawing: Drawing, dx: float, dy: float) -> Drawing:
    """The same drawing moved by (dx, dy); paths must use absolute M/L/H/V/Z/h/v/z commands only."""
    from dataclasses import replace

    def move_path(d: str) -> str:
        out, pos, cmd, k = [], 0, "M", 0
        for m in re.finditer(r"([A-Za-z])|(" + _NUMBER.pattern + ")", d):
            out.append(d[pos : m.start()])
            pos = m.end()
            if m.group(1):
                cmd, k = m.group(1), 0
                out.append(cmd)
                continue
            v = float(m.group(2))
            if cmd in "ML":
                v += dx if k % 2 == 0 else dy
            elif cmd == "H":
                v += dx
            elif cmd == "V":
                v += dy
            elif cmd == "A" and k % 7 in (5, 6):
                v += dx if k % 7 == 5 else dy
            k += 1
            out.append(fmt(v))
        out.append(d[pos:])
        return "".join(out)

    prims: list[Primitive] = []
    for p in drawing.primitives:
        if isinstance(p, (Rect, Icon)):
            prims.append(replace(p, x=p.x + dx, y=p.y + dy))
        elif isinstance(p, Circle):
            prims.append(replace(p, cx=p.cx + dx, cy=p.cy + dy))
        elif isinstance(p, Line):
            prims.append(replace(p, x1=p.x1 + dx, y1=p.y1 + dy, x2=p.x2 + dx, y2=p.y2 + dy))
        else:
            prims.append(replace(p, d=move_path(p.d)))
    labels = [replace(l, box=Box(l.box.x + dx, l.box.y + dy, l.box.width, l.box.height)) for l in drawing.labels]
    return Drawing(prims, labels)


def path_points(d: str) -> list[tuple[float, float]]:
    """The vertices of path data (M/L/H/V/A/Z and relative h/v/l/m); arcs by their end points only."""
    points: list[tuple[float, float]] = []
    x = y = 0.0
    for cmd, args in re.findall(r"([A-Za-z])([^A-Za-z]*)", d):
        nums = [float(v) for v in _NUMBER.findall(args)]
        step = {"M": 2, "L": 2, "m": 2, "l": 2, "H": 1, "V": 1, "h": 1, "v": 1, "A": 7}.get(cmd, 0)
        for k in range(0, len(nums) - step + 1, step) if step else ():
            a = nums[k : k + step]
            if cmd in "ML":
                x, y = a
            elif cmd in "ml":
                x, y = x + a[0], y + a[1]
            elif cmd == "H":
                x = a[0]
            elif cmd == "V":
                y = a[0]
            elif cmd == "h":
                x += a[0]
            elif cmd == "v":
                y += a[0]
            elif cmd == "A":
                x, y = a[5], a[6]
            points.append((x, y))
    return points


def extent(drawing: Drawing) -> Box | None:
    """The bounding box of the drawing's labels and shapes (paths by their coordinates)."""
    xs: list[float] = []
    ys: list[float] = []
    for p in drawing.primitives:
        if isinstance(p, (Rect,)):
            xs += [p.x, p.x + p.w]
            ys += [p.y, p.y + p.h]
        elif isinstance(p, Icon):
            xs += [p.x, p.x + p.size]
            ys += [p.y, p.y + p.size]
        elif isinstance(p, Circle):
            xs += [p.cx - p.r, p.cx + p.r]
            ys += [p.cy - p.r, p.cy + p.r]
        elif isinstance(p, Line):
            xs += [p.x1, p.x2]
            ys += [p.y1, p.y2]
        else:
            for x, y in path_points(p.d):
                xs.append(x)
                ys.append(y)
    for l in drawing.labels:
        xs += [l.box.x, l.box.right]
        ys += [l.box.y, l.box.bottom]
    if not xs:
        return None
    return Box(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))


def center_vertically(drawing: Drawing, box: Box) -> Drawing:
    """Move a drawing laid out from the top of `box` down so its content is centred in the box."""
    ext = extent(drawing)
    if ext is None or ext.height >= box.height:
        return drawing
    return translate(drawing, 0.0, box.y + (box.height - ext.height) / 2 - ext.y)


def fmt(v: float) -> str:
    """A compact decimal for SVG path data."""
    if abs(v - round(v)) < 1e-6:
        return str(int(round(v)))
    return f"{v:.2f}".rstrip("0").rstrip(".")


def arc_point(cx: float, cy: float, r: float, angle: float) -> tuple[float, float]:
    """The point at `angle` radians, measured clockwise from 12 o'clock."""
    return cx + r * math.sin(angle), cy - r * math.cos(angle)
