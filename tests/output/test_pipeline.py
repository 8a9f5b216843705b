"""End-to-end builds: outputs, determinism, bleed, layers, the Python API and the torch-free path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import composer

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "launch-poster.yaml"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    return composer.build(SAMPLE, out), out


def test_build_writes_every_format_and_report(built):
    result, out = built
    names = sorted(p.name for p in result.files)
    assert names == ["launch-poster.pdf", "launch-poster.png", "launch-poster.report.json", "launch-poster.svg"]
    png = Image.open(out / "launch-poster.png")
    assert png.size == (1080, 1350)
    assert (out / "launch-poster.pdf").read_bytes().startswith(b"%PDF-")
    svg = (out / "launch-poster.svg").read_text()
    assert svg.startswith("<svg") and "<text" not in svg and "data:image/jpeg;base64," in svg
    report = json.loads((out / "launch-poster.report.json").read_text())
    assert [e["id"] for e in report["elements"]] == ["kicker", "headline", "subhead", "cta", "logo", "footer"]  # logo from the brand file
    head = next(e for e in report["elements"] if e["id"] == "headline")
    assert head["box"] == {"x": 80.0, "y": 150.0, "width": 920.0, "height": 430.0}
    assert head["lines"] == ["Summer", "Product", "Launch 2026"]
    assert head["fonts"][0].endswith("Inter-ExtraBold.otf")
    assert 48 <= head["size"] <= 150


def test_png_metadata(built):
    _, out = built
    im = Image.open(out / "launch-poster.png")
    assert im.info["Title"] == "Summer Product Launch 2026"  # the headline, not the kicker above it
    assert im.info["Software"] == f"Placard {composer.__version__}"
    meta = json.loads(im.info["Placard"])
    assert meta["generator"] == "procedural" and meta["seed"] == 7
    assert "Summer Product Launch 2026" in im.info["Description"]
    assert "compositeSynthetic" in im.info["XML:com.adobe.xmp"]


def test_headline_ink_is_inside_its_box(built):
    result, out = built
    im = np.asarray(Image.open(out / "launch-poster.png").convert("RGB")).astype(int)
    # The headline is white on a dark-blue background: white pixels above and below its box
    # (between the kicker and the subhead) would be clipped or misplaced text.
    band = im[136:150, 80:1000]
    assert (band.min(axis=2) > 235).sum() == 0


def test_same_spec_same_bytes(tmp_path):
    a = composer.build(SAMPLE, tmp_path / "a", formats=["png", "svg"])
    b = composer.build(SAMPLE, tmp_path / "b", formats=["png", "svg"])
    for ext in ("png", "svg"):
        assert (tmp_path / "a" / f"launch-poster.{ext}").read_bytes() == (tmp_path / "b" / f"launch-poster.{ext}").read_bytes()
    assert a.report == b.report


def test_seed_changes_background(write_spec, tmp_path):
    base = "version: 1\ncanvas: {width: 200, height: 150}\nbackground: {style: blobs, seed: %d}\noutputs: [png]\n"
    a = composer.build(write_spec(base % 1, "a.yaml"), tmp_path)
    b = composer.build(write_spec(base % 2, "b.yaml"), tmp_path)
    assert np.abs(np.asarray(a.image, float) - np.asarray(b.image, float)).mean() > 1


def test_print_pdf_has_bleed_and_crop_marks(write_spec, tmp_path):
    p = write_spec("""
        version: 1
        canvas: {preset: a5, dpi: 150, bleed: 3mm}
        background: {style: flat}
        elements:
          - {type: rect, box: {x: 0, y: 0, width: 100%, height: 100%}, fill: primary}
        """)
    composer.build(p, tmp_path, formats=["pdf", "png"])
    pdf = (tmp_path / "spec.pdf").read_bytes()
    import re

    box = re.search(rb"/MediaBox \[ ?([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) ?\]", pdf)
    w_pt, h_pt = float(box.group(3)), float(box.group(4))
    mm = 72 / 25.4
    # the page holds the bleed (3 mm a side) and, outside it, 7 mm a side for the crop marks
    assert w_pt == pytest.approx((148 + 6 + 14) * mm, abs=1.0)
    assert h_pt == pytest.approx((210 + 6 + 14) * mm, abs=1.0)
    trim = re.search(rb"/TrimBox \[ ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) \]", pdf)
    assert trim, "the PDF names its trim box"
    assert float(trim.group(1)) == pytest.approx(10 * mm, abs=0.5)
    assert float(trim.group(3)) - float(trim.group(1)) == pytest.approx(148 * mm, abs=1.0)
    bleed = re.search(rb"/BleedBox \[ ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) \]", pdf)
    assert float(bleed.group(1)) == pytest.approx(7 * mm, abs=0.5)
    assert float(bleed.group(3)) - float(bleed.group(1)) == pytest.approx(154 * mm, abs=1.0)
    png = Image.open(tmp_path / "spec.png")
    assert png.size == (round(148 / 25.4 * 150), round(210 / 25.4 * 150))
    assert png.info["dpi"][0] == pytest.approx(150, abs=0.1)


def test_layers_flag_writes_rasters(tmp_path):
    r = subprocess.run([sys.executable, "-m", "composer", "build", str(SAMPLE), "-o", str(tmp_path), "--format", "png", "--layers"],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    bg = Image.open(tmp_path / "launch-poster.background.png")
    assert bg.size == (1080, 1350)


def test_batch_build_with_glob(tmp_path, write_spec):
    for i in range(3):
        write_spec(f"version: 1\ncanvas: {{width: 120, height: 80}}\nbackground: {{seed: {i}}}\noutputs: [png]\n", f"s{i}.yaml")
    pattern = str(Path(write_spec("version: 1\ncanvas: og\noutputs: [svg]\n", "s3.yaml")).parent / "s*.yaml")
    r = subprocess.run([sys.executable, "-m", "composer", "build", pattern, "-o", str(tmp_path / "o")],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "built 4 of 4 specs" in r.stdout
    assert sorted(p.name for p in (tmp_path / "o").glob("*.png")) == ["s0.png", "s1.png", "s2.png"]


def test_python_api_from_dict(tmp_path):
    spec = {"version": 1, "canvas": {"width": 300, "height": 200, "background": "#223344"},
            "background": {"style": "flat"},
            "elements": [{"type": "text", "id": "t", "text": "Hi", "box": {"x": 10, "y": 10, "width": 280, "height": 80},
                          "font": {"size": 40}, "color": "#FFFFFF"}]}
    result = composer.build(spec, tmp_path, formats=["png"], name="api")
    assert [p.name for p in result.files] == ["api.png", "api.report.json"]
    assert result.report["elements"][0]["lines"] == ["Hi"]
    px = np.asarray(result.image)
    assert tuple(px[150, 150]) == (0x22, 0x33, 0x44)


def test_composition_never_imports_torch(tmp_path):
    code = (
        "import sys, composer; composer.build(sys.argv[1], sys.argv[2]); "
        "bad = [m for m in ('torch', 'diffusers', 'transformers') if m in sys.modules]; "
        "print('IMPORTED', bad)"
    )
    r = subprocess.run([sys.executable, "-c", code, str(SAMPLE), str(tmp_path)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "IMPORTED []"


def test_validate_and_schema_commands():
    r = subprocess.run([sys.executable, "-m", "composer", "validate", str(SAMPLE)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0 and r.stdout.strip().endswith(": ok")
    r = subprocess.run([sys.executable, "-m", "composer", "schema"], capture_output=True, text=True, cwd=ROOT)
    schema = json.loads(r.stdout)
    assert schema["title"] == "Spec"
    assert "elements" in schema["properties"]
    assert schema["additionalProperties"] is False


def test_failed_build_leaves_no_file(write_spec, tmp_path):
    p = write_spec("""
        version: 1
        canvas: {width: 200, height: 100}
        elements:
          - {type: text, id: big, text: "This will never fit in a tiny box", box: {x: 0, y: 0, width: 40, height: 10}, font: {size: 40}}
        """)
    with pytest.raises(composer.TextFitError):
        composer.build(p, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_accessibility_metadata_in_every_format(write_spec, tmp_path):
    import shutil

    p = write_spec("""
        version: 1
        title: Harbour festival
        alt: "A poster for the harbour festival on 3 May, with a blue gradient background."
        canvas: {width: 300, height: 200}
        background: {style: blobs, seed: 3}
        elements:
          - {type: text, text: "Harbour festival", box: {x: 10, y: 10, width: 280, height: 60}, font: {size: 30}}
        """)
    composer.build(p, tmp_path)
    png = Image.open(tmp_path / "spec.png")
    assert png.info["Title"] == "Harbour festival"
    assert png.info["Description"].startswith("A poster for the harbour festival")
    svg = (tmp_path / "spec.svg").read_text()
    assert "<title>Harbour festival</title>" in svg
    assert "<desc>A poster for the harbour festival on 3 May, with a blue gradient background.</desc>" in svg
    meta = json.loads(png.info["Placard"])
    assert meta["generator"] == "procedural" and meta["seed"] == 3 and meta["ai_generated"] is False
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(tmp_path / "spec.pdf")], capture_output=True, text=True).stdout
        assert "Title:           Harbour festival" in info
        assert "Subject:         A poster for the harbour festival" in info
        assert "Creator:         Placard" in info


def test_alt_text_defaults_to_reading_order(write_spec, tmp_path):
    p = write_spec("""
        version: 1
        canvas: {width: 400, height: 300}
        background: {style: flat}
        elements:
          - {type: text, text: "Second", box: {x: 10, y: 150, width: 300, height: 60}, font: {size: 30}}
          - {type: text, text: "First **bold**", box: {x: 10, y: 10, width: 300, height: 60}, font: {size: 30}}
        outputs: [svg]
        """)
    composer.build(p, tmp_path)
    assert "<desc>First bold Second</desc>" in (tmp_path / "spec.svg").read_text()


def test_live_text_mode_keeps_text_in_svg_only(write_spec, tmp_path):
    p = write_spec("""
        version: 1
        canvas: {width: 500, height: 200, background: "#FFFFFF"}
        background: {style: flat}
        text_mode: live
        elements:
          - {type: text, id: t, text: "Editable headline", box: {x: 20, y: 20, width: 460, height: 100}, font: {size: 48}, color: "#111111"}
        outputs: [png, svg]
        """)
    result = composer.build(p, tmp_path)
    svg = (tmp_path / "spec.svg").read_text()
    assert "<text" in svg and "Editable headline" in svg and "@font-face" in svg
    ink = np.asarray(result.image.convert("L")) < 128
    assert ink[20:120, 20:480].sum() > 500  # the PNG is drawn from outlines, not from the live text


def test_shapes_drawn_after_text_stay_on_top(write_spec, tmp_path):
    """The fast path (text over the legibility render) must not be taken when z-order matters."""
    from composer.render.artwork import text_is_on_top

    p = write_spec("""
        version: 1
        canvas: {width: 400, height: 200, background: "#FFFFFF"}
        background: {style: flat}
        elements:
          - {type: text, id: t, text: "Hidden", box: {x: 20, y: 20, width: 360, height: 100}, font: {size: 60}, color: "#000000"}
          - {type: rect, box: {x: 0, y: 0, width: 400, height: 200}, fill: "#FF0000"}
          - {type: text, id: u, text: "Shown", box: {x: 20, y: 120, width: 360, height: 70}, font: {size: 40}, color: "#FFFFFF"}
        outputs: [png]
        """)
    result = composer.build(p, tmp_path)
    assert text_is_on_top(result.composition.layout, result.composition.legibility) is False
    px = np.asarray(result.image)[20:110, 20:380]
    assert (px.max(axis=2) < 60).sum() == 0  # no black "Hidden" ink shows through the red rect
    assert (np.asarray(result.image)[130:190, 20:380].min(axis=2) > 200).sum() > 100  # white "Shown" is drawn


def test_the_pdf_embeds_the_background_jpeg_as_is(tmp_path):
    """The PDF's background surface carries the JPEG as MIME data and no pixels (a print build's
    peak memory): cairo must write that JPEG, byte for byte, or the page would come out black."""
    from composer.render.svg import jpeg_bytes

    result = composer.build(Path(__file__).resolve().parents[2] / "samples" / "launch-poster.yaml", tmp_path, ["pdf"])
    background = result.composition.rasters.background
    pdf = (tmp_path / "launch-poster.pdf").read_bytes()
    jpeg = jpeg_bytes(background)
    assert len(jpeg) > 10_000 and jpeg in pdf
    assert b"/DCTDecode" in pdf


def test_the_cli_pauses_the_collector_only_while_it_imports(tmp_path):
    """cli() disables gc for the imports, then freezes them and collects again before building."""
    code = (
        "import gc, sys\n"
        "import composer.pipeline as p\n"
        "real = p.build\n"
        "def spy(*a, **k):\n"
        "    print('enabled', gc.isenabled(), 'frozen', gc.get_freeze_count() > 1000, flush=True)\n"
        "    return real(*a, **k)\n"
        "p.build = spy\n"
        "import composer.__main__ as m\n"
        f"sys.argv = ['placard', 'build', 'samples/quote.yaml', '--format', 'png', '-o', {str(tmp_path)!r}]\n"
        "m.cli()\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "enabled True frozen True" in out.stdout
    assert (tmp_path / "quote.png").is_file()


@pytest.mark.parametrize("preset", [None, "", "some-plugin"])
def test_the_cli_turns_pydantic_plugins_off_unless_told_otherwise(tmp_path, preset):
    """cli() skips pydantic's plugin search (every installed distribution's metadata) and caps numpy's BLAS
    at one thread, keeping values the user set."""
    code = (
        "import atexit, os, sys\n"
        "import composer.__main__ as m\n"
        "def report():\n"
        "    from pydantic.plugin import _loader\n"
        "    print('env', repr(os.environ.get('PYDANTIC_DISABLE_PLUGINS')), 'searched', _loader._plugins is not None)\n"
        "    print('blas', os.environ.get('OPENBLAS_NUM_THREADS'), os.environ.get('PLACARD_OPENBLAS_CAPPED'))\n"
        "atexit.register(report)\n"
        f"sys.argv = ['placard', 'build', 'samples/quote.yaml', '--format', 'svg', '-o', {str(tmp_path)!r}]\n"
        "m.cli()\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYDANTIC_DISABLE_PLUGINS", "OPENBLAS_NUM_THREADS")}
    if preset is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = preset
        env["OPENBLAS_NUM_THREADS"] = "2"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    expected = "'__all__'" if preset is None else repr(preset)
    import pydantic.plugin._loader as loader

    honoured = "PYDANTIC_DISABLE_PLUGINS" in Path(loader.__file__).read_text()  # pydantic 2.7 and later
    assert f"env {expected} searched {preset is not None or not honoured}" in out.stdout
    # numpy's BLAS threads: capped at one unless the user chose a number
    assert ("blas 1 1" if preset is None else "blas 2 None") in out.stdout


@pytest.mark.parametrize("thread", [False, True])
def test_the_cli_exit_runs_atexit_handlers_flushes_and_keeps_the_exit_code(tmp_path, thread):
    """cli() ends without interpreter teardown, but atexit handlers still run, output is flushed and the code is kept.

    With another thread alive it exits the usual way, which waits for that thread."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nsize: [100, 100]\nelements: [{type: text, txt: hi}]\n")
    code = (
        "import atexit, sys, threading, time\n"
        "import composer.__main__ as m\n"
        "atexit.register(lambda: print('atexit ran', flush=False))\n"
        "sys.stdout.write('buffered ')\n"
        + ("threading.Thread(target=lambda: (time.sleep(0.3), print('thread done'))).start()\n" if thread else "")
        + f"sys.argv = ['placard', 'build', {str(bad)!r}, '-o', {str(tmp_path)!r}]\n"
        "m.cli()\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 2
    assert "bad.yaml:3:12: elements[0].box: missing required key" in out.stderr and "Traceback" not in out.stderr
    assert out.stdout.startswith("buffered ") and "atexit ran" in out.stdout
    assert ("thread done" in out.stdout) == thread


def test_the_diffusion_backend_lifts_the_clis_blas_cap_before_torch_loads():
    pytest.importorskip("torch")
    code = "import os, generator.diffusion_pipes; print(os.environ.get('OPENBLAS_NUM_THREADS'), os.environ.get('PLACARD_OPENBLAS_CAPPED'))"
    for capped, expected in (("1", "None None"), (None, "1 None")):
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
        env.pop("PLACARD_OPENBLAS_CAPPED", None)
        if capped:
            env["PLACARD_OPENBLAS_CAPPED"] = capped
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env)
        assert out.returncode == 0, out.stderr
        assert out.stdout.split() == expected.split()  # a user's own setting stays
