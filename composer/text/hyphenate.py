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
from dataclasses import dataclass
from pathlib import Path

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


@dataclass(frozen=True)
class Hyphenator:
    """pyphen's patterns for one language, with the letters kept before and after a break."""

    patterns: pyphen.HyphDict
    left: int = MIN_BEFORE
    right: int = MIN_AFTER

    def positions(self, word: str) -> list[int]:
        """Where `word` may break, as pyphen.Pyphen.positions gives them."""
        right = len(word) - self.right
        return [i for i in self.patterns.positions(word) if self.left <= i <= right]


@functools.lru_cache(maxsize=64)
def dictionary(lang: str | None) -> Hyphenator | None:
    """pyphen's dictionary for a BCP 47 tag ("de", "en-GB", "fr_FR"), or None when there is none."""
    found = _language(lang)
    return None if found is None else Hyphenator(_patterns(pyphen.LANGUAGES[found]))


def _language(lang: str | None) -> str | None:
    return pyphen.language_fallback((lang or DEFAULT_LANG).replace("-", "_"))


PROBES = ("hyphenation", "representative", "Silbentrennung", "développement")


def _patterns(path: Path) -> pyphen.HyphDict:
    """pyphen's parsed patterns of a dictionary file, kept in the user cache between processes.

    Parsing hyph_en_US.dic (11,000 patterns) cost every cold build ~120 ms, the largest single
    cost after imports. The kept table maps each pattern to "start,digits" (JSON reads 14,000
    short strings in ~3 ms; lists of lists took ~20 ms) and an entry is decoded when pyphen first
    looks it up. Only tables whose values are single digits are kept (a few languages carry
    nonstandard-hyphenation data), and a kept table is used only if it breaks the probe words
    where it did when it was parsed.
    """
    import json

    from composer.core.paths import user_cache, write_cache_file

    st = path.stat()
    cache = user_cache(f"hyphenation-v3/{pyphen.VERSION}-{path.stem}-{st.st_size}-{st.st_mtime_ns}.json")
    if cache is not None and cache.is_file():
        try:
            kept = json.loads(cache.read_text("utf-8"))
            hd = _from_table(_Table(kept["patterns"]), kept["maxlen"])
            if [list(map(int, hd.positions(w))) for w in PROBES] == kept["probes"]:
                return hd
        except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
            pass  # unreadable or from a pyphen that keeps its table differently: parse the file
    hd = pyphen.HyphDict(path)
    if cache is not None and all(type(v) is int and 0 <= v <= 9 for _, values in hd.patterns.values() for v in values):
        table = {k: f"{start},{''.join(map(str, values))}" for k, (start, values) in hd.patterns.items()}
        probes = [list(map(int, hd.positions(w))) for w in PROBES]
        for old in cache.parent.glob(f"*-{path.stem}-*.json"):  # this dictionary's tables from earlier installs
            old.unlink(missing_ok=True)
        write_cache_file(cache, json.dumps({"patterns": table, "probes": probes, "maxlen": hd.maxlen}, separators=(",", ":")))
    return hd


class _Table(dict[str, object]):
    """A kept pattern table: "start,digits" strings, decoded to pyphen's (start, values) on first lookup.

    pyphen reads its table with .get (and we answer [] alike); decoding 14,000 entries up front
    would cost a cold build more than the few hundred lookups a poster makes.
    """

    def get(self, key: str, default: object = None) -> object:
        value = dict.get(self, key)
        if value is None:
            return default
        if type(value) is str:
            start, digits = value.split(",")
            value = (int(start), tuple(map(int, digits)))
            self[key] = value
        return value

    def __getitem__(self, key: str) -> object:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value


def _from_table(patterns: dict, maxlen: int) -> pyphen.HyphDict:
    """A HyphDict holding an already parsed table (its __init__ only reads a file into these three)."""
    if not isinstance(maxlen, int) or maxlen < 1:
        raise ValueError("kept table without its longest pattern length")
    hd = pyphen.HyphDict.__new__(pyphen.HyphDict)
    hd.patterns, hd.cache, hd.maxlen = patterns, {}, maxlen
    return hd


def has_dictionary(lang: str | None) -> bool:
    """Whether hyphenation is available for this language (without loading its patterns)."""
    return _language(lang) is not None


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
