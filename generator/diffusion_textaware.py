"""Text-aware denoising: latent calming and Desigen-style cross-attention reduction under a mask.

Both mechanisms read one mask at latent resolution (1 where text will sit, feathered edges):

1. `LatentCalmer`, a `callback_on_step_end` hook, pulls the masked latents toward a heavily
   blurred copy of themselves during the early steps, so no structure forms there and the
   colours stay those of the surroundings.
2. `MaskedCrossAttnProcessor` multiplies the prompt tokens' cross-attention probabilities inside
   the mask by `scale` and renormalises (the start token takes the rest), so the objects the
   prompt asks for are drawn elsewhere (Desigen, CVPR 2024). It is an additive logit bias of
   log(1 - m (1 - scale)), so attention still runs in PyTorch's fused SDPA kernel.
   `MaskedJointAttnProcessor` does the same for SD3's joint (MMDiT) attention: image positions
   in the mask get the bias on every text key. FLUX and other transformers get calming only.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F



def gaussian_lowpass(latents: torch.Tensor, sigma: float) -> torch.Tensor:
    """Separable Gaussian blur of (B, C, H, W) latents with reflected edges."""
    _, c, h, w = latents.shape
    radius = max(1, min(int(3 * sigma), h - 1, w - 1))
    x = torch.arange(-radius, radius + 1, device=latents.device, dtype=torch.float32)
    k = torch.exp(-(x**2) / (2 * sigma**2))
    k = (k / k.sum()).to(latents.dtype)
    out = F.pad(latents, (radius, radius, 0, 0), mode="reflect")
    out = F.conv2d(out, k.view(1, 1, 1, -1).expand(c, 1, 1, -1), groups=c)
    out = F.pad(out, (0, 0, radius, radius), mode="reflect")
    return F.conv2d(out, k.view(1, 1, -1, 1).expand(c, 1, -1, 1), groups=c)


class LatentCalmer:
    """A `callback_on_step_end` that calms masked latents during the early denoising steps."""

    def __init__(
        self,
        mask: np.ndarray,
        *,
        strength: float,  # the caller passes generator.diffusion's documented defaults
        until: float,
        steps: int,
        pixel_size: tuple[int, int] | None = None,
    ):
        self.mask_np = mask
        self.strength = strength
        self.until = until
        self.steps = steps
        self.pixel_size = pixel_size  # (height, width), needed to unpack FLUX's packed latents
        self.applied: list[int] = []
        self._mask: torch.Tensor | None = None

    def _calm(self, latents: torch.Tensor) -> torch.Tensor:
        if self._mask is None or self._mask.device != latents.device:
            self._mask = torch.from_numpy(self.mask_np).to(latents.device)[None, None]
        m = self._mask.to(latents.dtype)
        low = gaussian_lowpass(latents.float(), sigma=min(latents.shape[-2:]) / 8).to(latents.dtype)
        return latents + self.strength * m * (low - latents)

    def __call__(self, pipe: Any, step: int, timestep: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
        total = getattr(pipe, "_num_timesteps", None) or self.steps
        if step < max(1, math.ceil(self.until * total)):
            latents = kwargs["latents"]
            if latents.ndim == 3 and hasattr(pipe, "_unpack_latents") and self.pixel_size:
                h, w = self.pixel_size
                spatial = pipe._unpack_latents(latents, h, w, pipe.vae_scale_factor)
                b, c, lh, lw = spatial.shape
                kwargs["latents"] = pipe._pack_latents(self._calm(spatial), b, c, lh, lw)
            elif latents.ndim == 4:
                kwargs["latents"] = self._calm(latents)
            self.applied.append(step)
        return kwargs


class _MaskBias:
    """The text mask at one attention layer's resolution, as additive logit biases (cached)."""

    def __init__(self, mask: np.ndarray, scale: float):
        self.mask_np = mask
        self.scale = scale
        self._cache: dict[tuple, torch.Tensor] = {}

    def keep_log(self, n: int, device: torch.device, dtype: torch.dtype) -> torch.Tensor:
        """(n, 1) log of the factor each position keeps: log(1 - m (1 - scale))."""
        key = ("keep", n, str(device), dtype)
        if key not in self._cache:
            h, w = self.mask_np.shape
            for f in (1, 2, 4, 8, 16, 32, 64):
                lh, lw = math.ceil(h / f), math.ceil(w / f)
                if lh * lw == n:
                    break
            else:
                raise ValueError(f"cannot map {n} attention positions onto a {h}x{w} latent mask")
            m = torch.from_numpy(self.mask_np)[None, None]
            m = F.interpolate(m, size=(lh, lw), mode="area").reshape(n, 1)
            keep = (1 - m * (1 - self.scale)).clamp_min(1e-6).log()
            self._cache[key] = keep.to(device=device, dtype=dtype)
        return self._cache[key]

    def cross(self, n: int, tokens: int, device: torch.device, dtype: torch.dtype) -> torch.Tensor:
        """(1, 1, n, tokens): every prompt token but the start token (the sink) is scaled down."""
        keep = self.keep_log(n, device, dtype)
        return torch.cat([torch.zeros_like(keep), keep.expand(n, tokens - 1)], dim=1)[None, None]

    def joint(self, n: int, tokens: int, device: torch.device, dtype: torch.dtype) -> torch.Tensor:
        """(1, 1, n+tokens, n+tokens) for MMDiT joint attention: image queries -> text keys."""
        key = ("joint", n, tokens, str(device), dtype)
        if key not in self._cache:
            bias = torch.zeros(n + tokens, n + tokens, device=device, dtype=dtype)
            bias[:n, n:] = self.keep_log(n, device, dtype)
            self._cache[key] = bias[None, None]
        return self._cache[key]


class MaskedCrossAttnProcessor:
    """UNet cross-attention whose prompt-token probabilities are scaled by `scale` in the mask."""

    def __init__(self, bias: _MaskBias):
        self.bias = bias

    def __call__(
        self,
        attn: Any,
        hidden_states: torch.Tensor,
        encoder_hidden_states: torch.Tensor | None = None,
        attention_mask: torch.Tensor | None = None,
        temb: torch.Tensor | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> torch.Tensor:
        residual = hidden_states
        if attn.spatial_norm is not None:
            hidden_states = attn.spatial_norm(hidden_states, temb)
        input_ndim = hidden_states.ndim
        if input_ndim == 4:
            batch, channel, height, width = hidden_states.shape
            hidden_states = hidden_states.view(batch, channel, height * width).transpose(1, 2)
        context = hidden_states if encoder_hidden_states is None else encoder_hidden_states
        batch, n, _ = hidden_states.shape
        tokens = context.shape[1]
        if attention_mask is not None:
            attention_mask = attn.prepare_attention_mask(attention_mask, tokens, batch)
            attention_mask = attention_mask.view(batch, attn.heads, -1, attention_mask.shape[-1])
        if attn.group_norm is not None:
            hidden_states = attn.group_norm(hidden_states.transpose(1, 2)).transpose(1, 2)
        query = attn.to_q(hidden_states)
        if encoder_hidden_states is not None and attn.norm_cross:
            context = attn.norm_encoder_hidden_states(context)
        key, value = attn.to_k(context), attn.to_v(context)
        head_dim = key.shape[-1] // attn.heads
        query = query.view(batch, -1, attn.heads, head_dim).transpose(1, 2)
        key = key.view(batch, -1, attn.heads, head_dim).transpose(1, 2)
        value = value.view(batch, -1, attn.heads, head_dim).transpose(1, 2)
        if encoder_hidden_states is not None:
            bias = self.bias.cross(n, tokens, query.device, query.dtype)
            attention_mask = bias if attention_mask is None else attention_mask + bias
        hidden_states = F.scaled_dot_product_attention(query, key, value, attn_mask=attention_mask)
        hidden_states = hidden_states.transpose(1, 2).reshape(batch, -1, attn.heads * head_dim)
        hidden_states = attn.to_out[1](attn.to_out[0](hidden_states))
        if input_ndim == 4:
            hidden_states = hidden_states.transpose(-1, -2).reshape(batch, channel, height, width)
        if attn.residual_connection:
            hidden_states = hidden_states + residual
        return hidden_states / attn.rescale_output_factor


class MaskedJointAttnProcessor:
    """SD3 (MMDiT) joint attention: image positions in the mask attend less to the text tokens."""

    def __init__(self, bias: _MaskBias):
        self.bias = bias

    def __call__(
        self,
        attn: Any,
        hidden_states: torch.Tensor,
        encoder_hidden_states: torch.Tensor | None = None,
        attention_mask: torch.Tensor | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        batch, n, _ = hidden_states.shape

        def heads(x: torch.Tensor, norm: Any) -> torch.Tensor:
            x = x.view(batch, -1, attn.heads, x.shape[-1] // attn.heads).transpose(1, 2)
            return norm(x) if norm is not None else x

        query = heads(attn.to_q(hidden_states), attn.norm_q)
        key = heads(attn.to_k(hidden_states), attn.norm_k)
        value = heads(attn.to_v(hidden_states), None)
        mask = None
        if encoder_hidden_states is not None:
            tokens = encoder_hidden_states.shape[1]
            query = torch.cat([query, heads(attn.add_q_proj(encoder_hidden_states), attn.norm_added_q)], dim=2)
            key = torch.cat([key, heads(attn.add_k_proj(encoder_hidden_states), attn.norm_added_k)], dim=2)
            value = torch.cat([value, heads(attn.add_v_proj(encoder_hidden_states), None)], dim=2)
            mask = self.bias.joint(n, tokens, query.device, query.dtype)
        out = F.scaled_dot_product_attention(query, key, value, attn_mask=mask)
        out = out.transpose(1, 2).reshape(batch, -1, query.shape[1] * query.shape[-1]).to(query.dtype)
        if encoder_hidden_states is None:
            return attn.to_out[1](attn.to_out[0](out))
        out, context = out[:, :n], out[:, n:]
        if not attn.context_pre_only:
            context = attn.to_add_out(context)
        return attn.to_out[1](attn.to_out[0](out)), context


@contextmanager
def masked_cross_attention(pipe: Any, mask: np.ndarray, scale: float) -> Iterator[str]:
    """Install the masked attention processors on a UNet (or an SD3 transformer) for one call.

    Yields what was done ("unet", "sd3-joint" or why it was skipped) and restores the original
    processors afterwards, since the pipeline is shared by every later request.
    """
    bias = _MaskBias(mask, scale)
    unet, transformer = getattr(pipe, "unet", None), getattr(pipe, "transformer", None)
    if unet is not None and hasattr(unet, "set_attn_processor"):
        model, done = unet, "unet"
        original = dict(unet.attn_processors)
        masked: Any = MaskedCrossAttnProcessor(bias)
        wanted = {n: masked if n.endswith("attn2.processor") else p for n, p in original.items()}
    elif transformer is not None and hasattr(transformer, "attn_processors") and any(
        type(p).__name__ == "JointAttnProcessor2_0" for p in transformer.attn_processors.values()
    ):
        model, done = transformer, "sd3-joint"
        original = dict(transformer.attn_processors)
        masked = MaskedJointAttnProcessor(bias)
        wanted = {n: masked if type(p).__name__ == "JointAttnProcessor2_0" else p for n, p in original.items()}
    else:
        name = type(transformer or pipe).__name__
        yield f"skipped: {name} has no supported cross-attention (latent calming only)"
        return
    model.set_attn_processor(wanted)
    try:
        yield done
    finally:
        model.set_attn_processor(original)
