"""Hash every sample's PNG and SVG, to prove a refactor changes no output byte.

    python bench/gallery_hashes.py            # print the table and compare with tests/data/gallery-hashes.json
    python bench/gallery_hashes.py --record   # write that file (after a change that is meant to alter outputs)

The recorded file names the versions of the libraries that decide the bytes (cairo, HarfBuzz, Pillow,
numpy, ...); tests/output/test_gallery_hashes.py compares only when this machine has the same ones.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "tests" / "data" / "gallery-hashes.json"


def environment() -> dict[str, str]:
    """The library versions that decide output bytes."""
    import cairocffi
    import cairosvg
    import numpy
    import PIL
    import uharfbuzz

    return {"cairo": cairocffi.cairo_version_string(), "cairosvg": cairosvg.__version__, "harfbuzz": uharfbuzz.__version__,
            "pillow": PIL.__version__, "numpy": numpy.__version__, "python": "%d.%d" % sys.version_info[:2]}


def hashes() -> dict[str, str]:
    """sha256 of every sample's PNG and SVG, by file name."""
    import composer

    out: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as d:
        for spec in sorted((ROOT / "samples").glob("*.yaml")):
            result = composer.build(spec, d, formats=["png", "svg"])
            for f in result.files:
                if f.suffix in (".png", ".svg"):
                    out[f.name] = hashlib.sha256(f.read_bytes()).hexdigest()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--record", action="store_true", help=f"write {RECORD.relative_to(ROOT)}")
    args = ap.parse_args()
    now = hashes()
    if args.record:
        RECORD.write_text(json.dumps({"environment": environment(), "hashes": now}, indent=1, sort_keys=True) + "\n")
        print(f"recorded {len(now)} files")
        return 0
    old = json.loads(RECORD.read_text())
    changed = sorted(k for k in now if old["hashes"].get(k) != now[k])
    for name in sorted(now):
        print(f"{name:40s} {'changed' if name in changed else 'same'}")
    print(f"{len(now) - len(changed)} same, {len(changed)} changed" + ("" if old["environment"] == environment() else
          " (recorded with other library versions: " + json.dumps(old["environment"]) + ")"))
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
