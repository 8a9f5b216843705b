"""Placard: YAML specs to posters, social images, infographics and diagrams."""

from __future__ import annotations

from composer.core.errors import (
    AssetError, DataError, FontError, GeneratorError, LegibilityError, PlacardError, RenderError, SpecError,
    TextFitError,
)
from composer.core.version import __version__

__all__ = [
    "AssetError", "BuildOptions", "BuildResult", "DataError", "FontError", "GeneratorError", "LegibilityError",
    "PlacardError", "RenderError", "SpecError", "TextFitError", "__version__", "build", "load_spec", "validate",
]


def build(spec, out_dir=None, formats=None, **kwargs):
    """Build a spec (path, dict or loaded spec) into out_dir; returns a BuildResult."""
    from composer.pipeline import build as _build

    return _build(spec, out_dir, formats, **kwargs)


def load_spec(source, **kwargs):
    """Load and validate a spec without rendering; raises SpecError on mistakes."""
    from composer.spec.loader import load_spec as _load

    return _load(source, **kwargs)


def validate(source, **kwargs):
    """Validate a spec fully (layout, canvas, colours) without rendering."""
    from composer.layout.resolve import resolve_layout

    from composer.spec.loader import name_slot

    loaded = load_spec(source, **kwargs)
    try:
        resolve_layout(loaded)
    except PlacardError as e:
        raise name_slot(e, loaded.positions) from None
    return loaded


def __getattr__(name):
    if name in ("BuildOptions", "BuildResult"):
        import composer.pipeline as mod

        return getattr(mod, name)
    raise AttributeError(name)
