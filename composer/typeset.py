"""Bridge from spec text elements (and template labels) to the typography engine."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from composer.colors import RGBA
from composer.errors import FontError, SpecError, TextFitError
from composer.layout import Layout, Placed
from generator.base import Box

if TYPE_CHECKING:
    from composer.render import SvgRenderer

_LIBS: dict[tuple, Any] = {}


def font_library(extra_dirs: tuple[Path, ...] = ()):
    """The process-wide font library for these extra folders (fonts are parsed once per process)."""
    from composer.text import FontLibrary

    key = tuple(str(p) for p in extra_dirs)
    if key not in _LIBS:
        _LIBS[key] = FontLibrary(extra_dirs=list(extra_dirs))
    return _LIBS[key]


def font_for(layout: Layout, font: Any, path: tuple, *, heading: bool) -> tuple[str, int, bool]:
    """The family, weight and italic flag of a FontSpec, resolving brand roles (heading, body)."""
    fonts = layout.brand.fonts
    family = font.family or ("heading" if heading else "body")
    weight = font.weight
    style = font.style
    if family in fonts:
        fam, w, s = fonts[family]
        family = fam
        weight = weight or w
        style = s if font.style == "normal" else font.style
    return family, int(weight or 400), style == "italic"


def text_style(layout: Layout, p: Placed, color: RGBA) -> Any:
    """The TextStyle for a text element, with sizes converted to pixels."""
    from composer.text import TextStyle
    from composer.text.hyphenate import has_dictionary

    el = p.el
    r = layout.resolver
    f = el.font
    heading = (el.id or "").startswith(("headline", "title", "heading")) or (el.slot or "") in ("headline", "title")
    family, weight, italic = font_for(layout, f, p.path + ("font",), heading=heading)
    if f.size is None or f.size == "auto":
        size: Any = "auto"
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
        color=color.css(), features=dict(f.features), letter_spacing=el.letter_spacing, transform=el.transform,
        line_height=el.line_height, align=el.align, valign=el.valign, wrap=el.wrap, max_lines=el.max_lines,
        overflow=el.overflow, lang=lang,
        direction=None if el.direction == "auto" else el.direction,
        markup=el.markup, span_colors=spans, hyphenate=el.hyphenate, headline=heading,
        glyph_scaling=el.glyph_scaling, hyphenate_max=48.0 * r.dpi / 96.0,
    )


def set_element(layout: Layout, p: Placed, color: RGBA, lib: Any) -> Any:
    """Typeset one text element; errors carry the element's location."""
    from composer.text import set_text

    style = text_style(layout, p, color)
    try:
        return set_text(p.el.text, p.box, style, lib, element_id=p.id)
    except (FontError, TextFitError, SpecError) as e:
        if e.location is None:
            e.location = layout.resolver.positions.locate(p.path + (("font",) if isinstance(e, FontError) else ("text",)))
        raise


def runs_markup(runs: Any) -> Markup:
    """SVG <path> elements for glyph runs, colour and opacity split as SVG wants them."""
    from composer.colors import parse_color

    out = []
    for run in runs:
        c = parse_color(run.fill)
        out.append(f'<path d="{run.d}" fill="{c.hex}"' + (f' fill-opacity="{c.a:g}"' if c.a < 1 else "") + "/>")
    return Markup("".join(out))


def set_label(renderer: SvgRenderer, p: Placed, text: str, box: Box, style: dict[str, Any]) -> Markup:
    """Set a label for a template's `text(...)` call and return its glyph paths."""
    from composer.text import TextStyle, set_text

    layout = renderer.layout
    r = layout.resolver
    color = r.color(style.pop("color", "ink"), p.path + ("params",))
    family = style.pop("family", "body")
    if family in layout.brand.fonts:
        fam, w, s = layout.brand.fonts[family]
        family = fam
        style.setdefault("weight", w)
    allowed = set(TextStyle.__dataclass_fields__) - {"family", "color", "span_colors"}
    unknown = set(style) - allowed
    if unknown:
        raise SpecError(f"text() got unknown options {sorted(unknown)}; allowed: {', '.join(sorted(allowed))}", location=r.positions.locate(p.path))
    ts = TextStyle(family=family, color=color.css(), span_colors={k: v.css() for k, v in layout.brand.colors.items()}, **style)
    block = set_text(text, box, ts, font_library(renderer.state.font_dirs), element_id=p.id)
    return runs_markup(block.runs)
