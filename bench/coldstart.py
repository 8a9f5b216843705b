"""Cold start: wall time of fresh `python -m composer build` processes, and where the imports go.

    python bench/coldstart.py [--runs 5] [--spec samples/launch-poster.yaml] [--top 15]

Prints median and fastest wall times, over --runs rounds in which every row runs once (so machine
load hits all alike), for (issue 15's targets: 0.7 s for PNG, 1.0 s for PNG + PDF + SVG):
- `python -c pass`, the interpreter alone;
- the build with Placard's caches warm, as on a machine that has built before: the font index,
  cairo's parsed C declarations, the compiled templates, hyphenation tables and this design's
  procedural background (all in one temporary PLACARD_CACHE_DIR, filled by one untimed build);
- the same with the procedural background's disk tier emptied before each run (a new design, or
  an edit that moves a text box);
- a first build in an empty cache folder (what the first build after installing costs).
Every process writes .pyc files as Python does by default (PYTHONDONTWRITEBYTECODE is dropped:
this VM sets it, and it made each cold run compile every changed module from source).
Then the largest self-times from one `python -X importtime` run of the PNG build, grouped by
top-level package, and a check that the build never imported torch.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def env(cache: Path) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    e["PLACARD_CACHE_DIR"] = str(cache)
    return e


def run(args: list[str], cache: Path) -> float:
    """Wall seconds of one fresh process."""
    t = time.perf_counter()
    subprocess.run([sys.executable, *args], check=True, cwd=ROOT, capture_output=True, env=env(cache))
    return time.perf_counter() - t


def import_costs(args: list[str], cache: Path) -> tuple[dict[str, float], dict[str, float], float]:
    """Self ms per module and per top-level package, and the total, from `-X importtime` (one process)."""
    err = subprocess.run([sys.executable, "-X", "importtime", *args], check=True, cwd=ROOT, capture_output=True, text=True,
                         env=env(cache)).stderr
    modules: dict[str, float] = {}
    packages: dict[str, float] = defaultdict(float)
    for m in re.finditer(r"import time:\s+(\d+) \|\s+\d+ \|( *)(\S+)", err):
        ms, name = int(m.group(1)) / 1000, m.group(3)
        modules[name] = modules.get(name, 0.0) + ms
        packages[name.split(".")[0]] += ms
    return modules, dict(packages), sum(modules.values())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--spec", default="samples/launch-poster.yaml")
    ap.add_argument("--top", type=int, default=15)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out, cache = Path(tmp, "out"), Path(tmp, "cache")
        build = ["-m", "composer", "build", args.spec, "-o", str(out), "--format"]
        run(build + ["png,pdf,svg"], cache)  # fills the cache folder and writes every .pyc
        rows: dict[str, list[float]] = defaultdict(list)
        for i in range(args.runs):
            rows["python -c pass"].append(run(["-c", "pass"], cache))
            rows["build --format png, caches warm"].append(run(build + ["png"], cache))
            rows["build --format png,pdf,svg, caches warm"].append(run(build + ["png,pdf,svg"], cache))
            shutil.rmtree(cache / "procedural", ignore_errors=True)
            rows["build --format png, background not kept (a new design)"].append(run(build + ["png"], cache))
            rows["build --format png, empty cache folder (first build)"].append(run(build + ["png"], Path(tmp, f"empty{i}")))
        modules, packages, total = import_costs(build + ["png"], cache)
        check = (f"import sys, composer.__main__ as m; m.main({['build', args.spec, '-o', str(out), '--format', 'png']!r}); "
                 "print('torch' in sys.modules)")
        torch = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, env=env(cache)).stdout.strip().splitlines()
    print(f"| cold process ({args.spec}) | median wall s of {args.runs} | fastest |\n|---|---:|---:|")
    for label, times in rows.items():
        print(f"| {label} | {statistics.median(times):.2f} | {min(times):.2f} |")
    print(f"\nimports (one `-X importtime` run of the PNG build): {total:.0f} ms in all")
    print("\n| package | self ms |\n|---|---:|")
    for name, ms in sorted(packages.items(), key=lambda kv: -kv[1])[:args.top]:
        print(f"| {name} | {ms:.0f} |")
    print("\n| module | self ms |\n|---|---:|")
    for name, ms in sorted(modules.items(), key=lambda kv: -kv[1])[:args.top]:
        print(f"| {name} | {ms:.0f} |")
    print(f"\ntorch imported by the build: {torch[-1] if torch else 'unknown'}")


if __name__ == "__main__":
    main()
