"""TextStyle: everything that says how a text element is set, checked on creation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from composer.core.errors import SpecError
from composer.text import hyphenate

_CHOICES = {
    "transform": ("none", "uppercase", "lowercase", "capitalize"),
    "align": ("left", "center", "right", "justify", "start", "end"),
    "valign": ("top", "middle", "bottom"),
    "wrap": ("normal", "optimal", "greedy", "balance", "none"),
    "overflow": ("error", "ellipsis"),
}


ELEMENT_COLOR = ""  # glyph runs in the element's own colour, which is attached after legibility has chosen it


@dataclass(frozen=True)
class TextStyle:
    """How to set a text: font, size (px or "auto"), colour, spacing, alignment, wrapping."""

    family: str = "Inter"
    weight: int = 400
    italic: bool = False
    size: float | str = 32.0
    min_size: float | None = None
    max_size: float | None = None
    color: str = "#111111"
    features: dict[str, Any] = field(default_factory=dict, hash=False)
    letter_spacing: float = 0.0  # em
    transform: str = "none"
    line_height: float = 1.2
    align: str = "left"
    valign: str = "top"
    wrap: str = "normal"
    max_lines: int | None = None
    overflow: str = "error"
    lang: str | None = None
    direction: str | None = None  # None: from the first strong character
    markup: bool = True
    hyphenate: bool | str = "auto"  # auto: on for body text at 48 px or less (text/hyphenate.py)
    headline: bool = False          # a headline or title: auto hyphenation stays off
    hyphenate_max: float = 48.0     # auto hyphenation stops above this size: 48 px at 96 dpi
    glyph_scaling: bool = False     # justification may scale glyphs 98-102%
    span_colors: dict[str, str] = field(default_factory=dict, hash=False)
    smart_quotes: bool = False  # straight quotes to the language's own, -- and --- to dashes
    optical_margin: bool | None = None  # hanging punctuation; None: on at 32 px and above

    def __post_init__(self) -> None:
        for name, allowed in _CHOICES.items():
            value = getattr(self, name)
            if value not in allowed:
                raise SpecError(f"{name}: {value!r} is not one of " + " | ".join(allowed))
        if self.direction not in (None, "ltr", "rtl", "auto"):
            raise SpecError(f"direction: {self.direction!r} is not one of ltr | rtl | auto")
        if self.size != "auto" and not (isinstance(self.size, (int, float)) and self.size > 0):
            raise SpecError(f"size: {self.size!r} must be a positive number of px or 'auto'")
        if not 1 <= int(self.weight) <= 1000:
            raise SpecError(f"weight: {self.weight!r} must be between 1 and 1000")
        for name in ("min_size", "max_size"):
            v = getattr(self, name)
            if v is not None and v <= 0:
                raise SpecError(f"{name}: {v!r} must be a positive number of px")
        if self.min_size and self.max_size and self.min_size > self.max_size:
            raise SpecError(f"min_size {self.min_size:g} px is larger than max_size {self.max_size:g} px")
        if self.line_height <= 0:
            raise SpecError(f"line_height: {self.line_height!r} must be positive")
        if self.hyphenate not in (True, False, "auto"):
            raise SpecError(f"hyphenate: {self.hyphenate!r} is not one of auto | true | false")
        if self.hyphenate is True and not hyphenate.has_dictionary(self.lang):
            raise SpecError(f"hyphenate: no hyphenation dictionary for lang {self.lang!r}; "
                            "use a language pyphen knows (en, de, fr, ...) or hyphenate: false")
        if self.max_lines is not None and self.max_lines < 1:
            raise SpecError(f"max_lines: {self.max_lines!r} must be 1 or more")

    def hyphenates(self, size_px: float) -> bool:
        """Whether text set at this size is hyphenated (resolves `hyphenate: auto`)."""
        if self.hyphenate == "auto":
            return hyphenate.auto_enabled(size_px * 48.0 / self.hyphenate_max, self.wrap, self.headline)
        return bool(self.hyphenate)

    def hb_features(self) -> dict[str, Any]:
        """OpenType features for HarfBuzz; tracking turns off optional ligatures, as in CSS."""
        feats: dict[str, Any] = {}
        if self.letter_spacing:
            feats.update({"liga": False, "clig": False, "dlig": False, "hlig": False})
        for tag, value in self.features.items():
            if not (isinstance(tag, str) and 1 <= len(tag) <= 4):
                raise SpecError(f"features: {tag!r} is not an OpenType feature tag (4 letters, e.g. 'liga')")
            feats[tag] = value if isinstance(value, (bool, int)) else bool(value)
        return feats

    def shaping_key(self) -> tuple:
        """The fields that change shaping (not size, colour or layout), for caches."""
        return (self.family, self.weight, self.italic, tuple(sorted(self.hb_features().items())),
                self.letter_spacing, self.transform, self.lang, self.direction, self.markup,
                self.hyphenate is not False,
                tuple(sorted(self.span_colors.items())), self.color, self.smart_quotes)
