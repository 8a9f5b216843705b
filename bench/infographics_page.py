"""Chart-page benchmark: the A4 dashboard sample (6 charts, 40+ labels) against the plain poster, warm.

    python bench/infographics_page.py [--warm N] [--formats png]

Builds each spec once untimed (fonts, shaping and raster caches warm), then N times in this process,
and prints ms per build (mean ± stdev, and the median) and the ratio chart page / poster. The issue's
target is a ratio under 2x. A second row group times compose() alone (layout, text, charts, no
rasterising), and "of which charts" the time inside the infographic renderers, since the A4 page
has 5.9x the poster's pixels at 300 dpi and most of a build is spent per pixel.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

PAGE = ROOT / "samples" / "dashboard-a4.yaml"
POSTER = ROOT / "bench" / "poster.yaml"


def time_builds(spec: Path, n: int, formats: list[str]) -> tuple[list[float], list[float]]:
    """ms per full build (load, compose, rasterise, encode, write) of `spec` after one warm-up build,
    and ms per build spent drawing infographic elements (geometry, label setting, templates)."""
    import composer
    from composer.charts import render as ig

    spent = [0.0]

    def timed(fn):
        def wrapper(*a, **k):
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                spent[0] += (time.perf_counter() - t) * 1000
        return wrapper

    saved = dict(ig.RENDERERS)
    ig.RENDERERS.update({k: timed(v) for k, v in saved.items()})
    try:
        with tempfile.TemporaryDirectory() as out:
            composer.build(spec, out, formats=formats)
            times, charts = [], []
            for _ in range(n):
                spent[0] = 0.0
                t = time.perf_counter()
                composer.build(spec, out, formats=formats)
                times.append((time.perf_counter() - t) * 1000)
                charts.append(spent[0])
    finally:
        ig.RENDERERS.update(saved)
    return times, charts


def time_compose(spec: Path, n: int) -> list[float]:
    """ms per load + compose (layout, typesetting, infographic geometry, legibility), no outputs."""
    from composer.spec.loader import load_spec
    from composer.pipeline import BuildOptions, compose

    compose(load_spec(spec), BuildOptions())
    times = []
    for _ in range(n):
        t = time.perf_counter()
        compose(load_spec(spec), BuildOptions())
        times.append((time.perf_counter() - t) * 1000)
    return times


def _counts(spec: Path) -> tuple[str, int, int]:
    from composer.spec.loader import load_spec
    from composer.pipeline import BuildOptions, compose
    from composer.spec.charts import KIND_OF

    comp = compose(load_spec(spec), BuildOptions())
    charts = sum(1 for p in comp.layout.walk() if p.kind in KIND_OF and p.kind.endswith("_chart"))
    labels = sum(len(d.labels) for d in comp.charts.values())
    c = comp.layout.canvas
    return f"{c.width}x{c.height}", charts, labels


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--warm", type=int, default=8)
    ap.add_argument("--formats", default="png")
    args = ap.parse_args()
    formats = args.formats.split(",")
    rows = []
    results = {}
    screen = _screen_copy(PAGE)
    specs = (("dashboard-a4 (chart page, 300 dpi)", PAGE), ("dashboard-a4 at 96 dpi (screen)", screen),
             ("bench/poster.yaml (plain poster)", POSTER))
    try:
        _run(specs, args, formats, rows, results)
    finally:
        screen.unlink()
    _print(rows, results, args, formats, screen)


def _screen_copy(page: Path) -> Path:
    """The dashboard with its canvas at 96 dpi and no bleed, next to the sample (for its data files)."""
    import yaml

    data = yaml.safe_load(page.read_text())
    data["canvas"] = {**(data.get("canvas") or {}), "dpi": 96, "bleed": 0}
    fd, name = tempfile.mkstemp(prefix=".bench-screen-", suffix=".yaml", dir=page.parent)
    with os.fdopen(fd, "w") as f:
        yaml.safe_dump(data, f, sort_keys=False, allow_unicode=True)
    return Path(name)


def _run(specs, args, formats, rows, results) -> None:
    for label, spec in specs:
        size, charts, labels = _counts(spec)
        build, drawing = time_builds(spec, args.warm, formats)
        comp = time_compose(spec, args.warm)
        w_, h_ = (int(v) for v in size.split("x"))
        results[spec] = (statistics.median(build), statistics.median(comp), w_ * h_ / 1e6)
        rows.append((label, size, charts, labels, build, statistics.median(drawing), comp))


def _print(rows, results, args, formats, screen) -> None:
    w = max(len(r[0]) for r in rows)
    print(f"warm builds in one process, {args.warm} timed runs each, formats: {'+'.join(formats)}\n")
    print(f"{'spec':<{w}} | canvas    | charts | chart labels | build ms (mean ± sd, median) | of which charts ms | compose ms")
    print(f"{'-' * w}-|-----------|--------|--------------|------------------------------|--------------------|-----------")
    for label, size, charts, labels, build, drawing, comp in rows:
        b = f"{statistics.mean(build):.0f} ± {statistics.pstdev(build):.0f}, {statistics.median(build):.0f}"
        print(f"{label:<{w}} | {size:<9} | {charts:>6} | {labels:>12} | {b:<28} | {drawing:>18.0f} | {statistics.median(comp):.0f}")
    (pb, pc, pm), (qb, qc, qm) = results[PAGE], results[POSTER]
    sb, sc, sm = results[screen]
    print(f"\nratio chart page at 300 dpi / poster: build {pb / qb:.2f}x (target < 2x), compose {pc / qc:.2f}x, "
          f"pixels {pm / qm:.2f}x, build per megapixel {(pb / pm) / (qb / qm):.2f}x")
    print(f"ratio chart page at 96 dpi / poster: build {sb / qb:.2f}x, compose {sc / qc:.2f}x, pixels {sm / qm:.2f}x")
    print(f"torch imported: {'torch' in sys.modules}")


if __name__ == "__main__":
    main()
