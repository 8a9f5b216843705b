"""Campaign benchmark: the launch poster design with N data rows, PNG only.

    python bench/campaign.py [--rows 1000] [--jobs 2] [--ray-rows 100] [--no-ray]

Prints a table:
- per-variant cost of `build_many -j 1` (in this process) against a single warm `composer.build`
  of the same design with new text, as a hand-written loop over the rows builds it (target <= 1.1x),
  and against the same spec built again (everything cached: text set, calm area painted);
- `-j 2` throughput against `-j 1` (target >= 1.8x on two free cores);
- peak RSS of the `-j 1` run, and its growth from the 10th variant to the last (target < 50 MB);
- a rerun with nothing changed, as a share of the first `-j 2` run (target < 5%);
- the Ray executor's overhead per variant against the process pool, on a local cluster
  (`ray.init(num_cpus=2)`, started outside the timing).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LOOP = 40  # single specs in the hand-written loop, each with its own text (10 gave a noisy median)
HEADLINES = ["Summer Product Launch", "Autumn Preview Night", "Winter Roadmap Live", "Spring Demo Day"]


def make_campaign(folder: Path, rows: int) -> Path:
    """The launch poster (samples/launch-poster.yaml) as a campaign: headline and kicker from data."""
    for sub in ("brand", "assets"):
        shutil.copytree(ROOT / "samples" / sub, folder / sub)
    spec = (ROOT / "samples" / "launch-poster.yaml").read_text(encoding="utf-8")
    spec = spec.replace('kicker: "Launch week · June 2026"', 'kicker: "${kicker}"')
    spec = spec.replace('headline: "Summer Product Launch 2026"', 'headline: "${headline}"')
    spec = spec.replace("layout: poster/hero-top", 'layout: poster/hero-top\ndata: rows.csv\nname: "launch-${row}"\noutputs: [png]')
    (folder / "launch.yaml").write_text(spec, encoding="utf-8")
    with (folder / "rows.csv").open("w", encoding="utf-8") as f:
        f.write("headline,kicker\n")
        for i in range(rows):
            f.write(f"{HEADLINES[i % 4]} {2026 + i // 4 % 50},Launch week · edition {i + 1}\n")
    single = spec.replace('"${headline}"', '"Summer Product Launch 2026"').replace('"${kicker}"', '"Launch week · June 2026"')
    single = single.replace('data: rows.csv\nname: "launch-${row}"\n', "")
    (folder / "single.yaml").write_text(single, encoding="utf-8")
    for i in range(LOOP):  # the hand-written loop a campaign replaces: one spec per row, each with new text
        one = single.replace('"Summer Product Launch 2026"', f'"{HEADLINES[i % 4]} {1900 + i}"')
        one = one.replace('"Launch week · June 2026"', f'"Launch week · loop {i + 1}"')
        (folder / f"single-{i}.yaml").write_text(one, encoding="utf-8")
    return folder / "launch.yaml"


def rss_mb() -> float:
    """This process's resident set now (MB)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 1e6


def warm_loop(folder: Path) -> tuple[float, float]:
    """Median wall ms and mean CPU ms of warm `composer.build`s of single specs that differ in their text
    (the hand-written loop over rows that a campaign replaces): each sets new text and paints a new calm area."""
    return _warm_builds(folder, [folder / f"single-{i}.yaml" for i in range(LOOP)])


def warm_single(folder: Path, n: int) -> tuple[float, float]:
    """Median wall ms and mean CPU ms of a warm single `composer.build` of the design (after one untimed build)."""
    return _warm_builds(folder, [folder / "single.yaml"] * n)


def _warm_builds(folder: Path, specs: list[Path]) -> tuple[float, float]:
    """Median wall ms and mean CPU ms of building `specs` one after another, after one untimed build of the design."""
    import composer

    times = []
    with tempfile.TemporaryDirectory() as out:
        composer.build(folder / "single.yaml", out, formats=["png"])
        cpu = time.process_time()
        for spec in specs:
            t = time.perf_counter()
            composer.build(spec, out, formats=["png"])
            times.append((time.perf_counter() - t) * 1000)
        cpu_ms = (time.process_time() - cpu) * 1000 / len(specs)
    return statistics.median(times), cpu_ms


def run(spec: Path, out: Path, jobs: int, executor: str = "local", select: str | None = None,
        track_rss: bool = False) -> tuple[float, int, dict]:
    """Wall seconds, variants and RSS figures of one build_many run."""
    import composer

    t = time.perf_counter()
    cpu = time.process_time()
    n = 0
    rss10 = rss_half = None
    total = sum(1 for _ in open(spec.parent / "rows.csv")) - 1 if select is None else None
    first = min(10, total or 10)  # RSS is read after the first variants have warmed every cache
    statuses: dict[str, int] = {}
    for r in composer.build_many(spec, out_dir=out, jobs=jobs, executor=executor, select=select):
        n += 1
        statuses[r.status] = statuses.get(r.status, 0) + 1
        if track_rss and n == first:
            rss10 = rss_mb()
        if track_rss and total and n == total // 2:
            rss_half = rss_mb()
    wall = time.perf_counter() - t
    info = {"statuses": statuses, "cpu_ms": (time.process_time() - cpu) * 1000 / max(n, 1)}
    if track_rss:
        info.update(rss10=rss10, rss_half=rss_half, rss_end=rss_mb(),
                    peak=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return wall, n, info


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--ray-rows", type=int, default=100)
    ap.add_argument("--no-ray", action="store_true")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        spec = make_campaign(folder, args.rows)
        single_ms, single_cpu = warm_single(folder, 10)
        loop_ms, loop_cpu = warm_loop(folder)
        w1, n1, info1 = run(spec, folder / "j1", 1, track_rss=True)
        single_ms2, single_cpu2 = warm_single(folder, 10)  # again after: the machine's load drifts
        single_ms, single_cpu = (single_ms + single_ms2) / 2, (single_cpu + single_cpu2) / 2
        wj, nj, _ = run(spec, folder / "jN", args.jobs)
        wr, nr, info_r = run(spec, folder / "jN", args.jobs)
        rows = [
            ("rows (variants)", f"{args.rows}", ""),
            ("warm single build (wall / CPU)", f"{single_ms:.0f} / {single_cpu:.0f} ms", "median wall, mean CPU; before and after the -j 1 run"),
            ("warm single build, new text (wall / CPU)", f"{loop_ms:.0f} / {loop_cpu:.0f} ms",
             "a hand-written loop: one spec per row, each with its own text"),
            ("per variant, -j 1 (wall / CPU)", f"{w1 / n1 * 1000:.0f} / {info1['cpu_ms']:.0f} ms",
             f"{w1 / n1 * 1000 / loop_ms:.2f}x wall, {info1['cpu_ms'] / loop_cpu:.2f}x CPU of the new-text single build "
             f"(target <= 1.1x); {w1 / n1 * 1000 / single_ms:.2f}x wall of the same spec built again"),
            (f"throughput -j 1 / -j {args.jobs}", f"{n1 / w1:.2f} / {nj / wj:.2f} per s",
             f"{(nj / wj) / (n1 / w1):.2f}x (target >= 1.8x)"),
            ("peak RSS (-j 1, in process)", f"{info1['peak']:.0f} MB", ""),
            (f"RSS growth, variant {min(10, args.rows)} to last", f"{info1['rss_end'] - info1['rss10']:+.1f} MB",
             f"target < 50 MB; second half alone {info1['rss_end'] - (info1['rss_half'] or info1['rss10']):+.1f} MB "
             "(campaign workers drop the text caches after each variant)"),
            (f"rerun, nothing changed (-j {args.jobs})", f"{wr:.2f} s", f"{wr / wj * 100:.1f}% of the first run (target < 5%); "
                                                                        f"{info_r['statuses']}"),
        ]
        if not args.no_ray:
            try:
                import ray
            except ImportError:
                rows.append(("Ray executor", "not installed", "pip install 'placard[ray]'"))
            else:
                k = min(args.ray_rows, args.rows)
                t = time.perf_counter()
                ray.init(num_cpus=args.jobs, include_dashboard=False, log_to_driver=False)
                start = time.perf_counter() - t
                wl, nl, _ = run(spec, folder / "pool", args.jobs, select=f"1-{k}")
                wy, ny, _ = run(spec, folder / "ray", args.jobs, executor="ray", select=f"1-{k}")
                ray.shutdown()
                same = all((folder / "ray" / p.name).read_bytes() == p.read_bytes() for p in (folder / "pool").glob("*.png"))
                rows.append((f"Ray vs pool, {k} variants", f"{wy:.1f} s vs {wl:.1f} s",
                             f"{(wy - wl) / k * 1000:+.0f} ms per variant; cluster start {start:.1f} s; "
                             f"PNGs identical: {same}"))
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':<22}  note")
    print("-" * (width + 60))
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:<22}  {note}")


if __name__ == "__main__":
    main()
