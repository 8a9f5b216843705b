"""Font discovery and loading: bundled fonts, then the spec's folders, then fontconfig.

Parsed fonts (HarfBuzz face/font, glyph outlines, and fontTools' TTFont when a caller needs a
table HarfBuzz does not read for us) live in process-wide caches keyed by file path, index and
weight, so fifty labels in one font parse it once. A composition build reads fonts through
HarfBuzz only: fontTools (about 30 ms to import) loads for the font index scan, live SVG text and
colour emoji.
"""

from __future__ import annotations

import functools
import os
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uharfbuzz as hb

from composer.core import glyphpaths, outlinecache
from composer.core.errors import FontError
from composer.core.limits import MAX_FONT_INDEX_ENTRIES
from composer.core.lru import LRU
from composer.text.fontfiles import check_font_file, font_files

BUNDLED_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT_SUFFIXES = {".ttf", ".otf", ".ttc", ".otc"}
CJK_INSTALL_HINT = "CJK text needs Noto Sans CJK: run `apt-get install fonts-noto-cjk`"

# fontconfig weights (FC_WEIGHT_*) to OpenType usWeightClass
_FC_WEIGHTS = [(0, 100), (40, 200), (50, 300), (55, 350), (75, 380), (80, 400), (100, 500),
               (180, 600), (200, 700), (205, 800), (210, 900), (215, 950)]


@dataclass(frozen=True)
class FontEntry:
    """One face in a font file, as discovered (not yet loaded)."""

    path: Path
    index: int
    family: str
    weight: int
    italic: bool
    weight_range: tuple[int, int] | None = None  # variable fonts with a wght axis
    source: str = "bundled"  # bundled | extra | system

    def covers_weight(self, weight: int) -> bool:
        return self.weight_range is not None and self.weight_range[0] <= weight <= self.weight_range[1]


class _OutlinePen:
    """Collects a glyph outline as (command, coordinates) in font units, y up.

    HarfBuzz's draw_glyph_with_pen calls these five methods with one segment each (a quadratic
    with one control point, a cubic with two), so fontTools' BasePen, which splits multi-point
    curves, has nothing to add here.
    """

    def __init__(self) -> None:
        self.ops: list[tuple[str, tuple[float, ...]]] = []

    def moveTo(self, p: tuple[float, float]) -> None:  # noqa: N802 - the pen protocol's names
        self.ops.append(("M", p))

    def lineTo(self, p: tuple[float, float]) -> None:  # noqa: N802
        self.ops.append(("L", p))

    def qCurveTo(self, p1: tuple[float, float], p2: tuple[float, float]) -> None:  # noqa: N802
        self.ops.append(("Q", p1 + p2))

    def curveTo(self, p1: tuple[float, float], p2: tuple[float, float], p3: tuple[float, float]) -> None:  # noqa: N802
        self.ops.append(("C", p1 + p2 + p3))

    def closePath(self) -> None:  # noqa: N802
        self.ops.append(("Z", ()))


def encode_outline(ops: Iterable[tuple[str, tuple[float, ...]]], k: float, sx: float = 1.0) -> tuple[str, int, int]:
    """Outline ops (font units) as path data in 1/100 px: (relative path after the first point, x0, y0).

    `k` converts font units to 1/100 px; `sx` scales horizontally (glyph scaling; 1.0 is exact).
    The same outline, as cairo path rows, is filed with `glyphpaths` under the path data, so
    the renderer need not read the numbers back out of the text.
    """
    parts: list[str] = []
    rows: list[glyphpaths.Row] = [(0, glyphpaths.MOVE_TO, 2, 0), (1, 0, 0, 100)]
    first = None
    fx = fy = cx = cy = px = py = 0
    for op, pts in ops:
        if op == "Z":
            parts.append("z")
            rows.append((0, glyphpaths.CLOSE_PATH, 1, 0))
            cx, cy = px, py  # closing a subpath returns to its start
            continue
        ints = [round(v * k * sx) if i % 2 == 0 else round(-v * k) for i, v in enumerate(pts)]
        if first is None:
            first = fx, fy = ints[0], ints[1]
            cx, cy = px, py = first
            continue
        rel = []
        for i in range(0, len(ints), 2):
            rel.append(_fmt(ints[i] - cx))
            rel.append(_fmt(ints[i + 1] - cy))
        if op == "Q":  # cairo draws cubics: the exact one, control points (p0 + 2q) / 3 and (p1 + 2q) / 3
            qx, qy, ex, ey = ints[0] - fx, ints[1] - fy, ints[2] - fx, ints[3] - fy
            rows += [(0, glyphpaths.CURVE_TO, 4, 0), (1, cx - fx + 2 * qx, cy - fy + 2 * qy, 300),
                     (1, ex + 2 * qx, ey + 2 * qy, 300), (1, ex, ey, 100)]
        else:
            rows.append((0, glyphpaths.CURVE_TO, 4, 0) if op == "C" else
                        (0, glyphpaths.MOVE_TO if op == "M" else glyphpaths.LINE_TO, 2, 0))
            rows += [(1, ints[i] - fx, ints[i + 1] - fy, 100) for i in range(0, len(ints), 2)]
        cx, cy = ints[-2], ints[-1]
        if op == "M":
            px, py = cx, cy
        parts.append(op.lower() + " ".join(rel))
    x0, y0 = first or (0, 0)
    path = "".join(parts)
    glyphpaths.remember(path, rows)
    return path, x0, y0


class FontFace:
    """A loaded font at one variation: HarfBuzz for shaping, fontTools for outlines."""

    def __init__(self, path: Path, index: int = 0, wght: float | None = None):
        self.path, self.index, self.wght = path, index, wght
        # the font file as reported: the path, plus '#index' inside a collection
        self.key = f"{path}#{index}" if index else str(path)
        self._tt: object | None = None  # fontTools' TTFont, opened on first use (`tt`)
        check_font_file(path)
        blob = hb.Blob.from_file_path(str(path))
        self.hb_face = hb.Face(blob, index)
        self.tables = frozenset(self.hb_face.table_tags)
        if "head" not in self.tables or not self.hb_face.glyph_count:
            what = "no head table" if "head" not in self.tables else "no glyphs"
            raise FontError(f"font file {path} is not a usable font ({what}{f' in face {index}' if index else ''})")
        self.upem = self.hb_face.upem
        self.hb_font = hb.Font(self.hb_face)
        self.hb_font.scale = (self.upem, self.upem)  # shape in font units: exact and size-independent
        self.location = {}
        if wght is not None and "fvar" in self.tables:
            axes = self._axes()
            if "wght" in axes:
                low, high = axes["wght"]
                self.location = {"wght": max(low, min(high, float(wght)))}
                self.hb_font.set_variations(self.location)
        ext = self.hb_font.get_font_extents("ltr")
        self.ascender, self.descender = ext.ascender / self.upem, -ext.descender / self.upem
        self._outlines: dict[int, list] = {}
        self._paths: dict[tuple[int, float], tuple[str, int, int]] = {}
        self._extents: dict[int, tuple[float, float, float, float]] = {}
        self._cmap: dict[int, bool] = {}
        self.is_color: bool | None = None  # has COLR colour glyphs (coloremoji.is_color, on first use)
        self.color_renderer: object | None = None  # coloremoji's blackrenderer view, loaded on first use


    def _axes(self) -> dict[str, tuple[float, float]]:
        """Each variation axis' (min, max): HarfBuzz's, or fontTools' fvar where uharfbuzz has no axis_infos (0.39)."""
        infos = getattr(self.hb_face, "axis_infos", None)
        if infos is not None:
            return {a.tag: (float(a.min_value), float(a.max_value)) for a in infos}
        return {a.axisTag: (float(a.minValue), float(a.maxValue)) for a in self.tt["fvar"].axes}

    @property
    def tt(self) -> Any:  # fontTools TTFont; Any, as fontTools is imported on first use only
        """fontTools' view of the face (lazy), for the tables HarfBuzz does not read for us (name, OS/2, COLR)."""
        if self._tt is None:
            from fontTools.ttLib import TTFont

            try:
                self._tt = TTFont(str(self.path), fontNumber=self.index, lazy=True)
            except Exception as e:  # fontTools raises many types for garbage input
                raise FontError(f"font file {self.path} is not a usable font ({type(e).__name__}: {e})") from None
        return self._tt

    def has_char(self, cp: int) -> bool:
        """Whether the font maps this code point to a glyph."""
        hit = self._cmap.get(cp)
        if hit is None:
            hit = self._cmap[cp] = bool(self.hb_font.get_nominal_glyph(cp))
        return hit

    def extents(self, gid: int) -> tuple[float, float, float, float]:
        """Glyph ink bounds (xmin, ymin, xmax, ymax) in em, y up."""
        e = self._extents.get(gid)
        if e is None:
            g = self.hb_font.get_glyph_extents(gid)
            u = self.upem
            if g is None or g.width == 0:
                e = (0.0, 0.0, 0.0, 0.0)
            else:
                e = (g.x_bearing / u, (g.y_bearing + g.height) / u,
                     (g.x_bearing + g.width) / u, g.y_bearing / u)
            self._extents[gid] = e
        return e

    def outline(self, gid: int) -> list:
        """The glyph's outline commands in font units, at this face's variation, cached.

        HarfBuzz's outline reader drives a fontTools pen: tests/test_text_shaping.py checks it
        draws the same points as fontTools' own glyph sets (glyf, CFF and gvar), while skipping
        the hmtx/CFF parse that costs fontTools ~230 ms on the first glyph of a CJK font.
        """
        ops = self._outlines.get(gid)
        if ops is None:
            pen = _OutlinePen()
            self.hb_font.draw_glyph_with_pen(gid, pen)
            ops = self._outlines[gid] = pen.ops
        return ops

    def local_path(self, gid: int, size: float) -> tuple[str, int, int]:
        """Path data for a glyph at `size` px, relative after its first point (in 1/100 px).

        Coordinates are rounded in the glyph's own frame and the rest written as relative
        moves, so placing a glyph is one absolute moveto plus a cached string, with no drift.
        """
        key = (gid, size)
        hit = self._paths.get(key)
        if hit is not None:
            return hit
        hit = outlinecache.recall(self, gid, size)  # from an earlier process (CLI only; see the module)
        if hit is None:
            hit = encode_outline(self.outline(gid), 100.0 * size / self.upem)
            outlinecache.keep(self, gid, size, hit)
        self._paths[key] = hit
        return hit


def _fmt(hundredths: int) -> str:
    """Format an integer number of 1/100 px as a short decimal."""
    if hundredths % 100 == 0:
        return str(hundredths // 100)
    return f"{hundredths / 100:.2f}".rstrip("0")


_FACES: LRU[FontFace] = LRU(256)  # loaded faces by file (and its size and mtime: an edited font reloads)


def load_face(path: Path, index: int = 0, wght: float | None = None) -> FontFace:
    """Return the process-wide loaded face for a file; FontError if it is not a font."""
    try:
        st = os.stat(path)
        stamp: tuple[int, int] = (st.st_size, st.st_mtime_ns)
    except OSError:
        stamp = (0, 0)  # FontFace reports the missing file
    return _FACES.get_or_make((str(path), index, wght, stamp), lambda: FontFace(Path(path), index, wght))


def _entries_of(path: Path, source: str) -> list[FontEntry]:
    """Read the family, weight, slant and wght range of every face in a font file."""
    from fontTools.ttLib import TTCollection, TTFont

    check_font_file(path)
    try:
        if path.suffix.lower() in {".ttc", ".otc"}:
            fonts = list(TTCollection(str(path), lazy=True).fonts)
        else:
            fonts = [TTFont(str(path), lazy=True)]
        out = []
        for i, tt in enumerate(fonts):
            name = tt["name"]
            family = name.getBestFamilyName() or path.stem
            os2 = tt["OS/2"] if "OS/2" in tt else None
            weight = os2.usWeightClass if os2 is not None else 400
            italic = bool(os2.fsSelection & 1) if os2 is not None else bool(tt["head"].macStyle & 2)
            wrange = None
            if "fvar" in tt:
                for a in tt["fvar"].axes:
                    if a.axisTag == "wght":
                        wrange = (int(a.minValue), int(a.maxValue))
            out.append(FontEntry(path, i, family, weight, italic, wrange, source))
        return out
    except Exception as e:  # fontTools raises many types for garbage input
        raise FontError(f"font file {path} is not a usable font ({type(e).__name__}: {e})") from None


def _index_path() -> Path | None:
    """Where scanned font metadata persists between processes (None: do not persist)."""
    from composer.core.paths import user_cache

    return user_cache("font-index-v1.json")


def _load_index() -> dict:
    import json

    p = _index_path()
    try:
        return json.loads(p.read_text("utf-8")) if p and p.is_file() else {}
    except (OSError, ValueError):
        return {}


def _save_index(index: dict) -> None:
    """Write the index atomically; a read-only cache folder only costs the next process a rescan."""
    import json

    from composer.core.paths import write_cache_file

    p = _index_path()
    if p is None:
        return
    # A shared cache: one spec's folder of thousands of fonts must not slow every later build,
    # so the oldest entries go once the index holds MAX_FONT_INDEX_ENTRIES files.
    for key in list(index)[: max(0, len(index) - MAX_FONT_INDEX_ENTRIES)]:
        del index[key]
    write_cache_file(p, json.dumps(index))


def _cached_entries(p: Path, source: str, index: dict) -> tuple[list[FontEntry], bool]:
    """A file's faces from the persistent index when its size and mtime match, else read it."""
    st = p.stat()
    key = f"{p}|{st.st_size}|{st.st_mtime_ns}"
    rows = index.get(key)
    if rows is not None:
        return [FontEntry(p, r[0], r[1], r[2], r[3], tuple(r[4]) if r[4] else None, source) for r in rows], False
    entries = _entries_of(p, source)
    index[key] = [[e.index, e.family, e.weight, e.italic, list(e.weight_range) if e.weight_range else None] for e in entries]
    return entries, True


@functools.lru_cache(maxsize=64)
def _scan_dir(directory: str, source: str, stamp: float) -> tuple[FontEntry, ...]:
    """Every face in a folder (recursively); cached per folder and `stamp` (its mtime or file signature).

    Reading name tables costs ~10 ms a file, most of a cold start's font work, so the metadata
    also persists in the user cache (keyed by path, size and mtime).
    """
    index = _load_index()
    changed = False
    entries: list[FontEntry] = []
    root = Path(directory).resolve()
    for p in font_files(Path(directory), FONT_SUFFIXES):
        if p.is_file():
            if source == "extra" and not p.resolve().is_relative_to(root):
                raise FontError(f"font file {p} is a symlink to a place outside its folder; refused")
            found, new = _cached_entries(p, source, index)
            entries.extend(found)
            changed |= new
    if changed:
        _save_index(index)
    return tuple(entries)


def _fc_weight(fc: float) -> int:
    """Convert a fontconfig weight to an OpenType weight class."""
    for (f0, o0), (f1, o1) in zip(_FC_WEIGHTS, _FC_WEIGHTS[1:]):
        if f0 <= fc <= f1:
            return round(o0 + (o1 - o0) * (fc - f0) / (f1 - f0))
    return 950 if fc > 215 else 100


@functools.lru_cache(maxsize=1)
def fontconfig_entries() -> tuple[FontEntry, ...]:
    """Every face fontconfig knows (fc-list, run once per process); empty without fontconfig."""
    fmt = "%{file}\\t%{index}\\t%{family}\\t%{weight}\\t%{slant}\\n"
    try:
        out = subprocess.run(["fc-list", f"--format={fmt}"], capture_output=True, text=True,
                             timeout=20, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    entries = []
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 5 or Path(parts[0]).suffix.lower() not in FONT_SUFFIXES:
            continue
        file, index, families, weight, slant = parts
        wrange = None
        if weight.startswith("["):  # variable font: "[100 900]"
            lo, hi = (float(v) for v in weight.strip("[]").split())
            wrange, weight = (_fc_weight(lo), _fc_weight(hi)), "80"
        for fam in families.split(","):
            entries.append(FontEntry(Path(file), int(index), fam, _fc_weight(float(weight)),
                                     slant not in ("0", ""), wrange, "system"))
    return tuple(entries)


def _norm(family: str) -> str:
    return "".join(ch for ch in family.lower() if ch.isalnum())


def _weight_order(entry: FontEntry, weight: int) -> tuple:
    """CSS font-matching preference for weights: lower sorts first."""
    if entry.covers_weight(weight):
        return (0, 0)
    w = entry.weight
    if 400 <= weight <= 500:
        if weight <= w <= 500:
            return (1, w - weight)
        if w < weight:
            return (2, weight - w)
        return (3, w - weight)
    if weight < 400:
        return (1, weight - w) if w <= weight else (2, w - weight)
    return (1, w - weight) if w >= weight else (2, weight - w)


@dataclass
class FontLibrary:
    """Where fonts come from: bundled first, then `extra_dirs`, then fontconfig."""

    extra_dirs: list[Path] = field(default_factory=list)
    use_fontconfig: bool = True

    def __post_init__(self) -> None:
        self.extra_dirs = [Path(d) for d in self.extra_dirs]
        self.local: list[FontEntry] = list(_scan_dir(str(BUNDLED_DIR), "bundled", _mtime(BUNDLED_DIR)))
        for d in self.extra_dirs:
            if not d.is_dir():
                raise FontError(f"font folder {d} does not exist")
        self.signature = folders_signature(self.extra_dirs)
        for d in self.extra_dirs:
            self.local.extend(_scan_dir(str(d), "extra", self.signature))
        self._resolved: dict[tuple[str, int, bool], FontFace] = {}
        self.fallbacks: dict = {}  # shaping's per-library memo of fallback faces by script and style
        self.color_faces: list[FontFace] | None = None  # coloremoji.color_faces, found on first use

    @property
    def key(self) -> tuple:
        """Identifies this library's font set in process-wide caches (an edited font folder is a new set)."""
        return (tuple(str(d) for d in self.extra_dirs), self.signature, self.use_fontconfig)

    def system(self) -> tuple[FontEntry, ...]:
        return fontconfig_entries() if self.use_fontconfig else ()

    def families(self, include_system: bool = True) -> list[str]:
        """Family names available, bundled and spec folders first."""
        seen: dict[str, str] = {}
        for e in self.local + (list(self.system()) if include_system else []):
            seen.setdefault(_norm(e.family), e.family)
        return list(seen.values())

    def _candidates(self, family: str) -> list[FontEntry]:
        want = _norm(family)
        local = [e for e in self.local if _norm(e.family) == want]
        return local or [e for e in self.system() if _norm(e.family) == want]

    def entry(self, family: str, weight: int = 400, italic: bool = False) -> FontEntry:
        """The best face of `family` for a weight and slant (CSS matching); FontError if unknown."""
        cands = self._candidates(family)
        if not cands:
            raise FontError(self._unknown_message(family))
        same_slant = [e for e in cands if e.italic == italic] or cands
        return min(same_slant, key=lambda e: (_weight_order(e, weight), e.source != "bundled"))

    def resolve(self, family: str, weight: int = 400, italic: bool = False) -> Path:
        """The font file that sets `family` at this weight and slant."""
        return self.entry(family, weight, italic).path

    def face(self, family: str, weight: int = 400, italic: bool = False) -> FontFace:
        """The loaded face for a family/weight/slant, with the wght axis set on variable fonts."""
        key = (family, weight, italic)
        face = self._resolved.get(key)
        if face is None:
            e = self.entry(family, weight, italic)
            face = load_face(e.path, e.index, weight if e.weight_range else None)
            self._resolved[key] = face
        return face

    def _unknown_message(self, family: str) -> str:
        local = self.families(include_system=False)
        system = [f for f in self.families() if f not in local]
        import difflib  # here: only a mistake needs it (a cold build skips the import)

        close = difflib.get_close_matches(family, local + system, n=1, cutoff=0.6)
        if not close:
            close = [f for f in local + system if _norm(family) in _norm(f)][:1]
        msg = f"unknown font family '{family}'"
        if close:
            msg += f" (did you mean '{close[0]}'?)"
        extra = f" and {len(system)} system families (fc-list)" if system else ""
        return f"{msg}; available: {', '.join(local)}{extra}"


def folders_signature(dirs: list[Path]) -> int:
    """A hash of every font file's path, size and mtime under `dirs`: it changes when a font is added,
    removed or edited, so a long-running process picks up the change at its next build."""
    stamps = []
    for d in dirs:
        for p in font_files(Path(d), FONT_SUFFIXES):
            try:
                st = p.stat()
            except OSError:
                continue
            stamps.append((str(p), st.st_size, st.st_mtime_ns))
    return hash(tuple(stamps))


def _mtime(d: Path) -> float:
    try:
        return d.stat().st_mtime
    except OSError:
        return 0.0
