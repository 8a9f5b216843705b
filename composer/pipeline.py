"""The build pipeline: spec → layout → text → charts → rasters → legibility → render → outputs + report.

Each stage hands the next a typed result (see docs/ARCHITECTURE.md); nothing is written until
every output has been encoded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Concatenate, Iterable, Mapping, ParamSpec, Sequence, TypeVar

from PIL import Image

from composer.charts.stage import draw_charts
from composer.core.budget import build_budget
from composer.core.colour import parse_color
from composer.core.errors import SpecError
from composer.core.options import BuildOptions
from composer.core.warnings import StrictError, Warning, collecting
from composer.core.version import __version__
from composer.layout.resolve import Layout
from composer.legibility import apply as legibility
from composer.output import formats as output_formats
from composer.output import metadata as meta
from composer.output.formats import Encoded
from composer.output.writers import encode_png, write_atomic
from composer.rasters.paint import Rasters, paint
from composer.render.artwork import UNDER_CHARTS, Artwork, under_text
from composer.render.raster import Pixels
from composer.render.svg import Scene, SvgRenderer
from composer.spec.loader import LoadedSpec, load_spec
from composer.text import TextBlock
from composer.text import typeset
from composer.text.stack import lay_out

if TYPE_CHECKING:
    from composer.charts import Drawing

__all__ = ["BuildOptions", "BuildResult", "Composition", "build", "check_name", "compose"]


@dataclass
class BuildResult:
    """What one build wrote, and its report."""

    name: str
    files: list[Path]
    report: dict[str, object]
    svg: str | None = None
    pixels: Pixels | None = field(default=None, repr=False)  # the raster as cairo drew it
    composition: Composition | None = field(default=None, repr=False)  # every stage's result (tools, tests)
    warnings: list[Warning] = field(default_factory=list)  # what Placard changed or dropped (docs/warnings.md)
    # encoded outputs by format (bytes, or a list of chunks for PNG; campaigns write or ship these)
    data: dict[str, Encoded] = field(default_factory=dict, repr=False)

    @property
    def image(self) -> Image.Image | None:
        """The rendered raster as a Pillow RGB image (None when no raster format was built)."""
        if self.pixels is None:
            return None
        if not hasattr(self, "_image"):
            self._image = self.pixels.image()
        return self._image


@dataclass(frozen=True)
class Composition:
    """Every stage's result before drawing outputs (also what `lint` inspects)."""

    loaded: LoadedSpec
    layout: Layout
    texts: dict[str, TextBlock]  # as set, before legibility chose their colours
    charts: dict[str, Drawing]
    rasters: Rasters
    legibility: legibility.Legibility
    renderer: SvgRenderer  # the final scene's renderer


_First = TypeVar("_First", LoadedSpec, Artwork, Composition)
_P = ParamSpec("_P")
_R = TypeVar("_R")


def _slot_errors(fn: Callable[Concatenate[_First, _P], _R]) -> Callable[Concatenate[_First, _P], _R]:
    """Errors about an element that a layout slot filled name the slot (`slots.photo`), not `elements[1]`."""
    import functools

    from composer.core.errors import PlacardError
    from composer.spec.loader import name_slot

    @functools.wraps(fn)
    def wrapper(first: _First, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return fn(first, *args, **kwargs)
        except PlacardError as e:
            loaded = first if isinstance(first, LoadedSpec) else first.layout.resolver.loaded
            raise name_slot(e, loaded.positions) from None
    return wrapper


@_slot_errors
def compose(loaded: LoadedSpec, opts: BuildOptions) -> Composition:
    """Steps 2-5 of a build: layout, text, charts, rasters and legibility; nothing is written."""
    # 2. Resolve the layout into canvas pixels (stacks flow by the height their text sets at)
    font_dirs = _font_dirs(loaded, opts)
    lib = typeset.font_library(font_dirs)
    layout = lay_out(loaded, lib)
    # 3. Typeset every text (ink boxes tell the generator where to stay calm), then lay out the charts
    texts = {p.id: typeset.set_element(layout, p, lib) for p in layout.text_elements()}
    charts = draw_charts(layout, font_dirs)
    warn_outside_canvas(layout, texts)
    # 4. Paint the background and illustrations
    text_boxes = tuple(b.ink_box for b in texts.values() if b.lines)
    rasters = paint(loaded, layout, text_boxes, opts)
    # 5. Choose chart and text colours and fix legibility on the real pixels under each chart and text
    scene = Scene(texts, rasters.illustrations, rasters.image_hrefs, charts, text_mode=loaded.spec.text_mode,
                  font_dirs=font_dirs, images=rasters.images)
    renderer = SvgRenderer(layout, scene, _templates_dir(loaded, opts))
    grounds = {}
    if charts:  # each chart's colours against the ground under it (drawn without text and charts)
        from composer.legibility import charts as chart_legibility  # a design without charts never loads it

        grounds = chart_legibility.chart_grounds(layout, under_text(layout, renderer, rasters.background, UNDER_CHARTS))
        charts = chart_legibility.fit_charts(loaded, layout, charts, grounds, font_dirs)
        scene = replace(scene, charts=charts)
        renderer = renderer.next(scene)
    under = under_text(layout, renderer, rasters.background) if texts or charts else None
    leg = legibility.apply(loaded, layout, texts, under)
    if charts:  # every chart label measured on the pixels under it, like a text
        from composer.legibility import charts as chart_legibility

        leg = replace(leg, chart_labels=chart_legibility.fix_labels(loaded, layout, charts, under, font_dirs, grounds))
        charts = leg.charts
    final = renderer.next(replace(scene, texts=leg.texts, charts=charts, underlays=leg.underlays, halos=leg.halos))
    return Composition(loaded, layout, texts, charts, rasters, leg, final)


def build(spec: str | Path | dict | LoadedSpec, out_dir: str | Path | None = None, formats: list[str] | tuple[str, ...] | None = None,
          *, options: BuildOptions | None = None, name: str | None = None, strict: bool = False,
          allow_dirs: Iterable[str | Path] | None = None) -> BuildResult:
    """Build one spec (a path, a dict, or a loaded spec) into `out_dir`; returns the files, report and warnings.

    `allow_dirs` are further folders the spec's files may come from. With `strict`, any warning is an error
    (StrictError) and nothing is written.
    """
    with build_budget():  # decoded pixels and drawn elements are counted over the whole build
        return _build(spec, out_dir, formats, options=options, name=name, strict=strict, allow_dirs=allow_dirs)


def _build(spec: str | Path | dict | LoadedSpec, out_dir: str | Path | None, formats: list[str] | tuple[str, ...] | None,
           *, options: BuildOptions | None, name: str | None, strict: bool, allow_dirs: Iterable[str | Path] | None = None) -> BuildResult:
    opts = options or BuildOptions()
    if formats is not None:
        opts = replace(opts, formats=tuple(formats))
    if allow_dirs is not None:
        opts = replace(opts, allow_dirs=tuple(dict.fromkeys((*opts.allow_dirs, *(Path(d).resolve() for d in allow_dirs)))))
    if name is not None:
        check_name(name)
    with collecting() as found:
        # 1. Load and validate the spec (layout presets and brand files merged in)
        loaded = spec if isinstance(spec, LoadedSpec) else load_spec(spec, name=name, allow_dirs=opts.allow_dirs)
        check_name(loaded.name)
        fmts = output_formats.choose(opts.formats or loaded.spec.outputs)
        # 2-5. Layout, text, charts, rasters, legibility
        comp = compose(loaded, opts)
        _slot_errors(_strict_charts)(comp)  # legibility: strict and a chart label below its target
        # 6. Draw the design once, for every output that needs it
        art = artwork(comp)
        # 7. Encode every format (nothing is written if anything above failed)
        files = _slot_errors(output_formats.encode)(art, fmts)
    # 8. The report, then every file, each written atomically (under strict, none if anything warned)
    if strict and found:
        raise StrictError(found)
    report = build_report(comp, fmts, found)
    written: list[Path] = []
    if out_dir is not None:
        # The files are one set: the old report goes first, and if any write fails the files this build
        # already wrote are removed, so a report never sits beside outputs of another build.
        target = Path(out_dir) / f"{loaded.name}.report.json"
        try:
            _remove(target)
            written = write_files(comp, files, out_dir, opts, written)
            report["outputs"] = [p.name for p in written]
            write_atomic(target, (json.dumps(report, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        except BaseException:
            for done in written:
                _remove(done)
            raise
        written.append(target)
    svg = files.get("svg")
    svg_text = svg.decode("utf-8") if isinstance(svg, bytes) else None
    pixels = art.pixels() if output_formats.RASTER_FORMATS & set(fmts) else None
    return BuildResult(loaded.name, written, report, svg_text, pixels, comp, found, files)


def _strict_charts(comp: Composition) -> None:
    """A chart label below its target under `legibility: strict` stops the build (lint reports it instead)."""
    if comp.legibility.chart_labels is not None:
        from composer.legibility import charts as chart_legibility

        chart_legibility.raise_strict(comp.layout, comp.legibility.chart_labels)


def artwork(comp: Composition) -> Artwork:
    """Step 6: the final scene with its title, alt text and metadata, ready for the encoders."""
    loaded, layout = comp.loaded, comp.layout
    title = loaded.spec.title or meta.first_text(layout) or loaded.name
    alt = loaded.spec.alt or meta.reading_order_text(layout)
    info = meta.metadata(loaded, comp.rasters.meta, title, alt)
    return Artwork(layout, comp.renderer, comp.rasters.background, comp.legibility, title, alt, info)


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:  # not a folder, or read-only: the write that follows (or failed) says so
        pass


def write_files(comp: Composition, files: Mapping[str, Encoded], out_dir: str | Path, opts: BuildOptions,
                written: list[Path] | None = None) -> list[Path]:
    """Write each encoded format, then (with `layers`) every generated raster as its own PNG.

    Each path is appended to `written` as soon as it is written, so a caller can remove them if a later one fails.
    """
    out, name, dpi = Path(out_dir), comp.loaded.name, comp.layout.canvas.dpi
    written = [] if written is None else written
    for f, data in files.items():
        target = out / f"{name}.{output_formats.FORMATS[f].extension}"
        write_atomic(target, data)
        written.append(target)
    if opts.layers:
        for lname, img in comp.rasters.layers.items():
            target = out / f"{name}.{lname}.png"
            write_atomic(target, encode_png(img, {"Software": f"Placard {__version__}"}, dpi))
            written.append(target)
    return written


def check_name(name: str) -> None:
    """An output name is one file name: no folder separators, not `.` or `..` (it must stay inside out_dir)."""
    if not isinstance(name, str) or not name.strip() or name in (".", "..") or any(ch in name for ch in "/\\\0"):
        raise SpecError(f"invalid name {name!r}; allowed: one file name, without '/' or '\\' and not '.' or '..' "
                        "(the files are written inside the output folder)", path="name")


def warn_outside_canvas(layout: Layout, texts: dict[str, TextBlock]) -> None:
    """Warn for every element (texts by their ink) that reaches outside the canvas and its bleed."""
    from composer.core.warnings import warn
    from composer.layout.bounds import outside_canvas
    from composer.spec.yamlload import format_path

    ink = {tid: b.ink_box for tid, b in texts.items() if b.lines}
    c = layout.canvas
    for p, box in outside_canvas(layout, ink):
        what = "its text" if p.kind == "text" else f"the {p.kind}"
        warn("outside-canvas", f"{what} ({box.x:.0f}, {box.y:.0f}, {box.width:.0f}×{box.height:.0f} px) reaches outside "
             f"the {c.width}×{c.height} px canvas{' and its bleed' if c.bleed else ''}; that part is not drawn",
             location=layout.resolver.positions.locate(p.path + ("box",)), path=format_path(p.path + ("box",)))


def build_report(comp: Composition, fmts: list[str], warnings: Sequence[Warning] = ()) -> dict[str, object]:
    """The build report: canvas, background, formats, and every element's box (texts: font, size, lines, legibility)."""
    loaded, layout, leg = comp.loaded, comp.layout, comp.legibility
    c = layout.canvas
    elements = []
    for p in layout.walk():
        entry: dict[str, object] = {"id": p.id, "type": p.kind}
        if p.box is not None:
            entry["box"] = {k: round(v, 2) for k, v in p.box.as_dict().items()}
        if p.kind == "text":
            entry.update(leg.texts[p.id].report())
            entry["color"] = leg.colors.get(p.id, parse_color("#000000")).css()
            if p.id in leg.figures:
                entry["legibility"] = leg.figures[p.id]
        elif leg.chart_labels is not None and p.id in leg.chart_labels.checks:
            entry["legibility"] = leg.chart_labels.report(p.id)
        elements.append(entry)
    return {
        "placard_version": __version__, "spec": loaded.file, "name": loaded.name,
        "canvas": {"width": c.width, "height": c.height, "dpi": c.dpi, "bleed": c.bleed},
        "background": comp.rasters.meta, "formats": fmts, "elements": elements,
        **({"omitted_slots": list(loaded.omitted_slots)} if loaded.omitted_slots else {}),
        "warnings": [w.as_dict() for w in warnings],
    }


def _font_dirs(loaded: LoadedSpec, opts: BuildOptions) -> tuple[Path, ...]:
    from composer.core.paths import resolve_path

    dirs = []
    allowed = loaded.roots(opts.allow_dirs)
    for i, d in enumerate(loaded.spec.fonts):
        dirs.append(resolve_path(d, loaded.base_dir, allowed, field=f"fonts[{i}]", location=loaded.positions.locate(("fonts", i)), kind="folder"))
    brand = loaded.spec.brand
    if brand is not None and not isinstance(brand, str):
        base, allowed = loaded.brand_roots(opts.allow_dirs)
        for i, d in enumerate(brand.font_dirs):  # the brand's own font folders, relative to the brand file
            dirs.append(resolve_path(d, base, allowed, field=f"brand.font_dirs[{i}]",
                                     location=loaded.positions.locate(("brand", "font_dirs", i)), kind="folder"))
    return tuple(dict.fromkeys(dirs))


def _templates_dir(loaded: LoadedSpec, opts: BuildOptions) -> Path | None:
    if not loaded.spec.templates:
        return None
    from composer.core.paths import resolve_path

    return resolve_path(loaded.spec.templates, loaded.base_dir, loaded.roots(opts.allow_dirs), field="templates",
                        location=loaded.positions.locate(("templates",)), kind="folder")
