"""User template output through the SVG asset sanitiser: the same element and attribute allowlist.

A published SVG must never carry script: `<script>`, `on*=`, `<foreignObject>`, `javascript:`
links, external `<image>` and `@import` are removed or refused exactly as in an SVG asset.
"""

from __future__ import annotations

from markupsafe import Markup

from composer.core.errors import AssetError, Location, SpecError
from composer.rasters.assets import SVG_NS, XLINK_NS, sanitize_svg

__all__ = ["sanitize_fragment"]

_OPEN = f'<svg xmlns="{SVG_NS}" xmlns:xlink="{XLINK_NS}">'


def sanitize_fragment(markup: str, name: str, location: Location | None = None) -> Markup:
    """Sanitise an SVG fragment (the children of a <g>); SpecError naming the template if it is refused."""
    if not markup.strip():
        return Markup(markup)
    try:
        # str(): Markup + str would escape the wrapper
        clean = sanitize_svg((_OPEN + str(markup) + "</svg>").encode("utf-8"), base_dir=None, source_name=name)
    except AssetError as e:
        raise SpecError(e.message, location=location, path="template") from None
    text = clean.decode("utf-8")
    start = text.index(">") + 1
    end = text.rindex("</svg>") if text.rstrip().endswith("</svg>") else len(text)
    return Markup(text[start:end])
