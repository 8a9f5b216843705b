"""Speed against satori + resvg and headless Chromium, rendering the same poster to PNG.

    python bench/compare.py [--iters 20] [--engines placard,satori,chromium] [--sheet /tmp/compare_sheet.png]
    python bench/compare.py --design collage      # any design of bench/suite.py that satori can express

Every engine is timed warm, in one long-lived process, after untimed warm-ups, and each gets
the same background PNG (made once by Placard with `--layers`). Placard is also timed with the
spec as written, which paints its procedural photo background on every build. Not run in CI:
it needs `npm ci` in bench/compare and the Debian `chromium` package (see bench/compare/README.md).

With --design, the design is one of bench/suite.py's (photos made at run time): Placard builds the
spec as written, and satori and Chromium draw the same blocks, which bench/compare_scene.py takes
from Placard's own build (boxes, text sizes and line breaks, colours, font files, rasters).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMPARE = ROOT / "bench" / "compare"
SPEC = ROOT / "bench" / "poster.yaml"
CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
sys.path.insert(0, str(ROOT))


PLACARD = "Placard (spec as written: paints its photo background)"


def placard_variants(tmp: Path, background: Path) -> list[tuple[str, Path]]:
    """The spec as written, and copies that take the shared background file (legibility on and off)."""
    import yaml

    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    shutil.copy(background, tmp / "background.png")
    out = [(PLACARD, SPEC)]
    for label, stem, extra in (("Placard (same background file)", "poster-bgfile", {}),
                               ("Placard (same file, legibility: off)", "poster-bgfile-off", {"legibility": "off"})):
        path = tmp / f"{stem}.yaml"
        variant = {**spec, "background": {"image": "background.png"}, **extra}
        path.write_text(yaml.safe_dump(variant, sort_keys=False, allow_unicode=True), encoding="utf-8")
        out.append((label, path))
    return out


TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and all its live descendants, from /proc."""
    total, stack = 0.0, [pid]
    while stack:
        p = stack.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / TICK  # utime, stime
            for task in Path(f"/proc/{p}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError, IndexError):
            continue  # the process ended meanwhile
    return total


class Placard:
    """Placard in this process: `composer.build(spec, out, formats=['png'])`, one build per render."""

    def __init__(self, name: str, spec: Path, out: Path):
        import composer

        self.name, self.spec, self.out, self._build = name, spec, out, composer.build
        self.png: Path | None = None

    def render(self) -> tuple[float, float, int]:
        """Wall ms, CPU ms (this process, all threads) and PNG bytes of one build."""
        c, t = time.process_time(), time.perf_counter()
        result = self._build(self.spec, self.out, formats=["png"])
        ms, cpu = (time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000
        self.png = next(p for p in result.files if p.suffix == ".png")
        return ms, cpu, self.png.stat().st_size

    def save(self, target: Path) -> None:
        shutil.copy(self.png, target)

    def close(self) -> None:
        pass


class Node:
    """A long-lived node engine script that renders on `render` and reports its own time."""

    def __init__(self, name: str, script: str, source: list[str], extra: list[str] = ()):
        self.name = name  # source: ["--bg", background.png] or ["--scene", scene.json]
        self.proc = subprocess.Popen(["node", script, *source, *extra], cwd=COMPARE, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self._read()  # {"ready": ...} once the engine (and browser) is up

    def _ask(self, line: str) -> dict:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self._read()

    def _read(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            lines = [ln.strip() for ln in self.proc.stderr.read().splitlines() if ln.strip()]
            why = next((ln for ln in lines if ln.startswith("ERROR:")), lines[-1] if lines else "no output")
            raise RuntimeError(f"{self.name} stopped: {why[:300]}")
        return json.loads(line)

    def render(self) -> tuple[float, float, int]:
        """Wall ms as the engine timed itself, CPU ms of its whole process tree, PNG bytes."""
        c = tree_cpu(self.proc.pid)
        r = self._ask("render")
        return r["ms"], (tree_cpu(self.proc.pid) - c) * 1000, r["bytes"]

    def save(self, target: Path) -> None:
        self._ask(f"save {target}")

    def close(self) -> None:
        try:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()


def node_ready() -> str | None:
    """None when the node engines can run, else why not."""
    if shutil.which("node") is None:
        return "node is not on PATH"
    for pkg in ("satori", "@resvg/resvg-js", "puppeteer-core"):
        if not (COMPARE / "node_modules" / pkg).is_dir():
            return f"{pkg} is not installed; run `npm ci` in {COMPARE}"
    return None


def run(engines: list, iters: int) -> dict[str, dict]:
    """Warm every engine, then time them round-robin so each sees the same machine load."""
    for e in engines:
        for _ in range(2 if isinstance(e, Placard) else 3):
            e.render()
    results = {e.name: {"times": [], "cpu": [], "bytes": 0} for e in engines}
    for i in range(iters):
        k = i % len(engines)
        for e in engines[k:] + engines[:k]:  # rotate who goes first
            ms, cpu, size = e.render()
            results[e.name]["times"].append(ms)
            results[e.name]["cpu"].append(cpu)
            results[e.name]["bytes"] = size
    return results


def p90(times: list[float]) -> float:
    """90th percentile (inclusive method)."""
    return statistics.quantiles(times, n=10, method="inclusive")[-1]


def sheet(rows: list[tuple[str, Path]], target: Path) -> None:
    """The PNGs side by side with their engine names, and how far each is from the first."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    images = [Image.open(p).convert("RGB") for _, p in rows]
    w, h, label_h = images[0].width, images[0].height, 56
    out = Image.new("RGB", (w * len(images), h + label_h), "white")
    font = ImageFont.truetype(str(ROOT / "composer" / "fonts" / "inter" / "Inter-Bold.otf"), 30)
    draw = ImageDraw.Draw(out)
    ref = np.asarray(images[0], np.int16)
    for i, ((name, _), img) in enumerate(zip(rows, images)):
        out.paste(img, (i * w, label_h))
        diff = np.abs(np.asarray(img, np.int16) - ref).mean() if img.size == images[0].size else float("nan")
        draw.text((i * w + 20, 12), f"{name}  (mean |Δ| vs first: {diff:.2f})", fill="black", font=font)
    out.save(target, compress_level=2)


def versions(chromium: str | None) -> str:
    """The engine versions and the machine, for the line under the table."""
    parts = [f"Python {platform.python_version()}"]
    try:
        for pkg in ("satori", "@resvg/resvg-js", "puppeteer-core"):
            parts.append(f"{pkg} {json.loads((COMPARE / 'node_modules' / pkg / 'package.json').read_text())['version']}")
        parts.append("node " + subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip())
    except (OSError, KeyError, ValueError):
        pass
    if chromium and Path(chromium).is_file():
        parts.append(subprocess.run([chromium, "--version"], capture_output=True, text=True).stdout.strip())
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else platform.processor()
    return ", ".join(parts) + f"; {os.cpu_count()} CPUs, {cpu}"


SHEET = (PLACARD, "satori + resvg", "Chromium (puppeteer screenshot)")


def start(engines: list, name: str, *args, **kwargs) -> None:
    """Start a node engine and add it, or say on stderr why it could not start."""
    try:
        engines.append(Node(name, *args, **kwargs))
    except (OSError, RuntimeError, ValueError) as e:
        print(f"skipping {name}: it did not start ({e})", file=sys.stderr)


def engines_for(wanted: set[str], tmp: Path, source: list[str], chromium: str | None,
                placards: list[tuple[str, Path]]) -> list:
    """The engines to time; the ones that cannot run are named on stderr and skipped."""
    engines: list = []
    if "placard" in wanted:
        engines += [Placard(label, spec, tmp / ("placard-" + spec.stem)) for label, spec in placards]
    if not wanted & {"satori", "chromium"}:
        return engines
    why = node_ready()
    if why:
        print(f"skipping satori + resvg and Chromium: {why}", file=sys.stderr)
        return engines
    if "satori" in wanted:
        start(engines, "satori + resvg", "satori.mjs", source)
    if "chromium" in wanted and not (chromium and Path(chromium).is_file()):
        print(f"skipping Chromium: no chromium binary at {chromium or ' or '.join(CHROMIUM)} "
              "(apt-get install -y chromium, or pass --chromium PATH)", file=sys.stderr)
    elif "chromium" in wanted:
        for label, fast in ((SHEET[2], "0"), ("Chromium, optimizeForSpeed", "1")):
            start(engines, label, "chromium.mjs", source, ["--chromium", chromium, "--fast", fast])
    return engines


def sources(design: str, tmp: Path) -> tuple[list[str], list[tuple[str, Path]]]:
    """What the node engines draw (--bg or --scene) and the Placard specs to time, for one design."""
    if design == "benchmark":
        # The shared background, made the way a user would: the CLI with --layers.
        subprocess.run([sys.executable, "-m", "composer", "build", str(SPEC), "-o", str(tmp / "layers"), "--format", "png", "--layers"],
                       cwd=ROOT, check=True, capture_output=True)
        background = tmp / "layers" / "poster.background.png"
        return ["--bg", str(background)], placard_variants(tmp, background)
    sys.path.insert(0, str(ROOT / "bench"))
    import compare_scene
    import suite

    chosen = next((x for x in suite.SUITE if x.name == design), None)
    if chosen is None or not chosen.satori:
        expressible = ", ".join(x.name for x in suite.SUITE if x.satori)
        sys.exit(f"invalid --design {design!r}; allowed (what satori can express): {expressible}")
    folder = tmp / design
    folder.mkdir()
    spec = suite.prepare(chosen, folder)
    return ["--scene", str(compare_scene.write_scene(spec, folder))], [(f"Placard ({design})", spec)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--iters", type=int, default=20)
    ap.add_argument("--engines", default="placard,satori,chromium")
    ap.add_argument("--sheet", default="/tmp/compare_sheet.png")
    ap.add_argument("--chromium", default=next((c for c in CHROMIUM if Path(c).exists()), None),
                    help="the Chromium binary (default: the first of %s that exists)" % ", ".join(CHROMIUM))
    ap.add_argument("--design", default="benchmark", help="a design of bench/suite.py (default: the benchmark poster)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="placard-compare-") as d:
        tmp = Path(d)
        source, placards = sources(args.design, tmp)
        engines = engines_for(set(args.engines.split(",")), tmp, source, args.chromium, placards)
        if not engines:
            sys.exit("no engine to time")
        try:
            print(f"timing {len(engines)} engines, {args.iters} rounds ...", file=sys.stderr, flush=True)
            results = run(engines, args.iters)
            pngs = []
            for e in engines:
                if e.name in SHEET or e is engines[0]:
                    e.save(tmp / f"sheet-{len(pngs)}.png")
                    pngs.append((e.name.split(" (")[0], tmp / f"sheet-{len(pngs)}.png"))
        finally:
            for e in engines:
                e.close()
        report(results, args.iters, args.chromium, args.design)
        if len(pngs) > 1:
            sheet(pngs, Path(args.sheet))
            print(f"\nside by side: {args.sheet}")


def report(results: dict[str, dict], iters: int, chromium: str | None, design: str = "benchmark") -> None:
    """The markdown table."""
    base = statistics.median(results["satori + resvg"]["times"]) if "satori + resvg" in results else None
    what = "1080×1350 PNG poster" if design == "benchmark" else f"PNG of the suite's {design!r} design"
    print(f"\nWarm time per {what}: median of {iters} renders after warm-ups, each engine in one\n"
          "long-lived process, engines interleaved round-robin.\n")
    print("| engine | median ms | p90 ms | CPU ms | PNG bytes | vs satori + resvg |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        med = statistics.median(r["times"])
        ratio = f"{med / base:.2f}×" if base else "n/a"
        cpu = statistics.median(r["cpu"])
        print(f"| {name} | {med:.0f} | {p90(r['times']):.0f} | {cpu:.0f} | {r['bytes']:,} | {ratio} |")
    print("\nmedian and p90 are wall time; CPU ms is the median CPU time of the engine's whole process tree\n"
          "(all Chromium processes; 10 ms resolution), which a busy machine disturbs less.")
    print(f"\n{versions(chromium)}")


if __name__ == "__main__":
    main()
