"""LoRA training speed and memory: seconds per step and peak memory, with and without gradient checkpointing.

    python bench/train_lora.py                       # the tiny test model on the CPU
    python bench/train_lora.py --model ./models/sd15 --device cuda --dtype float16 --resolution 512
    python bench/train_lora.py --device cuda --dtype float16    # tiny model, mixed precision on a GPU

It trains on synthetic images (or --images DIR) through `generator.training.train_lora`, the same
code `placard train-lora` runs, and prints one row per setting. "lora dtype" is the trained
parameters' precision: float32 even when the frozen model runs in float16 (mixed precision).
Peak memory is CUDA's max_memory_allocated on a GPU, and the peak RSS on the CPU; each row runs
in its own process so one row's peak does not hide the next one's.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import torch  # noqa: E402

from generator.training import TrainConfig, train_lora  # noqa: E402


def synthetic_images(folder: Path, n: int, side: int) -> Path:
    """`n` seeded images of a red field with a blue ramp, `side` px square plus a little width."""
    import numpy as np
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for i in range(n):
        a = np.zeros((side, side + side // 8, 3), np.float32)
        a[..., 0] = 190 + 3 * i
        a[..., 2] = np.linspace(0, 255, a.shape[1])[None, :]
        a += rng.normal(0, 12, a.shape)
        Image.fromarray(a.clip(0, 255).astype(np.uint8)).save(folder / f"img-{i}.png")
    return folder


def _drop_pairs(argv: list[str], flags: tuple[str, ...]) -> list[str]:
    """argv without the given `--flag VALUE` pairs (the child gets them from the parent)."""
    out, skip = [], False
    for a in argv:
        if skip:
            skip = False
        elif a in flags:
            skip = True
        elif not a.startswith(tuple(f + "=" for f in flags)):
            out.append(a)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", help="a diffusers SD 1.x/2.x or SDXL folder or cached id (default: the tiny test model)")
    ap.add_argument("--device", default="auto", choices=["auto", "cuda", "mps", "cpu"])
    ap.add_argument("--dtype", default="auto", choices=["auto", "float16", "bfloat16", "float32"])
    ap.add_argument("--resolution", type=int, help="default: 64 for the tiny model, else the model's native size")
    ap.add_argument("--rank", type=int, default=16)
    ap.add_argument("--steps", type=int, default=12, help="timed steps per row (the first is left out)")
    ap.add_argument("--batch-size", type=int, default=1)
    ap.add_argument("--images", help="a folder of training images (default: 8 synthetic ones)")
    ap.add_argument("--threads", type=int, default=1, help="torch CPU threads (1 is steadiest on a busy box)")
    ap.add_argument("--only", choices=["off", "on"], help=argparse.SUPPRESS)  # one row, gradient checkpointing off/on
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    work = Path(tempfile.mkdtemp(prefix="placard-bench-lora-"))
    model = args.model
    resolution = args.resolution
    if model is None:
        from tiny_models import build_sd

        model = str(build_sd(work / "tiny-sd"))
        resolution = resolution or 64
    if resolution is None:
        from generator.diffusion_models import resolve_model
        from generator.training.models import native_resolution

        resolution = native_resolution(resolve_model(model))[0]
    images = Path(args.images) if args.images else synthetic_images(work / "images", 8, resolution)

    if args.only is not None:  # a child process: one row, printed as JSON
        checkpointing = args.only == "on"
        cfg = TrainConfig(
            images, model, work / "bench.safetensors", steps=args.steps, rank=args.rank,
            resolution=resolution, caption="brand style", checkpoint_every=10**6, device=args.device,
            dtype=args.dtype, batch_size=args.batch_size, gradient_checkpointing=checkpointing,
        )
        r = train_lora(cfg)
        peak = r.peak_memory_bytes
        if peak is None:  # the CPU: this process's peak RSS (ru_maxrss is in KiB on Linux)
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        print(json.dumps([Path(model).name or model, r.device, r.dtype, r.lora_dtype, resolution, args.rank,
                          args.batch_size, args.only, r.seconds_per_step, peak / 2**20, r.losses[-1],
                          "GPU alloc" if r.peak_memory_bytes is not None else "CPU RSS"]))
        return
    rows = []
    for only in ("off", "on"):
        argv = _drop_pairs(sys.argv[1:], ("--model", "--images", "--resolution", "--only"))
        argv = [sys.executable, __file__, "--model", model, "--images", str(images), "--resolution", str(resolution),
                "--only", only, *argv]
        done = subprocess.run(argv, capture_output=True, text=True)
        if done.returncode:
            sys.exit(done.stderr)
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))

    head = ("model", "device", "dtype", "lora dtype", "res", "rank", "batch", "grad ckpt", "s/step", "peak MiB",
            "last loss", "memory")
    print(" | ".join(head))
    print(" | ".join("---" for _ in head))
    for row in rows:
        m, dev, dt, ldt, res, rank, bs, gc, sps, mib, loss, kind = row
        print(f"{m} | {dev} | {dt} | {ldt} | {res} | {rank} | {bs} | {gc} | {sps:.3f} | {mib:.0f} | {loss:.4f}"
              f" | {kind}")
    if any(row[3] != "float32" for row in rows):
        sys.exit("LoRA parameters are not float32: mixed precision is broken")


if __name__ == "__main__":
    main()
