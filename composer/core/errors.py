"""Placard's exception hierarchy, caught once in the CLI.

    PlacardError                 anything a user can cause; the CLI prints it and exits 2
     ├── SpecError               the spec (YAML syntax, unknown key, wrong type, bad unit/colour, ...)
     ├── AssetError              a file the spec names: missing, outside the allowed folders, a URL, unsafe
     ├── FontError               an unknown family, a font file that is not a font, characters no font draws
     ├── TextFitError            text that cannot fit its box
     ├── DataError               chart/diagram data: a missing CSV column, a non-numeric value, ...
     ├── LegibilityError         `legibility: strict` and text below its contrast target
     ├── GeneratorError          a raster backend failed (missing model, wrong model kind, ...)
     └── RenderError             an output could not be written

Every error carries an optional source location (file, line, column) and field path so the
message reads `error: spec.yaml:12:7: elements[2].font.size: ...`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from composer.core.limits import MAX_ECHO_CHARS

__all__ = [
    "AssetError",
    "DataError",
    "FontError",
    "GeneratorError",
    "LegibilityError",
    "Location",
    "PlacardError",
    "RenderError",
    "SpecError",
    "TextFitError",
    "echo",
]

_LONG_RUN = re.compile(r"\S{%d,}" % (MAX_ECHO_CHARS + 1))
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")


def _cut(match: re.Match) -> str:
    run = match.group(0)
    return f"{run[:MAX_ECHO_CHARS]}…({len(run):,} characters)"


def echo(text: str, newlines: bool = True) -> str:
    """A value as quoted in a message: control characters (ANSI escapes) escaped, long runs cut.

    Every PlacardError passes its message through this, so a 1.9 MB colour value or a file name
    with terminal escapes reaches stderr as a short, inert line.
    """
    text = _CONTROL.sub(lambda m: repr(m.group(0))[1:-1], str(text))
    if not newlines:
        text = text.replace("\n", "\\n")
    return _LONG_RUN.sub(_cut, text)


@dataclass(frozen=True)
class Location:
    """Where in a source file a value sits (1-based line and column)."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        name = echo(self.file, newlines=False)
        if self.line is None:
            return name
        return f"{name}:{self.line}:{self.column or 1}"


class PlacardError(Exception):
    """Base class for every mistake a user can make; never shown with a traceback."""

    exit_code = 2

    def __init__(self, message: str, *, location: Location | None = None, path: str | None = None):
        message = echo(message)
        super().__init__(message)
        self.message = message
        self.location = location
        self.path = path

    def __str__(self) -> str:
        parts = []
        if self.location is not None:
            parts.append(str(self.location))
        if self.path:
            parts.append(self.path)
        parts.append(self.message)
        return ": ".join(parts)


class SpecError(PlacardError):
    """The spec itself is wrong: syntax, unknown keys, wrong types, bad units or colours."""


class AssetError(PlacardError):
    """A file the spec names is missing, unsafe, outside the allowed folders, or a URL."""


class FontError(PlacardError):
    """A font family is unknown, a font file is broken, or no font can draw some characters."""


class TextFitError(PlacardError):
    """Text does not fit its box at the allowed sizes."""


class DataError(PlacardError):
    """Chart or diagram data is wrong: missing columns, non-numeric values, unknown nodes."""


class LegibilityError(PlacardError):
    """Text is below its contrast target under `legibility: strict`."""


class GeneratorError(PlacardError):
    """A raster backend could not produce an image (missing model, wrong model kind, ...)."""


class RenderError(PlacardError):
    """An output file could not be produced or written."""
