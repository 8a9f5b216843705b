"""Render docs/elements/examples.yaml: one small picture per infographic element kind, for the README."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

import composer  # noqa: E402

SIZES = {"stat": (360, 200), "progress": (300, 240), "icon": (160, 160), "qr": (220, 220)}


def main() -> None:
    examples = yaml.safe_load((HERE / "examples.yaml").read_text())
    for kind, config in examples.items():
        w, h = SIZES.get(kind, (640, 340))
        spec = {
            "version": 1, "canvas": {"width": w, "height": h, "background": "#FFFFFF"},
            "background": {"style": "flat"}, "outputs": ["png"],
            "elements": [{"type": kind, "id": kind, "box": {"x": 16, "y": 16, "width": w - 32, "height": h - 32}, **config}],
        }
        result = composer.build(spec, None, formats=["png"], name=kind)
        result.image.save(HERE / f"{kind}.png", optimize=True)
        print(kind, result.image.size)


if __name__ == "__main__":
    main()
