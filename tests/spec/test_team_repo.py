"""A team's repository: brand/, templates/, campaigns/<name>/*.yaml, with --allow-dir for every kind of file."""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

import pytest
import yaml

import composer
from composer.__main__ import main
from composer.core.errors import AssetError

ROOT = Path(__file__).resolve().parents[2]
TEAM = ROOT / "samples" / "team"
POSTER = TEAM / "campaigns" / "spring" / "poster.yaml"
ALLOW = "allow its folder with --allow-dir DIR (Python: allow_dirs=[...])"


def _logo_svg(result) -> str:
    href = result.composition.rasters.image_hrefs["logo"]
    return base64.b64decode(href.split(",", 1)[1]).decode("utf-8")


def test_team_poster_builds_from_the_cli_with_allow_dir(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    rc = main(["build", str(POSTER.relative_to(ROOT)), "-o", str(tmp_path), "--allow-dir", "samples/team"])
    assert rc == 0, capsys.readouterr().err
    assert (tmp_path / "poster.png").is_file() and (tmp_path / "poster.report.json").is_file()


def test_team_poster_without_allow_dir_is_refused_with_a_message_naming_it(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    rc = main(["build", "samples/team/campaigns/spring/poster.yaml", "-o", str(tmp_path)])
    assert rc == 2
    err = capsys.readouterr().err
    assert err == (f"error: samples/team/campaigns/spring/poster.yaml:5:8: brand: '../../brand/northwind.yaml' "
                   f"leaves the spec's folder through '..'; {ALLOW}\n")
    assert not list(tmp_path.iterdir())
    # validate takes the same flag
    assert main(["validate", "samples/team/campaigns/spring/poster.yaml", "--allow-dir", "samples/team"]) == 0
    assert capsys.readouterr().out == "samples/team/campaigns/spring/poster.yaml: ok\n"


def test_python_api_allow_dirs_and_the_brand_files(tmp_path):
    result = composer.build(POSTER, None, ["png"], allow_dirs=[TEAM])
    comp = result.composition
    # the brand's font folder, relative to the brand file, joins the spec's font folders
    assert (TEAM / "brand" / "fonts").resolve() in comp.renderer.scene.font_dirs
    # the team's own template (templates: ../../templates) drew the call to action
    assert "stamp" in comp.loaded.spec.elements[3].template
    # the aurora background is dark under the logo: the logo for dark backgrounds is taken
    assert comp.layout.brand.logos["dark"] == (TEAM / "brand" / "logo-dark.svg").resolve()
    assert 'fill="#FFFFFF"' in _logo_svg(result) and 'fill="#111111"' not in _logo_svg(result)
    with pytest.raises(AssetError, match=r"leaves the spec's folder through '\.\.'; allow its folder with --allow-dir"):
        composer.load_spec(POSTER)
    assert composer.validate(POSTER, allow_dirs=[TEAM]).brand_dir == (TEAM / "brand").resolve()


def _team_copy(tmp_path: Path, poster: dict) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(TEAM, repo)
    spec = repo / "campaigns" / "spring" / "light.yaml"
    spec.write_text(yaml.safe_dump(poster, sort_keys=False))
    return spec


def test_a_light_background_takes_the_light_logo(tmp_path):
    spec = _team_copy(tmp_path, {
        "layout": "poster/hero-top", "brand": "../../brand/northwind.yaml",
        "slots": {"headline": "Light"}, "background": {"style": "flat"}, "canvas": {"background": "#F4F1EA"},
        "outputs": ["png"],
    })
    result = composer.build(spec, None, allow_dirs=[tmp_path / "repo"])
    svg = _logo_svg(result)
    assert 'fill="#111111"' in svg and 'fill="#FFFFFF"' not in svg


def test_a_brand_font_folder_serves_a_family_only_it_has(tmp_path):
    from fontTools.ttLib import TTFont

    spec = _team_copy(tmp_path, {
        "brand": "../../brand/northwind.yaml", "canvas": {"width": 400, "height": 200},
        "background": {"style": "flat"},
        "elements": [{"type": "text", "id": "t", "text": "Hello", "box": {"x": 10, "y": 10, "width": 380, "height": 120},
                      "font": {"family": "Northwind Display", "size": 48}}],
        "outputs": ["png"],
    })
    font = TTFont(ROOT / "composer" / "fonts" / "bebas-neue" / "BebasNeue-Regular.otf")
    for rec in font["name"].names:  # a family no bundled or system font has
        if rec.nameID in (1, 4, 16, 17, 6):
            rec.string = "NorthwindDisplay-Regular" if rec.nameID == 6 else ("Regular" if rec.nameID == 17 else "Northwind Display")
    target = tmp_path / "repo" / "brand" / "fonts" / "NorthwindDisplay.otf"
    font.save(target)
    result = composer.build(spec, None, allow_dirs=[tmp_path / "repo"])
    assert result.report["elements"][0]["fonts"] == [str(target.resolve())]


def test_every_kind_of_file_goes_through_dotdot_into_an_allowed_folder(tmp_path):
    repo = tmp_path / "repo"
    (repo / "shared").mkdir(parents=True)
    (repo / "campaigns" / "x").mkdir(parents=True)
    (repo / "shared" / "layout.yaml").write_text("canvas: {width: 300, height: 200}\nbackground: {style: flat}\n")
    (repo / "shared" / "rows.csv").write_text("k,v\na,1\nb,2\n")
    shutil.copy(TEAM / "brand" / "logo-light.svg", repo / "shared" / "mark.svg")
    spec = repo / "campaigns" / "x" / "s.yaml"
    spec.write_text(yaml.safe_dump({
        "layout": "../../shared/layout.yaml", "fonts": ["../../shared"], "outputs": ["png"],
        "elements": [
            {"type": "image", "id": "m", "src": "../../shared/mark.svg", "box": {"x": 0, "y": 0, "width": 100, "height": 40}},
            {"type": "bar_chart", "id": "b", "data": "../../shared/rows.csv", "x": "k", "y": "v",
             "box": {"x": 0, "y": 50, "width": 300, "height": 150}},
        ],
    }, sort_keys=False))
    result = composer.build(spec, None, allow_dirs=[repo])
    assert [e["id"] for e in result.report["elements"]] == ["m", "b"]
    # without the allowed folder, the first file through `..` (the layout) is refused, naming --allow-dir
    with pytest.raises(composer.PlacardError, match="--allow-dir"):
        composer.build(spec, None)


@pytest.mark.parametrize(
    "key, value, field",
    [
        ("brand", "../../shared/brand.yaml", "brand"),
        ("layout", "../../shared/layout.yaml", "layout"),
        ("templates", "../../shared", "templates"),
        ("fonts", ["../../shared"], "fonts[0]"),
        ("elements", [{"type": "image", "src": "../../shared/mark.svg", "box": {"width": 10, "height": 10}}],
         "elements[0].src"),
        ("elements", [{"type": "bar_chart", "data": "../../shared/rows.csv", "x": "k", "y": "v",
                       "box": {"width": 200, "height": 100}}], "elements[0].data"),
    ],
    ids=["brand", "layout", "templates", "fonts", "image", "data"],
)
def test_each_kind_of_file_is_refused_outside_and_allowed_with_allow_dirs(tmp_path, key, value, field):
    repo = tmp_path / "repo"
    (repo / "shared").mkdir(parents=True)
    (repo / "campaigns" / "x").mkdir(parents=True)
    (repo / "shared" / "brand.yaml").write_text("colors: {primary: '#FF0000'}\n")
    (repo / "shared" / "layout.yaml").write_text("canvas: {width: 300, height: 200}\n")
    (repo / "shared" / "rows.csv").write_text("k,v\na,1\nb,2\n")
    shutil.copy(TEAM / "brand" / "logo-light.svg", repo / "shared" / "mark.svg")
    spec = repo / "campaigns" / "x" / "s.yaml"
    data = {"canvas": {"width": 300, "height": 200}, "background": {"style": "flat"}, "outputs": ["png"], key: value}
    spec.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(composer.PlacardError) as e:
        composer.build(spec, None)
    shown = value if isinstance(value, str) else (value[0] if isinstance(value[0], str) else value[0].get("src") or value[0]["data"])
    assert str(e.value).endswith(f"{field}: {shown!r} leaves the spec's folder through '..'; {ALLOW}")
    assert composer.build(spec, None, allow_dirs=[repo]).image is not None
