"""A diffusion campaign: one model load for the whole batch, rasters shared through the cache."""

from __future__ import annotations

import os

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
pytest.importorskip("diffusers")

from tiny_models import build_sd  # noqa: E402

import composer  # noqa: E402
from composer.campaign.local import gpu_ids, uses_diffusion  # noqa: E402
from composer.campaign.run import plan  # noqa: E402
from composer.pipeline import BuildOptions  # noqa: E402
from generator.base import get_backend  # noqa: E402

SPEC = """
version: 1
data: rows.csv
name: "tile-${row}"
canvas: {width: 256, height: 256}
background: {generator: diffusion, prompt: "calm sea at dawn", seed: 4, steps: 2, text_aware: false}
elements:
  - {type: text, id: title, text: "${title}", box: {x: 16, y: 16, width: 224, height: 80}, font: {family: Inter, size: 28}, color: "#FFFFFF"}
outputs: [png]
"""


@pytest.mark.slow
def test_a_diffusion_campaign_loads_the_model_once_and_shares_rasters(tmp_path, monkeypatch):
    monkeypatch.setenv("PLACARD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")  # no GPU: the model worker is this process
    model = build_sd(tmp_path / "tiny-sd")
    (tmp_path / "rows.csv").write_text("title\nFirst\nSecond\nThird\n", encoding="utf-8")
    (tmp_path / "tiles.yaml").write_text(SPEC, encoding="utf-8")
    opts = BuildOptions(model=str(model))
    assert uses_diffusion(plan(tmp_path / "tiles.yaml", options=opts).camp) and gpu_ids() == []
    backend = get_backend("diffusion")
    before = getattr(backend, "pipeline_calls", 0)
    res = list(composer.build_many(tmp_path / "tiles.yaml", out_dir=tmp_path / "out", jobs=2, options=opts))
    assert [(r.name, r.status) for r in res] == [("tile-1", "built"), ("tile-2", "built"), ("tile-3", "built")]
    assert backend.pipeline_calls - before == 1  # one painting, shared by the three rows
    import json

    hits = [json.loads((tmp_path / "out" / f"tile-{i}.report.json").read_text())["background"]["cache"]["hit"] for i in (1, 2, 3)]
    assert hits == [False, True, True]
