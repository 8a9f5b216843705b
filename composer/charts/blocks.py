"""Stacked text blocks (date / title / description) shared by timelines, processes and icon lists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from composer.core.geometry import Box

from .primitives import Label, Measure, make_label, wrap_text

__all__ = ["BlockLine", "Block", "block"]


@dataclass(frozen=True)
class BlockLine:
    """One paragraph of a block: its text, size factor, weight, colour and role."""

    text: str
    scale: float
    weight: int
    color: str
    role: str


@dataclass
class Block:
    """Measured paragraphs wrapped to a width; place() turns them into labels."""

    parts: list[tuple[BlockLine, str, float, float]]  # line, wrapped text, width, height
    gap: float

    @property
    def width(self) -> float:
        return max((w for _, _, w, _ in self.parts), default=0.0)

    @property
    def height(self) -> float:
        return sum(h for *_, h in self.parts) + self.gap * max(0, len(self.parts) - 1)

    def place(self, x: float, y: float, size: float, measure: Measure, anchor: str = "start",
              key: tuple = ()) -> list[Label]:
        """Labels top-down from (x, y), aligned by anchor start|middle|end."""
        out = []
        for line, text, _, h in self.parts:
            out.append(make_label(text, x, y, measure, size=size * line.scale, weight=line.weight,
                                  role=line.role, color=line.color, anchor=anchor, key=key))
            y += h + self.gap
        return out


def block(lines: Sequence[BlockLine], width: float, size: float, measure: Measure) -> Block:
    """Wrap each non-empty line to `width` and measure it."""
    parts = []
    for line in lines:
        if not line.text:
            continue
        s = size * line.scale
        text = wrap_text(line.text, width, s, line.weight, measure)
        w, h = measure(text, s, line.weight)
        parts.append((line, text, w, h))
    return Block(parts, size * 0.25)


def fits(labels: Sequence[Label], box: Box, slack: float = 0.5) -> bool:
    """True when every label lies inside `box` (within `slack` px)."""
    return all(
        l.box.x >= box.x - slack and l.box.right <= box.right + slack
        and l.box.y >= box.y - slack and l.box.bottom <= box.bottom + slack
        for l in labels
    )
