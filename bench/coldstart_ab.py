"""Cold start, A/B: two source trees' cold builds interleaved in one sitting, as wall and CPU ratios.

    python bench/coldstart_ab.py TREE_A TREE_B [--runs 21] [--format png] [--spec samples/launch-poster.yaml]

A tree is a folder holding a Placard checkout (for example `git worktree add /tmp/a COMMIT`, or
`git archive COMMIT | tar -x -C /tmp/a`); `TREE:NAME=VALUE` adds an environment variable to that
tree's processes (`/tmp/b:PLACARD_CODE_CACHE=0` measures a cache against the same code without it).
Each tree gets its own PLACARD_CACHE_DIR, filled by two untimed builds; then every round runs one
build of each tree, alternating which goes first, so the machine's swings (up to 30% between
sittings on the 2-core CI VM) hit both alike. Prints each tree's median and fastest wall and CPU
(user + sys of the child) and the B/A ratios of the medians. Processes write `.pyc` files as Python
does by default (PYTHONDONTWRITEBYTECODE is dropped, as in bench/coldstart.py), and
PYDANTIC_DISABLE_PLUGINS is dropped so each tree's CLI decides it.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def _tree(spec: str) -> tuple[str, dict[str, str]]:
    path, *assignments = spec.split(":")
    return path, dict(a.split("=", 1) for a in assignments)


def _env(tree: str, cache: str) -> dict[str, str]:
    path, extra = _tree(tree)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYDANTIC_DISABLE_PLUGINS")}
    env.update(PLACARD_CACHE_DIR=cache, PYTHONPATH=path, **extra)
    return env


def _run(tree: str, cache: str, args: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one fresh build process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "composer", "build", *args], check=True, cwd=_tree(tree)[0],
                   capture_output=True, env=_env(tree, cache))
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--runs", type=int, default=21)
    ap.add_argument("--format", default="png")
    ap.add_argument("--spec", default="samples/launch-poster.yaml")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp()
    try:
        build = [args.spec, "-o", f"{tmp}/out", "--format", args.format]
        caches = {args.a: f"{tmp}/cache-a", args.b: f"{tmp}/cache-b"}
        for tree in (args.a, args.b):
            for _ in range(2):  # fills the cache folder and writes every .pyc
                _run(tree, caches[tree], build)
        results: dict[str, list[tuple[float, float]]] = {args.a: [], args.b: []}
        for i in range(args.runs):
            for tree in ((args.a, args.b) if i % 2 == 0 else (args.b, args.a)):
                results[tree].append(_run(tree, caches[tree], build))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    def med(tree: str, k: int) -> float:
        return statistics.median(r[k] for r in results[tree])

    print("| tree | wall median ms | fastest | CPU median ms | fastest |\n|---|---:|---:|---:|---:|")
    for label, tree in (("A", args.a), ("B", args.b)):
        wall, cpu = [r[0] for r in results[tree]], [r[1] for r in results[tree]]
        print(f"| {label} {tree} | {1000 * med(tree, 0):.0f} | {1000 * min(wall):.0f} | {1000 * med(tree, 1):.0f} "
              f"| {1000 * min(cpu):.0f} |")
    print(f"\nB/A ({args.runs} interleaved rounds, --format {args.format}): wall {med(args.b, 0) / med(args.a, 0):.3f}x, "
          f"CPU {med(args.b, 1) / med(args.a, 1):.3f}x")


if __name__ == "__main__":
    main()
