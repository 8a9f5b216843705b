"""Issue 9 section 6: documented features that used to go silently wrong."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

import composer
from generator.base import Box, GeneratedImage, GenerateRequest
from generator.cache import cache_key, cached_generate
from generator.metrics import rea


def _pixel(result, x, y):
    return result.image.getpixel((x, y))


def test_canvas_background_alone_is_a_flat_canvas():
    result = composer.build({"canvas": {"width": 120, "height": 80, "background": "#123456"}}, None, ["png"])
    assert result.report["background"] == {"generator": "flat", "color": "#123456"}
    assert {_pixel(result, x, y) for x in (0, 60, 119) for y in (0, 40, 79)} == {(0x12, 0x34, 0x56)}


def test_a_background_key_still_paints_over_the_canvas_colour():
    result = composer.build({"canvas": {"width": 120, "height": 80, "background": "#123456"},
                             "background": {"style": "aurora"}}, None, ["png"])
    assert result.report["background"]["generator"] == "procedural"


def test_flat_style_takes_the_brand_paper():
    spec = {"canvas": {"width": 120, "height": 80}, "background": {"style": "flat"},
            "brand": {"colors": {"paper": "#F4F1EA"}}}
    result = composer.build(spec, None, ["png"])
    assert _pixel(result, 10, 10) == (0xF4, 0xF1, 0xEA)
    spec["canvas"]["background"] = "#000000"  # an explicit canvas colour wins
    assert _pixel(composer.build(spec, None, ["png"]), 10, 10) == (0, 0, 0)


class _Painter:
    """A cacheable stand-in backend: paints noise from the seed and reports Rea under the text boxes, like diffusion."""

    name = "painter"

    def __init__(self):
        self.calls = 0

    def generate(self, request: GenerateRequest) -> GeneratedImage:
        self.calls += 1
        rng = np.random.default_rng(request.seed)
        img = Image.fromarray(rng.integers(0, 255, (request.height, request.width, 3), dtype=np.uint8))
        return GeneratedImage(img, {"rea": [round(rea(img, b), 3) for b in request.text_boxes]})


def test_a_text_edit_is_a_cache_hit_without_text_aware(tmp_path):
    before = (Box(10, 10, 40, 10),)
    after = (Box(10, 10, 52, 10), Box(10, 30, 20, 8))  # the text grew and a line was added
    painter = _Painter()

    def run(boxes, aware):
        req = GenerateRequest(width=64, height=48, seed=3, prompt="bay", text_boxes=boxes, text_aware=aware)
        return cached_generate(painter, req, cache_dir=tmp_path)

    assert cache_key(painter, GenerateRequest(64, 48, text_boxes=before, text_aware=False)) == \
        cache_key(painter, GenerateRequest(64, 48, text_boxes=after, text_aware=False))
    assert cache_key(painter, GenerateRequest(64, 48, text_boxes=before, text_aware=True)) != \
        cache_key(painter, GenerateRequest(64, 48, text_boxes=after, text_aware=True))
    first = run(before, False)
    second = run(after, False)
    assert painter.calls == 1 and second.metadata["cache"]["hit"] is True
    # the measures a hit reports are taken under the new boxes, not copied from the first build
    assert second.metadata["rea"] == [round(rea(first.image, b), 3) for b in after]
    run(after, True)
    assert painter.calls == 2  # text-aware generation did use the boxes: a miss


# --- templates ---------------------------------------------------------------------------------


def _template_spec(tmp_path, name, body, params=None):
    (tmp_path / "t").mkdir(exist_ok=True)
    (tmp_path / "t" / f"{name}.svg.j2").write_text(body)
    spec = tmp_path / "s.yaml"
    spec.write_text(
        "canvas: {width: 200, height: 100}\ntemplates: t\nbackground: {style: flat}\nelements:\n"
        f"  - {{type: template, template: {name}, box: {{x: 0, y: 0, width: 100, height: 50}}, params: {params or {}}}}\n"
    )
    return spec


def test_color_helper_prints_a_css_colour(tmp_path):
    spec = _template_spec(tmp_path, "swatch", '<rect width="{{ box.width }}" height="{{ box.height }}" fill="{{ color(\'accent\') }}" '
                                              'stroke="{{ color(\'primary\').hex }}" data-a="{{ color(\'rgba(0,0,0,0.5)\').a }}"/>\n')
    result = composer.build(spec, None, ["svg", "png"])
    assert 'fill="#FFB000" stroke="#0B5FFF" data-a="0.5"' in result.svg
    assert _pixel(result, 10, 10) == (0xFF, 0xB0, 0x00)


def test_template_errors_name_the_template_file_and_line(tmp_path):
    spec = _template_spec(tmp_path, "sum", "<g>\n<rect/>\n{{ params.n + 1 }}\n</g>\n", "{n: x}")
    with pytest.raises(composer.SpecError) as e:
        composer.build(spec, None, ["png"])
    assert str(e.value) == (f"{spec}:5:32: template 'sum.svg.j2' failed at sum.svg.j2:3: "
                            'can only concatenate str (not "int") to str')


def test_invalid_svg_from_a_template_names_the_template(tmp_path):
    spec = _template_spec(tmp_path, "open", '<g>\n<rect x="{{ box.x }}">\n</g>\n')
    with pytest.raises(composer.SpecError) as e:
        composer.build(spec, None, ["png"])
    assert str(e.value) == (f"{spec}:5:32: elements[0].template: template 'open' (open.svg.j2) wrote invalid SVG: "
                            "mismatched tag at line 3, column 3 of its output")


def test_unknown_template_lists_the_available_ones(tmp_path):
    spec = _template_spec(tmp_path, "stamp", "<g/>\n")
    spec.write_text(spec.read_text().replace("template: stamp", "template: stmap"))
    with pytest.raises(composer.SpecError) as e:
        composer.build(spec, None, ["png"])
    assert str(e.value) == f"{spec}:5:32: elements[0].template: unknown template 'stmap'; available: badge, ribbon, stamp"


# --- slots -------------------------------------------------------------------------------------


def test_plain_strings_and_numbers_fill_icon_and_stat_slots():
    result = composer.build({"layout": "infographic/stats-3up", "slots": {"icon1": "rocket", "stat1": 82}}, None, ["png"])
    els = {e.el.id: e.el for e in result.composition.layout.walk()}
    assert els["icon1"].name == "rocket" and els["stat1"].value == 82


def test_slot_errors_name_the_slot_at_the_specs_own_line(tmp_path):
    spec = tmp_path / "s.yaml"
    spec.write_text("layout: infographic/stats-3up\nslots:\n  icon1: rockett\n")
    with pytest.raises(composer.SpecError) as e:
        composer.build(spec, None, ["png"])
    assert str(e.value).startswith(f"{spec}:3:10: slots.icon1.name: unknown icon 'rockett'; did you mean 'rocket'")
    spec.write_text("layout: social/post\nslots:\n  headline: Hi\n  logo: missing.png\n")
    with pytest.raises(composer.AssetError) as e:
        composer.build(spec, None, ["png"])
    assert str(e.value) == f"{spec}:4:9: slots.logo.src: not found: 'missing.png' (looked in the spec's folder)"
    spec.write_text("layout: social/post\nslots:\n  headline: {text: Hi, font: {size: -3}}\n")
    with pytest.raises(composer.SpecError) as e:
        composer.validate(spec)
    assert str(e.value).startswith(f"{spec}:3:37: slots.headline.font.size: invalid size -3")


# --- print bleed -------------------------------------------------------------------------------


@pytest.mark.slow
def test_art_touching_the_trim_runs_into_the_bleed_and_crop_marks_sit_outside_it():
    import re

    from composer.pipeline import artwork

    spec = {"canvas": {"width": "100mm", "height": "80mm", "dpi": 72, "bleed": "3mm"}, "background": {"style": "flat"},
            "elements": [{"type": "rect", "id": "band", "box": {"x": 0, "y": 0, "width": "100%", "height": 200},
                          "fill": "primary"},
                         {"type": "rect", "id": "inset", "box": {"x": 100, "y": 210, "width": 20, "height": 10},
                          "fill": "accent"},
                         {"type": "text", "id": "t", "text": "Edge", "box": {"x": 0, "y": 160, "width": 100, "height": 40}}]}
    result = composer.build(spec, None, ["svg"])
    layout = result.composition.layout
    c = layout.canvas
    b = c.bleed
    boxes = {p.id: p.box for p in layout.walk()}
    assert (boxes["band"].x, boxes["band"].y, boxes["band"].width) == (-b, -b, c.width + 2 * b)
    assert boxes["band"].height == 200 + b  # the bottom edge is inside the page: it stays
    assert (boxes["inset"].x, boxes["inset"].y) == (100, 210) and boxes["t"].x == 0  # not touching / text: kept
    svg = artwork(result.composition).print_document()
    marks = re.search(r'<g id="crop-marks">(.*?)</g>', svg).group(1)
    for x1, y1, x2, y2 in re.findall(r'x1="([-\d.]+)" y1="([-\d.]+)" x2="([-\d.]+)" y2="([-\d.]+)"', marks):
        xs, ys = (float(x1), float(x2)), (float(y1), float(y2))
        outside_x = min(xs) >= c.width + b or max(xs) <= -b
        outside_y = min(ys) >= c.height + b or max(ys) <= -b
        assert outside_x or outside_y, (x1, y1, x2, y2)


# --- metadata ----------------------------------------------------------------------------------


def test_a_decorative_quote_mark_is_not_the_title(tmp_path):
    composer.build({"layout": "social/quote", "slots": {"quote": "Design is how it works.", "author": "Ada"}},
                   tmp_path, ["png"], name="quote")
    assert Image.open(tmp_path / "quote.png").text["Title"] == "Design is how it works."


def test_jpeg_and_webp_carry_title_alt_and_xmp(tmp_path):
    spec = {"title": "Spring sale — 20% off", "alt": "A blue card that says Spring sale",
            "canvas": {"width": 64, "height": 48, "background": "#0B5FFF"}}
    composer.build(spec, tmp_path, ["jpeg", "webp"], name="card")
    for name in ("card.jpg", "card.webp"):
        with Image.open(tmp_path / name) as im:
            # the XMP packet as stored in the file (older Pillow versions do not put it in `info`)
            raw = (tmp_path / name).read_bytes()
            xmp = raw[raw.index(b"<x:xmpmeta"):raw.index(b"</x:xmpmeta>")].decode("utf-8")
            assert '<rdf:li xml:lang="x-default">Spring sale — 20% off</rdf:li>' in xmp, name
            assert '<rdf:li xml:lang="x-default">A blue card that says Spring sale</rdf:li>' in xmp, name
            exif = im.getexif()
            assert exif[0x010E] == "A blue card that says Spring sale", name
            assert exif[0x0131].startswith("Placard "), name
            assert bytes(exif[0x9C9B]).decode("utf-16-le").rstrip("\0") == "Spring sale — 20% off", name
