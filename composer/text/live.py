"""Live-text SVG: real <text> that designers can edit, with the fonts referenced or embedded.

Fonts are referenced by their real family name (so Inkscape and Illustrator pick up installed
fonts) through an @font-face whose src is the font file as a file:// URL; `embed=True` inlines
the font file as base64 instead, for a self-contained SVG. PNG and PDF always use outlines.
"""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from composer.text.scripts import visual_order

if TYPE_CHECKING:
    from composer.text.block import PlacedGlyph, TextBlock
    from composer.text.fonts import FontFace


def css_string(text: str) -> str:
    """`text` as the inside of a quoted CSS string: anything but letters, digits, space, '-' and '_' is a
    CSS hex escape, so a family name such as `x';}@import url(http://...)` cannot leave the string (and
    the result needs no XML escaping either)."""
    return "".join(c if c.isalnum() and c.isascii() or c in " -_" else f"\\{ord(c):x} " for c in text)


def subset_font(face: FontFace, text: str) -> bytes:
    """The face's font file cut down to the glyphs `text` needs (with their layout features), as TrueType/CFF bytes.

    Embedding a whole font costs its full size in every SVG (a sparse 1 GB font once took 5 GB);
    fontTools.subset keeps only what this text draws.
    """
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = TTFont(str(face.path), fontNumber=face.index)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _font_face(face: FontFace, embed: bool, text: str = "") -> str:
    """An @font-face rule for one face (embedded: subset to the characters of `text`)."""
    fam = face.tt["name"].getBestFamilyName()
    weight = face.tt["OS/2"].usWeightClass if "OS/2" in face.tt else 400
    italic = "italic" if "OS/2" in face.tt and face.tt["OS/2"].fsSelection & 1 else "normal"
    if embed:
        fmt = "opentype" if face.path.suffix.lower() == ".otf" else "truetype"
        data = base64.b64encode(subset_font(face, text)).decode("ascii")
        src = f"url(data:font/{face.path.suffix[1:].lower()};base64,{data}) format('{fmt}')"
    else:
        src = f"url('{Path(face.path).resolve().as_uri()}')"
    return (f"@font-face{{font-family:'{css_string(fam)}';font-weight:{weight};font-style:{italic};"
            f"src:{src};}}")


def _colour_ranges(colors: list[str], a: int, b: int) -> list[tuple[int, int]]:
    """Split [a, b) where the colour changes."""
    out: list[tuple[int, int]] = []
    for i in range(a, b):
        if out and colors[i] == colors[out[-1][0]]:
            out[-1] = (out[-1][0], i + 1)
        else:
            out.append((i, i + 1))
    return out


def _tspan(block: TextBlock, face: FontFace, text: str, color: str, glyphs: list[PlacedGlyph], rtl: bool) -> str:
    """One positioned <tspan> for text of one face, colour and direction."""
    os2 = face.tt["OS/2"] if "OS/2" in face.tt else None
    x = max(g.x + g.advance for g in glyphs) if rtl else min(g.x for g in glyphs)
    size = glyphs[0].size
    attrs = (f'x="{x:.2f}" y="{glyphs[0].y:.2f}" font-family="{escape(face.tt["name"].getBestFamilyName())}" '
             f'font-size="{size:.2f}" font-weight="{os2.usWeightClass if os2 else 400}" '
             f'font-style="{"italic" if os2 and os2.fsSelection & 1 else "normal"}" fill="{escape(color or block.style.color)}"')
    if rtl:
        attrs += ' direction="rtl" text-anchor="end"'
    if block.style.letter_spacing:
        attrs += f' letter-spacing="{block.style.letter_spacing * size:.2f}"'
    return f"<tspan {attrs}>{escape(text)}</tspan>"


def live_svg(block: TextBlock, embed: bool = False) -> str:
    """`<text>`/`<tspan>` markup for a TextBlock, one tspan per visual run of a line."""
    faces = {}
    used: dict[str, str] = {}  # face key -> the characters it sets, for subsetting embedded fonts
    texts = []
    for li, ln in enumerate(block._layout_lines):
        p = ln.para
        line_glyphs = [g for g in block.glyphs if g.line == li]
        if not line_glyphs:
            continue
        pieces = [(r, max(ln.start, r.start), min(ln.end, r.end)) for r in p.runs
                  if r.start < ln.end and r.end > ln.start]
        spans = []
        for k in visual_order([r.level for r, _, _ in pieces]):
            run, a, b = pieces[k]
            faces[run.face.key] = run.face
            # with the hyphen a hyphenated line adds (main's hyphenation), so the subset keeps its glyph
            used[run.face.key] = used.get(run.face.key, "") + p.text[a:b] + ("-" if ln.hyphen and b == ln.end else "")
            rtl = run.level % 2 == 1
            parts = _colour_ranges(p.colors, a, b)
            for lo, hi in (reversed(parts) if rtl else parts):
                gl = [g for g in line_glyphs if lo <= g.cluster < hi]
                if gl:
                    shown = p.text[lo:hi] + ("-" if ln.hyphen and hi == ln.end else "")
                    spans.append(_tspan(block, run.face, shown, p.colors[lo], gl, rtl))
        texts.append(f'<text xml:space="preserve">{"".join(spans)}</text>')
    style = "".join(_font_face(f, embed, used.get(k, "")) for k, f in faces.items())
    return (f'<g id="{escape(block.element_id)}" class="live-text"><style>{style}</style>'
            f'{"".join(texts)}</g>')
