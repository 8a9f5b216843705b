"""Real-weights check of text-aware generation: same seed with it off and on, side by side.

    python bench/diffusion_real.py --model stabilityai/sd-turbo --steps 4 --guidance 0
    python bench/diffusion_real.py --model ./models/sdxl-base --steps 30 --guidance 6 --device cuda

Writes OUT (default text_aware_side_by_side.png): the two backgrounds with the text boxes outlined
and the Rea (mean Sobel gradient of luminance, 0-255, lower is calmer) under each box and
outside them, and prints a table with the timings. Needs the model in the local HF cache or a
folder (add --allow-download to fetch it).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageDraw  # noqa: E402

from generator.base import Box, GenerateRequest  # noqa: E402
from generator.diffusion import DiffusionBackend  # noqa: E402
from generator.metrics import rea, rea_outside  # noqa: E402


def poster_boxes(w: int, h: int) -> tuple[Box, ...]:
    """A headline band near the top and a body block near the bottom, like poster/hero-top."""
    return (Box(0.07 * w, 0.06 * h, 0.86 * w, 0.2 * h), Box(0.07 * w, 0.74 * h, 0.6 * w, 0.16 * h))


def panel(image: Image.Image, boxes: tuple[Box, ...], title: str) -> Image.Image:
    """The image with its boxes outlined, each labelled with its Rea, and a title strip."""
    out = Image.new("RGB", (image.width, image.height + 40), "white")
    out.paste(image.convert("RGB"), (0, 40))
    draw = ImageDraw.Draw(out)
    draw.text((8, 10), f"{title}   Rea outside boxes {rea_outside(image, list(boxes)):.1f}", fill="black")
    for b in boxes:
        draw.rectangle([b.x, b.y + 40, b.right, b.bottom + 40], outline="#ff2060", width=3)
        label = f"Rea {rea(image, b):.1f}"
        draw.rectangle(draw.textbbox((b.x + 6, b.y + 46), label), fill="white")
        draw.text((b.x + 6, b.y + 46), label, fill="#ff2060")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--prompt", default="a lighthouse on a rocky coast at sunset, dramatic clouds, photograph")
    ap.add_argument("--size", default="1080x1350")
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--guidance", type=float, default=7.0)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--dtype", default="auto")
    ap.add_argument("--attention-scale", type=float)
    ap.add_argument("--calm-strength", type=float)
    ap.add_argument("--allow-download", action="store_true")
    ap.add_argument("--out", default="text_aware_side_by_side.png")
    args = ap.parse_args()
    if not args.allow_download:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
    w, h = map(int, args.size.split("x"))
    boxes = poster_boxes(w, h)
    options = {
        "model": args.model, "steps": args.steps, "guidance": args.guidance, "device": args.device,
        "dtype": args.dtype, "allow_download": args.allow_download, "progress": True,
    }
    if args.attention_scale is not None:
        options["attention_scale"] = args.attention_scale
    if args.calm_strength is not None:
        options["calm_strength"] = args.calm_strength
    backend = DiffusionBackend()
    t = time.perf_counter()
    backend.generate(GenerateRequest(64, 64, seed=0, prompt="warm-up", options={**options, "steps": 1}))
    load = time.perf_counter() - t
    results = {}
    for aware in (False, True):
        req = GenerateRequest(
            w, h, seed=args.seed, prompt=args.prompt, text_boxes=boxes, text_aware=aware, options=options
        )
        t = time.perf_counter()
        results[aware] = (backend.generate(req), time.perf_counter() - t)
    off, on = results[False][0], results[True][0]
    sheet = Image.new("RGB", (2 * w + 20, h + 40), "white")
    sheet.paste(panel(off.image, boxes, "text_aware: false"), (0, 0))
    sheet.paste(panel(on.image, boxes, "text_aware: true"), (w + 20, 0))
    sheet.save(args.out)
    meta = on.metadata
    print(f"model {args.model}  {meta['pipeline']} on {meta['device']} {meta['dtype']}  "
          f"generated {meta['generated_size']} -> {meta['final_size']}  load+warm-up {load:.1f}s")
    heads = " ".join(f"{'Rea box ' + str(i):>10}" for i in range(len(boxes)))
    print(f"{'text_aware':12} {'seconds':>8} {heads} {'Rea out':>8}")
    for aware in (False, True):
        res, secs = results[aware]
        cells = " ".join(f"{rea(res.image, b):10.2f}" for b in boxes)
        print(f"{str(aware):12} {secs:8.2f} {cells} {rea_outside(res.image, list(boxes)):8.2f}")
    ratios = [rea(on.image, b) / max(rea(off.image, b), 1e-6) for b in boxes]
    print("Rea on/off under boxes: " + ", ".join(f"{r:.2f}" for r in ratios) + f"   wrote {args.out}")


if __name__ == "__main__":
    main()
