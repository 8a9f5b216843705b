"""Script classes for font fallback, bidi paragraph levels and visual order (UAX #9, rule L2).

Levels come from composer.text.bidi (python-bidi's resolver), which passes the Unicode
BidiCharacterTest conformance file.
"""

from __future__ import annotations

import unicodedata

from composer.text import bidi

_RANGES = [
    (0x0590, 0x05FF, "hebrew"), (0xFB1D, 0xFB4F, "hebrew"),
    (0x0600, 0x06FF, "arabic"), (0x0750, 0x077F, "arabic"), (0x0870, 0x08FF, "arabic"),
    (0xFB50, 0xFDFF, "arabic"), (0xFE70, 0xFEFF, "arabic"),
    (0x1100, 0x11FF, "hangul"), (0xAC00, 0xD7AF, "hangul"), (0x3130, 0x318F, "hangul"),
    (0x3040, 0x30FF, "kana"), (0x31F0, 0x31FF, "kana"), (0xFF66, 0xFF9F, "kana"),
    (0x2E80, 0x2FDF, "cjk"), (0x3000, 0x303F, "cjk"), (0x3190, 0x33FF, "cjk"),
    (0x3400, 0x4DBF, "cjk"), (0x4E00, 0x9FFF, "cjk"), (0xF900, 0xFAFF, "cjk"),
    (0xFE30, 0xFE4F, "cjk"), (0xFF00, 0xFF65, "cjk"), (0xFFE0, 0xFFEF, "cjk"),
    (0x20000, 0x3FFFF, "cjk"),
    (0x2600, 0x27BF, "emoji"), (0x2B00, 0x2BFF, "emoji"), (0x1F000, 0x1FAFF, "emoji"),
]
CJK_SCRIPTS = {"cjk", "kana", "hangul"}


def script_of(ch: str) -> str:
    """A coarse script class used to pick fallback fonts: arabic, hebrew, cjk, kana, hangul, emoji, other."""
    cp = ord(ch)
    if cp < 0x0590:
        return "other"
    for lo, hi, name in _RANGES:
        if lo <= cp <= hi:
            return name
    return "other"


def is_ignorable(ch: str) -> bool:
    """Characters that need no glyph of their own (controls, joiners, variation selectors)."""
    cp = ord(ch)
    return (unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") or 0xFE00 <= cp <= 0xFE0F
            or 0xE0100 <= cp <= 0xE01EF)


def base_level(text: str, direction: str | None) -> int:
    """Paragraph level: explicit direction, else the first strong character (rules P2-P3)."""
    if direction == "rtl":
        return 1
    if direction == "ltr":
        return 0
    if bidi.has_explicit(text):
        return bidi.paragraph_level(text)  # P2 skips isolated text
    for ch in text:
        t = unicodedata.bidirectional(ch)
        if t == "L":
            return 0
        if t in ("R", "AL"):
            return 1
    return 0


def bidi_levels(text: str, base: int) -> list[int]:
    """Embedding level of each character (UAX #9, explicit embeddings and isolates included)."""
    return bidi.levels(text, base)


def visual_order(levels: list[int]) -> list[int]:
    """Indices of items (runs) in visual order from their levels (rule L2)."""
    order = list(range(len(levels)))
    if not levels:
        return order
    top = max(levels)
    lowest_odd = min((lv for lv in levels if lv % 2), default=top + 1)
    for level in range(top, lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = order[i:j][::-1]
                i = j
            else:
                i += 1
    return order
