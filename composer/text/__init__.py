"""Placard's typography: HarfBuzz-shaped text set as glyph outlines in a box.

    lib = FontLibrary(extra_dirs=[...])
    block = set_text("Hello **world**", box, TextStyle(family="Inter", size="auto"), lib, "headline")
"""

from composer.text.block import GlyphRun, PlacedGlyph, TextBlock, measure_text, set_text
from composer.text.fonts import FontFace, FontLibrary
from composer.text.style import TextStyle

__all__ = ["FontFace", "FontLibrary", "GlyphRun", "PlacedGlyph", "TextBlock", "TextStyle",
           "measure_text", "set_text"]
