"""QR codes: segno encodes, we draw every dark module as one path in brand colours."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Sequence

import segno

from composer.core.errors import DataError, SpecError
from composer.core.geometry import Box

from .primitives import Drawing, Path as PathShape, Rect, Theme, fmt as f

__all__ = ["draw_qr", "qr_path"]

LEVELS = ("l", "m", "q", "h")
from composer.core.limits import MAX_QR_PAYLOAD as MAX_PAYLOAD  # noqa: E402


def qr_path(payload: str, x: float, y: float, size: float, error: str = "m", border: int = 4,
            snap: bool = True) -> tuple[str, float]:
    """Path data for the dark modules of `payload` in a size x size square, and the module size."""
    try:
        code = segno.make(payload, error=error, micro=False, boost_error=False)
    except segno.DataOverflowError:
        raise DataError(f"QR payload of {len(payload)} characters is too long for error level {error!r}") from None
    rows = [list(r) for r in code.matrix]
    n = len(rows) + 2 * border
    m = size / n
    if snap and m >= 2:
        # Whole-pixel modules keep edges crisp in PNG output, which is what scanners need.
        m = float(int(m))
        x, y = x + (size - m * n) / 2, y + (size - m * n) / 2
    parts = []
    for j, row in enumerate(rows):
        i = 0
        while i < len(row):
            if row[i]:
                start = i
                while i < len(row) and row[i]:
                    i += 1
                parts.append(f"M{f(x + (start + border) * m)} {f(y + (j + border) * m)}"
                             f"h{f((i - start) * m)}v{f(m)}h{f(-(i - start) * m)}z")
            else:
                i += 1
    return "".join(parts), m


def draw_qr(box: Box, config: Mapping[str, Any], palette: Sequence[str], measure=None,
            theme: Theme | None = None, base_dir: Path | None = None) -> Drawing:
    """A square QR code centred in its box: a light quiet-zone square and one dark path."""
    theme = Theme.from_config(config, theme)
    payload = config.get("data") if config.get("data") is not None else config.get("url", config.get("text"))
    if payload is None or str(payload) == "":
        raise SpecError("a qr element needs `data` (a URL or text)", path="data")
    payload = str(payload)
    if len(payload) > MAX_PAYLOAD:
        raise DataError(f"QR payload has {len(payload)} characters; at most {MAX_PAYLOAD} are allowed")
    error = str(config.get("error", "m")).lower()
    if error not in LEVELS:
        raise SpecError(f"{error!r} is not one of {' | '.join(LEVELS)}", path="error")
    side = min(box.width, box.height)
    x, y = box.x + (box.width - side) / 2, box.y + (box.height - side) / 2
    d, module = qr_path(payload, x, y, side, error, int(config.get("border", 4)), bool(config.get("snap", True)))
    dark = config.get("color") or theme.ink
    light = config.get("background") or theme.paper
    return Drawing([Rect(x, y, side, side, fill=light, role="qr_background"),
                    PathShape(d, fill=dark, role="qr", key=(round(module, 4),))], [])
