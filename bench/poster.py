"""Poster benchmark: warm builds in one process, cold `python -m composer build`, peak RSS.

    python bench/poster.py [--warm N] [--cold N] [--spec bench/poster.yaml]
    python bench/poster.py --print [--sizes a2,a1]

Prints a table. With --print it prints instead the peak RSS of print builds: samples/event-a3.yaml
at A2 and A1 (300 dpi, 3 mm bleed), PNG + PDF, each in a fresh process (issue 15's targets:
800 MB for A2, 1.5 GB for A1). The warm figure is the mean of N builds after one untimed build; the cold figure
is the wall time of a fresh `python -m composer build` process (imports included).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def warm(spec: Path, n: int, formats: list[str]) -> tuple[float, float, dict[str, float]]:
    """Mean and stdev ms per build in this process, and a per-stage profile of one build."""
    import composer

    with tempfile.TemporaryDirectory() as out:
        composer.build(spec, out, formats=formats)
        times = []
        for _ in range(n):
            t = time.perf_counter()
            composer.build(spec, out, formats=formats)
            times.append((time.perf_counter() - t) * 1000)
    return statistics.mean(times), statistics.pstdev(times), {}


def warm_new_backgrounds(spec: Path, n: int) -> tuple[float, float]:
    """Like `warm`, but every build has a new seed, so the background is painted from scratch."""
    import yaml

    import composer

    data = yaml.safe_load(spec.read_text())
    times = []
    with tempfile.TemporaryDirectory() as out:
        for i in range(n + 1):
            data["background"]["seed"] = 1000 + i
            t = time.perf_counter()
            composer.build(data, out, formats=["png"], name="poster")
            if i:
                times.append((time.perf_counter() - t) * 1000)
    return statistics.mean(times), statistics.pstdev(times)


def cold(spec: Path, n: int) -> list[float]:
    """Wall seconds of fresh `python -m composer build` processes (PNG only)."""
    out = []
    with tempfile.TemporaryDirectory() as d:
        for _ in range(n):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "composer", "build", str(spec), "-o", d, "--format", "png"],
                           check=True, cwd=ROOT, capture_output=True)
            out.append(time.perf_counter() - t)
    return out


PRINT_BUILD = """
import resource, sys, tempfile, time
sys.path.insert(0, {root!r})
import yaml
import composer
from pathlib import Path
from composer.spec.loader import load_spec
spec = yaml.safe_load(open({spec!r}, encoding="utf-8"))
spec["canvas"] = {{"width": {w!r}, "height": {h!r}, "dpi": 300, "bleed": "3mm"}}
loaded = load_spec(spec, name="print", base_dir=Path({base!r}))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
with tempfile.TemporaryDirectory() as out:
    result = composer.build(loaded, out, formats={formats!r})
c = result.report["canvas"]
print(c["width"], c["height"], before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, time.perf_counter() - t)
"""


PAPER = {"a3": ("297mm", "420mm"), "a2": ("420mm", "594mm"), "a1": ("594mm", "841mm")}


def print_peaks(sizes: list[str], formats: list[str], runs: int) -> None:
    """Peak RSS of print builds, each in a fresh process (its ru_maxrss): the median and the largest of `runs`."""
    spec = ROOT / "samples" / "event-a3.yaml"
    print(f"| print build ({spec.name} as {'+'.join(formats)}, 300 dpi, 3 mm bleed) | pixels | peak RSS MB, median of {runs} | "
          "largest MB | before the build MB | s |")
    print("|---|---:|---:|---:|---:|---:|")
    for size in sizes:
        w, h = PAPER[size]
        code = PRINT_BUILD.format(root=str(ROOT), spec=str(spec), w=w, h=h, base=str(spec.parent), formats=formats)
        peaks, secs = [], []
        for _ in range(runs):
            run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
            if run.returncode:
                sys.exit(f"{size}: the build failed: {run.stderr.strip().splitlines()[-1:]}")
            pw, ph, before, peak, s = run.stdout.split()
            peaks.append(int(peak) / 1024)
            secs.append(float(s))
        print(f"| {size.upper()} | {pw}×{ph} | {statistics.median(peaks):.0f} | {max(peaks):.0f} | {int(before) / 1024:.0f} | "
              f"{statistics.median(secs):.1f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--spec", default=str(ROOT / "bench" / "poster.yaml"))
    ap.add_argument("--warm", type=int, default=10)
    ap.add_argument("--cold", type=int, default=3)
    ap.add_argument("--print", action="store_true", help="peak RSS of A2 and A1 print builds (PNG + PDF) instead")
    ap.add_argument("--sizes", default="a2,a1")
    ap.add_argument("--formats", default="png,pdf")
    ap.add_argument("--runs", type=int, default=3, help="--print: fresh processes per size (peaks vary by run)")
    args = ap.parse_args()
    if args.print:
        print_peaks(args.sizes.split(","), args.formats.split(","), args.runs)
        return
    spec = Path(args.spec)
    rows = []
    for formats in (["png"], ["png", "pdf", "svg"]):
        mean, sd, _ = warm(spec, args.warm, formats)
        rows.append((f"warm build, {'+'.join(formats)} (same spec again)", f"{mean:.0f} ms ± {sd:.0f}"))
    mean, sd = warm_new_backgrounds(spec, args.warm)
    rows.append(("warm build, png, new background seed each time", f"{mean:.0f} ms ± {sd:.0f}"))
    colds = cold(spec, args.cold)
    rows.append(("cold `python -m composer build` (png)", f"{statistics.median(colds):.2f} s (median of {len(colds)})"))
    rss_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rss_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    rows.append(("peak RSS, warm process", f"{rss_self:.0f} MB"))
    rows.append(("peak RSS, cold process", f"{rss_child:.0f} MB"))
    rows.append(("torch imported", str("torch" in sys.modules)))
    w = max(len(r[0]) for r in rows)
    print(f"{'measure':<{w}} | value")
    print(f"{'-' * w}-|------------------")
    for k, v in rows:
        print(f"{k:<{w}} | {v}")


if __name__ == "__main__":
    main()
