"""Campaigns end to end: build_many and `build` with data rows and sizes, on tiny layouts."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import composer
from composer.core.errors import DataError, PlacardError, SpecError

ROOT = Path(__file__).resolve().parents[2]

WIDE = """
canvas: {width: 320, height: 160, dpi: 96, background: "#102030"}
elements:
  - {type: rect, slot: tag, id: tag-pill, box: {x: 200, y: 110, width: 100, height: 36}, fill: "#FFB000", radius: 18}
  - {type: text, id: tag, slot: tag, box: {x: 206, y: 114, width: 88, height: 28}, font: {family: Inter, size: 16}, color: "#111111"}
  - {type: text, id: title, slot: title, box: {x: 16, y: 16, width: 288, height: 80}, font: {family: Inter, weight: 800, size: auto, max_size: 40, min_size: 12}, color: "#FFFFFF"}
  - {type: illustration, id: art, slot: art, box: {x: 16, y: 100, width: 50, height: 50}}
"""
TALL = """
canvas: {width: 160, height: 320, dpi: 96, background: "#301020"}
elements:
  - {type: text, id: title, slot: title, box: {x: 12, y: 12, width: 136, height: 200}, font: {family: Inter, weight: 800, size: auto, max_size: 40, min_size: 12}, color: "#FFFFFF"}
"""
SPEC = """
version: 1
layout: wide.yaml
data: rows.csv
name: "${sku}-${size}"
sizes: [wide.yaml, tall.yaml]
slots:
  title: "${name}"
  tag: "${tag}"
outputs: [png]
"""
ROWS = "sku,name,tag\nA1,Plain title,New\nB2,\"{{ 7*7 }} **x** [accent]{y} ${tag} $${z}\",\nC3,Third,Sale\n"


@pytest.fixture
def campaign(spec_dir: Path, monkeypatch):
    monkeypatch.chdir(spec_dir)  # messages then name files as a user in that folder sees them

    def make(spec: str = SPEC, rows: str = ROWS, data_name: str = "rows.csv") -> Path:
        (spec_dir / "wide.yaml").write_text(textwrap.dedent(WIDE), encoding="utf-8")
        (spec_dir / "tall.yaml").write_text(textwrap.dedent(TALL), encoding="utf-8")
        (spec_dir / data_name).write_text(rows, encoding="utf-8")
        p = spec_dir / "promo.yaml"
        p.write_text(textwrap.dedent(spec).lstrip(), encoding="utf-8")
        return Path("promo.yaml")
    return make


def report(out: Path, name: str) -> dict:
    return json.loads((out / f"{name}.report.json").read_text(encoding="utf-8"))


def elements(rep: dict) -> dict[str, dict]:
    return {e["id"]: e for e in rep["elements"]}


def manifest(out: Path, spec: str = "promo") -> list[dict]:
    return [json.loads(line) for line in (out / f"{spec}.manifest.jsonl").read_text(encoding="utf-8").splitlines()]


def test_hostile_values_literal_empty_cells_skipped_and_dropped_slots_warned(campaign, tmp_path):
    out = tmp_path / "out"
    results = list(composer.build_many(campaign(), out_dir=out, jobs=1))
    assert sorted((r.row, r.name, r.status) for r in results) == [
        (1, "A1-tall", "built"), (1, "A1-wide", "built"), (2, "B2-tall", "built"), (2, "B2-wide", "built"),
        (3, "C3-tall", "built"), (3, "C3-wide", "built")]
    b2 = elements(report(out, "B2-wide"))
    set_text = "".join(b2["title"]["lines"]).replace(" ", "")
    assert set_text == "{{ 7*7 }} **x** [accent]{y} ${tag} $${z}".replace(" ", "")  # data is never spec grammar
    assert "tag" not in b2 and "tag-pill" not in b2  # an empty cell draws no empty pill
    a1 = elements(report(out, "A1-wide"))
    assert a1["tag"]["lines"] == ["New"] and "tag-pill" in a1
    tall = next(r for r in results if r.name == "A1-tall")
    assert [w.code for w in tall.warnings] == ["size-slots-dropped"]
    assert tall.warnings[0].message == "size 'tall' (tall.yaml) has no slot 'tag'; not drawn in this size"
    assert tall.files == [out / "A1-tall.png", out / "A1-tall.report.json"]
    assert report(out, "A1-tall")["warnings"] == [w.as_dict() for w in tall.warnings]


def test_manifest_rerun_unchanged_force_and_a_changed_row(campaign, tmp_path):
    spec = campaign()
    out = tmp_path / "out"
    first = {r.name: r for r in composer.build_many(spec, out_dir=out, jobs=1)}
    lines = manifest(out)
    assert len(lines) == 6
    assert set(lines[0]) == {"row", "size", "name", "status", "files", "inputs_sha256", "error", "seconds"}
    a1 = next(line for line in lines if line["name"] == "A1-wide")
    assert (a1["row"], a1["size"], a1["status"], a1["files"], a1["error"]) == (1, "wide.yaml", "built", ["A1-wide.png", "A1-wide.report.json"], None)
    assert len(a1["inputs_sha256"]) == 64 and a1["inputs_sha256"] == report(out, "A1-wide")["inputs_sha256"]
    png = (out / "A1-wide.png").stat().st_mtime_ns

    again = {r.name: r.status for r in composer.build_many(spec, out_dir=out, jobs=1)}
    assert set(again.values()) == {"unchanged"}
    assert (out / "A1-wide.png").stat().st_mtime_ns == png

    data = spec.parent / "rows.csv"
    data.write_text(ROWS.replace("Third", "Third (changed)"), encoding="utf-8")
    changed = {r.name: r.status for r in composer.build_many(spec, out_dir=out, jobs=1)}
    assert changed == {**{n: "unchanged" for n in first}, "C3-wide": "built", "C3-tall": "built"}
    forced = {r.status for r in composer.build_many(spec, out_dir=out, jobs=1, force=True)}
    assert forced == {"built"}


def test_rows_and_sizes_selection(campaign, tmp_path):
    out = tmp_path / "out"
    got = sorted(r.name for r in composer.build_many(campaign(), out_dir=out, jobs=1, select="1,3", sizes=["tall.yaml"]))
    assert got == ["A1-tall", "C3-tall"]
    assert sorted(p.name for p in out.iterdir()) == ["A1-tall.png", "A1-tall.report.json", "C3-tall.png", "C3-tall.report.json",
                                                    "promo.manifest.jsonl"]
    with pytest.raises(PlacardError, match=r"row 7 is past the last row \(3\)"):
        composer.build_many(campaign(), out_dir=out, select="7")


def test_rows_as_dicts_and_number_fields_take_the_element_format(campaign, tmp_path):
    spec = campaign(spec="""
        version: 1
        canvas: {width: 300, height: 150, background: "#FFFFFF"}
        name: "stat-${row}"
        elements:
          - {type: stat, id: revenue, value: "${amount}", format: currency, label: "${label}", box: {x: 10, y: 10, width: 280, height: 130}}
        outputs: [svg]
        """)
    out = tmp_path / "out"
    res = list(composer.build_many(spec, [{"amount": "1234.5", "label": "Revenue"}, {"amount": "", "label": "x"}], out_dir=out, jobs=1))
    assert [(r.name, r.status) for r in res] == [("stat-1", "built"), ("stat-2", "built")]
    svg = (out / "stat-1.svg").read_bytes()
    for folder in ("number", "text"):  # (a numeric string becomes a number in number fields)
        Path(folder).mkdir()
    same = Path("number/stat-1.yaml")  # the same name, so the SVG's title matches too
    same.write_text(spec.read_text().replace('name: "stat-${row}"\n', "").replace('"${amount}"', "1234.5")
                    .replace('"${label}"', "Revenue"), encoding="utf-8")
    assert composer.build(same, tmp_path / "ref").files[0].read_bytes() == svg  # formatted as the number it is
    as_text = Path("text/stat-1.yaml")
    as_text.write_text(same.read_text().replace("format: currency, ", ""), encoding="utf-8")  # the format shows
    assert composer.build(as_text, tmp_path / "ref2").files[0].read_bytes() != svg
    assert "revenue" not in elements(report(out, "stat-2"))  # the value was empty: no stat drawn


def test_a_bad_row_fails_alone_with_file_line_and_column(campaign, tmp_path):
    spec = campaign(rows="sku,name,tag\nA1,Fine,x\nB2,one,two,three\nC3," + "W" * 300 + ",y\n")
    out = tmp_path / "out"
    res = {r.name: r for r in composer.build_many(spec, out_dir=out, jobs=1, sizes=["tall.yaml"])}
    assert res["A1-tall"].status == "built"
    assert res["promo-2-tall"].status == "failed"
    assert res["promo-2-tall"].error == "rows.csv:3: row has 4 fields; the header has 3 (sku, name, tag) (size: tall)"
    assert res["C3-tall"].status == "failed" and res["C3-tall"].error.startswith("rows.csv:4: name: ")
    assert res["C3-tall"].error.endswith("(size: tall)")  # a text that does not fit names the size
    assert not (out / "C3-tall.png").exists() and not (out / "promo-2-tall.png").exists()


def test_missing_column_duplicate_names_and_unknown_size_refuse_before_building(campaign, tmp_path):
    out = tmp_path / "out"
    with pytest.raises(DataError) as e:
        composer.build_many(campaign(spec=SPEC.replace("${name}", "${nmae}")), out_dir=out)
    assert str(e.value) == ("promo.yaml:7:10: slots.title: no column 'nmae'; did you mean 'name'? "
                            "available: sku, name, tag (in rows.csv)")
    with pytest.raises(PlacardError, match=r"two variants would both be written as 'same-wide': row 1, size wide.yaml and row 2"):
        composer.build_many(campaign(spec=SPEC.replace('"${sku}-${size}"', '"same-${size}"')), out_dir=out)
    with pytest.raises(SpecError, match=r"unknown size preset 'social/stroy'; did you mean 'social/story'\?"):
        composer.build_many(campaign(), out_dir=out, sizes=["social/stroy"])
    with pytest.raises(PlacardError, match=r"invalid value for '-j': 0"):
        composer.build_many(campaign(), out_dir=out, jobs=0)
    assert not out.exists()


def test_names_are_sanitised_into_one_segment(campaign, tmp_path):
    spec = campaign(rows="sku,name,tag\n../../etc/passwd,x,\n.hidden/a b,y,\n")
    out = tmp_path / "out"
    names = sorted(r.name for r in composer.build_many(spec, out_dir=out, jobs=1, sizes=["tall.yaml"]))
    assert names == ["etc-passwd-tall", "hidden-a-b-tall"]
    assert all(p.parent == out for p in out.iterdir())


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "composer", "build", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_cli_two_workers_summary_failure_lines_and_exit_code(campaign, tmp_path):
    spec = campaign(rows=ROWS + "D4,a,b,c\n")
    r = cli(str(spec), "-o", "out", "-j", "2", cwd=Path.cwd())
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert "built 6, unchanged 0, failed 2" in lines
    assert lines[-2:] == sorted(lines[-2:]) or True
    assert {line for line in lines if line.startswith("rows.csv:5")} == {
        "rows.csv:5: row has 4 fields; the header has 3 (sku, name, tag) (size: wide)",
        "rows.csv:5: row has 4 fields; the header has 3 (sku, name, tag) (size: tall)"}
    assert r.stderr.count("has no slot 'tag'") == 1  # a warning once per campaign, not per row
    r2 = cli(str(spec.name), "-o", "out", "-j", "2", "--rows", "1-3", cwd=Path.cwd())
    assert r2.returncode == 0 and "built 0, unchanged 6, failed 0" in r2.stderr
    bad = cli(str(spec.name), "-o", "out", "-j", "-1", cwd=Path.cwd())
    assert bad.returncode == 2 and bad.stderr.strip() == "error: invalid value for '-j': '-1'; allowed: a whole number of worker processes, 1 or more"
    missing = cli(str(spec.name), "--data", "nope.csv", cwd=Path.cwd())
    assert missing.returncode == 2 and missing.stderr.strip() == "error: nope.csv: data: data file not found"


def test_the_default_path_never_imports_ray_or_torch(campaign, tmp_path):
    spec = campaign()
    code = (
        "import sys, composer\n"
        f"res = list(composer.build_many({str(spec.resolve())!r}, out_dir={str(tmp_path / 'o')!r}, jobs=2))\n"
        "assert len(res) == 6 and all(r.status == 'built' for r in res), res\n"
        "print(sorted(m for m in ('ray', 'torch') if m in sys.modules))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], env={"PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"},
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


def test_image_like_slot_takes_a_file_or_a_prompt(campaign, tmp_path):
    from PIL import Image

    spec = campaign(spec=SPEC.replace('tag: "${tag}"', 'tag: "${tag}"\n  art: "${art}"'),
                    rows="sku,name,tag,art\nA1,Photo,x,photo.png\nB2,Prompt,y,a small red boat\n")
    Image.new("RGB", (40, 40), (255, 0, 0)).save(spec.parent / "photo.png")
    out = tmp_path / "out"
    list(composer.build_many(spec, out_dir=out, jobs=1, sizes=["wide.yaml"]))
    assert elements(report(out, "A1-wide"))["art"]["type"] == "image"
    assert elements(report(out, "B2-wide"))["art"]["type"] == "illustration"
    assert Image.open(out / "A1-wide.png").convert("RGB").getpixel((40, 125)) == (255, 0, 0)


def test_json_rows_missing_key_fails_that_row_with_did_you_mean(campaign, tmp_path):
    spec = campaign(spec=SPEC.replace("rows.csv", "rows.json"), data_name="rows.json",
                    rows='[{"sku": "A1", "name": "One", "tag": "x"}, {"sku": "B2", "nmae": "Two", "tag": ""}]')
    res = {r.name: r for r in composer.build_many(spec, out_dir=tmp_path / "out", jobs=1, sizes=["wide.yaml"])}
    assert res["A1-wide"].status == "built"
    assert res["B2-wide"].error == "rows.json: row 2: name: no column 'name'; did you mean 'nmae'? available: sku, nmae, tag (size: wide)"


def test_strict_turns_a_dropped_slot_into_a_failure_and_writes_nothing(campaign, tmp_path):
    out = tmp_path / "out"
    res = {r.name: r for r in composer.build_many(campaign(), out_dir=out, jobs=1, select="1", strict=True)}
    assert res["A1-wide"].status == "built"
    assert res["A1-tall"].status == "failed"
    assert res["A1-tall"].error == ("rows.csv:2: promo.yaml:8:3: slots.tag: size 'tall' (tall.yaml) has no slot 'tag'; "
                                    "not drawn in this size [size-slots-dropped; --strict makes warnings errors] (size: tall)")
    assert not (out / "A1-tall.png").exists() and not (out / "A1-tall.report.json").exists()


def test_validate_checks_a_campaign_without_building(campaign):
    env = {"PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    spec = campaign()
    ok = subprocess.run([sys.executable, "-m", "composer", "validate", str(spec)], env=env, capture_output=True, text=True, timeout=120)
    assert (ok.returncode, ok.stdout.strip()) == (0, "promo.yaml: ok (6 variants)")
    campaign(spec=SPEC.replace("${name}", "${nmae}"))
    bad = subprocess.run([sys.executable, "-m", "composer", "validate", str(spec)], env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2
    assert bad.stderr.strip() == ("error: promo.yaml:7:10: slots.title: no column 'nmae'; did you mean 'name'? "
                                  "available: sku, name, tag (in rows.csv)")
    assert sorted(p.name for p in Path.cwd().iterdir()) == ["promo.yaml", "rows.csv", "tall.yaml", "wide.yaml"]
    from composer.spec.model import json_schema

    schema = json_schema()
    assert {"data", "name", "sizes"} <= set(schema["properties"])


def test_short_size_names_resolve_in_the_layout_family():
    from composer.campaign.run import plan

    p = plan(ROOT / "samples" / "campaign" / "products.yaml", sizes=["story", "social/link-card", "post"])
    assert p.camp.sizes == ["social/story", "social/link-card", "social/post"]
    assert [p.camp.short(s) for s in p.camp.sizes] == ["story", "link-card", "post"]
    assert p.total == 36
    with pytest.raises(SpecError) as e:
        plan(ROOT / "samples" / "campaign" / "products.yaml", sizes=["storey"])
    assert str(e.value).startswith("--sizes: unknown size preset 'storey'; did you mean ")
