"""What stacks cost: resolving each family member's layout, with its text measured, warm and with new text.

    python bench/layout_families.py [--runs 20]

same text     the same slots again (text blocks cached: what a warm rebuild of one spec pays)
new text      a different headline each run (every text measured and fitted anew: a campaign row)
The first row, poster/hero-top, has no stack: the cost of loading and resolving a plain preset.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from composer.text.stack import lay_out as resolve_layout  # noqa: E402
from composer.spec.loader import load_spec  # noqa: E402

LAYOUTS = ["poster/hero-top", "social/post", "social/square", "social/story", "social/link-card", "ads/medium-rectangle",
           "ads/leaderboard", "ads/skyscraper", "ads/square", "print/a4", "print/a3", "print/letter"]


def time_layout(layout: str, slots: dict, runs: int, vary: bool) -> float:
    """Median milliseconds of load + resolve (stacks laid out) over `runs`."""
    out = []
    for i in range(runs + 1):
        s = {**slots, "headline": f"{slots['headline']} {i}" if vary else slots["headline"]}
        if layout == "poster/hero-top":  # the one preset here outside the families: give it only its slots
            s = {k: v for k, v in s.items() if k not in ("price", "art")}
        spec = {"version": 1, "layout": layout, "slots": s}
        t = time.perf_counter()
        resolve_layout(load_spec(spec, base_dir=ROOT / "samples"))
        if i:  # the first run loads fonts
            out.append((time.perf_counter() - t) * 1000)
    return statistics.median(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    slots = yaml.safe_load((ROOT / "docs" / "families" / "slots.yaml").read_text(encoding="utf-8"))
    print(f"{'layout':24} {'same text ms':>13} {'new text ms':>12}")
    for layout in LAYOUTS:
        same = time_layout(layout, slots, args.runs, vary=False)
        new = time_layout(layout, slots, args.runs, vary=True)
        print(f"{layout:24} {same:13.1f} {new:12.1f}")


if __name__ == "__main__":
    main()
