"""The infographic samples build, and every chart's and diagram's labels stay apart and inside their element."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pytest
from PIL import Image

import composer
import composer.pipeline as pipeline
from composer.lint import lint_spec
from composer.spec.charts import KIND_OF

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ["stats-3up", "infographic-tall", "process", "timeline", "architecture", "dashboard-a4"]
SLACK = 0.5  # px: label boxes are floats; the renderer pads by 2 px when it sets them
MIN_PRINT_PT = 6.0


def _build(name: str, out: Path, monkeypatch):
    """Build samples/NAME.yaml to PNG and return the result and the composition it drew."""
    seen = {}
    real = pipeline.compose

    def spy(loaded, opts):
        seen["comp"] = real(loaded, opts)
        return seen["comp"]

    monkeypatch.setattr(pipeline, "compose", spy)
    result = composer.build(ROOT / "samples" / f"{name}.yaml", out, formats=["png"])
    return result, seen["comp"]


def _overlap(a, b) -> tuple[float, float]:
    return min(a.right, b.right) - max(a.x, b.x), min(a.bottom, b.bottom) - max(a.y, b.y)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Each sample built once for the whole module: {name: (result, composition)}."""
    mp = pytest.MonkeyPatch()
    out = tmp_path_factory.mktemp("samples")
    try:
        return {name: _build(name, out, mp) for name in SAMPLES}
    finally:
        mp.undo()


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_builds_a_png_of_its_canvas(built, name):
    result, comp = built[name]
    png = [p for p in result.files if p.suffix == ".png"]
    assert len(png) == 1
    with Image.open(png[0]) as im:
        assert im.size == (comp.layout.canvas.width, comp.layout.canvas.height)


@pytest.mark.parametrize("name", SAMPLES)
def test_labels_do_not_overlap_and_stay_inside_their_element(built, name):
    _, comp = built[name]
    placed = [p for p in comp.layout.walk() if p.kind in KIND_OF]
    assert placed, f"{name} has no infographic element"
    recorded = {k: d.labels for k, d in comp.charts.items()}
    for p in placed:
        labels = recorded[p.id]
        if p.kind not in ("qr", "icon"):
            assert labels, f"{name}: {p.id} ({p.kind}) drew no labels"
        for lab in labels:
            b = lab.box
            assert (b.x >= p.box.x - SLACK and b.y >= p.box.y - SLACK and b.right <= p.box.right + SLACK
                    and b.bottom <= p.box.bottom + SLACK), f"{name}: {p.id} label {lab.text!r} {b} leaves {p.box}"
        for a, b in combinations(labels, 2):
            w, h = _overlap(a.box, b.box)
            assert w <= SLACK or h <= SLACK, f"{name}: {p.id} labels {a.text!r} and {b.text!r} overlap by {w:.1f}×{h:.1f} px"


def test_print_labels_are_at_least_6_pt(built):
    """Chart text shrinks to fit, but never below the print minimum lint enforces for text elements."""
    printed = [comp for _, comp in built.values() if comp.layout.canvas.physical]
    assert printed
    for comp in printed:
        dpi = comp.layout.canvas.dpi
        for eid, labels in {k: d.labels for k, d in comp.charts.items()}.items():
            for lab in labels:
                assert lab.size * 72 / dpi >= MIN_PRINT_PT, f"{eid}: {lab.text!r} is {lab.size * 72 / dpi:.1f} pt"


def test_chart_data_comes_from_the_csv_and_json_files(built):
    """The tall sample's stacked bars read data/festival-tickets.csv; the dashboard donut reads data/fare-mix.json."""
    _, tall = built["infographic-tall"]
    texts = {lab.text for lab in tall.charts["chart"].labels}
    assert {"Online", "Box office", "6.1K", "1.3K", "Jun"} <= texts
    _, dash = built["dashboard-a4"]
    slices = {lab.text for lab in dash.charts["chart2"].labels if lab.role == "slice"}
    assert slices == {"Monthly pass 46%", "Pay as you go 31%", "Day ticket 14%", "Concession 9%"}
    _, timeline = built["timeline"]
    dates = [lab.text for lab in timeline.charts["timeline"].labels if lab.role == "date"]
    assert dates == ["1998", "2006", "2012", "2017", "2021", "2025"]


def test_dashboard_has_six_charts_and_forty_labels(built):
    _, comp = built["dashboard-a4"]
    kinds = [p.kind for p in comp.layout.walk() if p.kind in KIND_OF]
    charts = [k for k in kinds if k.endswith("_chart")]
    assert len(charts) == 6 and {"table", "qr", "progress"} <= set(kinds)
    assert sum(len(v) for v in [d.labels for d in comp.charts.values()]) >= 40


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_lints_without_errors(name):
    errors = [p for p in lint_spec(ROOT / "samples" / f"{name}.yaml") if p.severity == "error"]
    assert errors == []
