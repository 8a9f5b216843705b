"""Live preview speed and memory: save → updated image decoded in Chromium, and the server's RSS over many edits.

    PYTHONPATH=. python bench/preview.py [--edits 20] [--memory-edits 500]

Needs Debian's `chromium` and pip's `playwright` (no browser download). The server runs as
`python -m composer preview` in its own process, on a copy of samples/launch-poster.yaml; each
edit changes the headline and waits until the page has decoded the new poster, so every edit is
one full warm build (nothing is coalesced away). Latency is measured on one clock: the time
before the file is saved and the page's `Date.now()` when the new image finished decoding.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def save(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp~")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--edits", type=int, default=20, help="timed edits (median reported)")
    ap.add_argument("--memory-edits", type=int, default=500, help="edits before the memory reading")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="placard-bench-preview-"))
    for name in ("brand", "assets"):
        shutil.copytree(ROOT / "samples" / name, work / name)
    spec = work / "launch-poster.yaml"
    original = (ROOT / "samples" / "launch-poster.yaml").read_text("utf-8")
    spec.write_text(original, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "composer", "preview", spec.name, "--port", "0", "--no-open"],
                            stdout=subprocess.PIPE, text=True, env=env, cwd=work)
    url = proc.stdout.readline().strip().removeprefix("Preview: ")
    latencies: list[float] = []
    phases: list[tuple[float, float, float]] = []  # save → build start, build, build end → decoded
    rows = []
    samples: list[float] = []  # RSS every 50 edits
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900}, bypass_csp=True)
            page.goto(url)
            page.wait_for_function("window.placard.shown >= 1", timeout=60_000)

            def edit(i: int) -> float:
                shown = page.evaluate("window.placard.shown")
                text = original.replace("Summer Product Launch 2026", f"Summer Product Launch {2026 + i}")
                t0 = time.time() * 1000
                save(spec, text)
                page.wait_for_function(f"window.placard.shown > {shown}", timeout=60_000)
                info = page.evaluate("[window.placard.shownAt, window.placard.startedAt, window.placard.seconds]")
                shown_at, started_at, seconds = info
                phases.append((started_at - t0, seconds * 1000, shown_at - started_at - seconds * 1000))
                return shown_at - t0

            for i in range(3):  # warm-up: first builds fill the caches
                edit(1000 + i)
            rss_start = rss_mb(proc.pid)
            for i in range(args.edits):
                latencies.append(edit(i + 1))
            for i in range(max(0, args.memory_edits - args.edits)):
                edit(2000 + i)
                if (i + 1) % 50 == 0:
                    samples.append(rss_mb(proc.pid))
                    print(f"{args.edits + i + 1} edits: RSS {samples[-1]:.0f} MB", file=sys.stderr, flush=True)
            rss_end = rss_mb(proc.pid)
            browser.close()
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(work, ignore_errors=True)
    rows.append(("save → image decoded in Chromium, median", f"{statistics.median(latencies):.0f} ms", "≤ 250 ms"))
    rows.append(("  min / max", f"{min(latencies):.0f} / {max(latencies):.0f} ms", ""))
    timed = phases[3:3 + args.edits]
    for i, name in enumerate(("save → build starts (watch, coalesce)", "warm build (server side)",
                              "build done → decoded (push, fetch, decode)")):
        rows.append((f"  {name}, median", f"{statistics.median(p[i] for p in timed):.0f} ms", ""))
    rows.append(("server RSS after warm-up", f"{rss_start:.0f} MB", ""))
    rows.append((f"server RSS after {max(args.memory_edits, args.edits)} edits", f"{rss_end:.0f} MB", ""))
    rows.append(("  growth", f"{rss_end - rss_start:+.0f} MB", "< 50 MB"))
    if samples:
        rows.append(("  highest reading (every 50 edits)", f"{max(samples):.0f} MB", ""))
    w = max(len(r[0]) for r in rows)
    print(f"{'measure':<{w}}  {'value':>14}  target")
    for name, value, target in rows:
        print(f"{name:<{w}}  {value:>14}  {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
