"""Warm build speed on designs a user would make, per megapixel, against the benchmark poster.

    python bench/suite.py [--iters 5] [--designs photo-element,collage,...] [--formats png]

Every design is built in this one process: one untimed build each, then --iters rounds in which
every design is built once (round-robin, so machine load hits all alike); the median is quoted. Designs live in bench/designs/ (the new ones) and samples/ (those that exist
already). Photos are made at run time, never committed: the benchmark's procedural photo and
five more seeds, saved as JPEG into a temporary folder beside copies of the design and its SVGs.
The last column is each design's ms per megapixel over the benchmark's (bench/poster.yaml);
the target (issue 15) is at most 1.5 for every design.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DESIGNS = ROOT / "bench" / "designs"
sys.path.insert(0, str(ROOT))


@dataclass(frozen=True)
class Design:
    """One design of the suite: its spec and what its folder needs beside it."""

    name: str
    spec: Path
    photos: int = 0  # photo.jpg (1) or photo1.jpg ... photoN.jpg, made at run time
    svgs: tuple[Path, ...] = ()  # SVG files copied beside the spec
    satori: bool = True  # satori + resvg can express it (no charts, no print features)


ICONS = ROOT / "composer" / "icons"
SUITE = (
    Design("benchmark", ROOT / "bench" / "poster.yaml"),
    Design("photo-element", DESIGNS / "photo-element.yaml", photos=1),
    Design("collage", DESIGNS / "collage.yaml", photos=6),
    Design("logo-icons", DESIGNS / "logo-icons.yaml",
           svgs=(ROOT / "samples" / "assets" / "logo.svg",
                 *(ICONS / f"{n}.svg" for n in ("bell", "bike", "award", "book-open", "activity", "arrow-right")))),
    Design("dashboard-a4", ROOT / "samples" / "dashboard-a4.yaml", satori=False),
    Design("flyer-a4", ROOT / "samples" / "flyer-a4.yaml", satori=False),
    Design("link-card", ROOT / "samples" / "link-card.yaml"),
    Design("story", ROOT / "samples" / "story.yaml"),
    Design("charts-on-photo", DESIGNS / "charts-on-photo.yaml", satori=False),
)


def photo(seed: int, width: int, height: int):
    """The benchmark's procedural photo style at any size, as a Pillow RGB image."""
    from generator.base import GenerateRequest, get_backend

    req = GenerateRequest(width=width, height=height, seed=seed, style="photo", text_aware=False)
    return get_backend("procedural").generate(req).image.convert("RGB")


def prepare(design: Design, folder: Path) -> Path:
    """The spec to build: samples in place; bench designs copied beside their photos and SVGs."""
    if design.spec.parent != DESIGNS:
        return design.spec
    spec = folder / design.spec.name
    shutil.copy(design.spec, spec)
    if design.photos == 1:
        photo(12, 1620, 2025).save(folder / "photo.jpg", quality=90)
    for i in range(1, design.photos + 1 if design.photos > 1 else 1):
        photo(12 + i, 1200, 900).save(folder / f"photo{i}.jpg", quality=90)
    for svg in design.svgs:
        shutil.copy(svg, folder / svg.name)
    return spec


def run(names: list[str] | None, iters: int, formats: list[str]) -> list[tuple[Design, float, float]]:
    """(design, median warm ms, MP) for the benchmark and each design asked for, in this process.

    Every design is built once untimed, then the designs are timed round-robin, one build each per
    round, so that a busy machine slows them all alike and the ratios hold.
    """
    import composer

    designs = [d for d in SUITE if not names or d.name in names or d.name == "benchmark"]
    times: dict[str, list[float]] = {d.name: [] for d in designs}
    with tempfile.TemporaryDirectory() as tmp:
        specs, mps = {}, {}
        for d in designs:
            folder = Path(tmp) / d.name
            folder.mkdir()
            specs[d.name] = prepare(d, folder)
            canvas = composer.build(specs[d.name], folder / "out", formats=formats).report["canvas"]
            mps[d.name] = canvas["width"] * canvas["height"] / 1e6
        for _ in range(iters):
            for d in designs:
                t = time.perf_counter()
                composer.build(specs[d.name], Path(tmp) / d.name / "out", formats=formats)
                times[d.name].append((time.perf_counter() - t) * 1000)
    return [(d, statistics.median(times[d.name]), mps[d.name]) for d in designs]


def table(rows: list[tuple[Design, float, float]]) -> str:
    """The suite as a Markdown table; ratios are to the benchmark's ms per megapixel."""
    base = next(ms / mp for d, ms, mp in rows if d.name == "benchmark")
    lines = ["| design | warm ms/build | MP | ms/MP | × benchmark per MP | satori can express |",
             "|---|---:|---:|---:|---:|---|"]
    for d, ms, mp in rows:
        lines.append(f"| {d.name} | {ms:.0f} | {mp:.2f} | {ms / mp:.0f} | {ms / mp / base:.2f} | {'yes' if d.satori else 'no'} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--iters", type=int, default=5)
    ap.add_argument("--designs", default="", help="comma-separated names (default: all)")
    ap.add_argument("--formats", default="png")
    args = ap.parse_args()
    names = [n for n in args.designs.split(",") if n] or None
    rows = run(names, args.iters, args.formats.split(","))
    print(table(rows))
    print(f"\nformats: {args.formats}; median of {args.iters} warm builds each; torch imported: {'torch' in sys.modules}")


if __name__ == "__main__":
    main()
