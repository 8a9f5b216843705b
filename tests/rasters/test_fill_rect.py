"""generator.masks.fill_rect fills exactly what Pillow's ImageDraw.rectangle fills (it stands in for it)."""

from __future__ import annotations

import random

from PIL import Image, ImageDraw

from generator.masks import fill_rect


def test_fill_rect_matches_imagedraw_rectangle_on_random_boxes():
    rng = random.Random(15)
    for _ in range(3000):
        w, h = rng.randint(1, 50), rng.randint(1, 50)
        ours, pillow = Image.new("L", (w, h), 0), Image.new("L", (w, h), 0)
        draw = ImageDraw.Draw(pillow)
        for _ in range(rng.randint(1, 3)):
            x0, y0 = rng.uniform(-30, w + 10), rng.uniform(-30, h + 10)
            x1, y1 = x0 + rng.uniform(0, 60), y0 + rng.uniform(0, 60)
            if rng.random() < 0.3:  # whole numbers, as the feather mask passes
                x0, y0, x1, y1 = (float(int(v)) for v in (x0, y0, x1, y1))
            value = rng.randint(1, 255)
            draw.rectangle([x0, y0, x1, y1], fill=value)
            fill_rect(ours, (x0, y0, x1, y1), value)
        assert ours.tobytes() == pillow.tobytes(), (w, h, x0, y0, x1, y1)


def test_fill_rect_edges():
    img = Image.new("L", (4, 3), 0)
    fill_rect(img, (1.9, 0.2, 2.99, 0.99))  # truncated: columns 1-2, row 0
    assert img.tobytes() == bytes([0, 255, 255, 0] + [0] * 8)
    fill_rect(img, (-5, -5, -0.5, 10))  # -0.5 truncates to 0: column 0 is filled, as Pillow does
    assert [img.getpixel((0, y)) for y in range(3)] == [255, 255, 255]
    fill_rect(img, (4, 0, 9, 9))  # wholly outside
    assert img.getpixel((3, 1)) == 0
