"""Chart colours chosen against the ground a chart is drawn on (the real pixels under its box).

The legibility stage measures the ground: the median colour under a chart's box with everything
below the chart drawn (background, rects, images). Here that ground picks the chart's neutral
colours (ink, muted, grid, paper, positive, negative) and its series colours:

- ink and muted reach 4.5:1 on the ground (body text; they aim at 5.2:1 against its median, as
  grain and gradients vary); positive/negative keep their hue and do the same (the delta labels
  are text); grid stays a faint line of the ink's polarity;
- a series colour reaches 3:1 on the ground (WCAG 1.4.11, graphical objects) with its hue kept,
  and differs from every series colour before it by a CIE76 colour difference of at least
  `MIN_SERIES_DELTA_E`; the brand's own hues come first, the built-in hues fill in after them.

Every function is pure: colours in, colours (and the changes made) out. Warnings are the caller's.
"""

from __future__ import annotations

import colorsys
from dataclasses import dataclass
from typing import Sequence

import numpy as np


from .primitives import Theme

__all__ = [
    "Change",
    "GRAPHIC_TARGET",
    "Ground",
    "MIN_SERIES_DELTA_E",
    "TEXT_TARGET",
    "contrast",
    "delta_e",
    "fit_colour",
    "fit_series",
    "fit_theme",
    "ground_of",
]

TEXT_TARGET = 4.5  # WCAG 1.4.3, body text: chart labels are small
GRAPHIC_TARGET = 3.0  # WCAG 1.4.11, graphical objects: bars, lines, slices
MIN_SERIES_DELTA_E = 20.0  # CIE76 distance between any two series colours (2.3 is just noticeable)
GRID_TARGET = 1.45  # a gridline is a faint guide: visible, never competing with the data
DARK_LUMINANCE = 0.179  # below this, white text has more contrast than black
TEXT_AIM = 5.2  # theme text colours aim above 4.5:1 against the median ground: grain and gradients vary


@dataclass(frozen=True)
class Ground:
    """The colour under a chart: the median of the pixels its box covers, everything below it drawn."""

    hex: str

    @property
    def luminance(self) -> float:
        return _luminance(self.hex)

    @property
    def dark(self) -> bool:
        return self.luminance < DARK_LUMINANCE


@dataclass(frozen=True)
class Change:
    """One colour Placard chose differently from the one the chart would have used."""

    role: str  # ink | muted | grid | paper | positive | negative | series N
    before: str
    after: str
    ratio_before: float
    ratio_after: float
    named: bool  # the spec or its brand named the colour (a change to it is warned about)


def ground_of(pixels: np.ndarray) -> Ground:
    """The ground of an (H, W, 3) uint8 crop: its per-channel median."""
    if pixels.size == 0:
        return Ground("#FFFFFF")
    med = np.median(pixels.reshape(-1, 3), axis=0)
    return Ground(_hex(med))


def _rgb(hx: str) -> np.ndarray:
    h = hx.lstrip("#")
    return np.array([int(h[i : i + 2], 16) for i in (0, 2, 4)], np.float64)


def _hex(rgb: Sequence[float]) -> str:
    return "#" + "".join(f"{int(round(min(255.0, max(0.0, float(c))))):02X}" for c in rgb)


def _luminance(hx: str) -> float:
    """WCAG relative luminance of "#RRGGBB" in plain floats (these run thousands of times per build)."""
    h = hx.lstrip("#")
    lin = []
    for i in (0, 2, 4):
        c = int(h[i : i + 2], 16) / 255.0
        lin.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two "#RRGGBB" colours."""
    la, lb = _luminance(a), _luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def _lab(hx: str) -> np.ndarray:
    """CIE L*a*b* (D65) of an sRGB colour."""
    c = _rgb(hx) / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = m @ lin / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(a: str, b: str) -> float:
    """CIE76 colour difference of two "#RRGGBB" colours."""
    return float(np.linalg.norm(_lab(a) - _lab(b)))


def _mix(a: str, b: str, t: float) -> str:
    """a moved a share `t` of the way to b (in sRGB)."""
    return _hex(_rgb(a) + (_rgb(b) - _rgb(a)) * t)


def fit_colour(color: str, ground: Ground, target: float) -> str:
    """`color` with its hue and saturation kept, lightened or darkened just enough to reach `target`.

    It moves away from the ground's luminance (lighter on a dark ground); if even white or black
    misses the target, the end of the range with more contrast is returned.
    """
    if contrast(color, ground.hex) >= target:
        return color
    h, lightness, s = colorsys.rgb_to_hls(*(_rgb(color) / 255.0))
    end = 1.0 if ground.dark else 0.0

    def at(step: int) -> str:
        return _hex([c * 255.0 for c in colorsys.hls_to_rgb(h, lightness + (end - lightness) * step / 64, s)])

    if contrast(at(64), ground.hex) < target:
        return at(64)
    lo, hi = 0, 64  # contrast grows as the lightness moves away from the ground: the first step that meets it
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if contrast(at(mid), ground.hex) >= target else (mid, hi)
    return at(hi)


def _ink_for(theme: Theme, ground: Ground) -> str:
    """The theme's ink if it reads on the ground; else its paper, or white or black."""
    if contrast(theme.ink, ground.hex) >= TEXT_AIM:
        return theme.ink
    if contrast(theme.paper, ground.hex) >= TEXT_AIM:
        return theme.paper
    return "#FFFFFF" if contrast("#FFFFFF", ground.hex) >= contrast("#000000", ground.hex) else "#000000"


def _muted_for(muted: str | None, ink: str, ground: Ground) -> str:
    """The muted colour if it reads; else the ink moved toward the ground as far as 5.2:1 allows (at most 45%)."""
    if muted is not None and contrast(muted, ground.hex) >= TEXT_AIM:
        return muted
    best = ink
    for step in range(1, 46):
        cand = _mix(ink, ground.hex, step / 100)
        if contrast(cand, ground.hex) < TEXT_AIM:
            break
        best = cand
    return best


def _grid_for(ink: str, ground: Ground) -> str:
    """A faint line of the ink's polarity: the ink mixed into the ground until about 1.45:1."""
    for step in range(100, 0, -1):
        cand = _mix(ground.hex, ink, step / 100)
        if contrast(cand, ground.hex) <= GRID_TARGET:
            return cand
    return _mix(ground.hex, ink, 0.01)


def fit_theme(theme: Theme, ground: Ground, named: frozenset[str] = frozenset()) -> tuple[Theme, list[Change]]:
    """The theme's neutral colours chosen against the ground, and what changed (`named`: the spec's own)."""
    ink = _ink_for(theme, ground)
    flipped = ink != theme.ink
    values = {
        "ink": ink,
        "muted": _muted_for(None if flipped else theme.muted, ink, ground),
        # the paper becomes the ground itself when the ink flips (marker rims, slice gaps, readable_on)
        "paper": ground.hex if flipped else theme.paper,
        "grid": _grid_for(ink, ground) if flipped or contrast(theme.grid, ground.hex) < 1.1 else theme.grid,
        "positive": fit_colour(theme.positive, ground, TEXT_AIM),
        "negative": fit_colour(theme.negative, ground, TEXT_AIM),
    }
    changes = [
        Change(role, getattr(theme, role), new, contrast(getattr(theme, role), ground.hex), contrast(new, ground.hex), role in named)
        for role, new in values.items() if new.upper() != getattr(theme, role).upper()
    ]
    return theme.with_colours(values), changes


def fit_series(palette: Sequence[str], ground: Ground, named: frozenset[str] = frozenset(), needed: int = 1,
               keep_named: bool = False) -> tuple[list[str], list[Change]]:
    """Series colours that reach 3:1 on the ground and stay `MIN_SERIES_DELTA_E` apart, in palette order.

    The palette puts the brand's own hues first; those the spec named ("#RRGGBB" in `named`) are
    warned about when they change, and with `keep_named` stay as they are. Every colour keeps its
    hue: its lightness moves to reach 3:1. A built-in hue that fails either test
    is left out. Changes are reported for the first `needed` entries, the ones the chart draws.
    """
    out: list[str] = []
    changes: list[Change] = []
    for c in palette:
        is_named = c.upper() in named
        if keep_named and is_named:
            out.append(c)
            continue
        fitted = fit_colour(c, ground, GRAPHIC_TARGET)
        if contrast(fitted, ground.hex) < GRAPHIC_TARGET or any(delta_e(fitted, o) < MIN_SERIES_DELTA_E for o in out):
            continue
        if fitted.upper() != c.upper() and len(out) < needed:
            changes.append(Change(f"series {len(out) + 1}", c, fitted, contrast(c, ground.hex),
                                  contrast(fitted, ground.hex), is_named))
        out.append(fitted)
    return out or [fit_colour("#0B5FFF", ground, GRAPHIC_TARGET)], changes
