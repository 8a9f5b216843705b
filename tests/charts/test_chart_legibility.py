"""Chart text, series and lint on dark backgrounds: measured on the pixels the build drew.

Issue 9 §2: on the default dark background (and on a dark brand) chart labels were dark ink on navy
and the brand's navy primary was a navy bar: OCR read nothing and lint said ok. These tests build
charts there and measure the rendered PNG, read it back with tesseract, and check lint, the
warnings and the series colours.
"""

from __future__ import annotations

import numpy as np
import pytest

import composer
from composer.charts.ground import GRAPHIC_TARGET, MIN_SERIES_DELTA_E, Ground, contrast, delta_e, fit_series
from composer.charts.palette import palette_from_brand
from composer.core.errors import LegibilityError
from composer.legibility import measure as L
from composer.legibility.apply import ink_mask

DARK_BRAND = {"colors": {"primary": "#1B2A6B", "accent": "#FFB000", "ink": "#111111", "paper": "#FFFFFF",
                         "dark": "#0A1430"}}
CATEGORIES = ["Spring", "Summer", "Autumn", "Winter"]


def _spec(legibility: str = "auto", brand: dict | None = None, background: dict | None = None) -> dict:
    """A bar chart, a donut and a table on the default procedural background (aurora: dark navy)."""
    spec = {
        "version": 1, "canvas": {"width": 900, "height": 700}, "outputs": ["png"], "legibility": legibility,
        "elements": [
            {"type": "bar_chart", "id": "sales", "box": {"x": 40, "y": 40, "width": 820, "height": 300},
             "text_size": 22, "categories": CATEGORIES,
             "series": [{"name": "Revenue", "values": [12, 30, 18, 45]}, {"name": "Costs", "values": [8, 12, 10, 20]}]},
            {"type": "donut_chart", "id": "mix", "box": {"x": 40, "y": 380, "width": 400, "height": 280},
             "text_size": 20, "slices": [{"name": "Search", "value": 40}, {"name": "Social", "value": 25},
                                         {"name": "Referral", "value": 28}]},
            {"type": "table", "id": "lines", "box": {"x": 470, "y": 400, "width": 390, "height": 200}, "text_size": 20,
             "columns": ["Line", {"title": "Riders", "key": "riders", "align": "right"}],
             "rows": [{"Line": "Tram", "riders": 412}, {"Line": "Bus", "riders": 289}]},
        ],
    }
    if brand:
        spec["brand"] = brand
    if background:
        spec["background"] = background
    return spec


def _rendered_contrast(result, chart_id: str) -> list[tuple[str, float, float]]:
    """(text, contrast, target) of each label of a chart, measured on the built PNG.

    The glyph colour is read from the PNG (the median of the pixels the glyphs fully cover) and its
    contrast taken against the PNG's own pixels around the glyphs (the ring within 3 px of the ink,
    its 5th percentile, as for text elements): a halo, when one was drawn, is part of them.
    """
    from composer.charts.stage import label_family, set_chart_label

    comp = result.composition
    png = np.asarray(result.image)
    h, w = png.shape[:2]
    out = []
    for label in comp.legibility.charts[chart_id].labels:
        runs = [r.d for r in set_chart_label(comp.renderer.scene.font_dirs, label_family(comp.layout), label, chart_id).runs]
        ink = ink_mask(runs, w, h, label.box)
        core = ink > 0.99
        if core.sum() < 4:
            continue
        drawn = np.median(png[core], axis=0)
        target = 3.0 if L.is_large_text(label.size, label.weight) else 4.5
        out.append((label.text, L.measure(png, ink, drawn, label.box).contrast_p5, target))
    return out


@pytest.fixture(scope="module")
def dark_default():
    return composer.build(_spec())


@pytest.fixture(scope="module")
def dark_default_off():
    return composer.build(_spec("off"))


def test_chart_labels_reach_their_target_on_the_default_dark_background(dark_default, dark_default_off):
    # Without the fix (legibility: off keeps the colours the chart asked for) the labels are dark on navy.
    off = {cid: _rendered_contrast(dark_default_off, cid) for cid in ("sales", "mix", "lines")}
    assert sum(c < t for cid in ("sales", "mix") for _, c, t in off[cid]) >= 8, off
    for cid in ("sales", "mix", "lines"):
        measured = _rendered_contrast(dark_default, cid)
        assert measured, cid
        checks = {c.text: c for c in dark_default.composition.legibility.chart_labels.checks[cid]}
        for text, ratio, target in measured:
            first = text.splitlines()[0]
            if checks[first].action == "unmet":  # reported as contrast-unmet, and by lint
                continue
            # 0.1 below the target at most: the PNG's antialiased core pixels vs the colour set
            assert ratio >= target - 0.1, (cid, text, ratio, target)


def test_every_label_is_checked_and_reported(dark_default):
    leg = dark_default.composition.legibility
    for cid in ("sales", "mix", "lines"):
        assert len(leg.chart_labels.checks[cid]) == len(leg.charts[cid].labels)
    entry = next(e for e in dark_default.report["elements"] if e["id"] == "sales")
    assert entry["legibility"]["labels"] == len(leg.charts["sales"].labels)
    assert entry["legibility"]["policy"] == "auto"
    assert entry["legibility"]["ground"].startswith("#")


def _ocr_labels(result) -> tuple[int, int, list[str]]:
    """Read each word label (axis categories, legend, slice labels, table cells) back from the PNG on its own.

    Each label's box (padded 6 px) is cut out of the built PNG, enlarged 3x with Lanczos (tesseract is
    trained on ~30 px text) and read as one line; returns (read exactly, labels tried, misses). Only
    punctuation at the ends is forgiven (leader lines and swatches beside a label).
    """
    import pytesseract
    from PIL import Image

    img = result.image
    tried = read = 0
    misses = []
    for cid in ("sales", "mix", "lines"):
        for label in result.composition.legibility.charts[cid].labels:
            if not any(ch.isalpha() for ch in label.text):
                continue
            b = label.box
            crop = img.crop((int(b.x) - 6, int(b.y) - 6, int(b.right) + 6, int(b.bottom) + 6))
            crop = crop.resize((crop.width * 3, crop.height * 3), Image.LANCZOS)
            # leader lines and swatches beside a label read as stray punctuation at its ends
            got = pytesseract.image_to_string(crop, config="--psm 7").strip().strip(".,:;'\"‘’“”|_-—=")
            tried += 1
            if got == label.text:
                read += 1
            else:
                misses.append(f"{label.text!r} read as {got!r}")
    return read, tried, misses


@pytest.mark.system("tesseract-ocr")
def test_ocr_reads_chart_labels_on_the_dark_default(dark_default, dark_default_off):
    pytesseract = pytest.importorskip("pytesseract")
    # Each label on its own: every word label but 'Winter' (on a bright streak, reported as
    # contrast-unmet) reads back exactly.
    read, tried, misses = _ocr_labels(dark_default)
    assert tried >= 12
    assert read >= tried - 1, misses
    # The whole page, as a reader meets it (sparse text): before, dark ink on navy reads as almost
    # nothing (a crop read alone is binarised and can still be read, so this compares whole pages).
    wanted = [*CATEGORIES, "Revenue", "Costs", "Search", "Social", "Referral", "Tram", "Bus"]

    def page(result) -> list[str]:
        text = pytesseract.image_to_string(result.image, config="--psm 11")
        return [w for w in wanted if w in text]

    after, before = page(dark_default), page(dark_default_off)
    assert len(after) >= 8, after
    assert len(before) <= 2, before


def test_a_named_ink_changed_on_a_dark_ground_is_warned_about():
    r = composer.build(_spec(brand=DARK_BRAND))
    adjusted = [w for w in r.warnings if w.code == "chart-colour-adjusted" and w.path == "elements[0]"]
    assert adjusted, [str(w) for w in r.warnings]
    assert "ink #111111 -> " in adjusted[0].message
    series = [w for w in r.warnings if w.code == "series-colour-adjusted" and w.path == "elements[0]"]
    assert series and "#1B2A6B drawn as" in series[0].message


def test_series_colours_reach_3_to_1_on_the_ground_and_stay_apart():
    r = composer.build(_spec(brand=DARK_BRAND))
    leg = r.composition.legibility
    ground = leg.chart_labels.grounds["sales"]
    bars = {p.fill for p in leg.charts["sales"].primitives if p.role == "bar"}
    assert len(bars) == 2
    for fill in bars:
        assert contrast(fill, ground) >= GRAPHIC_TARGET, (fill, ground)
    a, b = sorted(bars)
    assert delta_e(a, b) >= MIN_SERIES_DELTA_E
    slices = [p.fill for p in leg.charts["mix"].primitives if p.role == "slice"]
    assert len(set(slices)) == 3
    mix_ground = leg.chart_labels.grounds["mix"]
    assert all(contrast(f, mix_ground) >= GRAPHIC_TARGET for f in slices)
    assert min(delta_e(x, y) for i, x in enumerate(slices) for y in slices[i + 1:]) >= MIN_SERIES_DELTA_E
    # the brand's own hue comes first: the first series is the primary, lightened (its hue kept)
    import colorsys

    def hue(hx: str) -> float:
        return colorsys.rgb_to_hls(*(int(hx[i:i + 2], 16) / 255 for i in (1, 3, 5)))[0]

    first = next(p.fill for p in leg.charts["sales"].primitives if p.role == "bar" and p.key[:1] == (0,))
    assert abs(hue(first) - hue("#1B2A6B")) < 0.02, first


def test_fit_series_puts_brand_hues_first_and_drops_colliding_defaults():
    ground = Ground("#0A1430")
    palette, changes = fit_series(["#1B2A6B", "#FFB000", "#0B5FFF", "#E11D48"], ground,
                                  named=frozenset({"#1B2A6B", "#FFB000"}), needed=2)
    assert palette[1] == "#FFB000"  # already 3:1 on navy: kept exactly
    assert all(contrast(c, ground.hex) >= GRAPHIC_TARGET for c in palette)
    assert all(delta_e(x, y) >= MIN_SERIES_DELTA_E for i, x in enumerate(palette) for y in palette[i + 1:])
    assert [c.role for c in changes] == ["series 1"] and changes[0].named
    kept, _ = fit_series(["#1B2A6B", "#FFB000"], ground, named=frozenset({"#1B2A6B"}), keep_named=True)
    assert kept[0] == "#1B2A6B"  # legibility: strict keeps a colour the spec named


def test_the_dark_colour_is_not_a_series_colour():
    palette = palette_from_brand({"primary": "#0B5FFF", "dark": "#0A1430", "light": "#F4F4F4", "teal": "#0D9488"})
    assert "#0A1430" not in palette and "#F4F4F4" not in palette
    assert palette[:2] == ["#0B5FFF", "#0D9488"]


def test_lint_reports_unreadable_chart_text_as_an_error(tmp_path, capsys):
    import yaml

    from composer.lint import run_lint

    spec = _spec("off")
    spec["elements"] = spec["elements"][:1]
    path = tmp_path / "chart.yaml"
    path.write_text(yaml.safe_dump(spec))
    code = run_lint([str(path)], "text", ())
    out = capsys.readouterr().out
    assert code == 1
    line = next(ln for ln in out.splitlines() if "[low-contrast]" in ln)
    assert line.startswith(f"{path}: error sales [low-contrast]: chart label 'Revenue' (legend) has a contrast of ")
    assert "around its glyphs, below its 4.5:1 target (" in line and "more labels below target)" in line


def test_lint_is_quiet_once_auto_fixed_the_labels(tmp_path, capsys):
    import yaml

    from composer.lint import run_lint

    spec = _spec("auto", background={"style": "flat"}, brand={"colors": {"primary": "#0B5FFF", "paper": "#0A1430",
                                                                             "ink": "#111111"}})
    spec["elements"] = spec["elements"][:1]
    path = tmp_path / "chart.yaml"
    path.write_text(yaml.safe_dump(spec))
    code = run_lint([str(path)], "text", ())
    out = capsys.readouterr().out
    assert "[low-contrast]" not in out and code == 0, out


def test_strict_stops_the_build_on_an_unreadable_chart_label():
    spec = _spec("strict", brand=DARK_BRAND)
    spec["elements"][0]["ink"] = "#111111"  # named by the element: strict keeps it
    with pytest.raises(LegibilityError) as e:
        composer.build(spec)
    assert e.value.path == "elements[0]"
    assert str(e.value).startswith("<spec>:1:1: elements[0]: chart label 'Revenue' (legend) has a contrast of 1.0")
    assert "around its glyphs (the ratio 95% of those pixels meet), below its target of 4.5:1, and " in str(e.value)


def test_the_raster_equals_a_full_render_when_labels_are_drawn_with_the_text(dark_default):
    """The final PNG draws chart labels over the legibility pass's pixels: it must equal drawing everything."""
    from composer.render.raster import rasterize

    comp = dark_default.composition
    art = composer.pipeline.artwork(comp)
    c = comp.layout.canvas
    doc = art._document(art.body())
    full = rasterize(doc, c.width, c.height, comp.rasters.background, dpi=c.dpi, raw=True)
    diff = np.abs(full.rgb.astype(int) - np.asarray(dark_default.image).astype(int))
    assert diff.max() <= 2 and (diff > 0).mean() < 0.001


def test_a_label_no_colour_can_save_gets_a_halo_and_a_warning(dark_default):
    """'Winter' sits on the aurora's bright streak: white gives about 3:1 there, black less; a halo it is."""
    checks = {c.text: c for c in dark_default.composition.legibility.chart_labels.checks["sales"]}
    assert checks["Winter"].action == "halo" and checks["Winter"].after >= 4.5
    label = next(lab for lab in dark_default.composition.legibility.charts["sales"].labels if lab.text == "Winter")
    assert label.halo is not None and label.halo[0] in ("#000000", "#FFFFFF")
    halo = [w for w in dark_default.warnings if w.code == "halo-added"]
    assert len(halo) == 1 and halo[0].path == "elements[0]" and "('Winter')" in halo[0].message


EVERY_KIND = """\
# Every chart kind on the default background (procedural aurora, no brand).
version: 1
canvas: {width: 1200, height: 1500}
elements:
  - {type: text, id: title, text: "Every chart kind", box: {x: 40, y: 20, width: 1120, height: 60}, font: {size: 44, weight: 800}, color: auto}
  - {type: stat, id: stat, box: {x: 40, y: 100, width: 360, height: 200}, value: 48230000, format: compact, label: "passenger journeys", delta: 12.4, delta_format: percent, delta_label: "vs 2024"}
  - type: bar_chart
    id: bar
    box: {x: 420, y: 100, width: 740, height: 300}
    categories: [Spring, Summer, Autumn, Winter]
    series:
      - {name: Revenue, values: [12, 30, 18, 45]}
      - {name: Costs, values: [8, 12, 10, 20]}
  - type: line_chart
    id: line
    box: {x: 40, y: 420, width: 560, height: 300}
    categories: [Jan, Feb, Mar, Apr, May, Jun]
    series:
      - {name: Visitors, values: [120, 132, 101, 134, 190, 230]}
      - {name: Signups, values: [20, 32, 40, 34, 50, 60]}
  - type: area_chart
    id: area
    box: {x: 620, y: 420, width: 540, height: 300}
    categories: [Jan, Feb, Mar, Apr, May, Jun]
    series: [{name: Energy, values: [5, 7, 6, 9, 11, 14]}]
  - type: donut_chart
    id: donut
    box: {x: 40, y: 740, width: 560, height: 280}
    slices: [{name: Search, value: 40}, {name: Social, value: 25}, {name: Referral, value: 28}]
    center: "93K"
    center_label: visits
  - type: pie_chart
    id: pie
    box: {x: 620, y: 740, width: 540, height: 280}
    slices: [{name: Delays, value: 41}, {name: Crowding, value: 26}, {name: Cleaning, value: 13}]
  - {type: progress, id: progress, box: {x: 40, y: 1040, width: 360, height: 80}, value: 72, label: "Migration done"}
  - type: table
    id: table
    box: {x: 420, y: 1040, width: 740, height: 200}
    columns: [Line, {title: Journeys, key: journeys, align: right, format: compact}, {title: Wi-Fi, key: wifi}]
    rows:
      - {Line: Tram 1, journeys: 41200, wifi: true}
      - {Line: Bus 12, journeys: 28900, wifi: false}
      - {Line: Night N2, journeys: 6300, wifi: true}
  - type: timeline
    id: timeline
    box: {x: 40, y: 1260, width: 560, height: 220}
    events:
      - {date: "2019", title: Founded, text: Two people}
      - {date: "2021", title: Series A, text: "Europe"}
      - {date: "2024", title: Profit, text: "First year"}
  - type: process
    id: process
    box: {x: 620, y: 1260, width: 540, height: 100}
    steps: [Discover, Define, Deliver]
  - type: icon_list
    id: icons
    box: {x: 40, y: 1140, width: 360, height: 110}
    items:
      - {icon: rocket, title: Fast, text: Builds quickly}
      - {icon: shield-check, title: Safe, text: No network}
  - type: graph
    id: graph
    box: {x: 620, y: 1370, width: 540, height: 120}
    direction: LR
    nodes: [web, api, db]
    edges: [web -> api, {from: api, to: db, label: writes}]
outputs: [png]
"""


def test_every_kind_s_labels_reach_their_target_on_the_dark_default(tmp_path):
    """Each kind in KINDS that has labels: every label measured, and every one at its target after auto."""
    from composer.charts.kinds import KINDS
    from composer.spec.charts import KIND_OF

    path = tmp_path / "every-kind.yaml"
    path.write_text(EVERY_KIND)
    r = composer.build(str(path))
    comp = r.composition
    checks = comp.legibility.chart_labels.checks
    kinds = {KIND_OF[p.el.type]: p.id for p in comp.layout.walk() if p.kind in KIND_OF}
    assert set(KINDS) - set(kinds) == {"icon", "qr"}  # a lone icon and a QR code have no text
    for kind, eid in kinds.items():
        assert checks[eid], kind
        below = [(c.text, c.after, c.target) for c in checks[eid] if not c.met]
        assert not below, (kind, below)
    off = yaml_off(EVERY_KIND, tmp_path)
    assert sum(not c.met for cs in off.values() for c in cs) > 50  # the same page as main drew it


def yaml_off(text: str, tmp_path) -> dict:
    path = tmp_path / "every-kind-off.yaml"
    path.write_text(text.replace("version: 1\n", "version: 1\nlegibility: off\n", 1))
    return composer.build(str(path)).composition.legibility.chart_labels.checks


def test_a_chart_that_already_reads_is_left_alone():
    """On white paper, the default theme and the brand's blue and green reach their targets: nothing moves."""
    spec = _spec(background={"style": "flat"}, brand={"colors": {"primary": "#0B5FFF", "accent": "#0E7C3A",
                                                                 "ink": "#111111", "paper": "#FFFFFF"}})
    spec["elements"] = spec["elements"][:1]
    r = composer.build(spec)
    assert r.composition.legibility.chart_labels.grounds["sales"] == "#FFFFFF"
    assert [w.code for w in r.warnings] == []
    checks = r.composition.legibility.chart_labels.checks["sales"]
    assert all(c.action == "none" and c.color == c.asked for c in checks)
    bars = {p.fill for p in r.composition.legibility.charts["sales"].primitives if p.role == "bar"}
    assert bars == {"#0B5FFF", "#0E7C3A"}


def test_a_chart_that_says_legibility_off_is_decorative_for_lint(tmp_path, capsys):
    import yaml

    from composer.lint import run_lint

    spec = _spec("auto")
    spec["elements"] = spec["elements"][:1]
    spec["elements"][0]["legibility"] = "off"
    path = tmp_path / "chart.yaml"
    path.write_text(yaml.safe_dump(spec))
    code = run_lint([str(path)], "text", ())
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"{path}: warning sales [low-contrast-decorative]: chart label " in out
