"""The content cache: text-only rebuilds skip the model, every pixel-changing input changes the key."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
ROOT = Path(__file__).resolve().parents[2]

pytest.importorskip("diffusers")
pytestmark = pytest.mark.diffusion

from PIL import Image  # noqa: E402
from tiny_models import build_lora, build_sd  # noqa: E402

from generator.base import Box, GenerateRequest  # noqa: E402
from generator.cache import cache_clear, cache_info, cache_key, cache_root, cached_generate  # noqa: E402
from generator.diffusion import DiffusionBackend  # noqa: E402


@pytest.fixture(scope="module")
def sd(tmp_path_factory):
    return build_sd(tmp_path_factory.mktemp("models") / "tiny-sd")


@pytest.fixture()
def backend():
    return DiffusionBackend()


def request(model, **kw):
    options = {"model": str(model), "steps": 2, "guidance": 4.0, **kw.pop("options", {})}
    base = dict(width=96, height=64, seed=3, prompt="calm sea", text_boxes=(Box(8, 8, 60, 20),))
    return GenerateRequest(**{**base, **kw, "options": options})


def test_text_only_rebuild_makes_no_pipeline_call(sd, backend, tmp_path, monkeypatch):
    from diffusers import StableDiffusionPipeline

    calls = []
    original = StableDiffusionPipeline.__call__

    @functools.wraps(original)
    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(StableDiffusionPipeline, "__call__", counting)
    first = cached_generate(backend, request(sd), cache_dir=tmp_path)
    # The headline's words changed; its box, the prompt and the seed did not: same request.
    second = cached_generate(backend, request(sd), cache_dir=tmp_path)
    assert len(calls) == 1 and backend.pipeline_calls == 1
    assert np.array_equal(np.asarray(first.image), np.asarray(second.image))
    assert first.metadata["cache"]["hit"] is False and second.metadata["cache"]["hit"] is True
    assert second.metadata["generated_size"] == first.metadata["generated_size"]


def test_disabled_cache_always_generates(sd, backend, tmp_path):
    cached_generate(backend, request(sd), enabled=False, cache_dir=tmp_path)
    cached_generate(backend, request(sd), enabled=False, cache_dir=tmp_path)
    assert backend.pipeline_calls == 2 and cache_info(tmp_path)["entries"] == 0


@pytest.mark.parametrize(
    "change",
    [
        {"prompt": "stormy sea"},
        {"negative_prompt": "boats"},
        {"seed": 4},
        {"width": 97},
        {"text_boxes": (Box(8, 8, 60, 22),)},
        {"text_aware": False},
        {"options": {"steps": 3}},
        {"options": {"guidance": 4.5}},
        {"options": {"scheduler": "ddim"}},
        {"options": {"init_image": Image.new("RGB", (8, 8), "red")}},
    ],
)
def test_every_pixel_changing_input_changes_the_key(sd, backend, change):
    assert cache_key(backend, request(sd, **change)) != cache_key(backend, request(sd))


def test_progress_bar_does_not_change_the_key(sd, backend):
    assert cache_key(backend, request(sd, options={"progress": True})) == cache_key(backend, request(sd))


def test_model_files_and_lora_files_are_part_of_the_key(sd, backend, tmp_path):
    lora = build_lora(tmp_path / "lora", sd)
    base = cache_key(backend, request(sd))
    with_lora = cache_key(backend, request(sd, options={"lora": [{"path": str(lora), "scale": 0.8}]}))
    scaled = cache_key(backend, request(sd, options={"lora": [{"path": str(lora), "scale": 0.5}]}))
    assert len({base, with_lora, scaled}) == 3
    lora.write_bytes(lora.read_bytes() + b" ")  # a retrained adapter at the same path
    assert cache_key(backend, request(sd, options={"lora": [{"path": str(lora), "scale": 0.8}]})) != with_lora
    weights = sd / "unet" / "diffusion_pytorch_model.safetensors"
    st = weights.stat()
    os.utime(weights, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))  # new weights, same folder
    assert cache_key(backend, request(sd)) != base


@pytest.mark.parametrize("damage", ["truncate", "flip", "delete_png", "bad_json"])
def test_corrupt_entry_is_detected_and_regenerated(sd, backend, tmp_path, damage):
    first = cached_generate(backend, request(sd), cache_dir=tmp_path)
    key = first.metadata["cache"]["key"]
    png, meta = tmp_path / key[:2] / f"{key}.png", tmp_path / key[:2] / f"{key}.json"
    data = png.read_bytes()
    if damage == "truncate":
        png.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        png.write_bytes(data[:-20] + bytes([data[-20] ^ 0xFF]) + data[-19:])
    elif damage == "delete_png":
        png.unlink()
    else:
        meta.write_text("{")
    again = cached_generate(backend, request(sd), cache_dir=tmp_path)
    assert backend.pipeline_calls == 2 and again.metadata["cache"]["hit"] is False
    assert np.array_equal(np.asarray(first.image), np.asarray(again.image))
    assert cached_generate(backend, request(sd), cache_dir=tmp_path).metadata["cache"]["hit"] is True


def test_info_and_clear(sd, backend, tmp_path):
    for seed in (1, 2):
        cached_generate(backend, request(sd, seed=seed), cache_dir=tmp_path)
    info = cache_info(tmp_path)
    assert info["path"] == str(tmp_path) and info["entries"] == 2 and info["bytes"] > 0
    assert not list(tmp_path.glob("*/.tmp-*"))  # atomic writes leave no temp files
    assert cache_clear(tmp_path) == 2
    assert cache_info(tmp_path)["entries"] == 0 and cache_clear(tmp_path) == 0


def test_cache_folder_follows_env_then_platform(monkeypatch, tmp_path):
    monkeypatch.setenv("PLACARD_CACHE_DIR", str(tmp_path / "c"))
    assert cache_root() == tmp_path / "c"
    monkeypatch.delenv("PLACARD_CACHE_DIR")
    from platformdirs import user_cache_dir

    assert cache_root() == Path(user_cache_dir("placard")) / "rasters"


def test_cache_hit_does_not_import_torch(sd, backend, tmp_path):
    cached_generate(backend, request(sd), cache_dir=tmp_path)
    code = (
        "import sys\n"
        "from generator.base import Box, GenerateRequest, get_backend\n"
        "from generator.cache import cached_generate\n"
        f"req = GenerateRequest(width=96, height=64, seed=3, prompt='calm sea', text_boxes=(Box(8, 8, 60, 20),),"
        f" options={{'model': {str(sd)!r}, 'steps': 2, 'guidance': 4.0}})\n"
        f"out = cached_generate(get_backend('diffusion'), req, cache_dir={str(tmp_path)!r})\n"
        "print(out.metadata['cache']['hit'], 'torch' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True,
    )
    assert out.stdout.split() == ["True", "False"]
