"""Chart geometry: bars and points exactly proportional to data, baselines, negatives, empty series,
and no two labels overlapping in any kind on representative data."""

import math
import re

import pytest

from composer.charts import KINDS, draw
from composer.charts.pie import spread
from composer.charts.preview import pillow_measure
from composer.charts.primitives import Theme, overlapping_labels
from composer.core.geometry import Box

PALETTE = ["#0B5FFF", "#FFB000", "#E11D48", "#10B981", "#7C3AED", "#0EA5E9"]
BOX = Box(40, 30, 760, 460)
EVENTS = [{"date": str(2019 + i), "title": t, "text": "What happened in this year, told in a short sentence"}
          for i, t in enumerate(["Founded", "Seed round", "First 1,000 customers", "Series A", "Europe launch"])]
STEPS = [{"title": t, "text": "A short description of the step"} for t in ["Discover", "Define", "Design", "Build", "Launch"]]

SAMPLES = {
    "stat": {"value": 12345, "format": "compact", "label": "Monthly active users", "delta": -3.5,
             "delta_format": "percent", "delta_label": "vs last month"},
    "bar": {"categories": ["Q1", "Q2", "Q3", "Q4"], "series": [
        {"name": "Revenue", "values": [12, 30, -5, 45]}, {"name": "Cost", "values": [8, 12, 10, 20]}]},
    "line": {"categories": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
             "series": [{"name": "Visitors", "values": [120, 132, 101, 134, 190, 230, 210, 250, 260, 300, 280, 320]},
                        {"name": "Signups", "values": [20, 32, 41, 34, 50, 60, 80, 90, 95, 100, 120, 140]}],
             "annotate": {"series": "Visitors", "at": "Jun", "text": "Launch"}},
    "area": {"categories": list("ABCDEFG"), "series": [{"name": "x", "values": [3, 5, None, 4, 6, -2, 3]}]},
    "donut": {"slices": [{"name": n, "value": v} for n, v in [("Search", 40), ("Social", 25), ("Email", 3), (
        "Ads", 2), ("Direct", 1), ("Other", 1), ("Referral", 28)]], "center": "100K", "center_label": "visits"},
    "pie": {"slices": [{"name": "A", "value": 50}, {"name": "B", "value": 30}, {"name": "C", "value": 20}]},
    "progress": {"value": 72, "label": "Migration done"},
    "icon": {"name": "rocket"},
    "icon_list": {"columns": 2, "items": [{"icon": "rocket", "title": "Fast", "text": "Builds in 200 ms"},
                                          {"icon": "shield-check", "title": "Safe", "text": "No network calls"},
                                          {"icon": "leaf", "title": "Green", "text": "CPU only"}]},
    "timeline": {"events": EVENTS},
    "process": {"steps": STEPS},
    "graph": {"nodes": ["web", {"id": "api", "label": "API gateway service", "group": "backend"},
                        {"id": "db", "group": "backend"}, "cache", "queue", "worker"],
              "edges": ["web -> api", "api -> db", {"from": "api", "to": "cache", "label": "reads"},
                        "db -> web", "api -> queue", "queue -> worker", "worker -> db"]},
    "table": {"columns": ["Feature", "Free", "Pro", {"title": "Price", "format": "currency"}],
              "rows": [["Exports", True, True, 0], ["Brand kits", False, True, 12.5],
                       ["SSO and audit log for enterprise teams", "no", "yes", 1200]]},
    "qr": {"data": "https://example.com/launch"},
}
VARIANTS = [
    ("bar", {**SAMPLES["bar"], "orientation": "horizontal"}),
    ("bar", {**SAMPLES["bar"], "mode": "stacked"}),
    ("bar", {**SAMPLES["bar"], "mode": "stacked", "orientation": "horizontal", "format": "compact"}),
    ("bar", {"categories": [f"Category number {i}" for i in range(12)],
             "series": [{"name": "a", "values": list(range(12))}, {"name": "b", "values": list(range(12))}]}),
    ("progress", {"value": 130, "max": 100, "shape": "ring", "label": "of target"}),
    ("timeline", {"events": EVENTS, "orientation": "vertical"}),
    ("timeline", {"events": EVENTS * 2}),
    ("process", {"steps": STEPS, "layout": "column"}),
    ("process", {"steps": STEPS + STEPS[:2], "layout": "snake", "columns": 3}),
    ("graph", {**SAMPLES["graph"], "direction": "LR"}),
    ("donut", {"slices": [{"name": f"Slice {i}", "value": 1 + (i % 3)} for i in range(16)]}),
    ("stat", {"value": "24/7", "label": "Support", "align": "center"}),
    ("donut", {"slices": [{"name": f"Slice {i}", "value": 1 + (i % 3)} for i in range(80)]}),
    ("line", {"categories": [f"2026-{m:02d}-{d:02d}" for m in (1, 2) for d in range(1, 29)],
              "series": [{"name": "s", "values": [(i * 37) % 101 for i in range(56)]}]}),
    ("bar", {"orientation": "horizontal", "categories": [f"Team {i}" for i in range(40)],
             "series": [{"name": "s", "values": list(range(40))}]}),
]


def test_every_kind_has_a_sample():
    assert set(SAMPLES) == set(KINDS)


@pytest.mark.parametrize("kind, config", [*SAMPLES.items(), *VARIANTS])
def test_no_two_labels_overlap_and_all_stay_in_the_box(kind, config):
    drawing = draw(kind, BOX, config, PALETTE, pillow_measure)
    assert overlapping_labels(drawing.labels) == []
    for label in drawing.labels:
        b = label.box
        assert b.x >= BOX.x - 1 and b.right <= BOX.right + 1, (kind, label)
        assert b.y >= BOX.y - 1 and b.bottom <= BOX.bottom + 1, (kind, label)
    if kind not in ("icon", "qr"):
        assert drawing.labels, kind


def _bars(drawing):
    return {p.key: p for p in drawing.by_role("bar")}


@pytest.mark.parametrize("orientation", ["vertical", "horizontal"])
def test_bar_lengths_are_proportional_to_values(orientation):
    values = [12, 30, -5, 45, 0.5]
    d = draw("bar", BOX, {"categories": list("ABCDE"), "orientation": orientation,
                          "series": [{"name": "v", "values": values}]}, PALETTE, pillow_measure)
    bars = _bars(d)
    length = (lambda r: r.w) if orientation == "horizontal" else (lambda r: r.h)
    per_unit = length(bars[(0, 3)]) / 45
    for j, v in enumerate(values):
        assert length(bars[(0, j)]) == pytest.approx(abs(v) * per_unit, abs=0.5)
    (base,) = d.by_role("baseline")
    zero = base.y1 if orientation == "vertical" else base.x1
    if orientation == "vertical":
        assert bars[(0, 0)].y + bars[(0, 0)].h == pytest.approx(zero, abs=0.5)  # up from zero
        assert bars[(0, 2)].y == pytest.approx(zero, abs=0.5)  # negative hangs below zero
    else:
        assert bars[(0, 0)].x == pytest.approx(zero, abs=0.5)
        assert bars[(0, 2)].x + bars[(0, 2)].w == pytest.approx(zero, abs=0.5)


def test_stacked_bars_stack_positives_up_and_negatives_down():
    d = draw("bar", BOX, {"mode": "stacked", "categories": ["A"], "series": [
        {"name": "a", "values": [10]}, {"name": "b", "values": [-4]}, {"name": "c", "values": [6]}]},
        PALETTE, pillow_measure)
    bars = _bars(d)
    zero = d.by_role("baseline")[0].y1
    unit = bars[(0, 0)].h / 10
    assert bars[(0, 0)].y + bars[(0, 0)].h == pytest.approx(zero, abs=0.5)
    assert bars[(2, 0)].y + bars[(2, 0)].h == pytest.approx(bars[(0, 0)].y, abs=0.5)
    assert bars[(2, 0)].h == pytest.approx(6 * unit, abs=0.5)
    assert bars[(1, 0)].y == pytest.approx(zero, abs=0.5) and bars[(1, 0)].h == pytest.approx(4 * unit, abs=0.5)


def test_ticks_cover_the_data_and_include_zero():
    d = draw("bar", BOX, SAMPLES["bar"], PALETTE, pillow_measure)
    ticks = [float(l.text.replace(",", "").replace("\u2212", "-")) for l in d.labels if l.role == "tick"]
    assert min(ticks) <= -5 and max(ticks) >= 45 and 0.0 in ticks


def test_empty_series_and_all_zero_data_are_drawn_as_empty_charts():
    empty = draw("bar", BOX, {"categories": [], "series": []}, PALETTE, pillow_measure)
    assert empty.by_role("bar") == [] and empty.by_role("baseline")
    zeros = draw("bar", BOX, {"categories": ["a", "b"], "series": [{"name": "s", "values": [0, 0]}]},
                 PALETTE, pillow_measure)
    assert all(b.h == 0 for b in zeros.by_role("bar"))
    line = draw("line", BOX, {"categories": ["a", "b"], "series": [{"name": "s", "values": [None, None]}]},
                PALETTE, pillow_measure)
    assert line.by_role("line") == [] and line.by_role("marker") == []
    donut = draw("donut", BOX, {"slices": []}, PALETTE, pillow_measure)
    assert donut.by_role("empty") and donut.by_role("slice") == []


def _points(d, series=0):
    return {p.key[1]: (p.cx, p.cy) for p in d.by_role("marker") if p.key[0] == series}


def test_line_points_are_proportional_and_evenly_spaced():
    values = [10, 40, 25, -20, 55]
    d = draw("line", BOX, {"categories": list("ABCDE"), "series": [{"name": "v", "values": values}]},
             PALETTE, pillow_measure)
    pts = _points(d)
    per_unit = (pts[0][1] - pts[1][1]) / 30
    for j, v in enumerate(values):
        assert pts[0][1] - pts[j][1] == pytest.approx((v - 10) * per_unit, abs=0.5)
    steps = [pts[j + 1][0] - pts[j][0] for j in range(4)]
    assert max(steps) - min(steps) < 0.5


def test_line_gaps_split_the_path_and_area_fills_to_zero():
    d = draw("area", BOX, SAMPLES["area"], PALETTE, pillow_measure)
    assert len(d.by_role("line")) == 2 and len(d.by_role("area")) == 2
    zero = d.by_role("baseline")[0].y1
    ys = [float(v) for v in re.findall(r"-?[\d.]+", d.by_role("area")[0].d)[1::2]]
    assert max(ys) == pytest.approx(zero, abs=0.01)


def test_donut_slice_angles_are_proportional():
    d = draw("donut", BOX, {"slices": [{"name": "a", "value": 1}, {"name": "b", "value": 3}], "labels": "none"},
             PALETTE, pillow_measure)
    a, b = d.by_role("slice")
    cx, cy = BOX.x + BOX.width / 2, BOX.y + BOX.height / 2
    # slice a runs clockwise from 12 o'clock to 3 o'clock (a quarter of the ring)
    m = re.match(r"M([\d.]+) ([\d.]+) A[\d. ]+ 0 0 1 ([\d.]+) ([\d.]+)", a.d)
    x0, y0, x1, y1 = map(float, m.groups())
    assert x0 == pytest.approx(cx, abs=0.01) and y0 < cy
    assert y1 == pytest.approx(cy, abs=0.01) and x1 > cx
    assert math.hypot(x0 - cx, y0 - cy) == pytest.approx(math.hypot(x1 - cx, y1 - cy), abs=0.01)
    assert " 1 1 " in b.d  # the larger slice takes the large-arc flag


def test_spread_pushes_labels_apart_within_bounds():
    tops = spread([100, 101, 102, 300], [20, 20, 20, 20], 0, 320, 4)
    assert all(b - a >= 24 - 1e-9 for a, b in zip(tops, tops[1:]))
    assert tops[-1] + 20 <= 320 and tops[0] >= 0


def test_progress_fill_is_exact_and_clamped():
    d = draw("progress", Box(0, 0, 400, 60), {"value": 30, "max": 120}, PALETTE, pillow_measure)
    (track,), (fill,) = d.by_role("track"), d.by_role("fill")
    assert fill.w == pytest.approx(track.w * 0.25, abs=0.01)
    assert [l.text for l in d.labels if l.role == "value"] == ["25%"]
    over = draw("progress", Box(0, 0, 400, 60), {"value": 150}, PALETTE, pillow_measure)
    assert over.by_role("fill")[0].w == pytest.approx(400)
    assert [l.text for l in over.labels if l.role == "value"] == ["150%"]


def test_stat_delta_marker_direction_and_colour():
    theme = Theme()
    down = draw("stat", BOX, {"value": 10, "delta": -2, "label": "x"}, PALETTE, pillow_measure)
    (marker,) = down.by_role("delta_marker")
    assert marker.key == ("down",) and marker.fill == theme.negative
    good_down = draw("stat", BOX, {"value": 10, "delta": -2, "delta_good": "down"}, PALETTE, pillow_measure)
    assert good_down.by_role("delta_marker")[0].fill == theme.positive
    assert [l.text for l in down.labels if l.role == "delta"] == ["\u22122"]


def test_series_colours_come_from_the_palette_unless_named():
    d = draw("bar", BOX, {"categories": ["a"], "series": [{"name": "x", "values": [1]},
                                                         {"name": "y", "values": [2], "color": "#123456"}]},
             PALETTE, pillow_measure)
    bars = _bars(d)
    assert bars[(0, 0)].fill == PALETTE[0] and bars[(1, 0)].fill == "#123456"
    assert [s.fill for s in d.by_role("swatch")] == [PALETTE[0], "#123456"]


def test_text_on_colour_picks_the_more_readable_of_ink_and_paper():
    theme = Theme()
    light = draw("process", BOX, {"steps": ["One", "Two"]}, ["#FFD84D"], pillow_measure)
    dark = draw("process", BOX, {"steps": ["One", "Two"]}, ["#0B3D91"], pillow_measure)
    assert {l.color for l in light.labels if l.role == "number"} == {theme.ink}
    assert {l.color for l in dark.labels if l.role == "number"} == {theme.paper}


def test_table_blank_cell_in_a_formatted_numeric_column():
    """A blank cell in a numeric column with a format is an empty cell, not a crash (mypy found float(None))."""
    d = draw("table", BOX, {"columns": ["Name", {"title": "Sales", "format": "plain"}],
                            "rows": [["a", 1200], ["b", ""], ["c", 7]]}, PALETTE, pillow_measure, Theme())
    texts = [lab.text for lab in d.labels]
    assert "1200" in texts or "1,200" in texts
    assert "7" in texts
