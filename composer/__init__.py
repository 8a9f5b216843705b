"""Placard: YAML specs to posters, social images, infographics and diagrams."""

from __future__ import annotations

__version__ = "0.1.0"

from composer.errors import (  # noqa: E402
    AssetError, DataError, FontError, GeneratorError, LegibilityError, PlacardError, RenderError, SpecError,
    TextFitError,
)

__all__ = [
    "AssetError", "BuildOptions", "BuildResult", "DataError", "FontError", "GeneratorError", "LegibilityError",
    "PlacardError", "RenderError", "SpecError", "TextFitError", "VariantResult", "__version__", "build", "build_many",
    "load_spec", "validate",
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
    from composer.loader import load_spec as _load

    return _load(source, **kwargs)


def validate(source, **kwargs):
    """Validate a spec fully (layout, canvas, colours) without rendering."""
    from composer.layout import resolve_layout

    loaded = load_spec(source, **kwargs)
    resolve_layout(loaded)
    return loaded


def __getattr__(name):
    if name == "VariantResult":
        from composer.campaign.run import VariantResult

        return VariantResult
    if name in ("BuildOptions", "BuildResult"):
        import composer.pipeline as mod

        return getattr(mod, name)
    raise AttributeError(name)
