"""Draw the resolved layout as SVG through sandboxed Jinja2 templates, one template per element kind."""

from __future__ import annotations

import io
import json
import math
from collections import OrderedDict
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from jinja2 import BaseLoader, ChoiceLoader, Environment, FileSystemLoader, Template, TemplateError, TemplateNotFound, TemplateSyntaxError, UndefinedError
from jinja2.loaders import split_template_path
from jinja2.runtime import Context
from jinja2.bccache import Bucket, FileSystemBytecodeCache
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from markupsafe import Markup
from PIL import Image

from composer.core.colour import RGBA, parse_color
from composer.core.errors import SpecError
from composer.layout.resolve import Layout, Placed
from composer.core.resources import data_dir
from composer.core.geometry import Box
from composer.spec.kinds import KIND_OF
from composer.text.live import live_svg

_ENVS: OrderedDict[tuple, SandboxedEnvironment] = OrderedDict()  # LRU of template environments, one per folder
if TYPE_CHECKING:  # charts load on first use
    from composer.charts import Drawing
    from composer.text.block import TextBlock

from composer.core.limits import MAX_ENVS, MAX_TEMPLATE_BYTES, MAX_TEMPLATE_ITEMS, MAX_TEMPLATE_PRODUCED  # noqa: E402
from composer.render.fragment import sanitize_fragment  # noqa: E402
from composer.render.pixelref import pixels_href, pixels_key  # noqa: E402
from composer.render.produced import CheckedCodeGenerator, charge, check_format_string, checked_filters  # noqa: E402
# The budget of the build whose templates are rendering now (per build, and per thread):
# [range() steps left, characters or items that expressions may still produce].
_BUDGET: ContextVar[list[int]] = ContextVar("placard_template_budget")


def _budget() -> list[int]:
    return _BUDGET.get([MAX_TEMPLATE_ITEMS, MAX_TEMPLATE_PRODUCED])


class _FolderLoader(FileSystemLoader):
    """A FileSystemLoader that refuses a file whose real path (symlinks followed) leaves its folder."""

    def __init__(self, searchpath: str, protected: frozenset[str] = frozenset()):
        super().__init__(searchpath)
        self.protected = protected

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        if template in self.protected:  # the document's own templates come from the built-ins only
            raise TemplateNotFound(template)
        for root in self.searchpath:  # checked before anything is read
            real = Path(root, *split_template_path(template)).resolve()
            if real.is_file():
                if not real.is_relative_to(Path(root).resolve()):
                    raise TemplateNotFound(template)
                if real.stat().st_size > MAX_TEMPLATE_BYTES:
                    raise SecurityError(f"template {template!r} is larger than {MAX_TEMPLATE_BYTES:,} bytes")
                break
        return super().get_source(environment, template)


class _Sandbox(SandboxedEnvironment):
    """Jinja2's sandbox with a budget: range() steps per build, and no huge `**` or sequence `*`."""

    intercepted_binops = frozenset({"*", "**", "+"})
    code_generator_class = CheckedCodeGenerator

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.globals["range"] = self._range
        self.globals.pop("lipsum", None)  # lipsum(n) builds text of any size; templates have no use for it
        self.filters.update(checked_filters(_budget))

    def checked_join(self, join: Any, parts: tuple) -> Any:
        """`a ~ b`: charged to the build's budget before the string is built."""
        charge(_budget(), sum(len(p) if isinstance(p, str) else 16 for p in parts))
        return join(parts)

    def getattr(self, obj: Any, attribute: str) -> Any:
        return self._checked_format(obj, attribute, super().getattr(obj, attribute))

    def getitem(self, obj: Any, argument: Any) -> Any:
        return self._checked_format(obj, argument, super().getitem(obj, argument))

    @staticmethod
    def _checked_format(obj: Any, name: Any, value: Any) -> Any:
        """`'{:>999999999}'.format(1)`: widths checked and the result charged, like the `format` filter."""
        if not (isinstance(obj, str) and name in ("format", "format_map") and callable(value)):
            return value
        check_format_string(obj)

        def call(*args: Any, **kwargs: Any) -> Any:
            out = value(*args, **kwargs)
            charge(_budget(), len(out) if isinstance(out, str) else 16)
            return out

        return call

    def _range(self, *args: int) -> Iterator[int]:
        budget = _budget()
        for i in range(*args):  # builtin range, so its arguments are checked the same way
            budget[0] -= 1
            if budget[0] < 0:
                raise SecurityError(f"templates stepped through more than {MAX_TEMPLATE_ITEMS:,} range() items")
            yield i

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0:
            if right * abs(left).bit_length() > 4096:
                raise SecurityError(f"{left} ** {right} is too large a number")
        if operator == "*":
            if isinstance(left, int) and isinstance(right, int) and abs(left).bit_length() + abs(right).bit_length() > 4096:
                raise SecurityError("a product of more than 4096 bits is too large a number")
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * n > MAX_TEMPLATE_ITEMS:
                    raise SecurityError(f"a sequence of {len(seq) * n:,} items is too long")
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int):
                    charge(_budget(), len(seq) * max(n, 0))
        if operator == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
            charge(_budget(), len(left) + len(right))
        return super().call_binop(context, operator, left, right)


class _BytecodeCache(FileSystemBytecodeCache):
    """Jinja's bytecode cache in Placard's user cache: a cold build skips compiling the templates (30-70 ms).

    The folder's name carries a hash of the code that shapes the compiled code (the sandbox and its
    checked code generator) and of Jinja's version, so a Placard or Jinja upgrade starts a new one;
    Jinja itself checks each entry against its template's source. A folder we cannot write only
    costs the next process the compile again.
    """

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def _bytecode_cache() -> _BytecodeCache | None:
    """The bytecode cache for this Placard and Jinja, or None (no cache folder, or it cannot be made)."""
    import hashlib

    import jinja2

    from composer.core.paths import user_cache
    from composer.render import produced

    digest = hashlib.blake2b(jinja2.__version__.encode(), digest_size=8)
    for module in (__file__, produced.__file__):
        digest.update(Path(module).read_bytes())
    folder = user_cache(f"jinja-{digest.hexdigest()}")
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _BytecodeCache(str(folder))


def template_env(user_dir: Path | None) -> SandboxedEnvironment:
    """A sandboxed, XML-autoescaping Jinja2 environment: the user's folder first, then built-ins."""
    key = (str(user_dir),)
    if key in _ENVS:
        _ENVS.move_to_end(key)
        return _ENVS[key]
    builtin = data_dir("templates")
    protected = frozenset(
        p.relative_to(builtin).as_posix() for p in builtin.rglob("*.j2") if p.parent.name != "blocks"
    )
    loaders: list[BaseLoader] = [_FolderLoader(str(user_dir), protected)] if user_dir else []
    loaders += [FileSystemLoader(str(builtin)), FileSystemLoader(str(builtin / "blocks"))]
    # auto_reload: a long-running process (preview) sees a template edited on disk at its next build
    env = _Sandbox(
        loader=ChoiceLoader(loaders), autoescape=True, trim_blocks=True, lstrip_blocks=True, auto_reload=True,
        bytecode_cache=_bytecode_cache(),
    )
    _ENVS[key] = env
    while len(_ENVS) > MAX_ENVS:
        _ENVS.popitem(last=False)
    return env


def fmt(v: float) -> str:
    """A compact, deterministic number for SVG attributes."""
    if not math.isfinite(v):
        return "0"
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


@dataclass
class SvgBox:
    """A box with attribute-ready numbers, as templates see it."""

    x: float
    y: float
    width: float
    height: float
    right: float
    bottom: float

    @classmethod
    def of(cls, b: Box) -> SvgBox:
        r = lambda v: _num(round(v, 2))  # noqa: E731
        return cls(r(b.x), r(b.y), r(b.width), r(b.height), r(b.right), r(b.bottom))


def _num(v: float) -> float | int:
    """Whole numbers print without a trailing .0 in templates."""
    return int(v) if float(v).is_integer() else v


@dataclass(frozen=True)
class Scene:
    """What render draws (the typed hand-off into this stage): texts, rasters, charts and legibility fixes."""

    texts: Mapping[str, TextBlock]  # coloured after legibility
    illustrations: Mapping[str, Image.Image] = field(default_factory=dict)  # element id -> RGBA image
    image_hrefs: Mapping[str, str] = field(default_factory=dict)  # element id -> data URI (SVG files)
    charts: Mapping[str, Drawing] = field(default_factory=dict)  # chart id -> its geometry and labels
    underlays: Mapping[str, tuple[Markup, ...]] = field(default_factory=dict)  # scrims drawn just below a text
    halos: Mapping[str, tuple[RGBA, float]] = field(default_factory=dict)  # text id -> halo colour, width
    text_mode: str = "outline"
    font_dirs: tuple[Path, ...] = ()
    images: Mapping[str, Image.Image] = field(default_factory=dict)  # raster image element id -> decoded pixels

    def pixels(self) -> dict[str, Image.Image]:
        """Decoded pixels by the key their `placard-pixels:` href names: raster images and illustrations."""
        return {pixels_key(i): img for i, img in (*self.illustrations.items(), *self.images.items())
                if i not in self.image_hrefs}


@dataclass(frozen=True)
class Pass:
    """Which elements one drawing of the body includes, and whether `text_mode: live` text stays <text>.

    A chart's shapes belong to `others` and its labels to `labels` (drawn with the text when `others`
    is off); `charts: False` leaves charts out altogether (the ground the legibility stage measures).
    """

    texts: bool = True
    others: bool = True
    live: bool = False
    labels: bool = True
    charts: bool = True


FULL = Pass()


def jpeg_bytes(image: Image.Image) -> bytes:
    """High-quality JPEG (4:4:4, q95) for photographic layers embedded in SVG and PDF."""
    buf = io.BytesIO()
    (image if image.mode == "RGB" else image.convert("RGB")).save(buf, "JPEG", quality=95, subsampling=0)
    return buf.getvalue()


class SvgRenderer:
    """Renders each placed element with its template; `RENDERERS` maps kind to method."""

    def __init__(self, layout: Layout, scene: Scene, user_templates: Path | None):
        self.layout = layout
        self.scene = scene
        self.env = template_env(user_templates)
        self.r = layout.resolver
        self._ids = 0
        self._budget = [MAX_TEMPLATE_ITEMS, MAX_TEMPLATE_PRODUCED]  # this build's template budget, shared by its passes

    def next(self, scene: Scene) -> SvgRenderer:
        """A renderer for a later pass of the same build: same templates and budget, ids continue."""
        other = object.__new__(SvgRenderer)
        other.__dict__.update(self.__dict__)
        other.scene = scene
        return other

    # ------------------------------------------------------------------ helpers
    def _template(self, name: str, path: tuple) -> Template:
        try:
            return self.env.get_template(name)
        except TemplateNotFound:
            raise SpecError(f"template {name!r} not found", location=self.r.positions.locate(path), path="template") from None

    def _render(self, name: str, path: tuple, **ctx: Any) -> Markup:
        token = _BUDGET.set(self._budget)
        try:
            return Markup(self._template(name, path).render(**ctx))
        except SecurityError as e:
            raise SpecError(f"template {name!r} was stopped by the sandbox: {e}", location=self.r.positions.locate(path)) from None
        except UndefinedError as e:
            raise SpecError(f"template {name!r}: {e}", location=self.r.positions.locate(path)) from None
        except TemplateSyntaxError as e:
            raise SpecError(f"template {name!r}: {e.name or name}:{e.lineno}: {e.message}", location=self.r.positions.locate(path)) from None
        except TemplateNotFound as e:
            raise SpecError(f"template {name!r}: template {e.name!r} not found", location=self.r.positions.locate(path)) from None
        except (TemplateError, TypeError, ValueError, ArithmeticError, AttributeError, LookupError, RecursionError) as e:
            from composer.render.templating import template_line

            at = template_line(e)
            raise SpecError(f"template {name!r} failed" + (f" at {at}" if at else "") + f": {e}",
                            location=self.r.positions.locate(path)) from None
        finally:
            _BUDGET.reset(token)

    def _radius(self, p: Placed) -> float:
        """An element's corner radius in pixels (units like every length; % of the box's shorter side)."""
        return self.r.length(p.el.radius, p.path + ("radius",), min(p.frame.width, p.frame.height))

    def _uid(self, prefix: str) -> str:
        self._ids += 1
        return f"{prefix}{self._ids}"

    # ------------------------------------------------------------------ kinds
    def element(self, p: Placed, ps: Pass = FULL) -> Markup:
        """One element's markup in this pass (a group draws its children in the same pass)."""
        if p.kind in ("group", "stack"):  # a stack's panel is a rect child (composer.text.stack)
            return self.group(p, ps)
        if p.kind == "text":
            return self.text(p, ps.live) if ps.texts else Markup("")
        if p.kind in KIND_OF:
            return _chart(self, p, ps.others, ps.labels) if ps.charts and (ps.others or ps.labels) else Markup("")
        if not ps.others:
            return Markup("")
        fn = RENDERERS.get(p.kind)
        if fn is None:
            raise SpecError(f"no renderer for element type {p.kind!r}", location=self.r.positions.locate(p.path))
        return fn(self, p)

    def text(self, p: Placed, live: bool = False) -> Markup:
        block = self.scene.texts[p.id]
        under = Markup("").join(self.scene.underlays.get(p.id, ()))
        if live and (p.el.text_mode or self.scene.text_mode) == "live":
            markup = Markup(live_svg(block, embed=True))
            return under + self._render("text_live.svg.j2", p.path, id=p.id, opacity=p.el.opacity, live=markup)
        halo = self.scene.halos.get(p.id)
        runs = []
        for run in block.runs:
            color = parse_color(run.fill)
            if halo:
                runs.append({"d": run.d, "color": RGBA(*halo[0].rgb, 0.0), "stroke": halo[0], "stroke_width": fmt(halo[1])})
            runs.append({"d": run.d, "color": color, "stroke": None})
        return under + self._render("text.svg.j2", p.path, id=p.id, opacity=p.el.opacity, runs=runs,
                                    color_svg=Markup(block.color_svg))

    def rect(self, p: Placed) -> Markup:
        el = p.el
        gradient = None
        fill = None
        if el.fill is not None and not isinstance(el.fill, str):
            gradient = self._gradient(el.fill, p.path + ("fill",))
        elif el.fill is not None:
            fill = self.r.color(el.fill, p.path + ("fill",))
        stroke = self.r.color(el.stroke, p.path + ("stroke",)) if el.stroke else None
        return self._render(
            "rect.svg.j2", p.path, id=el.id, box=SvgBox.of(p.frame), radius=fmt(self._radius(p)), fill=fill,
            gradient=gradient, gid=self._uid("g"), stroke=stroke, stroke_width=fmt(el.stroke_width), opacity=el.opacity,
        )

    def _gradient(self, g: Any, path: tuple) -> dict:
        stops = []
        n = len(g.stops)
        for i, s in enumerate(g.stops):
            if isinstance(s, str):
                stops.append({"offset": fmt(i / (n - 1)), "color": self.r.color(s, path + ("stops", i)), "opacity": 1})
            else:
                c = self.r.color(s.color, path + ("stops", i, "color"))
                off = s.offset if s.offset is not None else i / (n - 1)
                stops.append({"offset": fmt(off), "color": c, "opacity": fmt(s.opacity * c.a)})
        a = math.radians(g.angle)
        dx, dy = math.cos(a) / 2, math.sin(a) / 2
        return {
            "type": g.type, "stops": stops, "x1": fmt(0.5 - dx), "y1": fmt(0.5 - dy), "x2": fmt(0.5 + dx),
            "y2": fmt(0.5 + dy), "cx": fmt(g.cx), "cy": fmt(g.cy), "r": fmt(g.r),
        }

    def line(self, p: Placed) -> Markup:
        el = p.el
        c = self.layout.canvas
        pts = [
            (fmt(self.r.length(x, p.path + ("points", i, 0), c.width)), fmt(self.r.length(y, p.path + ("points", i, 1), c.height)))
            for i, (x, y) in enumerate(el.points)
        ]
        return self._render(
            "line.svg.j2", p.path, id=el.id, points=pts, stroke=self.r.color(el.stroke, p.path + ("stroke",)),
            width=fmt(el.width), cap=el.cap, dash=[fmt(d) for d in el.dash or []], opacity=el.opacity,
        )

    def image(self, p: Placed) -> Markup:
        aspect = {"contain": "xMidYMid meet", "cover": "xMidYMid slice", "fill": "none"}[p.el.fit]
        return self._render(
            "image.svg.j2", p.path, id=p.el.id, box=SvgBox.of(p.frame), href=self.scene.image_hrefs.get(p.id) or pixels_href(p.id),
            aspect=aspect, radius=fmt(self._radius(p)), cid=self._uid("c"), opacity=p.el.opacity,
        )

    def illustration(self, p: Placed) -> Markup:
        href = self.scene.image_hrefs.get(p.id) or pixels_href(p.id)
        radius = self._radius(p) if p.el.blend == "rounded" else 0
        return self._render(
            "illustration.svg.j2", p.path, id=p.el.id, box=SvgBox.of(p.frame), href=href, aspect="none",
            radius=fmt(radius), cid=self._uid("c"), opacity=p.el.opacity,
        )

    def group(self, p: Placed, ps: Pass = FULL) -> Markup:
        children = Markup("\n").join(self.element(c, ps) for c in p.children)
        return self._render("group.svg.j2", p.path, id=p.el.id, opacity=p.el.opacity, children=children)

    def template(self, p: Placed) -> Markup:
        name = p.el.template
        if "/" in name or "\\" in name or name.startswith("."):
            raise SpecError(f"invalid template name {name!r}; allowed: a file name in the templates folder", location=self.r.positions.locate(p.path + ("template",)))
        from composer.render.templating import TemplateColour, block_names, check_fragment
        from composer.spec.yamlload import format_path

        where = self.r.positions.locate(p.path + ("template",))
        try:
            filename = self.env.get_template(f"{name}.svg.j2").filename
        except TemplateNotFound:
            raise SpecError(f"unknown template {name!r}; available: {', '.join(block_names(self.env))}",
                            location=where, path=format_path(p.path + ("template",))) from None
        except (TemplateError, SecurityError):
            filename = None  # a syntax error or an oversized file: _render below reports it
        box = SvgBox.of(p.frame)
        out = self._render(
            f"{name}.svg.j2", p.path + ("template",), box=box, params=p.el.params, id=p.el.id,
            color=lambda v: TemplateColour(self.r.color(v, p.path + ("params",))), text=self._text_helper(p),
            brand={k: v.hex for k, v in self.layout.brand.colors.items()}, canvas=self.layout.canvas,
        )
        problem = check_fragment(str(out), name, filename)
        if problem:
            raise SpecError(problem, location=where, path=format_path(p.path + ("template",)))
        return sanitize_fragment(out, f"template {name!r}", where)

    def _text_helper(self, p: Placed) -> Callable[..., Markup]:
        """`text(...)` inside templates: set a label with Placard's typography engine."""
        from composer.render.labels import set_label

        def text(value: Any, box: Any = None, **style: Any) -> Markup:
            b = p.frame if box is None else (Box(float(box["x"]), float(box["y"]), float(box["width"]), float(box["height"])) if isinstance(box, dict) else Box(float(box.x), float(box.y), float(box.width), float(box.height)))
            return set_label(self.layout, self.scene.font_dirs, p, str(value), b, style)

        return text

    def body(self, ps: Pass = FULL) -> Markup:
        """Every top-level element in z-order, as this pass includes them."""
        return Markup("\n").join(self.element(p, ps) for p in self.layout.elements)

    def document(self, body: Markup, *, view: str, background_href: str | None, title: str, desc: str,
                 metadata: dict, overlay: Markup = Markup(""), physical_units: bool = False,
                 has_raster: bool = False, slug: float = 0.0) -> str:
        """The whole SVG document; view is "trim" (PNG/SVG) or "bleed" (PDF, with `slug` px around it for the marks)."""
        c = self.layout.canvas
        b = c.bleed if view == "bleed" else 0.0
        vx, vy, vw, vh = -b - slug, -b - slug, c.width + 2 * (b + slug), c.height + 2 * (b + slug)
        if physical_units:
            width, height = f"{fmt(vw / c.dpi * 25.4)}mm", f"{fmt(vh / c.dpi * 25.4)}mm"
        else:
            width, height = fmt(vw), fmt(vh)
        return self._render(
            "document.svg.j2", (), width=width, height=height, viewbox=f"{fmt(vx)} {fmt(vy)} {fmt(vw)} {fmt(vh)}",
            vx=fmt(-b), vy=fmt(-b), vw=fmt(c.width + 2 * b), vh=fmt(c.height + 2 * b), title=title, desc=desc,
            metadata_json=json.dumps(metadata, sort_keys=True, ensure_ascii=False),
            background_color=None if has_raster else c.background, background_href=background_href,
            bx=fmt(-c.bleed), by=fmt(-c.bleed), bw=fmt(c.full_width), bh=fmt(c.full_height),
            body=body, overlay=overlay,
        )


def _chart(renderer: SvgRenderer, p: Placed, shapes: bool = True, labels: bool = True) -> Markup:
    """Chart kinds: imported on first use, so a poster without charts never loads their code."""
    from composer.render.charts import render_infographic

    return render_infographic(renderer, p, shapes, labels)


# The element-kind table: kind -> draw(renderer, placed). Text and group are drawn by the renderer
# itself (they take the pass); every other kind, charts included, is one entry here.
RENDERERS: dict[str, Callable[[SvgRenderer, Placed], Markup]] = {
    "rect": SvgRenderer.rect, "line": SvgRenderer.line, "image": SvgRenderer.image,
    "illustration": SvgRenderer.illustration, "template": SvgRenderer.template, **dict.fromkeys(KIND_OF, _chart),
}


CROP_MARK_MM = (1.0, 5.0)  # the marks start 1 mm outside the bleed and run 5 mm


def slug_width(layout: Layout) -> float:
    """The margin (px) outside the bleed that holds the crop marks; 0 without a bleed."""
    c = layout.canvas
    if c.bleed <= 0:
        return 0.0
    return c.dpi / 25.4 * (sum(CROP_MARK_MM) + 1.0)


def crop_marks(layout: Layout) -> Markup:
    """Crop marks at the four trim corners, outside the bleed, so no mark can print on the trimmed piece."""
    c = layout.canvas
    b = c.bleed
    if b <= 0:
        return Markup("")
    mm = c.dpi / 25.4
    start, end = b + CROP_MARK_MM[0] * mm, b + sum(CROP_MARK_MM) * mm
    w = max(0.5, c.dpi / 300)
    lines: list[tuple[float, float, float, float]] = []
    for x, sx in ((0, -1), (c.width, 1)):
        for y, sy in ((0, -1), (c.height, 1)):
            lines.append((x + sx * start, y, x + sx * end, y))
            lines.append((x, y + sy * start, x, y + sy * end))
    out = []
    for color, width in (("#FFFFFF", w * 3), ("#000000", w)):
        for x1, y1, x2, y2 in lines:
            out.append(f'<line x1="{fmt(x1)}" y1="{fmt(y1)}" x2="{fmt(x2)}" y2="{fmt(y2)}" stroke="{color}" stroke-width="{fmt(width)}"/>')
    return Markup('<g id="crop-marks">' + "".join(out) + "</g>")
