"""Every sample's PNG and SVG hash as recorded (bench/gallery_hashes.py): a refactor changes no output byte.

A change that is meant to alter outputs re-records the file (`python bench/gallery_hashes.py --record`)
in the same commit. The bytes depend on cairo, HarfBuzz, Pillow and numpy, so the test compares only
where those versions equal the recorded ones, and says so when they differ.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from process_caches import after_clearing, fresh_digests, pixel_difference

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("gallery_hashes", ROOT / "bench" / "gallery_hashes.py")
gallery = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gallery)

pytestmark = [pytest.mark.slow, pytest.mark.system("fonts-noto-cjk")]


def test_sample_outputs_are_byte_identical_to_the_record():
    recorded = json.loads(gallery.RECORD.read_text())
    if recorded["environment"] != gallery.environment():
        pytest.skip(f"recorded with {recorded['environment']}, this machine has {gallery.environment()}")
    now = gallery.hashes()
    assert sorted(now) == sorted(recorded["hashes"])
    changed = [k for k in now if now[k] != recorded["hashes"][k]]
    if changed:
        stems = sorted({Path(k).stem for k in changed})
        fresh = {name: h for stem in stems for name, h in fresh_digests(stem).items()}
        report = "\n".join([after_clearing(stem, recorded["hashes"])[1] for stem in stems]
                           + [pixel_difference(Path(k).stem) for k in changed if k.endswith(".png")])
        if all(fresh[k] == recorded["hashes"][k] for k in changed):  # in-session state, not a change of output
            pytest.xfail(f"known, not yet explained: {changed} differed in this process only (tests/process_caches.py)\n{report}")
        pytest.fail(f"{changed} differ from the record, in a fresh process too\n{report}")
