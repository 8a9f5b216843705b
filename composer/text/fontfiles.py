"""Bounded discovery and checking of font files from untrusted folders (issue 16).

`font_files` walks a folder without recursion and stops at a depth and a file count;
`check_font_file` refuses oversized files, collections of too many faces and fonts whose bytes are
not the sfnt their suffix promises (a WOFF renamed .ttf would otherwise silently fall back).
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

from composer.core.errors import FontError
from composer.core.limits import MAX_FONT_BYTES, MAX_FONT_DIR_DEPTH, MAX_FONT_DIR_FILES, MAX_FONT_FACES

__all__ = ["check_font_file", "font_files"]

_SFNT = {b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf"}
_WEB = {b"wOFF": "WOFF", b"wOF2": "WOFF2"}


def font_files(directory: Path, suffixes: set[str]) -> list[Path]:
    """Font files below `directory`, sorted; a FontError past MAX_FONT_DIR_DEPTH levels or MAX_FONT_DIR_FILES files.

    os.walk with followlinks=False never loops; symlinked files are listed (and checked by the caller).
    """
    root = str(directory)
    base = root.rstrip(os.sep).count(os.sep)
    found: list[Path] = []
    seen = 0
    for folder, dirs, files in os.walk(root, followlinks=False):
        if folder.count(os.sep) - base >= MAX_FONT_DIR_DEPTH:
            if dirs:
                raise FontError(f"font folder {directory} is nested more than {MAX_FONT_DIR_DEPTH} levels deep, the limit")
        seen += len(files) + len(dirs)
        if seen > MAX_FONT_DIR_FILES:
            raise FontError(f"font folder {directory} holds more than {MAX_FONT_DIR_FILES:,} files, the limit")
        found.extend(Path(folder, f) for f in files if os.path.splitext(f)[1].lower() in suffixes)
    return sorted(found)


def check_font_file(path: Path) -> None:
    """Raise FontError for a font file too large, not an sfnt (e.g. a renamed WOFF), or a collection of too many faces."""
    try:
        size = os.stat(path).st_size
        with open(path, "rb") as f:
            head = f.read(12)
    except OSError as e:
        raise FontError(f"font file {path} cannot be read: {(e.strerror or 'unreadable').lower()}") from None
    if size > MAX_FONT_BYTES:
        raise FontError(f"font file {path} is {size / 2**20:,.0f} MiB, over the limit of {MAX_FONT_BYTES // 2**20} MiB")
    tag = head[:4]
    if tag in _WEB:
        raise FontError(f"font file {path} is a {_WEB[tag]} font; use the .ttf or .otf file (web fonts are not read)")
    if tag not in _SFNT:
        raise FontError(f"font file {path} is not a usable font (not a TrueType or OpenType file)")
    if tag == b"ttcf" and len(head) == 12:
        faces = struct.unpack(">I", head[8:12])[0]
        if faces > MAX_FONT_FACES:
            raise FontError(f"font collection {path} holds {faces:,} faces, over the limit of {MAX_FONT_FACES}")
