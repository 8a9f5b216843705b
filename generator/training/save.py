"""Writing a run's results: the LoRA file in diffusers' format with provenance, and sample images."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from PIL import Image

from generator.training.checkpoint import write_atomic
from generator.training.images import ImageSet
from generator.training.meta import build_metadata
from generator.training.models import TARGET_MODULES
from generator.training.options import TrainConfig


def lora_state_dict(trainer: Any) -> dict[str, Any]:
    """The adapter's weights keyed as diffusers' save_lora_weights writes them ("unet.…lora.down.weight")."""
    from diffusers.utils import convert_state_dict_to_diffusers
    from peft.utils import get_peft_model_state_dict

    pipe = trainer.model.pipe
    layers = convert_state_dict_to_diffusers(get_peft_model_state_dict(pipe.unet))
    packed: dict[str, Any] = {}
    # save_lora_weights packs the keys for this pipeline class; its save_function hands them to us,
    # so the provenance metadata can be added and the file written atomically.
    type(pipe).save_lora_weights(
        str(trainer.out_folder), unet_lora_layers=layers, save_function=lambda weights, _: packed.update(weights),
    )
    return {k: v.detach().to("cpu").contiguous() for k, v in packed.items()}


def provenance(
    trainer: Any, ref: Any, images: ImageSet, config: TrainConfig, resolution: int, warmup: int
) -> dict[str, Any]:
    """The values lora-info shows: base model hash, image hashes, captions and the run's settings."""
    from generator.diffusion_models import model_fingerprint

    return {
        "base_model": model_fingerprint(ref),
        "images": [{"file": i.path.name, "sha256": i.sha256} for i in images.images],
        "captions": [{"file": i.path.name, "caption": i.caption} for i in images.images],
        "steps": trainer.step,
        "rank": config.rank,
        "lr": config.lr,
        "resolution": resolution,
        "seed": config.seed,
        "version": config.made_by,
        "base_model_name": ref.repo_id or ref.folder.name,
        "base_model_class": ref.class_name,
        "alpha": config.rank,
        "target_modules": list(TARGET_MODULES),
        "warmup_steps": warmup,
        "batch_size": config.batch_size * config.gradient_accumulation,
    }


def save_lora(
    trainer: Any, out: Path, ref: Any, images: ImageSet, config: TrainConfig, resolution: int, warmup: int
) -> dict[str, str]:
    """Write `out` atomically; return the metadata written into it."""
    from safetensors.torch import save_file

    trainer.out_folder = out.parent
    weights = lora_state_dict(trainer)
    metadata = build_metadata(provenance(trainer, ref, images, config, resolution, warmup))
    write_atomic(out, lambda tmp: save_file(weights, tmp, metadata=metadata))
    return metadata


def write_sample(trainer: Any, out: Path) -> Path:
    """Write `<stem>.sample-step<N>.png`: the same seed without (left) and with (right) the adapter."""
    from generator.training.models import sample_pair

    cfg = trainer.config
    base, tuned = sample_pair(trainer.model, cfg.sample_prompt, cfg.seed, trainer.resolution, cfg.sample_steps)
    pair = Image.new("RGB", (base.width + tuned.width, max(base.height, tuned.height)), "white")
    pair.paste(base, (0, 0))
    pair.paste(tuned, (base.width, 0))
    path = out.with_name(f"{out.stem}.sample-step{trainer.step:06d}.png")
    buf = io.BytesIO()
    pair.save(buf, format="PNG")
    write_atomic(path, lambda tmp: Path(tmp).write_bytes(buf.getvalue()))
    return path
