"""QR codes decode back to their payload; bundled icons load, recolour and refuse unknown names;
the primitives' helpers (overlap checks, wrapping, translation) behave."""

import io

import cairosvg
import numpy as np
import pytest
from PIL import Image

from composer.core.errors import DataError, SpecError
from composer.charts import Drawing, draw, icon_markup
from composer.charts.icons import ICON_DIR, icon_names
from composer.charts.preview import pillow_measure, preview_svg
from composer.charts.primitives import (
    Circle,
    Label,
    Rect,
    extent,
    make_label,
    overlapping_labels,
    simple_measure,
    translate,
    wrap_text,
)
from composer.core.geometry import Box

zxingcpp = pytest.importorskip("zxingcpp")


def _render(drawing: Drawing, w: int, h: int) -> Image.Image:
    png = cairosvg.svg2png(bytestring=preview_svg(drawing, w, h).encode())
    return Image.open(io.BytesIO(png)).convert("RGB")


@pytest.mark.parametrize("payload, colors", [
    ("https://example.com/launch?utm=poster", {}),
    ("Placard \u2014 exact type, every time. 0123456789", {"color": "#0B3D91", "background": "#FFF4D6"}),
    ("x" * 300, {"error": "h"}),
])
def test_qr_decodes_back_to_its_payload(payload, colors):
    d = draw("qr", Box(10, 10, 300, 300), {"data": payload, **colors}, [], None)
    (bg,), (code,) = d.by_role("qr_background"), d.by_role("qr")
    assert bg.fill == colors.get("background", "#FFFFFF") and code.fill == colors.get("color", "#111111")
    results = zxingcpp.read_barcodes(_render(d, 320, 320))
    assert [r.text for r in results] == [payload]


def test_qr_errors():
    with pytest.raises(SpecError) as err:
        draw("qr", Box(0, 0, 100, 100), {}, [], None)
    assert str(err.value) == "data: a qr element needs `data` (a URL or text)"
    with pytest.raises(DataError) as err:
        draw("qr", Box(0, 0, 100, 100), {"data": "y" * 2001}, [], None)
    assert str(err.value) == "QR payload has 2001 characters; at most 2000 are allowed"


def test_icons_are_bundled_with_their_licence_and_recoloured():
    assert len(icon_names()) >= 80
    assert (ICON_DIR / "LICENSE").read_text().startswith("ISC License")
    d = draw("icon", Box(0, 0, 48, 48), {"name": "rocket", "color": "#FF0000"}, [], None)
    (icon,) = d.primitives
    markup = icon_markup(icon)
    assert 'stroke="#FF0000"' in markup and "scale(2.0000)" in markup and "<path d=" in markup
    img = _render(d, 48, 48)
    px = np.asarray(img.convert("RGB"), np.int16)
    reds = int(((px[..., 0] > 200) & (px[..., 1] < 80) & (px[..., 2] < 80)).sum())
    assert reds > 40  # the icon is drawn, in the colour asked for


def test_unknown_icon_suggests_close_names():
    with pytest.raises(SpecError) as err:
        draw("icon_list", Box(0, 0, 300, 300), {"items": [{"icon": "rockt", "title": "x"}]}, [], simple_measure)
    assert str(err.value) == ("items[0].icon: unknown icon 'rockt'; did you mean 'rocket', 'lock', 'truck'? "
                              f"(the {len(icon_names())} bundled icons are in composer/icons/)")


def test_overlap_detection_and_label_helpers():
    a = make_label("Hello", 0, 0, simple_measure, size=10)
    b = make_label("World", a.box.right - 1, 0, simple_measure, size=10)
    c = make_label("World", a.box.right, 0, simple_measure, size=10)
    assert overlapping_labels([a, b]) == [(a, b)]
    assert overlapping_labels([a, c]) == []
    centred = make_label("Mid", 100, 50, simple_measure, size=10, anchor="middle", valign="middle")
    assert centred.box.x + centred.box.width / 2 == pytest.approx(100) and centred.align == "center"
    text = wrap_text("the quick brown fox jumps over the lazy dog", 100, 16, 400, pillow_measure)
    assert all(pillow_measure(line, 16, 400)[0] <= 100 for line in text.split("\n"))
    assert text.replace("\n", " ") == "the quick brown fox jumps over the lazy dog"


def test_translate_moves_every_primitive_and_label():
    d = Drawing([Rect(0, 0, 10, 10), Circle(5, 5, 2)], [Label("x", Box(1, 2, 3, 4))])
    pie = draw("pie", Box(0, 0, 200, 200), {"slices": [{"name": "a", "value": 1}, {"name": "b", "value": 2}]},
               ["#000000", "#888888"], pillow_measure)
    d.extend(pie)
    before = extent(d)
    moved = translate(d, 7, -3)
    after = extent(moved)
    assert (after.x, after.y, after.width, after.height) == pytest.approx(
        (before.x + 7, before.y - 3, before.width, before.height), abs=0.02)


def test_palette_and_theme_from_brand():
    from composer.charts.palette import DEFAULT_SERIES, palette_from_brand, theme_from_brand

    brand = {"primary": "#0b5fff", "accent": "#FFB000", "ink": "#111111", "paper": "#FAFAFA", "teal": "#0D9488"}
    palette = palette_from_brand(brand)
    assert palette[:3] == ["#0b5fff", "#FFB000", "#0D9488"]
    assert "#111111" not in palette and "#0B5FFF" not in palette  # neutrals and repeats left out
    assert len(palette) == 3 + len(DEFAULT_SERIES) - 2
    theme = theme_from_brand(brand, 18)
    assert (theme.ink, theme.paper, theme.text_size) == ("#111111", "#FAFAFA", 18.0)
