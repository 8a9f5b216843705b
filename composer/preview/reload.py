"""Drop the process caches that a changed template or font file makes stale (the one place that knows them)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

FONT_SUFFIXES = frozenset({".ttf", ".otf", ".ttc", ".otc", ".woff", ".woff2"})
TEMPLATE_SUFFIXES = frozenset({".j2", ".jinja", ".jinja2", ".svg"})


def invalidate(paths: Iterable[str | Path]) -> set[str]:
    """Clear the caches that `paths` (changed files) feed; returns which kinds were cleared."""
    kinds = set()
    for p in paths:
        suffix = Path(p).suffix.lower()
        if suffix in FONT_SUFFIXES:
            kinds.add("fonts")
        elif suffix in TEMPLATE_SUFFIXES:  # an .svg may be an asset too; a fresh Jinja env costs ~1 ms
            kinds.add("templates")
    if "templates" in kinds:
        from composer import render

        render._ENVS.clear()  # environments keep compiled templates (auto_reload is off)
    if "fonts" in kinds:
        from composer import typeset
        from composer.text import block, fonts, shaping

        typeset._LIBS.clear()  # libraries hold the scanned entries and resolved faces
        fonts._FACES.clear()  # parsed HarfBuzz / fontTools faces, keyed by path
        fonts._scan_dir.cache_clear()  # keyed by the folder's mtime, which an in-place save keeps
        shaping._PARAGRAPHS.clear()  # shaped runs and set blocks hold glyphs of the old faces
        block._BLOCKS.clear()
    return kinds
