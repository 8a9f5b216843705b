"""Build warnings: whatever Placard changed or dropped from what the spec asked for, said out loud.

A stage calls `warn(code, message, location=..., path=...)`; the build that is running collects it
(a ContextVar set by `collecting()`, so concurrent builds in threads never mix their warnings).
Outside a build, `warn` does nothing. Every code is listed in CODES and documented in docs/warnings.md.
"""

from __future__ import annotations

import logging
import warnings as pywarnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass

from composer.core.errors import Location, PlacardError

__all__ = ["CODES", "LIBRARY_LOGGERS", "StrictError", "Warning", "collecting", "located", "quiet_libraries", "warn"]

# code -> what it means (docs/warnings.md explains each one and how to fix it)
CODES: dict[str, str] = {
    "text-truncated": "text did not fit its box and was cut to end with an ellipsis (overflow: ellipsis)",
    "font-weight-substituted": "the family has no face of the asked weight; the nearest one was used",
    "font-style-substituted": "the family has no italic face; the upright one was used",
    "colour-adjusted": "legibility: auto changed a text's colour to reach its contrast target",
    "scrim-added": "legibility: auto drew a scrim under a text to reach its contrast target",
    "halo-added": "legibility: auto drew a halo around a text's glyphs to reach its contrast target",
    "contrast-unmet": "legibility: auto could not bring a text (or a chart label) to its contrast target",
    "chart-colour-adjusted": "legibility: auto changed a chart's text colours (ink, muted, labels) for contrast on the pixels under it",
    "series-colour-adjusted": "legibility: auto lightened or darkened a series colour (same hue) to reach 3:1 on the ground under the chart",
    "prompt-ignored": "a prompt was given but the procedural generator (no model) drew the image",
    "option-ignored": "a diffusion-only background option was given but the procedural generator drew the image",
    "outside-canvas": "an element or a text's ink reaches outside the canvas and its bleed",
    "label-dropped": "chart value or edge labels overlapped other labels and were left out",
    "percent-of-fractions": "format: percent takes percentage points, but every value is below 1",
    "size-slots-dropped": "campaign: a size's layout preset has no such slot; that slot is not drawn in that size",
}

LIBRARY_LOGGERS = ("fontTools", "PIL", "diffusers", "transformers", "huggingface_hub", "torch", "cairosvg", "peft")


@dataclass(frozen=True)
class Warning:  # noqa: A001 - the name the contract uses; builtins.Warning is never needed here
    """One warning: a stable kebab-case code, the message, and where in the spec it comes from."""

    code: str
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(str(Location(self.file, self.line, self.column)))
        if self.path:
            parts.append(self.path)
        parts.append(self.message)
        return ": ".join(parts)

    def as_dict(self) -> dict:
        """For report.json: {code, message, file, line, column, path}."""
        return asdict(self)


class StrictError(PlacardError):
    """`strict`: a build that would have warned is refused (nothing is written)."""

    def __init__(self, found: list[Warning]):
        first = found[0]
        more = f" (and {len(found) - 1} more warning{'s' if len(found) > 2 else ''})" if len(found) > 1 else ""
        loc = Location(first.file, first.line, first.column) if first.file else None
        super().__init__(f"{first.message} [{first.code}; --strict makes warnings errors]{more}", location=loc, path=first.path)
        self.warnings = found


_CURRENT: ContextVar[list[Warning] | None] = ContextVar("placard_warnings", default=None)


@contextmanager
def collecting() -> Iterator[list[Warning]]:
    """Collect the warnings of one build (or validation) into the list this yields."""
    found: list[Warning] = []
    token = _CURRENT.set(found)
    try:
        yield found
    finally:
        _CURRENT.reset(token)


_WHERE: ContextVar[tuple[Location | None, str | None]] = ContextVar("placard_warnings_where", default=(None, None))


@contextmanager
def located(location: Location | None, path: str | None) -> Iterator[None]:
    """Warnings raised inside without a location get this one; their path is relative to `path`."""
    token = _WHERE.set((location, path))
    try:
        yield
    finally:
        _WHERE.reset(token)


def warn(code: str, message: str, *, location: Location | None = None, path: str | None = None) -> None:
    """Record a warning in the running build; the same warning twice is kept once."""
    if code not in CODES:
        raise ValueError(f"unregistered warning code {code!r}")  # a bug: every code is documented
    found = _CURRENT.get()
    if found is None:
        return
    if location is None:
        location, base = _WHERE.get()
        path = ".".join(p for p in (base, path) if p) or None
    w = Warning(code, message, location.file if location else None, location.line if location else None,
                location.column if location else None, path)
    if w not in found:
        found.append(w)


def quiet_libraries(verbose: int = 0) -> None:
    """CLI: other libraries' warnings and log chatter (fontTools, PIL, diffusers) only with -v.

    Process-wide on purpose: the CLI owns its process. The Python API leaves the caller's logging
    and warning filters alone, except for the font timestamp notice below.
    """
    _FontTimestampNoise.shown = bool(verbose)
    if verbose:
        return
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
    pywarnings.simplefilter("ignore")


class _FontTimestampNoise(logging.Filter):
    """fontTools logs "'created' timestamp seems very low" for many shipped fonts: noise, never actionable."""

    shown = False  # -v shows it

    def filter(self, record: logging.LogRecord) -> bool:
        return self.shown or "timestamp seems very low" not in str(record.msg)


logging.getLogger("fontTools.ttLib.tables._h_e_a_d").addFilter(_FontTimestampNoise())
