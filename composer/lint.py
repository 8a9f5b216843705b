"""`python -m composer lint`: render what is needed and list legibility and layout problems."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from composer.core.errors import PlacardError
from composer.layout.bounds import content_box, outside
from composer.layout.resolve import Layout
from composer.core.geometry import Box, intersection_area
from composer.text import TextBlock

if TYPE_CHECKING:
    from composer.charts import Label
    from composer.legibility.chartlabels import ChartLabels

MIN_PRINT_PT = 6.0
MIN_SCREEN_PX = 10.0
MIN_PRINT_DPI = 150
MAX_PRINT_ENLARGEMENT = 1.5
SAFE_MARGIN_MM = 3.0


@dataclass
class Problem:
    """One finding: severity (error | warning), the element, a code, what is wrong, how to fix it."""

    severity: str
    element: str | None
    code: str
    message: str
    fix: str


def lint_spec(spec: str | Path, allow_dirs: tuple[Path, ...] = ()) -> list[Problem]:
    """Compose a spec (no files written; generated rasters come from the cache) and check it."""
    from composer.spec.loader import load_spec
    from composer.pipeline import BuildOptions, compose

    loaded = load_spec(spec, allow_dirs=allow_dirs)
    return check_composition(loaded, compose(loaded, BuildOptions(allow_dirs=allow_dirs)), allow_dirs)


def check_composition(loaded, comp, allow_dirs: tuple[Path, ...] = ()) -> list[Problem]:
    """Every problem in an already composed spec (`lint` and the live preview share this)."""
    layout = comp.layout
    problems: list[Problem] = []
    texts = comp.legibility.texts
    problems += _contrast(comp.legibility.figures)
    problems += _chart_contrast(comp.legibility.chart_labels)
    problems += _overlaps(layout, texts)
    problems += _bounds(layout, texts)
    problems += _small_text(layout, texts, {eid: d.labels for eid, d in comp.charts.items()})
    problems += _print(loaded, layout, allow_dirs)
    order = {"error": 0, "warning": 1}
    return sorted(problems, key=lambda p: (order[p.severity], p.element or ""))


def _contrast(legibility: dict[str, dict]) -> list[Problem]:
    out = []
    for eid, r in legibility.items():
        before, after, target = r["before"]["contrast"], r["after"]["contrast"], r["target"]
        if before >= target:
            continue
        if r["met"] and r["action"] != "none":
            what = {"color": f"changed its colour to {r['color']}", "scrim": "drew a scrim under it",
                    "halo": "drew a halo around its glyphs"}[r["action"]]
            out.append(Problem("warning", eid, "contrast-fixed",
                               f"contrast {before:.2f}:1 is below its {target:g}:1 target; legibility: auto {what} ({after:.2f}:1)",
                               "pick a text colour with more contrast, or calm the background under this text"))
        elif r.get("decorative"):
            out.append(Problem("warning", eid, "low-contrast-decorative",
                               f"contrast {after:.2f}:1 is below {target:g}:1, accepted because the element sets legibility: off",
                               "make sure this text is decoration, not content"))
        else:
            out.append(Problem("error", eid, "low-contrast",
                               f"contrast {after:.2f}:1 around its glyphs is below its {target:g}:1 target",
                               "use a colour with more contrast, set legibility: auto, or move the text to a calmer area"))
    return out


def _chart_contrast(labels: ChartLabels | None) -> list[Problem]:
    """Chart labels measured like texts: one problem per chart (its worst label named, the others counted)."""
    out: list[Problem] = []
    if labels is None:
        return out
    for eid, checks in labels.checks.items():
        below = sorted((c for c in checks if not c.met), key=lambda c: c.after)
        fixed = [c for c in checks if c.action in ("color", "halo")]
        if below:
            w = below[0]
            more = f" ({len(below) - 1} more label{'s' if len(below) > 2 else ''} below target)" if len(below) > 1 else ""
            policy = labels.policies.get(eid, "auto")
            sev = "warning" if policy == "off" and labels.element_off.get(eid) else "error"
            out.append(Problem(sev, eid, "low-contrast" if sev == "error" else "low-contrast-decorative",
                               f"chart label {w.text!r} ({w.role}) has a contrast of {w.after:.2f}:1 around its glyphs, "
                               f"below its {w.target:g}:1 target{more}",
                               "set the chart's ink, muted or series colours for this background, move the chart "
                               "to a calmer area, or set legibility: auto"))
        if fixed:
            w = min(fixed, key=lambda c: c.before)
            out.append(Problem("warning", eid, "contrast-fixed",
                               f"{len(fixed)} chart label{'s' if len(fixed) > 1 else ''} below target; legibility: auto "
                               f"changed their colour or drew a halo (worst {w.text!r}: {w.before:.2f}:1 -> {w.after:.2f}:1)",
                               "pick chart colours with more contrast on this background"))
    return out


def _overlaps(layout: Layout, blocks: dict[str, TextBlock]) -> list[Problem]:
    texts = [p for p in layout.text_elements() if blocks[p.id].lines]
    out = []
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            boxes_a = blocks[a.id].line_boxes or [blocks[a.id].ink_box]
            boxes_b = blocks[b.id].line_boxes or [blocks[b.id].ink_box]
            ink_a, ink_b = blocks[a.id].ink_box, blocks[b.id].ink_box
            area = intersection_area(ink_a, ink_b)
            if area > 4 and any(intersection_area(x, y) > 4 for x in boxes_a for y in boxes_b):
                out.append(Problem("error", a.id, "text-overlap", f"text overlaps text {b.id!r} ({area:.0f} px² of ink boxes)",
                                   f"move or shrink {a.id!r} or {b.id!r} so their boxes do not meet"))
    return out


def _bounds(layout: Layout, blocks: dict[str, TextBlock]) -> list[Problem]:
    c = layout.canvas
    out = []
    safe = SAFE_MARGIN_MM / 25.4 * c.dpi if c.bleed > 0 else 0.0
    ink = {p.id: blocks[p.id].ink_box for p in layout.text_elements() if blocks[p.id].lines}
    for p in layout.walk():
        box = content_box(p, ink)
        if box is None:
            continue
        if outside(box, layout):
            sev = "error" if p.kind == "text" else "warning"
            out.append(Problem(sev, p.id, "outside-canvas", f"{p.kind} box {_fmt(box)} reaches outside the canvas{' and bleed' if c.bleed else ''}",
                               "move it inside the canvas"))
            continue
        if p.kind in ("text", "image", "template") and (box.x < safe or box.y < safe or box.right > c.width - safe or box.bottom > c.height - safe):
            where = f"the {SAFE_MARGIN_MM:g} mm safe area inside the trim" if safe else "the canvas"
            out.append(Problem("warning" if safe else "error", p.id, "outside-safe-area", f"{p.kind} {_fmt(box)} is outside {where}",
                               "keep text and logos away from the trim edge"))
    return out


def _small_text(layout: Layout, blocks: dict[str, TextBlock], chart_labels: dict[str, list[Label]]) -> list[Problem]:
    c = layout.canvas
    out = []
    for eid, labels in chart_labels.items():
        if not labels:
            continue
        smallest = min(labels, key=lambda lab: lab.size)
        size = smallest.size
        if c.physical and size * 72 / c.dpi < MIN_PRINT_PT:
            out.append(Problem("error", eid, "label-too-small",
                               f"chart label {smallest.text.splitlines()[0][:30]!r} is {size * 72 / c.dpi:.1f} pt, below the {MIN_PRINT_PT:g} pt minimum for print",
                               "give the chart a larger box or a larger text_size"))
        elif not c.physical and size < MIN_SCREEN_PX:
            out.append(Problem("warning", eid, "label-too-small",
                               f"chart label {smallest.text.splitlines()[0][:30]!r} is {size:.1f} px, below the {MIN_SCREEN_PX:g} px minimum for screens",
                               "give the chart a larger box or a larger text_size"))
    for p in layout.text_elements():
        size = blocks[p.id].size
        if c.physical:
            pt = size * 72 / c.dpi
            if pt < MIN_PRINT_PT:
                out.append(Problem("error", p.id, "text-too-small", f"text is {pt:.1f} pt, below the {MIN_PRINT_PT:g} pt minimum for print",
                                   f"set at least {MIN_PRINT_PT:g}pt"))
        elif size < MIN_SCREEN_PX:
            out.append(Problem("warning", p.id, "text-too-small", f"text is {size:.1f} px, below the {MIN_SCREEN_PX:g} px minimum for screens",
                               f"set at least {MIN_SCREEN_PX:g} px"))
    return out


def _print(loaded, layout: Layout, allow_dirs) -> list[Problem]:
    from composer.rasters import assets
    c = layout.canvas
    out: list[Problem] = []
    if not c.physical:
        return out
    if c.dpi < MIN_PRINT_DPI:
        out.append(Problem("error", None, "low-dpi", f"print canvas is {c.dpi:g} dpi, under {MIN_PRINT_DPI}",
                           "set canvas.dpi to 300 for print"))
    for p in layout.walk():
        if p.kind != "image" or not p.el.src or p.el.src.lower().endswith(".svg"):
            continue
        path = assets.resolve_path(p.el.src, loaded.base_dir, allow_dirs, field="src")
        _, w, h = assets.raster_size(assets.read_asset(path), p.el.src)
        sx, sy = p.frame.width / w, p.frame.height / h
        scale = max(sx, sy) if p.el.fit == "cover" else min(sx, sy) if p.el.fit == "contain" else max(sx, sy)
        if scale > MAX_PRINT_ENLARGEMENT:
            out.append(Problem("warning", p.id, "image-enlarged", f"{p.el.src} ({w}×{h} px) is enlarged {scale * 100:.0f}% in print",
                               f"use an image of at least {int(w * scale / MAX_PRINT_ENLARGEMENT)}×{int(h * scale / MAX_PRINT_ENLARGEMENT)} px, or an SVG"))
    return out


def _fmt(b: Box) -> str:
    return f"({b.x:.0f}, {b.y:.0f}, {b.width:.0f}×{b.height:.0f})"


def run_lint(specs: list[str], fmt: str, allow_dirs: tuple[Path, ...]) -> int:
    """CLI entry: print problems per spec; exit 1 on any error-level problem, 2 on a broken spec."""
    results = {}
    broken = False
    for spec in specs:
        try:
            results[spec] = lint_spec(spec, allow_dirs)
        except PlacardError as e:
            broken = True
            results[spec] = [Problem("error", None, "invalid-spec", str(e), "fix the spec (see the message)")]
    if fmt == "json":
        print(json.dumps({s: [asdict(p) for p in ps] for s, ps in results.items()}, indent=2))
    else:
        for spec, problems in results.items():
            if not problems:
                print(f"{spec}: ok")
            for p in problems:
                who = f" {p.element}" if p.element else ""
                print(f"{spec}: {p.severity}{who} [{p.code}]: {p.message} (fix: {p.fix})")
    if broken:
        return 2
    return 1 if any(p.severity == "error" for ps in results.values() for p in ps) else 0
