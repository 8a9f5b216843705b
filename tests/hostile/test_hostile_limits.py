"""Every hostile case ends in exit 0 or exit 2 with one line, within 2 GB and 30 s (issue 16)."""

from __future__ import annotations

import pytest
from hostile_cases import CLASSES, cleanup, write_case
from hostile_run import check, run_cli

CASES = [(cls, name) for cls, cases in CLASSES.items() for name in cases]


@pytest.mark.slow
@pytest.mark.parametrize(("cls", "name"), CASES, ids=[f"{c}-{n}" for c, n in CASES])
def test_hostile_case_ends_cleanly(tmp_path, cls, name):
    spec = write_case(cls, name, tmp_path / "case")
    try:
        outcome = run_cli(["build", str(spec), "--out", str(tmp_path / "out")], cwd=tmp_path)
    finally:
        cleanup(tmp_path / "case")
    check(outcome, f"{cls}/{name}")


def test_a_build_failing_midway_leaves_no_new_file_beside_an_old_report(tmp_path, monkeypatch):
    import composer
    import composer.pipeline as pipeline
    from composer.core.errors import RenderError

    spec = tmp_path / "spec.yaml"
    spec.write_text("version: 1\ncanvas: {width: 40, height: 30}\nbackground: {style: flat}\noutputs: [svg, png]\n")
    out = tmp_path / "out"
    composer.build(spec, out)
    assert sorted(p.name for p in out.iterdir()) == ["spec.png", "spec.report.json", "spec.svg"]
    old = {p.name: p.read_bytes() for p in out.iterdir()}
    spec.write_text(spec.read_text().replace("width: 40", "width: 48"))  # the next build's files differ
    real, calls = pipeline.write_atomic, []

    def fail_on_second(path, data):
        calls.append(path.name)
        if len(calls) == 2:
            raise RenderError(f"could not write {path}: disk full")
        real(path, data)

    monkeypatch.setattr(pipeline, "write_atomic", fail_on_second)
    with pytest.raises(RenderError):
        composer.build(spec, out)
    left = {p.name: p.read_bytes() for p in out.iterdir()}
    assert "spec.report.json" not in left and calls[0] not in left  # the new file is removed with the old report
    assert all(old[name] == data for name, data in left.items())  # what is left is the old build's, untouched


def test_echoed_values_are_cut_and_control_characters_escaped():
    from composer.core.errors import Location, SpecError

    err = SpecError("invalid colour " + repr("#" + "f" * 1_900_000), location=Location("a\nb\x1b[31m.yaml", 2, 3))
    text = str(err)
    assert len(text) < 300 and "…(1,900,003 characters)" in text
    assert text.startswith("a\\nb\\x1b[31m.yaml:2:3: ") and "\x1b" not in text


@pytest.mark.parametrize("name", ["tpl_script_only", "tpl_override_document"])
def test_template_output_carries_no_script(tmp_path, name):
    import composer

    spec = write_case("templates", name, tmp_path / "case")
    result = composer.build(spec, tmp_path / "out", formats=["svg"])
    svg = result.svg.lower()
    for banned in ("<script", "onload", "javascript:", "foreignobject", "iframe", "@import", "http://attacker"):
        assert banned not in svg, banned
    assert svg.startswith("<svg xmlns=")  # the built-in document template, not the user's


def test_font_family_names_cannot_leave_the_css_string():
    from composer.text.live import css_string

    escaped = css_string("Evil';}@import url(http://x/);a{b:'")
    assert "'" not in escaped and ";" not in escaped and "(" not in escaped and "{" not in escaped
    assert css_string("Noto Sans CJK-JP_2") == "Noto Sans CJK-JP_2"


def test_live_text_embeds_a_subset_of_the_font(tmp_path):
    import composer
    from composer.text.fonts import BUNDLED_DIR

    spec = write_case("fonts", "live_text_font", tmp_path / "case")
    svg = composer.build(spec, tmp_path / "out", formats=["svg"]).svg
    smallest = min(p.stat().st_size for p in BUNDLED_DIR.rglob("*.[to]tf"))
    # the whole SVG, base64 font included, is smaller than any whole bundled font: the font was subset
    assert "@font-face" in svg and "base64," in svg and len(svg) < smallest


@pytest.mark.parametrize(("source", "message"), [
    ("a: !!python/object/apply:os.system [ls]", "the YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
    ("a: !!set {x}", "the YAML tag 'tag:yaml.org,2002:set' is not allowed"),
    ('a: "x\\0y"', "the character U+0000 cannot appear"),
    ('a: "\\uFFFE"', "the character U+FFFE cannot appear"),
    ("a: &s '" + "y" * 15_000 + "'\nb: [" + ", ".join(["*s"] * 200) + "]", "strings add up to more than 2,097,152 characters"),
])
def test_yaml_tags_bad_characters_and_aliased_strings_are_refused(source, message):
    from composer.core.errors import SpecError
    from composer.spec.yamlload import load_yaml_text

    with pytest.raises(SpecError) as info:
        load_yaml_text(source, "f.yaml")
    assert message in str(info.value)


def test_data_file_limits_name_themselves(tmp_path):
    from composer.charts.data import load_table
    from composer.core.errors import DataError

    cases = {
        "deep.json": ("[" * 100 + "]" * 100, "JSON nested more than 32 levels deep"),
        "digits.json": ('[{"a": ' + "9" * 500 + "}]", "a number of 500 digits; the limit is 400 digits"),
        "latin1.csv": (b"a,b\n\xe9,1\n", "not UTF-8 text (byte 0xe9 at offset 4)"),
        "wide.csv": (",".join(f"c{i}" for i in range(1001)) + "\n", "1,001 columns, over the limit of 1,000 columns"),
        "rows.csv": ("a,b\n" + "x,1\n" * 10_001, "more than 10,000 rows"),
        "records.json": ("[" + ",".join(['{"a": 1}'] * 10_002) + "]", "more than 10,000 records"),
        "cell.csv": ("a,b\n" + "x" * 140_000 + ",1\n", "a cell is longer than 131,072 characters"),
    }
    for name, (data, message) in cases.items():
        (tmp_path / name).write_bytes(data if isinstance(data, bytes) else data.encode())
        with pytest.raises(DataError) as info:
            load_table(name, tmp_path)
        assert message in str(info.value), (name, str(info.value))


def test_the_element_cap_counts_elements_inside_groups_and_stacks():
    from composer.core.errors import SpecError
    from composer.core.limits import MAX_ELEMENTS
    from composer.spec.loader import load_spec

    rect = {"type": "rect", "box": {"x": 0, "y": 0, "width": 1, "height": 1}}
    child = {"type": "rect", "box": {"width": 1, "height": 1}}  # no position inside a stack
    inner = MAX_ELEMENTS // 2
    spec = {"canvas": {"width": 100, "height": 100}, "elements": [
        {"type": "group", "elements": [rect] * inner},
        {"type": "stack", "box": {"x": 0, "y": 0, "width": 100, "height": 100}, "elements": [child] * inner},
    ]}
    with pytest.raises(SpecError, match="counting those inside groups and stacks"):
        load_spec(spec)
    spec["elements"][1]["elements"] = [child] * (inner - 10)
    assert len(load_spec(spec).spec.elements) == 2


def test_live_text_subset_keeps_the_hyphen_a_hyphenated_line_adds(tmp_path):
    import base64
    import io
    import re

    from fontTools.ttLib import TTFont

    import composer

    spec = tmp_path / "spec.yaml"
    spec.write_text("version: 1\ncanvas: {width: 300, height: 400}\nbackground: {style: flat}\ntext_mode: live\n"
                    "elements:\n  - {type: text, text: 'The incomprehensibilities of it all', lang: en, hyphenate: true,\n"
                    "     font: {size: 40}, box: {x: 10, y: 10, width: 280, height: 380}}\n")
    svg = composer.build(spec, tmp_path / "out", formats=["svg"]).svg
    assert re.search(r">[^<]*-</tspan>", svg), "the word should be hyphenated"
    fonts = [TTFont(io.BytesIO(base64.b64decode(m))) for m in re.findall(r"base64,([A-Za-z0-9+/=]+)", svg)]
    assert any(ord("-") in f.getBestCmap() for f in fonts)
