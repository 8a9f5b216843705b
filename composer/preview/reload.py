"""Drop the process caches that a changed template or font file makes stale (the one place that knows them)."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

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
        from composer.render import svg as render
        render._ENVS.clear()  # environments keep compiled templates (auto_reload is off)
    if "fonts" in kinds:
        from composer.text import typeset
        from composer.text import block, fonts, shaping

        typeset._LIBS.clear()  # libraries hold the scanned entries and resolved faces
        fonts._FACES.clear()  # parsed HarfBuzz / fontTools faces, keyed by path
        fonts._scan_dir.cache_clear()  # keyed by the folder's mtime, which an in-place save keeps
        shaping._PARAGRAPHS.clear()  # shaped runs and set blocks hold glyphs of the old faces
        block._BLOCKS.clear()
    return kinds


MAX_TEXT_ENTRIES = 32  # a preview session types hundreds of headlines; each stays cached otherwise


KEPT_LAYERS = 2  # rendered layers (up to 23 MB at 4 MP) a preview keeps between builds


def trim() -> bool:
    """Forget cached text layouts once they pile up (called after each preview build); True if it did.

    The composer's text caches are bounded for batch builds (hundreds of entries, tens of MB with the
    outlines' C-side path data), but in a preview nearly every entry is a draft that will never be set
    again. Dropping them all costs one re-typeset of the current spec's texts on the next build.
    """
    from composer.core import svgpaths
    from composer.render import artwork
    from composer.text import block, shaping

    artwork.trim_cache(KEPT_LAYERS)  # the current draft's layers; a rebuild after a text edit reuses them
    if len(block._BLOCKS) <= MAX_TEXT_ENTRIES:
        return False
    block._BLOCKS.clear()
    shaping._PARAGRAPHS.clear()
    svgpaths.clear_cache()  # parsed outline paths of the same drafts
    return True


def release_memory() -> None:
    """Hand freed memory back to the OS after a build (glibc only; elsewhere a no-op).

    A build allocates and frees several full-canvas rasters; glibc keeps freed heap pages, so
    without this a preview's RSS climbs by tens of MB over a few hundred edits and stays there.
    """
    trim_heap = _malloc_trim()
    if trim_heap is not None:
        trim_heap(0)


@functools.cache
def _malloc_trim():
    """glibc's malloc_trim, loaded once (a CDLL made per call is cyclic garbage); None elsewhere."""
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # musl and other C libraries have no malloc_trim
        return None
