"""Placard's diffusion backend against a direct call of the same diffusers pipeline, same inputs.

    python bench/diffusion_overhead.py [--model PATH_OR_ID] [--steps 4] [--runs 7]

Without --model it builds the tiny test model, where a call takes tens of milliseconds, so any
fixed overhead shows up far larger than it would on a real model.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import torch  # noqa: E402

from generator.base import Box, GenerateRequest  # noqa: E402
from generator.diffusion import DiffusionBackend, negative_prompt  # noqa: E402
from generator.diffusion_pipes import _MODELS  # noqa: E402


def interleaved(fns: list, runs: int) -> list[float]:
    """Median seconds of each function, run in turns so machine drift hits them all alike."""
    samples: list[list[float]] = [[] for _ in fns]
    for fn in fns:
        fn()  # warm-up
    for _ in range(runs):
        for i, fn in enumerate(fns):
            t = time.perf_counter()
            fn()
            samples[i].append(time.perf_counter() - t)
    return [statistics.median(s) for s in samples]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model")
    ap.add_argument("--steps", type=int, default=4)
    ap.add_argument("--guidance", type=float, default=5.0)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--threads", type=int, default=1, help="torch CPU threads (1 is steadiest on a busy box)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    model = args.model
    if model is None:
        from tiny_models import build_sd

        model = str(build_sd(Path(tempfile.mkdtemp()) / "tiny-sd"))
    backend = DiffusionBackend()
    opts = {"model": model, "steps": args.steps, "guidance": args.guidance}
    probe = backend.generate(GenerateRequest(64, 64, options=opts))
    gw, gh = probe.metadata["generated_size"]
    pipe = next(iter(_MODELS.values())).pipe
    prompt = "sunrise over a calm bay, soft light"

    def direct():
        return pipe(
            prompt=prompt, negative_prompt=negative_prompt(""), num_inference_steps=args.steps,
            guidance_scale=args.guidance, height=gh, width=gw,
            generator=torch.Generator("cpu").manual_seed(1), output_type="pil",
        ).images[0]

    plain = GenerateRequest(gw, gh, seed=1, prompt=prompt, options=opts)
    boxes = (Box(gw * 0.1, gh * 0.08, gw * 0.8, gh * 0.25),)
    aware = GenerateRequest(gw, gh, seed=1, prompt=prompt, text_boxes=boxes, options=opts)
    names = ["direct pipeline __call__", "Placard generate, same inputs", "Placard generate, text-aware on"]
    times = interleaved([direct, lambda: backend.generate(plain), lambda: backend.generate(aware)], args.runs)
    rows = list(zip(names, times))
    base = rows[0][1]
    print(f"model {model}  {gw}x{gh}  steps {args.steps}  torch threads {torch.get_num_threads()}")
    print(f"{'path':34} {'median ms':>10} {'ratio':>7}")
    for name, t in rows:
        print(f"{name:34} {t * 1000:10.1f} {t / base:7.3f}x")


if __name__ == "__main__":
    main()
