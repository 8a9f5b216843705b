"""A model a spec names is confined like any path, and pickled weights load only on the operator's flag (issue 16)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from composer.core.errors import AssetError, SpecError
from composer.rasters.models import spec_model

NOT_ALLOWED = "is not allowed; a spec may name a model id from the local Hugging Face cache"


@pytest.fixture
def site(tmp_path: Path) -> dict[str, Path]:
    spec_dir, outside, allowed = tmp_path / "spec", tmp_path / "outside", tmp_path / "models"
    for d in (spec_dir / "my-model", outside / "secret-model", allowed / "shared"):
        d.mkdir(parents=True)
    return {"spec": spec_dir, "outside": outside, "allowed": allowed}


@pytest.mark.parametrize("value", ["~/../outside/secret-model", "~", "/etc/shadow", "/no/such/place", "../outside/secret-model",
                                   "C:/models/x", "\\\\server\\share"])
def test_paths_out_of_the_folders_say_only_not_allowed(site, value):
    with pytest.raises(SpecError) as info:
        spec_model(value, site["spec"], ())
    message = str(info.value)
    assert NOT_ALLOWED in message
    assert "single file" not in message and "not found" not in message and "exist" not in message


def test_existing_and_missing_absolute_paths_give_the_same_message(site):
    def message(value: str) -> str:
        with pytest.raises(SpecError) as info:
            spec_model(value, site["spec"], ())
        return str(info.value).replace(repr(value), "VALUE")

    assert message(str(site["outside"] / "secret-model")) == message(str(site["outside"] / "nothing-here"))


def test_a_symlink_out_of_the_folder_is_not_allowed(site):
    os.symlink(site["outside"] / "secret-model", site["spec"] / "link")
    with pytest.raises(SpecError, match=NOT_ALLOWED):
        spec_model("link", site["spec"], ())


def test_folders_inside_the_spec_folder_or_an_allowed_folder_resolve(site):
    assert spec_model("my-model", site["spec"], ()) == str((site["spec"] / "my-model").resolve())
    assert spec_model("shared", site["spec"], (site["allowed"],)) == str((site["allowed"] / "shared").resolve())


def test_hub_ids_pass_and_missing_local_folders_are_not_found(site):
    assert spec_model("stabilityai/sd-turbo", site["spec"], ()) == "stabilityai/sd-turbo"
    with pytest.raises(AssetError, match="was not found in the spec's folder"):
        spec_model("./nothing", site["spec"], ())


@pytest.mark.diffusion
@pytest.mark.slow
def test_pickled_weights_are_never_loaded_without_the_flag(tmp_path):
    pytest.importorskip("diffusers")
    from diffusers import StableDiffusionPipeline
    from tiny_models import build_sd

    from generator.base import GenerateRequest
    from generator.diffusion import DiffusionBackend
    from generator.errors import GeneratorError

    safe = build_sd(tmp_path / "safe")
    pickled = tmp_path / "pickled"
    StableDiffusionPipeline.from_pretrained(safe).save_pretrained(pickled, safe_serialization=False)
    # the UNet is a pickle now (transformers may still write the text encoder as safetensors)
    assert (pickled / "unet" / "diffusion_pytorch_model.bin").exists()
    assert not list((pickled / "unet").glob("*.safetensors"))

    def generate(**options):
        request = GenerateRequest(width=64, height=64, prompt="x", options={"steps": 1, "model": str(pickled), **options})
        return DiffusionBackend().generate(request)

    with pytest.raises(GeneratorError, match="safetensors"):
        generate()
    assert generate(allow_pickle=True).image.size == (64, 64)
