"""The diffusion sample through the whole build: CLI --model, report, AI metadata, cache on text edits."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
pytest.importorskip("diffusers")
pytestmark = pytest.mark.diffusion

from PIL import Image  # noqa: E402
from tiny_models import build_sd  # noqa: E402

import composer  # noqa: E402
from composer.pipeline import BuildOptions  # noqa: E402
from generator.base import get_backend  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "diffusion" / "launch.yaml"


@pytest.fixture(scope="module")
def tiny_sd(tmp_path_factory):
    return build_sd(tmp_path_factory.mktemp("models") / "tiny-sd")


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    d = tmp_path / "cache"
    monkeypatch.setenv("PLACARD_CACHE_DIR", str(d))
    return d


def test_cli_builds_the_sample_with_a_tiny_model(tiny_sd, cache_dir, tmp_path):
    r = subprocess.run([sys.executable, "-m", "composer", "build", str(SAMPLE), "--model", str(tiny_sd),
                        "-o", str(tmp_path), "--layers", "--format", "png"],
                       capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PLACARD_CACHE_DIR": str(cache_dir)})
    assert r.returncode == 0, r.stderr
    report = json.loads((tmp_path / "launch.report.json").read_text())
    bg = report["background"]
    assert bg["generator"] == "diffusion" and bg["pipeline"] == "StableDiffusionPipeline"
    assert bg["final_size"] == [1080, 1350] and bg["generated_size"][0] % 8 == 0
    assert bg["text_aware"]["enabled"] is True
    png = Image.open(tmp_path / "launch.png")
    assert json.loads(png.info["Placard"])["ai_generated"] is True
    assert "compositeWithTrainedAlgorithmicMedia" in png.info["XML:com.adobe.xmp"]
    assert Image.open(tmp_path / "launch.background.png").size == (1080, 1350)


def test_text_edit_rebuild_makes_no_pipeline_call(tiny_sd, cache_dir, tmp_path):
    opts = BuildOptions(model=str(tiny_sd), formats=("png",))
    composer.build(SAMPLE, tmp_path, options=opts)
    backend = get_backend("diffusion")
    calls = backend.pipeline_calls
    spec = composer.load_spec(SAMPLE)
    raw = dict(spec.raw)
    edited = SAMPLE.parent / "edited.yaml"
    text = SAMPLE.read_text().replace("Book your seat", "Reserve a seat")
    edited.write_text(text)
    try:
        result = composer.build(edited, tmp_path, options=opts)
    finally:
        edited.unlink()
    assert backend.pipeline_calls == calls
    assert result.report["background"]["cache"]["hit"] is True
    assert raw  # the sample itself was untouched


def test_missing_model_is_one_clear_error(cache_dir, tmp_path):
    r = subprocess.run([sys.executable, "-m", "composer", "build", str(SAMPLE), "--model", str(tmp_path / "no-such-model"),
                        "-o", str(tmp_path / "out")], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2
    assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1
    assert "no-such-model" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "out").exists()
