"""Safe file access for everything a spec names (placeholder until the safety branch lands)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from composer.errors import AssetError, Location

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def resolve_path(
    value: str,
    base_dir: Path,
    allowed_dirs: Sequence[Path] = (),
    *,
    field: str,
    location: Location | None = None,
) -> Path:
    """Resolve `value` inside base_dir (or an allowed folder); refuse URLs, absolute paths, escapes."""
    if _SCHEME.match(value) and not re.match(r"^[a-zA-Z]:[\\/]", value):
        raise AssetError(f"URLs are not fetched: {value!r}; allowed: a path inside the spec's folder", location=location, path=field)
    p = Path(value)
    if p.is_absolute():
        raise AssetError(f"absolute paths are not allowed: {value!r}; allowed: a path inside the spec's folder", location=location, path=field)
    roots = [base_dir.resolve(), *(Path(d).resolve() for d in allowed_dirs)]
    target = (base_dir / p).resolve()
    if not any(target.is_relative_to(r) for r in roots):
        raise AssetError(f"path escapes the spec's folder: {value!r}; allowed: a path inside the spec's folder", location=location, path=field)
    if not target.exists():
        raise AssetError(f"file not found: {value!r}", location=location, path=field)
    return target
