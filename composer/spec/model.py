"""The spec as typed models (pydantic). Every field here is part of the JSON Schema editors use."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import Field, field_validator

from composer.spec.base import BoxSpec, Color, ElementBase, Finite, Length, Model, _check_length, _yaml_off
from composer.spec.charts import INFOGRAPHIC_ELEMENTS

from composer.core.limits import MAX_DPI, MAX_ELEMENTS, MAX_TEXT_CHARS, MIN_DPI  # noqa: E402


class FontSpec(Model):
    """Font of a text element. family may be a brand role: heading or body."""

    family: str | None = None
    weight: Annotated[int, Field(ge=1, le=1000)] | None = None
    style: Literal["normal", "italic"] = "normal"
    size: Union[Finite, str, None] = None
    min_size: Union[Finite, str, None] = None
    max_size: Union[Finite, str, None] = None
    features: dict[str, Union[bool, int]] = Field(default_factory=dict)

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


class GradientStop(Model):
    color: Color
    offset: Annotated[float, Field(ge=0, le=1)] | None = None
    opacity: Annotated[float, Field(ge=0, le=1)] = 1.0


class Gradient(Model):
    """A linear or radial gradient fill."""

    type: Literal["linear", "radial"] = "linear"
    angle: Finite = 90.0  # degrees; 90 runs top to bottom
    stops: list[Union[Color, GradientStop]] = Field(min_length=2)
    cx: Annotated[float, Field(ge=0, le=1)] = 0.5
    cy: Annotated[float, Field(ge=0, le=1)] = 0.5
    r: Annotated[float, Field(gt=0, le=2)] = 0.5


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
    wrap: Literal["normal", "balance", "none"] = "normal"
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


class ImageElement(ElementBase):
    """A PNG, JPEG, WebP or SVG file inside the spec's folder."""

    type: Literal["image"]
    src: str | None = None
    box: BoxSpec
    fit: Literal["contain", "cover", "fill"] = "contain"
    radius: Annotated[float, Field(ge=0)] = 0
    alt: str | None = None


class RectElement(ElementBase):
    """A rectangle with fill (colour or gradient), stroke and rounded corners."""

    type: Literal["rect"]
    box: BoxSpec
    fill: Union[Color, Gradient, None] = None
    stroke: Color | None = None
    stroke_width: Annotated[float, Field(ge=0)] = 0
    radius: Annotated[float, Field(ge=0)] = 0


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
    radius: Annotated[float, Field(ge=0)] = 24


class TemplateElement(ElementBase):
    """A user or built-in Jinja2 SVG template drawn in a box with parameters."""

    type: Literal["template"]
    template: str
    box: BoxSpec
    params: dict[str, Any] = Field(default_factory=dict)


class GroupElement(ElementBase):
    """A group of elements; child boxes are relative to the group's box."""

    type: Literal["group"]
    box: BoxSpec | None = None
    elements: list["Element"] = Field(default_factory=list)


Element = Annotated[
    Union[(TextElement, ImageElement, RectElement, LineElement, IllustrationElement, TemplateElement, GroupElement,
           *INFOGRAPHIC_ELEMENTS)],
    Field(discriminator="type"),
]
GroupElement.model_rebuild()


class CanvasSpec(Model):
    """The page: size (pixels or units, or a named preset), dpi, bleed and a flat colour."""

    preset: str | None = None
    width: Length | None = None
    height: Length | None = None
    orientation: Literal["portrait", "landscape"] | None = None
    dpi: Annotated[float, Field(ge=MIN_DPI, le=MAX_DPI)] | None = None
    bleed: Length = 0
    background: Color | None = None

    _v = field_validator("width", "height", "bleed", mode="before")(
        lambda v: v if v is None else _check_length(v)
    )


class BrandFont(Model):
    family: str
    weight: Annotated[int, Field(ge=1, le=1000)] = 400
    style: Literal["normal", "italic"] = "normal"


class LoraSpec(Model):
    path: str
    scale: Annotated[float, Field(ge=-4, le=4)] = 1.0


class BrandSpec(Model):
    """Brand colours, fonts and logo; shared by specs as a brand YAML file."""

    name: str | None = None
    colors: dict[str, Color] = Field(default_factory=dict)
    fonts: dict[str, BrandFont] = Field(default_factory=dict)
    logo: str | None = None
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


class Spec(Model):
    """A Placard spec (version 1)."""

    version: Literal[1] = 1
    title: str | None = None
    alt: str | None = None
    layout: str | None = None
    slots: dict[str, Any] = Field(default_factory=dict)
    canvas: CanvasSpec = Field(default_factory=CanvasSpec)
    fonts: list[str] = Field(default_factory=list)
    brand: Union[BrandSpec, str, None] = None
    background: BackgroundSpec = Field(default_factory=BackgroundSpec)
    templates: str | None = Field(default=None, description="a folder of your own Jinja2 SVG templates")
    text_mode: Literal["outline", "live"] = "outline"
    legibility: Union[Literal["auto", "strict", "off"], LegibilitySpec] = "auto"
    elements: list[Element] = Field(default_factory=list, max_length=MAX_ELEMENTS)
    outputs: list[Literal["png", "pdf", "svg", "jpeg", "webp"]] = Field(default_factory=lambda: ["png", "pdf", "svg"])

    _off = field_validator("legibility", mode="before")(_yaml_off)

    @field_validator("canvas", mode="before")
    @classmethod
    def _canvas_preset(cls, v: Any) -> Any:
        return {"preset": v} if isinstance(v, str) else v


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the spec, for editors and `python -m composer schema`."""
    schema = Spec.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://placard.dev/schema/spec-v1.json"
    return schema
