"""One-minute check of the whole diffusion path: every family x dtype x text-aware x scheduler x feature.

    python bench/gpu_check.py --device cuda                  # tiny SD, SDXL, SD3 in float32 and float16
    python bench/gpu_check.py --device cpu --quick           # CPU smoke run (float32 only)
    python bench/gpu_check.py --device cuda --model stabilityai/sdxl-turbo --steps 4   # a cached real model

Builds the tiny test models (tests/tiny_models.py) in a temporary folder and prints ONE table of
PASS / FAIL / SKIP rows (INFO: shown, not judged): every allowed scheduler with text-aware on and off (finite pixels, no
FutureWarning), every refused scheduler (refused before loading), determinism (same seed, same
pixels), Placard's plain output against a direct diffusers call with the same arguments, the Rea
ratio text-aware / plain under a headline box, the overhead against the direct call (median of
--runs, CUDA synchronised), CPU against CUDA (same seed, mean absolute pixel difference), and the
features: img2img, inpainting, LoRA, cpu_offload, vae_tiling and the raster cache. Exits 1 if any
row FAILs. Placard seeds a CPU torch.Generator on every device (the initial noise is then the same
on CPU and CUDA), so the direct call here does the same.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import numpy as np  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402

from generator.errors import GeneratorError  # noqa: E402
from generator import diffusion_pipes as dp  # noqa: E402
from generator.base import Box, GenerateRequest  # noqa: E402
from generator.diffusion import DiffusionBackend, negative_prompt  # noqa: E402
from generator.diffusion_models import resolve_model  # noqa: E402
from generator.diffusion_schedulers import SCHEDULERS, model_family  # noqa: E402
from generator.metrics import rea  # noqa: E402

PROMPT = "a lighthouse on a rocky coast at sunset"
# Pass thresholds. Overhead: Placard adds mask building, Rea and a resize per call; on the tiny
# models a call is tens of milliseconds, so a fixed cost weighs far more than on a real model.
REA_MAX = 0.6  # text-aware Rea under the headline box, as a fraction of plain (README: 0.12-0.35)
OVERHEAD_PLAIN_MAX, OVERHEAD_AWARE_MAX = 1.25, 1.6
CPU_CUDA_MAX = {"float32": 2.0, "float16": 6.0}  # mean |diff| on the 0-255 scale
# The tiny models' float16 against the CPU's float32 is shown, not judged: their random weights amplify
# half-precision rounding (measured on an H200: mean |diff| 37-38 for tiny SD, SDXL and SD3 alike, while
# float32 on CUDA matched the CPU within 0.01). With --model, a trained model's float16 is judged at 6.0.
# LoRA off again on CUDA: cuDNN may choose another convolution algorithm once adapter layers wrap the
# model, so "the same pixels" means within one level there; on the CPU (and in the test suite) it is exact.
LORA_OFF_MAX = 1
Row = tuple[str, str, str, str, str]  # family, dtype, check, result, detail


@dataclass
class Case:
    """One model under test and the settings every call on it shares."""

    family: str
    model: str
    device: str
    dtype: str
    size: int
    steps: int
    guidance: float
    lora: str | None = None
    inpaint_model: str | None = None
    tiny: bool = True  # the random-weight test models (False with --model)


class Checker:
    """Runs the checks on one Case and collects table rows."""

    def __init__(self, case: Case, runs: int, quick: bool):
        self.c, self.runs, self.quick = case, runs, quick
        self.backend = DiffusionBackend()
        self.rows: list[Row] = []
        self.box = Box(case.size * 0.1, case.size * 0.08, case.size * 0.8, case.size * 0.25)

    def row(self, check: str, ok: bool | None, detail: str = "", info: bool = False) -> None:
        result = "INFO" if info else "SKIP" if ok is None else "PASS" if ok else "FAIL"
        self.rows.append((self.c.family, self.c.dtype, check, result, detail))

    def request(
        self, *, seed: int = 1, text_aware: bool = False, kind: str = "background", **options
    ) -> GenerateRequest:
        o = {"model": self.c.model, "steps": self.c.steps, "guidance": self.c.guidance,
             "device": self.c.device, "dtype": self.c.dtype, **options}
        return GenerateRequest(self.c.size, self.c.size, seed=seed, prompt=PROMPT, text_boxes=(self.box,),
                               text_aware=text_aware, kind=kind, options={k: v for k, v in o.items() if v is not None})

    def generate(self, req: GenerateRequest) -> tuple[np.ndarray, dict, list[str]]:
        """Pixels, metadata, and the problems seen: NaNs (numpy's cast warning), FutureWarnings."""
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            result = self.backend.generate(req)
        pixels = np.asarray(result.image.convert("RGB"), np.float32)
        problems = [f"FutureWarning: {str(w.message)[:60]}" for w in seen if issubclass(w.category, FutureWarning)]
        if any("invalid value" in str(w.message) for w in seen) or pixels.std() == 0:
            problems.append("NaN or blank image")
        return pixels, result.metadata, problems

    def run(self, name: str, fn) -> None:
        """Run one check; an unexpected exception is a FAIL row, never the end of the table."""
        try:
            fn()
        except Exception as exc:  # the table must show every check, whatever one of them does
            self.row(name, False, f"{type(exc).__name__}: {str(exc).splitlines()[0][:90] if str(exc) else ''}")

    # -- checks --------------------------------------------------------------------------------------

    def schedulers(self) -> None:
        family = model_family(resolve_model(self.c.model).folder)
        if family is None:
            self.row("schedulers", None, "model family unknown (no model_index.json)")
            return
        for name in SCHEDULERS:
            if SCHEDULERS[name].flow != family.flow:
                self.run(f"scheduler {name} refused", lambda n=name: self._refused(n))
                continue
            # --quick: both text-aware settings for the model's own scheduler, text-aware on elsewhere
            own = SCHEDULERS[name].cls == type(self.loaded().default_scheduler).__name__
            for aware in (False, True) if own or not self.quick else (True,):
                self.run(f"scheduler {name} text-aware {'on' if aware else 'off'}",
                         lambda n=name, a=aware: self._scheduler(n, a))

    def _scheduler(self, name: str, aware: bool) -> None:
        t = time.perf_counter()
        _, meta, problems = self.generate(self.request(text_aware=aware, scheduler=name))
        ms = (time.perf_counter() - t) * 1000
        self.row(f"scheduler {name} text-aware {'on' if aware else 'off'}", not problems,
                 "; ".join(problems) or f"{meta['scheduler']} {ms:.0f} ms")

    def _refused(self, name: str) -> None:
        try:
            self.backend.generate(self.request(scheduler=name))
        except GeneratorError as e:
            self.row(f"scheduler {name} refused", "does not work with" in str(e), str(e)[:60] + "...")
            return
        self.row(f"scheduler {name} refused", False, "it ran")

    def determinism_and_direct(self) -> None:
        a, meta, problems = self.generate(self.request())
        b, _, _ = self.generate(self.request())
        self.row("determinism (same seed twice)", np.array_equal(a, b) and not problems,
                 "; ".join(problems) or f"max |diff| {np.abs(a - b).max():.0f}")
        direct = np.asarray(self.direct_call(meta)(), np.float32)
        diff = np.abs(a - direct)
        self.row("plain == direct diffusers call", diff.mean() < 0.5,
                 f"mean |diff| {diff.mean():.3f}, max {diff.max():.0f}")

    def direct_call(self, meta: dict):
        """A direct call of the same loaded pipeline with Placard's arguments, for comparison."""
        pipe = self.loaded().pipe
        gw, gh = meta["generated_size"]

        def call() -> Image.Image:
            pipe.scheduler = self.loaded().default_scheduler
            kwargs = dict(prompt=PROMPT, negative_prompt=negative_prompt(""), num_inference_steps=self.c.steps,
                          guidance_scale=self.c.guidance, height=gh, width=gw,
                          generator=torch.Generator("cpu").manual_seed(1), output_type="pil")
            image = pipe(**kwargs).images[0]
            return image.resize((self.c.size, self.c.size), Image.LANCZOS)

        return call

    def loaded(self) -> dp.LoadedModel:
        folder = str(resolve_model(self.c.model).folder)
        key = (folder, self.c.device, f"torch.{self.c.dtype}", False)
        return dp._MODELS[key]

    def rea_ratio(self) -> None:
        ratios = []
        for seed in (1, 2, 3)[: 1 if self.quick else 3]:
            plain, _, _ = self.generate(self.request(seed=seed))
            aware, _, _ = self.generate(self.request(seed=seed, text_aware=True))
            ratios.append(rea(aware, self.box) / max(rea(plain, self.box), 1e-6))
        self.row("Rea text-aware / plain", max(ratios) < REA_MAX,
                 f"{min(ratios):.2f}-{max(ratios):.2f} (pass < {REA_MAX})")

    def overhead(self) -> None:
        _, meta, _ = self.generate(self.request())
        direct = self.direct_call(meta)
        fns = [direct, lambda: self.backend.generate(self.request()),
               lambda: self.backend.generate(self.request(text_aware=True))]
        times = interleaved(fns, self.runs, self.c.device == "cuda")
        plain, aware = times[1] / times[0], times[2] / times[0]
        # --quick: three runs on a shared CPU are noise, so the figures are shown, not judged.
        self.row("overhead plain vs direct", plain < OVERHEAD_PLAIN_MAX,
                 f"{plain:.2f}x of {times[0] * 1000:.1f} ms (N={self.runs}, pass < {OVERHEAD_PLAIN_MAX})", self.quick)
        self.row("overhead text-aware vs direct", aware < OVERHEAD_AWARE_MAX,
                 f"{aware:.2f}x (pass < {OVERHEAD_AWARE_MAX})", self.quick)

    def cpu_vs_cuda(self) -> None:
        if self.c.device != "cuda":
            self.row("CPU vs CUDA", None, "no CUDA device")
            return
        gpu, _, _ = self.generate(self.request())
        cpu, _, _ = self.generate(self.request(device="cpu", dtype="float32"))
        diff = float(np.abs(gpu - cpu).mean())
        limit = CPU_CUDA_MAX.get(self.c.dtype, 6.0)
        if self.c.tiny and self.c.dtype != "float32":
            self.row("CPU float32 vs CUDA", None, f"mean |diff| {diff:.2f} (random tiny weights: shown, not judged)", True)
            return
        self.row("CPU float32 vs CUDA", diff < limit, f"mean |diff| {diff:.2f} (pass < {limit})")

    def features(self) -> None:
        init = Image.fromarray((np.indices((self.c.size, self.c.size)).sum(0) % 64 * 4).astype(np.uint8)).convert("RGB")
        self.run("img2img", lambda: self._feature("img2img", self.request(init_image=init, strength=0.6), "img2img"))
        self.run("inpaint (from_pipe)", lambda: self._feature(
            "inpaint (from_pipe)", self.request(kind="illustration", blend="inpaint", background=init), "inpaint"))
        if self.c.inpaint_model:
            self.run("inpaint (inpaint_model)", lambda: self._feature("inpaint (inpaint_model)", self.request(
                kind="illustration", blend="inpaint", background=init, inpaint_model=self.c.inpaint_model), "inpaint"))
        self.run("LoRA changes the image", self._lora)
        self.run("cpu_offload", self._offload)
        self.run("vae_tiling", lambda: self._feature("vae_tiling", self.request(vae_tiling=True), "text2img"))
        self.run("cache hit, no pipeline call", self._cache)

    def _feature(self, name: str, req: GenerateRequest, task: str) -> None:
        _, meta, problems = self.generate(req)
        self.row(name, meta["task"] == task and not problems, "; ".join(problems) or f"{meta['pipeline']}")

    def _lora(self) -> None:
        if not self.c.lora:
            self.row("LoRA changes the image", None, "no LoRA for this model (--lora PATH)")
            return
        base, _, _ = self.generate(self.request())
        with_lora, _, problems = self.generate(self.request(lora=[{"path": self.c.lora, "scale": 1.0}]))
        again, _, _ = self.generate(self.request())
        diff = float(np.abs(base - with_lora).mean())
        off = float(np.abs(base - again).max())
        allowed = LORA_OFF_MAX if self.c.device == "cuda" else 0
        ok = diff > 0.5 and off <= allowed and not problems
        self.row("LoRA changes the image", ok,
                 "; ".join(problems) or f"mean |diff| {diff:.1f}; off again: max |diff| {off:.0f} (pass <= {allowed})")

    def _offload(self) -> None:
        if self.c.device != "cuda":
            self.row("cpu_offload", None, "CUDA only")
            return
        plain, _, _ = self.generate(self.request())
        off, meta, problems = self.generate(self.request(cpu_offload=True))
        diff = float(np.abs(plain - off).mean())
        self.row("cpu_offload", meta["cpu_offload"] and diff < 1.0 and not problems,
                 "; ".join(problems) or f"mean |diff| vs resident {diff:.3f}")

    def _cache(self) -> None:
        from generator.cache import cached_generate

        with tempfile.TemporaryDirectory() as tmp:
            req = self.request(seed=11)
            first = cached_generate(self.backend, req, cache_dir=tmp)
            calls = self.backend.pipeline_calls
            second = cached_generate(self.backend, req, cache_dir=tmp)
            same = np.array_equal(np.asarray(first.image), np.asarray(second.image))
            self.row("cache hit, no pipeline call", same and self.backend.pipeline_calls == calls,
                     f"pipeline calls on the rebuild: {self.backend.pipeline_calls - calls}")

    def all(self) -> list[Row]:
        self.run("load", lambda: self.generate(self.request()))
        if self.rows:  # the model did not even load: the other checks would only repeat it
            return self.rows
        self.run("determinism", self.determinism_and_direct)
        self.schedulers()
        self.run("Rea text-aware / plain", self.rea_ratio)
        self.run("overhead", self.overhead)
        self.run("CPU vs CUDA", self.cpu_vs_cuda)
        self.features()
        return self.rows


def interleaved(fns: list, runs: int, cuda: bool) -> list[float]:
    """Median seconds of each function, run in turns so machine drift hits them all alike."""
    samples: list[list[float]] = [[] for _ in fns]
    for fn in fns:
        fn()  # warm-up
    for _ in range(runs):
        for i, fn in enumerate(fns):
            if cuda:
                torch.cuda.synchronize()
            t = time.perf_counter()
            fn()
            if cuda:
                torch.cuda.synchronize()
            samples[i].append(time.perf_counter() - t)
    return [statistics.median(s) for s in samples]


def tiny_cases(args: argparse.Namespace, device: str) -> list[Case]:
    """The tiny SD, SDXL and SD3 models, built into a temporary folder, in each dtype to test."""
    import tiny_models as tm

    root = Path(tempfile.mkdtemp(prefix="placard-gpu-check-"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        models = {"sd": tm.build_sd(root / "tiny-sd"), "sdxl": tm.build_sdxl(root / "tiny-sdxl"),
                  "inpaint": tm.build_inpaint(root / "tiny-inpaint"),
                  # 16 latent channels like the real SD3: its inpainting pipeline accepts no other
                  "sd3": tm.build_sd3(root / "tiny-sd3", latent_channels=16)}
        loras = {f: tm.build_lora(root / f"tiny-lora-{f}", models[f]) for f in ("sd", "sdxl", "sd3")}
    dtypes = ["float32", "float16"] if device == "cuda" else ["float32"]
    cases = []
    for dtype in dtypes:
        for family in ("sd", "sdxl", "sd3"):
            cases.append(Case(family, str(models[family]), device, dtype, 128, args.steps or 2, 5.0,
                              lora=str(loras[family]),
                              inpaint_model=str(models["inpaint"]) if family == "sd" else None))
    return cases


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--device", default="auto", choices=["auto", "cuda", "cpu"])
    ap.add_argument("--model", help="a real model (folder or cached hub id) instead of the tiny ones")
    ap.add_argument("--dtype", action="append", help="with --model: dtypes to test (default float16 on CUDA)")
    ap.add_argument("--lora", help="with --model: a LoRA .safetensors for that model")
    ap.add_argument("--steps", type=int, help="denoising steps (default 2 tiny, 4 real)")
    ap.add_argument("--guidance", type=float, default=5.0)
    ap.add_argument("--size", type=int, help="with --model: square side in pixels (default: native)")
    ap.add_argument("--runs", type=int, help="timed runs per path (default 20, --quick 5)")
    ap.add_argument("--quick", action="store_true", help="fewer seeds, runs and scheduler rows (a CPU smoke run)")
    ap.add_argument("--threads", type=int, help="torch CPU threads (default 1 with --device cpu)")
    args = ap.parse_args()
    device = args.device if args.device != "auto" else ("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cuda" and not torch.cuda.is_available():
        print("--device cuda: no CUDA device here", file=sys.stderr)
        return 2
    if device == "cpu" or args.threads:
        # One thread by default: on a shared CPU, idle worker threads spin and multiply CPU time.
        torch.set_num_threads(args.threads or 1)
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("placard").setLevel(logging.INFO)  # let library warnings through to be counted
    runs = args.runs or (3 if args.quick else 20)
    started = time.perf_counter()
    if args.model:
        dtypes = args.dtype or (["float16"] if device == "cuda" else ["float32"])
        folder = resolve_model(args.model).folder
        label = model_family(folder).label if model_family(folder) else "model"
        cases = [Case(label, args.model, device, d, args.size or 1024, args.steps or 4, args.guidance, lora=args.lora, tiny=False)
                 for d in dtypes]
    else:
        cases = tiny_cases(args, device)
    rows: list[Row] = []
    for case in cases:
        print(f"checking {case.family} {case.dtype} on {case.device} ...", file=sys.stderr, flush=True)
        rows += Checker(case, runs, args.quick).all()
        dp.clear_models()  # one model resident at a time keeps GPU memory flat
    print(f"device {device}" + (f" ({torch.cuda.get_device_name()})" if device == "cuda" else "")
          + f"  torch {torch.__version__}  steps {cases[0].steps}  runs {runs}")
    widths = [max(len(r[i]) for r in rows + [("family", "dtype", "check", "result", "detail")]) for i in range(4)]
    header = ("family", "dtype", "check", "result", "detail")
    for r in [header] + rows:
        print("  ".join(r[i].ljust(widths[i]) for i in range(4)) + "  " + r[4])
    fails = sum(r[3] == "FAIL" for r in rows)
    passes = sum(r[3] == "PASS" for r in rows)
    infos = sum(r[3] == "INFO" for r in rows)
    print(f"{passes} PASS, {fails} FAIL, {len(rows) - passes - fails - infos} SKIP, {infos} INFO"
          f" in {time.perf_counter() - started:.0f} s")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
