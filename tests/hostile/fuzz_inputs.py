"""Hypothesis strategies for hostile inputs below the spec: chart data files, SVG assets and templates.

`check(kind, value, folder)` feeds one input to the code that parses it (load_table, sanitize_svg,
a sandboxed template) and returns None for a PlacardError or a result, or a failure description
for any other exception. bench/fuzz.py --kind data|svg|template runs thousands of them.
"""

from __future__ import annotations

import json
import traceback
from pathlib import Path

from hypothesis import strategies as st

_CELL = st.one_of(st.integers(-10**6, 10**6).map(str), st.floats(allow_nan=True).map(str), st.text(max_size=12),
                  st.sampled_from(["", "1,234.5", "NaN", "inf", "-", "\"", "\"\"", "a,b", "\r", "\n", "\x00", "9" * 500]))


@st.composite
def csv_files(draw) -> tuple[str, bytes]:
    """A CSV file (header and rows of cells, some quoted or broken), maybe not UTF-8."""
    cols = draw(st.integers(0, 6))
    rows = draw(st.lists(st.lists(_CELL, min_size=0, max_size=cols + 2), max_size=30))
    header = draw(st.lists(st.sampled_from(["a", "b", "x", "y", "", "a"]), min_size=cols, max_size=cols))
    text = "\n".join(",".join(r) for r in [header, *rows])
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        data = draw(st.binary(max_size=8)) + data
    return "d.csv", data


def _json_values(depth: int):
    leaf = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(), st.text(max_size=8))
    return st.recursive(leaf, lambda inner: st.one_of(st.lists(inner, max_size=5),
                                                       st.dictionaries(st.text(max_size=4), inner, max_size=5)),
                        max_leaves=depth)


@st.composite
def json_files(draw) -> tuple[str, bytes]:
    """A JSON file: records, columns, anything else, deep nesting or long numbers, maybe cut short."""
    value = draw(_json_values(40))
    text = json.dumps(value, allow_nan=True)
    shape = draw(st.integers(0, 4))
    if shape == 1:
        text = "[" * draw(st.integers(30, 3000)) + text + "]" * draw(st.integers(0, 3000))
    elif shape == 2:
        text = '[{"a": "x", "b": ' + "9" * draw(st.integers(1, 6000)) + "}]"
    elif shape == 3:
        text = text[: draw(st.integers(0, len(text)))]
    return "d.json", text.encode("utf-8", "surrogatepass")


_NUM = st.one_of(st.integers(-10**6, 10**6).map(str), st.sampled_from(["NaN", "inf", "1e308", "-1e400", "1e-320", "0",
                                                                      ".5e3", "1e99999"]))
_SVG_TAGS = ["rect", "circle", "path", "g", "use", "mask", "pattern", "filter", "image", "script", "text",
             "foreignObject", "clipPath", "marker", "linearGradient", "style", "a", "feImage"]
_SVG_ATTRS = ["x", "y", "width", "height", "r", "d", "viewBox", "transform", "stroke-dasharray", "href",
              "xlink:href", "style", "onload", "id", "mask", "fill", "points"]


@st.composite
def _svg_element(draw, depth: int = 0) -> str:
    tag = draw(st.sampled_from(_SVG_TAGS))
    attrs = []
    for name in draw(st.lists(st.sampled_from(_SVG_ATTRS), max_size=4, unique=True)):
        if name in ("href", "xlink:href"):
            value = draw(st.sampled_from(["#a", "#b", "http://x/y.png", "../up.png", "data:image/png;base64,AAAA",
                                          "javascript:alert(1)", "tiny.png", "/etc/passwd"]))
        elif name == "id":
            value = draw(st.sampled_from(["a", "b", "c"]))
        elif name == "d":
            value = "M" + " L".join(f"{draw(_NUM)} {draw(_NUM)}" for _ in range(draw(st.integers(1, 5))))
        elif name in ("style", "fill", "mask"):
            value = draw(st.sampled_from(["fill:url(#a)", "fill:url(http://x)", "stroke-dasharray:" + ",".join(["0.001"] * 70),
                                          "@import url(x)", "red", "url(#b)"]))
        else:
            value = " ".join(draw(st.lists(_NUM, min_size=1, max_size=4)))
        attrs.append(f'{name}="{value}"')
    children = "".join(draw(st.lists(_svg_element(depth + 1), max_size=3))) if depth < 3 else ""
    return f"<{tag} {' '.join(attrs)}>{children}</{tag}>"


@st.composite
def svg_files(draw) -> tuple[str, bytes]:
    """An SVG asset: random elements and attributes, hostile numbers, references and encodings."""
    encoding = draw(st.sampled_from(["", '<?xml version="1.0"?>', '<?xml version="1.0" encoding="x-klingon"?>',
                                     '<?xml version="1.0" encoding="latin-1"?>']))
    body = "".join(draw(st.lists(_svg_element(), max_size=6)))
    head = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
    view = draw(st.sampled_from(["", ' viewBox="0 0 64 64"', ' viewBox="0 0 1e300 1e300"', ' viewBox="0 0 0 0"']))
    return "a.svg", f"{encoding}{head}{view}>{body}</svg>".encode("utf-8", "surrogatepass")


_EXPRESSIONS = ["'x' * 1000000", "'x' * 10", "(2 ** 100000)", "'ab'|center(10**9)", "'%9999999s'|format(1)",
                "'{:>99999999}'.format(1)", "lipsum(5)", "range(10**7)|list|length", "''.__class__.__mro__",
                "params", "box.width", "[1] * 10", "'a' ~ 'b'", "('x' * 1000)|replace('x', 'y' * 1000)",
                "cycler", "joiner", "namespace(a=1).a", "text('hi')", "color('#fff')", "brand", "1/0", "none.x"]


@st.composite
def template_sources(draw) -> tuple[str, bytes]:
    """A template: SVG markup (some of it hostile) around expressions, loops and doubling."""
    parts = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.integers(0, 4))
        if kind == 0:
            parts.append("{{ " + draw(st.sampled_from(_EXPRESSIONS)) + " }}")
        elif kind == 1:
            parts.append("{% set ns = namespace(s='x') %}{% for i in range(" + str(draw(st.integers(0, 70))) +
                         ") %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}")
        elif kind == 2:
            parts.append(draw(st.sampled_from(['<script>alert(1)</script>', '<g onload="x()">', '</g>',
                                               '<foreignObject><iframe/></foreignObject>', '<rect width="1" height="1"/>',
                                               '<image href="http://x/p.png"/>', '<a href="javascript:x()">a</a>'])))
        elif kind == 3:
            parts.append("{% " + draw(st.sampled_from(["if", "for", "include 'nope.svg.j2'", "extends 'document.svg.j2'",
                                                        "macro m()", "raw"])) + " %}")
        else:
            parts.append(draw(st.text(max_size=10)))
    return "t.svg.j2", "<g>" + "".join(parts) + "</g>"


STRATEGIES = {"data": st.one_of(csv_files(), json_files()), "svg": svg_files(), "template": template_sources()}


def check(kind: str, value: tuple[str, bytes | str], folder: Path) -> str | None:
    """Feed one input to its parser; None when it ends in a result or a PlacardError, else the failure."""
    from composer.core.errors import PlacardError

    name, data = value
    try:
        if kind == "data":
            from composer.charts.data import load_table, resolve_series

            (folder / name).write_bytes(data)
            table = load_table(name, folder)
            if table.columns:
                resolve_series({"data": name, "x": table.columns[0]}, folder)
        elif kind == "svg":
            from composer.rasters.assets import sanitize_svg

            sanitize_svg(data, base_dir=folder, source_name=name)
        else:
            from composer.core.limits import MAX_TEMPLATE_ITEMS, MAX_TEMPLATE_PRODUCED
            from composer.render.fragment import sanitize_fragment
            from composer.render.svg import _BUDGET, template_env

            (folder / "tpl").mkdir(exist_ok=True)
            (folder / "tpl" / name).write_text(data, encoding="utf-8", errors="surrogatepass")
            token = _BUDGET.set([MAX_TEMPLATE_ITEMS, MAX_TEMPLATE_PRODUCED])
            try:
                env = template_env(folder / "tpl")
                try:
                    out = env.get_template(name).render(params={}, box=None, brand={}, text=str, color=str)
                except Exception as e:  # the renderer maps these to SpecError; see SvgRenderer._render
                    from jinja2 import TemplateError
                    from jinja2.sandbox import SecurityError

                    if isinstance(e, (SecurityError, TemplateError, TypeError, ValueError, ArithmeticError,
                                      AttributeError, LookupError, RecursionError)):
                        return None
                    raise
                sanitize_fragment(out, name)
            finally:
                _BUDGET.reset(token)
    except PlacardError:
        return None
    except Exception as e:  # noqa: BLE001 - anything else is what the fuzz run looks for
        return f"{type(e).__name__}: {e} | {traceback.format_exc().splitlines()[-3].strip()}"
    return None
