"""Graph diagrams: nodes and edges laid out in layers (Sugiyama, by grandalf), top-down or left-right.

grandalf ranks the nodes, breaks cycles by reversing feedback edges (so cycles are drawn, not
refused), orders each layer to cut crossings and routes long edges through dummy points. We size
each node from its measured label, clip every edge to its nodes' borders and add arrowheads.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

from grandalf.graphs import Edge as GEdge
from grandalf.graphs import Graph as GGraph
from grandalf.graphs import Vertex
from grandalf.layouts import SugiyamaLayout

from composer.core.errors import DataError, SpecError, TextFitError
from composer.core.geometry import Box
from composer.core.limits import MAX_GRAPH_CELLS, MAX_GRAPH_EDGES, MAX_GRAPH_NODES

from .axes import color_for
from .data import check_node
from .primitives import (
    Drawing,
    Label,
    Measure,
    Path as PathShape,
    Rect,
    Theme,
    drop_colliding,
    extent,
    fmt as f,
    make_label,
    readable_on,
    translate,
    wrap_text,
)

__all__ = ["GraphSpec", "draw_graph", "parse_graph"]

_ARROW = re.compile(r"^\s*(.+?)\s*(?:->|→)\s*(.+?)\s*$")


@dataclass
class GraphSpec:
    """Validated nodes (id -> label), edges (from, to, label) and groups (id -> label, members)."""

    nodes: dict[str, str]
    edges: list[tuple[str, str, str]]
    groups: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    colors: dict[str, str] = field(default_factory=dict)


def parse_graph(config: Mapping[str, Any]) -> GraphSpec:
    """Read `nodes:` (ids or {id, label, group, color}), `edges:` ("a -> b" or {from, to, label}), `groups:`."""
    nodes: dict[str, str] = {}
    colors: dict[str, str] = {}
    member_of: dict[str, list[str]] = {}
    for what, limit in (("nodes", MAX_GRAPH_NODES), ("edges", MAX_GRAPH_EDGES)):
        count = len(config.get(what) or [])
        if count > limit:
            raise DataError(f"{count:,} {what}, over the limit of {limit:,} {what} in one graph")
    for i, raw in enumerate(config.get("nodes") or []):
        if isinstance(raw, Mapping):
            if raw.get("id") is None:
                raise DataError(f"nodes[{i}]: a node needs an id")
            nid, label = str(raw["id"]), str(raw.get("label", raw["id"]))
            if raw.get("group") is not None:
                member_of.setdefault(str(raw["group"]), []).append(nid)
            if raw.get("color"):
                colors[nid] = str(raw["color"])
        else:
            nid = label = str(raw)
        if nid in nodes:
            raise DataError(f"nodes[{i}]: node {nid!r} is defined twice")
        nodes[nid] = label
    ids = dict.fromkeys(nodes)  # check_node's `in` is then a hash lookup
    edges = []
    for i, raw in enumerate(config.get("edges") or []):
        where = f"edges[{i}]"
        if isinstance(raw, str):
            m = _ARROW.match(raw)
            if not m:
                raise DataError(f"{where}: {raw!r} is not an edge; write \"a -> b\" or {{from: a, to: b}}")
            a, b, label = m.group(1), m.group(2), ""
        elif isinstance(raw, Mapping) and "from" in raw and "to" in raw:
            a, b, label = raw["from"], raw["to"], str(raw.get("label") or "")
        else:
            raise DataError(f"{where}: expected \"a -> b\" or {{from: a, to: b}}, got {raw!r}")
        edges.append((check_node(a, ids, f"{where}.from"), check_node(b, ids, f"{where}.to"), label))
    groups: dict[str, tuple[str, list[str]]] = {}
    for i, raw in enumerate(config.get("groups") or []):
        if not isinstance(raw, Mapping) or raw.get("id") is None:
            raise DataError(f"groups[{i}]: expected {{id, label, nodes}}, got {raw!r}")
        gid = str(raw["id"])
        members = [check_node(n, ids, f"groups[{i}].nodes") for n in raw.get("nodes") or []]
        groups[gid] = (str(raw.get("label", gid)), members + member_of.pop(gid, []))
    for gid, members in member_of.items():
        groups[gid] = (gid, members)
    return GraphSpec(nodes, edges, groups, colors)


class _View:
    def __init__(self, w: float, h: float):
        self.w, self.h, self.xy = w, h, (0.0, 0.0)


class _EdgeView:
    pts: list[tuple[float, float]] = []

    def setpath(self, pts):
        self.pts = list(pts)


def _layout(spec: GraphSpec, sizes: dict[str, tuple[float, float]], lr: bool, xspace: float, yspace: float):
    """Centres of nodes and routed edge points, in a frame with the top-left at (0, 0)."""
    verts = {n: Vertex(n) for n in spec.nodes}
    for n, v in verts.items():
        w, h = sizes[n]
        v.view = _View(h, w) if lr else _View(w, h)  # lay out LR as TB on swapped axes
    gedges = []
    for a, b, _ in spec.edges:
        if a != b:
            e = GEdge(verts[a], verts[b])
            e.view = _EdgeView()
            gedges.append(e)
    graph = GGraph(list(verts.values()), gedges)
    offset = 0.0
    for comp in graph.C:
        sug = SugiyamaLayout(comp)
        sug.xspace, sug.yspace = xspace, yspace
        sug.init_all()
        cells = sum(len(layer) for layer in sug.layers)
        if cells > MAX_GRAPH_CELLS:
            raise DataError(
                f"the graph needs {cells:,} layout cells (nodes plus bends of long edges), over the limit "
                f"of {MAX_GRAPH_CELLS:,}; use fewer edges between distant layers"
            )
        sug.draw()
        xs = [v.view.xy[0] - v.view.w / 2 for v in comp.sV]
        shift = offset - min(xs)
        for v in comp.sV:
            v.view.xy = (v.view.xy[0] + shift, v.view.xy[1])
        for e in comp.sE:
            e.view.pts = [(x + shift, y) for x, y in e.view.pts]
        offset = max(v.view.xy[0] + v.view.w / 2 for v in comp.sV) + xspace * 2
    centres = {n: v.view.xy for n, v in verts.items()}
    routes = {(e.v[0].data, e.v[1].data): e.view.pts for e in gedges}
    if lr:
        centres = {n: (y, x) for n, (x, y) in centres.items()}
        routes = {k: [(y, x) for x, y in pts] for k, pts in routes.items()}
    top = min((y - sizes[n][1] / 2 for n, (x, y) in centres.items()), default=0.0)
    centres = {n: (x, y - top) for n, (x, y) in centres.items()}
    routes = {k: [(x, y - top) for x, y in pts] for k, pts in routes.items()}
    return centres, routes


def border_point(cx: float, cy: float, w: float, h: float, tx: float, ty: float) -> tuple[float, float]:
    """Where the ray from a box's centre towards (tx, ty) leaves the box."""
    dx, dy = tx - cx, ty - cy
    if abs(dx) < 1e-9 and abs(dy) < 1e-9:
        return cx, cy - h / 2
    t = min(w / 2 / abs(dx) if dx else math.inf, h / 2 / abs(dy) if dy else math.inf)
    return cx + dx * t, cy + dy * t


def draw_graph(box: Box, config: Mapping[str, Any], palette: Sequence[str], measure: Measure,
               theme: Theme | None = None, base_dir: Path | None = None) -> Drawing:
    """A layered node-link diagram fitted and centred in `box`."""
    theme = Theme.from_config(config, theme)
    spec = parse_graph(config)
    direction = str(config.get("direction", "TB")).upper()
    if direction not in ("TB", "LR"):
        raise SpecError(f"{direction!r} is not one of TB | LR", path="direction")
    size = float(config.get("text_size") or theme.text_size)
    spacing = 1.0
    for _ in range(12):  # shrink text, then the gaps between layers, until the layout fits the box
        drawing, (w, h) = _draw_at(spec, size, direction == "LR", measure, theme, palette, config, spacing)
        scale = min(box.width / max(w, 1e-6), box.height / max(h, 1e-6))
        if scale >= 1:
            break
        if size > theme.min_text_size:
            size = max(theme.min_text_size, size * scale * 0.98)
        elif spacing > 0.3:
            spacing = max(0.3, spacing * scale * 0.9)
        else:
            raise TextFitError(
                f"the graph needs {w:.0f} x {h:.0f} px at the minimum text size "
                f"{theme.min_text_size:g} px but its box is {box.width:.0f} x {box.height:.0f} px"
            )
    dx = box.x + (box.width - w) / 2
    dy = box.y + (box.height - h) / 2
    return translate(drawing, dx, dy)


def _draw_at(spec: GraphSpec, size: float, lr: bool, measure: Measure, theme: Theme, palette, config,
             spacing: float = 1.0):
    pad = size * 0.8
    max_w = size * float(config.get("node_max_em", 10))
    texts = {n: wrap_text(label, max_w, size, 600, measure) for n, label in spec.nodes.items()}
    sizes = {}
    for n, t in texts.items():
        tw, th = measure(t, size, 600)
        sizes[n] = (tw + 2 * pad, th + pad * 1.2)
    group_room = (measure("Ag", size * 0.8, 600)[1] + pad) if spec.groups else 0.0
    xspace = (size * 2.0 + (2 * pad if spec.groups else 0.0)) * spacing
    yspace = (size * 2.2 + group_room) * spacing
    centres, routes = _layout(spec, sizes, lr, xspace, yspace) if spec.nodes else ({}, {})
    out = Drawing()
    fill = config.get("node_fill") or color_for(0, None, palette)
    text_color = config.get("node_text")
    edge_color = config.get("edge_color") or theme.muted
    node_rects = {}
    for n, (cx, cy) in centres.items():
        w, h = sizes[n]
        node_rects[n] = Rect(cx - w / 2, cy - h / 2, w, h, fill=spec.colors.get(n, fill),
                             radius=float(config.get("radius", size * 0.4)), role="node", key=(n,))
    for gid, (label, members) in spec.groups.items():
        rects = [node_rects[m] for m in members]
        if not rects:
            continue
        x0 = min(r.x for r in rects) - pad
        x1 = max(r.x + r.w for r in rects) + pad
        y0 = min(r.y for r in rects) - group_room
        y1 = max(r.y + r.h for r in rects) + pad
        out.primitives.append(Rect(x0, y0, x1 - x0, y1 - y0, fill=theme.grid, opacity=0.6,
                                   radius=size * 0.5, role="group", key=(gid,)))
        out.labels.append(make_label(label, x0 + pad * 0.6, y0 + pad * 0.4, measure, size=size * 0.8,
                                     weight=600, role="group", color=theme.muted, key=(gid,)))
    arrow = size * 0.6
    edge_labels = []
    for k, (a, b, label) in enumerate(spec.edges):
        ra, rb = node_rects[a], node_rects[b]
        if a == b:
            pts = _self_loop(ra, size)
        else:
            pts = list(routes[(a, b)])
            pts[0] = border_point(ra.x + ra.w / 2, ra.y + ra.h / 2, ra.w, ra.h, *pts[1])
            pts[-1] = border_point(rb.x + rb.w / 2, rb.y + rb.h / 2, rb.w, rb.h, *pts[-2])
        tip, before = pts[-1], pts[-2]
        ang = math.atan2(tip[1] - before[1], tip[0] - before[0])
        base = (tip[0] - arrow * math.cos(ang), tip[1] - arrow * math.sin(ang))
        line = pts[:-1] + [base]
        d = "M" + " L".join(f"{f(x)} {f(y)}" for x, y in line)
        out.primitives.append(PathShape(d, stroke=edge_color, width=max(1.0, size * 0.1), role="edge", key=(k, a, b)))
        left = (base[0] + arrow * 0.45 * math.sin(ang), base[1] - arrow * 0.45 * math.cos(ang))
        right = (base[0] - arrow * 0.45 * math.sin(ang), base[1] + arrow * 0.45 * math.cos(ang))
        out.primitives.append(PathShape(
            f"M{f(tip[0])} {f(tip[1])} L{f(left[0])} {f(left[1])} L{f(right[0])} {f(right[1])} Z",
            fill=edge_color, role="arrow", key=(k, a, b)))
        if label:
            mid = len(line) // 2
            (x0, y0), (x1, y1) = line[mid - 1], line[mid]
            mx, my = (x0 + x1) / 2, (y0 + y1) / 2
            flat = abs(x1 - x0) > abs(y1 - y0)  # beside a steep segment, above a flat one
            edge_labels.append(make_label(label, mx if flat else mx + size * 0.4, my - size * 0.2 if flat else my,
                                          measure, size=size * 0.75, role="edge_label", color=theme.muted,
                                          anchor="middle" if flat else "start",
                                          valign="bottom" if flat else "middle", key=(k,)))
    out.primitives.extend(node_rects.values())
    for n, r in node_rects.items():
        out.labels.append(make_label(texts[n], r.x + r.w / 2, r.y + r.h / 2, measure, size=size, weight=600,
                                     role="node", color=text_color or readable_on(r.fill, theme), anchor="middle", valign="middle", key=(n,)))
    blockers = [Label("", Box(r.x, r.y, r.w, r.h)) for r in node_rects.values()]
    kept = drop_colliding(edge_labels, [*blockers, *out.labels])
    if len(kept) < len(edge_labels):
        from composer.core.warnings import warn

        warn("label-dropped", f"{len(edge_labels) - len(kept)} of {len(edge_labels)} edge labels would overlap nodes or "
             "other labels and were left out; give the graph more room or shorter labels", path="edges")
    out.labels.extend(kept)
    ext = extent(out) or Box(0, 0, 0, 0)
    return translate(out, -ext.x, -ext.y), (ext.width, ext.height)


def _self_loop(r: Rect, size: float) -> list[tuple[float, float]]:
    x, y0, y1, out = r.x + r.w, r.y + r.h * 0.3, r.y + r.h * 0.7, size * 1.2
    return [(x, y0), (x + out, y0), (x + out, y1), (x, y1)]
