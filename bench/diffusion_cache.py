"""A text-edit rebuild (cache hit) against a full diffusion generation of the same background.

    python bench/diffusion_cache.py [--model PATH_OR_ID] [--steps 4] [--size 1080x1350]

Rows: a full generation in a fresh process (torch import + model load + denoise), a warm
generation in a process that already holds the model, and cache hits in-process and in a fresh
process (what `python -m composer build` pays after a text edit: no torch import at all).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

CHILD = """
import sys, time
t = time.perf_counter()
from generator.base import Box, GenerateRequest, get_backend
from generator.cache import cached_generate
req = GenerateRequest({w}, {h}, seed=5, prompt="sunrise over a calm bay", text_boxes=(Box(80, 80, 920, 260),),
                      options={{"model": {model!r}, "steps": {steps}}})
out = cached_generate(get_backend("diffusion"), req, enabled={enabled}, cache_dir={cache!r})
print(time.perf_counter() - t, out.metadata["cache"]["hit"] if {enabled} else "off", "torch" in sys.modules)
"""


def child(**kw) -> tuple[float, str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-c", CHILD.format(**kw)]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    secs, hit, torch_loaded = out.stdout.split()[-3:]
    return float(secs), hit, torch_loaded


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model")
    ap.add_argument("--steps", type=int, default=4)
    ap.add_argument("--size", default="1080x1350")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    w, h = map(int, args.size.split("x"))
    model = args.model
    if model is None:
        from tiny_models import build_sd

        model = str(build_sd(Path(tempfile.mkdtemp()) / "tiny-sd"))
    cache = tempfile.mkdtemp(prefix="placard-cache-")
    kw = dict(w=w, h=h, model=model, steps=args.steps, cache=cache)

    from generator.base import Box, GenerateRequest
    from generator.cache import cached_generate
    from generator.diffusion import DiffusionBackend

    rows = []
    cold = statistics.median(child(**kw, enabled=False)[0] for _ in range(max(1, args.runs // 2)))
    rows.append(("full build, fresh process", cold, "yes"))
    backend = DiffusionBackend()
    req = GenerateRequest(w, h, seed=5, prompt="sunrise over a calm bay", text_boxes=(Box(80, 80, 920, 260),),
                          options={"model": model, "steps": args.steps})
    backend.generate(req)
    warm = []
    for _ in range(args.runs):
        t = time.perf_counter()
        backend.generate(req)
        warm.append(time.perf_counter() - t)
    rows.append(("full generation, model loaded", statistics.median(warm), "yes"))
    cached_generate(backend, req, cache_dir=cache)
    hits = []
    for _ in range(args.runs):
        t = time.perf_counter()
        cached_generate(backend, req, cache_dir=cache)
        hits.append(time.perf_counter() - t)
    rows.append(("text-edit rebuild, in process", statistics.median(hits), "yes"))
    fresh = [child(**kw, enabled=True) for _ in range(args.runs)]
    assert all(hit == "True" for _, hit, _ in fresh)
    torch_loaded = "yes" if fresh[0][2] == "True" else "no"
    rows.append(("text-edit rebuild, fresh process", statistics.median(s for s, _, _ in fresh), torch_loaded))

    print(f"model {model}  canvas {w}x{h}  steps {args.steps}")
    print(f"{'path':36} {'median ms':>10} {'vs full':>9} {'torch':>6}")
    for name, t, torch_loaded in rows:
        print(f"{name:36} {t * 1000:10.1f} {cold / t:8.1f}x {torch_loaded:>6}")


if __name__ == "__main__":
    main()
