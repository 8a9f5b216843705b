"""UAX #9 conformance: the Unicode BidiCharacterTest.txt file, levels and visual order per line."""

import gzip
from pathlib import Path

from composer.text import TextStyle, bidi, set_text
from composer.text.fonts import FontLibrary
from composer.core.geometry import Box
from composer.text.scripts import visual_order

LIB = FontLibrary()
DATA = Path(__file__).parents[1] / "data" / "BidiCharacterTest-15.0.0.txt.gz"


def _cases():
    with gzip.open(DATA, "rt", encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            codes, direction, _, levels, order = line.split(";")
            text = "".join(chr(int(c, 16)) for c in codes.split())
            yield text, int(direction), levels.split(), [int(i) for i in order.split()]


def _check(text: str, direction: int, want: list[str], order: list[int]) -> bool:
    got = bidi.levels(text, None if direction == 2 else direction)
    kept = [i for i, w in enumerate(want) if w != "x"]
    if [str(got[i]) for i in kept] != [want[i] for i in kept]:
        return False
    return [kept[k] for k in visual_order([got[i] for i in kept])] == order


def test_bidi_character_test_pass_rate():
    total = passed = 0
    for case in _cases():
        total += 1
        passed += _check(*case)
    rate = passed / total
    print(f"BidiCharacterTest 15.0.0: {passed}/{total} lines pass ({rate:.4%})")
    assert total > 90000
    assert rate >= 0.995


def test_explicit_levels():
    assert bidi.levels("a\u202ebc\u202cd", 0)[2:4] == [1, 1]          # RLO: Latin set right to left
    assert bidi.levels("ab \u2067cd\u2069 ef", 0) == [0, 0, 0, 0, 2, 2, 0, 0, 0, 0]  # RLI isolate
    assert bidi.paragraph_level("\u2067\u05d0\u2069abc") == 0       # P2 skips isolated text


def test_override_reorders_glyphs_on_the_line():
    block = set_text("ab\u202ecd\u202cef", Box(0, 0, 600, 100), TextStyle(size=40), LIB, "t")
    xs = {g.cluster: g.x for g in block.glyphs}
    text = "ab\u202ecd\u202cef"
    by_char = {text[c]: x for c, x in xs.items()}
    assert by_char["a"] < by_char["b"] < by_char["d"] < by_char["c"] < by_char["e"] < by_char["f"]
