"""The charts stage: each chart element's geometry and labels (a Drawing), computed once per build.

Render turns a Drawing into markup, lint reads its labels, and legibility sees the pixels it paints.
"""

from __future__ import annotations

from contextlib import nullcontext
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from composer.core.errors import PlacardError
from composer.core.jsonvalue import JSONValue
from composer.layout.resolve import Layout, Placed
from composer.spec.kinds import KIND_OF
from composer.spec.yamlload import format_path

if TYPE_CHECKING:  # the chart code itself is imported on first use: posters without charts never load it
    from composer.charts import Drawing
    from composer.charts.ground import Change, Ground
    from composer.charts.primitives import Label, Theme
    from composer.charts.primitives import Measure
    from composer.text import TextBlock

COLOR_KEYS = {
    "color", "track", "background", "node_fill", "node_text", "edge_color", "header_fill", "header_text",
    "zebra_fill", "connector_color", "ink", "muted", "grid", "paper", "positive", "negative",
}
SKIP = {"type", "id", "slot", "opacity", "box", "legibility"}
THEME_KEYS = ("ink", "muted", "grid", "paper", "positive", "negative")
UNFITTED = {"qr"}  # a QR code's modules and quiet zone are functional: its colours stay as asked


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


def draw_chart(layout: Layout, p: Placed, measure: Measure,
               ground: Ground | None = None, policy: str = "auto") -> Drawing:
    """The Drawing of one chart element placed at p.box; errors carry its location.

    With a `ground` (the colour under the chart, measured by the legibility stage), the neutral and
    series colours are chosen against it (composer.charts.ground) under the element's `policy`.
    """
    from composer.charts import draw
    from composer.charts.palette import palette_from_brand, theme_from_brand

    el = p.el
    brand_hex = {k: v.hex for k, v in layout.brand.colors.items()}
    raw = el.model_dump(by_alias=True, exclude_none=True, exclude=SKIP)
    config = _resolve_colors(layout, raw, p.path)
    assert isinstance(config, dict)  # a model dumps to a mapping
    palette, theme = palette_from_brand(brand_hex), theme_from_brand(brand_hex)
    if ground is not None and policy != "off" and KIND_OF[el.type] not in UNFITTED:
        config, palette, theme = fit_to_ground(layout, p, config, ground, keep_named=policy == "strict")
    from composer.charts.data import ALLOWED_DIRS
    from composer.charts.numbers import observing
    from composer.core.warnings import collecting, located

    token = ALLOWED_DIRS.set(layout.resolver.loaded.roots())
    # Drawn again on its ground: the kind's own warnings (dropped labels, percent) were said the first time.
    again = collecting() if ground is not None else nullcontext()
    try:
        with again, observing() as seen, located(layout.resolver.positions.locate(p.path), format_path(p.path)):
            drawing = draw(KIND_OF[el.type], p.box, config, palette, measure, theme,
                           base_dir=layout.resolver.loaded.base_dir)
            _warn_percent_of_fractions(layout, p, seen)
    except PlacardError as e:
        if e.location is None:
            e.location = layout.resolver.positions.locate(p.path)
            e.path = format_path(p.path) + ("." + e.path if e.path else "")
        raise
    finally:
        ALLOWED_DIRS.reset(token)
    return drawing


def _series_count(config: dict) -> int:
    """How many palette colours the chart draws (series, slices or y columns; at least 1)."""
    y = config.get("y")
    return max(len(config.get("series") or ()), len(config.get("slices") or ()),
               len(y) if isinstance(y, list) else 1, 1)


def _own_series_colours(config: dict, ground: Ground, keep: bool, kind: str) -> tuple[dict, list[tuple[tuple, Change]]]:
    """Colours the element names for its series, slices or bar (`color:`, `colors:`) fitted to 3:1 on the ground."""
    from composer.charts.ground import GRAPHIC_TARGET, Change, contrast, fit_colour

    found: list[tuple[tuple, Change]] = []

    def fit(c: str, where: tuple, role: str) -> str:
        new = c if keep else fit_colour(c, ground, GRAPHIC_TARGET)
        if new.upper() != c.upper():
            found.append((where, Change(role, c, new, contrast(c, ground.hex), contrast(new, ground.hex), True)))
        return new

    out = dict(config)
    for key in ("series", "slices"):
        if isinstance(out.get(key), list):
            out[key] = [{**it, "color": fit(it["color"], (key, i, "color"), f"{key} {i + 1}")}
                        if isinstance(it, dict) and it.get("color") else it for i, it in enumerate(out[key])]
    if isinstance(out.get("colors"), dict):
        out["colors"] = {k: fit(v, ("colors", k), f"series {k!r}") for k, v in out["colors"].items()}
    if kind == "progress" and out.get("color"):
        out["color"] = fit(out["color"], ("color",), "bar")
    return out, found


def fit_to_ground(layout: Layout, p: Placed, config: dict, ground: Ground, *,
                  keep_named: bool = False) -> tuple[dict, list[str], Theme]:
    """The config, series palette and theme of one chart with their colours chosen against `ground`.

    Colours the spec or its brand named are kept under `keep_named` (policy strict), and every
    change to one of them is warned about (`chart-colour-adjusted`, `series-colour-adjusted`).
    """
    from composer.charts.ground import fit_series, fit_theme
    from composer.charts.palette import brand_series, palette_from_brand, theme_from_brand
    from composer.charts.primitives import Theme

    brand_hex = {k: v.hex for k, v in layout.brand.colors.items()}
    base = Theme.from_config(config, theme_from_brand(brand_hex))
    spec_brand = layout.resolver.loaded.spec.brand  # the colours the spec's brand names (not Placard's defaults)
    brand_named = set(spec_brand.colors) if spec_brand is not None and not isinstance(spec_brand, str) else set()
    # ink, muted and the delta colours are text; paper and grid are surfaces and guides, chosen silently
    named = frozenset(k for k in ("ink", "muted", "positive", "negative") if k in config or k in brand_named)
    theme, changes = fit_theme(base, ground, named)
    if keep_named:
        theme = theme.with_colours({c.role: c.before for c in changes if c.named})
        changes = [c for c in changes if not c.named]
    config = {**config, **{k: getattr(theme, k) for k in THEME_KEYS if k in config}}
    own = frozenset(c.upper() for c in brand_series({k: v for k, v in brand_hex.items() if k in brand_named}))
    palette, series_changes = fit_series(palette_from_brand(brand_hex), ground, named=own,
                                         needed=_series_count(config), keep_named=keep_named)
    config, own_changes = _own_series_colours(config, ground, keep_named, KIND_OF[p.el.type])
    own_before = {c.before.upper() for _, c in own_changes}  # said once, where the element names it
    _warn_ground(layout, p, ground, [c for c in changes if c.named],
                 [((), c) for c in series_changes if c.named and c.before.upper() not in own_before] + own_changes)
    return config, palette, theme


def _warn_ground(layout: Layout, p: Placed, ground: Ground, theme_changes: list[Change],
                 series_changes: list[tuple[tuple, Change]]) -> None:
    from composer.core.warnings import warn

    locate = layout.resolver.positions.locate
    if theme_changes:
        what = ", ".join(f"{c.role} {c.before} -> {c.after} ({c.ratio_before:.2f}:1 -> {c.ratio_after:.2f}:1)"
                         for c in theme_changes)
        warn("chart-colour-adjusted", f"the chart's {what} on the ground {ground.hex} under it, for legibility "
             f"(chart text needs 4.5:1)", location=locate(p.path), path=format_path(p.path))
    for where, c in series_changes:
        warn("series-colour-adjusted", f"{c.role} colour {c.before} drawn as {c.after} (same hue) to reach 3:1 on "
             f"the ground {ground.hex} under the chart ({c.ratio_before:.2f}:1 -> {c.ratio_after:.2f}:1)",
             location=locate(p.path + where), path=format_path(p.path + where))


def _warn_percent_of_fractions(layout: Layout, p: Placed, seen: list[tuple[float, str]]) -> None:
    """`format: percent` takes points (42 -> 42%): values that are all fractions (0.82 -> "1%") were surely meant as 82%."""
    from composer.core.warnings import warn

    pct = list(dict.fromkeys(v for v, style in seen if style == "percent"))
    if pct and all(abs(v) < 1 for v in pct) and any(v for v in pct):
        shown = ", ".join(f"{v:g}" for v in pct[:3]) + (", ..." if len(pct) > 3 else "")
        warn("percent-of-fractions", f"format: percent takes percentage points (42 means 42%), but every value is "
             f"below 1 ({shown}); write 82 for 82%, or multiply the data by 100",
             location=layout.resolver.positions.locate(p.path + ("format",)), path=format_path(p.path + ("format",)))


def chart_measure(layout: Layout, font_dirs: tuple[Path, ...]) -> Measure:
    """The labels' measure: the text engine's advance widths in the brand's body font, cached."""
    return partial(_measure, {}, font_dirs, label_family(layout))


def draw_charts(layout: Layout, font_dirs: tuple[Path, ...]) -> dict[str, Drawing]:
    """Every chart element's Drawing, by element id, in z-order."""
    measure = chart_measure(layout, font_dirs)
    return {p.id: draw_chart(layout, p, measure) for p in layout.walk() if p.kind in KIND_OF}


def set_chart_label(font_dirs: tuple[Path, ...], family: str, label: Label, element_id: str) -> TextBlock:
    """One label's glyphs, set at exactly its size in its box (render draws them, legibility measures them)."""
    from composer.core.geometry import Box
    from composer.text import TextStyle, set_text
    from composer.text.typeset import font_library

    lib = font_library(font_dirs)
    b = label.box
    pad = 2.0  # measurement and setting agree; the pad absorbs float rounding at the box edge
    box = Box(b.x - pad, b.y - pad / 2, b.width + 2 * pad, b.height + pad)
    style = TextStyle(family=family, weight=label.weight, size=label.size, color=label.color, align=label.align,
                      wrap="none", line_height=label.line_height, markup=False, valign="top")
    return set_text(label.text, box, style, lib, element_id=f"{element_id}.{label.role}")
