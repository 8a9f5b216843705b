"""Tiny diffusers pipelines built from config with seeded weights, saved as real model folders.

Each builder writes a folder with `save_pretrained`, so the backend under test loads it through
the real `from_pretrained` path, exactly as it would load a downloaded model.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch  # noqa: E402
from diffusers import (  # noqa: E402
    AutoencoderKL,
    EulerDiscreteScheduler,
    FlowMatchEulerDiscreteScheduler,
    SD3Transformer2DModel,
    StableDiffusion3Pipeline,
    StableDiffusionInpaintPipeline,
    StableDiffusionPipeline,
    StableDiffusionXLPipeline,
    UNet2DConditionModel,
)
from transformers import (  # noqa: E402
    CLIPTextConfig,
    CLIPTextModel,
    CLIPTextModelWithProjection,
    CLIPTokenizer,
)

VOCAB_SIZE = 1000
HIDDEN = 32
SAMPLE_SIZE = 16  # latent side; with the 8x VAE below the native size is 128 px


def _bytes_to_unicode() -> list[str]:
    """GPT-2 / CLIP's byte-to-printable-character table, the base alphabet of the BPE."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
    bs += list(range(ord("®"), ord("ÿ") + 1))
    cs, n = bs[:], 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return [chr(c) for c in cs]


def write_tokenizer(folder: Path | None = None) -> CLIPTokenizer:
    """Write a character-level CLIP BPE vocabulary (no merges) and load it as a tokenizer."""
    folder = Path(folder or tempfile.mkdtemp(prefix="placard-tok-"))
    folder.mkdir(parents=True, exist_ok=True)
    chars = _bytes_to_unicode()
    tokens = chars + [c + "</w>" for c in chars] + ["<|startoftext|>", "<|endoftext|>"]
    (folder / "vocab.json").write_text(json.dumps({t: i for i, t in enumerate(tokens)}))
    (folder / "merges.txt").write_text("#version: 0.2\n")
    return CLIPTokenizer(
        vocab=str(folder / "vocab.json"), merges=str(folder / "merges.txt"), model_max_length=77
    )


def _text_config(projection: int | None = None) -> CLIPTextConfig:
    return CLIPTextConfig(
        bos_token_id=512,  # "<|startoftext|>" follows the 512 character tokens
        eos_token_id=513,
        hidden_size=HIDDEN,
        intermediate_size=37,
        layer_norm_eps=1e-05,
        num_attention_heads=4,
        num_hidden_layers=2,
        pad_token_id=513,
        vocab_size=VOCAB_SIZE,
        hidden_act="gelu",
        projection_dim=projection or HIDDEN,
    )


def _vae(latent_channels: int = 4, **extra) -> AutoencoderKL:
    return AutoencoderKL(
        block_out_channels=(8, 16, 16, 16),
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4,
        latent_channels=latent_channels,
        layers_per_block=1,
        norm_num_groups=8,
        sample_size=SAMPLE_SIZE * 8,
        **extra,
    )


def _unet(in_channels: int = 4, **extra) -> UNet2DConditionModel:
    extra.setdefault("cross_attention_dim", HIDDEN)
    return UNet2DConditionModel(
        block_out_channels=(32, 64),
        layers_per_block=1,
        sample_size=SAMPLE_SIZE,
        in_channels=in_channels,
        out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        norm_num_groups=32,
        **extra,
    )


def _scheduler() -> EulerDiscreteScheduler:
    return EulerDiscreteScheduler(
        beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", timestep_spacing="trailing",
        steps_offset=1,
    )


def _build_sd_family(cls: type, folder: Path, seed: int, in_channels: int) -> Path:
    """Save a tiny SD 1.x-style pipeline of class `cls` to `folder` and return it."""
    torch.manual_seed(seed)
    pipe = cls(
        unet=_unet(in_channels=in_channels),
        vae=_vae(),
        text_encoder=CLIPTextModel(_text_config()),
        tokenizer=write_tokenizer(),
        scheduler=_scheduler(),
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    pipe.save_pretrained(folder, safe_serialization=True)
    return folder


def build_sd(folder: Path, seed: int = 0) -> Path:
    """Save a tiny Stable Diffusion 1.x-style pipeline to `folder` and return it."""
    return _build_sd_family(StableDiffusionPipeline, folder, seed, in_channels=4)


def build_inpaint(folder: Path, seed: int = 0) -> Path:
    """Save a tiny inpainting pipeline (UNet with 9 input channels) to `folder`."""
    return _build_sd_family(StableDiffusionInpaintPipeline, folder, seed, in_channels=9)


def build_sdxl(folder: Path, seed: int = 0) -> Path:
    """Save a tiny SDXL-style pipeline (two text encoders, added time embeddings) to `folder`."""
    torch.manual_seed(seed)
    unet = _unet(
        attention_head_dim=(2, 4),
        use_linear_projection=True,
        addition_embed_type="text_time",
        addition_time_embed_dim=8,
        transformer_layers_per_block=(1, 2),
        projection_class_embeddings_input_dim=80,  # 6 * 8 + 32
        cross_attention_dim=64,
    )
    tok = write_tokenizer()
    pipe = StableDiffusionXLPipeline(
        unet=unet,
        vae=_vae(),
        text_encoder=CLIPTextModel(_text_config()),
        text_encoder_2=CLIPTextModelWithProjection(_text_config(projection=32)),
        tokenizer=tok,
        tokenizer_2=tok,
        scheduler=_scheduler(),
        force_zeros_for_empty_prompt=False,
    )
    pipe.save_pretrained(folder, safe_serialization=True)
    return folder


def build_sd3(folder: Path, seed: int = 0, latent_channels: int = 4) -> Path:
    """Save a tiny SD3-style pipeline (MMDiT transformer, two CLIP encoders, no T5) to `folder`.

    Real SD3 has 16 latent channels, and diffusers' SD3 inpainting pipeline accepts only 16 (or
    33); pass latent_channels=16 to exercise it.
    """
    torch.manual_seed(seed)
    transformer = SD3Transformer2DModel(
        sample_size=SAMPLE_SIZE,
        patch_size=1,
        in_channels=latent_channels,
        num_layers=2,
        attention_head_dim=8,
        num_attention_heads=4,
        caption_projection_dim=32,
        joint_attention_dim=2 * HIDDEN,  # both CLIP encoders' features, side by side
        pooled_projection_dim=2 * HIDDEN,
        out_channels=latent_channels,
    )
    tok = write_tokenizer()
    pipe = StableDiffusion3Pipeline(
        transformer=transformer,
        scheduler=FlowMatchEulerDiscreteScheduler(),
        vae=_vae(latent_channels, shift_factor=0.0609, scaling_factor=1.5035),
        text_encoder=CLIPTextModelWithProjection(_text_config(projection=HIDDEN)),
        tokenizer=tok,
        text_encoder_2=CLIPTextModelWithProjection(_text_config(projection=HIDDEN)),
        tokenizer_2=tok,
        text_encoder_3=None,
        tokenizer_3=None,
    )
    pipe.save_pretrained(folder, safe_serialization=True)
    return folder


def build_lora(folder: Path, base: Path, seed: int = 0) -> Path:
    """Train-free LoRA: a randomly initialised peft adapter on the tiny UNet (or SD3 transformer)."""
    from peft import LoraConfig
    from peft.utils import get_peft_model_state_dict

    torch.manual_seed(seed)
    sd3 = (Path(base) / "transformer").is_dir()
    model_cls = SD3Transformer2DModel if sd3 else UNet2DConditionModel
    model = model_cls.from_pretrained(base, subfolder="transformer" if sd3 else "unet")
    config = LoraConfig(
        r=4, lora_alpha=4, init_lora_weights=False, target_modules=["to_q", "to_k", "to_v", "to_out.0"]
    )
    model.add_adapter(config)
    layers = get_peft_model_state_dict(model)
    # Random B matrices are small; scale them up so the adapter visibly changes the image.
    layers = {k: v * 4.0 if "lora_B" in k else v for k, v in layers.items()}
    if sd3:
        StableDiffusion3Pipeline.save_lora_weights(folder, transformer_lora_layers=layers, safe_serialization=True)
    else:  # SD 1.x and SDXL adapters on the UNet share one file layout
        StableDiffusionPipeline.save_lora_weights(folder, unet_lora_layers=layers, safe_serialization=True)
    return folder / "pytorch_lora_weights.safetensors"


def build_all(root: Path) -> dict[str, Path]:
    """Build every tiny model under `root`: {"sd", "sdxl", "inpaint", "sd3", "lora"} -> path."""
    models = {
        "sd": build_sd(root / "tiny-sd"),
        "sdxl": build_sdxl(root / "tiny-sdxl"),
        "inpaint": build_inpaint(root / "tiny-inpaint"),
        "sd3": build_sd3(root / "tiny-sd3"),
    }
    models["lora"] = build_lora(root / "tiny-lora", models["sd"])
    return models


if __name__ == "__main__":  # python tests/tiny_models.py OUT_DIR: tiny models for trying the CLI
    import sys

    for name, path in build_all(Path(sys.argv[1] if len(sys.argv) > 1 else "tiny-models")).items():
        print(f"{name:8} {path}")
