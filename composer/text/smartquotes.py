"""Smart quotes: straight quotes and apostrophes to the language's typographic ones, -- and --- to dashes.

Hand-written because the Python options (smartypants, docutils' smartquotes) work on HTML or
reST and know few languages; this is a character pass with a quote table per language.
A straight double quote becomes the language's primary quote, a straight single quote its
secondary quote, or an apostrophe (’) between letters and before a digit ('90s).
"""

from __future__ import annotations

import unicodedata

NNBSP = "\u202f"  # narrow no-break space, inside French guillemets

# lang -> (primary open, primary close, secondary open, secondary close, space inside primary)
QUOTES: dict[str, tuple[str, str, str, str, str]] = {
    "en": ("\u201c", "\u201d", "\u2018", "\u2019", ""),
    "de": ("\u201e", "\u201c", "\u201a", "\u2018", ""),
    "de-ch": ("\u00ab", "\u00bb", "\u2039", "\u203a", ""),
    "fr": ("\u00ab", "\u00bb", "\u201c", "\u201d", NNBSP),
    "fr-ch": ("\u00ab", "\u00bb", "\u2039", "\u203a", ""),
    "es": ("\u00ab", "\u00bb", "\u201c", "\u201d", ""),
    "it": ("\u00ab", "\u00bb", "\u201c", "\u201d", ""),
    "pt": ("\u00ab", "\u00bb", "\u201c", "\u201d", ""),
    "pt-br": ("\u201c", "\u201d", "\u2018", "\u2019", ""),
    "nl": ("\u201c", "\u201d", "\u2018", "\u2019", ""),
    "sv": ("\u201d", "\u201d", "\u2019", "\u2019", ""),
    "fi": ("\u201d", "\u201d", "\u2019", "\u2019", ""),
    "da": ("\u00bb", "\u00ab", "\u203a", "\u2039", ""),
    "nb": ("\u00ab", "\u00bb", "\u2018", "\u2019", ""),
    "nn": ("\u00ab", "\u00bb", "\u2018", "\u2019", ""),
    "no": ("\u00ab", "\u00bb", "\u2018", "\u2019", ""),
    "pl": ("\u201e", "\u201d", "\u00ab", "\u00bb", ""),
    "cs": ("\u201e", "\u201c", "\u201a", "\u2018", ""),
    "sk": ("\u201e", "\u201c", "\u201a", "\u2018", ""),
    "hu": ("\u201e", "\u201d", "\u00bb", "\u00ab", ""),
    "ru": ("\u00ab", "\u00bb", "\u201e", "\u201c", ""),
    "uk": ("\u00ab", "\u00bb", "\u201e", "\u201c", ""),
    "ja": ("\u300c", "\u300d", "\u300e", "\u300f", ""),
    "zh": ("\u201c", "\u201d", "\u2018", "\u2019", ""),
    "zh-tw": ("\u300c", "\u300d", "\u300e", "\u300f", ""),
    "zh-hk": ("\u300c", "\u300d", "\u300e", "\u300f", ""),
    "zh-hant": ("\u300c", "\u300d", "\u300e", "\u300f", ""),
    "ko": ("\u201c", "\u201d", "\u2018", "\u2019", ""),
}
APOSTROPHE = "\u2019"
_OPENERS = "([{\u2014\u2013-/\u00ab\u201c\u201e\u2018\u201a\u2039\u300c\u300e"


def quotes_for(lang: str | None) -> tuple[str, str, str, str, str]:
    """The quote set for a BCP 47 tag: the full tag, then its language, else English."""
    tag = (lang or "en").lower().replace("_", "-")
    parts = tag.split("-")
    for key in ("-".join(parts[:2]), parts[0]):
        if key in QUOTES:
            return QUOTES[key]
    return QUOTES["en"]


def _opens(prev: str, nxt: str) -> bool:
    """A straight quote opens after nothing, a space or an opening mark, unless a space follows."""
    if not nxt or nxt.isspace():
        return False
    return not prev or prev.isspace() or prev in _OPENERS or _wide(prev)


def _after_text(prev: str) -> bool:
    """A quote right after text (not a space or an opening mark) closes an open quote."""
    return bool(prev) and not prev.isspace() and prev not in _OPENERS


def _wide(ch: str) -> bool:
    """CJK text has no spaces between words: a quote after a wide character opens."""
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _wordlike(ch: str) -> bool:
    return bool(ch) and unicodedata.category(ch)[0] in "LN" and not _wide(ch)


def smarten(text: str, lang: str | None, before: str = "", after: str = "") -> str:
    """Typographic quotes and dashes for `text`; `before`/`after` are the neighbouring characters."""
    if not any(c in text for c in "\"'-"):
        return text
    text = text.replace("---", "\u2014").replace("--", "\u2013")
    p_open, p_close, s_open, s_close, inner = quotes_for(lang)
    out: list[str] = []
    n = len(text)
    i = 0
    primary = 0
    pending = 0  # secondary quotes opened and not yet closed: a closing ' after a letter closes one

    while i < n:
        ch = text[i]
        prev = out[-1][-1:] if out else before[-1:]
        nxt = text[i + 1] if i + 1 < n else after[:1]
        if ch == '"':
            if inner and not primary:  # French writers often type the spaces: " Bonjour "
                rest = text[i + 1:].lstrip(" ")
                nxt = rest[:1] or after.lstrip(" ")[:1]
            if _opens(prev, nxt) and not (primary and _after_text(prev)):
                primary += 1
                out.append(p_open + inner)
                if inner:
                    while i + 1 < n and text[i + 1] == " ":
                        i += 1
            else:
                if inner:
                    while out and out[-1] == " ":
                        out.pop()
                out.append(inner + p_close)
                primary = max(0, primary - 1)
        elif ch == "'":
            if _wordlike(prev) and _wordlike(nxt) or (not _wordlike(prev) and nxt.isdigit()):
                out.append(APOSTROPHE)  # don't, l'eau, '90s
            elif _opens(prev, nxt) and not (pending and _after_text(prev)):
                out.append(s_open)
                pending += 1
            elif pending:
                out.append(s_close)
                pending -= 1
            else:
                out.append(APOSTROPHE if _wordlike(prev) else s_close)  # Peters' book
        else:
            out.append(ch)
        i += 1
    return "".join(out)
