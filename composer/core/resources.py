"""Where the built-in layouts, templates and fonts live, in a checkout and in an installed wheel."""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[2]


@cache
def data_dir(name: str) -> Path:
    """The folder of built-in `layouts` or `templates`."""
    local = _ROOT / name
    if local.is_dir() and (_ROOT / "pyproject.toml").is_file():
        return local
    spec = importlib.util.find_spec(f"placard_data.{name}")
    if spec is not None and spec.submodule_search_locations:
        return Path(list(spec.submodule_search_locations)[0])
    return local


def fonts_dir() -> Path:
    """The bundled font folder (package data of `composer`)."""
    return Path(__file__).resolve().parents[1] / "fonts"
