"""Build the two sample campaigns and write their contact sheets to samples/gallery/.

    python samples/campaign/contact_sheet.py [--out out/campaign] [-j 2]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

import composer  # noqa: E402

THUMB_H = 200  # a strip of thumbnails per row of data: small in the repo, readable on GitHub


def sheet(results: list, sizes: list[str], rows: list[int], target: Path) -> None:
    """One line of thumbnails per data row, one column per size, all at the same height."""
    by = {(r.row, r.size): r for r in results if r.status != "failed"}
    cells = []
    for row in rows:
        line = []
        for size in sizes:
            png = next(f for f in by[(row, size)].files if f.suffix == ".png")
            with Image.open(png) as im:
                im = im.convert("RGB")
                line.append(im.resize((round(im.width * THUMB_H / im.height), THUMB_H), Image.LANCZOS))
        cells.append(line)
    gap = 8
    width = max(sum(t.width for t in line) + gap * (len(line) - 1) for line in cells)
    out = Image.new("RGB", (width, len(cells) * (THUMB_H + gap) - gap), "white")
    for y, line in enumerate(cells):
        x = 0
        for t in line:
            out.paste(t, (x, y * (THUMB_H + gap)))
            x += t.width + gap
    out.save(target, optimize=True)
    print(f"{target} ({target.stat().st_size // 1024} KB)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(HERE.parent.parent / "out" / "campaign"))
    ap.add_argument("-j", "--jobs", type=int, default=None)
    args = ap.parse_args()
    gallery = HERE.parent / "gallery"
    for spec, rows, target in (("products.yaml", [1, 2, 4, 7], "campaign-products.png"),
                               ("event.yaml", [1, 3], "campaign-events.png")):
        results = list(composer.build_many(HERE / spec, out_dir=Path(args.out) / spec.split(".")[0], jobs=args.jobs))
        failed = [r.error for r in results if r.status == "failed"]
        if failed:
            raise SystemExit("\n".join(failed))
        sizes = list(dict.fromkeys(r.size for r in results))
        sheet(results, sizes, rows, gallery / target)


if __name__ == "__main__":
    main()
