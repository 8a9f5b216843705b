"""Every user mistake: one readable message with file:line:col, field path, value and what is allowed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import composer
from composer.core.errors import AssetError, PlacardError

ROOT = Path(__file__).resolve().parents[2]

BASE = """\
version: 1
canvas: {width: 400, height: 300}
elements:
"""


def message(path: Path, *, build: bool = False, out: Path | None = None) -> str:
    with pytest.raises(PlacardError) as e:
        if build:
            composer.build(path, out)
        else:
            composer.validate(path)
    return str(e.value)


def test_missing_file(tmp_path):
    missing = tmp_path / "nope.yaml"
    assert message(missing) == f"{missing}: file not found"


def test_yaml_syntax_error(write_spec):
    p = write_spec("version: 1\ncanvas: {width: 400, height: 300\n")
    assert message(p) == (
        f"{p}:3:1: YAML syntax error: did not find expected ',' or '}}' (while parsing a flow mapping that starts at line 2)"
    )


def test_unknown_key_with_suggestion(write_spec):
    p = write_spec(BASE + "  - {type: text, text: hi, box: {width: 10, height: 10}, colour: red}\n")
    msg = message(p)
    assert msg.startswith(f"{p}:4:58: elements[0].colour: unknown key 'colour'; did you mean 'color'? allowed: id, slot,")


def test_unknown_top_level_key(write_spec):
    p = write_spec("version: 1\ncanvs: {width: 10, height: 10}\n")
    assert message(p).startswith(f"{p}:2:1: canvs: unknown key 'canvs'; did you mean 'canvas'? allowed: version,")


def test_wrong_type(write_spec):
    p = write_spec(BASE + "  - {type: text, text: hi, box: {width: 10, height: 10}, line_height: tall}\n")
    assert message(p) == f"{p}:4:71: elements[0].line_height: invalid value 'tall'; allowed: a number"


def test_bad_unit(write_spec):
    p = write_spec(BASE + "  - {type: rect, box: {width: 12parsec, height: 10}}\n")
    assert message(p) == (
        f"{p}:4:31: elements[0].box.width: invalid length '12parsec'; allowed: a number of pixels or a string "
        'with a unit (px, mm, cm, in, pt, %), e.g. "12mm"'
    )


def test_unknown_element_type(write_spec):
    p = write_spec(BASE + "  - {type: circle, box: {width: 10, height: 10}}\n")
    assert message(p) == (
        f"{p}:4:12: elements[0].type: unknown element type 'circle'; allowed: "
        "'text' | 'image' | 'rect' | 'line' | 'illustration' | 'template' | 'group' | 'stack' | 'stat' | 'bar_chart' | "
        "'line_chart' | 'area_chart' | 'donut_chart' | 'pie_chart' | 'progress' | 'icon' | 'icon_list' | 'timeline' | "
        "'process' | 'graph' | 'table' | 'qr'"
    )


def test_bad_literal(write_spec):
    p = write_spec(BASE + "  - {type: text, text: hi, box: {width: 10, height: 10}, align: middle}\n")
    assert message(p) == f"{p}:4:65: elements[0].align: invalid value 'middle'; allowed: 'left' | 'center' | 'right' | 'justify'"


def test_colour_that_does_not_exist(write_spec, tmp_path):
    p = write_spec(BASE + "  - {type: rect, box: {width: 10, height: 10}, fill: brandblue}\n")
    msg = message(p, build=True, out=tmp_path / "out")
    assert msg == (
        f"{p}:4:54: elements[0].fill: invalid colour 'brandblue'; allowed: #RGB, #RRGGBB, #RRGGBBAA, rgb(r,g,b), "
        "rgba(r,g,b,a), a CSS name such as white, or a brand colour (accent, dark, ink, paper, primary)"
    )
    assert not (tmp_path / "out").exists()


def test_unknown_font_family(write_spec, tmp_path):
    p = write_spec(BASE + "  - {type: text, text: hi, box: {width: 100, height: 50}, font: {family: Comic Sans Pro, size: 20}}\n")
    with pytest.raises(composer.FontError) as e:
        composer.build(p, tmp_path / "out")
    assert str(e.value).startswith(f"{p}:4:")
    assert "Comic Sans Pro" in str(e.value)
    assert not (tmp_path / "out").exists()


def test_layout_slot_that_does_not_exist(write_spec):
    p = write_spec("version: 1\nlayout: poster/hero-top\nslots:\n  headline: Hi\n  hedline: typo\n")
    assert message(p) == (
        f"{p}:5:3: slots.hedline: layout 'poster/hero-top' has no slot 'hedline'; did you mean 'headline'? "
        "slots: kicker, headline, subhead, cta, logo, footer"
    )


def test_unknown_layout(write_spec):
    p = write_spec("version: 1\nlayout: poster/hero-tpo\n")
    msg = message(p)
    assert msg.startswith(f"{p}:2:9: layout: unknown layout 'poster/hero-tpo'; did you mean 'poster/hero-top'? allowed: ")


def test_missing_image(write_spec, tmp_path):
    p = write_spec(BASE + "  - {type: image, src: logo.png, box: {width: 10, height: 10}}\n")
    with pytest.raises(AssetError) as e:
        composer.build(p, tmp_path / "out")
    assert str(e.value).startswith(f"{p}:4:24: elements[0].src: ")
    assert "logo.png" in str(e.value)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("src", ["../secret.png", "/etc/passwd", "http://example.com/a.png", "file:///etc/passwd"])
def test_asset_escapes_are_refused(write_spec, tmp_path, src):
    (tmp_path / "secret.png").write_bytes(b"x")
    p = write_spec(BASE + f"  - {{type: image, src: '{src}', box: {{width: 10, height: 10}}}}\n")
    with pytest.raises(AssetError) as e:
        composer.build(p, tmp_path / "out")
    assert str(e.value).startswith(f"{p}:4:24: elements[0].src: ")
    assert not (tmp_path / "out").exists()


def test_symlink_out_is_refused(write_spec, spec_dir, tmp_path):
    (tmp_path / "outside.png").write_bytes(b"x")
    os.symlink(tmp_path / "outside.png", spec_dir / "link.png")
    p = write_spec(BASE + "  - {type: image, src: link.png, box: {width: 10, height: 10}}\n")
    with pytest.raises(AssetError) as e:
        composer.build(p, tmp_path / "out")
    assert str(e.value).startswith(f"{p}:4:24: elements[0].src: ")


def test_canvas_over_pixel_cap(write_spec):
    p = write_spec("version: 1\ncanvas: {width: 20000, height: 20000}\n")
    assert message(p) == (
        f"{p}:2:9: canvas: canvas is 20,000×20,000 px (400 megapixels), over the 100 megapixel cap; lower the dpi or the size"
    )


def test_yaml_alias_bomb(write_spec):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    prev = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ", ".join(f"*{prev}" for _ in range(10)) + "]")
        prev = name
    p = write_spec("\n".join(lines) + "\n")
    msg = message(p)
    assert "the document expands to more than 200,000 values (an alias/anchor bomb?); refused" in msg


def test_duplicate_keys(write_spec):
    p = write_spec("version: 1\nversion: 1\n")
    assert message(p) == f"{p}:2:1: version: duplicate key 'version' (first at line 1); each key may appear once"


def test_non_utf8(spec_dir):
    p = spec_dir / "bad.yaml"
    p.write_bytes(b"version: 1\ntitle: caf\xe9\n")
    assert message(p) == f"{p}:2:11: the file is not valid UTF-8 (byte 0xe9); save it as UTF-8"


def test_cli_prints_one_line_and_exits_2(write_spec, tmp_path):
    p = write_spec(BASE + "  - {type: rect, box: {width: 12parsec, height: 10}}\n")
    r = subprocess.run([sys.executable, "-m", "composer", "build", str(p), "-o", str(tmp_path / "o")],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr.count("\n") == 1 and r.stderr.startswith(f"error: {p}:4:31: elements[0].box.width: invalid length")
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "o").exists()


def test_cli_bad_format_flag(write_spec, tmp_path):
    p = write_spec(BASE)
    r = subprocess.run([sys.executable, "-m", "composer", "build", str(p), "--format", "png,gif"],
                       capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr == "error: invalid value for '--format': 'gif' is not one of png, pdf, svg, jpeg, webp\n"


def test_a_negative_opentype_feature_value_is_refused():
    """HarfBuzz takes unsigned feature values: -1 used to end in an OverflowError (found by the fuzzer)."""
    import composer

    spec = {"version": 1, "canvas": {"width": 100, "height": 100}, "elements": [
        {"type": "text", "text": "hi", "box": {"x": 0, "y": 0, "width": 100, "height": 100}, "font": {"features": {"liga": -1}}}]}
    with pytest.raises(composer.SpecError) as e:
        composer.validate(spec)
    assert str(e.value) == ("<spec>:1:1: elements[0].font.features: invalid value -1 for feature 'liga'; "
                            "allowed: true, false or a number from 0 to 65535")
