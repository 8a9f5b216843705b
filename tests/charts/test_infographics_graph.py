"""Graph diagrams: no overlapping nodes, edges on node borders, layers along edges, cycles drawn."""

import math
import re

import pytest

from composer.core.errors import TextFitError
from composer.charts import draw
from composer.charts.preview import pillow_measure
from composer.charts.primitives import Rect, boxes_overlap, overlapping_labels
from composer.core.geometry import Box

BOX = Box(20, 20, 900, 700)
DAG = {
    "nodes": ["Browser", "CDN", {"id": "api", "label": "API gateway"}, "Auth", "Orders", "Billing",
              {"id": "db", "label": "PostgreSQL"}, "Queue", "Worker", "Search index"],
    "edges": ["Browser -> CDN", "Browser -> api", "api -> Auth", "api -> Orders", "api -> Billing",
              "Orders -> db", "Billing -> db", "Orders -> Queue", "Queue -> Worker", "Worker -> Search index",
              "Worker -> db", "Auth -> db"],
}
CYCLE = {"nodes": ["a", "b", "c", "d"], "edges": ["a -> b", "b -> c", "c -> a", "c -> d", "d -> d"]}


def _nodes(d):
    return {p.key[0]: p for p in d.by_role("node") if isinstance(p, Rect)}


def _edge_points(path):
    nums = [float(v) for v in re.findall(r"-?[\d.]+", path.d)]
    return list(zip(nums[0::2], nums[1::2]))


def _on_border(rect, x, y, tol=0.6):
    inside_x = rect.x - tol <= x <= rect.x + rect.w + tol
    inside_y = rect.y - tol <= y <= rect.y + rect.h + tol
    on_vertical = min(abs(x - rect.x), abs(x - rect.x - rect.w)) <= tol
    on_horizontal = min(abs(y - rect.y), abs(y - rect.y - rect.h)) <= tol
    return inside_x and inside_y and (on_vertical or on_horizontal)


def _check_layout(d):
    nodes = _nodes(d)
    names = list(nodes)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            ra, rb = nodes[a], nodes[b]
            assert not boxes_overlap(Box(ra.x, ra.y, ra.w, ra.h), Box(rb.x, rb.y, rb.w, rb.h)), (a, b)
        r = nodes[a]
        assert BOX.x - 0.5 <= r.x and r.x + r.w <= BOX.right + 0.5 and BOX.y - 0.5 <= r.y and r.y + r.h <= BOX.bottom + 0.5
    edges = {p.key: p for p in d.by_role("edge")}
    arrows = {p.key: p for p in d.by_role("arrow")}
    for key, edge in edges.items():
        _, a, b = key
        start = _edge_points(edge)[0]
        tip = _edge_points(arrows[key])[0]
        assert _on_border(nodes[a], *start), (key, start)
        assert _on_border(nodes[b], *tip), (key, tip)
    assert overlapping_labels(d.labels) == []
    return nodes, edges


@pytest.mark.parametrize("direction", ["TB", "LR"])
def test_dag_layers_follow_edges_without_overlaps(direction):
    d = draw("graph", BOX, {**DAG, "direction": direction}, ["#0B5FFF"], pillow_measure)
    nodes, edges = _check_layout(d)
    assert len(edges) == len(DAG["edges"])
    for a, b in (e.split(" -> ") for e in DAG["edges"]):
        ra, rb = nodes[a], nodes[b]
        if direction == "TB":
            assert ra.y + ra.h / 2 < rb.y + rb.h / 2, (a, b)
        else:
            assert ra.x + ra.w / 2 < rb.x + rb.w / 2, (a, b)


def test_cycles_and_self_loops_are_drawn():
    d = draw("graph", BOX, CYCLE, ["#0B5FFF"], pillow_measure)
    _, edges = _check_layout(d)
    assert sorted((a, b) for _, a, b in edges) == [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "d")]


def test_graph_shrinks_text_to_fit_a_small_box():
    small = Box(0, 0, 300, 200)
    d = draw("graph", small, DAG, ["#0B5FFF"], pillow_measure)
    sizes = {l.size for l in d.labels if l.role == "node"}
    assert max(sizes) < 16
    for p in _nodes(d).values():
        assert p.x >= -0.5 and p.x + p.w <= 300.5 and p.y >= -0.5 and p.y + p.h <= 200.5
    with pytest.raises(TextFitError) as err:
        draw("graph", Box(0, 0, 120, 80), DAG, ["#0B5FFF"], pillow_measure)
    assert str(err.value).startswith("the graph needs ")
    assert str(err.value).endswith("px at the minimum text size 9 px but its box is 120 x 80 px")


def test_disconnected_components_and_groups():
    config = {"nodes": [{"id": "a", "group": "g"}, {"id": "b", "group": "g"}, "c", "d"],
              "edges": ["a -> b", "c -> d"], "groups": [{"id": "g", "label": "Core"}]}
    d = draw("graph", BOX, config, ["#0B5FFF"], pillow_measure)
    nodes, _ = _check_layout(d)
    (group,) = d.by_role("group")[:1]
    for n in ("a", "b"):
        r = nodes[n]
        assert group.x <= r.x and r.x + r.w <= group.x + group.w and group.y <= r.y and r.y + r.h <= group.y + group.h
    assert [l.text for l in d.labels if l.role == "group"] == ["Core"]


def test_edge_arrowheads_point_along_the_last_segment():
    d = draw("graph", BOX, {"nodes": ["a", "b"], "edges": ["a -> b"]}, ["#0B5FFF"], pillow_measure)
    (edge,), (arrow,) = d.by_role("edge"), d.by_role("arrow")
    end = _edge_points(edge)[-1]
    tip = _edge_points(arrow)[0]
    assert math.isclose(end[0], tip[0], abs_tol=0.5) and end[1] < tip[1]
