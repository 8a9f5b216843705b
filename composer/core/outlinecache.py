"""Glyph outlines as path data and cairo rows, kept between CLI processes, one table per font face.

The typesetter writes each glyph it sets, at each size, as relative path data in 1/100 px plus
the cairo path rows the renderer takes (`fonts.encode_outline`): HarfBuzz draws the outline
through a Python pen and every coordinate is rounded and formatted in Python, about 10 ms of a
cold build for the launch poster's ~100 glyphs. A process keeps them in memory (FontFace); this
module keeps them for the next process too, as `__pycache__` keeps compiled modules:

- `install()` (called by the CLI only, composer/__main__.py) turns it on. A face's table is read
  the first time that face encodes a glyph; an entry is decoded only when asked for.
- A table is keyed by the font file (resolved path, face index, size and mtime), the variation
  location, uharfbuzz's version and the bytes of the code that writes the outlines (fonts.py and
  glyphpaths.py), so an edited font or a change in the encoding starts a new table.
- `save()` (at the end of a CLI command) writes the tables that grew: marshal data behind a BLAKE2
  digest in the user cache's `outlines/` folder, trusted like `__pycache__` (SECURITY.md). A table
  holds at most MAX_ENTRIES glyphs (past that it starts again from what this process used) and the
  folder keeps the KEPT most recently written tables. A damaged or foreign entry is encoded again.

The entries are the very strings and rows `encode_outline` returns (tests/text/test_outlinecache.py
compares them), so the SVG, PDF and pixels are the same. PLACARD_OUTLINE_CACHE=0 turns it off.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from pathlib import Path
from typing import Any

from composer.core import glyphpaths

MAX_ENTRIES = 4096  # glyph-and-size entries per face table
KEPT = 64  # tables in the folder

Value = tuple[str, int, int]  # (relative path data, x0, y0), as FontFace.local_path returns it

_enabled = False
_code: str | None = None
_tables: dict[tuple[str, int, tuple, float | None], _Table] = {}


class _Table:
    """One face's kept outlines: entries from the file (marshal bytes until used) and the new ones."""

    def __init__(self, path: Path | None = None, key: str = "", entries: dict | None = None):
        self.path, self.key, self.entries = path, key, entries if entries is not None else {}
        self.used: set[tuple[int, float]] = set()
        self.grew = False


def install() -> None:
    """Keep outlines between processes from now on (once per process; not with PLACARD_OUTLINE_CACHE=0)."""
    global _enabled
    _enabled = os.environ.get("PLACARD_OUTLINE_CACHE") != "0"


def uninstall() -> None:
    """Off again, with nothing kept in memory (tests)."""
    global _enabled
    _enabled = False
    _tables.clear()


def _code_digest() -> str:
    global _code
    if _code is None:
        import uharfbuzz

        digest = hashlib.blake2b(str(getattr(uharfbuzz, "__version__", "")).encode(), digest_size=16)
        here = Path(__file__).resolve().parent
        for source in (here.parent / "text" / "fonts.py", here / "glyphpaths.py"):
            digest.update(source.read_bytes())
        _code = digest.hexdigest()
    return _code


def _table(face: Any) -> _Table:
    ident = (str(face.path), face.index, tuple(sorted(face.location.items())), face.wght)
    table = _tables.get(ident)
    if table is None:
        table = _tables[ident] = _open(face)
    return table


def _open(face: Any) -> _Table:
    from composer.core.paths import read_kept_table, user_cache

    try:
        st = Path(face.path).stat()
        key = repr((str(Path(face.path).resolve()), face.index, st.st_size, st.st_mtime_ns,
                    sorted(face.location.items()), _code_digest()))
    except OSError:
        return _Table()
    path = user_cache(f"outlines/{hashlib.blake2b(key.encode(), digest_size=16).hexdigest()}.bin")
    if path is None:
        return _Table()
    return _Table(path, key, read_kept_table(path, key))


def recall(face: Any, gid: int, size: float) -> Value | None:
    """The kept outline of glyph `gid` at `size` px for `face` (its rows filed with glyphpaths), or None."""
    if not _enabled:
        return None
    table = _table(face)
    kept = table.entries.get((gid, size))
    if kept is None:
        return None
    table.used.add((gid, size))
    if type(kept) is bytes:
        try:
            kept = marshal.loads(kept)
        except (ValueError, EOFError, TypeError):
            kept = None
        if not _valid(kept):
            del table.entries[(gid, size)]
            return None
        table.entries[(gid, size)] = kept
    rel, x0, y0, rows = kept  # type: ignore[misc]  # _valid checked the shape
    glyphpaths.remember(rel, rows)
    return rel, x0, y0


def _valid(entry: object) -> bool:
    # The shape only: checking every row's four ints cost as much as encoding the glyph again. The
    # entry was written by keep() and sits behind a digest in a folder trusted like __pycache__.
    return (type(entry) is tuple and len(entry) == 4 and type(entry[0]) is str and type(entry[1]) is int
            and type(entry[2]) is int and type(entry[3]) is list)


def keep(face: Any, gid: int, size: float, value: Value) -> None:
    """File a newly encoded outline for the next process (its rows are the ones glyphpaths holds)."""
    if not _enabled:
        return
    rows = glyphpaths.recall(value[0])
    if rows is None:
        return
    table = _table(face)
    if table.path is None:
        return
    table.entries[(gid, size)] = (*value, list(rows))
    table.used.add((gid, size))
    table.grew = True


def save() -> None:
    """Write every table that grew to the user cache, and prune the folder to the KEPT newest tables."""
    from composer.core.paths import write_kept_table

    wrote = None
    for table in _tables.values():
        if not table.grew or table.path is None:
            continue
        table.grew = False
        entries = table.entries
        if len(entries) > MAX_ENTRIES:
            entries = {k: v for k, v in entries.items() if k in table.used}
        write_kept_table(table.path, table.key, {k: v if type(v) is bytes else marshal.dumps(v) for k, v in entries.items()})
        wrote = table.path.parent
    if wrote is not None:
        try:
            tables = sorted(wrote.glob("*.bin"), key=lambda p: p.stat().st_mtime)
            for old in tables[: max(0, len(tables) - KEPT)]:
                old.unlink(missing_ok=True)
        except OSError:
            pass

