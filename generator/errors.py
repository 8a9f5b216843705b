"""The generator's own errors; `composer` maps them to its PlacardError classes in one place.

    GeneratorError        a backend could not produce an image (missing model, wrong model kind, ...)
     ├── RequestError     the request asks for something the backend does not have (a style, a kind, a colour)
     └── InputError       a file or folder the caller named is missing, unreadable or unusable
"""

from __future__ import annotations

__all__ = ["GeneratorError", "InputError", "RequestError"]


class GeneratorError(Exception):
    """A raster backend could not produce an image (missing model, wrong model kind, ...)."""

    def __init__(self, message: str, *, option: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.option = option  # the request option the message is about ("scheduler"), when there is one

    def __str__(self) -> str:
        return f"{self.option}: {self.message}" if self.option else self.message


class RequestError(GeneratorError):
    """The request asks for something the backend does not have (a style, a kind, a colour)."""


class InputError(GeneratorError):
    """A file or folder the caller named is missing, unreadable or unusable (training images, an output path)."""
