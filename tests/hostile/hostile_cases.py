"""Hostile specs by class: each case writes a spec folder (large files generated here) and names its spec.

`python tests/hostile/hostile_cases.py OUT_DIR` writes every case into OUT_DIR/CLASS/CASE/;
tests/test_hostile_limits.py and bench/hostile.py build each with the CLI under 2 GB and 30 s.
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


CLASSES: dict[str, dict[str, Callable[[Path], str]]] = {
    "data": {f.__name__: f for f in (csv_long_field, csv_not_utf8, json_not_utf8, json_big_int, json_deep,
                                     csv_million_rows, csv_wide, json_million_records, csv_rows_over_chart,
                                     csv_sane_limit)},
    "paths": {f.__name__: f for f in (path_too_long, path_nul, path_symlink_loop, fonts_nested_deep,
                                      image_path_too_long)},
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
