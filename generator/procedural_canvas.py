"""What a procedural style paints on: the palette by role and the canvas (size, seeded generator, text mask)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from PIL import Image

from generator.errors import RequestError
from generator.procedural_fields import hex_to_rgb, oklab_to_srgb, srgb_to_oklab, to_uint8

_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass(frozen=True)
class Palette:
    """The palette by role, as float sRGB triples in [0, 1]; `first` is the first colour given."""

    base: np.ndarray
    primary: np.ndarray
    accent: np.ndarray
    paper: np.ndarray
    first: np.ndarray

    @classmethod
    def from_hex(cls, colours: tuple[str, ...] | list[str]) -> Palette:
        """Read "#RRGGBB" colours (base, primary, accent, paper); derive the missing roles.

        Styles are built on a dark base and a light paper. A palette that does not run dark to
        light (say white, black, red) is re-cast: the darkest colour becomes the base, the
        lightest the paper, and the other two are primary and accent, the more colourful first.
        """
        bad = [c for c in colours if not isinstance(c, str) or not _HEX.match(c)]
        if bad:
            raise RequestError(f"palette colour {bad[0]!r} is not a \"#RRGGBB\" hex colour")
        rgb = [hex_to_rgb(c) for c in colours] or [hex_to_rgb("#101820")]
        lab = srgb_to_oklab(rgb[0])
        derived = [
            oklab_to_srgb(np.array([min(0.95, lab[0] + 0.35), lab[1] * 1.5, lab[2] * 1.5], np.float32)),
            oklab_to_srgb(np.array([min(0.97, lab[0] + 0.55), -lab[1], -lab[2]], np.float32)),
            oklab_to_srgb(np.array([0.97, lab[1] * 0.15, lab[2] * 0.15], np.float32)),
        ]
        roles = (rgb + derived[len(rgb) - 1 :])[:4]
        labs = srgb_to_oklab(np.stack(roles))
        light = labs[:, 0]
        if int(np.argmin(light)) != 0 or int(np.argmax(light)) != 3:
            dark, pale = int(np.argmin(light)), int(np.argmax(light))
            rest = [i for i in range(4) if i not in (dark, pale)]
            rest.sort(key=lambda i: -float(np.hypot(labs[i, 1], labs[i, 2])))
            roles = [roles[dark], roles[rest[0]], roles[rest[1]], roles[pale]]
        return cls(roles[0], roles[1], roles[2], roles[3], rgb[0])


@dataclass
class Canvas:
    """What a style paints on: the full size, a seeded generator, the palette and, when text-aware,
    the text mask at a work size (`calm`, 1 under text), which a style may also design around."""

    width: int
    height: int
    rng: np.random.Generator
    palette: Palette
    calm: np.ndarray | None = None

    def calm_at(self, fx: float, fy: float) -> float:
        """The text mask at a point given as fractions of the width and height (0 without text)."""
        if self.calm is None:
            return 0.0
        h, w = self.calm.shape
        return float(self.calm[min(h - 1, max(0, int(fy * h))), min(w - 1, max(0, int(fx * w)))])

    def work_size(self, long_side: int) -> tuple[int, int]:
        """A reduced size with the canvas' aspect whose longer side is at most `long_side`."""
        s = min(1.0, long_side / max(self.width, self.height))
        return max(1, int(round(self.width * s))), max(1, int(round(self.height * s)))

    def upscale(self, rgb: np.ndarray) -> Image.Image:
        """Dither a float work-resolution image to 8 bits and resize it to the full size."""
        im = Image.fromarray(to_uint8(rgb, self.rng), "RGB")
        if im.size != (self.width, self.height):
            im = im.resize((self.width, self.height), Image.Resampling.BICUBIC)
        return im
