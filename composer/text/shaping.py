"""Paragraphs: styled spans to font runs (fallback chain, bidi levels) shaped by HarfBuzz.

A paragraph is shaped once, in font units, so its measures scale linearly with the size and
auto-fit never reshapes. Lines are cut from the shaped paragraph at cluster boundaries, so
words on a line keep the kerning and contextual forms they were shaped with.
"""

from __future__ import annotations

import functools
import subprocess
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import uharfbuzz as hb

from composer.core.errors import FontError
from composer.core.lru import LRU
from composer.text import coloremoji, hyphenate
from composer.text.bidi import has_explicit
from composer.text.breaking import break_opportunities
from composer.text.fonts import CJK_INSTALL_HINT, FontFace, FontLibrary, load_face
from composer.text.markup import Span, SpanStyle
from composer.text.phrases import split_breaks
from composer.text.scripts import CJK_SCRIPTS, base_level, bidi_levels, is_ignorable, script_of
from composer.text.style import TextStyle

_SCRIPT_FAMILIES = {
    "arabic": ["Noto Sans Arabic", "Noto Naskh Arabic"],
    "hebrew": ["Noto Sans Hebrew"],
    "emoji": ["Symbola", "Noto Emoji", "DejaVu Sans"],
}
_CJK_FAMILY = {"ja": "Noto Sans CJK JP", "ko": "Noto Sans CJK KR", "zh-tw": "Noto Sans CJK TC",
               "zh-hant": "Noto Sans CJK TC", "zh-hk": "Noto Sans CJK HK", "zh": "Noto Sans CJK SC"}


@dataclass
class Run:
    """A piece of a paragraph in one face, direction and size, with its HarfBuzz glyphs."""

    start: int
    end: int
    face: FontFace
    level: int
    size_em: float
    size_px: float | None
    gids: list[int] = field(default_factory=list)
    clusters: list[int] = field(default_factory=list)
    x_adv: list[float] = field(default_factory=list)  # em of the run's size
    x_off: list[float] = field(default_factory=list)
    y_off: list[float] = field(default_factory=list)
    unsafe: list[int] = field(default_factory=list)  # clusters flagged UNSAFE_TO_BREAK


@dataclass
class Paragraph:
    """One shaped paragraph with per-character measures for breaking and fitting."""

    text: str
    spans: list[Span]
    base: int
    levels: list[int]
    runs: list[Run]
    colors: list[str]
    breaks: list[int]          # break opportunities that fall on cluster boundaries
    size_em: np.ndarray        # per char: relative size (0 where the size is absolute px)
    size_px: np.ndarray        # per char: absolute size (0 where relative)
    width_em: np.ndarray       # per char: advance incl. tracking, in em of its own size
    tracking_em: np.ndarray    # per char: the tracking part of width_em
    ink_top: np.ndarray        # per char: highest ink, em of its size, y up
    ink_bottom: np.ndarray     # per char: lowest ink (negative below the baseline)
    ascender: np.ndarray       # per char: its face's ascender (em)
    descender: np.ndarray      # per char: its face's descender (em, positive)
    cluster_end: list[int]     # per char: the end of the HarfBuzz cluster it belongs to
    hyphens: dict = field(default_factory=dict)  # soft hyphen index -> (face, glyph, advance em)
    hyph_points: dict = field(default_factory=dict)  # break index i (inside a word) -> hyphen glyph
    unsafe: frozenset = frozenset()  # cluster starts HarfBuzz flags UNSAFE_TO_BREAK (reshape there)
    emergency_breaks: list[int] = field(default_factory=list)  # inside CJK phrases (see phrases.py)
    # knuth_plass's per-paragraph prefix sums and break results, made on first use
    kp_measures: tuple[list, list, list, list] | None = field(default=None, init=False, repr=False, compare=False)
    kp_ends: LRU | None = field(default=None, init=False, repr=False, compare=False)
    cum_rel: np.ndarray = field(init=False)  # set in __post_init__
    cum_abs: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.cum_rel = np.concatenate([[0.0], np.cumsum(self.width_em * self.size_em)])
        self.cum_abs = np.concatenate([[0.0], np.cumsum(self.width_em * self.size_px)])
        # plain lists for per-glyph loops (numpy scalar indexing is slow there)
        self._cum_rel, self._cum_abs = self.cum_rel.tolist(), self.cum_abs.tolist()
        self.has_abs = bool(self.size_px.any())
        # per-char vertical metrics times relative size, for the all-relative fast path
        self.v_rel = [(self.size_em * arr).tolist() for arr in
                      (self.size_em, self.ascender, self.descender, self.ink_top, self.ink_bottom)]
        self.tracking, self.rel, self.abs = (self.tracking_em.tolist(), self.size_em.tolist(),
                                             self.size_px.tolist())

    def vertical(self, size: float, a: int, b: int) -> tuple[float, float, float, float, float]:
        """Largest px size, ascender, descender, ink top and lowest ink bottom of chars [a, b)."""
        if not self.has_abs:
            em, asc, desc, top, bottom = self.v_rel
            return (size * max(em[a:b]), size * max(asc[a:b]), size * max(desc[a:b]),
                    size * max(top[a:b]), size * min(bottom[a:b]))
        sizes = self.sizes(size, a, b)
        return (float(sizes.max()), float((self.ascender[a:b] * sizes).max()),
                float((self.descender[a:b] * sizes).max()), float((self.ink_top[a:b] * sizes).max()),
                float((self.ink_bottom[a:b] * sizes).min()))

    def sizes(self, size: float, a: int = 0, b: int | None = None) -> np.ndarray:
        """Pixel size of each character in [a, b) when the text size is `size`."""
        return self.size_em[a:b] * size + self.size_px[a:b]

    def width(self, a: int, b: int, size: float) -> float:
        """Advance width in px of characters [a, b), without trailing tracking."""
        if b <= a:
            return 0.0
        cr, ca = self._cum_rel, self._cum_abs
        w = size * (cr[b] - cr[a]) + (ca[b] - ca[a])
        t = self.tracking[b - 1]
        if t:
            w -= t * (self.rel[b - 1] * size + self.abs[b - 1])
        if b - 1 in self.hyphens:  # a line broken at a soft hyphen shows a hyphen
            w += self.hyphens[b - 1][2] * (self.rel[b - 1] * size + self.abs[b - 1])
        elif b in self.hyph_points:  # so does one broken at a hyphenation point
            w += self.hyph_points[b][2] * (self.rel[b - 1] * size + self.abs[b - 1])
        return w

    def trim(self, a: int, b: int) -> int:
        """End of [a, b) without trailing white space."""
        while b > a and self.text[b - 1] in " \t\u3000\u00a0\u200b":
            b -= 1
        return b


def paragraphs_of(spans: list[Span], style: TextStyle) -> list[list[Span]]:
    """Split spans at explicit newlines into paragraphs (each a list of spans)."""
    paras: list[list[Span]] = [[]]
    if style.smart_quotes:
        spans = _smarten(spans, style.lang)
    for span in spans:
        text = span.text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
        # tabs set as a space; other control characters have no glyph and no width in SVG
        text = "".join(" " if c == "\t" else c for c in text
                       if c in "\t\n" or unicodedata.category(c) != "Cc")
        for k, piece in enumerate(text.split("\n")):
            if k:
                paras.append([])
            if piece:
                paras[-1].append(Span(_transform(piece, style.transform), span.style))
    return paras


def _smarten(spans: list[Span], lang: str | None) -> list[Span]:
    """Smart quotes span by span, each seeing its neighbours' characters (see smartquotes)."""
    from composer.text.smartquotes import smarten

    out: list[Span] = []
    for k, s in enumerate(spans):
        before = out[-1].text[-1:] if out else ""
        after = spans[k + 1].text[:1] if k + 1 < len(spans) else ""
        out.append(Span(smarten(s.text, lang, before, after), s.style))
    return out


def _transform(text: str, mode: str) -> str:
    if mode == "uppercase":
        return text.upper()
    if mode == "lowercase":
        return text.lower()
    if mode == "capitalize":
        out, start = [], True
        for ch in text:
            out.append(ch.upper() if start and ch.isalpha() else ch)
            start = not (ch.isalnum() or ch in "'’")
        return "".join(out)
    return text


_PARAGRAPHS: LRU[Paragraph] = LRU(4096)  # shaped paragraphs by content, style and font set


def shape_paragraph(spans: list[Span], style: TextStyle, lib: FontLibrary, element_id: str) -> Paragraph:
    """Shape one paragraph (cached process-wide by content, style and font set)."""
    key = (tuple(spans), style.shaping_key(), lib.key)
    return _PARAGRAPHS.get_or_make(key, lambda: _shape(spans, style, lib, element_id))


def _span_weight(span: SpanStyle, style: TextStyle) -> int:
    weight = span.weight or style.weight
    if span.bold:
        weight = max(weight, 800 if weight >= 700 else 700)
    return weight


def _span_face(span: SpanStyle, style: TextStyle, lib: FontLibrary) -> FontFace:
    return lib.face(style.family, _span_weight(span, style), style.italic or span.italic)


def _shape(spans: list[Span], style: TextStyle, lib: FontLibrary, element_id: str) -> Paragraph:
    text = "".join(s.text for s in spans)
    n = len(text)
    # 1. per-character style, face (with fallback) and colour
    char_span: list[SpanStyle] = []
    for s in spans:
        char_span.extend([s.style] * len(s.text))
    faces = _choose_faces(text, char_span, style, lib, element_id)
    colors = [cs.color or style.color for cs in char_span]
    # 2. bidi levels and runs of one face, level and size
    base = base_level(text, None if style.direction == "auto" else style.direction)
    levels = bidi_levels(text, base) if base or _has_rtl(text) else [0] * n
    runs: list[Run] = []
    for i in range(n):
        cs = char_span[i]
        sig = (faces[i], levels[i], cs.size_em, cs.size_px)
        if runs and (runs[-1].face, runs[-1].level, runs[-1].size_em, runs[-1].size_px) == sig:
            runs[-1].end = i + 1
        else:
            runs.append(Run(i, i + 1, *sig))
    # 3. shape each run with the whole paragraph as context
    codepoints = [ord(c) for c in text]
    features = style.hb_features()
    for run in runs:
        _shape_run(run, codepoints, features, style.lang)
    # 4. per-character measures
    size_em = np.array([0.0 if cs.size_px else cs.size_em for cs in char_span])
    size_px = np.array([cs.size_px or 0.0 for cs in char_span])
    width = np.zeros(n)
    top = np.zeros(n)
    bottom = np.zeros(n)
    starts = set()
    for run in runs:
        starts.add(run.start)
        for gid, cl, adv in zip(run.gids, run.clusters, run.x_adv):
            starts.add(cl)
            width[cl] += adv
            x0, y0, x1, y1 = run.face.extents(gid)
            top[cl] = max(top[cl], y1)
            bottom[cl] = min(bottom[cl], y0)
    tracking = np.zeros(n)
    if style.letter_spacing:
        ordered = sorted(starts) + [n]
        for a, b in zip(ordered, ordered[1:]):
            tracking[b - 1] = style.letter_spacing
        width += tracking
    asc = np.array([f.ascender for f in faces])
    desc = np.array([f.descender for f in faces])
    breaks = [b for b in break_opportunities(text) if b in starts]
    breaks, emergency = split_breaks(text, breaks, style.lang)
    hyphens = {i: _hyphen_glyph(faces[i]) for i, ch in enumerate(text) if ch == "\u00ad"}
    hyph_points = {}
    if style.hyphenate is not False:
        hyph_points = {i: _hyphen_glyph(faces[i - 1]) for i in hyphenate.points(text, style.lang)
                       if i in starts}
    unsafe = frozenset(c for run in runs for c in run.unsafe)
    cluster_end = [0] * n
    ordered = sorted(starts) + [n]
    for a, b in zip(ordered, ordered[1:]):
        cluster_end[a:b] = [b] * (b - a)
    return Paragraph(text, spans, base, levels, runs, colors, breaks, size_em, size_px, width,
                     tracking, top, bottom, asc, desc, cluster_end, hyphens, hyph_points, unsafe,
                     emergency_breaks=emergency)


def _hyphen_glyph(f: FontFace) -> tuple:
    """The face's hyphen (U+2010, else "-"): face, glyph id, advance in em."""
    gid = f.hb_font.get_nominal_glyph(0x2010) or f.hb_font.get_nominal_glyph(0x2D) or 0
    return f, gid, f.hb_font.get_glyph_h_advance(gid) / f.upem


def _has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL", "AN") for c in text) or has_explicit(text)


def shape_buffer(run: Run, codepoints: list[int], offset: int, length: int, features: dict,
                 lang: str | None) -> hb.Buffer:
    """HarfBuzz's output for codepoints[offset:offset+length] in the run's font and direction.

    The codepoints around the item are context (for joining scripts and contextual forms).
    """
    buf = hb.Buffer()
    buf.add_codepoints(codepoints, offset, length)
    buf.guess_segment_properties()
    buf.direction = "rtl" if run.level % 2 else "ltr"
    if lang:
        buf.language = lang
    hb.shape(run.face.hb_font, buf, features)
    return buf


def _shape_run(run: Run, codepoints: list[int], features: dict, lang: str | None) -> None:
    """Shape one run in font units and store its glyphs (HarfBuzz output order)."""
    buf = shape_buffer(run, codepoints, run.start, run.end - run.start, features, lang)
    u = run.face.upem
    run.gids = [g.codepoint for g in buf.glyph_infos]
    run.clusters = [g.cluster for g in buf.glyph_infos]
    pos = buf.glyph_positions
    run.x_adv = [p.x_advance / u for p in pos]
    run.x_off = [p.x_offset / u for p in pos]
    run.y_off = [p.y_offset / u for p in pos]
    run.unsafe = [g.cluster for g in buf.glyph_infos if g.flags & hb.GlyphFlags.UNSAFE_TO_BREAK]


def _choose_faces(text: str, char_span: list[SpanStyle], style: TextStyle, lib: FontLibrary,
                  element_id: str) -> list[FontFace]:
    """The face for each character: its style's face, else the per-script fallback chain."""
    faces: list[FontFace] = []
    missing: list[str] = []
    for i, ch in enumerate(text):
        primary = _span_face(char_span[i], style, lib)
        prev = faces[-1] if faces else None
        cp = ord(ch)
        cat = unicodedata.category(ch)
        # marks, joiners and spaces stay in the face of the text around them (one run, one shape)
        if prev is not None and (is_ignorable(ch) or (cat[0] in "MZ" and prev.has_char(cp))):
            faces.append(prev)
        elif cp >= 0x2000 and prev is not None and _continues_emoji(text, i, prev):
            faces.append(prev)
        elif (cp >= 0x2000 or text[i + 1:i + 2] == "\ufe0f") and (color := _color_emoji(lib, text, i)):
            faces.append(color)
        elif primary.has_char(cp) or is_ignorable(ch):
            faces.append(primary)
        else:
            face = _fallback(lib, cp, style.lang, text, _span_weight(char_span[i], style))
            if face is None:
                missing.append(ch)
                face = primary
            faces.append(face)
    if missing:
        raise FontError(_missing_message(element_id, missing, lib))
    return faces


def _continues_emoji(text: str, i: int, prev: FontFace) -> bool:
    """A ZWJ sequence's next emoji or a skin-tone modifier stays in the colour face before it."""
    cp = ord(text[i])
    return ((text[i - 1] == "\u200d" or 0x1F3FB <= cp <= 0x1F3FF) and coloremoji.is_color(prev)
            and prev.has_char(cp))


def _color_emoji(lib: FontLibrary, text: str, i: int) -> FontFace | None:
    """A colour font's face for an emoji with emoji presentation, else None (text fonts)."""
    if not coloremoji.wants_color(text, i):
        return None
    return coloremoji.color_face_for(lib, ord(text[i]))


def _missing_message(element_id: str, missing: list[str], lib: FontLibrary) -> str:
    chars = list(dict.fromkeys(missing))
    listed = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in chars)
    tried = ", ".join(lib.families(include_system=False))
    msg = (f'text "{element_id}": no font can draw {listed}; tried {tried}'
           f"{' and fontconfig' if lib.use_fontconfig else ''}")
    if any(script_of(c) in CJK_SCRIPTS for c in chars):
        msg += f"; {CJK_INSTALL_HINT}"
    return msg


def _fallback_chain(lib: FontLibrary, cp: int, lang: str | None, cjk_hint: str,
                    weight: int = 400) -> FontFace | None:
    ch = chr(cp)
    script = script_of(ch)
    families = list(_SCRIPT_FAMILIES.get(script, []))
    if script in CJK_SCRIPTS:
        key = (lang or "").lower()
        fam = _CJK_FAMILY.get(key) or _CJK_FAMILY.get(key.split("-")[0])
        fam = fam or {"kana": "Noto Sans CJK JP", "hangul": "Noto Sans CJK KR"}.get(script) or cjk_hint
        families = [fam, "Noto Sans CJK SC", "Noto Sans CJK JP"]
    for fam in families:
        try:  # the text's weight: a CJK run in a bold line takes the fallback family's bold
            face = lib.face(fam, weight, False)
        except FontError:
            continue
        if face.has_char(cp):
            return face
    for entry in lib.local:
        face = load_face(entry.path, entry.index, entry.weight if entry.weight_range else None)
        if face.has_char(cp):
            return face
    if lib.use_fontconfig:
        for path, index in _fc_fonts_for(cp):
            try:
                face = load_face(path, index)
            except FontError:
                continue
            if face.has_char(cp) and any(t in face.tables for t in ("glyf", "CFF ", "CFF2")):
                return face
    return None


def _fallback(lib: FontLibrary, cp: int, lang: str | None, text: str, weight: int = 400) -> FontFace | None:
    """A face that can draw `cp`: script chain, bundled and spec fonts, then fontconfig."""
    hint = "Noto Sans CJK SC"
    if script_of(chr(cp)) in CJK_SCRIPTS:
        if any(script_of(c) == "kana" for c in text):
            hint = "Noto Sans CJK JP"
        elif any(script_of(c) == "hangul" for c in text):
            hint = "Noto Sans CJK KR"
    cache = lib.fallbacks
    key = (cp, lang, hint, weight)
    if key not in cache:
        cache[key] = _fallback_chain(lib, cp, lang, hint, weight)
    return cache[key]


@functools.lru_cache(maxsize=1024)
def _fc_fonts_for(cp: int) -> tuple[tuple[Path, int], ...]:
    """Files fontconfig says cover a code point (fc-list :charset=...)."""
    try:
        out = subprocess.run(["fc-list", "--format=%{file}\\t%{index}\\n", f":charset={cp:x}"],
                             capture_output=True, text=True, timeout=20, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    found = []
    for line in sorted(out.splitlines()):
        parts = line.split("\t")
        if len(parts) == 2:
            found.append((Path(parts[0]), int(parts[1])))
    return tuple(found)
