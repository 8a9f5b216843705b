"""Phrase-aware line breaks for Japanese and Chinese with BudouX (Google's phrase segmenter).

UAX #14 lets CJK text break between almost any two ideographs, which splits words such as
東京 or 天気 across lines. BudouX finds phrase boundaries; inside a run of CJK text we keep only
the UAX #14 opportunities that fall on one. Opportunities are only ever removed, so kinsoku
(no 。 or ） at a line start, no 「 at a line end) still holds. The removed ones are kept as
emergency breaks for a phrase wider than the line.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from composer.text.scripts import script_of

if TYPE_CHECKING:  # BudouX loads on first use
    from budoux import Parser

_PHRASE_SCRIPTS = {"cjk", "kana"}  # Korean has spaces between words and breaks there
_CJK = re.compile("[\u2e80-\u2fdf\u3000-\u30ff\u31f0-\u31ff\u3190-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
                  "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff]")


@functools.lru_cache(maxsize=4)
def _parser(kind: str) -> Parser:
    import budoux

    return {"ja": budoux.load_default_japanese_parser,
            "zh-hans": budoux.load_default_simplified_chinese_parser,
            "zh-hant": budoux.load_default_traditional_chinese_parser}[kind]()


def parser_kind(text: str, lang: str | None) -> str | None:
    """Which BudouX model fits: by `lang`, else kana means Japanese; None when there is no CJK."""
    if not _CJK.search(text):
        return None
    tag = (lang or "").lower().replace("_", "-")
    if tag.startswith("ja"):
        return "ja"
    if tag.startswith("zh"):
        return "zh-hant" if any(t in tag for t in ("hant", "-tw", "-hk", "-mo")) else "zh-hans"
    if tag.startswith("ko"):
        return None
    return "ja" if any(script_of(c) == "kana" for c in text) else "zh-hans"


def phrase_boundaries(text: str, kind: str) -> set[int]:
    """Indices where BudouX starts a new phrase."""
    cuts, pos = set(), 0
    for phrase in _parser(kind).parse(text):
        pos += len(phrase)
        cuts.add(pos)
    return cuts


def split_breaks(text: str, breaks: list[int], lang: str | None) -> tuple[list[int], list[int]]:
    """(phrase breaks, emergency breaks): CJK-internal opportunities off phrase boundaries move to the second."""
    kind = parser_kind(text, lang)
    if kind is None:
        return breaks, []
    cuts = phrase_boundaries(text, kind)
    keep: list[int] = []
    emergency: list[int] = []
    for b in breaks:
        inside = script_of(text[b - 1]) in _PHRASE_SCRIPTS and script_of(text[b]) in _PHRASE_SCRIPTS
        (emergency if inside and b not in cuts else keep).append(b)
    return keep, emergency
