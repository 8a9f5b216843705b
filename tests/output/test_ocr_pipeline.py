"""OCR on the pipeline's own 1× PNG: every word of the spec comes back exactly.

The built PNG (at the canvas size, on a tinted background) is cropped per line and enlarged 3×
with Lanczos before tesseract reads it: that is OCR preprocessing, not a different rendering —
tesseract's models are trained on ~30 px text. Each line is read with the languages it is written
in, so the language model does not "correct" its diacritics.
"""

from __future__ import annotations


import pytest
from PIL import Image

import composer
from sysdeps import require_system

pytesseract = pytest.importorskip("pytesseract")
require_system("tesseract-ocr", "tesseract-ocr-fra tesseract-ocr-deu")

CASES = [
    ("Déjà vu: naïve café, Müller & Söhne!", "Inter", 400, 32, "fra+deu+eng"),
    ("Price $1,299.50 — save 25% (today)", "Inter", 400, 20, "eng"),
    ("Small text at fourteen px reads fine.", "Inter", 400, 14, "eng"),
    ("Crème brûlée à l'hôtel, 12 € la part.", "Noto Serif", 400, 18, "fra+deu+eng"),
    ("Größe: 42 Straßen, Übergröße?", "Inter", 700, 24, "deu"),
    ("Ça coûte 7,50 € — où est l'été ?", "Noto Serif", 400, 16, "fra+deu+eng"),
    ("The quick brown fox jumps over the lazy dog; 0123456789. Voilà, très bien!", "Inter", 400, 22, "fra+deu+eng"),
]


@pytest.fixture(scope="module")
def poster():
    y, elements = 20, []
    for i, (text, family, weight, size, _) in enumerate(CASES):
        elements.append({"type": "text", "id": f"t{i}", "text": text, "markup": False, "wrap": "none",
                         "box": {"x": 20, "y": y, "width": 900, "height": size * 1.5},
                         "font": {"family": family, "weight": weight, "size": size}, "color": "#1A1A1A"})
        y += int(size * 1.5) + 20
    spec = {"version": 1, "canvas": {"width": 940, "height": y + 20, "background": "#F4EFE6"},
            "background": {"style": "flat"}, "elements": elements, "outputs": ["png"]}
    return composer.build(spec, None, formats=["png"], name="ocr")


@pytest.mark.parametrize("index", range(len(CASES)))
def test_ocr_reads_the_built_png_exactly(poster, index):
    text, _, _, size, langs = CASES[index]
    box = next(e for e in poster.report["elements"] if e["id"] == f"t{index}")["box"]
    assert next(e for e in poster.report["elements"] if e["id"] == f"t{index}")["size"] == size
    line = poster.image.crop((0, int(box["y"]) - 8, poster.image.width, int(box["y"] + box["height"]) + 8)).convert("L")
    line = line.resize((line.width * 3, line.height * 3), Image.LANCZOS)
    read = pytesseract.image_to_string(line, lang=langs, config="--psm 7")
    assert read.split() == text.split()
