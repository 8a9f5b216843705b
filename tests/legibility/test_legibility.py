"""Legibility: contrast around real glyph outlines, and auto fixes re-measured on rendered pixels."""

from __future__ import annotations

import base64
import io
import os

import numpy as np
import pytest
from cairosvg.surface import PNGSurface
from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont
from PIL import Image

from composer.core.errors import LegibilityError
from composer.legibility.measure import (
    Halo,
    Scrim,
    fix,
    ink_mask,
    is_large_text,
    measure,
    pick_color,
    ring_mask,
    target_ratio,
)
from composer.core.geometry import Box
from composer.core.colour import contrast_ratio, relative_luminance
from generator.metrics import rea

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"  # apt: fonts-dejavu-core
W, H = 480, 240
BOX = Box(40, 80, 400, 90)
BRAND = {"primary": "#0B5FFF", "accent": "#FFB000", "ink": "#111111", "paper": "#FFFFFF"}


def glyph_paths(text: str, x: float, baseline: float, size: float) -> list[str]:
    """Outlines of `text` in DejaVu Sans Bold as SVG path data in canvas px (no shaping needed)."""
    font = TTFont(FONT)
    glyphs, cmap, hmtx = font.getGlyphSet(), font.getBestCmap(), font["hmtx"]
    scale = size / font["head"].unitsPerEm
    paths = []
    for ch in text:
        name = cmap[ord(ch)]
        pen = SVGPathPen(glyphs)
        glyphs[name].draw(TransformPen(pen, (scale, 0, 0, -scale, x, baseline)))
        if pen.getCommands():
            paths.append(pen.getCommands())
        x += hmtx[name][0] * scale
    return paths


@pytest.fixture(scope="module")
def paths():
    if not os.path.exists(FONT):
        pytest.skip(f"needs {FONT} (apt install fonts-dejavu-core)")
    return glyph_paths("Launch 2026", 50, 150, 56)


@pytest.fixture(scope="module")
def ink(paths):
    return ink_mask(paths, W, H)


def checkerboard(cell: int = 6) -> np.ndarray:
    """The busiest background there is: black and white squares."""
    board = ((np.indices((H, W)) // cell).sum(0) % 2 * 255).astype(np.uint8)
    return np.repeat(board[..., None], 3, -1)


def noise(seed: int = 7) -> np.ndarray:
    """Mid-tone colour noise, smoothed a little, like a busy photo."""
    rng = np.random.default_rng(seed)
    small = rng.integers(60, 230, (H // 4, W // 4, 3), dtype=np.uint8)
    return np.asarray(Image.fromarray(small).resize((W, H), Image.BILINEAR))


def render(background: np.ndarray, markup: str) -> np.ndarray:
    """Draw `markup` over `background` with cairosvg, as the renderer does."""
    buf = io.BytesIO()
    Image.fromarray(background).save(buf, "PNG")
    href = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="{W}" height="{H}"><image width="{W}" height="{H}" xlink:href="{href}"/>{markup}</svg>'
    )
    png = PNGSurface.convert(bytestring=svg.encode())
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def text_markup(paths: list[str], color: str, halo: Halo | None = None) -> str:
    under = "".join(halo.svg(d) for d in paths) if halo else ""
    return under + "".join(f'<path d="{d}" fill="{color}"/>' for d in paths)


# --- WCAG large text and targets ----------------------------------------------------------------


@pytest.mark.parametrize(
    "size_px, weight, dpi, large",
    [
        (24, 400, 96, True),  # 18 pt
        (23.9, 400, 96, False),
        (18.67, 700, 96, True),  # 14 pt bold
        (18.6, 700, 96, False),
        (20, 600, 96, False),  # semibold is not bold
        (75, 400, 300, True),  # 18 pt at 300 dpi
        (74.9, 400, 300, False),
        (58.34, 800, 300, True),  # 14 pt bold at 300 dpi
        (58.3, 800, 300, False),
        (24, 400, 300, False),  # large on screen, small in print
    ],
)
def test_large_text_threshold(size_px, weight, dpi, large):
    assert is_large_text(size_px, weight, dpi) is large


def test_targets():
    assert (target_ratio(False), target_ratio(True), target_ratio(True, 7)) == (4.5, 3.0, 7.0)


# --- measuring ----------------------------------------------------------------------------------


def test_ring_is_the_background_right_around_the_ink():
    ink = np.zeros((20, 20), np.float32)
    ink[10, 10] = 0.3
    ring = ring_mask(ink)
    assert ring.sum() == 36 and not ring[10, 10] and ring[10, 13] and not ring[10, 14] and not ring[13, 13]


def test_measure_on_flat_and_split_backgrounds(ink):
    white = np.full((H, W, 3), 255, np.uint8)
    m = measure(white, ink, "#000000", BOX)
    assert (round(m.contrast_p5, 6), m.rea, m.ring_pixels > 1000) == (21.0, 0.0, True)
    split = white.copy()
    split[:, 380:] = (0x76, 0x76, 0x76)  # the last characters sit on grey: the 5th percentile sees it
    m = measure(split, ink, "#000000", BOX)
    grey = contrast_ratio(0.0, relative_luminance(np.array([0x76] * 3)))
    assert (round(m.contrast_p5, 6), round(m.contrast_median, 6)) == (round(grey, 6), 21.0)
    assert round(grey, 2) == 4.62
    assert m.rea == pytest.approx(rea(split, BOX), abs=1e-4)  # same figure as generator.metrics


def test_rea_matches_generator_metrics(ink):
    bg = noise()
    assert measure(bg, ink, "#FFFFFF", BOX).rea == pytest.approx(rea(bg, BOX), abs=1e-4)


def test_pick_color_takes_the_best_brand_colour(ink):
    dark = np.full((H, W, 3), (0x10, 0x18, 0x20), np.uint8)
    name, hx, ratio = pick_color(dark, ink, BRAND, BOX)
    expected = contrast_ratio(1.0, relative_luminance(np.array([0x10, 0x18, 0x20])))
    assert (name, hx, round(ratio, 6)) == ("paper", "#FFFFFF", round(expected, 6))
    assert pick_color(255 - dark, ink, BRAND, BOX)[0] == "ink"


# --- policies -----------------------------------------------------------------------------------


def test_off_measures_only_and_good_text_is_left_alone(ink):
    bg = checkerboard()
    off = fix(bg, ink, BOX, "#777777", BRAND, 4.5, "off")
    assert (off.action, off.met, off.scrim, off.color) == ("none", False, None, "#777777")
    good = fix(np.zeros((H, W, 3), np.uint8), ink, BOX, "#FFFFFF", BRAND, 4.5, "strict")
    assert (good.action, good.met) == ("none", True)


def test_strict_names_element_ratio_and_target(ink):
    with pytest.raises(LegibilityError) as info:
        fix(checkerboard(), ink, BOX, "#777777", BRAND, 4.5, "strict", element_id="headline", path="elements[0]")
    assert str(info.value) == (
        "elements[0]: text 'headline' has a contrast of 4.47:1 around its glyphs (the ratio 95% of those "
        "pixels meet), below its target of 4.5:1; choose a colour with more contrast, or set legibility: auto"
    )


def test_unknown_policy_is_refused(ink):
    with pytest.raises(LegibilityError, match=r"^unknown legibility policy 'loose'; allowed: 'auto', 'strict', 'off'$"):
        fix(checkerboard(), ink, BOX, "#777777", BRAND, 4.5, "loose")


def test_auto_switches_to_the_nearest_brand_colour_that_passes(ink):
    dark = np.full((H, W, 3), (0x10, 0x18, 0x20), np.uint8)
    result = fix(dark, ink, BOX, "#0B5FFF", BRAND, 4.5)
    assert (result.action, result.color_name, result.color, result.met) == ("color", "paper", "#FFFFFF", True)
    assert result.before.contrast_p5 < 4.5 <= result.after.contrast_p5


def test_auto_scrim_reaches_target_on_the_rendered_png(paths, ink):
    bg = noise()
    result = fix(bg, ink, BOX, "#FFFFFF", {"ink": "#101820", "paper": "#FFFFFF"}, 4.5)
    assert result.action == "scrim" and result.before.contrast_p5 < 4.5
    scrim = result.scrim
    assert (scrim.kind, scrim.color) == ("gradient", "#101820") and 0 < scrim.opacity <= 0.8
    out = render(bg, scrim.svg("s1") + text_markup(paths, result.color))
    remeasured = measure(out, ink, result.color, BOX)
    assert remeasured.contrast_p5 >= 4.5
    assert remeasured.contrast_p5 == pytest.approx(result.after.contrast_p5, abs=0.05)


def test_auto_halo_when_a_scrim_would_hide_the_picture(paths, ink):
    bg = checkerboard()
    result = fix(bg, ink, BOX, "#777777", BRAND, 4.5)
    assert result.tried == ["color", "scrim", "halo"] and result.action == "halo"
    # brand ink #111111 cannot reach 4.5:1 against #777777, so the halo falls back to black
    assert (result.halo.width, result.halo.color) == (9, "#000000")
    out = render(bg, text_markup(paths, result.color, result.halo))
    assert measure(out, ink, result.color, BOX).contrast_p5 >= 4.5
    report = result.as_dict()
    assert report["met"] and report["halo"] == {"width": 9, "color": "#000000", "opacity": result.halo.opacity}


def test_unreachable_target_is_reported_not_hidden(ink):
    result = fix(checkerboard(), ink, BOX, "#777777", BRAND, 7.0)
    assert (result.action, result.met) == ("unmet", False)


@pytest.mark.parametrize(
    "scrim, tolerance",
    [
        (Scrim("gradient", 0, 50, W, 120, "#0B1020", 0.63, fade=30), 1),
        (Scrim("panel", 40, 60, 250, 90, "#FFFFFF", 0.47, radius=16), 4),
    ],
)
def test_scrim_composite_matches_cairosvg(scrim, tolerance):
    from composer.legibility.measure import _apply, _rgb

    bg = noise(3)
    whole = slice(0, H), slice(0, W)
    ours = _apply(bg, scrim.coverage((H, W), *whole) * scrim.opacity, *whole, _rgb(scrim.color)).astype(int)
    theirs = render(bg, scrim.svg()).astype(int)
    assert np.abs(ours - theirs).max() <= tolerance


@pytest.mark.parametrize("flat", [True, False])
def test_rea_under_a_box_is_the_generators_on_flat_and_textured_pixels(flat):
    from composer.legibility import measure as L
    from generator.base import Box as GenBox
    from generator.metrics import rea

    rng = np.random.default_rng(3)
    bg = np.full((80, 120, 3), (10, 20, 48), np.uint8) if flat else rng.integers(0, 256, (80, 120, 3), dtype=np.uint8)
    for box in (Box(10, 12, 60, 30), Box(0, 0, 120, 80), Box(100.4, 70.2, 40, 30)):
        expected = rea(bg, GenBox(box.x, box.y, box.width, box.height))
        assert L._box_rea(bg, box) == expected
        assert (expected == 0.0) == flat


def test_p5_and_median_are_numpys_to_the_bit():
    # The contrast figures decide colours and warnings; the fast path must not move them by one ulp.
    from composer.legibility.measure import p5_and_median

    rng = np.random.default_rng(5)
    for n in [*range(1, 120), 1000, 1001, 4567, 20001]:
        for kind in range(4):
            v = rng.random(n) * 21 + 1
            if kind == 1:
                v = np.round(v, 1)  # ties
            elif kind == 2:
                v = np.full(n, 4.5)
            elif kind == 3:
                v = np.sort(v)[::-1].copy()
            expected = (float(np.percentile(v, 5)), float(np.median(v)))
            assert p5_and_median(v.copy()) == expected, (n, kind)


def test_flat_finds_one_differing_channel_anywhere_in_a_channel_reversed_view():
    from composer.legibility.measure import _flat

    bgra = np.full((40, 60, 4), 200, np.uint8)
    rgb = bgra[..., 2::-1]  # the renderer's view of cairo's pixels
    assert _flat(rgb) and _flat(rgb[5:9, 7:30]) and not _flat(rgb[:0])
    for y, x, c in [(0, 0, 0), (39, 59, 2), (20, 0, 1), (0, 59, 0)]:
        bgra[y, x, c] = 201
        assert not _flat(rgb), (y, x, c)
        assert _flat(rgb[1:39, 1:59]) == (not (0 < y < 39 and 0 < x < 59))
        bgra[y, x, c] = 200
    assert _flat(rgb)
