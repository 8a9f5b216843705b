"""Colour emoji: pick a COLR colour font for emoji presentation, and draw its glyphs as SVG vectors.

Placard ships Noto Color Emoji's COLRv1 build (composer/emoji/, OFL) and also takes any COLR
font among the spec's fonts or fontconfig's. Glyphs are drawn by blackrenderer (by the
fontTools authors) onto its SVG canvas: solid, linear and radial paints become <path>s with
fills, gradients and clip paths. Its SVG canvas draws sweep gradients as their first colour.
Characters with text presentation (☀ without U+FE0F) keep the monochrome fallback chain.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from pathlib import Path

from uniseg.emoji import emoji_presentation

from composer.text.fonts import FontFace, FontLibrary, load_face

EMOJI_DIR = Path(__file__).resolve().parent.parent / "emoji"
COLOR_FAMILIES = ("noto color emoji", "twemoji mozilla", "twemoji", "openmoji color")
VS15, VS16, ZWJ = "\ufe0e", "\ufe0f", "\u200d"


def is_color(face: FontFace) -> bool:
    """Whether a face has COLR colour glyphs (v0 layers or v1 paints)."""
    if face.is_color is None:
        face.is_color = "COLR" in face.tables and "CPAL" in face.tables
    return face.is_color


def wants_color(text: str, i: int) -> bool:
    """Emoji presentation: Emoji_Presentation=Yes or a following U+FE0F, unless U+FE0E follows."""
    nxt = text[i + 1:i + 2]
    if nxt == VS15:
        return False
    return nxt == VS16 or emoji_presentation(text[i])


@functools.lru_cache(maxsize=8)
def _bundled() -> tuple[FontFace, ...]:
    files = sorted(EMOJI_DIR.glob("*.ttf"), key=lambda p: (len(p.stem), p.stem))
    return tuple(load_face(p) for p in files)


def color_faces(lib: FontLibrary) -> list[FontFace]:
    """Colour emoji faces in order: bundled Noto COLRv1, then COLR faces from spec folders and fontconfig."""
    if lib.color_faces is not None:
        return lib.color_faces
    faces = list(_bundled())
    entries = [e for e in list(lib.local) + list(lib.system()) if e.family.lower() in COLOR_FAMILIES]
    for e in entries:
        try:
            face = load_face(e.path, e.index)
        except Exception:  # a broken system font is skipped, as fontconfig's fallback does
            continue
        if is_color(face) and face not in faces:
            faces.append(face)
    lib.color_faces = faces
    return faces


def color_face_for(lib: FontLibrary, cp: int) -> FontFace | None:
    """The first colour face that maps the code point, or None (then monochrome fallback)."""
    return next((f for f in color_faces(lib) if f.has_char(cp)), None)


class _Renderer:
    """blackrenderer's view of one face, loaded on first use (it parses COLR itself)."""

    def __init__(self, face: FontFace):
        from blackrenderer.font import BlackRendererFont

        self.font = BlackRendererFont(str(face.path), fontNumber=face.index)
        self.names = self.font.ttFont.getGlyphOrder()
        self.color_names = set(self.font.colrV0GlyphNames) | set(self.font.colrV1GlyphNames)


def _renderer(face: FontFace) -> _Renderer:
    r = face.color_renderer
    if not isinstance(r, _Renderer):
        r = face.color_renderer = _Renderer(face)
    return r


def has_color_glyph(face: FontFace, gid: int) -> bool:
    """Whether glyph `gid` of a colour face has a COLR record (else it is drawn as an outline)."""
    if not is_color(face):
        return False
    r = _renderer(face)
    return 0 <= gid < len(r.names) and r.names[gid] in r.color_names


def glyph_svg(face: FontFace, gid: int, x: float, y: float, size: float, key: str) -> str:
    """SVG markup for one colour glyph with its pen at (x, y) canvas px; ids derive from `key`."""
    from blackrenderer.backends.svg import SVGCanvas
    from fontTools.misc.transform import Transform

    r = _renderer(face)
    # blackrenderer logs what its SVG canvas approximates; shown with -v like other libraries' notes
    verbose = logging.getLogger().isEnabledFor(logging.INFO)
    logging.getLogger("blackrenderer").setLevel(logging.NOTSET if verbose else logging.ERROR)
    k = size / face.upem
    canvas = SVGCanvas(Transform(k, 0, 0, -k, x, y))
    r.font.drawGlyph(r.names[gid], canvas)
    return _markup(canvas.elements, "ce" + hashlib.sha1(key.encode()).hexdigest()[:10])


def _markup(elements: list, prefix: str) -> str:
    """blackrenderer's SVG elements as a fragment: gradient and clip defs, then filled paths."""
    from blackrenderer.backends.svg import RGBAPaint, colorToSVGAttrs, formatMatrix
    from fontTools.misc import etree as ET

    clips: dict = {}
    grads: dict = {}
    defs, body = [], []
    for fill_path, fill_t, clip_path, clip_t, paint, paint_t in elements:
        attrs = {"d": fill_path}
        if isinstance(paint, RGBAPaint):
            attrs.update(colorToSVGAttrs(paint))
        else:
            gid = grads.get((paint, paint_t))
            if gid is None:
                gid = grads[(paint, paint_t)] = f"{prefix}g{len(grads)}"
                defs.append(ET.tostring(paint.toSVG(gid, paint_t), encoding="unicode"))
            attrs["fill"] = f"url(#{gid})"
        attrs["transform"] = formatMatrix(fill_t)
        if clip_path is not None:
            cid = clips.get((clip_path, clip_t))
            if cid is None:
                cid = clips[(clip_path, clip_t)] = f"{prefix}c{len(clips)}"
                defs.append(f'<clipPath id="{cid}"><path d="{clip_path}" transform="{formatMatrix(clip_t)}"/></clipPath>')
            attrs["clip-path"] = f"url(#{cid})"
        body.append("<path " + " ".join(f'{a}="{v}"' for a, v in attrs.items()) + "/>")
    head = f"<defs>{''.join(defs)}</defs>" if defs else ""
    return head + "".join(body)
