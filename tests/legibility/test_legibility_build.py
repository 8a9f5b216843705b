"""Legibility through the whole build: auto fixes reach their targets on the output PNG; strict fails."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import composer
from composer.legibility import measure as L
from composer.legibility.apply import ink_mask

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def busy(spec_dir: Path) -> Path:
    """A busy photo stand-in: black/white checks with noise, the worst case for mid-grey text."""
    rng = np.random.default_rng(5)
    yy, xx = np.mgrid[0:500, 0:800]
    checks = (((yy // 14) + (xx // 14)) % 2) * 255
    noise = rng.integers(-60, 60, (500, 800))
    rgb = np.clip(checks + noise, 0, 255).astype(np.uint8)
    Image.fromarray(np.stack([rgb] * 3, -1)).save(spec_dir / "busy.png")
    return spec_dir / "busy.png"


SPEC = """
version: 1
canvas: {{width: 800, height: 500}}
background: {{image: busy.png}}
legibility: {policy}
elements:
  - {{type: text, id: title, text: "Busy backgrounds", box: {{x: 40, y: 40, width: 720, height: 120}}, font: {{family: Inter, weight: 800, size: 72}}, color: "#888888"}}
  - {{type: text, id: body, text: "Small grey body text over a checkerboard is the worst case for contrast.", box: {{x: 40, y: 300, width: 620, height: 120}}, font: {{family: Inter, size: 22}}, color: "#777777"}}
outputs: [png]
"""


def _remeasure(result, element_id: str) -> float:
    comp = result.composition
    p = next(p for p in comp.layout.text_elements() if p.id == element_id)
    block = comp.legibility.texts[p.id]
    out = np.asarray(result.image.convert("RGB"))
    ink = ink_mask([r.d for r in block.runs], out.shape[1], out.shape[0], p.box)
    color = comp.legibility.colors[p.id].hex
    return L.measure(out, ink, color, p.box).contrast_p5


def test_auto_reaches_targets_on_the_output_png(write_spec, busy, tmp_path):
    result = composer.build(write_spec(SPEC.format(policy="auto")), tmp_path)
    report = {e["id"]: e for e in result.report["elements"]}
    for eid in ("title", "body"):
        leg = report[eid]["legibility"]
        assert leg["before"]["contrast"] < leg["target"], "the test background must start illegible"
        assert leg["action"] in ("color", "scrim", "halo")
        measured = _remeasure(result, eid)
        assert measured >= leg["target"] - 0.05, (eid, leg, measured)
    assert report["title"]["legibility"]["large_text"] is True
    assert report["body"]["legibility"]["large_text"] is False
    assert report["body"]["legibility"]["target"] == 4.5


def test_strict_fails_with_the_measured_ratio(write_spec, busy, tmp_path):
    with pytest.raises(composer.LegibilityError) as e:
        composer.build(write_spec(SPEC.format(policy="strict")), tmp_path / "out")
    msg = str(e.value)
    assert "elements[0]: text 'title' has a contrast of " in msg
    assert "below its target of 3:1" in msg
    assert not (tmp_path / "out").exists()


def test_off_measures_and_reports_only(write_spec, busy, tmp_path):
    result = composer.build(write_spec(SPEC.format(policy="off")), tmp_path)
    leg = {e["id"]: e for e in result.report["elements"]}["body"]["legibility"]
    assert leg["action"] == "none" and leg["met"] is False
    assert result.composition.legibility.underlays == {} and result.composition.legibility.halos == {}


def test_color_auto_picks_the_best_brand_colour(write_spec, tmp_path):
    p = write_spec("""
        version: 1
        canvas: {width: 400, height: 200, background: "#0A1430"}
        background: {style: flat}
        brand: {colors: {ink: "#111111", paper: "#FFFFFF", primary: "#0B5FFF"}}
        elements:
          - {type: text, id: t, text: "Auto colour", box: {x: 20, y: 20, width: 360, height: 100}, font: {size: 40}, color: auto}
        outputs: [png]
        """)
    result = composer.build(p, tmp_path)
    entry = result.report["elements"][0]
    assert entry["color"] == "#FFFFFF"
    assert entry["legibility"]["after"]["contrast"] > 15


def test_lint_flags_errors_and_prints_json(write_spec, busy, tmp_path):
    spec = write_spec(SPEC.format(policy="off"))
    r = subprocess.run([sys.executable, "-m", "composer", "lint", str(spec), "--format", "json"],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 1, r.stderr
    problems = json.loads(r.stdout)[str(spec)]
    codes = {(p["element"], p["code"], p["severity"]) for p in problems}
    assert ("body", "low-contrast", "error") in codes
    assert ("title", "low-contrast", "error") in codes


SYSTEM_SAMPLES = {"multilingual.yaml"}  # needs Noto Sans CJK from fontconfig


def _lint_clean(samples: list[str]) -> None:
    r = subprocess.run([sys.executable, "-m", "composer", "lint", *samples, "--format", "json"],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    errors = [(s, p) for s, ps in json.loads(r.stdout).items() for p in ps if p["severity"] == "error"]
    assert errors == []


def test_every_sample_passes_lint():
    _lint_clean(sorted(str(p) for p in (ROOT / "samples").glob("*.yaml") if p.name not in SYSTEM_SAMPLES))


@pytest.mark.system("fonts-noto-cjk")
def test_the_multilingual_sample_passes_lint():
    _lint_clean([str(ROOT / "samples" / name) for name in sorted(SYSTEM_SAMPLES)])


def test_lint_flags_chart_labels_too_small_for_print(write_spec):
    spec = write_spec("""
        version: 1
        canvas: {preset: a4, dpi: 300}
        background: {style: flat}
        elements:
          - {type: bar_chart, id: tiny, box: {x: 100, y: 100, width: 300, height: 200}, text_size: 12, min_text_size: 12,
             categories: [A, B], series: [{name: S, values: [1, 2]}]}
        outputs: [png]
        """)
    r = subprocess.run([sys.executable, "-m", "composer", "lint", str(spec), "--format", "json"],
                       capture_output=True, text=True, cwd=ROOT)
    problems = json.loads(r.stdout)[str(spec)]
    assert r.returncode == 1
    assert any(p["code"] == "label-too-small" and p["element"] == "tiny" and "2.9 pt" in p["message"] for p in problems), problems
