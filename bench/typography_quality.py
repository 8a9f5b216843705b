"""Paragraph quality, Placard against Typst: 52 justified paragraphs (en, de, fr) at 35/55/75 chars.

    python bench/typography_quality.py [--no-typst] [--no-timing]

Both engines set the same text in Inter Regular at 16 px (12 pt), justified and hyphenated by
language, at a measure of N average characters (N × the corpus's mean advance). Placard's word
positions come from its placed glyphs; Typst's from its PDF through `pdftotext -bbox-layout`
(poppler), which boxes each word by its glyph advances, as Placard's figures do.

Per measure and engine:
  lines        lines set (all paragraphs)
  just         justified lines (every line but a paragraph's last that has 2+ words)
  mean / max   word-space stretch of the justified lines: mean gap between words / natural space
  >150%        share of justified lines whose word spaces are stretched past 150%
  1-word       single-word lines that are not a paragraph's last line
  runts        last lines of a paragraph of 2+ lines that hold a single word
  hyph         lines ending in a hyphenation hyphen (% of lines)
  ragged       Placard only: lines set ragged because no spacing within the limits could justify them
  rivers       chains of word gaps on 3+ consecutive lines whose centres lie within half a word
               space of the gap above (per 100 lines): the white channels readers see as rivers
Timing: ms per paragraph for the old setting (wrap: greedy, no hyphenation) and the new default,
same run, caches emptied before every paragraph (fonts stay loaded), at 16 px and with size: auto;
the settings alternate paragraph by paragraph, best of 3 runs each.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from composer.text import FontLibrary, TextStyle, set_text  # noqa: E402
from composer.text import block, hyphenate, shaping  # noqa: E402
from composer.text.block import prepare  # noqa: E402
from generator.base import Box  # noqa: E402

DATA = ROOT / "bench" / "data"
INTER = ROOT / "composer" / "fonts" / "inter"
LANGS = ("en", "de", "fr")
MEASURES = (35, 55, 75)
SIZE = 16.0        # px; 12 pt for Typst
SPACES = " \u00a0"
LIB = FontLibrary()


def corpus() -> list[tuple[str, str]]:
    """(lang, paragraph) for every paragraph in bench/data/typography_<lang>.txt."""
    out = []
    for lang in LANGS:
        text = (DATA / f"typography_{lang}.txt").read_text(encoding="utf-8")
        out += [(lang, p.strip()) for p in text.split("\n\n") if p.strip()]
    return out


def space_em() -> float:
    """Inter Regular's word space, in em."""
    face = LIB.face("Inter", 400, False)
    gid = face.hb_font.get_nominal_glyph(0x20)
    return face.hb_font.get_glyph_h_advance(gid) / face.upem


def mean_char_em(paras: list[tuple[str, str]]) -> float:
    """The corpus's mean advance per character, in em."""
    total = chars = 0
    for lang, text in paras:
        p = prepare(text, TextStyle(size=SIZE, lang=lang), LIB, "m")[0]
        total += p.width(0, len(p.text), 1.0)
        chars += len(p.text)
    return total / chars


# ---- Placard -------------------------------------------------------------------------------

def placard_lines(text: str, lang: str, width: float, **kw) -> tuple[list, list]:
    """Lines as [(word, x0, x1)] from Placard's glyphs, and which lines were set ragged."""
    style = TextStyle(size=SIZE, align="justify", lang=lang, **kw)
    blk = set_text(text, Box(0, 0, width, 100_000), style, LIB, "q")
    lines = []
    ragged = []
    for i, shown in enumerate(blk.lines):
        gl = sorted((g for g in blk.glyphs if g.line == i), key=lambda g: g.x)
        boxes, cur = [], None
        for g in gl:
            if text[g.cluster] in SPACES:
                if cur:
                    boxes.append(cur)
                cur = None
                continue
            cur = [g.x, g.x + g.advance] if cur is None else [cur[0], max(cur[1], g.x + g.advance)]
        if cur:
            boxes.append(cur)
        words = shown.split()
        if len(words) != len(boxes):
            raise AssertionError(f"word count mismatch on {shown!r}")
        lines.append([(w, b[0], b[1]) for w, b in zip(words, boxes)])
        ln = blk._layout_lines[i]
        ragged.append(not ln.last and len(words) > 1 and not ln.justified)
    return lines, ragged


# ---- Typst ---------------------------------------------------------------------------------

def typst_lines(paras: list[str], lang: str, width_pt: float) -> list[list]:
    """Each paragraph's lines as [(word, x0, x1)] in pt, read from Typst's PDF (one page each)."""
    import typst

    body = "\n#pagebreak()\n".join('#"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"'
                                   for p in paras)
    src = (f'#set page(width: {width_pt:.3f}pt, height: auto, margin: 0pt)\n'
           f'#set text(font: "Inter", size: {SIZE * 0.75:g}pt, lang: "{lang}", hyphenate: true)\n'
           f'#set par(justify: true)\n{body}\n')
    with tempfile.TemporaryDirectory() as tmp:
        typ, pdf = Path(tmp) / "q.typ", Path(tmp) / "q.pdf"
        typ.write_text(src, encoding="utf-8")
        typst.compile(str(typ), output=str(pdf), font_paths=[str(INTER)], ignore_system_fonts=True)
        html = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
    pages = []
    for page in html.split("<page ")[1:]:
        rows: dict[float, list] = {}
        for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([-\d.]+)" xMax="([\d.]+)" yMax="[-\d.]+">([^<]*)</word>',
                             page):
            x0, y, x1, w = float(m[1]), float(m[2]), float(m[3]), unescape(m[4])
            rows.setdefault(round(y, 1), []).append((w, x0, x1))
        pages.append([sorted(rows[y], key=lambda t: t[1]) for y in sorted(rows)])
    return pages


def unescape(s: str) -> str:
    return s.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")


# ---- metrics -------------------------------------------------------------------------------

def metrics(paragraphs: list[tuple[str, list, list]], space: float) -> dict:
    """The figures in the module doc, from (source text, lines of words, ragged flags)."""
    stretches, single, runts, hyph, ragged, lines, rivers = [], 0, 0, 0, 0, 0, 0
    for text, plines, rflags in paragraphs:
        words_in_source = set(re.findall(r"[\w'’-]+", text))
        lines += len(plines)
        for i, ln in enumerate(plines):
            last = i == len(plines) - 1
            if rflags and rflags[i]:
                ragged += 1
            elif not last and len(ln) > 1:
                gaps = [b[1] - a[2] for a, b in zip(ln, ln[1:])]
                stretches.append(statistics.mean(gaps) / space)
            if not last and len(ln) == 1:
                single += 1
            if last and i > 0 and len(ln) == 1:
                runts += 1
            if not last and ln and ln[-1][0][-1:] in ("-", "\u2010", "\u00ad") and plines[i + 1]:
                joined = ln[-1][0][:-1] + plines[i + 1][0][0]
                if re.sub(r"[^\w'’-]", "", joined) in words_in_source or joined.rstrip(".,;:!?") in text:
                    hyph += 1
        rivers += _rivers(plines, space / 2)
    n = len(stretches)
    return {"lines": lines, "just": n, "mean": statistics.mean(stretches) if n else 0.0,
            "max": max(stretches) if n else 0.0, "over": 100.0 * sum(s > 1.5 for s in stretches) / max(n, 1),
            "single": single, "runts": runts, "hyph": hyph, "hyph%": 100.0 * hyph / max(lines, 1),
            "ragged": ragged, "rivers": 100.0 * rivers / max(lines, 1)}


def _rivers(lines: list[list], tol: float) -> int:
    """Chains of word-gap centres on 3+ consecutive lines, each within `tol` of the one above."""
    centres = [[(a[2] + b[1]) / 2 for a, b in zip(ln, ln[1:])] for ln in lines]
    count = 0
    used = set()
    for i in range(len(centres)):
        for k, c in enumerate(centres[i]):
            if (i, k) in used:
                continue
            length, j, x = 1, i, c
            while j + 1 < len(centres):
                near = [(abs(c2 - x), m) for m, c2 in enumerate(centres[j + 1]) if abs(c2 - x) <= tol]
                if not near:
                    break
                m = min(near)[1]
                j, x = j + 1, centres[j + 1][m]
                used.add((j, m))
                length += 1
            if length >= 3:
                count += 1
    return count


def timing(paras: list[tuple[str, str]], width: float, repeat: int = 3) -> dict:
    """ms per paragraph, old setting against the new default, cold caches (fonts loaded).

    The two settings alternate paragraph by paragraph and each paragraph keeps its fastest of
    `repeat` runs, so other load on the machine falls on both alike."""
    settings = {"old": dict(wrap="greedy", hyphenate=False), "new": {}}
    out = {(name, mode): 0.0 for name in settings for mode in ("16px", "auto")}
    for k, (lang, text) in enumerate(paras):
        for mode in ("16px", "auto"):
            for name, kw in settings.items():
                style = TextStyle(size=SIZE if mode == "16px" else "auto", align="justify", lang=lang,
                                  max_size=32.0, **kw)
                box = Box(0, 0, width, 100_000 if mode == "16px" else 18 * SIZE * 1.2)
                best = float("inf")
                for _ in range(repeat):
                    shaping._PARAGRAPHS.clear()
                    block._BLOCKS.clear()
                    hyphenate.points.cache_clear()
                    t0 = time.perf_counter()
                    set_text(text, box, style, LIB, f"t{k}")
                    best = min(best, time.perf_counter() - t0)
                out[(name, mode)] += 1000 * best / len(paras)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-typst", action="store_true")
    ap.add_argument("--no-timing", action="store_true")
    args = ap.parse_args()
    paras = corpus()
    sp = space_em()
    char = mean_char_em(paras)
    print(f"{len(paras)} paragraphs ({', '.join(f'{sum(l == x for l, _ in paras)} {x}' for x in LANGS)}), "
          f"Inter 16 px, mean character {char:.3f} em, word space {sp:.3f} em")
    head = (f"{'measure':>7} {'engine':<8} {'lines':>5} {'just':>5} {'mean':>5} {'max':>5} {'>150%':>6} "
            f"{'1-word':>6} {'runts':>5} {'hyph':>9} {'ragged':>6} {'rivers':>6}")
    print(head)
    print("-" * len(head))
    timings = {}
    for n in MEASURES:
        width = n * char * SIZE
        rows = {}
        got = []
        for lang, text in paras:
            lines, ragged = placard_lines(text, lang, width)
            got.append((text, lines, ragged))
        rows["placard"] = metrics(got, sp * SIZE)
        if not args.no_typst:
            got = []
            for lang in LANGS:
                ps = [t for l, t in paras if l == lang]
                for text, lines in zip(ps, typst_lines(ps, lang, width * 0.75)):
                    got.append((text, lines, []))
            rows["typst"] = metrics(got, sp * SIZE * 0.75)
        for eng, m in rows.items():
            print(f"{n:>7} {eng:<8} {m['lines']:>5} {m['just']:>5} {m['mean']:>5.2f} {m['max']:>5.2f} "
                  f"{m['over']:>5.1f}% {m['single']:>6} {m['runts']:>5} {m['hyph']:>4} {m['hyph%']:>3.0f}% "
                  f"{m['ragged'] if eng == 'placard' else '-':>6} {m['rivers']:>6.1f}")
        if not args.no_timing:
            timings[n] = timing(paras, width)
    if timings:
        print("\nms per paragraph (caches emptied before each; same run)")
        print(f"{'measure':>7} {'old 16px':>9} {'new 16px':>9} {'ratio':>6} {'old auto':>9} {'new auto':>9} {'ratio':>6}")
        for n, t in timings.items():
            print(f"{n:>7} {t[('old', '16px')]:>9.2f} {t[('new', '16px')]:>9.2f} "
                  f"{t[('new', '16px')] / t[('old', '16px')]:>6.2f} {t[('old', 'auto')]:>9.2f} "
                  f"{t[('new', 'auto')]:>9.2f} {t[('new', 'auto')] / t[('old', 'auto')]:>6.2f}")


if __name__ == "__main__":
    main()
