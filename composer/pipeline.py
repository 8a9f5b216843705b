"""The build pipeline: spec → layout → text → rasters → legibility → SVG → PNG/PDF/SVG + report."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup
from PIL import Image

from composer import __version__
from composer.colors import parse_color
from composer.errors import SpecError
from composer.layout import Layout, resolve_layout
from composer.loader import LoadedSpec, load_spec
from composer.render import RenderState, SvgRenderer, crop_marks

log = logging.getLogger("placard")
FORMATS = ("png", "pdf", "svg", "jpeg", "webp")


@dataclass
class BuildOptions:
    """Knobs from the CLI or the Python API that are not part of the spec."""

    formats: tuple[str, ...] | None = None  # None: the spec's `outputs`
    layers: bool = False
    allow_dirs: tuple[Path, ...] = ()
    model: str | None = None
    device: str = "auto"
    dtype: str = "auto"
    use_cache: bool = True
    allow_download: bool = False
    cpu_offload: bool = False
    vae_tiling: bool = False
    progress: bool = False


@dataclass
class BuildResult:
    """What one build wrote, and its report."""

    name: str
    files: list[Path]
    report: dict[str, Any]
    svg: str | None = None
    pixels: Any = field(default=None, repr=False)  # the raster as cairo drew it (composer.outputs.Pixels)
    composition: Any = field(default=None, repr=False)  # layout, text blocks, rasters (for tools and tests)
    data: dict[str, bytes] = field(default_factory=dict, repr=False)  # encoded outputs by format (campaigns write these)

    @property
    def image(self) -> Image.Image | None:
        """The rendered raster as a Pillow RGB image (None when no raster format was built)."""
        if self.pixels is None:
            return None
        if not hasattr(self, "_image"):
            self._image = self.pixels.image()
        return self._image


def _output_formats(loaded: LoadedSpec, options: BuildOptions) -> list[str]:
    formats = list(options.formats or loaded.spec.outputs)
    for f in formats:
        if f not in FORMATS:
            raise SpecError(f"invalid output format {f!r}; allowed: {' | '.join(FORMATS)}", path="outputs")
    return list(dict.fromkeys(formats))


@dataclass
class Composition:
    """Everything a build computes before drawing outputs (also what `lint` inspects)."""

    loaded: LoadedSpec
    layout: Layout
    state: RenderState
    renderer: SvgRenderer
    background: Image.Image | None
    bg_meta: dict
    layers: dict[str, Image.Image]
    legibility: dict[str, dict]


def compose(loaded: LoadedSpec, opts: BuildOptions) -> Composition:
    """Steps 2-5 of a build: layout, typesetting, rasters and legibility; nothing is written."""
    # 2. Resolve the layout into canvas pixels
    layout = resolve_layout(loaded)
    state = RenderState(text_mode=loaded.spec.text_mode, font_dirs=_font_dirs(loaded, opts))
    _register_extras(state, layout)
    # 3. Typeset every text element (ink boxes tell the generator where to stay calm)
    from composer import typeset

    lib = typeset.font_library(state.font_dirs)
    provisional = parse_color("#010203")  # a sentinel: the legibility pass recolours these runs
    for p in layout.text_elements():
        state.text_blocks[p.id] = typeset.set_element(layout, p, provisional, lib)
    text_boxes = tuple(state.text_blocks[p.id].ink_box for p in layout.text_elements() if state.text_blocks[p.id].lines)
    # 4. Paint the background and illustrations
    from composer import rasters

    background, bg_meta = rasters.background(loaded, layout, text_boxes, opts)
    layers = {"background": background} if background is not None else {}
    for p in layout.walk():
        if p.kind == "illustration":
            img, _ = rasters.illustration(loaded, layout, p, background, opts)
            state.rasters[p.id] = img
            layers[p.id] = img
        elif p.kind == "image":
            state.image_hrefs[p.id] = rasters.image_href(loaded, layout, p, opts)
    renderer = SvgRenderer(layout, state, _templates_dir(loaded, opts))
    # 5. Choose text colours and fix legibility on the real pixels under each text
    from composer import legibility_pass

    legibility = legibility_pass.apply(loaded, layout, state, renderer, background, provisional)
    return Composition(loaded, layout, state, renderer, background, bg_meta, layers, legibility)


def build(spec: str | Path | dict | LoadedSpec, out_dir: str | Path | None = None, formats: list[str] | tuple[str, ...] | None = None,
          *, options: BuildOptions | None = None, name: str | None = None) -> BuildResult:
    """Build one spec (a path, a dict, or a loaded spec) into `out_dir`; returns the files and report."""
    opts = options or BuildOptions()
    if formats is not None:
        opts = BuildOptions(**{**opts.__dict__, "formats": tuple(formats)})
    # 1. Load and validate the spec (layout presets and brand files merged in)
    loaded = spec if isinstance(spec, LoadedSpec) else load_spec(spec, name=name)
    fmts = _output_formats(loaded, opts)
    # 2-5. Layout, text, rasters, legibility
    comp = compose(loaded, opts)
    layout, state, renderer, background = comp.layout, comp.state, comp.renderer, comp.background
    bg_meta, layers, legibility = comp.bg_meta, comp.layers, comp.legibility
    # 6. Draw the SVG document and the outputs
    title = loaded.spec.title or _first_text(layout) or loaded.name
    alt = loaded.spec.alt or _reading_order_text(layout)
    metadata = _metadata(loaded, bg_meta, title, alt)
    body_cache: list[Markup] = []

    def full_body() -> Markup:  # every element; drawn only for outputs that need it
        if not body_cache:
            body_cache.append(renderer.body())
        return body_cache[0]

    files: dict[str, bytes] = {}
    c = layout.canvas
    from composer.render import jpeg_bytes

    bg_jpeg = jpeg_bytes(background) if (background is not None and ("svg" in fmts or "pdf" in fmts)) else None
    raster = background is not None
    pixels = None
    if any(f in fmts for f in ("png", "jpeg", "webp")):
        from composer.legibility_pass import text_is_on_top
        from composer.outputs import rasterize

        if text_is_on_top(layout, state):
            # Everything but the text was rendered for the legibility pass: draw only the text on it.
            saved = renderer.RENDERERS
            renderer.RENDERERS = {k: (v if k in ("text", "group") else _nothing) for k, v in saved.items()}
            extra, state.extra = state.extra, {k: _nothing for k in state.extra}
            try:
                text_body = renderer.body()
            finally:
                renderer.RENDERERS, state.extra = saved, extra
            doc = renderer.document(text_body, view="trim", background_href=None, title=title, desc=alt,
                                    metadata=metadata, has_raster=True)
            pixels = rasterize(doc, c.width, c.height, dpi=c.dpi, base_bgra=state.under_bgra, raw=True)
        else:
            doc = renderer.document(full_body(), view="trim", background_href=None, title=title, desc=alt, metadata=metadata, has_raster=raster)
            base = background.crop((int(c.bleed), int(c.bleed), int(c.bleed) + c.width, int(c.bleed) + c.height)) if background is not None else None
            pixels = rasterize(doc, c.width, c.height, base, dpi=c.dpi, raw=True)
    from composer import outputs

    if "png" in fmts:
        files["png"] = outputs.encode_png(pixels.rgb, _png_text(metadata, title, alt), c.dpi)
    for f in ("jpeg", "webp"):
        if f in fmts:
            files[f] = outputs.encode_raster(pixels.image(), f, c.dpi)
    if "svg" in fmts:
        import base64

        bg_uri = "data:image/jpeg;base64," + base64.b64encode(bg_jpeg).decode("ascii") if bg_jpeg else None
        live = any((p.el.text_mode or state.text_mode) == "live" for p in layout.text_elements())
        svg_body = full_body()
        if live:  # PNG and PDF always use outlines; only the SVG keeps editable <text>
            state.live = True
            try:
                svg_body = renderer.body()
            finally:
                state.live = False
        files["svg"] = renderer.document(
            svg_body, view="trim", background_href=bg_uri, title=title, desc=alt, metadata=metadata, physical_units=c.physical,
            has_raster=raster,
        ).encode("utf-8")
    if "pdf" in fmts:
        doc = renderer.document(full_body(), view="bleed", background_href=None, title=title, desc=alt, metadata=metadata,
                                overlay=crop_marks(layout), has_raster=raster)
        files["pdf"] = outputs.render_pdf(doc, c.dpi, {
            "title": title, "subject": alt, "creator": f"Placard {__version__}",
            "keywords": _keywords(metadata),
        }, (background, bg_jpeg) if raster else None)
        if c.bleed > 0:  # printers read the trim size from TrimBox
            from composer.pdfboxes import add_boxes

            k = 72.0 / c.dpi
            w_pt, h_pt, b_pt = c.full_width * k, c.full_height * k, c.bleed * k
            files["pdf"] = add_boxes(files["pdf"], (b_pt, b_pt, w_pt - b_pt, h_pt - b_pt), (0, 0, w_pt, h_pt))
    # 7. Report, then write everything (nothing is written if anything above failed)
    report = _report(loaded, layout, state, bg_meta, legibility, fmts)
    written: list[Path] = []
    if out_dir is not None:
        out = Path(out_dir)
        for f, data in files.items():
            ext = "jpg" if f == "jpeg" else f
            target = out / f"{loaded.name}.{ext}"
            outputs.write_atomic(target, data)
            written.append(target)
        if opts.layers:
            for lname, img in layers.items():
                target = out / f"{loaded.name}.{lname}.png"
                outputs.write_atomic(target, outputs.encode_png(img, {"Software": f"Placard {__version__}"}, c.dpi))
                written.append(target)
        report["outputs"] = [str(p.name) for p in written]
        target = out / f"{loaded.name}.report.json"
        outputs.write_atomic(target, (json.dumps(report, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        written.append(target)
    svg_text = files["svg"].decode("utf-8") if "svg" in files else None
    return BuildResult(loaded.name, written, report, svg_text, pixels, comp, files)


def _nothing(*_args: Any) -> Markup:
    """A renderer that draws nothing (used to draw only the text layer)."""
    return Markup("")


def _register_extras(state: RenderState, layout: Layout) -> None:
    """Element kinds drawn outside render.py (infographics) register their renderers here."""
    kinds = {p.kind for p in layout.walk()}
    if not kinds - set(SvgRenderer.RENDERERS):
        return
    from composer.infographics.render import RENDERERS as extra

    state.extra.update(extra)


def _font_dirs(loaded: LoadedSpec, opts: BuildOptions) -> tuple[Path, ...]:
    from composer.assets import resolve_path

    dirs = []
    for i, d in enumerate(loaded.spec.fonts):
        dirs.append(resolve_path(d, loaded.base_dir, opts.allow_dirs, field=f"fonts[{i}]", location=loaded.positions.locate(("fonts", i))))
    return tuple(dirs)


def _templates_dir(loaded: LoadedSpec, opts: BuildOptions) -> Path | None:
    if not loaded.spec.templates:
        return None
    from composer.assets import resolve_path

    return resolve_path(loaded.spec.templates, loaded.base_dir, opts.allow_dirs, field="templates", location=loaded.positions.locate(("templates",)))


def _first_text(layout: Layout) -> str | None:
    for p in layout.text_elements():
        if p.el.text.strip():
            return _plain(p.el.text, p.el.markup).splitlines()[0][:200]
    return None


def _plain(text: str, markup: bool = True) -> str:
    """Strip Placard's inline markup for metadata: **bold**, *italic*, [name]{text}."""
    import re

    if not markup:  # `markup: false` text is shown literally, so its metadata is literal too
        return text

    text = re.sub(r"\[[^\]]*\]\{([^}]*)\}", r"\1", text)
    return re.sub(r"(?<!\\)\*{1,2}", "", text).replace("\\*", "*")


def _reading_order_text(layout: Layout) -> str:
    """Alt text from the text elements in reading order (top to bottom, then left to right)."""
    items = sorted(layout.text_elements(), key=lambda p: (round(p.box.y / 20), p.box.x))
    return " ".join(" ".join(_plain(p.el.text, p.el.markup).split()) for p in items if p.el.text.strip())[:2000]


def _metadata(loaded: LoadedSpec, bg_meta: dict, title: str, alt: str) -> dict[str, Any]:
    ai = bg_meta.get("generator") == "diffusion" or bg_meta.get("ai_generated", False)
    source = ("http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia" if ai
              else "http://cv.iptc.org/newscodes/digitalsourcetype/compositeSynthetic")
    return {
        "title": title, "alt": alt, "software": f"Placard {__version__}", "generator": bg_meta.get("generator"),
        "model": bg_meta.get("model"), "seed": bg_meta.get("seed"), "prompt": bg_meta.get("prompt") or None,
        "ai_generated": ai, "digital_source_type": source,
    }


def _keywords(meta: dict) -> str:
    parts = [f"generator={meta['generator']}", f"seed={meta['seed']}"]
    if meta.get("model"):
        parts.append(f"model={meta['model']}")
    if meta["ai_generated"]:
        parts.append("AI-generated content")
    return ", ".join(parts)


def _png_text(meta: dict, title: str, alt: str) -> dict[str, str]:
    from xml.sax.saxutils import escape

    xmp = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/">'
        f'<Iptc4xmpExt:DigitalSourceType>{escape(meta["digital_source_type"])}</Iptc4xmpExt:DigitalSourceType>'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>'
        f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(alt)}</rdf:li></rdf:Alt></dc:description>'
        f'<xmp:CreatorTool>{escape(meta["software"])}</xmp:CreatorTool>'
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    out = {"Title": title, "Description": alt, "Software": meta["software"], "XML:com.adobe.xmp": xmp,
           "Placard": json.dumps(meta, sort_keys=True, ensure_ascii=False)}
    if meta["ai_generated"]:
        out["Comment"] = "Contains AI-generated content"
    return out


def _report(loaded: LoadedSpec, layout: Layout, state: RenderState, bg_meta: dict, legibility: dict, fmts: list[str]) -> dict:
    c = layout.canvas
    elements = []
    for p in layout.walk():
        entry: dict[str, Any] = {"id": p.id, "type": p.kind}
        if p.box is not None:
            entry["box"] = {k: round(v, 2) for k, v in p.box.as_dict().items()}
        if p.kind == "text":
            block = state.text_blocks[p.id]
            entry.update(block.report())
            entry["color"] = state.text_colors.get(p.id, parse_color("#000000")).css()
            if p.id in legibility:
                entry["legibility"] = legibility[p.id]
        elements.append(entry)
    return {
        "placard_version": __version__, "spec": loaded.file, "name": loaded.name,
        "canvas": {"width": c.width, "height": c.height, "dpi": c.dpi, "bleed": c.bleed},
        "background": bg_meta, "formats": fmts, "elements": elements,
    }
