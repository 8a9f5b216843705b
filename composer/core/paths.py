"""Path confinement: every file a spec names resolves inside the spec's folder or a folder the user allowed.

A path may go through `..` (or be absolute) when it ends inside one of those folders. URLs of any
scheme, escapes and symlinks that lead outside are refused, with a message that names `--allow-dir`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from composer.core.errors import AssetError, Location

__all__ = ["ALLOW_HINT", "SCHEME", "inside", "resolve_path"]

SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")


ALLOW_HINT = "allow its folder with --allow-dir DIR (Python: allow_dirs=[...])"


def _allowed_text(allowed_dirs: Sequence[Path]) -> str:
    """Say in words where files may come from, and how to allow another folder."""
    text = "a path to a file inside the spec's folder"
    if allowed_dirs:
        text += " or an allowed folder (" + ", ".join(str(d) for d in allowed_dirs) + ")"
    return text + "; other folders need --allow-dir DIR (Python: allow_dirs=[...])"


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
    """Resolve a spec's `value` inside base_dir (then allowed_dirs), or raise AssetError.

    A relative path is tried against base_dir, then each allowed folder; it may go through `..` and an
    absolute path may be given, as long as the result lies inside one of those folders. URLs of any
    scheme and symlinks leading outside the folders are refused. `kind` is "file", "folder" or "any".
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
    roots = [Path(base_dir).resolve()] + [Path(d).resolve() for d in allowed_dirs]
    absolute = text.startswith("/") or bool(scheme)  # "C:/..." is a Windows absolute path
    rel = os.path.normpath(text)
    # Lexically first (`..` folded away), so a path never even touches the disk outside the folders.
    candidates = [Path(rel)] if absolute else [Path(os.path.normpath(root / rel)) for root in roots]
    candidates = [c for c in candidates if inside(c, roots)]
    if not candidates:
        where = "the spec's folder" + (" and the allowed folders" if allowed_dirs else "")
        if absolute:
            raise fail(f"absolute path {value!r} lies outside {where}; {ALLOW_HINT}")
        raise fail(f"{value!r} leaves {where} through '..'; {ALLOW_HINT}")
    for candidate in candidates:
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


def user_cache(name: str) -> Path | None:
    """`name` in Placard's cache folder: $PLACARD_CACHE_DIR, else the platform's user cache (None without platformdirs)."""
    root = os.environ.get("PLACARD_CACHE_DIR")
    if not root:
        try:
            from platformdirs import user_cache_dir
        except ImportError:
            return None
        root = user_cache_dir("placard")
    return Path(root) / name


def write_cache_file(path: Path, text: str | bytes) -> None:
    """Write a cache file (text as UTF-8) atomically; a read-only cache folder only costs the next process the work again."""
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
        with os.fdopen(fd, "wb") as f:
            f.write(text.encode("utf-8") if isinstance(text, str) else text)
        os.replace(tmp, path)
    except OSError:
        pass


def write_digested(path: Path, blob: bytes, replaces: str | None = None) -> None:
    """Write `blob` to the cache behind a first line holding its BLAKE2 digest (what `read_digested` checks).

    `replaces` is a glob of files in the same folder that this one supersedes (another version's).
    """
    import hashlib

    if replaces is not None:
        for stale in path.parent.glob(replaces):
            if stale != path:
                stale.unlink(missing_ok=True)
    write_cache_file(path, hashlib.blake2b(blob, digest_size=16).hexdigest().encode() + b"\n" + blob)


def read_kept_table(path: Path | None, version: str) -> dict:
    """The table `write_kept_table` wrote at `path` under `version`; {} when it is missing, damaged or another version's."""
    if path is None:
        return {}
    import marshal

    blob = read_digested(path)
    try:
        data = marshal.loads(blob) if blob is not None else None
    except (ValueError, EOFError, TypeError):
        return {}
    if not isinstance(data, dict) or data.get("version") != version or not isinstance(data.get("table"), dict):
        return {}
    return data["table"]


def write_kept_table(path: Path, version: str, table: dict) -> None:
    """Keep `table` (plain values marshal writes) at `path` under `version`, behind a digest (`read_kept_table`)."""
    import marshal

    try:
        blob = marshal.dumps({"version": version, "table": table})
    except ValueError:  # something marshal cannot write slipped in: keep nothing rather than fail the command
        return
    write_digested(path, blob)


def read_digested(path: Path) -> bytes | None:
    """The blob `write_digested` wrote, or None when the file is missing, truncated or damaged."""
    import hashlib

    try:
        digest, _, blob = path.read_bytes().partition(b"\n")
    except OSError:
        return None
    return blob if digest == hashlib.blake2b(blob, digest_size=16).hexdigest().encode() else None
