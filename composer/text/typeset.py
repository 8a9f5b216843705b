"""Bridge from spec text elements to the typography engine: style from the spec, fonts, setting."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from composer.core.errors import FontError, SpecError, TextFitError
from composer.core.lru import LRU
from composer.text.fonts import FontLibrary, folders_signature
from composer.layout.resolve import Layout, Placed

if TYPE_CHECKING:
    from composer.spec.model import FontSpec
    from composer.text.block import TextBlock
    from composer.text.style import TextStyle

_LIBS: LRU[FontLibrary] = LRU(16)  # font libraries by folders and the state of their files


def font_library(extra_dirs: tuple[Path, ...] = ()) -> FontLibrary:
    """The process-wide font library for these folders; a font added, removed or edited there makes a new one."""
    key = (tuple(str(p) for p in extra_dirs), folders_signature(list(extra_dirs)))
    return _LIBS.get_or_make(key, lambda: FontLibrary(extra_dirs=list(extra_dirs)))


def font_for(layout: Layout, font: FontSpec, path: tuple, *, heading: bool) -> tuple[str, int, bool]:
    """The family, weight and italic flag of a FontSpec, resolving brand roles (heading, body)."""
    fonts = layout.brand.fonts
    family = font.family or ("heading" if heading else "body")
    weight = font.weight
    style: str = font.style
    if family in fonts:
        fam, w, s = fonts[family]
        family = fam
        weight = weight or w
        style = s if font.style == "normal" else font.style
    return family, int(weight or 400), style == "italic"


def text_style(layout: Layout, p: Placed) -> TextStyle:
    """The TextStyle for a text element, with sizes in pixels; its colour is attached after legibility."""
    from composer.text import TextStyle
    from composer.text.hyphenate import has_dictionary
    from composer.text.style import ELEMENT_COLOR

    el = p.el
    r = layout.resolver
    f = el.font
    heading = (el.id or "").startswith(("headline", "title", "heading")) or (el.slot or "") in ("headline", "title")
    family, weight, italic = font_for(layout, f, p.path + ("font",), heading=heading)
    if f.size is None or f.size == "auto":
        size: float | str = "auto"
    else:
        size = r.length(f.size, p.path + ("font", "size"))
        if size <= 0:
            raise r.fail(p.path + ("font", "size"), f"invalid size {f.size!r}; allowed: a size greater than 0, or auto")
    spans = {k: v.css() for k, v in layout.brand.colors.items()}
    lo = r.length(f.min_size, p.path + ("font", "min_size")) if f.min_size is not None else None
    hi = r.length(f.max_size, p.path + ("font", "max_size")) if f.max_size is not None else None
    lang = el.lang or r.loaded.spec.lang
    if el.hyphenate is True and not has_dictionary(lang):
        raise r.fail(p.path + ("hyphenate",), f"true, but there is no hyphenation dictionary for lang {lang!r}; "
                     "allowed: a lang pyphen knows (en, de, fr, es, it, nl, ...), or hyphenate: false")
    return TextStyle(
        family=family, weight=weight, italic=italic, size=size, min_size=lo, max_size=hi,
        color=ELEMENT_COLOR, features=dict(f.features), letter_spacing=el.letter_spacing, transform=el.transform,
        line_height=el.line_height, align=el.align, valign=el.valign, wrap=el.wrap, max_lines=el.max_lines,
        overflow=el.overflow, lang=lang, direction=None if el.direction == "auto" else el.direction,
        markup=el.markup, span_colors=spans, smart_quotes=el.smart_quotes, optical_margin=el.optical_margin,
        hyphenate=el.hyphenate, headline=heading, glyph_scaling=el.glyph_scaling, hyphenate_max=48.0 * r.dpi / 96.0,
    )


def set_element(layout: Layout, p: Placed, lib: FontLibrary) -> TextBlock:
    """Typeset one text element; errors carry the element's location."""
    from composer.text import set_text

    style = text_style(layout, p)
    try:
        block = set_text(p.el.text, p.frame, style, lib, element_id=p.id)
    except (FontError, TextFitError, SpecError) as e:
        if e.location is None:
            e.location = layout.resolver.positions.locate(p.path + (("font",) if isinstance(e, FontError) else ("text",)))
        raise
    _warn_substitutions(layout, p, style, lib, block)
    return block


def _warn_substitutions(layout: Layout, p: Placed, style: TextStyle, lib: FontLibrary, block: TextBlock) -> None:
    """Say what setting changed: text cut to "…", or a weight or italic the family does not have."""
    from composer.core.warnings import warn
    from composer.spec.yamlload import format_path

    where = layout.resolver.positions.locate
    if block.truncated:
        b = p.frame
        warn("text-truncated", f"the text does not fit its {b.width:.0f}×{b.height:.0f} px box at {block.size:.4g} px and was "
             f"cut to {len(block.lines)} line{'s' if len(block.lines) != 1 else ''} ending in \"…\"",
             location=where(p.path + ("text",)), path=format_path(p.path + ("text",)))
    for weight, italic, markup in _faces_asked(p.el.text, style):
        try:
            entry = lib.entry(style.family, weight, italic)
        except FontError:
            return
        if not entry.covers_weight(weight) and entry.weight != weight:
            field = ("text",) if markup else ("font", "weight")
            what = f"{markup} text asks for weight {weight}" if markup else f"weight {weight} was asked for"
            warn("font-weight-substituted", f"{what}, which {style.family} lacks; set in weight {entry.weight} instead",
                 location=where(p.path + field), path=format_path(p.path + field))
        if italic and not entry.italic:
            field = ("text",) if markup else ("font", "style")
            what = f"{markup} text asks for italic" if markup else "italic was asked for"
            warn("font-style-substituted", f"{what}, but {style.family} has no italic face; set upright instead",
                 location=where(p.path + field), path=format_path(p.path + field))


def _faces_asked(text: str, style: TextStyle) -> list[tuple[int, bool, str]]:
    """(weight, italic, why) of every face a text asks for: its own, then its markup spans' (why: the span kind)."""
    from composer.text.markup import parse
    from composer.text.shaping import _span_weight

    asked = [(style.weight, style.italic, "")]
    if style.markup and any(ch in text for ch in "*["):
        for span in parse(text, style.span_colors):
            sp = span.style
            why = "bold" if sp.bold else "italic" if sp.italic else f"[weight={sp.weight}]" if sp.weight else ""
            face = (_span_weight(sp, style), style.italic or sp.italic, why)
            if why and face[:2] not in [a[:2] for a in asked]:
                asked.append(face)
    return asked
