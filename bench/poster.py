"""Poster benchmark: warm builds in one process, cold `python -m composer build`, peak RSS.

    python bench/poster.py [--warm N] [--cold N] [--spec bench/poster.yaml]

Prints a table. The warm figure is the mean of N builds after one untimed build; the cold figure
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--spec", default=str(ROOT / "bench" / "poster.yaml"))
    ap.add_argument("--warm", type=int, default=10)
    ap.add_argument("--cold", type=int, default=3)
    args = ap.parse_args()
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
