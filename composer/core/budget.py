"""The per-build budget: decoded raster pixels and drawn elements summed over the whole build.

One image under MAX_IMAGE_PIXELS is fine; forty of them, or one drawn a hundred times through
`<use>`, is not. `pipeline.build` opens a budget for each build (`with build_budget():`); a
ContextVar keeps concurrent builds (threads, the preview server) apart. Outside a build nothing is
charged, so library calls keep their per-item limits only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from composer.core.errors import AssetError
from composer.core.limits import MAX_BUILD_ELEMENTS, MAX_BUILD_PIXELS

__all__ = ["Budget", "build_budget", "charge_elements", "charge_pixels", "current"]


@dataclass
class Budget:
    """What one build has spent so far."""

    pixels: int = 0
    elements: int = 0


_CURRENT: ContextVar[Budget | None] = ContextVar("placard_build_budget", default=None)


@contextmanager
def build_budget() -> Iterator[Budget]:
    """Open a fresh budget for the build that runs inside the `with` block."""
    budget = Budget()
    token = _CURRENT.set(budget)
    try:
        yield budget
    finally:
        _CURRENT.reset(token)


def current() -> Budget | None:
    """The budget of the build running in this context, or None outside a build."""
    return _CURRENT.get()


def charge_pixels(pixels: int, what: str) -> None:
    """Add decoded pixels to this build's total; AssetError past MAX_BUILD_PIXELS."""
    budget = _CURRENT.get()
    if budget is None:
        return
    budget.pixels += int(pixels)
    if budget.pixels > MAX_BUILD_PIXELS:
        raise AssetError(
            f"{what}: the build decodes more than {MAX_BUILD_PIXELS // 1_000_000:,} megapixels of images in all "
            "(counting every time an image is drawn), over the limit; use fewer or smaller images"
        )


def charge_elements(count: int, what: str) -> None:
    """Add drawn elements (SVG elements after <use> expansion) to this build's total."""
    budget = _CURRENT.get()
    if budget is None:
        return
    budget.elements += int(count)
    if budget.elements > MAX_BUILD_ELEMENTS:
        raise AssetError(
            f"{what}: the build draws more than {MAX_BUILD_ELEMENTS:,} SVG elements in all (counting <use> "
            "expansion), over the limit"
        )
