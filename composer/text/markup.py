"""Inline markup for text elements.

Grammar (with `markup: true`, the default):

    **bold**               weight 700 (800 when the text is already 700 or heavier)
    *italic*               the family's italic face
    [accent]{word}         a brand colour span: any name from brand.colors (span_colors)
    [#FF5500]{word}        a literal colour span ("#RGB", "#RRGGBB" or "rgba(...)")
    [size=48]{word}        a size span in px; [size=1.5em]{word} is relative to the text size
                           (em spans follow `size: auto`, px spans keep their size)
    [weight=300]{word}     any weight the family has
    [accent size=1.2em]{word}   attributes combine, separated by spaces
    \\*  \\[  \\]  \\{  \\}  \\\\    a literal * [ ] { } or backslash

Spans nest (`[accent]{**bold** words}`), may cross line breaks, and must be closed: an unclosed
`**`, `*` or `{`, or an unknown colour name, is a SpecError naming the position. Use
`markup: false` to set the text exactly as written.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace

from composer.core.errors import SpecError


@dataclass(frozen=True)
class SpanStyle:
    """Style overrides for a piece of text; None means inherit from the TextStyle."""

    bold: bool = False
    italic: bool = False
    color: str | None = None
    size_px: float | None = None
    size_em: float = 1.0
    weight: int | None = None


@dataclass(frozen=True)
class Span:
    """A piece of text with its style overrides."""

    text: str
    style: SpanStyle


_COLOR = re.compile(r"^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|#[0-9a-fA-F]{8}|rgba?\([^)]*\))$")
_SIZE = re.compile(r"^size=(\d+(?:\.\d+)?)(px|em)?$")
_WEIGHT = re.compile(r"^weight=(\d{3})$")


def parse(text: str, span_colors: dict[str, str] | None = None, element_id: str = "text") -> list[Span]:
    """Split marked-up text into styled spans; SpecError for unclosed or unknown markup."""
    colors = span_colors or {}
    spans: list[Span] = []
    stack: list[tuple[str, SpanStyle, int]] = []  # (closer, style to restore, opened at)
    style = SpanStyle()
    buf: list[str] = []

    def flush() -> None:
        if buf:
            spans.append(Span("".join(buf), style))
            buf.clear()

    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n and text[i + 1] in "*[]{}\\":
            buf.append(text[i + 1])
            i += 2
            continue
        if ch == "*":
            marker = "**" if text.startswith("**", i) else "*"
            flush()
            if stack and stack[-1][0] == marker:
                style = stack.pop()[1]
            else:
                stack.append((marker, style, i))
                style = replace(style, bold=True) if marker == "**" else replace(style, italic=True)
            i += len(marker)
            continue
        if ch == "[":
            close = text.find("]", i)
            if close > 0 and text.startswith("{", close + 1):
                flush()
                stack.append(("}", style, i))
                style = _apply(text[i + 1:close], style, colors, element_id, i)
                i = close + 2
                continue
        if ch == "}" and stack and stack[-1][0] == "}":
            flush()
            style = stack.pop()[1]
            i += 1
            continue
        buf.append(ch)
        i += 1
    flush()
    if stack:
        closer, _, at = stack[-1]
        opener = {"}": "[...]{"}.get(closer, closer)
        esc = "\\[" if closer == "}" else "\\*"
        raise SpecError(f'text "{element_id}": markup {opener!r} opened at character {at + 1} is never '
                        f"closed with {closer!r}; write {esc} for a literal {esc[1]!r} or set markup: false")
    return _merge(spans)


def _apply(attrs: str, style: SpanStyle, colors: dict[str, str], element_id: str, at: int) -> SpanStyle:
    """Apply the attributes of one `[...]` span opener to a style."""
    for attr in attrs.split():
        if m := _SIZE.match(attr):
            value = float(m.group(1))
            if m.group(2) == "em":
                style = replace(style, size_em=style.size_em * value, size_px=None)
            else:
                style = replace(style, size_px=value)
        elif m := _WEIGHT.match(attr):
            style = replace(style, weight=int(m.group(1)))
        elif attr.startswith("color="):
            style = replace(style, color=_color(attr[6:], colors, element_id, at))
        else:
            style = replace(style, color=_color(attr, colors, element_id, at))
    return style


def _color(name: str, colors: dict[str, str], element_id: str, at: int) -> str:
    """A span colour: a brand colour name or a literal colour."""
    if name in colors:
        return colors[name]
    if _COLOR.match(name):
        return name
    close = difflib.get_close_matches(name, list(colors), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    allowed = ", ".join(sorted(colors)) or "none defined"
    raise SpecError(f'text "{element_id}": unknown span {name!r} at character {at + 1}{hint}; '
                    f"allowed: brand colours ({allowed}), '#RRGGBB', 'size=<px|em>', 'weight=<100-900>'")


def _merge(spans: list[Span]) -> list[Span]:
    """Join neighbouring spans with the same style."""
    out: list[Span] = []
    for s in spans:
        if out and out[-1].style == s.style:
            out[-1] = Span(out[-1].text + s.text, s.style)
        elif s.text:
            out.append(s)
    return out
