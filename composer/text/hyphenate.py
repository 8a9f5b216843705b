"""Hyphenation points by language, from pyphen's (LibreOffice) dictionaries, with Adobe's limits.

A point is an index i where a word may break as "text[:i]-" / "text[i:]". Rules (InDesign's
defaults): only words of MIN_WORD letters or more, at least MIN_BEFORE letters before and
MIN_AFTER after the break. Never in a URL or e-mail address, a token with digits, a word in
capitals (all caps; and in languages other than German, a word that starts with a capital,
usually a name), a word that already has a soft hyphen (the author's breaks win), or the
last word of a paragraph. "At most 2 hyphenated lines in a row" is the breakers' job
(MAX_CONSECUTIVE).

"Body text", for `hyphenate: auto`: text that is not a headline (not a heading/title slot,
not `wrap: balance`, not `wrap: none`) and is set at 48 px or less at 96 dpi (36 pt: a print
canvas at 300 dpi moves the limit to 150 px).
"""

from __future__ import annotations

import functools
import re

import pyphen

MIN_WORD = 5
MIN_BEFORE = 2
MIN_AFTER = 2
MAX_CONSECUTIVE = 2
AUTO_MAX_SIZE = 48.0
DEFAULT_LANG = "en"
# languages that capitalise common nouns, where a capitalised word is not (usually) a name
_NOUN_CAPITALS = ("de", "lb")

_TOKEN = re.compile(r"\S+")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_URLISH = re.compile(r"://|^www\.|@|/|\w\.\w")


@functools.lru_cache(maxsize=64)
def dictionary(lang: str | None) -> pyphen.Pyphen | None:
    """pyphen's dictionary for a BCP 47 tag ("de", "en-GB", "fr_FR"), or None when there is none."""
    tag = (lang or DEFAULT_LANG).replace("-", "_")
    found = pyphen.language_fallback(tag)
    if found is None:
        return None
    return pyphen.Pyphen(lang=found, left=MIN_BEFORE, right=MIN_AFTER)


def has_dictionary(lang: str | None) -> bool:
    """Whether hyphenation is available for this language."""
    return dictionary(lang) is not None


def auto_enabled(size_px: float, wrap: str, headline: bool = False) -> bool:
    """What `hyphenate: auto` means at a size: on for body text, off for headlines and big text."""
    return not headline and wrap not in ("balance", "none") and size_px <= AUTO_MAX_SIZE + 1e-9


@functools.lru_cache(maxsize=4096)
def points(text: str, lang: str | None) -> tuple[int, ...]:
    """Indices in `text` where a word may be hyphenated, in order (the rules in the module doc)."""
    dic = dictionary(lang)
    if dic is None:
        return ()
    primary = (lang or DEFAULT_LANG).replace("_", "-").split("-")[0].lower()
    tokens = list(_TOKEN.finditer(text))
    out: list[int] = []
    for k, tok in enumerate(tokens):
        if k == len(tokens) - 1:
            break                                  # never the last word of a paragraph
        t = tok.group()
        if "\u00ad" in t or any(c.isdigit() for c in t) or _URLISH.search(t):
            continue
        for m in _WORD.finditer(t):
            word = m.group()
            letters = sum(c.isalpha() for c in word)
            if letters < MIN_WORD or word.isupper():
                continue
            if word[0].isupper() and primary not in _NOUN_CAPITALS:
                continue
            base = tok.start() + m.start()
            out.extend(base + p for p in dic.positions(word))
    return tuple(out)
