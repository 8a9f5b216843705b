"""`validate`: every mistake `build` would stop at, found without rendering.

It runs a build's first steps for real (spec, layout, typesetting, chart geometry), then checks what
the later steps would refuse without doing them: files are read and decoded but nothing is painted,
the design is drawn as SVG text through the templates (and parsed) but never rasterised, and no model
is loaded. What legibility would do depends on pixels, so it is left to `build` and `lint`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from composer.core.options import BuildOptions
from composer.core.warnings import StrictError, collecting
from composer.spec.loader import LoadedSpec, load_spec

__all__ = ["check", "validate"]


def validate(source: str | Path | dict | LoadedSpec, *, allow_dirs: tuple[Path, ...] | list[Path] = (), strict: bool = False,
             options: BuildOptions | None = None, **load_kwargs: Any) -> LoadedSpec:
    """Validate a spec as `build` would, without rendering; returns the loaded spec with its `warnings`.

    Raises the same PlacardError `build` raises; with `strict`, a warning is an error too (StrictError).
    """
    from composer.pipeline import check_name

    from composer.core.errors import PlacardError
    from composer.spec.loader import name_slot

    opts = options or BuildOptions()
    extra = tuple(Path(d).resolve() for d in allow_dirs)
    if extra:
        opts = replace(opts, allow_dirs=tuple(dict.fromkeys((*opts.allow_dirs, *extra))))
    with collecting() as found:
        loaded = (source if isinstance(source, LoadedSpec)
                  else load_spec(source, allow_dirs=opts.allow_dirs, **load_kwargs))
        check_name(loaded.name)
        try:
            check(loaded, opts)
        except PlacardError as e:  # about an element a layout slot filled: name the slot (`slots.photo`)
            raise name_slot(e, loaded.positions) from None
    loaded.warnings = list(found)
    if strict and found:
        raise StrictError(found)
    return loaded


def check(loaded: LoadedSpec, opts: BuildOptions) -> None:
    """Steps 2-3 of a build for real, then cheap checks of what steps 4-7 would refuse."""
    from composer import pipeline
    from composer.charts.stage import draw_charts
    from composer.rasters.diffusion_check import check_diffusion
    from composer.text.stack import lay_out
    from composer.legibility.apply import recolor
    from composer.rasters import paint
    from composer.render.raster import svg_tree
    from composer.render.svg import Scene, SvgRenderer
    from composer.text import typeset

    # 2. Resolve the layout into canvas pixels (stacks flow by their set text)
    font_dirs = pipeline._font_dirs(loaded, opts)
    templates = pipeline._templates_dir(loaded, opts)
    lib = typeset.font_library(font_dirs)
    layout = lay_out(loaded, lib)
    # 3. Typeset every text (fonts, markup, fit) and lay out the charts (data, columns, icons)
    texts = {p.id: typeset.set_element(layout, p, lib) for p in layout.text_elements()}
    charts = draw_charts(layout, font_dirs)
    pipeline.warn_outside_canvas(layout, texts)
    # 4. What painting would refuse: files read and decoded, styles known, model and adapter paths found
    hrefs = paint.check(loaded, layout, opts)
    check_diffusion(loaded, opts.model, opts.allow_dirs)  # the scheduler against the model's family, from JSON
    # 5. The colours legibility would resolve (the choice itself needs pixels: build and lint measure it)
    for p in layout.text_elements():
        auto = p.el.color == "auto"
        color = layout.brand.colors["ink"] if auto else layout.resolver.color(p.el.color, p.path + ("color",))
        texts[p.id] = recolor(texts[p.id], color)
    # 6. The whole design as SVG text through the templates, parsed as the rasteriser would: nothing is drawn
    illustrations = {p.id: _transparent() for p in layout.walk() if p.kind == "illustration"}
    scene = Scene(texts, illustrations, hrefs, charts, text_mode=loaded.spec.text_mode, font_dirs=font_dirs)
    renderer = SvgRenderer(layout, scene, templates)
    svg = renderer.document(renderer.body(), view="trim", background_href=None, title=loaded.name, desc="",
                            metadata={})
    try:
        svg_tree(svg)
    except Exception as e:  # noqa: BLE001 - the rasteriser's parser raises assorted errors, as in render.raster
        from composer.core.errors import PlacardError, RenderError

        if isinstance(e, PlacardError):
            raise
        raise RenderError(f"could not render the SVG: {e}") from None


def _transparent():
    from PIL import Image

    return Image.new("RGBA", (1, 1), (0, 0, 0, 0))
