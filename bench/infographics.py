"""Geometry time per infographic kind (warm, median of repeats), printed as a table.

Run: python bench/infographics.py [repeats]. Measures only composer.charts (layout and
primitives) with the Pillow measure; text setting and SVG/PNG rendering are the pipeline's.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from composer.charts import draw  # noqa: E402
from composer.charts.preview import pillow_measure  # noqa: E402
from composer.core.geometry import Box  # noqa: E402
from test_infographics_charts import PALETTE, SAMPLES  # noqa: E402


def main(repeats: int = 30) -> None:
    box = Box(40, 30, 760, 460)
    rows = []
    for kind, config in SAMPLES.items():
        draw(kind, box, config, PALETTE, pillow_measure)  # warm: fonts, icon files, measure cache
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            d = draw(kind, box, config, PALETTE, pillow_measure)
            times.append((time.perf_counter() - t0) * 1000)
        rows.append((kind, statistics.median(times), max(times), len(d.primitives), len(d.labels)))
    # the one-pager: 6 charts and 40+ labels
    page = ["bar", "line", "donut", "stat", "progress", "table"]
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        labels = sum(len(draw(k, box, SAMPLES[k], PALETTE, pillow_measure).labels) for k in page)
        times.append((time.perf_counter() - t0) * 1000)
    rows.append(("one-pager (6 charts)", statistics.median(times), max(times), 0, labels))
    print(f"{'kind':<22}{'median ms':>10}{'max ms':>9}{'shapes':>8}{'labels':>8}")
    for kind, med, worst, shapes, labels in rows:
        print(f"{kind:<22}{med:>10.2f}{worst:>9.2f}{shapes:>8}{labels:>8}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
