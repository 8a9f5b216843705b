"""The infographic element types, without their models: what the render and chart stages and Spec's union need.

composer/spec/charts.py defines the twelve models; importing them costs a cold build ~20 ms of
pydantic class creation, and most designs use none. Spec's union names them here, by class name
and `type` tags, and imports them on the first infographic element (composer/spec/model.py
`Deferred`); tests/spec/test_schema.py checks this table against the models.
"""

from __future__ import annotations

# model class in composer.spec.charts -> the `type` tags it takes, in the union's order
INFOGRAPHIC_TAGS: dict[str, tuple[str, ...]] = {
    "StatElement": ("stat",),
    "BarChartElement": ("bar_chart",),
    "LineChartElement": ("line_chart", "area_chart"),
    "DonutElement": ("donut_chart", "pie_chart"),
    "ProgressElement": ("progress",),
    "IconElement": ("icon",),
    "IconListElement": ("icon_list",),
    "TimelineElement": ("timeline",),
    "ProcessElement": ("process",),
    "GraphElement": ("graph",),
    "TableElement": ("table",),
    "QrElement": ("qr",),
}

# spec `type` -> composer.charts kind
KIND_OF = {
    "stat": "stat", "bar_chart": "bar", "line_chart": "line", "area_chart": "area", "donut_chart": "donut",
    "pie_chart": "pie", "progress": "progress", "icon": "icon", "icon_list": "icon_list", "timeline": "timeline",
    "process": "process", "graph": "graph", "table": "table", "qr": "qr",
}
