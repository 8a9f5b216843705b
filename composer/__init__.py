"""Placard: YAML specs to posters, social images, infographics and diagrams."""

from __future__ import annotations

from composer.core import cairoffi as _cairoffi

_cairoffi.install()  # before anything imports cairocffi: its C header parse is kept as data (see the module)

from composer.core.errors import (
    AssetError, DataError, FontError, GeneratorError, LegibilityError, PlacardError, RenderError, SpecError,
    TextFitError,
)
from composer.core.version import __version__
from composer.core.warnings import StrictError

__all__ = [
    "AssetError", "BuildOptions", "BuildResult", "DataError", "FontError", "GeneratorError", "LegibilityError",
    "PlacardError", "RenderError", "SpecError", "StrictError", "TextFitError", "VariantResult", "__version__", "build",
    "build_many", "load_spec", "validate",
]


def build(spec, out_dir=None, formats=None, **kwargs):
    """Build a spec (path, dict or loaded spec) into out_dir; returns a BuildResult."""
    from composer.pipeline import build as _build

    return _build(spec, out_dir, formats, **kwargs)


def build_many(spec, rows=None, **kwargs):
    """Build every (row, size) variant of a campaign spec; yields a VariantResult as each finishes."""
    from composer.campaign.run import build_many as _build_many

    return _build_many(spec, rows, **kwargs)


def load_spec(source, **kwargs):
    """Load and validate a spec without rendering; raises SpecError on mistakes."""
    from composer.spec.loader import load_spec as _load

    return _load(source, **kwargs)


def validate(source, **kwargs):
    """Find every mistake `build` would stop at, without rendering; returns the loaded spec (`.warnings` too).

    Keywords: allow_dirs, strict, options, and load_spec's name and base_dir.
    """
    from composer.validation import validate as _validate

    return _validate(source, **kwargs)


def __getattr__(name):
    if name == "VariantResult":
        from composer.campaign.run import VariantResult

        return VariantResult
    if name in ("BuildOptions", "BuildResult"):
        import composer.pipeline as mod

        return getattr(mod, name)
    raise AttributeError(name)
