"""Issue 9 section 6: documented features that used to go silently wrong."""

from __future__ import annotations

import numpy as np
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
