"""Train a brand-style LoRA on a folder of images: the diffusers + peft recipe, seeded and resumable.

The recipe follows diffusers' examples/text_to_image/train_text_to_image_lora.py: the base model
is frozen, peft LoRA adapters sit on the UNet's attention projections, the loss is the MSE
between the predicted and the true noise (or velocity), AdamW with a warmup, gradients clipped
at 1.0. Latents and text features are computed once, since the VAE and text encoders are frozen.
Every random draw comes from one CPU generator whose state is checkpointed with the weights.
"""

from __future__ import annotations

import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from generator.errors import GeneratorError, RequestError
from generator.training import checkpoint as ckpt
from generator.training.images import ImageSet, prepare, scan_images
from generator.training.options import TrainConfig, check_options, check_out, make_out_folder


@dataclass
class TrainResult:
    """What a finished run wrote and measured."""

    out: Path
    checkpoint: Path
    steps: int
    losses: list[float]
    samples: list[Path]
    warnings: list[str]
    metadata: dict[str, str]
    device: str
    dtype: str  # the frozen base weights
    lora_dtype: str  # the trained parameters: float32 under mixed precision
    seconds_per_step: float = 0.0
    peak_memory_bytes: int | None = None  # CUDA only


class _StopOnCtrlC:
    """The first Ctrl-C asks the loop to stop after the current step; a second one stops at once."""

    def __init__(self) -> None:
        self.requested = False
        self._previous: Any = None

    def _handle(self, signum, frame) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    def __enter__(self) -> "_StopOnCtrlC":
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)


def train_lora(
    config: TrainConfig,
    *,
    progress: bool = False,
    log: Callable[[str], None] = lambda line: None,
    on_step: Callable[[int, float], None] | None = None,
) -> TrainResult:
    """Train a LoRA as `config` says; write it (and its checkpoint and samples) beside config.out."""
    from generator.diffusion_models import model_fingerprint, resolve_model
    from generator.training import models

    # 1. Check options and the output path (nothing is loaded or written yet)
    check_options(config)
    out = check_out(config.out)

    # 2. Find the model and its family; settle the resolution
    ref = resolve_model(config.model, allow_download=config.allow_download)
    models.model_family(ref)  # SD3, FLUX, inpainting: refused before anything loads
    native, multiple = models.native_resolution(ref)
    resolution = config.resolution or native
    if resolution % multiple:
        raise RequestError(
            f"invalid value for '--resolution': {resolution}; this model needs a multiple of {multiple} "
            f"(its native size is {native})"
        )

    # 3. Check the images and captions
    images = scan_images(config.images, min_side=resolution, caption=config.caption)
    for line in images.warnings:
        log(f"warning: {line}")

    # 4. What identifies this run, for resume checks and the file's provenance
    ckpt_path = ckpt.checkpoint_path(out)
    state = None
    warmup = config.warmup_steps
    if config.resume and warmup is None:  # keep the schedule the run started with
        warmup = ckpt.load(ckpt_path, {})["run"].get("warmup_steps")
    warmup = min(100, config.steps // 10) if warmup is None else warmup
    run = {
        "base_model": model_fingerprint(ref),
        "images": [i.sha256 for i in images.images],
        "captions": [i.caption for i in images.images],
        "rank": config.rank, "lr": config.lr, "resolution": resolution, "seed": config.seed,
        "batch_size": config.batch_size, "gradient_accumulation": config.gradient_accumulation,
        "warmup_steps": warmup, "dtype": config.dtype,
    }
    if config.resume:
        state = ckpt.load(ckpt_path, run)
    elif ckpt_path.exists():
        log(f"warning: {ckpt_path}: an earlier run's checkpoint; this run replaces it (--resume continues it)")
    make_out_folder(out)

    # 5. Load the frozen model and add the adapter
    model = models.load(ref, config.device, config.dtype, config.allow_download)
    trainer = _Trainer(model, images, resolution, config, warmup)
    if state is not None:
        trainer.restore(state)
        log(f"resuming from step {trainer.step} of {config.steps}")

    # 6. Train, with checkpoints, samples and Ctrl-C handled between steps
    samples = trainer.run(out, ckpt_path, run, progress=progress, log=log, on_step=on_step)

    # 7. Write the adapter in diffusers' format with its provenance
    from generator.training.save import save_lora

    metadata = save_lora(trainer, out, ref, images, config, resolution, warmup)
    return TrainResult(
        out=out, checkpoint=ckpt_path, steps=trainer.step, losses=list(trainer.losses), samples=samples,
        warnings=list(images.warnings), metadata=metadata, device=model.device,
        dtype=str(model.dtype).replace("torch.", ""), lora_dtype=trainer.lora_dtype(),
        seconds_per_step=trainer.seconds_per_step(), peak_memory_bytes=trainer.peak_memory(),
    )


class _Trainer:
    """The optimizer loop over precomputed latents and text features."""

    def __init__(self, model: Any, images: ImageSet, resolution: int, config: TrainConfig, warmup: int) -> None:
        import numpy as np
        import torch
        from diffusers import DDPMScheduler
        from diffusers.optimization import get_scheduler
        from diffusers.training_utils import cast_training_params
        from peft import LoraConfig

        from generator.training.models import TARGET_MODULES, encode_caption, encode_latents

        self.model, self.config, self.resolution = model, config, resolution
        self.step = 0
        self.losses: list[float] = []
        self._times: list[float] = []
        unet = model.unet
        with torch.random.fork_rng(devices=[]):  # the adapter's random init is part of the seeded run
            torch.manual_seed(config.seed)
            unet.add_adapter(LoraConfig(
                r=config.rank, lora_alpha=config.rank, init_lora_weights="gaussian",
                target_modules=list(TARGET_MODULES),
            ))
        # Mixed precision: the frozen base runs in half precision, the LoRA weights and their
        # optimizer state stay float32 so small updates are not rounded away.
        cast_training_params(unet, dtype=torch.float32)
        if config.gradient_checkpointing:
            unet.enable_gradient_checkpointing()
        self.params = list(ckpt.lora_parameters(unet).values())
        self.optimizer = torch.optim.AdamW(self.params, lr=config.lr, betas=(0.9, 0.999), weight_decay=1e-2, eps=1e-8)
        self.scheduler = get_scheduler("constant_with_warmup", self.optimizer, num_warmup_steps=warmup)
        half = model.device == "cuda" and model.dtype == torch.float16
        self.scaler = torch.amp.GradScaler("cuda") if half else None
        self.noise = DDPMScheduler.from_config(model.pipe.scheduler.config)
        if self.noise.config.prediction_type not in ("epsilon", "v_prediction", "sample"):
            raise GeneratorError(
                f"the model's scheduler predicts {self.noise.config.prediction_type!r}; train-lora trains "
                "epsilon, v_prediction and sample models"
            )
        self.generator = torch.Generator("cpu").manual_seed(config.seed)
        self.scaling = float(model.pipe.vae.config.scaling_factor)

        # Encode every image and caption once: both encoders are frozen.
        self.mean, self.std, self.text, self.time_ids = [], [], [], []
        by_caption: dict[str, dict] = {}
        for item in images.images:
            prep = prepare(item, resolution)
            pixels = torch.from_numpy(np.asarray(prep.image, dtype=np.float32) / 127.5 - 1.0)
            mean, std = encode_latents(model, pixels.permute(2, 0, 1)[None])
            self.mean.append(mean[0])
            self.std.append(std[0])
            if item.caption not in by_caption:
                by_caption[item.caption] = encode_caption(model, item.caption)
            self.text.append(by_caption[item.caption])
            self.time_ids.append(torch.tensor([*prep.original_size, *prep.crop_top_left, resolution, resolution],
                                              dtype=torch.float32))
        self._orders: dict[int, list[int]] = {}
        if model.device == "cuda":
            torch.cuda.reset_peak_memory_stats()

    def restore(self, state: dict) -> None:
        """Continue from a checkpoint."""
        ckpt.restore(state, unet=self.model.unet, optimizer=self.optimizer, scheduler=self.scheduler,
                     scaler=self.scaler, generator=self.generator)
        self.step = int(state["step"])
        self.losses = [float(x) for x in state.get("losses", [])]

    def _index(self, counter: int) -> int:
        """The image for the counter-th draw: a fresh seeded shuffle each epoch, so order needs no state."""
        import torch

        n = len(self.mean)
        epoch = counter // n
        if epoch not in self._orders:
            g = torch.Generator("cpu").manual_seed(self.config.seed * 1_000_003 + epoch)
            self._orders = {epoch: torch.randperm(n, generator=g).tolist()}
        return self._orders[epoch][counter % n]

    def _micro_loss(self, counter: int) -> Any:
        import torch
        import torch.nn.functional as F

        model, g = self.model, self.generator
        idx = [self._index(counter + j) for j in range(self.config.batch_size)]
        mean = torch.stack([self.mean[i] for i in idx])
        latents = (mean + torch.stack([self.std[i] for i in idx]) * torch.randn(mean.shape, generator=g)) * self.scaling
        noise = torch.randn(latents.shape, generator=g)
        t = torch.randint(0, self.noise.config.num_train_timesteps, (len(idx),), generator=g)
        noisy = self.noise.add_noise(latents, noise, t)
        kind = self.noise.config.prediction_type  # SD 2.x 768 px models predict velocity
        target = {"epsilon": noise, "sample": latents}.get(kind)
        target = self.noise.get_velocity(latents, noise, t) if kind == "v_prediction" else target
        if target is None:
            raise GeneratorError(f"the scheduler predicts {kind!r}; LoRA training knows epsilon, sample and v_prediction")
        dev, dt = model.device, model.dtype
        kwargs = {}
        if model.family == "sdxl":
            kwargs["added_cond_kwargs"] = {
                "text_embeds": torch.stack([self.text[i]["pooled"] for i in idx]).to(dev, dt),
                "time_ids": torch.stack([self.time_ids[i] for i in idx]).to(dev, dt),
            }
        embeds = torch.stack([self.text[i]["embeds"] for i in idx]).to(dev, dt)
        with torch.autocast(dev, dtype=dt, enabled=dev == "cuda" and dt != torch.float32):
            pred = model.unet(noisy.to(dev, dt), t.to(dev), embeds, **kwargs).sample
        return F.mse_loss(pred.float(), target.to(dev).float())

    def train_step(self) -> float:
        """One optimizer step over gradient_accumulation micro-batches; returns the mean loss."""
        import torch

        accum, total = self.config.gradient_accumulation, 0.0
        self.model.unet.train()
        for m in range(accum):
            loss = self._micro_loss((self.step * accum + m) * self.config.batch_size) / accum
            (self.scaler.scale(loss) if self.scaler else loss).backward()
            total += float(loss.detach())
        if self.scaler:
            self.scaler.unscale_(self.optimizer)
        torch.nn.utils.clip_grad_norm_(self.params, 1.0)
        if self.scaler:
            self.scaler.step(self.optimizer)
            self.scaler.update()
        else:
            self.optimizer.step()
        self.scheduler.step()
        self.optimizer.zero_grad(set_to_none=True)
        self.step += 1
        self.losses.append(total)
        return total

    def run(self, out: Path, ckpt_path: Path, run: dict, *, progress: bool, log, on_step) -> list[Path]:
        """Train up to config.steps; checkpoint every N steps, at the end and on Ctrl-C."""
        from generator.training.save import write_sample

        cfg, samples = self.config, []
        saved = self.step

        def save() -> None:
            ckpt.save(ckpt_path, step=self.step, unet=self.model.unet, optimizer=self.optimizer,
                      scheduler=self.scheduler, scaler=self.scaler, generator=self.generator, run=run,
                      losses=self.losses)

        with _progress(progress, cfg.steps, self.step) as bar, _StopOnCtrlC() as stop:
            while self.step < cfg.steps:
                start = time.perf_counter()
                loss = self.train_step()
                self._times.append(time.perf_counter() - start)
                bar(self.step, loss)
                if on_step:
                    on_step(self.step, loss)
                if self.step % cfg.checkpoint_every == 0 or self.step == cfg.steps:
                    save()
                    saved = self.step
                due = cfg.sample_every and self.step % cfg.sample_every == 0
                if cfg.sample_prompt and (due or self.step == cfg.steps):
                    samples.append(write_sample(self, out))
                if stop.requested:
                    if saved != self.step:
                        save()
                    log(f"interrupted: checkpoint saved at step {self.step} in {ckpt_path}; continue with --resume")
                    raise KeyboardInterrupt
        if saved != self.step:  # resumed at or past the last step: still leave a checkpoint that matches
            save()
        return samples

    def lora_dtype(self) -> str:
        return str(self.params[0].dtype).replace("torch.", "")

    def seconds_per_step(self) -> float:
        """Median seconds per optimizer step, leaving out the first (warm-up, allocations)."""
        times = sorted(self._times[1:] or self._times)
        return times[len(times) // 2] if times else 0.0

    def peak_memory(self) -> int | None:
        import torch

        return int(torch.cuda.max_memory_allocated()) if self.model.device == "cuda" else None


class _progress:
    """A rich progress bar on stderr (step, loss, ETA), or nothing."""

    def __init__(self, enabled: bool, total: int, done: int) -> None:
        self.enabled, self.total, self.done = enabled, total, done

    def __enter__(self) -> Callable[[int, float], None]:
        if not self.enabled:
            return lambda step, loss: None
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        self.bar = Progress(
            TextColumn("training"), BarColumn(), TextColumn("step {task.completed}/{task.total}"),
            TextColumn("loss {task.fields[loss]}"), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
            console=Console(stderr=True),
        )
        self.bar.__enter__()
        task = self.bar.add_task("training", total=self.total, completed=self.done, loss="-")
        return lambda step, loss: self.bar.update(task, completed=step, loss=f"{loss:.4f}")

    def __exit__(self, *exc) -> None:
        if self.enabled:
            self.bar.__exit__(*exc)
