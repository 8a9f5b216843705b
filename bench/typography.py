"""Typography benchmark: 200 labels and 20 paragraphs in 3 fonts, cold and warm caches.

    python bench/typography.py

cold          every cache emptied first (fonts parsed again, nothing shaped or outlined yet)
warm fonts    fonts loaded, but the texts are new (the usual case in a build of many variants)
warm shaping  the same texts again, set anew from cached shaped paragraphs and glyph outlines
warm          the same texts again (whole text blocks cached: a warm rebuild of one spec)
"""

from __future__ import annotations

import gc
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from composer.text import FontLibrary, TextStyle, set_text  # noqa: E402
from composer.text import block, breaking, fonts, shaping  # noqa: E402
from composer.core.geometry import Box  # noqa: E402

FAMILIES = [("Inter", 400), ("Noto Serif", 400), ("Bebas Neue", 400)]
WORDS = ("revenue growth quarter market share launch summer product design north south east west "
         "average median total users sessions conversion déjà naïve café 2026 12.5% Q3 (est.)").split()


def texts(seed: int, n: int, words: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(words)) for _ in range(n)]


def clear_caches() -> None:
    fonts._FACES.clear()
    fonts._scan_dir.cache_clear()
    fonts.fontconfig_entries.cache_clear()
    shaping._PARAGRAPHS.clear()
    block._BLOCKS.clear()
    breaking.break_opportunities.cache_clear()
    breaking.lb_class.cache_clear()


def run(labels: list[str], paragraphs: list[str], set_text=set_text) -> tuple[float, float]:
    """Set every label and paragraph; return ms per label and ms per paragraph."""
    lib = FontLibrary()
    t0 = time.perf_counter()
    for i, text in enumerate(labels):
        fam, w = FAMILIES[i % 3]
        set_text(text, Box(0, 0, 240, 40), TextStyle(family=fam, weight=w, size=14.0), lib, f"label{i}")
    t1 = time.perf_counter()
    for i, text in enumerate(paragraphs):
        fam, w = FAMILIES[i % 3]
        set_text(text, Box(0, 0, 520, 400), TextStyle(family=fam, weight=w, size="auto", align="justify"),
                 lib, f"para{i}")
    t2 = time.perf_counter()
    return (t1 - t0) * 1000 / len(labels), (t2 - t1) * 1000 / len(paragraphs)


def poster(lib: FontLibrary, seed: int) -> None:
    """A poster's worth of text: headline, subhead, 6 labels, 2 paragraphs (10 elements)."""
    t = texts(seed, 10, 4)
    set_text(t[0], Box(80, 80, 920, 260), TextStyle(weight=800, size="auto", wrap="balance"), lib, "h")
    set_text(t[1], Box(80, 360, 920, 80), TextStyle(family="Noto Serif", size="auto"), lib, "s")
    for i in range(6):
        set_text(t[2 + i], Box(80, 500 + 40 * i, 400, 40), TextStyle(size=18.0), lib, f"l{i}")
    for i, text in enumerate(texts(seed + 1, 2, 60)):
        set_text(text, Box(540 + 0 * i, 500 + 300 * i, 460, 280),
                 TextStyle(size="auto", align="justify"), lib, f"p{i}")


def main() -> None:
    gc.disable()
    labels, paras = texts(1, 200, 3), texts(2, 20, 60)
    clear_caches()
    t0 = time.perf_counter()
    lib = FontLibrary()
    t1 = time.perf_counter()
    set_text("First label", Box(0, 0, 240, 40), TextStyle(size=14.0), lib)
    t2 = time.perf_counter()
    clear_caches()
    cold = run(labels, paras)
    warm_fonts = min(run(texts(3 + k, 200, 3), texts(10 + k, 20, 60)) for k in range(3))
    warm_shaped = min(run(labels, paras, block._set_text) for _ in range(3))
    warm = min(run(labels, paras) for _ in range(3))
    print(f"{'cache':<14}{'ms / label':>12}{'ms / paragraph':>16}")
    rows = [("cold", cold), ("warm fonts", warm_fonts), ("warm shaping", warm_shaped), ("warm", warm)]
    for name, (lab, par) in rows:
        print(f"{name:<14}{lab:>12.2f}{par:>16.2f}")
    print("(labels: 3 words at 14 px; paragraphs: 60 words, size: auto, justified, 520×400 px box;")
    print(" warm rows are the best of 3 runs)")
    print(f"fresh process: font library scan {(t1 - t0) * 1000:.1f} ms, first label {(t2 - t1) * 1000:.1f} ms")
    lib = FontLibrary()
    best = {}
    for name, seeds in [("new text", (20, 30, 40)), ("same text", (20, 20, 20))]:
        times = []
        for seed in seeds:
            t0 = time.perf_counter()
            poster(lib, seed)
            times.append((time.perf_counter() - t0) * 1000)
        best[name] = min(times)
    print(f"poster with 10 text elements, fonts warm: {best['new text']:.1f} ms (new text), "
          f"{best['same text']:.1f} ms (same text)")


if __name__ == "__main__":
    main()
