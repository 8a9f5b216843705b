"""Boxes in canvas pixels, and the few operations every stage needs on them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Box", "bounds", "intersection_area", "overlaps"]


@dataclass(frozen=True)
class Box:
    """An axis-aligned box in canvas pixels."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    def as_dict(self) -> dict[str, float]:
        return {"x": self.x, "y": self.y, "width": self.width, "height": self.height}

    def inflate(self, dx: float, dy: float | None = None) -> Box:
        """The box grown by `dx` on the left and right and `dy` (default `dx`) on the top and bottom."""
        dy = dx if dy is None else dy
        return Box(self.x - dx, self.y - dy, self.width + 2 * dx, self.height + 2 * dy)


def intersection_area(a: Box, b: Box) -> float:
    """The area two boxes share (0 when they do not overlap)."""
    w = min(a.right, b.right) - max(a.x, b.x)
    h = min(a.bottom, b.bottom) - max(a.y, b.y)
    return w * h if w > 0 and h > 0 else 0.0


def overlaps(a: Box, b: Box, tolerance: float = 0.0) -> bool:
    """True when two boxes share more than `tolerance` px in both directions."""
    return min(a.right, b.right) - max(a.x, b.x) > tolerance and min(a.bottom, b.bottom) - max(a.y, b.y) > tolerance


def bounds(xs: Iterable[float], ys: Iterable[float], pad: float = 0.0) -> Box:
    """The smallest box holding every point, grown by `pad` on each side."""
    xs, ys = list(xs), list(ys)
    return Box(min(xs) - pad, min(ys) - pad, max(xs) - min(xs) + 2 * pad, max(ys) - min(ys) + 2 * pad)
