"""Drawing primitives every infographic kind returns: shapes in canvas px plus text labels with boxes.

Templates draw the shapes; the text engine sets each Label inside its box. A Label's box is the
advance/line box of its text as measured by the injected `measure(text, size, weight) -> (w, h)`,
so overlap checks on boxes are checks on what will be drawn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence, Union

from generator.base import Box

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
    "boxes_overlap",
    "make_label",
    "overlapping_labels",
    "simple_measure",
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
    def from_config(cls, config: dict, default: "Theme | None" = None) -> "Theme":
        """Take theme colours/sizes from an element config's keys of the same names."""
        base = default or cls()
        values = {k: config[k] for k in cls.__dataclass_fields__ if config.get(k) is not None}
        return cls(**{**base.__dict__, **values})


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
    return (
        min(a.right, b.right) - max(a.x, b.x) > tolerance
        and min(a.bottom, b.bottom) - max(a.y, b.y) > tolerance
    )


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


def fmt(v: float) -> str:
    """A compact decimal for SVG path data."""
    if abs(v - round(v)) < 1e-6:
        return str(int(round(v)))
    return f"{v:.2f}".rstrip("0").rstrip(".")


def arc_point(cx: float, cy: float, r: float, angle: float) -> tuple[float, float]:
    """The point at `angle` radians, measured clockwise from 12 o'clock."""
    return cx + r * math.sin(angle), cy - r * math.cos(angle)
