"""Build every sample and write the README's gallery thumbnails to samples/gallery/.

    python samples/build_gallery.py [--out out/samples]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import composer  # noqa: E402

WIDTH = 540  # thumbnails: sharp on GitHub, small in the repo


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(HERE.parent / "out" / "samples"))
    args = ap.parse_args()
    gallery = HERE / "gallery"
    gallery.mkdir(exist_ok=True)
    for spec in sorted(HERE.glob("*.yaml")):
        result = composer.build(spec, args.out)
        im = result.image
        thumb = im.resize((WIDTH, round(im.height * WIDTH / im.width)), Image.LANCZOS)
        thumb.save(gallery / f"{spec.stem}.png", optimize=True)
        print(f"{spec.name}: {', '.join(p.name for p in result.files)}")


if __name__ == "__main__":
    main()
