"""Diffusion options that `validate` can check from JSON alone: the scheduler against the model.

Reads the model's model_index.json and scheduler config (a spec folder, $PLACARD_MODEL or the
local Hugging Face cache); never imports torch or diffusers. A model that cannot be found here is
left to `build`, which says how to fetch it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from composer.core.errors import AssetError, GeneratorError
from composer.core.options import from_environment
from composer.rasters.paint import generator_errors
from composer.spec.loader import LoadedSpec



def model_folder(loaded: LoadedSpec, model: str | None = None, allow_dirs: tuple = ()) -> Path | None:
    """The diffusers folder the build would use (CLI model, spec, then $PLACARD_MODEL), if found locally."""
    bg = loaded.spec.background
    name = model or bg.model or from_environment("model")
    if not name:
        return None
    if bg.model and not model:
        from composer.rasters.models import spec_model

        configured = from_environment("models_dir")
        dirs = tuple(loaded.roots(allow_dirs)) + ((Path(configured).resolve(),) if configured else ())
        try:  # the same rule as the build (composer.rasters.paint): a spec's model is confined (issue 16)
            name = spec_model(bg.model, loaded.base_dir, dirs, loaded.positions.locate(("background", "model")))
        except AssetError:
            return None  # not found: build reports it with its location
        if Path(name).is_absolute():
            return Path(name)
    from generator.diffusion_models import is_hub_id

    if not is_hub_id(name):
        folder = Path(name).expanduser()
        return folder if folder.is_dir() else None
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return None
    found = try_to_load_from_cache(name, "model_index.json", revision=bg.revision)
    return Path(found).parent if isinstance(found, str) else None


def check_diffusion(loaded: LoadedSpec, model: str | None = None, allow_dirs: tuple = ()) -> None:
    """Raise GeneratorError at background.scheduler for a scheduler this spec's model cannot use."""
    from generator.diffusion_schedulers import check_scheduler

    bg = loaded.spec.background
    uses_diffusion = bg.generator == "diffusion" or any(
        getattr(el, "generator", None) == "diffusion" for el in loaded.spec.elements
    )
    if not bg.scheduler or not (uses_diffusion or model):
        return
    try:
        with generator_errors():
            check_scheduler(bg.scheduler, model_folder(loaded, model, allow_dirs))
    except GeneratorError as e:
        where: tuple[Any, ...] = ("background", "scheduler")
        e.location, e.path = loaded.positions.locate(where), "background.scheduler"
        raise
