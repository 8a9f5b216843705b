"""Time every procedural style at social (1080x1350) and print (A3 at 300 dpi) sizes.

    python bench/procedural.py [--repeat N] [--no-print]

Prints, per style and size, the wall-clock milliseconds per image (best and median of N) and the
best CPU milliseconds (process time: what the style costs when other work shares the cores),
text-aware with two text boxes, then the process' peak RSS. Each style warms up once first.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.base import Box, GenerateRequest  # noqa: E402
from generator.procedural import STYLES, ProceduralBackend  # noqa: E402

SIZES = {"1080x1350": (1080, 1350), "A3 300dpi": (3508, 4961)}


def boxes_for(w: int, h: int) -> tuple[Box, ...]:
    """A headline and a footer, in the proportions of a typical poster layout."""
    return (Box(0.07 * w, 0.06 * h, 0.86 * w, 0.2 * h), Box(0.07 * w, 0.85 * h, 0.5 * w, 0.08 * h))


def time_one(backend: ProceduralBackend, request: GenerateRequest, repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of `repeat` generations of `request`."""
    wall, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        backend.generate(request)
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return wall, cpu


def main() -> None:
    """Print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-print", action="store_true", help="skip the A3 300 dpi size")
    args = ap.parse_args()
    backend = ProceduralBackend()
    sizes = {k: v for k, v in SIZES.items() if not (args.no_print and k.startswith("A3"))}
    print(f"{'style':<10}" + "".join(f"{name + ' best':>18}{'median':>9}{'cpu':>9}" for name in sizes))
    for style in STYLES:
        row = f"{style:<10}"
        for name, (w, h) in sizes.items():
            req = GenerateRequest(w, h, seed=42, style=style, text_boxes=boxes_for(w, h))
            backend.generate(req)  # warm-up
            repeat = args.repeat if w * h < 4e6 else max(1, args.repeat // 2)
            wall, cpu = time_one(backend, req, repeat)
            row += f"{min(wall):>15.0f} ms{statistics.median(wall):>6.0f} ms{min(cpu):>6.0f} ms"
        print(row, flush=True)
    req = GenerateRequest(600, 600, seed=42, kind="illustration", options={"shape": "circle"})
    backend.generate(req)
    wall, cpu = time_one(backend, req, args.repeat)
    print(f"illustration 600x600 (circle): {min(wall):.0f} ms wall, {min(cpu):.0f} ms cpu")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {rss:.0f} MB")


if __name__ == "__main__":
    main()
