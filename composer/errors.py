"""Placard's error classes (public import path); they live in `composer.core.errors`."""

from composer.core.errors import (  # noqa: F401
    AssetError,
    DataError,
    FontError,
    GeneratorError,
    LegibilityError,
    Location,
    PlacardError,
    RenderError,
    SpecError,
    TextFitError,
)
