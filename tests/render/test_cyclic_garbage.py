"""A build leaves no full-canvas buffer for the cycle collector: a long-running preview or campaign
worker would otherwise grow by megabytes per build until a full collection happens to run."""

from __future__ import annotations

import gc
from pathlib import Path

import cairocffi
import numpy as np
from PIL import Image

import composer

ROOT = Path(__file__).resolve().parents[2]


def _cyclic_garbage_of_one_build(tmp_path) -> list:
    spec = str(ROOT / "samples" / "launch-poster.yaml")
    composer.build(spec, out_dir=str(tmp_path / "warm"), formats=["png", "pdf"])
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        composer.build(spec, out_dir=str(tmp_path / "out"), formats=["png", "pdf"])
        gc.collect()
        return list(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


def test_no_raster_or_surface_is_left_to_the_cycle_collector(tmp_path):
    garbage = _cyclic_garbage_of_one_build(tmp_path)
    held = [type(o).__name__ for o in garbage
            if isinstance(o, (Image.Image, cairocffi.Surface, type)) or (isinstance(o, np.ndarray) and o.nbytes > 65536)]
    assert held == []
