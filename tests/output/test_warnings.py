"""Nothing silently wrong: what `build` changed or dropped is a warning (stderr, report.json, BuildResult).

Also: --strict writes nothing, library chatter needs -v, output names stay inside the folder, and the
YAML typing traps (bare numbers in text, weight names, tabs, radius units).
"""

from __future__ import annotations

import json
import logging
import re
import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import composer
from composer.__main__ import main
from composer.core import warnings as W

ROOT = Path(__file__).resolve().parents[2]

BASE = """\
version: 1
canvas: {width: 400, height: 300}
outputs: [svg]
elements:
"""


def _codes(result) -> list[str]:
    return [w.code for w in result.warnings]


def _stripes(path: Path, dark: int, light: int) -> None:
    """A background that no single text colour reads well on: 2 px columns of two greys."""
    a = np.full((300, 400, 3), dark, np.uint8)
    a[:, ::4] = light
    a[:, 1::4] = light
    Image.fromarray(a).save(path)


# ---------------------------------------------------------------- each warning, at its spec location


def test_text_cut_to_ellipsis(write_spec):
    p = write_spec(BASE + '  - {type: text, text: "a long description that does not fit", box: {width: 100, height: 30}, '
                   "font: {size: 20}, overflow: ellipsis}\n")
    r = composer.build(p)
    w = r.warnings[0]
    assert (w.code, w.file, w.line, w.column, w.path) == ("text-truncated", str(p), 5, 24, "elements[0].text")
    assert w.message == 'the text does not fit its 100×30 px box at 20 px and was cut to 1 line ending in "…"'
    assert r.report["elements"][0]["lines"][-1].endswith("…")


def test_missing_weight_and_italic_are_substituted(write_spec):
    p = write_spec(BASE + "  - {type: text, text: Light, box: {width: 200, height: 60}, font: {family: Inter, weight: 300}}\n"
                   "  - {type: text, text: Slanted, box: {y: 100, width: 200, height: 60}, "
                   "font: {family: Bebas Neue, style: italic}}\n")
    r = composer.build(p)
    assert [(w.code, w.path, w.message) for w in r.warnings] == [
        ("font-weight-substituted", "elements[0].font.weight",
         "weight 300 was asked for, which Inter lacks; set in weight 400 instead"),
        ("font-style-substituted", "elements[1].font.style",
         "italic was asked for, but Bebas Neue has no italic face; set upright instead"),
    ]
    assert r.warnings[0].line == 5


def test_markup_bold_and_italic_missing_from_the_family(write_spec):
    p = write_spec(BASE + '  - {type: text, text: "Big **bold** and *slanted*", box: {width: 380, height: 60}, '
                   "font: {family: Bebas Neue, size: 30}}\n"
                   '  - {type: text, text: "Inter **bold** and *slanted*", box: {y: 100, width: 380, height: 60}, '
                   "font: {family: Inter, size: 30}}\n")
    r = composer.build(p)
    assert [(w.code, w.path, w.message) for w in r.warnings] == [
        ("font-weight-substituted", "elements[0].text",
         "bold text asks for weight 700, which Bebas Neue lacks; set in weight 400 instead"),
        ("font-style-substituted", "elements[0].text",
         "italic text asks for italic, but Bebas Neue has no italic face; set upright instead"),
    ]


def test_available_weight_does_not_warn(write_spec):
    p = write_spec(BASE + "  - {type: text, text: Bold, box: {width: 200, height: 60}, font: {family: Inter, weight: bold}}\n")
    assert composer.build(p).warnings == []


def test_colour_changed_for_contrast(write_spec):
    p = write_spec(BASE.replace("outputs: [svg]", "outputs: [png]")
                   + '  - {type: text, text: hello, box: {x: 150, y: 20, width: 200, height: 60}, color: "#222222"}\n')
    r = composer.build(p)
    w = r.warnings[0]
    assert w.code == "colour-adjusted" and w.path == "elements[0].color"
    new = r.report["elements"][0]["color"]
    assert re.fullmatch(r"text colour '#222222' changed to #[0-9A-F]{6} \(\w+\) for legibility "
                        r"\(contrast \d\.\d\d:1 -> \d+\.\d\d:1, target 3:1\)", w.message)
    assert new.upper().startswith(w.message.split("changed to ")[1][:7])


def test_scrim_and_halo_are_reported(write_spec, spec_dir):
    _stripes(spec_dir / "mid.png", 90, 170)
    _stripes(spec_dir / "hard.png", 0, 255)
    text = "  - {type: text, text: Hello, box: {x: 20, y: 20, width: 300, height: 80}, font: {size: 20}, color: '%s'}\n"
    head = "version: 1\ncanvas: {width: 400, height: 300}\noutputs: [png]\nbackground: {image: %s}\nelements:\n"
    scrim = composer.build(write_spec(head % "mid.png" + text % "#FFFFFF", "scrim.yaml"))
    halo = composer.build(write_spec(head % "hard.png" + text % "#999999", "halo.yaml"))
    assert _codes(scrim) == ["scrim-added"] and scrim.report["elements"][0]["legibility"]["action"] == "scrim"
    assert _codes(halo) == ["halo-added"] and halo.report["elements"][0]["legibility"]["action"] == "halo"
    assert scrim.warnings[0].message.startswith("a gradient scrim (#111111, opacity 0.")


def test_prompts_without_a_model_are_ignored_out_loud(write_spec):
    p = write_spec("version: 1\ncanvas: {width: 400, height: 300}\noutputs: [svg]\n"
                   "background: {prompt: 'a calm bay', steps: 4}\nelements:\n"
                   "  - {type: illustration, prompt: 'a rocket', style: watercolour, box: {width: 100, height: 100}}\n")
    r = composer.build(p)
    assert [(w.code, w.path, w.line) for w in r.warnings] == [
        ("prompt-ignored", "background.prompt", 4), ("option-ignored", "background.steps", 4),
        ("prompt-ignored", "elements[0].prompt", 6), ("option-ignored", "elements[0].style", 6),
    ]
    assert "procedural generator" in r.warnings[0].message and "--model" in r.warnings[0].message


def test_text_700_px_off_the_canvas(write_spec):
    p = write_spec(BASE + "  - {type: text, text: lost, box: {x: 1100, width: 100, height: 50}}\n"
                   "  - {type: rect, box: {x: 10, y: 10, width: 50, height: 50}, fill: red}\n")
    r = composer.build(p)
    assert _codes(r) == ["outside-canvas"]
    w = r.warnings[0]
    assert (w.path, w.line, w.column) == ("elements[0].box", 5, 35)
    assert w.message.endswith("reaches outside the 400×300 px canvas; that part is not drawn")


def test_lint_uses_the_same_bounds_check(write_spec):
    from composer.lint import lint_spec

    p = write_spec(BASE + "  - {type: text, text: lost, box: {x: 1100, width: 100, height: 50}}\n")
    assert [x.code for x in lint_spec(p) if x.code == "outside-canvas"] == ["outside-canvas"]


def test_percent_given_fractions(write_spec):
    p = write_spec(BASE + "  - {type: stat, value: 0.82, format: percent, label: kept, box: {width: 200, height: 120}}\n"
                   "  - {type: stat, value: 82, format: percent, label: fine, box: {y: 150, width: 200, height: 120}}\n")
    r = composer.build(p)
    assert [(w.code, w.path) for w in r.warnings] == [("percent-of-fractions", "elements[0].format")]
    assert "every value is below 1 (0.82)" in r.warnings[0].message


# ---------------------------------------------------------------- report, CLI, strict


def test_report_json_lists_warnings(write_spec, tmp_path):
    p = write_spec(BASE + "  - {type: text, text: lost, box: {x: 1100, width: 100, height: 50}}\n")
    composer.build(p, tmp_path / "out")
    report = json.loads((tmp_path / "out" / "spec.report.json").read_text())
    assert report["warnings"] == [{
        "code": "outside-canvas", "message": report["warnings"][0]["message"], "file": str(p), "line": 5,
        "column": 35, "path": "elements[0].box",
    }]
    assert composer.build(write_spec(BASE + "  - {type: rect, box: {width: 5, height: 5}}\n", "clean.yaml")).report["warnings"] == []


def test_cli_prints_one_line_per_warning_and_exits_0(write_spec, tmp_path, capsys):
    p = write_spec(BASE + "  - {type: text, text: lost, box: {x: 1100, width: 100, height: 50}}\n")
    assert main(["build", str(p), "-o", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1
    assert err[0].startswith(f"warning: {p}:5:35: elements[0].box: its text (")
    assert (tmp_path / "out" / "spec.svg").exists()


def test_strict_cli_exits_2_and_writes_nothing(write_spec, tmp_path, capsys):
    p = write_spec(BASE + "  - {type: text, text: lost, box: {x: 1100, width: 100, height: 50}}\n")
    out = tmp_path / "out"
    assert main(["build", "--strict", str(p), "-o", str(out)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("warning: ") and err[1].startswith(f"error: {p}:5:35: elements[0].box: its text (")
    assert err[1].endswith("[outside-canvas; --strict makes warnings errors]")
    assert not out.exists() or list(out.iterdir()) == []


def test_strict_python_raises_before_writing(write_spec, tmp_path):
    p = write_spec(BASE + "  - {type: text, text: lost, box: {x: 1100, width: 100, height: 50}}\n")
    with pytest.raises(W.StrictError) as e:
        composer.build(p, tmp_path / "out", strict=True)
    assert isinstance(e.value, composer.PlacardError)
    assert [w.code for w in e.value.warnings] == ["outside-canvas"]
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []
    clean = write_spec(BASE + "  - {type: rect, box: {width: 5, height: 5}}\n", "clean.yaml")
    assert composer.build(clean, tmp_path / "out", strict=True).warnings == []


def test_builds_in_threads_keep_their_own_warnings(write_spec):
    off = write_spec(BASE + "  - {type: text, text: lost, box: {x: 1100, width: 100, height: 50}}\n", "off.yaml")
    clean = write_spec(BASE + "  - {type: text, text: here, box: {width: 100, height: 50}}\n", "clean.yaml")
    results: dict[str, list] = {}

    def run(p: Path, key: str) -> None:
        results[key] = [_codes(composer.build(p)) for _ in range(3)]

    threads = [threading.Thread(target=run, args=(p, k)) for p, k in ((off, "off"), (clean, "clean"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {"off": [["outside-canvas"]] * 3, "clean": [[]] * 3}


def test_library_chatter_only_with_verbose():
    head = logging.getLogger("fontTools.ttLib.tables._h_e_a_d")
    record = head.makeRecord(head.name, logging.WARNING, __file__, 1, "'created' timestamp seems very low; regarding as unix timestamp", (), None)
    try:
        W.quiet_libraries(0)
        assert not head.filter(record)
        assert not logging.getLogger("PIL").isEnabledFor(logging.WARNING)
        W.quiet_libraries(1)
        assert head.filter(record)
    finally:
        W._FontTimestampNoise.shown = False
        for name in W.LIBRARY_LOGGERS:
            logging.getLogger(name).setLevel(logging.NOTSET)
        import warnings

        warnings.resetwarnings()


# ---------------------------------------------------------------- every code is documented


def test_every_code_is_documented():
    doc = (ROOT / "docs" / "warnings.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z0-9-]+)` \|", doc, re.M))
    assert documented == set(W.CODES)
    emitted = set()
    for path in (ROOT / "composer").rglob("*.py"):
        emitted |= set(re.findall(r'\bwarn\(\s*"([a-z0-9-]+)"', path.read_text(encoding="utf-8")))
    assert emitted <= set(W.CODES) and len(emitted) >= 10


def test_unregistered_code_is_a_bug():
    with W.collecting(), pytest.raises(ValueError):
        W.warn("made-up", "x")


# ---------------------------------------------------------------- output names


def test_name_must_be_one_path_segment(tmp_path):
    spec = {"version": 1, "canvas": {"width": 40, "height": 30}, "outputs": ["svg"],
            "elements": [{"type": "rect", "box": {"width": 5, "height": 5}}]}
    out = tmp_path / "a" / "out"
    for bad in ("../x", "a/b", "a\\b", "..", "."):
        with pytest.raises(composer.SpecError) as e:
            composer.build(spec, out, name=bad)
        assert str(e.value).startswith(f"name: invalid name {bad!r}; allowed: one file name")
    assert not (tmp_path / "a").exists()


def test_two_specs_with_one_name_are_refused_before_building(spec_dir, tmp_path, capsys):
    (spec_dir / "a").mkdir()
    (spec_dir / "b").mkdir()
    body = BASE + "  - {type: rect, box: {width: 5, height: 5}}\n"
    first, second = spec_dir / "a" / "poster.yaml", spec_dir / "b" / "poster.yaml"
    first.write_text(body)
    second.write_text(body)
    out = tmp_path / "out"
    assert main(["build", str(first), str(second), "-o", str(out)]) == 2
    assert capsys.readouterr().err == (f"error: {first} and {second} both build poster.* into the same folder and would "
                                       "overwrite each other; rename one, or build them into different folders (-o)\n")
    assert not out.exists()


# ---------------------------------------------------------------- YAML typing traps


def test_bare_numbers_and_booleans_in_text_keep_their_source_text(write_spec):
    p = write_spec(BASE + "  - {type: text, text: 249, box: {width: 100, height: 40}}\n"
                   "  - {type: text, text: 1.10, box: {y: 50, width: 100, height: 40}}\n"
                   "  - {type: text, text: NO, box: {y: 100, width: 100, height: 40}}\n"
                   "  - {type: text, text: '007', box: {y: 150, width: 100, height: 40}}\n")
    r = composer.build(p)
    assert [e["lines"] for e in r.report["elements"]] == [["249"], ["1.10"], ["NO"], ["007"]]


def test_slot_numbers_keep_their_source_text(write_spec):
    p = write_spec("version: 1\nlayout: social/post\nslots:\n  headline: 1.10\noutputs: [svg]\n")
    loaded = composer.validate(p)

    def walk(elements):  # the preset may put its headline in a stack or a group
        for e in elements:
            yield e
            yield from walk(getattr(e, "elements", None) or [])

    assert [e.text for e in walk(loaded.spec.elements) if getattr(e, "slot", None) == "headline"] == ["1.10"]


def test_non_text_string_field_says_put_it_in_quotes(write_spec):
    p = write_spec(BASE + "  - {type: rect, id: 12, box: {width: 5, height: 5}}\n")
    with pytest.raises(composer.SpecError) as e:
        composer.validate(p)
    assert str(e.value) == (f'{p}:5:22: elements[0].id: invalid value 12; allowed: a string (YAML read it as a number '
                            'or true/false: put it in quotes, e.g. "249")')


def test_css_weight_names(write_spec):
    p = write_spec("version: 1\ncanvas: {width: 400, height: 300}\noutputs: [svg]\n"
                   "brand: {fonts: {heading: {family: Inter, weight: extra-bold}}}\nelements:\n"
                   "  - {type: text, text: a, box: {width: 100, height: 40}, font: {weight: bold}}\n"
                   "  - {type: text, text: b, box: {y: 50, width: 100, height: 40}, font: {weight: Semi Bold}}\n"
                   "  - {type: text, text: c, box: {y: 100, width: 100, height: 40}, font: {weight: black}}\n")
    loaded = composer.validate(p)
    assert [e.font.weight for e in loaded.spec.elements] == [700, 600, 900]
    assert loaded.spec.brand.fonts["heading"].weight == 800
    bad = write_spec(BASE + "  - {type: text, text: a, box: {width: 100, height: 40}, font: {weight: fat}}\n", "bad.yaml")
    with pytest.raises(composer.SpecError) as e:
        composer.validate(bad)
    assert str(e.value).startswith(f"{bad}:5:73: elements[0].font.weight: invalid weight 'fat'; allowed: a number from "
                                   "1 to 1000, or a name: thin (100),")


def test_tab_indentation_hint(write_spec):
    p = write_spec("version: 1\ncanvas:\n\twidth: 100\n")
    with pytest.raises(composer.SpecError) as e:
        composer.validate(p)
    assert str(e.value).endswith("; this line is indented with a tab: YAML indentation must use spaces")
    assert str(e.value).startswith(f"{p}:3:1: YAML syntax error:")


def test_radius_takes_units(write_spec):
    p = write_spec(BASE + "  - {type: rect, box: {width: 100, height: 50}, radius: 4mm, fill: red}\n"
                   "  - {type: rect, box: {y: 60, width: 100, height: 50}, radius: 10%, fill: red}\n")
    svg = composer.build(p).svg
    assert re.findall(r'rx="([\d.]+)"', svg) == ["15.12", "5"]
    bad = write_spec(BASE + "  - {type: rect, box: {width: 100, height: 50}, radius: -2mm}\n", "bad.yaml")
    with pytest.raises(composer.SpecError) as e:
        composer.validate(bad)
    assert str(e.value) == f"{bad}:5:57: elements[0].radius: invalid radius '-2mm'; allowed: 0 or more"


def test_value_labels_left_out_are_reported():
    spec = {"version": 1, "canvas": {"width": 400, "height": 300}, "outputs": ["svg"], "elements": [{
        "type": "bar_chart", "categories": list("abcdefgh"), "value_labels": True, "text_size": 24,
        "series": [{"name": "s", "values": [1e6, 2e6, 3e6, 2.5e6, 1.5e6, 1.2e6, 3e6, 1e6]}],
        "box": {"width": 200, "height": 150}}]}
    r = composer.build(spec)
    assert [(w.code, w.path) for w in r.warnings] == [("label-dropped", "elements[0].value_labels")]
    shown = [lab for lab in r.composition.charts["bar_chart-0"].labels if lab.role == "value"]
    assert r.warnings[0].message.startswith(f"{8 - len(shown)} of 8 value labels did not fit")
    spec["elements"][0]["series"][0]["values"] = [1, 2, 3, 2.5, 1.5, 1.2, 3, 1]
    spec["elements"][0]["box"] = {"width": 390, "height": 290}
    spec["elements"][0]["text_size"] = 12
    assert composer.build(spec).warnings == []
