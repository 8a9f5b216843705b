"""Linear scales and "nice" ticks (1, 2 or 5 x 10^n) covering a data range.

The tick search is Heckbert's nice-numbers idea (Graphics Gems, 1990) tightened as in
Wilkinson-lite: try steps 1, 2, 5 x 10^n from small to large and take the first that covers
the range in at most `max_ticks` intervals. The well-kept implementations (matplotlib's
MaxNLocator, d3-scale) live in a 40 MB plotting stack and in JavaScript respectively; these
thirty lines are cheaper than either dependency, and the tests pin their behaviour.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable

__all__ = ["LinearScale", "data_range", "nice_step", "nice_ticks"]

_MANTISSAS = (1.0, 2.0, 5.0)
from composer.core.limits import MAX_SCALE_MAGNITUDE as MAX_MAGNITUDE  # noqa: E402


def nice_step(span: float, max_intervals: int) -> float:
    """The smallest 1/2/5 x 10^n step that splits `span` into at most `max_intervals` parts."""
    raw = span / max(1, max_intervals)
    exp = math.floor(math.log10(raw))
    for e in (exp, exp + 1):
        for m in _MANTISSAS:
            step = m * 10.0**e
            if step >= raw * (1 - 1e-9):
                return step
    return 10.0 ** (exp + 1)


def _round(v: float, step: float) -> float:
    digits = max(0, -math.floor(math.log10(step)) + 1)
    return round(v, digits) + 0.0  # + 0.0 turns -0.0 into 0.0


def _snap(ratio: float, rounding) -> int:
    """floor/ceil that treats 2.9999999997 as 3 (float noise) but never moves a tiny value to 0."""
    near = round(ratio)
    if near != 0 and math.isclose(ratio, near, rel_tol=1e-9):
        return int(near)
    return int(rounding(ratio))


def nice_ticks(lo: float, hi: float, max_ticks: int = 6) -> list[float]:
    """Nice tick values whose first is <= lo and last is >= hi: at most max_ticks of them (3 across zero)."""
    if lo > hi:
        lo, hi = hi, lo
    if not max(abs(lo), abs(hi)) <= MAX_MAGNITUDE:  # also catches NaN; past this, spans and steps overflow
        from composer.core.errors import DataError

        raise DataError(f"values from {lo:g} to {hi:g} are too large to draw; allowed: magnitudes up to {MAX_MAGNITUDE:g}")
    if hi - lo <= 1e-12 * max(abs(lo), abs(hi), 1.0):
        # A flat series: give it a unit of room so it still has an axis.
        pad = abs(lo) * 0.5 if abs(lo) > 1e-12 else 0.0
        lo, hi = (lo - pad, hi + pad) if pad else (0.0, 1.0)  # values this small are zero
    intervals = max(1, max_ticks - 1)
    step = nice_step(hi - lo, intervals)
    while True:
        first, last = _snap(lo / step, math.floor), _snap(hi / step, math.ceil)
        if last - first <= intervals or (lo < 0 < hi and step >= hi - lo):
            break  # a range across zero may need two steps however large they are
        step = nice_step(step * 1.0001 * intervals, intervals)
    return [_round(i * step, step) for i in range(first, last + 1)]


def data_range(values: Iterable[float | None], include_zero: bool = True) -> tuple[float, float]:
    """(min, max) of the present values, widened to include 0 when asked; (0, 0) for no values."""
    present = [v for v in values if v is not None]
    if not present:
        return 0.0, 0.0
    lo, hi = min(present), max(present)
    if include_zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    return lo, hi


@dataclass(frozen=True)
class LinearScale:
    """Maps the data domain [d0, d1] onto the pixel range [r0, r1] (r0 > r1 for a y axis)."""

    d0: float
    d1: float
    r0: float
    r1: float

    def __call__(self, value: float) -> float:
        if self.d1 == self.d0:
            return self.r0
        return self.r0 + (value - self.d0) * (self.r1 - self.r0) / (self.d1 - self.d0)

    def clamp(self, value: float) -> float:
        """The pixel position of `value` clamped to the domain (used for baselines)."""
        return self(min(max(value, min(self.d0, self.d1)), max(self.d0, self.d1)))
