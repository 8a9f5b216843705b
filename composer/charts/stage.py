"""The charts stage: each chart element's geometry and labels (a Drawing), computed once per build.

Render turns a Drawing into markup, lint reads its labels, and legibility sees the pixels it paints.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from composer.core.errors import PlacardError
from composer.core.jsonvalue import JSONValue
from composer.layout.resolve import Layout, Placed
from composer.spec.charts import KIND_OF
from composer.spec.yamlload import format_path

if TYPE_CHECKING:  # the chart code itself is imported on first use: posters without charts never load it
    from composer.charts import Drawing
    from composer.charts.primitives import Measure

COLOR_KEYS = {
    "color", "track", "background", "node_fill", "node_text", "edge_color", "header_fill", "header_text",
    "zebra_fill", "connector_color", "ink", "muted", "grid", "paper", "positive", "negative",
}
SKIP = {"type", "id", "slot", "opacity", "box"}


def _resolve_colors(layout: Layout, value: JSONValue, path: tuple, key: str | None = None) -> JSONValue:
    """Brand colour names and CSS colours in a config become "#RRGGBB" (errors at the spec location)."""
    if isinstance(value, dict):
        if key == "colors":
            return {k: layout.resolver.color(v, path + (k,)).hex for k, v in value.items()}
        return {k: _resolve_colors(layout, v, path + (k,), k) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_colors(layout, v, path + (i,)) for i, v in enumerate(value)]
    if key in COLOR_KEYS and isinstance(value, str):
        return layout.resolver.color(value, path).hex
    return value


def _measure(cache: dict[tuple[str, str, float, int], tuple[float, float]], font_dirs: tuple[Path, ...], family: str, text: str, size: float, weight: int) -> tuple[float, float]:
    """Width of the widest line and the height of all lines at line height 1.2 (the labels' contract)."""
    key = (family, text, round(size, 3), weight)
    if key not in cache:
        from composer.text import TextStyle, measure_text
        from composer.text.typeset import font_library

        lib = font_library(font_dirs)
        style = TextStyle(family=family, weight=weight, size=size, markup=False, wrap="none")
        lines = text.split("\n")
        width = max(measure_text(line, style, lib)[0] for line in lines) if text else 0.0
        cache[key] = (width, size * 1.2 * len(lines))
    return cache[key]


def label_family(layout: Layout) -> str:
    """The family chart labels are set in: the brand's body font."""
    return layout.brand.fonts.get("body", ("Inter", 400, "normal"))[0]


def draw_chart(layout: Layout, p: Placed, measure: Measure) -> Drawing:
    """The Drawing of one chart element placed at p.box; errors carry its location."""
    from composer.charts import draw
    from composer.charts.palette import palette_from_brand, theme_from_brand

    el = p.el
    brand_hex = {k: v.hex for k, v in layout.brand.colors.items()}
    raw = el.model_dump(by_alias=True, exclude_none=True, exclude=SKIP)
    config = _resolve_colors(layout, raw, p.path)
    assert isinstance(config, dict)  # a model dumps to a mapping
    from composer.charts.data import ALLOWED_DIRS
    from composer.charts.numbers import observing
    from composer.core.warnings import located

    token = ALLOWED_DIRS.set(layout.resolver.loaded.roots())
    try:
        with observing() as seen, located(layout.resolver.positions.locate(p.path), format_path(p.path)):
            drawing = draw(KIND_OF[el.type], p.box, config, palette_from_brand(brand_hex), measure,
                           theme_from_brand(brand_hex), base_dir=layout.resolver.loaded.base_dir)
    except PlacardError as e:
        if e.location is None:
            e.location = layout.resolver.positions.locate(p.path)
            e.path = format_path(p.path) + ("." + e.path if e.path else "")
        raise
    finally:
        ALLOWED_DIRS.reset(token)
    _warn_percent_of_fractions(layout, p, seen)
    return drawing


def _warn_percent_of_fractions(layout: Layout, p: Placed, seen: list[tuple[float, str]]) -> None:
    """`format: percent` takes points (42 -> 42%): values that are all fractions (0.82 -> "1%") were surely meant as 82%."""
    from composer.core.warnings import warn

    pct = list(dict.fromkeys(v for v, style in seen if style == "percent"))
    if pct and all(abs(v) < 1 for v in pct) and any(v for v in pct):
        shown = ", ".join(f"{v:g}" for v in pct[:3]) + (", ..." if len(pct) > 3 else "")
        warn("percent-of-fractions", f"format: percent takes percentage points (42 means 42%), but every value is "
             f"below 1 ({shown}); write 82 for 82%, or multiply the data by 100",
             location=layout.resolver.positions.locate(p.path + ("format",)), path=format_path(p.path + ("format",)))


def draw_charts(layout: Layout, font_dirs: tuple[Path, ...]) -> dict[str, Drawing]:
    """Every chart element's Drawing, by element id, in z-order."""
    measure = partial(_measure, {}, font_dirs, label_family(layout))
    return {p.id: draw_chart(layout, p, measure) for p in layout.walk() if p.kind in KIND_OF}
