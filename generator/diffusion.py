"""The diffusion backend: diffusers text-to-image models told where the text will sit.

Importing this module is cheap: torch and diffusers load on the first `generate` call, and a
cached rebuild (see generator.cache) never loads them at all. request.options keys:

    model           local diffusers folder or Hugging Face id (fallback: $PLACARD_MODEL)
    revision        hub revision (branch, tag or commit) for a hub id
    steps, guidance denoising steps (default 30) and classifier-free guidance (default 7.0)
    scheduler       ddim | dpm++ | dpm++_sde | euler | euler_a | flow_euler | heun | lcm | lms | pndm | unipc
    lora            [{path, scale}] brand adapters, loaded once and switched per request
    device, dtype   auto | cuda | mps | cpu;  auto | float16 | bfloat16 | float32
    cpu_offload, vae_tiling, allow_download, progress    booleans (default False)
    init_image, strength       img2img: a PIL image or file path, strength in (0, 1] (default 0.6)
    blend, background          illustrations: none | feather | rounded | inpaint, and the PIL crop under it
    inpaint_model              a dedicated inpainting model for blend: inpaint (optional)
    calm_strength, calm_until, attention_scale     text-aware strengths (see diffusion_textaware)
"""

from __future__ import annotations

import inspect
import logging
import math
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFilter, ImageOps

from generator.errors import GeneratorError
from generator.base import GeneratedImage, GenerateRequest
from generator.diffusion_models import (
    LoraRef,
    file_sha256,
    model_fingerprint,
    model_name,
    parse_loras,
    resolve_model,
)
from generator.diffusion_schedulers import check_scheduler
from generator.masks import scale_boxes, text_mask
from generator.metrics import rea

DEFAULT_NEGATIVE_PROMPT = (
    "text, letters, words, typography, writing, caption, watermark, signature, logo, label"
)
# Desigen zeroes attention inside the mask; TextCenGen (ICML 2025) shows that hard reduction
# leaves seams and washed-out regions. 0.3 keeps 30% of the prompt's pull (after renormalising,
# near 0.3x since the start token holds most of the mass), enough to push objects out of the box
# while latent calming does the rest of the work.
DEFAULT_ATTENTION_SCALE = 0.3
# Calming is a pull toward the blurred latents at each early step: 0.8 of the way each step.
DEFAULT_CALM_STRENGTH = 0.8
# Calm only during the first 60% of the steps: layout forms early; later steps add fine detail
# and lighting consistent with the rest of the image.
DEFAULT_CALM_UNTIL = 0.6
BLENDS = ("none", "feather", "rounded", "inpaint")
DEFAULTS = {"steps": 30, "guidance": 7.0, "strength": 0.6, "inpaint_strength": 1.0}


@dataclass(frozen=True)
class DiffusionOptions:
    """request.options, checked and typed."""

    model: str
    revision: str | None
    steps: int
    guidance: float
    scheduler: str | None
    loras: tuple[LoraRef, ...]
    device: str
    dtype: str
    cpu_offload: bool
    vae_tiling: bool
    allow_download: bool
    progress: bool
    init_image: Image.Image | None
    strength: float | None
    blend: str | None
    background: Image.Image | None
    inpaint_model: str | None
    calm_strength: float
    calm_until: float
    attention_scale: float
    allow_pickle: bool = False  # load pickled .bin weights (torch.load); only on the operator's flag


def _number(options: dict[str, Any], key: str, default: float, lo: float, hi: float, kind=float) -> Any:
    value = options.get(key)
    if value is None:
        return default
    try:
        number = kind(value)
    except (TypeError, ValueError):
        number = None
    if number is None or isinstance(value, bool) or not lo <= number <= hi or (kind is int and number != value):
        what = "an integer" if kind is int else "a number"
        raise GeneratorError(f"{key} must be {what} from {lo} to {hi}, got {value!r}")
    return number


def _image(value: Any, key: str) -> Image.Image | None:
    if value is None or isinstance(value, Image.Image):
        return value
    try:
        with Image.open(Path(value)) as im:
            im.load()
            return im.convert("RGB")
    except (OSError, ValueError) as exc:
        raise GeneratorError(f"{key}: cannot read image {value}: {exc}") from None


def read_options(request: GenerateRequest) -> DiffusionOptions:
    """Check request.options; raise GeneratorError naming the option and the value given."""
    o = request.options
    blend = o.get("blend")
    if blend is not None and blend not in BLENDS:
        raise GeneratorError(f"blend must be one of {' | '.join(BLENDS)}, got {blend!r}")
    blend = None if blend == "none" else blend
    init = _image(o.get("init_image"), "init_image")
    strength_default = DEFAULTS["inpaint_strength"] if blend == "inpaint" else DEFAULTS["strength"]
    return DiffusionOptions(
        model=model_name(o),
        revision=o.get("revision"),
        steps=_number(o, "steps", DEFAULTS["steps"], 1, 1000, int),
        guidance=_number(o, "guidance", DEFAULTS["guidance"], 0.0, 100.0),
        scheduler=o.get("scheduler") or None,
        loras=parse_loras(o.get("lora")),
        device=str(o.get("device") or "auto"),
        dtype=str(o.get("dtype") or "auto"),
        cpu_offload=bool(o.get("cpu_offload", False)),
        vae_tiling=bool(o.get("vae_tiling", False)),
        allow_download=bool(o.get("allow_download", False)),
        allow_pickle=bool(o.get("allow_pickle", False)),
        progress=bool(o.get("progress", False)),
        init_image=init,
        strength=_number(o, "strength", strength_default, 0.01, 1.0),
        blend=blend,
        background=_image(o.get("background"), "background"),
        inpaint_model=o.get("inpaint_model") or None,
        calm_strength=_number(o, "calm_strength", DEFAULT_CALM_STRENGTH, 0.0, 1.0),
        calm_until=_number(o, "calm_until", DEFAULT_CALM_UNTIL, 0.0, 1.0),
        attention_scale=_number(o, "attention_scale", DEFAULT_ATTENTION_SCALE, 0.0, 1.0),
    )


def generation_size(width: int, height: int, native: int, multiple: int) -> tuple[int, int]:
    """The model's native pixel area at the canvas aspect ratio, each side a multiple of `multiple`."""
    root = math.sqrt(width / height)
    gw = max(multiple, round(native * root / multiple) * multiple)
    gh = max(multiple, round(native / root / multiple) * multiple)
    return gw, gh


def negative_prompt(user: str) -> str:
    """The default negative prompt (no rendered letters or watermarks) plus the user's own."""
    return f"{DEFAULT_NEGATIVE_PROMPT}, {user}" if user.strip() else DEFAULT_NEGATIVE_PROMPT


def illustration_alpha(size: tuple[int, int], blend: str) -> Image.Image:
    """An "L" mask for an illustration: feathered edges, or anti-aliased rounded corners."""
    w, h = size
    short = min(w, h)
    if blend == "rounded":
        big = Image.new("L", (w * 4, h * 4), 0)
        ImageDraw.Draw(big).rounded_rectangle([0, 0, w * 4 - 1, h * 4 - 1], radius=short * 0.4, fill=255)
        return big.resize(size, Image.Resampling.LANCZOS)
    inset = max(1.0, short * 0.08)
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).rectangle([inset, inset, w - 1 - inset, h - 1 - inset], fill=255)
    return mask.filter(ImageFilter.GaussianBlur(inset / 2))


@contextmanager
def library_warnings():
    """diffusers' and torch's own Python warnings stay quiet unless logging is verbose (-v)."""
    with warnings.catch_warnings():
        if not logging.getLogger("placard").isEnabledFor(logging.INFO):
            warnings.simplefilter("ignore")
        yield


class DiffusionBackend:
    """Paints backgrounds and illustrations with a diffusers model; keeps text areas calm."""

    name = "diffusion"

    def __init__(self) -> None:
        self.pipeline_calls = 0  # how many times a diffusers pipeline actually ran

    def cache_identity(self, request: GenerateRequest) -> dict[str, Any]:
        """What identifies the model and adapters by content, for generator.cache (no torch)."""
        o = request.options
        name = model_name(o)
        try:
            ref = resolve_model(name, revision=o.get("revision"))
            ident: dict[str, Any] = {"model": ref.repo_id or str(ref.folder), "revision": ref.revision,
                                     "fingerprint": model_fingerprint(ref)}
        except GeneratorError:
            if not o.get("allow_download"):
                raise
            ident = {"model": name, "revision": o.get("revision")}
        ident["lora"] = [[file_sha256(lo.path), lo.scale] for lo in parse_loras(o.get("lora"))]
        if o.get("inpaint_model"):
            inpaint = resolve_model(str(o["inpaint_model"]))
            ident["inpaint_model"] = model_fingerprint(inpaint)
        return ident

    def generate(self, request: GenerateRequest) -> GeneratedImage:
        """Generate the request's image at the model's native size, then scale it to the request's."""
        # 1. Check the request and find the model
        opts = read_options(request)
        ref = resolve_model(opts.model, allow_download=opts.allow_download, revision=opts.revision)
        inpaint_ref = resolve_model(opts.inpaint_model) if opts.inpaint_model else None
        check_scheduler(opts.scheduler, ref.folder)  # before loading: a wrong pair costs no load
        if inpaint_ref is not None and opts.blend == "inpaint" and request.kind == "illustration":
            check_scheduler(opts.scheduler, inpaint_ref.folder)

        # 2. Load the pipeline (once per process) and switch adapters
        from generator import diffusion_pipes as dp

        loaded = dp.load_model(
            ref, device=opts.device, dtype=opts.dtype, cpu_offload=opts.cpu_offload,
            allow_download=opts.allow_download, allow_pickle=opts.allow_pickle,
        )
        dp.use_loras(loaded, opts.loras)

        # 3. Choose the generation size
        gw, gh = generation_size(request.width, request.height, loaded.native_size(), loaded.size_multiple())

        # 4. Pick the task pipeline and its image inputs
        task, task_inputs = self._task_inputs(request, opts, (gw, gh))
        pipe = dp.task_pipe(loaded, task, inpaint_ref if task == "inpaint" else None)
        scheduler = dp.use_scheduler(loaded, pipe, opts.scheduler)
        if hasattr(pipe, "vae") and hasattr(pipe.vae, "enable_tiling"):
            pipe.vae.enable_tiling() if opts.vae_tiling else pipe.vae.disable_tiling()
        pipe.set_progress_bar_config(disable=not opts.progress, leave=False, desc="denoising")

        # 5. Denoise, with the text-aware hooks when asked
        image, text_info = self._denoise(pipe, request, opts, (gw, gh), task_inputs)

        # 6. Scale to the requested size and blend illustrations
        final = image.convert("RGB").resize((request.width, request.height), Image.Resampling.LANCZOS)
        final = self._blend(final, request, opts)
        meta = {
            "backend": self.name,
            "model": opts.model,
            "model_path": str(ref.folder),
            "revision": ref.revision,
            "pipeline": type(pipe).__name__,
            "task": task,
            "device": loaded.device,
            "dtype": str(loaded.dtype).replace("torch.", ""),
            "cpu_offload": opts.cpu_offload and loaded.device == "cuda",
            "vae_tiling": opts.vae_tiling,
            "generated_size": [gw, gh],
            "final_size": [request.width, request.height],
            "seed": request.seed,
            "steps": opts.steps,
            "guidance": opts.guidance,
            "scheduler": scheduler,
            "lora": [{"path": str(lo.path), "scale": lo.scale} for lo in opts.loras],
            "prompt": request.prompt,
            "negative_prompt": negative_prompt(request.negative_prompt),
            "text_aware": text_info,
            "rea": [round(rea(final, b), 3) for b in request.text_boxes],
        }
        if task != "text2img":
            meta["strength"] = opts.strength
        if opts.blend and request.kind == "illustration":
            meta["blend"] = opts.blend
        return GeneratedImage(final, meta)

    def _task_inputs(
        self, request: GenerateRequest, opts: DiffusionOptions, size: tuple[int, int]
    ) -> tuple[str, dict[str, Any]]:
        if request.kind == "illustration" and opts.blend == "inpaint":
            if opts.background is None:
                raise GeneratorError(
                    "blend: inpaint needs the background under the illustration (options.background)"
                )
            back = opts.background.convert("RGB").resize(size, Image.Resampling.LANCZOS)
            mask = illustration_alpha(size, "feather")
            return "inpaint", {"image": back, "mask_image": mask, "strength": opts.strength}
        if opts.init_image is not None:
            init = ImageOps.fit(opts.init_image.convert("RGB"), size, Image.Resampling.LANCZOS)
            return "img2img", {"image": init, "strength": opts.strength}
        return "text2img", {}

    def _denoise(
        self,
        pipe: Any,
        request: GenerateRequest,
        opts: DiffusionOptions,
        size: tuple[int, int],
        task_inputs: dict[str, Any],
    ) -> tuple[Image.Image, dict[str, Any]]:
        import contextlib

        import torch

        from generator.diffusion_textaware import LatentCalmer, masked_cross_attention

        gw, gh = size
        kwargs: dict[str, Any] = dict(
            prompt=request.prompt,
            negative_prompt=negative_prompt(request.negative_prompt),
            num_inference_steps=opts.steps,
            guidance_scale=opts.guidance,
            height=gh,
            width=gw,
            generator=torch.Generator("cpu").manual_seed(request.seed),
            output_type="pil",
            **task_inputs,
        )
        info: dict[str, Any] = {"enabled": bool(request.text_aware and request.text_boxes)}
        hooks: contextlib.AbstractContextManager[str] = contextlib.nullcontext("off")
        calmer = None
        if info["enabled"]:
            vae = int(pipe.vae_scale_factor)
            lw, lh = gw // vae, gh // vae
            boxes = scale_boxes(request.text_boxes, lw / request.width, lh / request.height)
            mask = text_mask(lw, lh, boxes)
            calmer = LatentCalmer(
                mask, strength=opts.calm_strength, until=opts.calm_until, steps=opts.steps, pixel_size=(gh, gw)
            )
            kwargs["callback_on_step_end"] = calmer
            kwargs["callback_on_step_end_tensor_inputs"] = ["latents"]
            if opts.attention_scale < 1.0:
                hooks = masked_cross_attention(pipe, mask, opts.attention_scale)
        params = inspect.signature(pipe.__call__).parameters
        if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
            kwargs = {k: v for k, v in kwargs.items() if k in params}  # e.g. FLUX: no negative_prompt
        with hooks as attention, library_warnings():
            self.pipeline_calls += 1
            image = pipe(**kwargs).images[0]
        if info["enabled"]:
            info.update(
                calm_strength=opts.calm_strength,
                calm_until=opts.calm_until,
                calm_steps=list(calmer.applied) if calmer is not None else [],
                attention_scale=opts.attention_scale,
                attention=attention,
                negative_prompt="default",
            )
        return image, info

    def _blend(self, final: Image.Image, request: GenerateRequest, opts: DiffusionOptions) -> Image.Image:
        if request.kind != "illustration" or not opts.blend:
            return final
        alpha = illustration_alpha(final.size, opts.blend if opts.blend != "inpaint" else "feather")
        if opts.blend == "inpaint" and opts.background is not None:
            back = opts.background.convert("RGB").resize(final.size, Image.Resampling.LANCZOS)
            # The VAE round trip shifts colours slightly; the feathered edge must match exactly.
            return Image.composite(final, back, alpha)
        rgba = final.convert("RGBA")
        rgba.putalpha(alpha)
        return rgba


__all__ = ["DEFAULT_NEGATIVE_PROMPT", "DiffusionBackend", "DiffusionOptions", "generation_size", "read_options"]
