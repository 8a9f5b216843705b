"""Text masks: the layout's text boxes, dilated by a margin and feathered, as a float array."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from PIL import Image, ImageFilter

from generator.base import Box


def text_mask(
    width: int,
    height: int,
    boxes: Iterable[Box],
    *,
    margin: float | None = None,
    feather: float | None = None,
) -> np.ndarray:
    """Return an (height, width) float32 array in [0, 1]: 1 inside the dilated text boxes.

    margin defaults to 2% of the shorter side, feather (the Gaussian blur radius of the edge)
    to 3%. The hard core of each box stays at 1 after feathering: the blur is applied to a
    mask dilated by `feather`, and the result is maxed with the undilated boxes.
    """
    short = min(width, height)
    margin = 0.02 * short if margin is None else margin
    feather = 0.03 * short if feather is None else feather
    hard = Image.new("L", (width, height), 0)
    soft = Image.new("L", (width, height), 0)
    for b in boxes:
        core = (b.x - margin, b.y - margin, b.right + margin, b.bottom + margin)
        fill_rect(hard, core)
        fill_rect(soft, (core[0] - feather, core[1] - feather, core[2] + feather, core[3] + feather))
    if feather > 0:
        soft = soft.filter(ImageFilter.GaussianBlur(feather / 2))
    out = np.maximum(np.asarray(hard, np.float32), np.asarray(soft, np.float32)) / 255.0
    return out


def fill_rect(image: Image.Image, xy: tuple[float, float, float, float], value: int = 255) -> None:
    """Fill the pixels `ImageDraw.rectangle(xy, fill=value)` fills: corners truncated to ints, both ends included.

    Written out because importing ImageDraw imports ImageFont and FreeType's binding, about 13 ms of
    a cold build that draws only rectangles here (tests/generator/test_masks.py compares the two).
    """
    x0, y0, x1, y1 = (int(v) for v in xy)
    if x1 < 0 or y1 < 0 or x0 >= image.width or y0 >= image.height or x1 < x0 or y1 < y0:
        return
    image.paste(value, (max(x0, 0), max(y0, 0), min(x1 + 1, image.width), min(y1 + 1, image.height)))


def scale_boxes(boxes: Iterable[Box], sx: float, sy: float) -> tuple[Box, ...]:
    """Scale boxes from one pixel frame to another (canvas -> generation resolution)."""
    return tuple(Box(b.x * sx, b.y * sy, b.width * sx, b.height * sy) for b in boxes)
