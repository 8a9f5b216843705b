"""Text colours are attached after legibility: live SVG text carries the PNG's colours, and a user's
own span colour is never repainted (no placeholder colour travels through the stages)."""

from __future__ import annotations

import re

import composer

BG = "#0B1F3A"


def _spec(text: str, *, mode: str = "outline", color: str = "#FFB000") -> dict:
    return {
        "version": 1,
        "canvas": {"width": 400, "height": 200, "background": BG},
        "background": {"style": "flat"},
        "text_mode": mode,
        "elements": [{"type": "text", "id": "t", "text": text, "box": {"x": 20, "y": 20, "width": 360, "height": 160},
                      "font": {"family": "Inter", "size": 40}, "color": color, "legibility": "off"}],
        "outputs": ["svg", "png"],
    }


def test_live_svg_text_carries_the_element_colour():
    result = composer.build(_spec("Hello world", mode="live"), None)
    fills = re.findall(r'<tspan[^>]* fill="([^"]+)"', result.svg)
    assert fills and set(fills) == {"#FFB000"}, fills


def test_a_users_own_010203_span_survives():
    result = composer.build(_spec("plain [#010203]{dark} plain"), None)
    fills = re.findall(r'<path d="[^"]+" fill="([^"]+)"', result.svg)
    assert "#010203" in fills and "#FFB000" in fills, fills
    # and in live mode the span keeps its colour while the rest takes the element's
    live = composer.build(_spec("plain [#010203]{dark} plain", mode="live"), None)
    tspans = re.findall(r'<tspan[^>]* fill="([^"]+)"[^>]*>([^<]*)</tspan>', live.svg)
    assert ("#010203", "dark") in tspans
    assert all(fill == "#FFB000" for fill, text in tspans if "plain" in text), tspans


def test_png_pixels_of_a_010203_span_are_that_colour():
    result = composer.build(_spec("[#010203]{XXXXXXXX}"), None)
    px = result.image.getpixel((60, 45))  # inside the first X's stem at 40 px, near the top left
    im = result.image
    dark = sum(1 for x in range(20, 380) for y in range(20, 80) if im.getpixel((x, y)) == (1, 2, 3))
    assert dark > 200, (dark, px)
