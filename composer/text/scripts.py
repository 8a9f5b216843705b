"""Script classes for font fallback, and a compact bidi (UAX #9) level resolver.

python-bidi (0.6, Rust) only returns reordered strings, not embedding levels; we need levels
per character to order HarfBuzz-shaped runs visually, so the weak/neutral rules are resolved
here for the cases posters meet (no explicit embeddings or isolates).
"""

from __future__ import annotations

import unicodedata

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
    for ch in text:
        t = unicodedata.bidirectional(ch)
        if t == "L":
            return 0
        if t in ("R", "AL"):
            return 1
    return 0


def bidi_levels(text: str, base: int) -> list[int]:
    """Embedding level of each character (UAX #9 rules W1-W7, N1-N2, I1-I2)."""
    types = [unicodedata.bidirectional(ch) or "L" for ch in text]
    sos = "R" if base else "L"
    # W1-W3: marks take the previous type; EN after AL becomes AN; AL becomes R
    last_strong = sos
    prev = sos
    for i, t in enumerate(types):
        if t == "NSM":
            t = types[i] = prev
        if t in ("L", "R", "AL"):
            last_strong = t
        if t == "EN" and last_strong == "AL":
            types[i] = "AN"
        if types[i] == "AL":
            types[i] = "R"
        prev = types[i]
    # W4-W7: separators between numbers, terminators next to numbers, EN after L
    n = len(types)
    for i in range(1, n - 1):
        if types[i] in ("ES", "CS") and types[i - 1] == types[i + 1] == "EN":
            types[i] = "EN"
        elif types[i] == "CS" and types[i - 1] == types[i + 1] == "AN":
            types[i] = "AN"
    for i, t in enumerate(types):
        if t == "ET":
            j = i
            while j < n and types[j] == "ET":
                j += 1
            if (i > 0 and types[i - 1] == "EN") or (j < n and types[j] == "EN"):
                for k in range(i, j):
                    types[k] = "EN"
    last_strong = sos
    for i, t in enumerate(types):
        if t in ("ES", "ET", "CS"):
            types[i] = "ON"
        elif t in ("L", "R"):
            last_strong = t
        elif t == "EN" and last_strong == "L":
            types[i] = "L"
    _bracket_pairs(text, types, base, sos)
    # N1-N2: neutrals between same-direction text take it, otherwise the paragraph direction
    strong = [("R" if t in ("R", "EN", "AN") else "L") if t in ("L", "R", "EN", "AN") else None
              for t in types]
    i = 0
    while i < n:
        if strong[i] is not None:
            i += 1
            continue
        j = i
        while j < n and strong[j] is None:
            j += 1
        before = strong[i - 1] if i > 0 else sos
        after = strong[j] if j < n else sos
        fill = before if before == after else sos
        for k in range(i, j):
            types[k] = fill
        i = j
    # I1-I2
    levels = []
    for t in types:
        if base % 2 == 0:
            levels.append(base + (1 if t == "R" else 2 if t in ("AN", "EN") else 0))
        else:
            levels.append(base + (1 if t in ("L", "EN", "AN") else 0))
    return levels


_OPEN = {"(": ")", "[": "]", "{": "}", "\u00ab": "\u00bb", "\u2039": "\u203a", "\u3008": "\u3009",
         "\u300a": "\u300b", "\u300c": "\u300d", "\u300e": "\u300f", "\uff08": "\uff09"}


def _bracket_pairs(text: str, types: list[str], base: int, sos: str) -> None:
    """Rule N0: paired brackets take the direction of their content or context."""
    e = "R" if base else "L"
    stack: list[tuple[str, int]] = []
    pairs = []
    for i, ch in enumerate(text):
        if types[i] != "ON":
            continue
        if ch in _OPEN:
            stack.append((_OPEN[ch], i))
        else:
            for k in range(len(stack) - 1, -1, -1):
                if stack[k][0] == ch:
                    pairs.append((stack[k][1], i))
                    del stack[k:]
                    break
    for a, b in sorted(pairs):
        inside = {("R" if t in ("R", "EN", "AN") else "L") for t in types[a + 1:b] if t in ("L", "R", "EN", "AN")}
        if e in inside:
            d = e
        elif inside:
            before = next((("R" if t in ("R", "EN", "AN") else "L") for t in reversed(types[:a])
                           if t in ("L", "R", "EN", "AN")), sos)
            d = before if before != e else e
        else:
            continue
        types[a] = types[b] = d


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
