"""`validate` reports every mistake `build` stops at, with the same message, and renders nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

import composer
from composer.__main__ import main

BASE = """\
version: 1
canvas: {width: 400, height: 300}
outputs: [png]
elements:
"""

# name -> (elements and extra keys, files to write beside the spec)
MISTAKES = {
    "invalid-colour": ("  - {type: text, text: hi, box: {width: 100, height: 50}, color: '#GGG'}\n", {}),
    "invalid-fill": ("  - {type: rect, box: {width: 100, height: 50}, fill: nocolour}\n", {}),
    "missing-image": ("  - {type: image, src: nope.png, box: {width: 100, height: 50}}\n", {}),
    "broken-image": ("  - {type: image, src: broken.png, box: {width: 100, height: 50}}\n",
                     {"broken.png": b"\x89PNG\r\n\x1a\nnot really a png"}),
    "unknown-font": ("  - {type: text, text: hi, box: {width: 100, height: 50}, font: {family: Nopefont}}\n", {}),
    "unknown-icon": ("  - {type: icon, name: nosuchicon, box: {width: 100, height: 100}}\n", {}),
    "missing-column": ("  - {type: bar_chart, data: d.csv, x: a, y: nosuch, box: {width: 300, height: 200}}\n",
                       {"d.csv": b"a,b\nx,1\ny,2\n"}),
    "unknown-background-style": ("  - {type: text, text: hi, box: {width: 100, height: 50}}\nbackground: {style: nosuch}\n", {}),
    "missing-background-image": ("  - {type: text, text: hi, box: {width: 100, height: 50}}\nbackground: {image: bg.jpg}\n", {}),
    "unclosed-markup": ("  - {type: text, text: '**hi there', box: {width: 100, height: 50}}\n", {}),
    "template-invalid-value": ("  - {type: template, template: swatch, params: {c: zzz}, box: {width: 100, height: 50}}\n"
                               "templates: tpl\n",
                               {"tpl/swatch.svg.j2": b'<rect width="10" height="10" fill="{{ color(params.c) }}"/>\n'}),
    "template-invalid-svg": ("  - {type: template, template: broken, box: {width: 100, height: 50}}\ntemplates: tpl\n",
                             {"tpl/broken.svg.j2": b'<rect width="10" height="10"\n'}),
    "diffusion-without-model": ("  - {type: text, text: hi, box: {width: 100, height: 50}}\n"
                                "background: {generator: diffusion, prompt: a bay}\n", {}),
    "model-not-a-pipeline": ("  - {type: text, text: hi, box: {width: 100, height: 50}}\n"
                             "background: {generator: diffusion, prompt: a bay, model: ./notamodel}\n",
                             {"notamodel/config.json": b"{}"}),
    "text-does-not-fit": ("  - {type: text, text: 'a very long text that cannot fit', box: {width: 50, height: 20}, "
                          "font: {size: 40}}\n", {}),
}


def _write(spec_dir, name: str):
    body, files = MISTAKES[name]
    for rel, data in files.items():
        target = spec_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    spec = spec_dir / f"{name}.yaml"
    spec.write_text(BASE + body, encoding="utf-8")
    return spec


def _run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_validate_reports_what_build_stops_at(spec_dir, tmp_path, capsys, monkeypatch, name):
    monkeypatch.delenv("PLACARD_MODEL", raising=False)
    spec = _write(spec_dir, name)
    out = tmp_path / "out"
    build_code, build_err = _run(capsys, "build", str(spec), "-o", str(out))
    assert build_code == 2 and build_err.startswith("error: ")
    validate_code, validate_err = _run(capsys, "validate", str(spec))
    assert validate_code == 2
    assert validate_err == build_err
    assert not out.exists() or not any(out.iterdir())


def test_validate_renders_nothing_and_loads_no_generator(spec_dir, monkeypatch):
    """The whole design is checked as SVG text: no cairo raster, no generator, no legibility pixels."""
    import composer.legibility.apply as legibility
    import composer.render.raster as raster
    import generator.base as gen

    def refuse(*args, **kwargs):
        raise AssertionError("validate rendered something")

    monkeypatch.setattr(raster, "rasterize", refuse)
    monkeypatch.setattr(gen, "get_backend", refuse)
    monkeypatch.setattr(legibility, "ink_mask", refuse)
    (spec_dir / "logo.png").write_bytes(_png())
    spec = spec_dir / "ok.yaml"
    spec.write_text(BASE + "  - {type: text, text: '**Hello** world', box: {width: 300, height: 60}, color: white}\n"
                    "  - {type: image, src: logo.png, box: {y: 100, width: 50, height: 50}}\n"
                    "  - {type: illustration, box: {x: 200, y: 100, width: 100, height: 100}}\n"
                    "  - {type: rect, box: {y: 200, width: 100, height: 50}, fill: primary, radius: 2mm}\n"
                    "  - {type: stat, value: 42, label: answers, box: {x: 200, y: 200, width: 180, height: 90}}\n",
                    encoding="utf-8")
    loaded = composer.validate(spec)
    assert loaded.name == "ok" and loaded.warnings == []


def test_validate_cli_says_ok_and_prints_warnings(spec_dir, capsys):
    spec = spec_dir / "off.yaml"
    spec.write_text(BASE + "  - {type: text, text: hi, box: {x: 1100, width: 100, height: 50}}\n", encoding="utf-8")
    code = main(["validate", str(spec)])
    cap = capsys.readouterr()
    assert code == 0
    assert cap.out == f"{spec}: ok\n"
    assert cap.err.startswith(f"warning: {spec}:5:33: elements[0].box: its text (")
    assert main(["validate", "--strict", str(spec)]) == 2


def test_validate_takes_allow_dir(spec_dir, tmp_path, capsys):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "logo.png").write_bytes(_png())
    (spec_dir / "shared").symlink_to(shared)  # a link out of the spec's folder: refused unless allowed
    spec = spec_dir / "allowed.yaml"
    spec.write_text(BASE + "  - {type: image, src: shared/logo.png, box: {width: 50, height: 50}}\n", encoding="utf-8")
    assert main(["validate", str(spec)]) == 2
    assert main(["validate", "--allow-dir", str(shared), str(spec)]) == 0
    capsys.readouterr()


def _png() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 10, 10)).save(buf, "PNG")
    return buf.getvalue()


def test_validate_never_imports_torch(spec_dir):
    import os
    import subprocess
    import sys

    spec = spec_dir / "plain.yaml"
    spec.write_text(BASE + "  - {type: text, text: hi, box: {width: 100, height: 50}}\n"
                    "  - {type: illustration, box: {x: 200, width: 100, height: 100}}\n", encoding="utf-8")
    code = f"import composer, sys; composer.validate({str(spec)!r}); print('torch' in sys.modules, 'diffusers' in sys.modules)"
    root = str(Path(composer.__file__).resolve().parent.parent)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": root})
    assert out.stdout.strip() == "False False"
