"""Justification that never spaces out a word: word spaces first, then a little letter-spacing.

Order of adjustment for a line that must grow (or shrink) by `slack` px:
1. word spaces, up to +33% / -20% of their natural width (knuth_plass.SPACE_STRETCH/SHRINK);
2. letter-spacing, up to ±2% of the em per letter gap (tracking of ±20/1000 em; InDesign's
   "letter spacing" counts in % of a word space instead, 14 times less room at body sizes);
3. glyph scaling 98-102%, only where the text enables it (`glyph_scaling: true`);
4. as a last resort, word spaces up to 150% (the breaker avoids this at a high cost).
A line that still cannot be justified is set ragged, and so is a line with no word space
(one word is never spread letter by letter) and the last line of a paragraph.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from composer.text.knuth_plass import LAST_RESORT, LETTER, SCALE, SPACE_SHRINK, SPACE_STRETCH

if TYPE_CHECKING:
    from composer.text.fonts import FontFace

# shaping the line ends anew (reshape.py) can move a line's width by a fraction of a pixel from
# the width the breaker planned with; absorb that much past the limits rather than overflow
TOLERANCE_PX = 1.0


@dataclass(frozen=True)
class Plan:
    """Extra px after each word space and each letter gap, and the horizontal glyph scale."""

    space: float
    letter: float
    scale: float = 1.0

    def space_ratio(self, space_width: float, spaces: int) -> float:
        """Word spaces as set, relative to their natural width (1.0 = natural)."""
        return 1.0 + self.space * spaces / space_width if space_width > 0 else 1.0


def plan(slack: float, spaces: int, space_width: float, letter_gaps: int, em: float,
         glyph_width: float = 0.0, glyph_scaling: bool = False) -> Plan | None:
    """How to absorb `slack` px (negative: shrink) over a line, or None to set it ragged."""
    if spaces == 0 or space_width <= 0:
        return None
    grow = slack >= 0
    limit = (SPACE_STRETCH if grow else SPACE_SHRINK) * space_width
    need = abs(slack)
    sp = min(need, limit)
    need -= sp
    letter = 0.0
    if need > 1e-9 and letter_gaps:
        letter = min(need, LETTER * em * letter_gaps)
        need -= letter
    scale = 1.0
    if need > 1e-9 and glyph_scaling and glyph_width > 0:
        s = min(need, SCALE * glyph_width)
        need -= s
        scale = 1.0 + (s if grow else -s) / glyph_width
    if need > 1e-9 and grow and need <= (LAST_RESORT - 1 - SPACE_STRETCH) * space_width:
        sp += need  # the last resort before ragged: word spaces up to 150%
        need = 0.0
    if need > 1e-9:
        if need > TOLERANCE_PX:
            return None
        sp += need  # a hair more shrink than planned (see TOLERANCE_PX)
    sign = 1.0 if grow else -1.0
    return Plan(sign * sp / spaces, sign * letter / letter_gaps if letter_gaps else 0.0, scale)


def scaled_path(face: FontFace, gid: int, size: float, sx: float) -> tuple[str, int, int]:
    """FontFace.local_path for a glyph scaled horizontally by `sx` (glyph scaling)."""
    from composer.text.fonts import encode_outline

    return encode_outline(face.outline(gid), 100.0 * size / face.upem, sx)
