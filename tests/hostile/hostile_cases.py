"""Hostile specs by class: each case writes a spec folder (large files generated here) and names its spec.

`python tests/hostile/hostile_cases.py OUT_DIR` writes every case into OUT_DIR/CLASS/CASE/;
tests/hostile/test_hostile_limits.py and bench/hostile.py build each with the CLI under 2 GB and 30 s.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

HEAD = "version: 1\ncanvas: {width: 400, height: 300}\nbackground: {style: flat}\noutputs: [svg, png]\n"
BOX = "box: {x: 0, y: 0, width: 400, height: 300}"


def _spec(folder: Path, body: str, files: dict[str, bytes | str] | None = None, head: str = HEAD) -> str:
    for name, data in (files or {}).items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
    (folder / "spec.yaml").write_text(head + body, encoding="utf-8")
    return "spec.yaml"


def _chart(data: str) -> str:
    return f"elements:\n  - {{type: bar_chart, data: '{data}', x: a, y: b, {BOX}}}\n"


# --- 1. data files ------------------------------------------------------------------------------

def csv_long_field(d: Path) -> str:
    return _spec(d, _chart("d.csv"), {"d.csv": "a,b\n" + "x" * 200_000 + ",1\n"})


def csv_not_utf8(d: Path) -> str:
    return _spec(d, _chart("d.csv"), {"d.csv": b"a,b\n\xff\xfe\xc3(,1\n"})


def json_not_utf8(d: Path) -> str:
    return _spec(d, _chart("d.json"), {"d.json": b'[{"a": "\xff\xfe", "b": 1}]'})


def json_big_int(d: Path) -> str:
    return _spec(d, _chart("d.json"), {"d.json": '[{"a": "x", "b": ' + "9" * 5000 + "}]"})


def json_deep(d: Path) -> str:
    return _spec(d, _chart("d.json"), {"d.json": "[" * 50_000 + "]" * 50_000})


def csv_million_rows(d: Path) -> str:
    return _spec(d, _chart("d.csv"), {"d.csv": "a,b\n" + "".join(f"r{i},{i}\n" for i in range(1_000_000))})


def csv_wide(d: Path) -> str:
    header = "a,b," + ",".join(f"c{i}" for i in range(100_000))
    return _spec(d, _chart("d.csv"), {"d.csv": header + "\n" + "x,1" + ",2" * 100_000 + "\n"})


def json_million_records(d: Path) -> str:
    return _spec(d, _chart("d.json"), {"d.json": "[" + ",".join('{"a":"r","b":1}' for _ in range(1_000_000)) + "]"})


def csv_rows_over_chart(d: Path) -> str:
    from composer.core.limits import MAX_DATA_ROWS

    return _spec(d, _chart("d.csv"), {"d.csv": "a,b\n" + "".join(f"r{i},{i}\n" for i in range(MAX_DATA_ROWS))})


def csv_sane_limit(d: Path) -> str:
    """A big but legal file: the build must finish (exit 0) in time."""
    from composer.core.limits import MAX_CHART_CATEGORIES

    rows = "".join(f"r{i},{i % 97}\n" for i in range(MAX_CHART_CATEGORIES))
    body = f"elements:\n  - {{type: line_chart, data: d.csv, x: a, y: b, {BOX}}}\n"
    return _spec(d, body, {"d.csv": "a,b\n" + rows})


# --- 2. paths -----------------------------------------------------------------------------------

def path_too_long(d: Path) -> str:
    return _spec(d, _chart("x" * 300 + ".csv"))


def path_nul(d: Path) -> str:
    return _spec(d, _chart("d\\0.csv").replace("'", '"'))


def path_symlink_loop(d: Path) -> str:
    name = _spec(d, _chart("loop.csv"))
    os.symlink("loop.csv", d / "loop.csv")
    return name


def fonts_nested_deep(d: Path) -> str:
    (d / "fonts").mkdir()
    fd = os.open(d / "fonts", os.O_RDONLY)
    # 900 levels: deep enough to break a recursive walk, and shallow enough that shutil.rmtree (which
    # recurses too) can still remove a copy left behind by a killed run
    for _ in range(900):
        os.mkdir("d", dir_fd=fd)
        fd, old = os.open("d", os.O_RDONLY, dir_fd=fd), fd
        os.close(old)
    os.close(fd)
    body = f"fonts: [fonts]\nelements:\n  - {{type: text, text: Hello, {BOX}}}\n"
    return _spec(d, body)


def image_path_too_long(d: Path) -> str:
    return _spec(d, f"elements:\n  - {{type: image, src: '{'y' * 5000}.png', {BOX}}}\n")


# --- 3. graphs ----------------------------------------------------------------------------------

def _graph(d: Path, n: int, edges: list[tuple[int, int]], size: str = "width: 1200, height: 900") -> str:
    nodes = ", ".join(f"n{i}" for i in range(n))
    lines = "".join(f"      - n{a} -> n{b}\n" for a, b in edges)
    body = (f"elements:\n  - type: graph\n    box: {{x: 0, y: 0, {size}}}\n    nodes: [{nodes}]\n"
            f"    edges:\n{lines}")
    return _spec(d, body, head=HEAD.replace("width: 400, height: 300", size))


def graph_chain_3000(d: Path) -> str:
    return _graph(d, 3000, [(i, i + 1) for i in range(2999)])


def graph_dense_300(d: Path) -> str:
    import random

    r = random.Random(1)
    return _graph(d, 300, [(r.randrange(300), r.randrange(300)) for _ in range(3000)])


def graph_dense_at_caps(d: Path) -> str:
    import random

    from composer.core.limits import MAX_GRAPH_EDGES, MAX_GRAPH_NODES

    r = random.Random(3)
    n = MAX_GRAPH_NODES  # edges between near nodes: within the layout-cell cap, so the layout runs
    return _graph(d, n, [(i % n, (i + 1 + r.randrange(4)) % n) for i in range(MAX_GRAPH_EDGES)])


def graph_long_edges(d: Path) -> str:
    """Within the node and edge caps, but every edge spans many layers: the layout-cell cap refuses it."""
    chain = [(i, i + 1) for i in range(99)]
    return _graph(d, 100, chain + [(i, 99 - j) for i in range(10) for j in range(20)])


def graph_sane(d: Path) -> str:
    import random

    r = random.Random(2)
    return _graph(d, 40, [(i, i + 1 + r.randrange(3)) for i in range(38)])


# --- 4. rasters and strings multiplied by reference ---------------------------------------------

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="64" height="64"'


def _image(d: Path, src: str, files: dict) -> str:
    return _spec(d, f"elements:\n  - {{type: image, src: {src}, {BOX}}}\n", files)


def _noise_png(side: int) -> bytes:
    import io

    import numpy as np
    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(np.random.default_rng(1).integers(0, 256, (side, side, 3), np.uint8)).save(out, "PNG", compress_level=1)
    return out.getvalue()


def svg_png_30_times(d: Path) -> str:
    """One ~12 MB PNG (2000x2000 noise) named 30 times: 120 Mpx once every reference is counted."""
    refs = "".join('<image href="big.png" width="64" height="64"/>' for _ in range(30))
    return _image(d, "a.svg", {"big.png": _noise_png(2000), "a.svg": f"{SVG}>{refs}</svg>"})


def svg_use_big_png(d: Path) -> str:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (9000, 9000), (200, 30, 30)).save(out, "PNG")  # 81 Mpx that compresses to ~240 KB
    uses = "".join('<use href="#i"/>' for _ in range(100))
    svg = f'{SVG}><defs><image id="i" href="big.png" width="64" height="64"/></defs>{uses}</svg>'
    return _image(d, "a.svg", {"big.png": out.getvalue(), "a.svg": svg})


def stat_labels_alias(d: Path) -> str:
    big = "x" * 1_000_000
    stats = "".join(f"  - {{type: stat, value: 1, label: *big, {BOX}}}\n" for _ in range(8))
    return _spec(d, f"params: {{big: &big '{big}'}}\nelements:\n" + stats)


def webp_bomb(d: Path) -> str:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (16383, 6000), (0, 0, 0)).save(out, "WEBP", lossless=True)
    return _image(d, "b.webp", {"b.webp": out.getvalue()})


def jpeg_many_scans(d: Path) -> str:
    """A progressive JPEG whose scan section repeats: header-valid, thousands of SOS markers."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (256, 256), (10, 200, 10)).save(out, "JPEG", progressive=True)
    data = out.getvalue()
    sos = data.index(b"\xff\xda")
    body = data[sos:-2]
    return _image(d, "p.jpg", {"p.jpg": data[:sos] + body * 500 + b"\xff\xd9"})


def svg_many_font_families(d: Path) -> str:
    texts = "".join(f'<text font-family="Family{i}" x="1" y="10">a</text>' for i in range(49_000))
    return _image(d, "a.svg", {"a.svg": f"{SVG}>{texts}</svg>"})


def many_illustrations(d: Path) -> str:
    els = "".join("  - {type: illustration, box: {x: 0, y: 0, width: 400, height: 300}}\n" for _ in range(2000))
    return _spec(d, "elements:\n" + els)


def text_bands_large_canvas(d: Path) -> str:
    """Twenty full-height text bands on a 10,000 x 10,000 canvas (the canvas cap)."""
    els = "".join(f"  - {{type: text, text: 'Band {i} ' , box: {{x: {i * 500}, y: 0, width: 500, height: 10000}}}}\n"
                  for i in range(20))
    return _spec(d, "elements:\n" + els, head=HEAD.replace("width: 400, height: 300", "width: 10000, height: 10000"))


def many_big_images(d: Path) -> str:
    """Forty 5000x5000 images: each under the per-image cap, 1,000 Mpx for the build."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (5000, 5000), (1, 2, 3)).save(out, "PNG")
    els = "".join(f"  - {{type: image, src: i.png, box: {{x: {i}, y: 0, width: 10, height: 10}}}}\n" for i in range(40))
    return _spec(d, "elements:\n" + els, {"i.png": out.getvalue()})


# --- 5. SVG assets ------------------------------------------------------------------------------

def _svg_case(d: Path, inner: str, attrs: str = "") -> str:
    return _image(d, "a.svg", {"a.svg": f"{SVG}{attrs}>{inner}</svg>"})


def svg_nan(d: Path) -> str:
    return _svg_case(d, '<rect x="NaN" y="0" width="10" height="10"/><path d="M0 0 L nan 5"/>')


def svg_huge_radius(d: Path) -> str:
    return _svg_case(d, '<circle cx="5" cy="5" r="1e308"/>')


def svg_masks(d: Path) -> str:
    masks = "".join(f'<mask id="m{i}"/>' for i in range(30_000))
    return _svg_case(d, f"<defs>{masks}</defs>")


def svg_dashes(d: Path) -> str:
    dash = ",".join(["0.001"] * 5000)
    return _svg_case(d, f'<path d="M0 0 L 60 60" stroke="#000" stroke-dasharray="{dash}"/>')


def svg_encoding(d: Path) -> str:
    data = b'<?xml version="1.0" encoding="x-klingon"?>' + SVG.encode() + b"/>"
    return _image(d, "a.svg", {"a.svg": data})


def svg_huge_viewbox(d: Path) -> str:
    return _svg_case(d, '<rect width="1" height="1"/>', ' viewBox="0 0 1e300 1e300"')


def svg_use_paths(d: Path) -> str:
    path = "M0 0 " + " ".join(f"L{i % 64} {(i * 7) % 64}" for i in range(20_000))
    uses = "".join('<use href="#p"/>' for _ in range(2000))
    return _svg_case(d, f'<defs><path id="p" d="{path}"/></defs>{uses}')


# --- 6. fonts -----------------------------------------------------------------------------------

def _fonts(d: Path, files: dict) -> str:
    body = f"fonts: [fonts]\nelements:\n  - {{type: text, text: Hello, {BOX}}}\n"
    return _spec(d, body, {f"fonts/{k}": v for k, v in files.items()})


def ttc_many_faces(d: Path) -> str:
    import struct

    head = b"ttcf" + struct.pack(">HHI", 1, 0, 100_000) + struct.pack(">I", 0) * 100_000
    return _fonts(d, {"many.ttc": head})


def woff_renamed(d: Path) -> str:
    return _fonts(d, {"web.ttf": b"wOFF" + b"\0" * 200})


def sparse_huge_font(d: Path) -> str:
    name = _fonts(d, {"huge.ttf": b"\x00\x01\x00\x00"})
    os.truncate(d / "fonts" / "huge.ttf", 1024**3)  # sparse: 1 GB declared, a few bytes on disk
    return name


def live_text_font(d: Path) -> str:
    """text_mode: live embeds the font: subset, so the SVG stays small."""
    return _spec(d, f"text_mode: live\nelements:\n  - {{type: text, text: Hello world, {BOX}}}\n")


# --- 7. templates --------------------------------------------------------------------------------

def _template(d: Path, source: str, name: str = "evil") -> str:
    body = f"templates: ./tpl\nelements:\n  - {{type: template, template: {name}, {BOX}}}\n"
    return _spec(d, body, {f"tpl/{name}.svg.j2": source})


def tpl_script(d: Path) -> str:
    return _template(d, '<g onload="alert(1)"><script>alert(2)</script><a href="javascript:x()"><rect width="5" '
                        'height="5"/></a><foreignObject><iframe src="http://x"/></foreignObject>'
                        '<image href="http://attacker.example/p.png"/></g>')


def tpl_script_only(d: Path) -> str:
    """Script, events, foreignObject and javascript: links with nothing refused outright: they are removed."""
    return _template(d, '<g onload="alert(1)"><script>alert(2)</script><a href="javascript:x()"><rect width="5" '
                        'height="5"/></a><foreignObject><iframe src="http://x"/></foreignObject>'
                        '<style>@import url(http://attacker.example/x.css);</style></g>')


def tpl_doubling(d: Path) -> str:
    return _template(d, "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}"
                        "{% endfor %}<g>{{ ns.s|length }}</g>")


def tpl_center(d: Path) -> str:
    return _template(d, "<g>{{ 'x'|center(2000000000) }}</g>")


def tpl_lipsum(d: Path) -> str:
    return _template(d, "<g>{{ lipsum(100000, html=False, min=1000, max=1000) }}</g>")


def tpl_override_document(d: Path) -> str:
    body = f"templates: ./tpl\nelements:\n  - {{type: text, text: Hi, {BOX}}}\n"
    return _spec(d, body, {"tpl/document.svg.j2": "<svg><script>alert(1)</script>{{ body }}</svg>"})


# --- 8. model paths ------------------------------------------------------------------------------

def _model(d: Path, model: str) -> str:
    return _spec(d, "", head=HEAD.replace("background: {style: flat}", f"background: {{generator: diffusion, model: '{model}'}}"))


def model_home_escape(d: Path) -> str:
    return _model(d, "~/../etc")


def model_absolute(d: Path) -> str:
    return _model(d, "/etc/shadow")


# --- 9. smaller points ---------------------------------------------------------------------------

def yaml_python_tag(d: Path) -> str:
    return _spec(d, "params: !!python/object/apply:os.system ['echo hi']\n")


def huge_colour(d: Path) -> str:
    return _spec(d, "", head=HEAD.replace("background: {style: flat}", "background: {style: flat}\n") +
                 f"elements:\n  - {{type: rect, fill: '#{'f' * 1_900_000}', {BOX}}}\n")


def spec_name_escapes(d: Path) -> str:
    name = "bad\nname\x1b[31m.yaml"
    (d / name).write_text(HEAD + "elements: 3\n")
    return name


# --- 10. shared state ----------------------------------------------------------------------------

def fonts_many_symlinks(d: Path) -> str:
    name = _fonts(d, {})
    (d / "fonts").mkdir(exist_ok=True)
    target = d / "fonts" / "real.ttf"
    target.write_bytes(b"\x00\x01\x00\x00")
    for i in range(100_000):
        os.symlink("real.ttf", d / "fonts" / f"l{i}.ttf")
    return name


CLASSES: dict[str, dict[str, Callable[[Path], str]]] = {
    "data": {f.__name__: f for f in (csv_long_field, csv_not_utf8, json_not_utf8, json_big_int, json_deep,
                                     csv_million_rows, csv_wide, json_million_records, csv_rows_over_chart,
                                     csv_sane_limit)},
    "paths": {f.__name__: f for f in (path_too_long, path_nul, path_symlink_loop, fonts_nested_deep,
                                      image_path_too_long)},
    "references": {f.__name__: f for f in (svg_png_30_times, svg_use_big_png, stat_labels_alias, webp_bomb,
                                           jpeg_many_scans, many_big_images, svg_many_font_families,
                                           many_illustrations, text_bands_large_canvas)},
    "svg": {f.__name__: f for f in (svg_nan, svg_huge_radius, svg_masks, svg_dashes, svg_encoding, svg_huge_viewbox,
                                    svg_use_paths)},
    "fonts": {f.__name__: f for f in (ttc_many_faces, woff_renamed, sparse_huge_font, live_text_font)},
    "templates": {f.__name__: f for f in (tpl_script, tpl_script_only, tpl_doubling, tpl_center, tpl_lipsum, tpl_override_document)},
    "models": {f.__name__: f for f in (model_home_escape, model_absolute)},
    "smaller": {f.__name__: f for f in (yaml_python_tag, huge_colour, spec_name_escapes)},
    "shared": {f.__name__: f for f in (fonts_many_symlinks,)},
    "graphs": {f.__name__: f for f in (graph_chain_3000, graph_dense_300, graph_dense_at_caps, graph_long_edges, graph_sane)},
}


def remove_chain(folder: Path) -> None:
    """Delete a folder chain `d/d/d/...` without recursion (shutil.rmtree recurses, and fails ~1000 deep)."""
    if not folder.is_dir():
        return
    fds = [os.open(folder, os.O_RDONLY)]
    while True:
        try:
            fds.append(os.open("d", os.O_RDONLY, dir_fd=fds[-1]))
        except FileNotFoundError:
            break
    fds.pop()  # the deepest folder was opened; remove it from its parent below
    while fds:
        fd = fds.pop()
        os.rmdir("d", dir_fd=fd)
        os.close(fd)


def cleanup(dest: Path) -> None:
    """Make a written case removable by shutil.rmtree."""
    remove_chain(dest / "fonts")


def write_case(cls: str, name: str, dest: Path) -> Path:
    """Write case `name` of class `cls` into dest (created); return the spec's path."""
    dest.mkdir(parents=True, exist_ok=True)
    return dest / CLASSES[cls][name](dest)


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-cases")
    for cls, cases in CLASSES.items():
        for name in cases:
            print(write_case(cls, name, out / cls / name))
    print(json.dumps({cls: list(cases) for cls, cases in CLASSES.items()}))
