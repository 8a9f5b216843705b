"""Spec models for infographic and diagram elements (the geometry lives in composer/charts)."""


from typing import Annotated, Literal, Union

from pydantic import Field, field_validator

from composer.spec.base import BoxSpec, Color, ElementBase, Model, _yaml_off

Number = Union[float, int]
Cell = Union[float, int, str, bool, None]


class NumberFormat(Model):
    """How numbers print: plain | percent | currency | compact, with a locale via Babel."""

    style: Literal["plain", "percent", "currency", "compact"] = "plain"
    decimals: Annotated[int, Field(ge=0, le=10)] | None = None
    currency: str = "USD"
    locale: str | None = None
    prefix: str = ""
    suffix: str = ""
    separators: bool = True


Format = Union[Literal["plain", "percent", "currency", "compact"], NumberFormat, None]
DataSource = Union[str, list[dict[str, Cell]], dict[str, list[Cell]], None]


class Infographic(ElementBase):
    """Keys every infographic element shares: its box and theme overrides."""

    box: BoxSpec
    ink: Color | None = None
    muted: Color | None = None
    grid: Color | None = None
    paper: Color | None = None
    positive: Color | None = None
    negative: Color | None = None
    text_size: Annotated[float, Field(gt=0, le=400)] | None = None
    min_text_size: Annotated[float, Field(gt=0, le=400)] | None = None
    legibility: Literal["auto", "strict", "off"] | None = Field(
        default=None, description="this chart's legibility policy (default: the spec's): auto fixes label and "
        "series colours, strict stops the build on an unreadable label, off leaves them")

    _off = field_validator("legibility", mode="before")(_yaml_off)


class Series(Model):
    name: str = ""
    values: list[Union[Number, None]] = Field(default_factory=list)
    color: Color | None = None


class ChartData(Infographic):
    categories: list[Union[str, Number]] | None = None
    series: list[Series] | None = None
    data: DataSource = None
    x: str | None = None
    y: Union[str, list[str], None] = None
    colors: dict[str, Color] | None = None
    legend: Union[bool, Literal["auto"]] = "auto"
    axis: bool = True
    gridlines: bool = True
    format: Format = None
    min: Number | None = None
    max: Number | None = None


class StatElement(Infographic):
    """A big number with a label and an optional delta."""

    type: Literal["stat"]
    value: Union[Number, str]
    format: Format = None
    label: str | None = None
    delta: Number | None = None
    delta_format: Format = None
    delta_label: str | None = None
    delta_good: Literal["up", "down"] = "up"
    align: Literal["left", "center", "right"] = "left"
    color: Color | None = None
    max_size: Annotated[float, Field(gt=0)] | None = None


class BarChartElement(ChartData):
    """Vertical or horizontal bars, grouped or stacked."""

    type: Literal["bar_chart"]
    orientation: Literal["vertical", "horizontal"] = "vertical"
    mode: Literal["grouped", "stacked"] = "grouped"
    value_labels: bool = True
    gap: Annotated[float, Field(ge=0, lt=1)] = 0.25
    radius: Annotated[float, Field(ge=0)] = 3


class Annotation(Model):
    series: str | None = None
    at: Union[str, Number, None] = None
    index: int | None = None
    text: str


class LineChartElement(ChartData):
    """Lines through several series, with markers and annotated points."""

    type: Literal["line_chart", "area_chart"]
    markers: bool = True
    marker_size: Annotated[float, Field(gt=0)] | None = None
    line_width: Annotated[float, Field(gt=0)] = 3
    zero_baseline: bool | None = None
    annotate: Union[Annotation, list[Annotation], None] = None
    area_opacity: Annotated[float, Field(ge=0, le=1)] = 0.25


class Slice(Model):
    name: str
    value: Number
    color: Color | None = None


class DonutElement(Infographic):
    """Donut or pie slices with collision-free outside labels."""

    type: Literal["donut_chart", "pie_chart"]
    slices: list[Slice] | None = None
    data: DataSource = None
    x: str | None = None
    y: str | None = None
    hole: Annotated[float, Field(ge=0, lt=1)] | None = None
    labels: Literal["name_percent", "name_value", "name", "percent", "value", "none"] = "name_percent"
    format: Format = None
    center: Union[str, Number, None] = None
    center_label: str | None = None


class ProgressElement(Infographic):
    """A progress bar or ring."""

    type: Literal["progress"]
    value: Number
    max: Annotated[float, Field(gt=0)] = 100
    shape: Literal["bar", "ring"] = "bar"
    label: str | None = None
    format: Format = None
    color: Color | None = None
    track: Color | None = None
    thickness: Annotated[float, Field(gt=0)] | None = None
    rounded: bool = True


class IconElement(Infographic):
    """One icon from the bundled Lucide set, in a brand colour."""

    type: Literal["icon"]
    name: str
    color: Color | None = None
    background: Color | None = None


class IconItem(Model):
    icon: str
    title: str = ""
    text: str = ""
    color: Color | None = None


class IconListElement(Infographic):
    """Icons with a title and short text, in one or more columns."""

    type: Literal["icon_list"]
    items: list[IconItem] = Field(min_length=1)
    columns: Annotated[int, Field(ge=1, le=12)] = 1
    icon_size: Annotated[float, Field(gt=0)] | None = None
    disc: bool = True
    single_color: bool = True


class Event(Model):
    date: Union[str, Number]
    title: str = ""
    text: str = ""
    color: Color | None = None


class TimelineElement(Infographic):
    """Dated events along a horizontal or vertical axis."""

    type: Literal["timeline"]
    orientation: Literal["horizontal", "vertical"] = "horizontal"
    events: list[Event] | None = None
    data: DataSource = None
    alternate: Union[bool, Literal["auto"]] = "auto"
    single_color: bool = True


class Step(Model):
    title: str
    text: str = ""
    icon: str | None = None
    color: Color | None = None


class ProcessElement(Infographic):
    """Numbered steps with connectors in a row, a column or a snake."""

    type: Literal["process"]
    layout: Literal["row", "column", "snake"] = "row"
    columns: Annotated[int, Field(ge=1, le=12)] | None = None
    steps: list[Union[str, Step]] = Field(min_length=1)
    badge_size: Annotated[float, Field(gt=0)] | None = None
    connector_color: Color | None = None
    single_color: bool = True


class Node(Model):
    id: str
    label: str | None = None
    group: str | None = None
    color: Color | None = None


class Edge(Model):
    from_: str = Field(alias="from")
    to: str
    label: str | None = None


class Group(Model):
    id: str
    label: str | None = None


class GraphElement(Infographic):
    """Nodes and edges placed by a layered (Sugiyama) layout."""

    type: Literal["graph"]
    direction: Literal["TB", "LR"] = "TB"
    nodes: list[Union[str, Node]] = Field(default_factory=list)
    edges: list[Union[str, Edge]] = Field(default_factory=list)
    groups: list[Group] = Field(default_factory=list)
    node_fill: Color | None = None
    node_text: Color | None = None
    edge_color: Color | None = None
    radius: Annotated[float, Field(ge=0)] | None = None
    node_max_em: Annotated[float, Field(gt=0)] = 10


class Column(Model):
    title: str
    key: str | None = None
    align: Literal["left", "center", "right"] | None = None
    format: Format = None


class TableElement(Infographic):
    """A comparison table: header row, zebra rows, check and cross marks."""

    type: Literal["table"]
    columns: list[Union[str, Column]] | None = None
    rows: list[Union[list[Cell], dict[str, Cell]]] | None = None
    data: DataSource = None
    marks: bool = True
    zebra: bool = True
    zebra_fill: Color | None = None
    header_fill: Color | None = None
    header_text: Color | None = None
    radius: Annotated[float, Field(ge=0)] = 0


class QrElement(Infographic):
    """A QR code for a URL or text, in brand colours."""

    type: Literal["qr"]
    data: str | None = None
    url: str | None = None
    text: str | None = None
    error: Literal["l", "m", "q", "h"] = "m"
    color: Color | None = None
    background: Color | None = None
    border: Annotated[int, Field(ge=0, le=20)] = 4
    snap: bool = True


INFOGRAPHIC_ELEMENTS = (
    StatElement, BarChartElement, LineChartElement, DonutElement, ProgressElement, IconElement,
    IconListElement, TimelineElement, ProcessElement, GraphElement, TableElement, QrElement,
)
from composer.spec.kinds import KIND_OF  # noqa: E402,F401 - where it lived; the stages import it from kinds
