"""OCR reads back exactly the words we set (tesseract on cairosvg rasters).

The glyph runs are rasterised at 2× (the SVG is scaled as vector, so a 14 px line becomes
28 device px): tesseract's LSTM models are trained on ~30 px text and misread smaller glyphs
whatever the renderer. French and German models (apt: tesseract-ocr-fra, tesseract-ocr-deu)
read the diacritics; English alone reads é as e.
"""

from __future__ import annotations


import pytest
from PIL import Image

from composer.text import FontLibrary, TextStyle, set_text
from composer.core.geometry import Box
from sysdeps import require_system
from text_support import render

pytesseract = pytest.importorskip("pytesseract")
require_system("tesseract-ocr", "tesseract-ocr-fra tesseract-ocr-deu")
LANGS = set(pytesseract.get_languages())

LIB = FontLibrary()
CASES = [
    ("Déjà vu: naïve café, Müller & Söhne!", "Inter", 400, 32),
    ("Price $1,299.50 — save 25% (today)", "Inter", 400, 20),
    ("Small text at fourteen px reads fine.", "Inter", 400, 14),
    ("Crème brûlée à l'hôtel, 12 € la part.", "Noto Serif", 400, 18),
    ("Größe: 42 Straßen, Übergröße?", "Inter", 700, 24),
    ("Ça coûte 7,50 € — où est l'été ?", "Noto Serif", 400, 16),
    ("The quick brown fox jumps over the lazy dog; 0123456789. Voilà, très bien!", "Inter", 400, 22),
]


@pytest.mark.parametrize("text,family,weight,size", CASES)
def test_ocr_reads_back_the_exact_words(text, family, weight, size):
    block = set_text(text, Box(10, 10, 420, 300), TextStyle(family=family, weight=weight, size=size), LIB)
    height = int(block.ink_box.y + block.ink_box.height + 20)
    pixels = render([block], 440, height, scale=2)
    read = pytesseract.image_to_string(Image.fromarray(pixels), lang="fra+deu+eng", config="--psm 6")
    assert read.split() == text.split()
