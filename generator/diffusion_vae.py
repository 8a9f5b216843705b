"""A float32 VAE under a half-precision pipeline, the way diffusers now recommends.

SDXL's VAE overflows in float16, so its config says `force_upcast`, and the SDXL pipelines call
the deprecated `upcast_vae()` (a FutureWarning on every call) before each decode. diffusers'
replacement is `pipe.vae.to(torch.float32)`. The pipelines still hand the VAE half-precision
latents and images, so the VAE's entry modules cast their inputs to its own dtype, and
`force_upcast` is switched off so no pipeline moves the VAE back to float16 (the img2img and
inpaint pipelines do after encoding).
"""

from __future__ import annotations

from typing import Any

import torch

_HOOKED = "_placard_fp32_inputs"


def _cast_to_module_dtype(module: torch.nn.Module, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    dtype = next(module.parameters()).dtype

    def cast(value: Any) -> Any:
        if isinstance(value, torch.Tensor) and value.is_floating_point() and value.dtype != dtype:
            return value.to(dtype)
        return value

    return tuple(cast(a) for a in args), {k: cast(v) for k, v in kwargs.items()}


def needs_float32_vae(pipe: Any, dtype: torch.dtype, device: str) -> bool:
    """Whether `pipe` would upcast its VAE itself: a float16 pipeline whose VAE asks for it."""
    vae = getattr(pipe, "vae", None)
    return (
        dtype == torch.float16
        and vae is not None
        and bool(getattr(vae.config, "force_upcast", False))
        and hasattr(type(pipe), "upcast_vae")  # the pipelines that honour force_upcast (SDXL family)
        # On MPS the SDXL pipelines cast the VAE to the latents' dtype before decoding (a PyTorch
        # workaround), which would undo this; leave diffusers' own upcasting there.
        and device != "mps"
    )


def keep_vae_float32(pipe: Any) -> None:
    """Move the VAE to float32 for good and let it take float16 inputs (shared by derived pipelines)."""
    vae = pipe.vae
    vae.to(torch.float32)
    for name in ("encoder", "quant_conv", "post_quant_conv", "decoder"):
        module = getattr(vae, name, None)
        if isinstance(module, torch.nn.Module) and not getattr(module, _HOOKED, False):
            module.register_forward_pre_hook(_cast_to_module_dtype, with_kwargs=True)
            setattr(module, _HOOKED, True)
    vae.register_to_config(force_upcast=False)
