"""Which schedulers suit which model: checked from the model's JSON files before anything loads.

A diffusion model is trained for one kind of denoising target. SD 1.x/2.x and SDXL predict the
noise (epsilon) or a velocity (v-prediction) at discrete timesteps; SD3 and FLUX learn a
flow-matching velocity along a straight path. A scheduler of the other kind either crashes inside
diffusers (FlowMatch on a UNet pipeline has no `init_noise_sigma`) or quietly paints garbage
(DDIM on SD3), so Placard refuses the pair up front. Nothing here imports torch or diffusers:
`validate` uses it too.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path

from generator.errors import GeneratorError


@dataclass(frozen=True)
class Scheduler:
    """One documented scheduler name: its diffusers class, its kind and the extra package it needs."""

    cls: str
    flow: bool = False  # a flow-matching scheduler (SD3, FLUX); the others are discrete-time
    needs: str | None = None  # a Python package diffusers imports lazily for this scheduler
    overrides: tuple[tuple[str, object], ...] = ()  # config values set when built from another config


SCHEDULERS: dict[str, Scheduler] = {
    "ddim": Scheduler("DDIMScheduler"),
    "dpm++": Scheduler("DPMSolverMultistepScheduler"),
    "dpm++_sde": Scheduler("DPMSolverSDEScheduler", needs="torchsde"),
    "euler": Scheduler("EulerDiscreteScheduler"),
    "euler_a": Scheduler("EulerAncestralDiscreteScheduler"),
    "flow_euler": Scheduler("FlowMatchEulerDiscreteScheduler", flow=True),
    "heun": Scheduler("HeunDiscreteScheduler"),
    "lcm": Scheduler("LCMScheduler"),
    "lms": Scheduler("LMSDiscreteScheduler", needs="scipy"),
    # Without skip_prk_steps PNDM needs at least 4 steps and fails below that; SD's own PNDM
    # config sets it (the PLMS sampler), so a PNDM built from an Euler config must too.
    "pndm": Scheduler("PNDMScheduler", overrides=(("skip_prk_steps", True),)),
    "unipc": Scheduler("UniPCMultistepScheduler"),
}

# Families by pipeline class prefix, longest first (StableDiffusionXL before StableDiffusion).
FAMILIES = (
    ("StableDiffusionXL", "SDXL"),
    ("StableDiffusion3", "SD3"),
    ("StableDiffusion", "SD 1.x/2.x"),
    ("Flux", "FLUX"),
)
# Pipelines that denoise with flow matching whatever their scheduler config says.
FLOW_PIPELINES = ("StableDiffusion3", "Flux", "Sana", "Lumina", "CogView4", "HiDream", "QwenImage", "Chroma")

PACKAGES = {"torchsde": "torchsde", "scipy": "scipy"}  # import name -> pip name


@dataclass(frozen=True)
class ModelFamily:
    """A model's family as read from its model_index.json and scheduler config."""

    label: str  # "SDXL"
    class_name: str  # "StableDiffusionXLPipeline"
    flow: bool  # flow matching (SD3, FLUX) rather than epsilon / v-prediction
    prediction: str  # "flow", "epsilon", "v_prediction" or "sample"

    def allowed(self) -> list[str]:
        """The scheduler names that suit this family, in documented order."""
        return [name for name, s in SCHEDULERS.items() if s.flow == self.flow]


def _read_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def model_family(folder: Path) -> ModelFamily | None:
    """The family of the diffusers folder `folder`, or None when its JSON files do not say."""
    index = _read_json(Path(folder) / "model_index.json")
    if not index or not isinstance(index.get("_class_name"), str):
        return None
    class_name = index["_class_name"]
    base = class_name.removesuffix("Pipeline")
    for suffix in ("Img2Img", "Inpaint"):
        base = base.removesuffix(suffix)
    label = next((lab for prefix, lab in FAMILIES if base.startswith(prefix)), base)
    config = _read_json(Path(folder) / "scheduler" / "scheduler_config.json") or {}
    prediction = str(config.get("prediction_type") or "epsilon")
    flow = (
        base.startswith(FLOW_PIPELINES)
        or str(config.get("_class_name", "")).startswith("FlowMatch")
        or prediction == "flow_prediction"
        or bool(config.get("use_flow_sigmas"))
    )
    return ModelFamily(label, class_name, flow, "flow" if flow else prediction)


def check_scheduler(name: str | None, folder: Path | None) -> None:
    """Refuse an unknown scheduler, one of the wrong kind for the model, or one whose package is missing.

    Raises GeneratorError with path "scheduler" (the caller knows the spec field and its line).
    """
    if not name:
        return
    if name not in SCHEDULERS:
        raise GeneratorError(f"must be one of {' | '.join(SCHEDULERS)}, got {name!r}", option="scheduler")
    family = model_family(folder) if folder is not None else None
    if family is not None and SCHEDULERS[name].flow != family.flow:
        raise GeneratorError(
            f"{name!r} does not work with {family.label} ({family.class_name}); "
            f"allowed for this model: {' | '.join(family.allowed())}",
            option="scheduler",
        )
    needs = SCHEDULERS[name].needs
    if needs and not package_available(needs):
        raise GeneratorError(
            f"{name!r} needs the {needs} package, which is not installed: "
            f"pip install {PACKAGES[needs]} (or pip install 'placard[diffusion]')",
            option="scheduler",
        )


def package_available(module: str) -> bool:
    """Whether `module` can be imported (without importing it)."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a parent that fails to import, or a None entry in sys.modules
        return False


__all__ = ["SCHEDULERS", "ModelFamily", "Scheduler", "check_scheduler", "model_family", "package_available"]
