"""The JSON Schemas editors use: documented forms valid, every key described, enums, limits, element dispatch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from composer.__main__ import main
from composer.schema import PHYSICAL, brand_schema, canvas_presets, icon_names, schedulers, spec_schema, styles
from doc_examples import as_spec, yaml_examples

ROOT = Path(__file__).resolve().parents[2]
BRAND_FILES = sorted(ROOT.glob("samples/**/brand/*.yaml"))
SPECS = sorted(p for p in ROOT.glob("samples/**/*.yaml") if p not in BRAND_FILES)


@pytest.fixture(scope="module")
def spec_validator():
    schema = spec_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@pytest.fixture(scope="module")
def brand_validator():
    schema = brand_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def errors(validator, data) -> list[str]:
    return sorted(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data))


@pytest.mark.parametrize("path", SPECS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_sample_validates(spec_validator, path):
    assert errors(spec_validator, yaml.safe_load(path.read_text())) == []


@pytest.mark.parametrize("path", BRAND_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_brand_file_validates_against_the_brand_schema(brand_validator, path):
    assert errors(brand_validator, yaml.safe_load(path.read_text())) == []


def test_every_readme_and_docs_example_validates(spec_validator):
    examples = [(where, as_spec(data)) for where, data in yaml_examples() if "brand_file" not in where]
    assert len(examples) >= 30
    for where, data in examples:
        assert errors(spec_validator, data) == [], where


def test_the_brand_file_examples_validate(brand_validator):
    examples = [(where, data) for where, data in yaml_examples() if "brand_file" in where]
    assert examples
    for where, data in examples:
        assert errors(brand_validator, data) == [], where


@pytest.mark.parametrize("canvas", canvas_presets())
def test_documented_canvas_shorthands_are_valid(spec_validator, canvas):
    assert errors(spec_validator, {"canvas": canvas}) == []
    assert errors(spec_validator, {"canvas": {"preset": canvas, "dpi": 150}}) == []


@pytest.mark.parametrize(
    "data, message",
    [
        ({"canvas": {"width": -800, "height": 600}}, "canvas/width: -800 is less than the minimum of 1"),
        ({"canvas": {"width": 40000, "height": 600}}, "canvas/width: 40000 is greater than the maximum of 30000"),
        ({"canvas": {"width": "-8in", "height": 600}}, "canvas/width: '-8in' does not match " + repr(PHYSICAL)),
        ({"canvas": "a7"}, "canvas: 'a7' is not one of " + repr(canvas_presets())),
        ({"canvas": {"width": True, "height": 600}}, "canvas/width: True is not of type 'number', 'string', 'null'"),
        ({"background": {"style": "sparkles"}}, "background/style: 'sparkles' is not valid under any of the given schemas"),
        ({"background": {"scheduler": "euler_b"}}, "background/scheduler: 'euler_b' is not valid under any of the given schemas"),
        ({"layout": "poster/hero-bottom"}, "layout: 'poster/hero-bottom' is not valid under any of the given schemas"),
        ({"canvas": {"dpi": 20}}, "canvas/dpi: 20 is less than the minimum of 36"),
        ({"elements": [{"type": "text", "box": {"width": 9, "height": 9}, "font": {"size": -3}}]},
         "elements/0/font/size: -3 is less than or equal to the minimum of 0"),
        ({"elements": [{"type": "text", "box": {"width": 9, "height": 9}, "font": {"size": "50%"}}]},
         "elements/0/font/size: '50%' does not match " + repr(r"^\s*auto\s*$|" + PHYSICAL)),
    ],
)
def test_values_placard_refuses_fail_the_schema(spec_validator, data, message):
    # older jsonschema versions print a float bound ("36.0"); the bound is the same number
    assert message in [m.replace(".0", "") if m.endswith(".0") else m for m in errors(spec_validator, data)]


def test_the_schema_refuses_what_the_build_refuses(spec_validator):
    # and the build refuses it too (the schema's limits are Placard's, not looser)
    import composer

    with pytest.raises(composer.SpecError, match=r"canvas\.width: invalid canvas width -800 px; allowed: at least 1 px"):
        composer.validate({"canvas": {"width": -800, "height": 600}})
    assert errors(spec_validator, {"canvas": {"width": 30000, "height": 1}}) == []


def test_element_errors_name_the_element_kind_and_key(spec_validator):
    got = errors(spec_validator, {"elements": [
        {"type": "text", "text": "x", "box": {"width": 10, "height": 10}, "colr": "red"},
        {"type": "icon", "name": "rockets", "box": {"width": 10, "height": 10}},
        {"type": "sparkle"},
        {"type": "rect", "box": {"width": 0, "height": 10}},
    ]})
    assert got == [
        "elements/0: Additional properties are not allowed ('colr' was unexpected)",
        f"elements/1/name: 'rockets' is not one of {icon_names()!r}",
        "elements/2/type: 'sparkle' is not one of " + repr(
            spec_schema()["$defs"]["Element"]["properties"]["type"]["enum"]),
        "elements/3/box/width: 0 is less than or equal to the minimum of 0",
    ]


def _properties(node, where=""):
    """Every (path, property schema) in the schema, skipping if-conditions (they only test `type`)."""
    if isinstance(node, dict):
        for key, prop in (node.get("properties") or {}).items():
            yield f"{where}.{key}", prop
        for key, value in node.items():
            if key != "if":
                yield from _properties(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _properties(value, f"{where}[{i}]")


@pytest.mark.parametrize("make", [spec_schema, brand_schema])
def test_every_property_has_a_description_and_an_example(make):
    props = list(_properties(make()))
    assert len(props) > (400 if make is spec_schema else 10)
    assert [w for w, p in props if not p.get("description")] == []
    assert [w for w, p in props if not p.get("examples") and not w.endswith(".type")] == []


def test_closed_vocabularies_are_enums():
    s = spec_schema()
    d = s["$defs"]
    assert s["properties"]["canvas"]["then"] == {"type": "string", "enum": canvas_presets()}
    assert {"a4", "og", "story", "letter"} <= set(canvas_presets())
    assert d["BackgroundSpec"]["properties"]["style"]["anyOf"][0]["enum"] == styles()
    assert {"aurora", "flat", "blobs"} <= set(styles())
    assert d["BackgroundSpec"]["properties"]["scheduler"]["anyOf"][0]["enum"] == schedulers()
    assert {"euler_a", "ddim", "unipc"} <= set(schedulers())
    assert "poster/hero-top" in s["properties"]["layout"]["anyOf"][0]["enum"]
    assert d["IconElement"]["properties"]["name"]["enum"] == icon_names() and "rocket" in icon_names()
    assert d["Element"]["properties"]["type"]["enum"][:3] == ["text", "image", "rect"]
    assert d["TextElement"]["properties"]["align"]["enum"] == ["left", "center", "right", "justify"]


def test_schema_command_prints_the_spec_and_brand_schemas(capsys):
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out)["$id"] == "https://placard.dev/schema/spec-v1.json"
    assert main(["schema", "--brand"]) == 0
    brand = json.loads(capsys.readouterr().out)
    assert brand["$id"] == "https://placard.dev/schema/brand-v1.json"
    assert set(brand["properties"]) == {"name", "colors", "fonts", "font_dirs", "logo", "lora"}


def test_the_schema_needs_no_torch():
    import subprocess
    import sys

    code = "import sys; from composer.schema import spec_schema; spec_schema(); print('torch' in sys.modules)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.stdout.strip() == "False", r.stderr


def test_infographic_models_are_built_on_first_use_and_validate_as_before():
    """Spec's import builds its own validator only; a chart's model is built when a chart appears."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from composer.spec import model\n"
        "print('imported', 'composer.spec.charts' in sys.modules)\n"
        "from composer.spec import charts\n"
        "print(model.Spec.__pydantic_complete__, charts.BarChartElement.__pydantic_complete__)\n"
        "s = model.Spec.model_validate({'elements': [{'type': 'group', 'elements': [\n"
        "    {'type': 'bar_chart', 'box': {'x': 0, 'y': 0, 'width': 10, 'height': 10},\n"
        "     'series': [{'name': 'a', 'values': [1, 2.5]}]}]}]})\n"
        "bar = s.elements[0].elements[0]\n"
        "print(type(bar).__name__, bar.series[0].values, charts.BarChartElement.__pydantic_complete__)\n"
        "print(model.Spec.model_dump(s)['elements'][0]['elements'][0]['series'][0]['values'])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[0] == "imported False"  # the chart models are not even imported with Spec
    assert out[1] == "True False"  # and once imported, they wait to be built
    assert out[2] == "BarChartElement [1, 2.5] True"
    assert out[3] == "[1, 2.5]"


def test_the_infographic_tag_table_matches_the_models():
    import typing

    from composer.spec import charts
    from composer.spec.kinds import INFOGRAPHIC_TAGS, KIND_OF

    assert tuple(INFOGRAPHIC_TAGS) == tuple(cls.__name__ for cls in charts.INFOGRAPHIC_ELEMENTS)
    for name, tags in INFOGRAPHIC_TAGS.items():
        assert tags == typing.get_args(getattr(charts, name).model_fields["type"].annotation)
    assert set(KIND_OF) == {tag for tags in INFOGRAPHIC_TAGS.values() for tag in tags}


@pytest.mark.parametrize("path", sorted(ROOT.glob("samples/*.yaml")), ids=lambda p: p.name)
def test_a_validated_spec_dumps_without_serializer_warnings(path):
    """Every default a spec leaves out has the type its field declares: a length's default 0 as an int made
    pydantic warn "Expected `str`" on every model_dump of a spec that has no bleed."""
    import warnings

    import composer

    loaded = composer.validate(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded.spec.model_dump()
        loaded.spec.model_dump(mode="json")
