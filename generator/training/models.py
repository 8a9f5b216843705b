"""The base model for training: which families train, loading, prompt encoding, sample images.

SD 1.x/2.x and SDXL train (UNet with attention projections to_q/to_k/to_v/to_out.0). SD3 and
FLUX are refused before anything loads: their LoRA recipe (flow matching on a transformer,
T5 text features, 12-24 GB even for rank 8) is a separate trainer, not a branch of this one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import GeneratorError
from generator.diffusion_models import ModelRef, unet_in_channels

FAMILIES = {"StableDiffusionPipeline": "sd", "StableDiffusionXLPipeline": "sdxl"}
TARGET_MODULES = ("to_q", "to_k", "to_v", "to_out.0")


def model_family(ref: ModelRef) -> str:
    """"sd" or "sdxl" for a trainable model; GeneratorError naming the family otherwise."""
    family = FAMILIES.get(ref.class_name)
    if family is None:
        raise GeneratorError(
            f"{ref.folder} holds a {ref.class_name}: LoRA training is not supported for this model "
            "family; train-lora trains Stable Diffusion 1.x/2.x and SDXL models"
        )
    if unet_in_channels(ref.folder) not in (None, 4):
        raise GeneratorError(
            f"{ref.folder} is an inpainting model (its UNet takes {unet_in_channels(ref.folder)} input "
            "channels); train a style LoRA on the text-to-image model it was made from"
        )
    return family


def _config(folder: Path, sub: str) -> dict[str, Any]:
    try:
        return json.loads((folder / sub / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GeneratorError(f"cannot read {folder / sub / 'config.json'}: {exc}") from None


def native_resolution(ref: ModelRef) -> tuple[int, int]:
    """(native side in pixels, the multiple each side must be), read from config files only."""
    unet, vae = _config(ref.folder, "unet"), _config(ref.folder, "vae")
    factor = 2 ** (len(vae.get("block_out_channels", [0] * 4)) - 1)
    sample = unet.get("sample_size") or 64
    sample = sample[0] if isinstance(sample, (list, tuple)) else sample
    multiple = factor * 2 ** (len(unet.get("block_out_channels", [0] * 4)) - 1)
    return int(sample) * factor, multiple


@dataclass
class TrainModel:
    """The loaded pipeline, its family and where and in what precision it runs."""

    pipe: Any
    family: str
    device: str
    dtype: Any  # torch.dtype of the frozen weights

    @property
    def unet(self) -> Any:
        return self.pipe.unet


def load(ref: ModelRef, device: str, dtype: str, allow_download: bool) -> TrainModel:
    """Load the pipeline as `build` would (same device and dtype choice), everything frozen."""
    from diffusers import AutoPipelineForText2Image

    from generator import diffusion_pipes as dp

    family = model_family(ref)
    dev = dp.pick_device(device)
    torch_dtype = dp.pick_dtype(dtype, dev, ref.class_name)
    pipe = dp._from_pretrained(AutoPipelineForText2Image, ref, torch_dtype, allow_download)
    pipe.to(dev)
    pipe.set_progress_bar_config(disable=True)
    for name in ("unet", "vae", "text_encoder", "text_encoder_2"):
        part = getattr(pipe, name, None)
        if part is not None:
            part.requires_grad_(False)
            part.eval()
    return TrainModel(pipe, family, dev, torch_dtype)


def encode_caption(model: TrainModel, caption: str) -> dict[str, Any]:
    """The frozen text encoders' features for one caption (pooled embeds too for SDXL), on the CPU."""
    import torch

    with torch.no_grad():
        out = model.pipe.encode_prompt(
            prompt=caption, device=model.device, num_images_per_prompt=1, do_classifier_free_guidance=False,
        )
    if model.family == "sdxl":
        return {"embeds": out[0][0].cpu(), "pooled": out[2][0].cpu()}
    return {"embeds": out[0][0].cpu()}


def encode_latents(model: TrainModel, pixels: Any) -> tuple[Any, Any]:
    """The VAE posterior's mean and std for a batch of [-1, 1] pixels, as float32 on the CPU."""
    import torch

    vae = model.pipe.vae
    upcast = model.dtype == torch.float16 and getattr(vae.config, "force_upcast", False)
    if upcast:  # SDXL's VAE overflows in float16; diffusers' trainer upcasts it the same way
        vae.to(torch.float32)
    with torch.no_grad():
        dist = vae.encode(pixels.to(model.device, vae.dtype)).latent_dist
        mean, std = dist.mean.float().cpu(), dist.std.float().cpu()
    if upcast:
        vae.to(model.dtype)
    return mean, std


def sample_pair(model: TrainModel, prompt: str, seed: int, resolution: int, steps: int):
    """Two images from the same seed: without the adapter, then with it."""
    import torch

    images = []
    unet = model.unet
    was_training = unet.training
    unet.eval()
    for enabled in (False, True):
        unet.enable_adapters() if enabled else unet.disable_adapters()
        with torch.no_grad():
            images.append(model.pipe(
                prompt, num_inference_steps=steps, height=resolution, width=resolution,
                generator=torch.Generator("cpu").manual_seed(seed), output_type="pil",
            ).images[0])
    unet.train(was_training)
    return images
