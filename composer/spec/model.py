"""The spec as typed models (pydantic). Every field here is part of the JSON Schema editors use."""


import functools
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import ConfigDict, Field, field_validator, model_validator

from composer.spec.base import (
    non_negative, BoxSpec, Color, ElementBase, Finite, Gradient, Length, Model, WeightName, _check_length, _yaml_off,
    weight_value,
)
from composer.spec.kinds import INFOGRAPHIC_TAGS

if TYPE_CHECKING:  # the models themselves are imported on first use (Deferred)
    from composer.spec.charts import (
        BarChartElement, DonutElement, GraphElement, IconElement, IconListElement, LineChartElement, ProcessElement,
        ProgressElement, QrElement, StatElement, TableElement, TimelineElement,
    )

from composer.core.limits import MAX_DPI, MAX_ELEMENTS, MAX_TEXT_CHARS, MIN_DPI  # noqa: E402
from composer.spec import schemacache  # noqa: E402


class Deferred:
    """`Annotated[Any, Deferred("BarChartElement")]`: a union member whose model is imported and built on first use.

    Spec's schema is built when this module is imported, which every cold build pays for. The
    twelve infographic element models are about a third of it and most designs use none, so the
    union holds, for each of them, a wrap validator over a one-field shell (the `type` literal from
    composer/spec/kinds.py, which is how the discriminated union finds its tag) that validates with
    the model's own validator. composer/spec/charts.py is imported, and the model's validator built,
    the first time such an element appears (or the JSON Schema is asked for). The errors keep their
    locations (pydantic puts a nested ValidationError's errors under the union's path), and the
    JSON Schema and serialisation use the model's own schema.
    """

    def __init__(self, name: str) -> None:
        self.name = name

    @property
    def model(self) -> type[Model]:
        return _infographic(self.name)

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        tags = list(INFOGRAPHIC_TAGS[self.name])
        shell = core_schema.typed_dict_schema(
            {"type": core_schema.typed_dict_field(core_schema.literal_schema(tags))}, extra_behavior="allow")
        # module-level functions (a partial of one), not closures: the schema can be kept between
        # processes (composer/spec/schemacache.py), which needs every function in it to have a name
        return core_schema.no_info_wrap_validator_function(
            functools.partial(_validate_deferred, self.name), shell,
            serialization=core_schema.plain_serializer_function_ser_schema(_dump_deferred, info_arg=True))

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> Any:
        return handler.generate_json_schema.generate_inner(self.model.__pydantic_core_schema__)


def _infographic(name: str) -> type[Model]:
    """The infographic element model `name` (composer.spec.charts, imported on first use)."""
    from composer.spec import charts

    model: type[Model] = getattr(charts, name)
    return model


def _validate_deferred(name: str, value: Any, _shell: Any) -> Any:
    """A Deferred member's validator: the model's own (built on its first use)."""
    return _infographic(name).model_validate(value)


def _dump_deferred(value: Any, info: Any) -> Any:
    return value.model_dump(mode=info.mode, by_alias=info.by_alias, exclude_none=info.exclude_none,
                            exclude_unset=info.exclude_unset, exclude_defaults=info.exclude_defaults)


class FontSpec(Model):
    """Font of a text element. family may be a brand role: heading or body."""

    family: str | None = None
    weight: Union[Annotated[int, Field(ge=1, le=1000)], WeightName, None] = Field(
        default=None, description="100-900 (variable fonts: 1-1000), or a CSS name: thin, light, normal, medium, semibold, bold, black")
    style: Literal["normal", "italic"] = "normal"
    size: Union[Finite, str, None] = None

    _weight = field_validator("weight", mode="before")(weight_value)
    min_size: Union[Finite, str, None] = None
    max_size: Union[Finite, str, None] = None
    features: dict[str, Union[bool, int]] = Field(default_factory=dict)

    @field_validator("features")
    @classmethod
    def _features(cls, v: dict) -> dict:
        for name, value in v.items():  # HarfBuzz takes an unsigned feature value
            if not isinstance(value, bool) and not 0 <= value <= 65535:
                raise ValueError(f"invalid value {value!r} for feature {name!r}; allowed: true, false or a number from 0 to 65535")
        return v

    @field_validator("size", "min_size", "max_size", mode="before")
    @classmethod
    def _size(cls, v: Any, info: Any = None) -> Any:
        if v is None or (v == "auto" and (info is None or info.field_name == "size")):
            return v
        v = _check_length(v)
        if isinstance(v, str) and v.strip().endswith("%"):
            raise ValueError(f"invalid size {v!r}; allowed: a number (px), a length such as \"24pt\", or auto")
        if isinstance(v, (int, float)) and v <= 0:
            raise ValueError(f"invalid size {v!r}; allowed: a size greater than 0")
        return v


def _check_radius(v: Any) -> Any:
    """A corner radius: a length (px, units, or % of the box's shorter side) that is not negative."""
    v = _check_length(v)
    if isinstance(v, (int, float)) and v < 0:
        raise ValueError(f"invalid radius {v!r}; allowed: 0 or more")
    if isinstance(v, str) and v.strip().startswith("-"):
        raise ValueError(f"invalid radius {v!r}; allowed: 0 or more")
    return v


class TextElement(ElementBase):
    """Text set by Placard's own typography engine."""

    type: Literal["text"]
    text: str = Field(default="", max_length=MAX_TEXT_CHARS)
    box: BoxSpec
    font: FontSpec = Field(default_factory=FontSpec)
    color: Color = "auto"
    align: Literal["left", "center", "right", "justify"] = "left"
    valign: Literal["top", "middle", "bottom"] = "top"
    line_height: Annotated[float, Field(gt=0, le=10)] = 1.2
    letter_spacing: Annotated[float, Field(ge=-0.5, le=2)] = 0.0
    transform: Literal["none", "uppercase", "lowercase", "capitalize"] = "none"
    wrap: Literal["normal", "optimal", "greedy", "balance", "none"] = Field(
        default="normal", description="normal: optimal for 3+ lines, else greedy; balance: even headline lines")
    hyphenate: Union[Literal["auto"], bool] = Field(
        default="auto", description="auto: on for body text up to 48 px at 96 dpi (36 pt), off for headlines")
    glyph_scaling: bool = Field(default=False, description="justify may also scale glyphs 98-102%")
    max_lines: Annotated[int, Field(ge=1)] | None = None
    overflow: Literal["error", "ellipsis"] = "error"
    markup: bool = True
    lang: str | None = None
    direction: Literal["auto", "ltr", "rtl"] = "auto"
    smart_quotes: bool = Field(default=False, description="straight quotes and apostrophes to the language's typographic ones; -- and --- to dashes")
    optical_margin: bool | None = Field(default=None, description="hang quotes, hyphens, periods and commas into the margin; default: on at 32 px and above")
    text_mode: Literal["outline", "live"] | None = None
    legibility: Literal["auto", "strict", "off"] | None = None
    contrast_target: Annotated[float, Field(ge=1, le=21)] | None = None

    _off = field_validator("legibility", mode="before")(_yaml_off)

    @field_validator("lang")
    @classmethod
    def _lang(cls, v: Any, info: Any) -> Any:
        if v is not None and info.data.get("hyphenate") is True:
            import pyphen  # the same lookup as composer.text.hyphenate.dictionary (the spec cannot import text)

            if pyphen.language_fallback(v.replace("-", "_")) is None:
                raise ValueError(f"no hyphenation dictionary for {v!r} (hyphenate: true); allowed: a language "
                                 "pyphen knows (en, de, fr, es, it, nl, ...), or hyphenate: false")
        return v


class ImageElement(ElementBase):
    """A PNG, JPEG, WebP or SVG file inside the spec's folder."""

    type: Literal["image"]
    src: str | None = None
    box: BoxSpec
    fit: Literal["contain", "cover", "fill"] = "contain"
    radius: Length = Field(default=0, description="corner radius: pixels, or a length such as \"4mm\" (% of the shorter side)")

    _radius = field_validator("radius", mode="before")(_check_radius)
    alt: str | None = None


class RectElement(ElementBase):
    """A rectangle with fill (colour or gradient), stroke and rounded corners."""

    type: Literal["rect"]
    box: BoxSpec
    fill: Union[Color, Gradient, None] = None
    stroke: Color | None = None
    stroke_width: Annotated[float, Field(ge=0)] = 0
    radius: Length = Field(default=0, description="corner radius: pixels, or a length such as \"4mm\" (% of the shorter side)")

    _radius = field_validator("radius", mode="before")(_check_radius)


class LineElement(ElementBase):
    """A straight line or polyline through points (canvas pixels or units)."""

    type: Literal["line"]
    points: list[tuple[Length, Length]] = Field(min_length=2)
    stroke: Color = "ink"
    width: Annotated[float, Field(gt=0)] = 2
    dash: list[Annotated[float, Field(ge=0)]] | None = None
    cap: Literal["butt", "round", "square"] = "round"


class IllustrationElement(ElementBase):
    """A generated image in its own box (procedural motif, or diffusion with a prompt)."""

    type: Literal["illustration"]
    prompt: str = ""
    negative_prompt: str = ""
    box: BoxSpec
    style: str | None = None
    seed: int | None = None
    generator: Literal["procedural", "diffusion"] | None = None
    blend: Literal["none", "feather", "rounded", "inpaint"] = "feather"
    radius: Length = Field(default=24, description="corner radius with blend: rounded: pixels, or a length such as \"4mm\"")

    _radius = field_validator("radius", mode="before")(_check_radius)


class TemplateElement(ElementBase):
    """A user or built-in Jinja2 SVG template drawn in a box with parameters."""

    type: Literal["template"]
    template: str
    box: BoxSpec
    params: dict[str, Any] = Field(default_factory=dict)


class StackElement(ElementBase):
    """Children flow top to bottom (column) or left to right (row) with gaps; text takes its set height."""

    type: Literal["stack"]
    box: BoxSpec | None = None
    direction: Literal["column", "row"] = "column"
    gap: Length = 0.0
    padding: Union[Length, list[Length]] = Field(default=0, description="one length, [vertical, horizontal] or [top, right, bottom, left]")
    align: Literal["start", "center", "end", "stretch"] = "stretch"
    justify: Literal["start", "center", "end", "space-between", "space-around", "space-evenly"] = "start"
    fill: Union[Color, Gradient, None] = Field(default=None, description="a panel drawn behind the stack's box")
    stroke: Color | None = None
    stroke_width: Annotated[float, Field(ge=0)] = 0
    radius: Annotated[float, Field(ge=0)] = 0
    elements: list["Element"] = Field(default_factory=list, max_length=MAX_ELEMENTS)  # resolved in composer.spec.model

    _gap = field_validator("gap", mode="before")(functools.partial(non_negative, name="gap"))

    @field_validator("padding", mode="before")
    @classmethod
    def _padding(cls, v: Any) -> Any:
        if isinstance(v, (list, tuple)):
            if len(v) not in (1, 2, 4):
                raise ValueError(f"invalid padding {list(v)!r}; allowed: one length, [vertical, horizontal] or [top, right, bottom, left]")
            return [non_negative(x, "padding") for x in v]
        return non_negative(v, "padding")

    @model_validator(mode="before")
    @classmethod
    def _auto_boxes(cls, data: Any) -> Any:
        """A child without a box is sized by the stack: give it an `auto` box so its model validates."""
        if isinstance(data, dict) and isinstance(data.get("elements"), list):
            kids = []
            for el in data["elements"]:
                if isinstance(el, dict) and el.get("type") not in ("line", "group", "stack", None) and "box" not in el:
                    el = {**el, "box": {"width": "auto", "height": "auto"}}
                elif isinstance(el, dict) and isinstance(el.get("box"), dict):
                    el = {**el, "box": {"width": "auto", "height": "auto", **el["box"]}}
                kids.append(el)
            data = {**data, "elements": kids}
        return data


class GroupElement(ElementBase):
    """A group of elements; child boxes are relative to the group's box."""

    type: Literal["group"]
    box: BoxSpec | None = None
    elements: list["Element"] = Field(default_factory=list, max_length=MAX_ELEMENTS)


if TYPE_CHECKING:  # the same union spelled out for the checker (it cannot unpack INFOGRAPHIC_TAGS)
    Element = Union[
        TextElement, ImageElement, RectElement, LineElement, IllustrationElement, TemplateElement, GroupElement,
        StackElement, StatElement, BarChartElement, LineChartElement, DonutElement, ProgressElement, IconElement,
        IconListElement, TimelineElement, ProcessElement, GraphElement, TableElement, QrElement,
    ]
else:
    Element = Annotated[
        Union[(TextElement, ImageElement, RectElement, LineElement, IllustrationElement, TemplateElement, GroupElement,
               StackElement, *(Annotated[Any, Deferred(name)] for name in INFOGRAPHIC_TAGS))],
        Field(discriminator="type"),
    ]
# GroupElement and StackElement name "Element" before it exists; like every model but Spec they are
# built (defer_build) on first direct use, so a cold build compiles one validator, Spec's, not three.


def _optional_length(v: Any) -> Any:
    return v if v is None else _check_length(v)


class CanvasSpec(Model):
    """The page: size (pixels or units, or a named preset), dpi, bleed and a flat colour."""

    preset: str | None = None
    width: Length | None = None
    height: Length | None = None
    orientation: Literal["portrait", "landscape"] | None = None
    dpi: Annotated[float, Field(ge=MIN_DPI, le=MAX_DPI)] | None = None
    bleed: Length = 0.0
    background: Color | None = None

    _v = field_validator("width", "height", "bleed", mode="before")(_optional_length)


class BrandFont(Model):
    family: str
    weight: Union[Annotated[int, Field(ge=1, le=1000)], WeightName] = 400
    style: Literal["normal", "italic"] = "normal"

    _weight = field_validator("weight", mode="before")(weight_value)


class LoraSpec(Model):
    path: str
    scale: Annotated[float, Field(ge=-4, le=4)] = 1.0


class BrandLogo(Model):
    """A logo for dark backgrounds and one for light ones; a preset takes the one that suits the pixels under it."""

    dark: str | None = None
    light: str | None = None


class BrandSpec(Model):
    """Brand colours, fonts and logo; shared by specs as a brand YAML file."""

    name: str | None = None
    colors: dict[str, Color] = Field(default_factory=dict)
    fonts: dict[str, BrandFont] = Field(default_factory=dict)
    font_dirs: list[str] = Field(default_factory=list)
    logo: Union[str, BrandLogo, None] = None
    lora: list[LoraSpec] = Field(default_factory=list, description="brand adapters every spec of the brand uses")


class BackgroundSpec(Model):
    """What paints the canvas: the procedural generator, a diffusion model, or an image file."""

    generator: Literal["procedural", "diffusion"] = "procedural"
    style: str | None = None
    prompt: str = ""
    negative_prompt: str = ""
    model: str | None = None
    seed: int = 0
    steps: Annotated[int, Field(ge=1, le=200)] | None = None
    guidance: Annotated[float, Field(ge=0, le=50)] | None = None
    scheduler: str | None = None
    text_aware: bool = True
    lora: list[LoraSpec] = Field(default_factory=list)
    init_image: str | None = None
    strength: Annotated[float, Field(gt=0, le=1)] = 0.6
    image: str | None = Field(default=None, description="a photo file used as the background")
    fit: Literal["cover", "contain", "fill"] = "cover"
    calm_strength: Annotated[float, Field(ge=0, le=1)] | None = None
    calm_until: Annotated[float, Field(gt=0, le=1)] | None = None
    attention_scale: Annotated[float, Field(ge=0, le=1)] | None = None
    revision: str | None = None


class LegibilitySpec(Model):
    policy: Literal["auto", "strict", "off"] = "auto"
    _off = field_validator("policy", mode="before")(_yaml_off)
    body: Annotated[float, Field(ge=1, le=21)] = 4.5
    large: Annotated[float, Field(ge=1, le=21)] = 3.0


_DEFAULT_OUTPUTS: tuple[Literal["png", "pdf", "svg", "jpeg", "webp"], ...] = ("png", "pdf", "svg")


def _default_outputs() -> list[Literal["png", "pdf", "svg", "jpeg", "webp"]]:
    return list(_DEFAULT_OUTPUTS)


class Spec(Model):
    """A Placard spec (version 1)."""

    # completed below, from the core schema the last process kept when nothing changed (schemacache)
    model_config = ConfigDict(defer_build=True)

    version: Literal[1] = 1
    title: str | None = None
    alt: str | None = None
    layout: str | None = None
    data: str | None = Field(default=None, description="campaign rows: a CSV, JSON or JSONL file beside the spec")
    name: str | None = Field(default=None, description='each campaign variant\'s output name, e.g. "${sku}-${size}"')
    sizes: list[str] | None = Field(default=None, description="layout presets to render the same slots into")
    slots: dict[str, Any] = Field(default_factory=dict)
    canvas: CanvasSpec = Field(default_factory=CanvasSpec)
    fonts: list[str] = Field(default_factory=list)
    brand: Union[BrandSpec, str, None] = None
    background: BackgroundSpec = Field(default_factory=BackgroundSpec)
    templates: str | None = Field(default=None, description="a folder of your own Jinja2 SVG templates")
    text_mode: Literal["outline", "live"] = "outline"
    lang: str | None = Field(default=None, description="the language of every text (BCP 47: en, de, fr-CA)")
    legibility: Union[Literal["auto", "strict", "off"], LegibilitySpec] = "auto"
    elements: list[Element] = Field(default_factory=list, max_length=MAX_ELEMENTS)
    outputs: list[Literal["png", "pdf", "svg", "jpeg", "webp"]] = Field(default_factory=_default_outputs)

    _off = field_validator("legibility", mode="before")(_yaml_off)

    @field_validator("canvas", mode="before")
    @classmethod
    def _canvas_preset(cls, v: Any) -> Any:
        return {"preset": v} if isinstance(v, str) else v

    @model_validator(mode="after")
    def _element_count(self) -> "Spec":
        """MAX_ELEMENTS counts the elements inside groups and stacks too (each is laid out and drawn)."""
        count, todo = 0, list(self.elements)
        while todo:
            el = todo.pop()
            count += 1
            if count > MAX_ELEMENTS:
                raise ValueError(f"more than {MAX_ELEMENTS:,} elements, counting those inside groups and stacks; "
                                 "split the design")
            todo.extend(getattr(el, "elements", None) or ())
        return self


schemacache.complete(Spec)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the spec, for editors and `python -m composer schema`."""
    schema = Spec.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://placard.dev/schema/spec-v1.json"
    return schema
