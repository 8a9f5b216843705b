"""Raster layers for a build: the background (generator, photo or flat) and illustrations."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter, ImageOps

from collections.abc import Iterator
from contextlib import contextmanager

from composer.core.errors import AssetError, GeneratorError, SpecError
from composer.layout.resolve import Layout, Placed
from composer.spec.loader import LoadedSpec
from composer.spec.model import IllustrationElement
from composer.core.geometry import Box
from composer.core.options import BuildOptions, from_environment
from composer.rasters.models import spec_model
from composer.core.budget import charge_pixels
from generator.base import Box as GenBox
from generator.base import GenerateRequest, GeneratedImage, backend_info, get_backend
from generator.cache import cached_generate, disk_cache
from generator.masks import fill_rect
from composer.core.lru import LRU
from generator.errors import GeneratorError as BackendError
from generator.errors import InputError, RequestError

from composer.core.limits import MAX_IMAGE_PIXELS, MIN_LAYER_COST  # noqa: E402


@dataclass(frozen=True)
class Rasters:
    """The rasters stage's result: the background, each illustration, and each image element's pixels or SVG."""

    background: Image.Image | None  # full bleed, RGB; None for a flat colour, or when an image covers it
    meta: dict[str, object]  # what made the background (generator, seed, model, prompt, ...)
    illustrations: dict[str, Image.Image] = field(default_factory=dict)  # element id -> RGBA
    image_hrefs: dict[str, str] = field(default_factory=dict)  # SVG image element id -> sanitised data URI
    # raster image element id -> RGB or RGBA pixels, decoded once per build; the renderer hands them to
    # cairo directly and encodes a PNG only for documents that embed them (SVG, PDF)
    images: dict[str, Image.Image] = field(default_factory=dict)

    @property
    def layers(self) -> dict[str, Image.Image]:
        """Every generated raster by name, as `--layers` writes them."""
        return ({"background": self.background} if self.background is not None else {}) | self.illustrations


def paint(loaded: LoadedSpec, layout: Layout, text_boxes: tuple[Box, ...], opts: BuildOptions) -> Rasters:
    """Step 4 of a build: paint the background (told where the text is) and every illustration; embed images."""
    warn_ignored(loaded, layout, opts)
    cover = covering_image(loaded, layout, opts)
    if cover is None:
        bg, meta = background(loaded, layout, text_boxes, opts)
    else:  # an opaque image covers the whole page: a background under it would never be seen
        bg, meta = None, {"generator": "none", "covered_by": cover[0]}
    illustrations: dict[str, Image.Image] = {}
    hrefs: dict[str, str] = {}
    images: dict[str, Image.Image] = dict([cover]) if cover is not None else {}
    for p in layout.walk():
        if p.kind == "illustration":
            illustrations[p.id] = illustration(loaded, layout, p, bg, opts)[0]
        elif p.kind == "image" and p.id not in images:
            embedded = image_source(loaded, layout, p, opts, bg)
            if isinstance(embedded, str):
                hrefs[p.id] = embedded
            else:
                images[p.id] = embedded
    return Rasters(bg, meta, illustrations, hrefs, images)


def covering_image(loaded: LoadedSpec, layout: Layout, opts: BuildOptions) -> tuple[str, Image.Image] | None:
    """A top-level raster image that covers the whole page (bleed included) with opaque pixels, decoded.

    Only `cover` and `fill` images without opacity or rounded corners qualify; the image's own pixels
    must all be opaque. cairo's filter leaves the outermost pixel row or column of a scaled image at
    alpha 254 or 255, so what lies under it shows by at most one level there.
    """
    c = layout.canvas
    for p in layout.elements:
        el = p.el
        if (p.kind != "image" or not el.src or Path(el.src).suffix.lower() == ".svg" or el.opacity < 1
                or el.fit == "contain" or p.box is None):
            continue
        b = p.box
        if b.x > -c.bleed or b.y > -c.bleed or b.right < c.width + c.bleed or b.bottom < c.height + c.bleed:
            continue
        if el.radius and layout.resolver.length(el.radius, p.path + ("radius",), min(b.width, b.height)) > 0:
            continue
        img = image_source(loaded, layout, p, opts)
        if isinstance(img, Image.Image) and (img.mode == "RGB" or img.getchannel("A").getextrema()[0] == 255):
            return p.id, img
    return None


def background_generator(loaded: LoadedSpec, opts: BuildOptions) -> str:
    """The backend that paints the background: a prompt with --model given means diffusion."""
    bg = loaded.spec.background
    return "diffusion" if (opts.model and bg.generator == "procedural" and bg.prompt) else bg.generator


def illustration_generator(el: IllustrationElement, loaded: LoadedSpec, opts: BuildOptions) -> str:
    """The backend that paints an illustration: its own `generator`, else diffusion when a model is at hand."""
    bg = loaded.spec.background
    return el.generator or ("diffusion" if (bg.generator == "diffusion" or opts.model) and el.prompt else "procedural")


DIFFUSION_ONLY = ("negative_prompt", "steps", "guidance", "scheduler", "lora", "init_image", "calm_strength", "calm_until",
                  "attention_scale", "revision")


def warn_ignored(loaded: LoadedSpec, layout: Layout, opts: BuildOptions) -> None:
    """Warn for prompts and diffusion options that the procedural generator (no model) does not use."""
    from composer.core.warnings import warn

    bg = loaded.spec.background
    where = loaded.positions.locate
    hint = "set background.generator: diffusion and a model (background.model, --model or PLACARD_MODEL)"
    if background_generator(loaded, opts) == "procedural" and not bg.image:
        if bg.prompt:
            warn("prompt-ignored", f"the background is drawn by the procedural generator, which does not read prompts; {hint}",
                 location=where(("background", "prompt")), path="background.prompt")
        for key in DIFFUSION_ONLY:
            if getattr(bg, key) not in (None, "", []) and key in bg.model_fields_set:
                warn("option-ignored", f"{key} is a diffusion option; the procedural generator drew the background without it",
                     location=where(("background", key)), path=f"background.{key}")
    from composer.spec.yamlload import format_path

    for p in layout.walk():
        if p.kind != "illustration" or illustration_generator(p.el, loaded, opts) != "procedural":
            continue
        if p.el.prompt:
            warn("prompt-ignored", f"illustration {p.id!r} is drawn by the procedural generator (a motif in brand colours), "
                 f"which does not read prompts; {hint}", location=where(p.path + ("prompt",)), path=format_path(p.path + ("prompt",)))
        for key in ("negative_prompt", "style"):
            if getattr(p.el, key):
                warn("option-ignored", f"{key} is a diffusion option; the procedural generator drew illustration {p.id!r} "
                     "without it", location=where(p.path + (key,)), path=format_path(p.path + (key,)))


def _resolve(loaded: LoadedSpec, value: str, path: tuple, opts: BuildOptions) -> Path:
    from composer.core.paths import resolve_path
    from composer.spec.yamlload import format_path

    base, allowed = (loaded.brand_roots(opts.allow_dirs) if path[:1] == ("brand",)
                     else (loaded.base_dir, loaded.roots(opts.allow_dirs)))
    return resolve_path(value, base, allowed, field=format_path(path), location=loaded.positions.locate(path))


def _model_dirs(opts: BuildOptions) -> tuple[Path, ...]:
    """Folders a spec's model may come from besides its own: --allow-dir and PLACARD_MODELS_DIR."""
    configured = from_environment("models_dir")
    return tuple(opts.allow_dirs) + ((Path(configured).resolve(),) if configured else ())


def _load_raster(path: Path) -> Image.Image:
    from composer.rasters import assets
    return assets.load_raster(path, max_pixels=MAX_IMAGE_PIXELS)


def _options(loaded: LoadedSpec, opts: BuildOptions, extra: dict[str, object]) -> dict[str, object]:
    bg = loaded.spec.background
    model = opts.model or from_environment("model")
    if bg.model and not opts.model:  # a model the spec names is untrusted: confined like any path
        model = spec_model(bg.model, loaded.base_dir, _model_dirs(opts), loaded.positions.locate(("background", "model")))
    brand = loaded.spec.brand if not isinstance(loaded.spec.brand, str) else None
    lora = [{"path": str(_resolve(loaded, lo.path, ("brand", "lora", i, "path"), opts)), "scale": lo.scale}
            for i, lo in enumerate(brand.lora if brand else ())]  # the brand's adapters first, then the spec's own
    lora += [{"path": str(_resolve(loaded, lo.path, ("background", "lora", i, "path"), opts)), "scale": lo.scale}
             for i, lo in enumerate(bg.lora)]
    o: dict[str, object] = {
        "model": model, "steps": bg.steps, "guidance": bg.guidance, "scheduler": bg.scheduler, "lora": lora,
        "device": opts.device, "dtype": opts.dtype, "cpu_offload": opts.cpu_offload, "vae_tiling": opts.vae_tiling,
        # a spec's hub id must already be in the local cache: only the operator's --model may download
        "allow_download": opts.allow_download and not (bg.model and not opts.model), "progress": opts.progress,
        "calm_strength": bg.calm_strength, "attention_scale": bg.attention_scale, "calm_until": bg.calm_until,
        "revision": bg.revision, "allow_pickle": opts.allow_pickle,
    }
    o.update(extra)
    return {k: v for k, v in o.items() if v is not None}


@contextmanager
def generator_errors() -> Iterator[None]:
    """Map the generator's own errors to Placard's (the one place where that happens)."""
    try:
        yield
    except RequestError as e:
        raise SpecError(e.message, path=e.option) from None
    except InputError as e:
        raise AssetError(e.message, path=e.option) from None
    except BackendError as e:
        raise GeneratorError(e.message, path=e.option) from None


# Backend options that come straight from one spec field (illustrations use the background's).
_SPEC_FIELDS = {"scheduler": ("background", "scheduler")}


def _generate(backend_name: str, request: GenerateRequest, opts: BuildOptions, loaded: LoadedSpec | None = None) -> GeneratedImage:
    try:
        with generator_errors():
            backend = get_backend(backend_name)
            if backend_info(backend_name).cacheable:
                return cached_generate(backend, request, enabled=opts.use_cache)
            with disk_cache(opts.use_cache):  # a backend's own disk tier (procedural) obeys --no-cache too
                return backend.generate(request)
    except GeneratorError as e:
        if loaded is not None and e.location is None and e.path in _SPEC_FIELDS:
            where = _SPEC_FIELDS[e.path]  # the backend names its option; point at the spec line
            e.location, e.path = loaded.positions.locate(where), ".".join(where)
        raise


def _takes_options(backend_name: str) -> bool:
    with generator_errors():
        return backend_info(backend_name).takes_options


def background(loaded: LoadedSpec, layout: Layout, text_boxes: tuple[Box, ...], opts: BuildOptions) -> tuple[Image.Image | None, dict]:
    """The full-bleed background raster (RGB) and its metadata; None for a flat colour only."""
    bg = loaded.spec.background
    c = layout.canvas
    w, h = c.full_width, c.full_height
    shifted = tuple(GenBox(b.x + c.bleed, b.y + c.bleed, b.width, b.height) for b in text_boxes)  # the generator's own Box
    if bg.image:
        path = _resolve(loaded, bg.image, ("background", "image"), opts)
        try:
            img = _load_raster(path).convert("RGB")
        except AssetError as e:
            raise _at(e, loaded, ("background", "image")) from None
        method = {"cover": ImageOps.fit, "contain": ImageOps.pad, "fill": None}[bg.fit]
        img = img.resize((w, h), Image.Resampling.LANCZOS) if method is None else method(img, (w, h), Image.Resampling.LANCZOS)
        return img, {"generator": "image", "source": str(path.name), "size": [w, h]}
    if bg.generator == "procedural" and bg.style == "flat" and not bg.prompt:
        return None, {"generator": "flat", "color": c.background.hex if c.background else None}
    if "background" not in loaded.raw and c.background is not None:
        # canvas.background with no `background:` key asks for a flat canvas, not the default procedural style
        return None, {"generator": "flat", "color": c.background.hex}
    extra: dict[str, object] = {}
    if bg.init_image:
        try:
            extra["init_image"] = _load_raster(_resolve(loaded, bg.init_image, ("background", "init_image"), opts)).convert("RGB")
        except AssetError as e:
            raise _at(e, loaded, ("background", "init_image")) from None
        extra["strength"] = bg.strength
    generator = background_generator(loaded, opts)
    request = GenerateRequest(
        width=w, height=h, seed=bg.seed, prompt=bg.prompt, negative_prompt=bg.negative_prompt, style=bg.style,
        palette=layout.brand.palette(c.background if bg.style == "flat" else None), text_boxes=shifted, text_aware=bg.text_aware,
        kind="background", options=_options(loaded, opts, extra) if _takes_options(generator) else {},
    )
    try:
        result = _generate(generator, request, opts, loaded)
    except SpecError as e:
        if e.location is None:
            e.location = loaded.positions.locate(("background", "style"))
            e.path = "background.style"
        raise
    img = result.image
    if img.mode != "RGB" or w * h > 4_000_000:
        # convert() of an RGB image is a copy: 5 ms at 1080x1350. A print canvas keeps it, though: handing
        # on the generator's own image raised the A2 build's peak RSS by 50 MB (bench/poster.py --print).
        img = img.convert("RGB")
    if img.size != (w, h):
        img = img.resize((w, h), Image.Resampling.LANCZOS)
    meta = dict(result.metadata)
    meta.setdefault("generator", generator)
    meta.setdefault("seed", bg.seed)
    if bg.prompt:
        meta.setdefault("prompt", bg.prompt)
    return img, meta


def illustration(loaded: LoadedSpec, layout: Layout, p: Placed, background: Image.Image | None, opts: BuildOptions) -> tuple[Image.Image, dict]:
    """An RGBA illustration for its box, blended by its `blend` mode."""
    el = p.el
    bg = loaded.spec.background
    w, h = max(1, int(round(p.frame.width))), max(1, int(round(p.frame.height)))
    # before painting: 5,000 illustrations stop here, not at 2 GB; each layer has a fixed cost too
    charge_pixels(max(w * h, MIN_LAYER_COST), f"illustration {p.id!r}")
    generator = illustration_generator(el, loaded, opts)
    extra: dict[str, object] = {"blend": el.blend}
    if el.blend == "inpaint" and background is not None:
        c = layout.canvas
        x0, y0 = int(p.frame.x + c.bleed), int(p.frame.y + c.bleed)
        extra["background"] = background.crop((x0, y0, x0 + w, y0 + h))
    request = GenerateRequest(
        width=w, height=h, seed=el.seed if el.seed is not None else bg.seed + 1 + p.index, prompt=el.prompt,
        negative_prompt=el.negative_prompt, style=el.style if _takes_options(generator) else None, palette=layout.brand.palette(),
        text_aware=False, kind="illustration",
        options=_options(loaded, opts, extra) if _takes_options(generator) else {"shape": "rounded" if el.blend == "rounded" else "none"},
    )
    try:
        result = _generate(generator, request, opts, loaded)
    except SpecError as e:
        if e.location is None:
            e.location, e.path = loaded.positions.locate(p.path + ("style",)), None
        raise
    img = result.image.convert("RGBA")
    if img.size != (w, h):
        img = img.resize((w, h), Image.Resampling.LANCZOS)
    if el.blend == "feather" and not result.metadata.get("blend"):  # the backend did not feather it itself
        alpha = np.asarray(img.getchannel("A"), np.float32) * (np.asarray(_feather_mask(w, h), np.float32) / 255.0)
        img.putalpha(Image.fromarray(alpha.astype(np.uint8), "L"))
    return img, result.metadata


def _feather_mask(w: int, h: int) -> Image.Image:
    """An alpha mask that fades the outer 8% of a box to transparent."""
    m = Image.new("L", (w, h), 0)
    inset = int(min(w, h) * 0.08)
    fill_rect(m, (inset, inset, w - inset, h - inset))  # what ImageDraw's rectangle fills
    return m.filter(ImageFilter.GaussianBlur(max(1, inset / 2)))


def image_source(loaded: LoadedSpec, layout: Layout, p: Placed, opts: BuildOptions,
                 bg: Image.Image | None = None) -> str | Image.Image:
    """An image element's content: a raster file's decoded pixels (RGB or RGBA), or an SVG file sanitised as a data URI."""
    try:
        return _image_source(loaded, layout, p, opts, bg)
    except AssetError as e:
        raise _at(e, loaded, p.path + ("src",) if p.el.src else ("brand", "logo")) from None


def brand_logo(layout: Layout, p: Placed, bg: Image.Image | None) -> Path | None:
    """The brand logo for an image slot: with dark/light variants, the one that suits the pixels under the box."""
    logos = layout.brand.logos
    if not ("dark" in logos and "light" in logos):
        return layout.brand.logo
    from composer.core.colour import relative_luminance

    c = layout.canvas
    if bg is not None and p.box is not None:
        b = c.bleed
        crop = bg.convert("RGB").crop((int(p.box.x + b), int(p.box.y + b), int(p.box.x + b + max(1, p.box.width)),
                                       int(p.box.y + b + max(1, p.box.height))))
        lum = float(relative_luminance(np.asarray(crop, dtype=np.uint8)).mean())
    else:
        flat = c.background or layout.brand.colors.get("paper")
        lum = float(relative_luminance(np.array([flat.r, flat.g, flat.b], dtype=np.uint8))) if flat is not None else 1.0
    # Dark means white has the better WCAG contrast against it (luminance below about 0.18).
    dark = 1.05 / (lum + 0.05) > (lum + 0.05) / 0.05
    return logos["dark" if dark else "light"]


def _at(e: AssetError, loaded: LoadedSpec, where: tuple) -> AssetError:
    """A refused file's contents: point the error at the spec field that named the file."""
    if e.location is None:
        from composer.spec.yamlload import format_path

        e.location, e.path = loaded.positions.locate(where), format_path(where)
    return e


def _image_path(loaded: LoadedSpec, layout: Layout, p: Placed, opts: BuildOptions,
                bg: Image.Image | None = None) -> tuple[Path, str]:
    """An image element's file (its `src`, else the brand's logo, the variant that suits `bg`) and its name in messages."""
    el = p.el
    logo = None if el.src else brand_logo(layout, p, bg)
    if not el.src and logo is None:
        raise SpecError("missing required key 'src'", location=loaded.positions.locate(p.path), path=f"elements[{p.index}].src")
    path = _resolve(loaded, el.src, p.path + ("src",), opts) if el.src else logo
    assert path is not None  # no src: the logo, checked above
    return path, el.src or path.name


def _svg_roots(loaded: LoadedSpec, p: Placed, opts: BuildOptions) -> tuple[Path, tuple[Path, ...]]:
    """(base, allowed folders) for an SVG's own hrefs: the spec's for a `src`, the brand file's for its logo."""
    return (loaded.base_dir, loaded.roots(opts.allow_dirs)) if p.el.src else loaded.brand_roots(opts.allow_dirs)


def _image_source(loaded: LoadedSpec, layout: Layout, p: Placed, opts: BuildOptions,
                  bg: Image.Image | None = None) -> str | Image.Image:
    path, src = _image_path(loaded, layout, p, opts, bg)
    if path.suffix.lower() == ".svg":
        from composer.rasters import assets
        base, allowed = _svg_roots(loaded, p, opts)
        data = assets.sanitize_svg(assets.read_asset(path, src), base_dir=base, allowed_dirs=allowed, source_name=src)
        return "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")
    # Downscale very large images to twice the box at output size: keeps SVG/PDF small, PNG sharp.
    limit = (int(p.frame.width * 2), int(p.frame.height * 2))
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size, limit)
    hit = _DECODED.get(key)
    if hit is not None:  # the same file for the same box: its pixels still count against this build's budget
        charge_pixels(hit[1], path.name)
        return hit[0]
    img = _load_raster(path)
    decoded = img.width * img.height
    if img.width > limit[0] * 2 and img.height > limit[1] * 2:
        img = img.copy()  # thumbnail works in place, and decoded files may be shared
        img.thumbnail((limit[0] * 2, limit[1] * 2), Image.Resampling.LANCZOS)
    if img.mode not in ("RGB", "RGBA"):
        img = img.convert("RGBA")
    if img.width * img.height <= DECODED_MAX_PIXELS:
        _DECODED.put(key, (img, decoded))
    return img


# Image elements as drawn (decoded, downscaled), by file (path, mtime, size) and box: a warm build of the same
# design does not decode its photos again. Nothing modifies these images. Each of at most 9 MP, 72 MP in
# all (the old 8 x 9 MP), up to 32 images: a collage's photos and a few more no longer push each other out.
DECODED_MAX_PIXELS = 9_000_000
DECODED_TOTAL_PIXELS = 72_000_000
_DECODED: LRU[tuple[Image.Image, int]] = LRU(
    32, weigh=lambda entry: entry[0].width * entry[0].height, max_weight=DECODED_TOTAL_PIXELS)


_PLACEHOLDER = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="


def check(loaded: LoadedSpec, layout: Layout, opts: BuildOptions) -> dict[str, str]:
    """What painting would refuse, found without painting: files (read and decoded), styles, model paths.

    Returns a placeholder data URI for every image element, so the SVG can be drawn as text (validate).
    """
    bg = loaded.spec.background
    warn_ignored(loaded, layout, opts)
    for key in ("image", "init_image"):
        if getattr(bg, key) and (key == "image" or not bg.image):
            try:
                _load_raster(_resolve(loaded, getattr(bg, key), ("background", key), opts))
            except AssetError as e:
                raise _at(e, loaded, ("background", key)) from None
    if not bg.image and not (bg.generator == "procedural" and bg.style == "flat" and not bg.prompt):
        _check_generator(loaded, background_generator(loaded, opts), bg.style, ("background", "style"), opts)
    hrefs = {}
    for p in layout.walk():
        if p.kind == "illustration":
            _check_generator(loaded, illustration_generator(p.el, loaded, opts), None, p.path + ("style",), opts)
        elif p.kind == "image":
            try:
                _check_image(loaded, layout, p, opts)
            except AssetError as e:
                raise _at(e, loaded, p.path + ("src",) if p.el.src else ("brand", "logo")) from None
            hrefs[p.id] = _PLACEHOLDER
    return hrefs


def _check_generator(loaded: LoadedSpec, name: str, style: str | None, path: tuple, opts: BuildOptions) -> None:
    """The backend exists; the procedural one knows the style; a diffusion model's and adapters' paths resolve."""
    from composer.spec.yamlload import format_path

    with generator_errors():
        info = backend_info(name)
    if name == "procedural" and style is not None:
        from generator.procedural import STYLES

        if style not in STYLES:
            raise SpecError(f"unknown procedural style {style!r}; allowed: {' | '.join(STYLES)}",
                            location=loaded.positions.locate(path), path=format_path(path))
    if info.takes_options:
        _check_model(_options(loaded, opts, {}), opts)


def _check_model(options: dict, opts: BuildOptions) -> None:
    """The diffusion model is named, found (folder or local hub cache) and a text-to-image pipeline; no torch."""
    from generator.diffusion_models import is_hub_id, model_name, resolve_model

    with generator_errors():
        name = model_name(options)
        if opts.allow_download and is_hub_id(name):
            return  # build may fetch it; validate never touches the network
        resolve_model(name, revision=options.get("revision"))


def _check_image(loaded: LoadedSpec, layout: Layout, p: Placed, opts: BuildOptions) -> None:
    """An image element's file: found, inside the allowed folders, and decodable (SVG: sanitised)."""
    path, src = _image_path(loaded, layout, p, opts)
    from composer.rasters import assets

    paths = [path] if p.el.src else list(dict.fromkeys([path, *layout.brand.logos.values()]))  # every logo variant
    base, allowed = _svg_roots(loaded, p, opts)
    for path in paths:
        if path.suffix.lower() == ".svg":
            assets.sanitize_svg(assets.read_asset(path, src if p.el.src else path.name), base_dir=base,
                                allowed_dirs=allowed, source_name=src if p.el.src else path.name)
        else:
            _load_raster(path)
