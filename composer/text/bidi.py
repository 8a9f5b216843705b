"""UAX #9 embedding levels per character, from python-bidi's Rust resolver (unicode-bidi).

python-bidi's public API returns reordered strings; with `debug=True` it returns the resolver's
`BidiInfo` instead, whose `levels` are the resolved paragraph levels per UTF-8 byte (rules
P2-I2, explicit embeddings, overrides and isolates included). We read those rather than keep a
hand-written UAX #9: the crate is maintained against the Unicode conformance files, which
tests/test_text_bidi_conformance.py runs here too. Rule L1 is per line and applied below.
"""

from __future__ import annotations

import re
import unicodedata


# characters rule X9 removes: they get no level of their own (BidiCharacterTest marks them "x")
X9_REMOVED = {"RLE", "LRE", "RLO", "LRO", "PDF", "BN"}
EXPLICIT = {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"}
_LEVELS = re.compile(r"levels: \[(.*?)\n    \]", re.S)
_LEVEL = re.compile(r"Level\(\s*(\d+),?\s*\)")
_PARA_LEVEL = re.compile(r"ParagraphInfo \{.*?level: Level\(\s*(\d+)", re.S)


def _resolve(text: str, base: int | None) -> tuple[list[int], int]:
    """Byte levels mapped to characters, and the paragraph level, from unicode-bidi."""
    from bidi import get_display  # here: only text with right-to-left characters or controls gets this far

    info = get_display(text, base_dir=None if base is None else "RL"[base == 0], debug=True)
    block = _LEVELS.search(info)
    byte_levels = [int(v) for v in _LEVEL.findall(block.group(1))] if block else []
    if len(byte_levels) != len(text.encode("utf-8")):
        raise RuntimeError("python-bidi's debug output changed shape; cannot read bidi levels")
    para = _PARA_LEVEL.search(info)
    levels, pos = [], 0
    for ch in text:
        levels.append(byte_levels[pos])
        pos += len(ch.encode("utf-8"))
    return levels, int(para.group(1)) if para else (base or 0)


def paragraph_level(text: str) -> int:
    """Paragraph level by rules P2-P3 (first strong character, skipping isolates)."""
    return _resolve(text, None)[1] if text else 0


def levels(text: str, base: int | None) -> list[int]:
    """Embedding level of each character after rules X1-I2 and L1 (text taken as one line)."""
    if not text:
        return []
    out, para = _resolve(text, base)
    # L1: separators, and whitespace and isolate controls before them or at the line end,
    # go back to the paragraph level
    trailing = True
    for i in range(len(text) - 1, -1, -1):
        t = unicodedata.bidirectional(text[i])
        if t in ("S", "B"):
            out[i] = para
            trailing = True
        elif trailing and (t in ("WS", "FSI", "LRI", "RLI", "PDI") or t in X9_REMOVED):
            out[i] = para
        else:
            trailing = False
    return out


def has_explicit(text: str) -> bool:
    """Whether the text holds explicit embeddings, overrides or isolates."""
    return not EXPLICIT.isdisjoint(text)
