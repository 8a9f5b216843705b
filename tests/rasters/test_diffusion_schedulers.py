"""Every scheduler on every tiny model family: it builds, or it is refused before the model loads."""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest

os.environ["HF_HUB_OFFLINE"] = "1"

pytest.importorskip("diffusers")

from tiny_models import build_sd, build_sd3, build_sdxl  # noqa: E402

from composer.__main__ import main  # noqa: E402
from generator.errors import GeneratorError  # noqa: E402
from generator import diffusion_pipes as dp  # noqa: E402
from generator.base import Box, GenerateRequest  # noqa: E402
from generator.diffusion import DiffusionBackend, library_warnings  # noqa: E402
from generator.diffusion_schedulers import SCHEDULERS, model_family  # noqa: E402

DISCRETE = "ddim | dpm++ | dpm++_sde | euler | euler_a | heun | lcm | lms | pndm | unipc"
FAMILIES = {
    "sd": ("SD 1.x/2.x", "StableDiffusionPipeline", False),
    "sdxl": ("SDXL", "StableDiffusionXLPipeline", False),
    "sd3": ("SD3", "StableDiffusion3Pipeline", True),
}


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    root = tmp_path_factory.mktemp("models")
    builders = {"sd": build_sd, "sdxl": build_sdxl, "sd3": build_sd3}
    return {name: build(root / f"tiny-{name}") for name, build in builders.items()}


def generate(model, scheduler, **options):
    req = GenerateRequest(
        width=64, height=64, seed=3, prompt="a lighthouse", text_boxes=(Box(8, 8, 48, 20),), text_aware=True,
        options={"model": str(model), "steps": 2, "guidance": 2.0, "scheduler": scheduler, **options},
    )
    return DiffusionBackend().generate(req)


@pytest.fixture
def no_loading(monkeypatch):
    """Any model load fails the test: refusals must come before from_pretrained."""

    def load_model(ref, **kw):
        raise AssertionError(f"{ref.folder} was loaded before the refusal")

    monkeypatch.setattr(dp, "load_model", load_model)


@pytest.mark.parametrize("scheduler", list(SCHEDULERS))
@pytest.mark.parametrize("family", list(FAMILIES))
def test_every_scheduler_builds_or_is_refused_before_loading(models, request, family, scheduler):
    label, pipeline, flow = FAMILIES[family]
    if SCHEDULERS[scheduler].flow == flow:
        result = generate(models[family], scheduler)
        image = np.asarray(result.image, np.float32)
        assert result.metadata["scheduler"] == SCHEDULERS[scheduler].cls
        assert result.metadata["pipeline"] == pipeline
        assert image.shape == (64, 64, 3) and image.std() > 1.0  # a picture, not a flat NaN-black frame
        return
    request.getfixturevalue("no_loading")
    with pytest.raises(GeneratorError) as info:
        generate(models[family], scheduler)
    allowed = "flow_euler" if flow else DISCRETE
    assert str(info.value) == (
        f"scheduler: {scheduler!r} does not work with {label} ({pipeline}); allowed for this model: {allowed}"
    )


def test_families_read_from_json(models, tmp_path):
    assert model_family(models["sdxl"]).flow is False and model_family(models["sdxl"]).prediction == "epsilon"
    assert model_family(models["sd3"]).prediction == "flow"
    # An SD 2.x-style v-prediction model is a discrete-time model like SD 1.x.
    v_model = tmp_path / "sd-v"
    shutil.copytree(models["sd"], v_model)
    config_file = v_model / "scheduler" / "scheduler_config.json"
    config = json.loads(config_file.read_text())
    config_file.write_text(json.dumps({**config, "prediction_type": "v_prediction"}))
    family = model_family(v_model)
    assert (family.label, family.prediction, family.allowed()) == ("SD 1.x/2.x", "v_prediction", DISCRETE.split(" | "))
    # FLUX by its index alone (no tiny FLUX here: its T5 encoder is too big for a unit test).
    flux = tmp_path / "flux"
    flux.mkdir()
    (flux / "model_index.json").write_text(json.dumps({"_class_name": "FluxPipeline"}))
    assert (model_family(flux).label, model_family(flux).allowed()) == ("FLUX", ["flow_euler"])


@pytest.mark.parametrize(("scheduler", "module"), [("dpm++_sde", "torchsde"), ("lms", "scipy")])
def test_missing_scheduler_package_is_named_before_loading(models, monkeypatch, no_loading, scheduler, module):
    monkeypatch.setitem(sys.modules, module, None)  # what `import torchsde` sees when it is not installed
    with pytest.raises(GeneratorError) as info:
        generate(models["sd"], scheduler)
    assert str(info.value) == (
        f"scheduler: {scheduler!r} needs the {module} package, which is not installed: "
        f"pip install {module} (or pip install 'placard[diffusion]')"
    )


SPEC = """
version: 1
canvas: {width: 96, height: 96}
background:
  generator: diffusion
  prompt: "calm sea"
  model: ./tiny-sdxl
  steps: 2
  scheduler: flow_euler
elements:
  - {type: text, text: "Hi", box: {x: 8, y: 8, width: 80, height: 30}, font: {size: 20}}
outputs: [png]
"""


@pytest.fixture
def bad_spec(models, tmp_path):
    shutil.copytree(models["sdxl"], tmp_path / "tiny-sdxl")
    spec = tmp_path / "spec.yaml"
    spec.write_text(textwrap.dedent(SPEC).lstrip())
    return spec


@pytest.mark.parametrize("command", ["validate", "build"])
def test_cli_refuses_the_pair_at_the_spec_line(bad_spec, tmp_path, capsys, command):
    extra = ["-o", str(tmp_path / "out")] if command == "build" else []
    assert main([command, str(bad_spec), *extra]) == 2
    assert capsys.readouterr().err == (
        f"error: {bad_spec}:8:14: background.scheduler: 'flow_euler' does not work with SDXL "
        f"(StableDiffusionXLPipeline); allowed for this model: {DISCRETE}\n"
    )
    assert not (tmp_path / "out").exists()


def test_validate_reads_json_only(bad_spec):
    import subprocess

    code = (
        "import sys, composer\n"
        f"try: composer.validate({str(bad_spec)!r})\n"
        "except composer.GeneratorError as e: print(e.path)\n"
        "print(sorted(m for m in ('torch', 'diffusers') if m in sys.modules))"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root,
                         env={**os.environ, "PYTHONPATH": str(root)}).stdout
    assert out.split("\n")[:2] == ["background.scheduler", "[]"]


def _cpu_float16_works() -> bool:
    import torch

    try:
        half = torch.ones(1, 1, 3, 3, dtype=torch.float16)
        torch.nn.functional.conv2d(half, half[..., :1, :1])
    except RuntimeError:
        return False
    return True


@pytest.mark.skipif(not _cpu_float16_works(), reason="this torch build has no float16 convolution on the CPU")
@pytest.mark.parametrize("task", ["text2img", "img2img"])
def test_sdxl_float16_decodes_with_a_float32_vae_and_no_future_warning(models, caplog, task):
    from PIL import Image

    caplog.set_level(logging.INFO, logger="placard")  # as with -v: library warnings are not silenced
    options = {"dtype": "float16", "device": "cpu"}
    if task == "img2img":
        options.update(init_image=Image.new("RGB", (64, 64), (200, 90, 40)), strength=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        result = generate(models["sdxl"], "euler", **options)
    assert result.metadata["dtype"] == "float16" and result.metadata["task"] == task
    assert np.isfinite(np.asarray(result.image, np.float32)).all() and np.asarray(result.image).std() > 1.0
    import torch

    loaded = next(m for k, m in dp._MODELS.items() if k[0] == str(models["sdxl"]) and k[2] == "torch.float16")
    assert loaded.pipe.vae.dtype == torch.float32 and loaded.pipe.unet.dtype == torch.float16
    assert loaded.pipe.vae.config.force_upcast is False  # no pipeline moves it back to float16


def test_sd_float32_keeps_its_vae_untouched(models):
    import torch

    from generator.diffusion_vae import needs_float32_vae

    generate(models["sdxl"], None)
    loaded = next(m for k, m in dp._MODELS.items() if k[0] == str(models["sdxl"]) and k[2] == "torch.float32")
    assert not needs_float32_vae(loaded.pipe, torch.float32, "cpu")
    assert needs_float32_vae(loaded.pipe, torch.float16, "cuda")
    assert not needs_float32_vae(loaded.pipe, torch.float16, "mps")


def test_library_warnings_are_quiet_unless_verbose(caplog):
    caplog.set_level(logging.WARNING, logger="placard")
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        with library_warnings():
            warnings.warn("diffusers says something", FutureWarning, stacklevel=1)
        assert seen == []
        caplog.set_level(logging.INFO, logger="placard")
        with library_warnings():
            warnings.warn("diffusers says something", FutureWarning, stacklevel=1)
        assert [str(w.message) for w in seen] == ["diffusers says something"]


@pytest.mark.slow
@pytest.mark.skipif(not _cpu_float16_works(), reason="this torch build has no float16 convolution on the CPU")
def test_cli_sdxl_float16_build_under_future_warning_as_error(bad_spec, tmp_path):
    import subprocess

    spec = bad_spec.with_name("ok.yaml")
    spec.write_text(bad_spec.read_text().replace("scheduler: flow_euler", "scheduler: euler"))
    root = Path(__file__).resolve().parents[2]
    run = subprocess.run(
        [sys.executable, "-W", "error::FutureWarning", "-m", "composer", "-v", "build", str(spec),
         "--dtype", "float16", "--device", "cpu", "--no-cache", "-o", str(tmp_path / "out")],
        capture_output=True, text=True, cwd=root, env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "FutureWarning" not in run.stderr and (tmp_path / "out" / "ok.png").is_file()
