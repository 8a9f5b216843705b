"""Path confinement: every file a spec names resolves inside the spec's folder or a folder the user allowed.

URLs of any scheme, absolute paths, `..` escapes and symlinks that lead outside are refused, with a
message that says where files may come from.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from composer.core.errors import AssetError, Location

__all__ = ["SCHEME", "inside", "resolve_path"]

SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")


def _allowed_text(allowed_dirs: Sequence[Path]) -> str:
    """Say in words where files may come from."""
    text = "a relative path to a file inside the spec's folder"
    if allowed_dirs:
        text += " or an allowed folder (" + ", ".join(str(d) for d in allowed_dirs) + ")"
    return text


def inside(path: Path, roots: Sequence[Path]) -> bool:
    """Whether `path` is one of `roots` or lies below one."""
    return any(path == r or path.is_relative_to(r) for r in roots)


def resolve_path(
    value: str,
    base_dir: Path,
    allowed_dirs: Sequence[Path] = (),
    *,
    field: str,
    location: Location | None = None,
    kind: str = "any",
) -> Path:
    """Resolve a spec's relative `value` inside base_dir (then allowed_dirs), or raise AssetError.

    URLs of any scheme, absolute paths, `..` escapes and symlinks leading outside the allowed
    folders are refused. `kind` is "file", "folder" or "any": what must exist at the end.
    """

    def fail(message: str) -> AssetError:
        return AssetError(message, location=location, path=field)

    allowed = _allowed_text(allowed_dirs)
    if not isinstance(value, str) or not value.strip() or "\x00" in value:
        raise fail(f"{value!r} is not a usable path; expected {allowed}")
    text = value.strip().replace("\\", "/")
    scheme = SCHEME.match(text)
    if scheme and len(scheme.group(1)) > 1:
        raise fail(f"URLs are not fetched: {value!r}; expected {allowed}")
    if text.startswith("/") or scheme:  # "C:/..." is a Windows absolute path
        raise fail(f"absolute paths are not allowed: {value!r}; expected {allowed}")
    rel = os.path.normpath(text)
    if rel == ".." or rel.startswith("../"):
        raise fail(f"{value!r} leaves the spec's folder through '..'; expected {allowed}")

    roots = [Path(base_dir).resolve()] + [Path(d).resolve() for d in allowed_dirs]
    for root in roots:
        candidate = root / rel
        if not os.path.lexists(candidate):
            continue
        try:
            target = candidate.resolve()
        except (OSError, RuntimeError):  # RuntimeError: a symlink loop, before Python 3.13
            raise fail(f"{rel!r} is a symlink loop") from None
        if not inside(target, roots):
            raise fail(f"{value!r} is a symlink to a place outside the allowed folders; expected {allowed}")
        if not target.exists():
            continue  # a dangling symlink inside the folders is simply not found
        if not (target.is_file() or target.is_dir()):  # a FIFO or device would block or never end
            raise fail(f"{rel!r} is not a regular file or folder")
        if kind == "folder" and not target.is_dir():
            raise fail(f"{rel!r} is not a folder")
        if kind == "file" and not target.is_file():
            raise fail(f"{rel!r} is not a file")
        return target
    where = "the spec's folder" + (" or the allowed folders" if allowed_dirs else "")
    noun = {"file": "file ", "folder": "folder "}.get(kind, "")
    raise fail(f"{noun}not found: {rel!r} (looked in {where})")
