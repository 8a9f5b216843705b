"""Build options: the one typed object that travels from the CLI (or the Python API) to the backends.

Environment variables that Placard itself reads are read here, and only here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENVIRONMENT = {
    "model": "PLACARD_MODEL",  # a diffusers folder or model id, when neither the spec nor --model names one
    "cache_dir": "PLACARD_CACHE_DIR",  # where the font index and raster cache live (default: the user cache)
    "models_dir": "PLACARD_MODELS_DIR",  # a folder whose models any spec may name (trusted, like --allow-dir)
}


def from_environment(key: str) -> str | None:
    """The value of Placard's environment variable for `key` (see ENVIRONMENT), or None when unset or empty."""
    return os.environ.get(ENVIRONMENT[key]) or None


@dataclass(frozen=True)
class BuildOptions:
    """Knobs from the CLI or the Python API that are not part of the spec."""

    formats: tuple[str, ...] | None = None  # None: the spec's `outputs`
    layers: bool = False
    allow_dirs: tuple[Path, ...] = ()
    model: str | None = None
    device: str = "auto"
    dtype: str = "auto"
    use_cache: bool = True
    allow_download: bool = False
    allow_pickle: bool = False  # let diffusers load pickled .bin weights (trusted models only)
    cpu_offload: bool = False
    vae_tiling: bool = False
    progress: bool = False
