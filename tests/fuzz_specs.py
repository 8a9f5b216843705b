"""Hypothesis strategies for hostile specs: every sample, mutated in keys, types, units and nesting.

Shared by tests/test_fuzz.py (a few thousand examples) and bench/fuzz.py (a longer run).
"""

from __future__ import annotations

import copy
import functools
import math
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
BUILD_PIXEL_LIMIT = 360 * 450  # larger canvases are only validated, to keep each example fast

UNITS = [
    "12parsec", "-5mm", "1e309px", "nan", "NaN", "inf", "-inf", "50%", "150%", "-50%", "0", "0px", "-0", "12", "12pt",
    "3in", "2cm", "1e-300mm", "1e308mm", "99999999999999999999px", "", " ", "%", "px", "12 mm", "1_000px", "0x10px",
    "½in", "١٢px", "+5cm", "12.5.5px", "1e3", "1E3mm", "-1e-9px", "10vw", "12PX", "∞", "nanmm", "infpx", "0.0000001%",
]
GOOD_UNITS = ["12mm", "50%", "0", "100%", "1e-3px", "0.1in", "3pt", "99%", "1px", "200px", "1cm", "0%", "0.01mm"]
TEXT = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.text(alphabet="*_[]{}\\ \n\u00ad\u200b\u202eab", max_size=40),
)
COLOURS = [
    "#fff", "#FFFFFF", "#GGGGGG", "#12345", "#1234567", "#", "rgba(1,2,3,4)", "rgb(300,-1,nan)", "rgba(0,0,0,0.5)",
    "hsl(120,50%,50%)", "transparent", "primary", "accent", "ink", "paper", "auto", "none", "red", "notacolour",
    "rgb(1e309,0,0)", "rgba(0,0,0,inf)", "#0B5FFFcc", "currentColor", "url(#x)", "var(--x)", "rgb(", "#ffffff\n",
]
HOSTILE_STRINGS = [
    "{{ 7*7 }}", "{% for x in range(10**9) %}x{% endfor %}", "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "../../etc/passwd", "/etc/passwd", "http://example.com/x.png", "file:///etc/passwd", "data:image/png;base64,AAAA",
    "\x00", "\ud800", "\u202e\u0644\u0627", "<script>alert(1)</script>", "]]><!--", "&amp;&#0;", "**", "[accent]{",
    "\\", "a" * 3000, "\u00ad" * 50, "\U0001F600" * 20, "\n" * 100, "\t\r\x0b\x0c", "%s%s%n", "${HOME}", "~/x",
    "diffusion-free", "text", "group", "image", "template", "poster/hero-top", "assets/logo.svg", "brand/northwind.yaml",
]
ELEMENT_TYPES = [
    "text", "image", "rect", "line", "illustration", "template", "group", "bar_chart", "line_chart", "donut", "graph",
    "icon", "icon_list", "process", "progress", "qr", "stat", "table", "timeline", "Text", "", "unknown", "area_chart",
    "donut_chart", "pie_chart", "bar_chart", "line_chart", "stack",
]

# No sample uses infographics, so one of each kind joins the samples as a starting point.
INFOGRAPHICS_DOC = {
    "version": 1,
    "canvas": {"width": 360, "height": 450},
    "background": {"style": "flat"},
    "brand": {"colors": {"primary": "#0B5FFF", "accent": "#FFB000", "ink": "#111111", "paper": "#FFFFFF"}},
    "elements": [
        {"type": "stat", "value": 12345, "format": "compact", "label": "Users", "delta": 12.5, "delta_format": "percent",
         "box": {"x": 0, "y": 0, "width": 120, "height": 60}},
        {"type": "bar_chart", "categories": ["Q1", "Q2", "Q3"], "series": [{"name": "Rev", "values": [12, 30, -5]},
         {"name": "Cost", "values": [8, 12, 10]}], "box": {"x": 120, "y": 0, "width": 240, "height": 90}},
        {"type": "line_chart", "categories": ["J", "F", "M", "A"], "series": [{"name": "V", "values": [120, 132, None, 134]}],
         "box": {"x": 0, "y": 90, "width": 180, "height": 90}},
        {"type": "donut_chart", "slices": [{"name": "A", "value": 40}, {"name": "B", "value": 25}],
         "box": {"x": 180, "y": 90, "width": 180, "height": 90}},
        {"type": "progress", "value": 72, "max": 100, "label": "Done", "box": {"x": 0, "y": 180, "width": 180, "height": 30}},
        {"type": "icon", "name": "rocket", "box": {"x": 180, "y": 180, "width": 30, "height": 30}},
        {"type": "icon_list", "items": [{"icon": "rocket", "title": "Fast", "text": "200 ms"}],
         "box": {"x": 210, "y": 180, "width": 150, "height": 40}},
        {"type": "timeline", "events": [{"date": "2019", "title": "Founded"}, {"date": "2021", "title": "Series A"}],
         "box": {"x": 0, "y": 220, "width": 360, "height": 60}},
        {"type": "process", "steps": ["Discover", {"title": "Define", "text": "Scope"}], "box": {"x": 0, "y": 280, "width": 360, "height": 50}},
        {"type": "graph", "nodes": ["web", {"id": "api", "label": "API"}], "edges": ["web -> api", "api -> web"],
         "box": {"x": 0, "y": 330, "width": 180, "height": 120}},
        {"type": "table", "columns": ["Feature", {"title": "Pro"}], "rows": [["Exports", True], ["SSO", False]],
         "box": {"x": 180, "y": 330, "width": 180, "height": 70}},
        {"type": "qr", "data": "https://example.com", "box": {"x": 300, "y": 400, "width": 50, "height": 50}},
    ],
}


# Stacks (nested, flex, an auto-sized text, a panel) as a starting point too.
STACK_DOC = {
    "version": 1,
    "canvas": {"width": 360, "height": 450},
    "background": {"style": "flat"},
    "elements": [
        {"type": "stack", "id": "card", "box": {"x": 20, "y": 20, "width": 320, "height": 410}, "gap": 8, "padding": [12, 16],
         "fill": "paper", "radius": 12, "elements": [
             {"type": "text", "text": "Kicker", "font": {"size": 12}, "color": "primary"},
             {"type": "text", "id": "headline", "text": "A headline that reflows", "box": {"height": 120},
              "font": {"size": "auto", "min_size": 14, "max_size": 48}, "color": "ink"},
             {"type": "stack", "direction": "row", "align": "center", "gap": 8, "elements": [
                 {"type": "text", "text": "€129", "font": {"size": 24}, "wrap": "none", "color": "primary"},
                 {"type": "rect", "box": {"width": 60, "height": 24}, "fill": "accent", "radius": 12}]},
             {"type": "stack", "flex": {"grow": 1}},
             {"type": "image", "src": "assets/logo-dark.svg", "box": {"width": 80, "height": 32}, "flex": {"align": "end"}},
         ]},
    ],
}


@functools.lru_cache(maxsize=None)
def sample_docs() -> dict[str, dict]:
    """Every sample spec as plain data, keyed by file name, and the infographics spec above."""
    out = {"<infographics>": INFOGRAPHICS_DOC, "<stacks>": STACK_DOC}
    for p in sorted(SAMPLES.glob("*.yaml")):
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            out[p.name] = data
    return out


@functools.lru_cache(maxsize=None)
def known_keys() -> list[str]:
    """Every key of every spec model and sample, so insertions hit real fields with wrong values."""
    from pydantic import BaseModel

    from composer.spec import charts as spec_infographics, model as spec

    keys: set[str] = set()
    for mod in (spec, spec_infographics):
        for obj in vars(mod).values():
            if isinstance(obj, type) and issubclass(obj, BaseModel):
                keys.update(obj.model_fields)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                keys.add(str(k))
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(list(sample_docs().values()))
    keys.discard("generator")  # a valid `generator: diffusion` would load a model; tested elsewhere
    return sorted(keys)


def _nested(depth: int, leaf: Any, kind: str) -> Any:
    for _ in range(depth):
        leaf = [leaf] if kind == "list" else {"elements": [leaf]} if kind == "group" else {"a": leaf}
    return leaf


numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([0, -1, 1, 0.0, -0.0, 1e-320, 1e308, 2**63, 10**100, math.nan, math.inf, -math.inf, 0.5, 3, 48]),
)
scalars = st.one_of(
    numbers, st.booleans(), st.none(), st.text(max_size=30), st.sampled_from(UNITS), st.sampled_from(COLOURS),
    st.sampled_from(HOSTILE_STRINGS), st.sampled_from(ELEMENT_TYPES),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(known_keys()), st.text(max_size=8)), inner, max_size=4),
    ),
    max_leaves=8,
)
deep = st.builds(_nested, st.integers(1, 300), scalars, st.sampled_from(["list", "dict", "group"]))


def _random_element(draw) -> dict:
    el = {"type": draw(st.sampled_from(ELEMENT_TYPES))}
    for k in draw(st.lists(st.sampled_from(known_keys()), max_size=6)):
        el[k] = draw(st.one_of(values, st.sampled_from(UNITS)))
    if draw(st.booleans()):
        el["box"] = {k: draw(st.one_of(st.sampled_from(UNITS), numbers)) for k in ("x", "y", "width", "height")}
    return el


def _containers(node: Any, path: tuple = ()) -> list[tuple]:
    out = []
    if isinstance(node, (dict, list)):
        out.append(path)
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for k, v in items:
            out.extend(_containers(v, path + (k,)))
    return out


def _get(node: Any, path: tuple) -> Any:
    for k in path:
        node = node[k]
    return node


def _tweak_number(draw, v: float) -> Any:
    return draw(st.sampled_from([v * 0, -v, v * 1e6, v * 1e-6, v + 0.5, math.nan, math.inf, -math.inf, str(v) + "px"]))


@st.composite
def mutate(draw, doc: dict) -> dict:
    """One to five random edits anywhere in the document."""
    doc = copy.deepcopy(doc)
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 2, 3, 5]))):
        paths = _containers(doc)
        target = _get(doc, draw(st.sampled_from(paths)))
        op = draw(st.sampled_from(["delete", "insert", "rename", "retype", "retype", "unit", "number", "number", "colour",
                                   "deep", "element", "element", "known", "good_unit", "good_unit", "text", "text"]))
        keys = list(target.keys()) if isinstance(target, dict) else list(range(len(target)))
        if op == "delete" and keys:
            del target[draw(st.sampled_from(keys))]
        elif op == "rename" and isinstance(target, dict) and keys:
            k = draw(st.sampled_from(keys))
            target[draw(st.one_of(st.sampled_from(known_keys()), st.text(max_size=10)))] = target.pop(k)
        elif op == "text" and any(isinstance(target[k], str) for k in keys):
            k = draw(st.sampled_from([k for k in keys if isinstance(target[k], str)]))
            target[k] = draw(st.one_of(TEXT, st.sampled_from(HOSTILE_STRINGS)))
        elif op in ("retype", "unit", "number", "colour", "deep", "good_unit") and keys:
            k = draw(st.sampled_from(keys))
            old = target[k]
            if op == "number" and isinstance(old, (int, float)) and not isinstance(old, bool):
                target[k] = _tweak_number(draw, old)
            else:
                strategy = {"retype": values, "unit": st.sampled_from(UNITS), "good_unit": st.sampled_from(GOOD_UNITS), "number": numbers,
                            "colour": st.one_of(st.sampled_from(COLOURS), st.text(max_size=12)), "deep": deep}[op]
                target[k] = draw(strategy)
        elif op == "element" and "elements" in doc and isinstance(doc["elements"], list):
            doc["elements"].insert(draw(st.integers(0, len(doc["elements"]))), _random_element(draw))
        elif op == "element" and "slots" in doc and isinstance(doc["slots"], dict) and doc["slots"]:
            doc["slots"][draw(st.sampled_from(sorted(doc["slots"], key=str)))] = draw(st.one_of(values, st.sampled_from(HOSTILE_STRINGS)))
        elif isinstance(target, dict):  # insert / known: a real key with a wrong value, or a junk key
            key = draw(st.sampled_from(known_keys())) if op == "known" or draw(st.booleans()) else draw(st.text(max_size=10))
            target[key] = draw(st.one_of(values, st.sampled_from(UNITS), st.sampled_from(COLOURS)))
        elif isinstance(target, list):
            target.insert(draw(st.integers(0, len(target))), draw(values))
    return doc


@st.composite
def small_canvas(draw, doc: dict) -> dict:
    """Shrink the canvas (so builds stay fast) and sometimes force a flat background."""
    doc = copy.deepcopy(doc)
    if draw(st.integers(0, 9)) < 8:
        doc["canvas"] = {"width": draw(st.integers(48, 360)), "height": draw(st.integers(48, 450)), "bleed": 0}
    if draw(st.booleans()):
        bg = doc.get("background") if isinstance(doc.get("background"), dict) else {}
        doc["background"] = {**bg, "style": "flat"}
    return doc


@st.composite
def fuzzed_specs(draw, names: tuple[str, ...] | None = None) -> tuple[str, dict]:
    """(sample name, mutated spec): sometimes the sample whole, usually mutated."""
    docs = sample_docs()
    name = draw(st.sampled_from(sorted(names or docs)))
    doc = draw(small_canvas(docs[name]))
    if draw(st.integers(0, 9)) > 0:
        doc = draw(mutate(doc))
    return name, doc


@st.composite
def random_specs(draw) -> dict:
    """Specs made from scratch: random top-level keys and random elements."""
    doc: dict[str, Any] = {}
    for k in draw(st.lists(st.sampled_from(["version", "canvas", "elements", "background", "brand", "layout", "slots",
                                            "fonts", "templates", "legibility", "outputs", "title", "alt"]), max_size=6)):
        doc[k] = draw(values)
    doc["canvas"] = {"width": draw(st.integers(16, 300)), "height": draw(st.integers(16, 300))}
    doc["elements"] = [_random_element(draw) for _ in range(draw(st.integers(0, 4)))]
    return doc


# --------------------------------------------------------------------------- running one example


@dataclass
class Outcome:
    """What one example did: 'ok', the PlacardError class name, or a failure."""

    kind: str  # "ok" | "placard" | "crash" | "slow" | "leak"
    detail: str = ""
    seconds: float = 0.0
    stages: list[str] = field(default_factory=list)


def snapshot(root: Path) -> set[str]:
    """Every path under root (files and folders), relative."""
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def make_workspace() -> Path:
    """A temporary folder holding a copy of samples/ (assets, brand files) and an output folder."""
    root = Path(tempfile.mkdtemp(prefix="placard-fuzz-"))
    shutil.copytree(SAMPLES, root / "specs", ignore=shutil.ignore_patterns("gallery", "*.py"))
    return root


def run_example(doc: dict, root: Path, *, build: bool = True, formats: tuple[str, ...] = ("svg",), via_file: bool = False) -> Outcome:
    """Validate (and build, if the canvas is small) one spec; classify what happened."""
    import composer
    from composer.text.stack import lay_out as resolve_layout
    from composer.pipeline import BuildOptions, build as do_build

    specs, out = root / "specs", root / "out"
    before = snapshot(root)
    t0 = time.perf_counter()
    outcome = Outcome("ok")
    spec_file = specs / "fuzzed.yaml"
    if via_file:
        try:
            spec_file.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        except (yaml.YAMLError, RecursionError, UnicodeEncodeError):  # PyYAML cannot write it; use the dict
            via_file = False
    try:
        loaded = composer.validate(spec_file if via_file else doc, base_dir=specs, name="fuzzed")
        layout = resolve_layout(loaded)
        outcome.stages.append("validate")
        c = layout.canvas
        if build and (c.width + 2 * c.bleed) * (c.height + 2 * c.bleed) <= BUILD_PIXEL_LIMIT:
            do_build(loaded, out, list(formats), options=BuildOptions(use_cache=False))
            outcome.stages.append("build")
    except composer.PlacardError as e:
        outcome = Outcome("placard", f"{type(e).__name__}: {e}"[:300], stages=outcome.stages)
    except Exception as e:  # noqa: BLE001 - the point is to catch anything that is not a PlacardError
        import traceback

        tb = traceback.format_exc(limit=-6)
        outcome = Outcome("crash", f"{type(e).__name__}: {e}"[:300] + "\n" + tb, stages=outcome.stages)
    outcome.seconds = time.perf_counter() - t0
    after = snapshot(root)
    spec_rel = str(spec_file.relative_to(root))
    leaked = sorted(p for p in after - before if not (p == "out" or p.startswith("out" + os.sep)) and p != spec_rel)
    if leaked and outcome.kind != "crash":
        outcome = Outcome("leak", f"wrote outside the output folder: {leaked[:5]}", outcome.seconds, outcome.stages)
    if out.exists():
        shutil.rmtree(out)
    spec_file.unlink(missing_ok=True)
    return outcome
