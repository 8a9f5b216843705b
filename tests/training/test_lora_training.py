"""LoRA training on a tiny SD model (CPU): loss, effect, unloading, resume, provenance, bad input."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
torch = pytest.importorskip("torch")
pytest.importorskip("peft")

from lora_fixtures import CAPTION, brand_images, config  # noqa: E402
from PIL import Image  # noqa: E402
from safetensors import safe_open  # noqa: E402
from safetensors.torch import load_file  # noqa: E402
from tiny_models import build_sd  # noqa: E402

import composer  # noqa: E402
from generator.errors import GeneratorError, InputError  # noqa: E402
from composer.pipeline import BuildOptions  # noqa: E402
from generator.base import GenerateRequest  # noqa: E402
from generator.diffusion import DiffusionBackend  # noqa: E402
from generator.diffusion_models import model_fingerprint, resolve_model  # noqa: E402
from generator.training import TrainConfig, lora_info, train_lora  # noqa: E402
from generator.training.checkpoint import checkpoint_path  # noqa: E402
from generator.training.images import scan_images  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
KEYS = ("base_model", "images", "captions", "steps", "rank", "lr", "resolution", "seed", "version")


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Two shared CPU cores: one torch thread is several times faster than two fighting."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    root = tmp_path_factory.mktemp("lora")
    return {"root": root, "model": build_sd(root / "tiny-sd"), "images": brand_images(root / "brand")}


@pytest.fixture(scope="module")
def trained(work):
    """The reference run: 20 steps, a checkpoint every 10, samples at 10 and 20."""
    out = work["root"] / "out" / "northwind.safetensors"
    cfg = config(work["images"], work["model"], out, sample_prompt="a poster background", sample_every=10,
                 sample_steps=2)
    return train_lora(cfg)


def _generate(model: Path, lora: Path | None = None):
    options = {"model": str(model), "steps": 2, "guidance": 5.0, "device": "cpu"}
    if lora:
        options["lora"] = [{"path": str(lora), "scale": 1.0}]
    req = GenerateRequest(width=64, height=64, seed=11, prompt=CAPTION, options=options)
    return np.asarray(DiffusionBackend().generate(req).image).astype(int)


def test_loss_falls_and_lora_params_stay_float32(trained):
    assert trained.steps == 20 and len(trained.losses) == 20
    assert np.mean(trained.losses[-5:]) < np.mean(trained.losses[:5])
    assert trained.lora_dtype == "float32" and trained.device == "cpu"


def test_file_is_diffusers_lora_format_with_every_provenance_key(trained, work):
    weights = load_file(trained.out)
    assert weights and all(k.startswith("unet.") for k in weights)
    targets = ("to_q", "to_k", "to_v", "to_out.0")
    layer_of = {k: [t for t in targets if f".{t}.lora." in k] for k in weights}
    assert all(len(found) == 1 for found in layer_of.values())  # only attention projections carry LoRA
    assert {found[0] for found in layer_of.values()} == set(targets)
    assert all(k.endswith((".lora.down.weight", ".lora.up.weight")) for k in weights)  # diffusers' key names
    assert all(v.dtype == torch.float32 for v in weights.values())
    with safe_open(str(trained.out), framework="numpy") as f:
        meta = f.metadata()
    assert {f"placard.{k}" for k in KEYS} <= set(meta)
    files = sorted(work["images"].glob("*.png"))
    assert json.loads(meta["placard.images"]) == [
        {"file": p.name, "sha256": hashlib.sha256(p.read_bytes()).hexdigest()} for p in files]
    assert json.loads(meta["placard.captions"]) == [{"file": p.name, "caption": CAPTION} for p in files]
    assert (meta["placard.steps"], meta["placard.rank"], meta["placard.lr"]) == ("20", "4", "0.05")
    assert (meta["placard.resolution"], meta["placard.seed"]) == ("64", "3")
    assert meta["placard.version"] == composer.__version__
    ref = resolve_model(str(work["model"]))
    req = GenerateRequest(width=64, height=64, seed=0, prompt="x", options={"model": str(work["model"])})
    assert meta["placard.base_model"] == model_fingerprint(ref) == DiffusionBackend().cache_identity(req)["fingerprint"]


def test_samples_put_base_and_adapter_side_by_side(trained, work):
    assert [p.name for p in trained.samples] == ["northwind.sample-step000010.png", "northwind.sample-step000020.png"]
    pair = np.asarray(Image.open(trained.samples[-1])).astype(int)
    assert pair.shape == (64, 128, 3)
    left, right = pair[:, :64], pair[:, 64:]
    base = _generate_sample_base(work["model"])
    assert np.array_equal(left, base)  # the left half is the base model, same seed
    assert not np.array_equal(left, right)


def _generate_sample_base(model: Path):
    from diffusers import StableDiffusionPipeline

    pipe = StableDiffusionPipeline.from_pretrained(str(model), local_files_only=True)
    pipe.set_progress_bar_config(disable=True)
    image = pipe("a poster background", num_inference_steps=2, height=64, width=64,
                 generator=torch.Generator("cpu").manual_seed(3)).images[0]
    return np.asarray(image).astype(int)


def test_adapter_changes_the_image_and_unloading_restores_the_base(trained, work):
    base = _generate(work["model"])
    styled = _generate(work["model"], trained.out)
    again = _generate(work["model"])
    assert np.abs(styled - base).mean() > 0.5
    assert np.array_equal(again, base)
    from diffusers import StableDiffusionPipeline

    pipe = StableDiffusionPipeline.from_pretrained(str(work["model"]), local_files_only=True)
    pipe.set_progress_bar_config(disable=True)
    before = {k: v.clone() for k, v in pipe.unet.state_dict().items()}
    pipe.load_lora_weights(str(trained.out.parent), weight_name=trained.out.name)
    pipe.unload_lora_weights()
    after = pipe.unet.state_dict()
    assert before.keys() == after.keys() and all(torch.equal(before[k], after[k]) for k in before)


def test_ctrl_c_saves_a_checkpoint_and_resume_is_bit_for_bit(trained, work):
    out = work["root"] / "resumed" / "northwind.safetensors"

    def interrupt(step, loss):
        if step == 10:
            os.kill(os.getpid(), signal.SIGINT)  # a real Ctrl-C: the loop stops after this step

    with pytest.raises(KeyboardInterrupt):
        train_lora(config(work["images"], work["model"], out), on_step=interrupt)
    assert not out.exists() and checkpoint_path(out).exists()
    assert torch.load(checkpoint_path(out), weights_only=True)["step"] == 10
    with pytest.raises(GeneratorError, match=r"other settings \(lr: 0.05 then, 0.02 now\)"):
        train_lora(config(work["images"], work["model"], out, lr=2e-2, resume=True))
    resumed = train_lora(config(work["images"], work["model"], out, resume=True))
    assert resumed.losses == trained.losses
    a, b = load_file(trained.out), load_file(resumed.out)
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def _build(spec_dir: Path, text: str, name: str, model: Path):
    path = spec_dir / f"{name}.yaml"
    path.write_text(text)
    opts = BuildOptions(model=str(model), formats=("png",), layers=True, use_cache=False, device="cpu")
    result = composer.build(path, spec_dir / "out", options=opts)
    layer = np.asarray(Image.open(spec_dir / "out" / f"{name}.background.png")).astype(int)
    return result.report["background"], layer


SPEC = """\
version: 1
canvas: {{width: 128, height: 128}}
{brand}
background:
  generator: diffusion
  prompt: "{caption}"
  seed: 5
  steps: 2
  text_aware: false
{lora}
elements: []
outputs: [png]
"""


def test_file_loads_through_a_spec_lora_and_a_brand_lora(trained, work, tmp_path):
    import shutil

    (tmp_path / "brand").mkdir()
    shutil.copy(trained.out, tmp_path / "brand" / "style.safetensors")
    shutil.copy(trained.out, tmp_path / "style.safetensors")
    (tmp_path / "brand" / "northwind.yaml").write_text(
        "colors: {primary: '#0B5FFF'}\nlora: [{path: style.safetensors, scale: 1.0}]\n")
    model = work["model"]
    plain_meta, plain = _build(tmp_path, SPEC.format(brand="", lora="", caption=CAPTION), "plain", model)
    spec_meta, via_spec = _build(tmp_path, SPEC.format(
        brand="", lora="  lora: [{path: style.safetensors, scale: 1.0}]", caption=CAPTION), "spec", model)
    brand_meta, via_brand = _build(tmp_path, SPEC.format(
        brand="brand: brand/northwind.yaml", lora="", caption=CAPTION), "brand", model)
    assert plain_meta["lora"] == []
    assert spec_meta["lora"] == [{"path": str(tmp_path / "style.safetensors"), "scale": 1.0}]
    assert brand_meta["lora"] == [{"path": str(tmp_path / "brand" / "style.safetensors"), "scale": 1.0}]
    assert np.array_equal(via_spec, via_brand) and not np.array_equal(via_spec, plain)
    both_meta, _ = _build(tmp_path, SPEC.format(
        brand="brand: brand/northwind.yaml", lora="  lora: [{path: style.safetensors, scale: 0.5}]",
        caption=CAPTION), "both", model)
    assert [lo["scale"] for lo in both_meta["lora"]] == [1.0, 0.5]  # the brand's first, the spec's added


def test_lora_info_prints_the_provenance(trained):
    cmd = [sys.executable, "-m", "composer", "lora-info", str(trained.out)]
    text = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    as_json = subprocess.run(cmd + ["--json"], capture_output=True, text=True, cwd=ROOT)
    assert text.returncode == 0 and as_json.returncode == 0, text.stderr + as_json.stderr
    info = json.loads(as_json.stdout)
    assert info == lora_info(trained.out)
    assert list(info)[:len(KEYS)] == list(KEYS)
    assert (info["steps"], info["rank"], info["lr"], info["resolution"], info["seed"]) == (20, 4, 0.05, 64, 3)
    lines = text.stdout.splitlines()
    assert lines[0] == f"base_model: {info['base_model']}"
    assert lines[1] == "images: 8"
    assert lines[2] == f"  {info['images'][0]['sha256']}  brand-0.png"
    assert "steps: 20" in lines and "lr: 0.05" in lines and f"version: {composer.__version__}" in lines


def test_scan_reports_duplicates_and_prefers_caption_files(tmp_path):
    folder = brand_images(tmp_path / "imgs", n=3)
    (folder / "copy.png").write_bytes((folder / "brand-1.png").read_bytes())
    (folder / "brand-0.txt").write_text("a red field, blue ramp\n")
    found = scan_images(folder, min_side=64, caption="fallback")
    assert [i.path.name for i in found.images] == ["brand-0.png", "brand-1.png", "brand-2.png"]
    assert [i.caption for i in found.images] == ["a red field, blue ramp", "fallback", "fallback"]
    assert found.warnings[0] == f"{folder / 'copy.png'}: duplicate of brand-1.png (same bytes); trained on once"


# --- bad input: one exact error each, nothing written ---------------------------------------


def _refused(tmp_path: Path, cfg: TrainConfig, error: type, message: str) -> None:
    out_dir = Path(cfg.out).parent
    before = sorted(out_dir.iterdir()) if out_dir.is_dir() else None
    with pytest.raises(error) as info:
        train_lora(cfg)
    assert str(info.value) == message
    assert (sorted(out_dir.iterdir()) if out_dir.is_dir() else None) == before


def test_empty_folder(work, tmp_path):
    (tmp_path / "empty").mkdir()
    _refused(tmp_path, config(tmp_path / "empty", work["model"], tmp_path / "out.safetensors"), InputError,
             f"{tmp_path / 'empty'}: no training images (PNG, JPEG or WebP) in this folder")


def test_corrupt_image_is_named(work, tmp_path):
    folder = brand_images(tmp_path / "imgs", n=3)
    (folder / "brand-1.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    _refused(tmp_path, config(folder, work["model"], tmp_path / "out.safetensors"), InputError,
             f"{folder / 'brand-1.png'}: cannot read this image: it is corrupt or not an image "
             "(allowed: PNG, JPEG, WebP)")


def test_image_under_the_minimum_size(work, tmp_path):
    folder = brand_images(tmp_path / "imgs", n=2)
    Image.new("RGB", (80, 48), "red").save(folder / "small.jpg")
    _refused(tmp_path, config(folder, work["model"], tmp_path / "out.safetensors"), InputError,
             f"{folder / 'small.jpg'}: 80x48 is under the minimum size; the shorter side must be at least "
             "--resolution (64 px): upscaled images teach blur")


def test_model_folder_of_the_wrong_kind(work, tmp_path):
    unet = work["model"] / "unet"
    _refused(tmp_path, config(work["images"], unet, tmp_path / "out.safetensors"), GeneratorError,
             f"{unet} is not a diffusers pipeline folder: no model_index.json (it holds a single component: "
             "config.json); expected a text-to-image pipeline (Stable Diffusion 1.x/2.x, SD-Turbo, SDXL, "
             "SDXL-Turbo, SD3, FLUX)")


def test_sd3_is_refused_before_training(work, tmp_path):
    fake = tmp_path / "sd3"
    fake.mkdir()
    (fake / "model_index.json").write_text(json.dumps({"_class_name": "StableDiffusion3Pipeline"}))
    _refused(tmp_path, config(work["images"], fake, tmp_path / "o" / "out.safetensors"), GeneratorError,
             f"{fake} holds a StableDiffusion3Pipeline: LoRA training is not supported for this model family; "
             "train-lora trains Stable Diffusion 1.x/2.x and SDXL models")


def test_unwritable_output_path(work, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    out = blocker / "brand.safetensors"
    _refused(tmp_path, config(work["images"], work["model"], out), InputError,
             f"--out: cannot write {out}: {blocker} is not a writable folder")
    assert blocker.read_text() == "not a folder"


@pytest.mark.parametrize("flag, value, message", [
    ("--rank", "0", "invalid value for '--rank': 0; the LoRA rank is a whole number from 1 to 256"),
    ("--steps", "-1", "invalid value for '--steps': -1; the number of optimizer steps is a whole number "
                      "from 1 to 1000000"),
])
def test_cli_refuses_bad_numbers(work, tmp_path, flag, value, message):
    out = tmp_path / "out" / "brand.safetensors"
    r = subprocess.run([sys.executable, "-m", "composer", "train-lora", str(work["images"]), "--model",
                        str(work["model"]), "--out", str(out), flag, value], capture_output=True, text=True, cwd=ROOT)
    assert (r.returncode, r.stderr, r.stdout) == (2, f"error: {message}\n", "")
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_sdxl_trains_and_its_file_loads(tmp_path):
    from tiny_models import build_sdxl

    model = build_sdxl(tmp_path / "tiny-sdxl")
    images = brand_images(tmp_path / "imgs", n=4)
    out = tmp_path / "xl.safetensors"
    result = train_lora(config(images, model, out, steps=6, batch_size=4))
    assert result.lora_dtype == "float32" and lora_info(out)["base_model_class"] == "StableDiffusionXLPipeline"
    base = _generate(model)
    assert np.abs(_generate(model, out) - base).mean() > 0.5
    assert np.array_equal(_generate(model), base)


@pytest.mark.slow
def test_cli_trains_and_resume_can_train_on(work, tmp_path):
    out = tmp_path / "cli" / "brand.safetensors"

    def cli(steps: str, *extra: str):
        cmd = [sys.executable, "-m", "composer", "train-lora", str(work["images"]), "--model", str(work["model"]),
               "--out", str(out), "--steps", steps, "--rank", "2", "--resolution", "64", "--caption", CAPTION,
               "--device", "cpu", *extra]
        env = {**os.environ, "OMP_NUM_THREADS": "1"}  # two shared cores: one thread is faster
        return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)

    first = cli("2")
    assert (first.returncode, first.stdout) == (0, f"{out}\n"), first.stderr
    more = cli("3", "--resume")
    assert more.returncode == 0, more.stderr
    assert "resuming from step 2 of 3" in more.stderr
    assert lora_info(out)["steps"] == 3


@pytest.mark.slow
def test_half_precision_base_keeps_float32_lora_weights(work, tmp_path):
    out = tmp_path / "half.safetensors"
    result = train_lora(config(work["images"], work["model"], out, steps=3, dtype="float16", batch_size=2))
    assert (result.dtype, result.lora_dtype) == ("float16", "float32")
    assert all(np.isfinite(result.losses))
    assert {v.dtype for v in load_file(out).values()} == {torch.float32}
