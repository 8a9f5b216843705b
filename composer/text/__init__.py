from composer.text.fonts import FontLibrary
from composer.text.style import TextStyle
from composer.text.block import set_text, TextBlock, GlyphRun, measure_text
