"""Loading diffusers pipelines once per process: device, precision, schedulers, LoRA, derived tasks.

Imported only when a diffusion image is actually generated, so importing torch here is fine.
"""

from __future__ import annotations

import json
import os
import warnings
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

# `placard` caps numpy's OpenBLAS at one thread (composer/__main__.py); torch's own BLAS, loaded next,
# gets its default thread count again.
if os.environ.get("PLACARD_OPENBLAS_CAPPED") == "1":
    os.environ.pop("OPENBLAS_NUM_THREADS", None)
    os.environ.pop("PLACARD_OPENBLAS_CAPPED", None)

import torch  # noqa: E402 - after the lines above, on purpose
import transformers.utils.logging as _tlog

_tlog.set_verbosity_error()  # import-time notices ("requires torchvision") would reach the CLI user
from diffusers import (  # noqa: E402
    AutoPipelineForImage2Image,
    AutoPipelineForInpainting,
    AutoPipelineForText2Image,
)

from generator.errors import GeneratorError
from generator.diffusion_models import LoraRef, ModelRef, _first_line, unet_in_channels
from generator.diffusion_schedulers import SCHEDULERS as SCHEDULER_TABLE
from generator.diffusion_schedulers import check_scheduler
from generator.diffusion_vae import keep_vae_float32, needs_float32_vae

DEVICES = ("auto", "cuda", "mps", "cpu")
DTYPES = {"float16": torch.float16, "bfloat16": torch.bfloat16, "float32": torch.float32}
SCHEDULERS = {name: s.cls for name, s in SCHEDULER_TABLE.items()}  # name -> diffusers class


def pick_device(name: str) -> str:
    """Resolve "auto" to cuda, then mps, then cpu; refuse a device this machine does not have."""
    if name not in DEVICES:
        raise GeneratorError(f"device must be one of {' | '.join(DEVICES)}, got {name!r}")
    cuda = torch.cuda.is_available()
    mps = getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()
    if name == "auto":
        return "cuda" if cuda else "mps" if mps else "cpu"
    if (name == "cuda" and not cuda) or (name == "mps" and not mps):
        raise GeneratorError(f"device {name!r} was asked for but is not available on this machine")
    return name


def pick_dtype(name: str, device: str, class_name: str) -> torch.dtype:
    """Half precision on GPUs (bfloat16 for FLUX/SD3 where supported), float32 on CPU."""
    if name != "auto":
        if name not in DTYPES:
            raise GeneratorError(f"dtype must be one of auto | {' | '.join(DTYPES)}, got {name!r}")
        return DTYPES[name]
    if device == "cpu":
        return torch.float32
    # FLUX and SD3 overflow in float16; bfloat16 is what their authors run.
    wants_bf16 = class_name.startswith(("Flux", "StableDiffusion3"))
    if wants_bf16 and device == "cuda" and torch.cuda.is_bf16_supported():
        return torch.bfloat16
    return torch.float16


@dataclass
class LoadedModel:
    """A loaded base pipeline plus the task pipelines and schedulers derived from it."""

    ref: ModelRef
    pipe: Any
    device: str
    dtype: torch.dtype
    default_scheduler: Any = None
    derived: dict[str, Any] = field(default_factory=dict)
    schedulers: dict[str, Any] = field(default_factory=dict)
    adapters: set[str] = field(default_factory=set)

    @property
    def denoiser(self) -> Any:
        return getattr(self.pipe, "unet", None) or getattr(self.pipe, "transformer", None)

    def native_size(self) -> int:
        """The model's native square side in pixels (sample_size times the VAE scale factor)."""
        sample = getattr(self.pipe, "default_sample_size", None)
        sample = sample or getattr(self.denoiser.config, "sample_size", None) or 64
        if isinstance(sample, (list, tuple)):
            sample = sample[0]
        return int(sample) * int(self.pipe.vae_scale_factor)

    def size_multiple(self) -> int:
        """The multiple each side must be: VAE factor times the denoiser's total downsampling."""
        cfg = self.denoiser.config
        if hasattr(cfg, "block_out_channels"):
            return int(self.pipe.vae_scale_factor) * 2 ** (len(cfg.block_out_channels) - 1)
        return int(self.pipe.vae_scale_factor) * max(2, int(getattr(cfg, "patch_size", 2) or 2))


_MODELS: OrderedDict[tuple, LoadedModel] = OrderedDict()
MAX_MODELS_ENV = "PLACARD_MAX_MODELS"  # how many models stay loaded at once (default 2)


def load_model(ref: ModelRef, *, device: str, dtype: str, cpu_offload: bool, allow_download: bool,
               allow_pickle: bool = False) -> LoadedModel:
    """Return the process-wide pipeline for (model, device, dtype, offload), loading it on first use."""
    dev = pick_device(device)
    torch_dtype = pick_dtype(dtype, dev, ref.class_name)
    key = (str(ref.folder), dev, str(torch_dtype), bool(cpu_offload))
    if key in _MODELS:
        _MODELS.move_to_end(key)
        return _MODELS[key]
    if unet_in_channels(ref.folder) == 9:
        raise GeneratorError(
            f"{ref.folder} is an inpainting model (its UNet takes 9 input channels); it cannot paint "
            "from a prompt alone: use it as inpaint_model, and a text-to-image model as model"
        )
    pipe = _from_pretrained(AutoPipelineForText2Image, ref, torch_dtype, allow_download, allow_pickle)
    if cpu_offload and dev == "cuda":
        pipe.enable_model_cpu_offload()
    else:
        pipe.to(dev)
    if needs_float32_vae(pipe, torch_dtype, dev):
        keep_vae_float32(pipe)
    loaded = LoadedModel(ref, pipe, dev, torch_dtype, default_scheduler=pipe.scheduler)
    _MODELS[key] = loaded
    _evict(max(1, int(os.environ.get(MAX_MODELS_ENV, "2"))))
    return loaded


def _evict(keep: int) -> None:
    """Drop the least recently used models beyond `keep`, so a batch over many models fits in memory."""
    dropped = False
    while len(_MODELS) > keep:
        _MODELS.popitem(last=False)
        dropped = True
    if dropped and torch.cuda.is_available():
        torch.cuda.empty_cache()


def _absent_components(ref: ModelRef) -> dict[str, None]:
    """Components saved as [null, null] (SD3 without T5, no safety checker) must be passed as None."""
    try:
        index = json.loads((ref.folder / "model_index.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: None for k, v in index.items() if isinstance(v, list) and v and v[0] is None}


def _quiet_loading() -> None:
    """No per-component loading bars or info chatter: the CLI shows only the denoising bar."""
    import diffusers.utils.logging as dlog
    import transformers.utils.logging as tlog

    dlog.disable_progress_bar()
    tlog.disable_progress_bar()
    dlog.set_verbosity_error()
    tlog.set_verbosity_error()


def _dtype_kwarg() -> str:
    """Newer diffusers renamed from_pretrained's `torch_dtype` to `dtype` (the old name warns)."""
    try:
        from diffusers.utils.deprecation_utils import _resolve_dtype  # noqa: F401  (only in the new API)
    except ImportError:
        return "torch_dtype"
    return "dtype"


_DTYPE_KWARG = _dtype_kwarg()


def _from_pretrained(auto_cls: Any, ref: ModelRef, torch_dtype: torch.dtype, allow_download: bool,
                     allow_pickle: bool = False) -> Any:
    _quiet_loading()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return auto_cls.from_pretrained(
                str(ref.folder), **{_DTYPE_KWARG: torch_dtype}, local_files_only=not allow_download,
                use_safetensors=None if allow_pickle else True,  # never torch.load a pickle unless asked
                **_absent_components(ref),
            )
    except Exception as exc:  # diffusers raises many kinds; the user needs one readable message
        msg = _first_line(exc)
        if "can't find a pipeline linked to" in msg:
            raise GeneratorError(
                f"{ref.folder} holds a {ref.class_name}, which {auto_cls.__name__} cannot load"
            ) from exc
        raise GeneratorError(f"cannot load diffusion model {ref.folder}: {msg}") from exc


def task_pipe(loaded: LoadedModel, task: str, inpaint_ref: ModelRef | None = None) -> Any:
    """The pipeline for "text2img", "img2img" or "inpaint", sharing the base model's weights."""
    if task == "text2img":
        return loaded.pipe
    key = task if inpaint_ref is None else f"{task}:{inpaint_ref.folder}"
    if key not in loaded.derived:
        if inpaint_ref is not None:
            pipe = _from_pretrained(AutoPipelineForInpainting, inpaint_ref, loaded.dtype, False)
            pipe.to(loaded.device)
        else:
            auto = AutoPipelineForImage2Image if task == "img2img" else AutoPipelineForInpainting
            try:
                pipe = auto.from_pipe(loaded.pipe)
            except Exception as exc:
                raise GeneratorError(
                    f"{loaded.ref.name} has no {task} pipeline in diffusers ({_first_line(exc)})"
                ) from exc
        pipe.set_progress_bar_config(disable=True)
        loaded.derived[key] = pipe
    return loaded.derived[key]


def use_scheduler(loaded: LoadedModel, pipe: Any, name: str | None) -> str:
    """Set the named scheduler (or the model's own) on `pipe`; return the class name used."""
    if not name:
        pipe.scheduler = loaded.default_scheduler
        return type(pipe.scheduler).__name__
    check_scheduler(name, loaded.ref.folder)
    if name not in loaded.schedulers:
        import diffusers

        entry = SCHEDULER_TABLE[name]
        config = loaded.default_scheduler.config
        overrides = {k: v for k, v in entry.overrides if type(loaded.default_scheduler).__name__ != entry.cls}
        loaded.schedulers[name] = getattr(diffusers, entry.cls).from_config(config, **overrides)
    pipe.scheduler = loaded.schedulers[name]
    return SCHEDULERS[name]


def use_loras(loaded: LoadedModel, loras: tuple[LoraRef, ...]) -> None:
    """Load each LoRA once, then activate exactly the requested ones at their scales."""
    pipe = loaded.pipe
    if not loras:
        if loaded.adapters:
            pipe.disable_lora()
        return
    for lora in loras:
        if lora.adapter_name in loaded.adapters:
            continue
        try:
            pipe.load_lora_weights(
                str(lora.path.parent), weight_name=lora.path.name, adapter_name=lora.adapter_name
            )
        except Exception as exc:
            raise GeneratorError(f"cannot load LoRA {lora.path}: {_first_line(exc)}") from exc
        loaded.adapters.add(lora.adapter_name)
    pipe.enable_lora()
    pipe.set_adapters([lo.adapter_name for lo in loras], adapter_weights=[lo.scale for lo in loras])


def clear_models() -> None:
    """Forget every loaded pipeline (tests; frees GPU memory in long-running processes)."""
    _MODELS.clear()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
