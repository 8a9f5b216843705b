"""Unicode line-break opportunities (UAX #14), with strict CJK kinsoku.

Why not uniseg's own breaker: its rule engine costs ~75 µs per character (8.7 ms for a 115-char
line here), too slow for auto-fit on paragraphs. We take uniseg's Unicode line-break property
data (fast, kept current with Unicode) and apply the pair rules LB7-LB31 below in one pass.
Kinsoku: CJ (small kana, prolonged sound mark) is resolved to NS, the "strict" Japanese rule,
so no line starts with ー, っ, 。, 、, 」 or ）, and none ends with 「 or （ (LB13, LB14, LB21).
"""

from __future__ import annotations

import functools
import unicodedata

from uniseg.linebreak import line_break as _lb_property


@functools.lru_cache(maxsize=8192)
def lb_class(ch: str) -> str:
    """The resolved UAX #14 line-break class of a character (rule LB1)."""
    c = _lb_property(ch).name
    if c in ("AI", "SG", "XX"):
        return "AL"
    if c == "SA":
        return "CM" if unicodedata.category(ch) in ("Mn", "Mc") else "AL"
    if c == "CJ":
        return "NS"
    if c in ("H2", "H3", "JL", "JV", "JT"):
        return "ID"
    if c == "CB":
        return "B2"
    return c


_NO_BREAK_PAIRS = {
    ("AL", "NU"), ("HL", "NU"), ("NU", "AL"), ("NU", "HL"),             # LB23
    ("PR", "ID"), ("PR", "EB"), ("PR", "EM"), ("ID", "PO"), ("EB", "PO"), ("EM", "PO"),  # LB23a
    ("PR", "AL"), ("PR", "HL"), ("PO", "AL"), ("PO", "HL"),             # LB24
    ("AL", "PR"), ("HL", "PR"), ("AL", "PO"), ("HL", "PO"),
    ("CL", "PO"), ("CP", "PO"), ("CL", "PR"), ("CP", "PR"), ("NU", "PO"), ("NU", "PR"),  # LB25
    ("PO", "OP"), ("PO", "NU"), ("PR", "OP"), ("PR", "NU"), ("HY", "NU"), ("IS", "NU"),
    ("NU", "NU"), ("SY", "NU"),
    ("AL", "AL"), ("AL", "HL"), ("HL", "AL"), ("HL", "HL"),             # LB28
    ("IS", "AL"), ("IS", "HL"),                                         # LB29
    ("AL", "OP"), ("HL", "OP"), ("NU", "OP"), ("CP", "AL"), ("CP", "HL"), ("CP", "NU"),  # LB30
    ("EB", "EM"), ("B2", "B2"), ("SY", "HL"), ("RI", "RI"),
}


@functools.lru_cache(maxsize=2048)
def break_opportunities(text: str) -> tuple[int, ...]:
    """Indices i (0 < i < len) where a line may break before text[i]; no mandatory breaks.

    Callers split paragraphs on newlines first, so BK/CR/LF/NL never reach here.
    """
    classes = [lb_class(ch) for ch in text]
    out = []
    prev = ""           # class of the last non-space character (CM folded into its base); set at i == 0
    prev_raw = ""       # class of the character just before i
    for i, cur in enumerate(classes):
        if i == 0:
            prev = prev_raw = "AL" if cur in ("CM", "ZWJ", "SP") else cur
            continue
        after_space = prev_raw == "SP"
        allowed = _allowed(prev, prev_raw, cur, after_space, text[i])
        if cur in ("CM", "ZWJ") and not after_space:
            allowed = False        # LB9: marks stay with their base, which keeps its class
        elif cur in ("CM", "ZWJ"):
            prev = "AL"            # LB10
        elif cur != "SP":
            prev = cur
        prev_raw = cur if cur not in ("CM", "ZWJ") or after_space else prev_raw
        if allowed:
            out.append(i)
    return tuple(out)


def _allowed(prev: str, prev_raw: str, cur: str, after_space: bool, ch: str) -> bool:
    """Whether a break is allowed before `cur` given the classes before it."""
    if cur in ("SP", "ZW", "WJ", "CL", "CP", "EX", "IS", "SY"):
        return False                                  # LB7, LB11, LB13
    if prev_raw == "ZWJ" or prev == "WJ":
        return False                                  # LB8a, LB11
    if after_space:
        if prev == "OP":
            return False                              # LB14
        if prev == "QU" and cur == "OP":
            return False                              # LB15
        if prev in ("CL", "CP") and cur == "NS":
            return False                              # LB16
        if prev == "B2" and cur == "B2":
            return False                              # LB17
        return True                                   # LB18
    if prev_raw == "ZW":
        return True                                   # LB8
    if prev == "GL" or cur == "GL":
        return prev_raw in ("SP", "BA", "HY") and cur == "GL"   # LB12, LB12a
    if prev == "OP":
        return False                                  # LB14
    if cur == "QU" or prev == "QU":
        return False                                  # LB19
    if cur in ("BA", "HY", "NS", "IN") or prev == "BB":
        return False                                  # LB21, LB22
    if prev == "HL" and cur in ("HY", "BA"):
        return False                                  # LB21a
    if (prev, cur) in _NO_BREAK_PAIRS:
        if (prev, cur) in {("AL", "OP"), ("HL", "OP"), ("NU", "OP")}:
            return unicodedata.east_asian_width(ch) in ("F", "W", "H")  # LB30: not for wide brackets
        return False
    return True                                       # LB31
