"""Every way a model can be missing or wrong ends in one clear GeneratorError, and no torch early."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
ROOT = Path(__file__).resolve().parents[2]

pytest.importorskip("diffusers")
pytestmark = pytest.mark.diffusion

from tiny_models import build_inpaint, build_sd  # noqa: E402

from generator.errors import GeneratorError  # noqa: E402
from generator.base import GenerateRequest  # noqa: E402
from generator.diffusion import DiffusionBackend  # noqa: E402


@pytest.fixture(scope="module")
def sd(tmp_path_factory):
    return build_sd(tmp_path_factory.mktemp("models") / "tiny-sd")


def generate(model=None, **options):
    if model is not None:
        options["model"] = str(model)
    req = GenerateRequest(width=64, height=64, prompt="x", options={"steps": 1, **options})
    return DiffusionBackend().generate(req)


def error_of(*args, **kw) -> str:
    with pytest.raises(GeneratorError) as info:
        generate(*args, **kw)
    return str(info.value)


def test_no_model_given(monkeypatch):
    monkeypatch.delenv("PLACARD_MODEL", raising=False)
    assert error_of() == (
        "no diffusion model given: set background.model in the spec, pass --model, "
        "or set the PLACARD_MODEL environment variable to a diffusers folder or a model id"
    )


def test_model_from_the_environment(monkeypatch, sd):
    monkeypatch.setenv("PLACARD_MODEL", str(sd))
    assert generate().metadata["model"] == str(sd)


def test_missing_folder_says_where_it_looked_and_how_to_fetch(tmp_path):
    folder = tmp_path / "models" / "sd-turbo"
    assert error_of(folder) == (
        f"diffusion model not found: looked for a diffusers folder at {folder}; "
        f"fetch one with `hf download MODEL_ID --local-dir {folder}` "
        "(older huggingface_hub: `huggingface-cli download`), or point model at a folder "
        "that holds model_index.json"
    )


def test_missing_hub_model_names_the_cache_and_the_command(tmp_path, monkeypatch):
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    assert error_of("acme/poster-diffusion") == (
        f"diffusion model 'acme/poster-diffusion' is not in the local Hugging Face cache "
        f"(looked in {tmp_path / 'hub'}); fetch it with `hf download acme/poster-diffusion` "
        "(older huggingface_hub: `huggingface-cli download acme/poster-diffusion`), "
        "or build with --allow-download"
    )


def test_folder_that_is_not_a_pipeline(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    assert error_of(tmp_path) == (
        f"{tmp_path} is not a diffusers pipeline folder: no model_index.json; expected a "
        "text-to-image pipeline (Stable Diffusion 1.x/2.x, SD-Turbo, SDXL, SDXL-Turbo, SD3, FLUX)"
    )


def test_single_file_checkpoint(tmp_path):
    ckpt = tmp_path / "model.safetensors"
    ckpt.write_bytes(b"\0" * 16)
    assert error_of(ckpt).startswith(f"{ckpt} is a single file, not a diffusers model folder")


def test_pipeline_of_the_wrong_kind(tmp_path):
    (tmp_path / "model_index.json").write_text(json.dumps({"_class_name": "DDPMPipeline"}))
    assert error_of(tmp_path) == (
        f"{tmp_path} holds a DDPMPipeline, which is not a text-to-image pipeline; Placard needs one "
        "that AutoPipelineForText2Image loads (Stable Diffusion 1.x/2.x, SD-Turbo, SDXL, "
        "SDXL-Turbo, SD3, FLUX)"
    )


def test_inpainting_model_as_the_main_model(tmp_path):
    folder = build_inpaint(tmp_path / "inpaint")
    assert error_of(folder) == (
        f"{folder} is an inpainting model (its UNet takes 9 input channels); it cannot paint "
        "from a prompt alone: use it as inpaint_model, and a text-to-image model as model"
    )


def test_unreadable_index(tmp_path):
    (tmp_path / "model_index.json").write_text("{not json")
    assert error_of(tmp_path).startswith(
        f"cannot read diffusion model folder {tmp_path}: model_index.json is not a valid diffusers "
        "index (JSONDecodeError: "
    )


def test_truncated_weights(tmp_path, sd):
    broken = Path(shutil.copytree(sd, tmp_path / "broken"))
    weights = broken / "unet" / "diffusion_pytorch_model.safetensors"
    weights.write_bytes(weights.read_bytes()[:1000])
    message = error_of(broken)
    assert message.startswith(f"cannot load diffusion model {broken}: ")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any folder")
def test_folder_without_read_permission(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0)
    try:
        assert error_of(folder) == f"cannot read diffusion model folder {folder}: Permission denied"
    finally:
        folder.chmod(0o755)


def test_unlistable_folder(tmp_path, monkeypatch):
    import generator.diffusion_models as dm

    def deny(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(dm.os, "listdir", deny)
    assert error_of(tmp_path) == f"cannot read diffusion model folder {tmp_path}: Permission denied"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"steps": 0}, "steps must be an integer from 1 to 1000, got 0"),
        ({"guidance": "lots"}, "guidance must be a number from 0.0 to 100.0, got 'lots'"),
        ({"device": "tpu"}, "device must be one of auto | cuda | mps | cpu, got 'tpu'"),
        ({"dtype": "int8"}, "dtype must be one of auto | float16 | bfloat16 | float32, got 'int8'"),
        ({"blend": "glow"}, "blend must be one of none | feather | rounded | inpaint, got 'glow'"),
        (
            {"lora": [{"path": "/nonexistent/brand.safetensors"}]},
            "lora[0]: LoRA file not found: /nonexistent/brand.safetensors",
        ),
        (
            {"scheduler": "fast"},
            "scheduler: must be one of ddim | dpm++ | dpm++_sde | euler | euler_a | flow_euler | heun "
            "| lcm | lms | pndm | unipc, got 'fast'",
        ),
    ],
)
def test_bad_options_name_the_option_and_value(sd, options, message):
    assert error_of(sd, **options) == message


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print(' '.join(sorted(sys.modules)))"],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True,
    )
    return set(out.stdout.split())


def test_importing_generator_does_not_import_torch():
    modules = _modules_after(
        "import generator, generator.cache, generator.diffusion, generator.masks, generator.metrics\n"
        "from generator.base import get_backend\n"
        "get_backend('diffusion')"
    )
    assert "torch" not in modules and "diffusers" not in modules


def test_procedural_path_does_not_import_torch():
    if not (ROOT / "generator" / "procedural.py").exists():
        pytest.skip("the procedural backend lives on another branch")
    modules = _modules_after(
        "from generator.base import GenerateRequest, get_backend\n"
        "from generator.cache import cached_generate\n"
        "cached_generate(get_backend('procedural'), GenerateRequest(64, 64), enabled=False)"
    )
    assert "torch" not in modules
