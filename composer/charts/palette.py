"""Series colours and neutral theme colours from a brand's named colours."""

from __future__ import annotations

from typing import Mapping

from .primitives import Theme

__all__ = ["DEFAULT_SERIES", "brand_series", "palette_from_brand", "theme_from_brand"]

# Distinct hues in an order where neighbours stay distinguishable (after the brand's own colours).
DEFAULT_SERIES = ("#0B5FFF", "#FFB000", "#E11D48", "#10B981", "#7C3AED", "#0EA5E9", "#F97316", "#64748B")
# Neutral roles never become series colours: `dark` and `light` are surfaces (header bands, panels),
# and a navy `dark` slice vanishes on the dark backgrounds it was made for.
_NEUTRAL = {"ink", "paper", "muted", "grid", "background", "text", "dark", "light", "positive", "negative"}


def brand_series(colors: Mapping[str, str] | None) -> list[str]:
    """The brand's own series hues: primary, accent, secondary, then its other non-neutral colours (no repeats)."""
    colors = dict(colors or {})
    ordered = [colors[k] for k in ("primary", "accent", "secondary") if k in colors]
    ordered += [v for k, v in colors.items() if k not in _NEUTRAL and k not in ("primary", "accent", "secondary")]
    first: dict[str, str] = {}
    for c in ordered:
        first.setdefault(c.upper(), c)
    return list(first.values())


def palette_from_brand(colors: Mapping[str, str] | None) -> list[str]:
    """The brand's series hues (brand_series), then the default hues (no repeats)."""
    seen: set[str] = set()
    out = []
    for c in [*brand_series(colors), *DEFAULT_SERIES]:
        key = c.upper()
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def theme_from_brand(colors: Mapping[str, str] | None, text_size: float | None = None) -> Theme:
    """A Theme whose ink/paper (and muted/grid when named) come from the brand."""
    colors = colors or {}
    values: dict[str, str | float] = {k: colors[k] for k in ("ink", "paper", "muted", "grid", "positive", "negative") if k in colors}
    if text_size:
        values["text_size"] = float(text_size)
    return Theme(**{**Theme().__dict__, **values})
