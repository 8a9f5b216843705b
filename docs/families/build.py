"""Build every layout-family member from docs/families/slots.yaml and write one contact sheet per family (JPEG).

    python docs/families/build.py [--out out/families]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml
from PIL import Image

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

import composer  # noqa: E402
from composer.spec.loader import load_spec  # noqa: E402

FAMILIES = {
    "social": ["social/post", "social/square", "social/story", "social/link-card"],
    "ads": ["ads/medium-rectangle", "ads/leaderboard", "ads/skyscraper", "ads/square"],
    "print": ["print/a4", "print/a3", "print/letter"],
}
HEIGHT = 400  # members scaled down to this height on their sheet (never up: the ads show at their real size)
PAD = 16


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "out" / "families"))
    args = ap.parse_args()
    slots = yaml.safe_load((HERE / "slots.yaml").read_text(encoding="utf-8"))
    for family, layouts in FAMILIES.items():
        tiles = []
        for layout in layouts:
            spec = {"version": 1, "layout": layout, "brand": "brand/northwind.yaml", "slots": slots, "outputs": ["png"]}
            name = layout.replace("/", "-")
            result = composer.build(load_spec(spec, name=name, base_dir=ROOT / "samples"), args.out)
            im = result.image
            scale = min(HEIGHT / im.height, 2 * HEIGHT / im.width, 1.0)
            tiles.append(im.resize((round(im.width * scale), round(im.height * scale)), Image.LANCZOS))
            print(f"{layout}: {im.width}×{im.height}, omitted {result.report.get('omitted_slots', [])}")
        sheet = Image.new("RGB", (sum(t.width for t in tiles) + PAD * (len(tiles) + 1), HEIGHT + 2 * PAD), "#E9ECF2")
        x = PAD
        for t in tiles:
            sheet.paste(t, (x, PAD + (HEIGHT - t.height) // 2))
            x += t.width + PAD
        sheet.save(HERE / f"{family}.jpg", quality=88, optimize=True)  # photographic art: JPEG keeps the sheets small


if __name__ == "__main__":
    main()
