"""Cold start: wall time of fresh `python -m composer build` processes, and where the imports go.

    python bench/coldstart.py [--runs 5] [--spec samples/launch-poster.yaml] [--top 15]

Prints the median wall time for `--format png` and for `--format png,pdf,svg` (issue 15's targets:
0.7 s and 1.0 s on the 2-core machine), the same for `python -c pass` (the interpreter alone), and
the largest self-times from one `python -X importtime` run of the PNG build, grouped by top-level
package. It also checks that the build never imported torch.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def wall(args: list[str], runs: int) -> float:
    """Median wall seconds of `runs` fresh processes."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, *args], check=True, cwd=ROOT, capture_output=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def import_costs(args: list[str]) -> tuple[dict[str, float], dict[str, float], float]:
    """Self ms per module and per top-level package, and the total, from `-X importtime` (one process)."""
    err = subprocess.run([sys.executable, "-X", "importtime", *args], check=True, cwd=ROOT, capture_output=True, text=True).stderr
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
    with tempfile.TemporaryDirectory() as out:
        build = ["-m", "composer", "build", args.spec, "-o", out, "--format"]
        rows = [("python -c pass", wall(["-c", "pass"], args.runs)),
                ("build --format png", wall(build + ["png"], args.runs)),
                ("build --format png,pdf,svg", wall(build + ["png,pdf,svg"], args.runs))]
        modules, packages, total = import_costs(build + ["png"])
        check = (f"import sys, composer.__main__ as m; m.main({['build', args.spec, '-o', out, '--format', 'png']!r}); "
                 "print('torch' in sys.modules)")
        torch = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True).stdout.strip().splitlines()
    print(f"| cold process ({args.spec}) | median wall s of {args.runs} |\n|---|---:|")
    for label, s in rows:
        print(f"| {label} | {s:.2f} |")
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
