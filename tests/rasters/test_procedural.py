"""The procedural backend: determinism, sizes, palette, text-aware calming, errors, illustrations."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from generator.errors import GeneratorError
from generator.errors import RequestError as SpecError
from generator.base import Box, GenerateRequest, get_backend
from generator.metrics import rea, rea_outside
from generator.cache import disk_cache
from generator.procedural import STYLES, Palette, ProceduralBackend, _DiskTier


@pytest.fixture(autouse=True)
def _memory_only():
    """These tests count paintings: the disk tier (tested on its own below) would serve earlier tests' work."""
    with disk_cache(False):
        yield

PALETTE = ("#1B1035", "#FF3D7F", "#FFC43D", "#F7F3EC")
TEXTURED = [s for s in STYLES if s != "flat"]


def gen(**kw):
    kw.setdefault("width", 216)
    kw.setdefault("height", 270)
    kw.setdefault("palette", PALETTE)
    return ProceduralBackend().generate(GenerateRequest(**kw))


def _rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], float)


def palette_distance(image, palette) -> np.ndarray:
    """Per pixel, the RGB distance to the nearest blend of two palette colours."""
    return palette_distance_rgb(np.asarray(image.convert("RGB"), float).reshape(-1, 3), palette)


def palette_distance_rgb(px: np.ndarray, palette) -> np.ndarray:
    """For (N, 3) RGB values, the distance to the nearest blend of two palette colours."""
    best = np.full(len(px), np.inf)
    for a, b in itertools.combinations_with_replacement([_rgb(c) for c in palette], 2):
        d = b - a
        n = float(d @ d)
        t = np.clip((px - a) @ d / n, 0, 1)[:, None] if n else np.zeros((len(px), 1))
        best = np.minimum(best, np.linalg.norm(px - (a + t * d), axis=1))
    return best


def test_registered_as_the_procedural_backend():
    backend = get_backend("procedural")
    assert isinstance(backend, ProceduralBackend) and backend.name == "procedural"
    assert list(STYLES) == ["aurora", "blobs", "geometric", "halftone", "grain", "photo", "flat"]


@pytest.mark.parametrize("style", list(STYLES))
def test_same_request_same_bytes(style):
    a, b = gen(style=style, seed=11), gen(style=style, seed=11)
    assert a.image.tobytes() == b.image.tobytes()


@pytest.mark.parametrize("style", TEXTURED)
def test_different_seed_different_image(style):
    assert gen(style=style, seed=1).image.tobytes() != gen(style=style, seed=2).image.tobytes()


@pytest.mark.parametrize("style", list(STYLES))
@pytest.mark.parametrize("size", [(333, 517), (1, 1), (517, 2), (3, 3)])
def test_renders_any_size(style, size):
    out = gen(style=style, width=size[0], height=size[1], text_boxes=(Box(0, 0, 1, 1),))
    assert out.image.mode == "RGB" and out.image.size == size


@pytest.mark.parametrize("size", [(1, 1), (2, 900), (333, 517)])
def test_illustration_any_size(size):
    assert gen(kind="illustration", width=size[0], height=size[1]).image.size == size


def test_metadata():
    out = gen(style="halftone", seed=9, text_aware=False)
    assert out.metadata == {
        "generator": "procedural", "kind": "background", "style": "halftone", "seed": 9,
        "size": [216, 270], "text_aware": False,
    }
    assert gen().metadata["style"] == "aurora"  # the default


def test_negative_and_huge_seeds_are_deterministic():
    assert gen(seed=-5).image.tobytes() == gen(seed=-5).image.tobytes()
    assert gen(seed=-5).image.tobytes() != gen(seed=5).image.tobytes()
    assert gen(seed=2**70).image.tobytes() != gen(seed=2**70 + 1).image.tobytes()


@pytest.mark.parametrize("style", list(STYLES))
def test_palette_dominates(style):
    image = gen(style=style, seed=4).image
    near = palette_distance(image, PALETTE)
    # Most pixels sit on (or within a few levels of) a blend of two palette colours ...
    assert np.median(near) < 20 and near.mean() < 25
    # ... which a different palette does not explain.
    other = ("#003B2E", "#00C2A8", "#9AD14B", "#E4FFF9")
    assert palette_distance(image, other).mean() > 2 * near.mean() + 10


def test_flat_is_exactly_the_base_colour():
    px = np.asarray(gen(style="flat").image)
    assert (px == _rgb(PALETTE[0])).all()


def test_palette_not_running_dark_to_light_is_recast():
    pal = Palette.from_hex(("#FFFFFF", "#111111", "#E63946", "#F1FAEE"))
    roles = (pal.base, pal.primary, pal.accent, pal.paper)
    as_hex = ["#%02X%02X%02X" % tuple(int(round(x * 255)) for x in c) for c in roles]
    assert as_hex == ["#111111", "#E63946", "#F1FAEE", "#FFFFFF"]
    flat = np.asarray(gen(style="flat", palette=("#FFFFFF", "#111111")).image)
    assert (flat == 255).all()  # flat still paints the first colour given


def test_short_palettes_derive_the_missing_roles():
    one = gen(style="geometric", palette=("#0B3D91",)).image
    assert len(np.unique(np.asarray(one).reshape(-1, 3), axis=0)) > 3


@pytest.mark.parametrize("style", TEXTURED)
def test_text_aware_calms_text_boxes(style):
    # A realistic size: on a thumbnail, even a calm sky is a steep ramp no blur can flatten.
    size = {"width": 432, "height": 540}
    boxes = (Box(60, 48, 312, 100), Box(80, 360, 220, 80))
    plain = gen(style=style, seed=3, text_boxes=boxes, text_aware=False, **size).image
    aware = gen(style=style, seed=3, text_boxes=boxes, text_aware=True, **size).image
    for box in boxes:
        assert rea(aware, box) <= 0.5 * rea(plain, box), (style, box)


@pytest.mark.parametrize("style", TEXTURED)
def test_text_aware_leaves_the_rest_alone(style):
    size = {"width": 432, "height": 540}
    headline = (Box(40, 30, 352, 90),)
    plain = gen(style=style, seed=3, text_boxes=headline, text_aware=False, **size).image
    aware = gen(style=style, seed=3, text_boxes=headline, **size).image
    # Well past the mask's margin and feather (and geometric's panel row), texture is untouched.
    below = Box(0, 330, 432, 210)
    assert rea(aware, below) == pytest.approx(rea(plain, below), rel=0.05)
    top = [Box(0, 0, 432, 330)]
    assert rea_outside(aware, top) == pytest.approx(rea_outside(plain, top), rel=0.05)


@pytest.mark.parametrize("style", ["aurora", "blobs", "halftone", "photo"])
def test_text_aware_keeps_colour_under_text(style):
    box = Box(30, 24, 156, 60)
    plain = np.asarray(gen(style=style, seed=3, text_boxes=(box,), text_aware=False).image, float)
    aware = np.asarray(gen(style=style, seed=3, text_boxes=(box,)).image, float)
    sl = np.s_[24:84, 30:186]
    assert np.abs(plain[sl].mean((0, 1)) - aware[sl].mean((0, 1))).max() < 20


def test_geometric_sets_a_plain_panel_under_text():
    box = Box(20, 20, 176, 60)
    aware = gen(style="geometric", seed=3, text_boxes=(box,))
    px = np.asarray(aware.image, float)[25:75, 25:191].reshape(-1, 3)
    assert rea(aware.image, box) < 2.5
    assert np.median(palette_distance_rgb(px.mean(0)[None], PALETTE)) < 12  # one palette colour


def test_unknown_style_lists_the_allowed_ones():
    with pytest.raises(SpecError) as err:
        gen(style="vaporwave")
    assert str(err.value) == (
        "unknown procedural style 'vaporwave'; allowed: aurora | blobs | geometric | halftone | grain | photo | flat"
    )


def test_bad_inputs():
    with pytest.raises(GeneratorError, match=r"`width` and `height` have to be positive integers but are 0 and 10"):
        gen(width=0, height=10)
    with pytest.raises(GeneratorError, match=r"`seed` has to be an integer but is 1.5"):
        gen(seed=1.5)
    with pytest.raises(GeneratorError, match="the procedural generator allows at most 100000000"):
        gen(width=20000, height=20000)
    with pytest.raises(SpecError, match=r"palette colour 'blue' is not a \"#RRGGBB\" hex colour"):
        gen(palette=("blue",))
    with pytest.raises(SpecError, match="unknown kind 'poster'; allowed: background | illustration"):
        gen(kind="poster")


@pytest.mark.parametrize("shape", [None, "rounded", "circle"])
def test_illustration_is_rgba_with_transparency(shape):
    out = gen(kind="illustration", width=120, height=90, options={"shape": shape} if shape else {})
    alpha = np.asarray(out.image)[..., 3]
    assert out.image.mode == "RGBA" and out.image.size == (120, 90)
    assert alpha.max() == 255 and alpha[0, 0] == 0  # an opaque motif, transparent corners
    assert out.metadata["kind"] == "illustration"
    if shape == "circle":
        assert alpha[1, 60] > 0 and alpha[45, 2] == 0  # a centred disc as tall as the box


def test_illustration_unknown_shape():
    with pytest.raises(SpecError, match=r"unknown illustration shape 'star'; allowed: none \| rounded \| circle"):
        gen(kind="illustration", options={"shape": "star"})


def test_importing_never_imports_torch_or_scipy():
    code = "import generator.procedural, sys; print('torch' in sys.modules, 'scipy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.split() == ["False", "False"]


def test_kept_paintings_are_a_bounded_lru_and_a_hit_paints_the_same_bytes():
    backend = ProceduralBackend()
    first = backend.generate(GenerateRequest(160, 90, seed=0, style="aurora")).image.tobytes()
    for seed in range(1, 4):
        backend.generate(GenerateRequest(160, 90, seed=seed, style="aurora"))
    again = backend.generate(GenerateRequest(160, 90, seed=0, style="aurora"))  # a hit: seed 0 is the most recent now
    for seed in range(4, 7):
        backend.generate(GenerateRequest(160, 90, seed=seed, style="aurora"))
    seeds = [key[3] for key in backend._finished]
    assert len(seeds) == ProceduralBackend.FINISHED_KEPT == 4
    assert seeds == [0, 4, 5, 6]  # 1-3 were used longest ago; seed 0's hit kept it
    assert [key[3] for key in backend._painted] == [3, 4, 5, 6]  # the hit came from the finished one: no repaint
    assert len(backend._painted) == ProceduralBackend.PAINTINGS_KEPT == 4
    assert again.image.tobytes() == first


def test_a_kept_finished_background_is_the_same_pixels_and_follows_the_text_boxes():
    boxes = (Box(20, 20, 100, 30),)
    moved = (Box(20, 50, 100, 30),)
    fresh = ProceduralBackend().generate(GenerateRequest(320, 180, seed=2, style="aurora", text_boxes=moved)).image
    backend = ProceduralBackend()
    a = backend.generate(GenerateRequest(320, 180, seed=2, style="aurora", text_boxes=boxes)).image
    b = backend.generate(GenerateRequest(320, 180, seed=2, style="aurora", text_boxes=moved)).image
    c = backend.generate(GenerateRequest(320, 180, seed=2, style="aurora", text_boxes=moved)).image
    assert len(backend._finished) == 2  # one per calm mask: moving the text is a new background
    assert a.tobytes() != b.tobytes()
    assert b.tobytes() == c.tobytes() == fresh.tobytes()  # the kept one is what painting again gives
    c.paste((0, 0, 0), (0, 0, 10, 10))  # the caller's copy: changing it does not change the kept one
    assert backend.generate(GenerateRequest(320, 180, seed=2, style="aurora", text_boxes=moved)).image.tobytes() == fresh.tobytes()


def test_large_finished_backgrounds_are_not_kept():
    backend = ProceduralBackend()
    backend.FINISHED_MAX_PIXELS = 320 * 180 - 1
    backend.generate(GenerateRequest(320, 180, seed=2, style="aurora"))
    assert len(backend._finished) == 0 and len(backend._painted) == 1


@pytest.fixture
def disk(tmp_path, monkeypatch):
    """The disk tier on, in an empty cache folder, with this process's write allowance fresh."""
    monkeypatch.setenv("PLACARD_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(_DiskTier, "_writes", 0)
    with disk_cache(True):
        yield tmp_path / "procedural"


def _no_painting(monkeypatch):
    def refuse(canvas):
        raise AssertionError("painted, though the background was kept on disk")

    monkeypatch.setitem(STYLES, "aurora", STYLES["aurora"].__class__(refuse, STYLES["aurora"].grain))


def test_a_background_kept_on_disk_serves_the_next_process_without_painting(disk, monkeypatch):
    request = GenerateRequest(320, 180, seed=3, style="aurora", text_boxes=(Box(20, 20, 100, 30),))
    painted = ProceduralBackend().generate(request).image
    (entry,) = disk.glob("*.npy")
    _no_painting(monkeypatch)
    again = ProceduralBackend().generate(request)  # a new backend: nothing in memory, as in a new process
    assert again.image.tobytes() == painted.tobytes()
    assert again.metadata["style"] == "aurora" and again.metadata["seed"] == 3
    moved = GenerateRequest(320, 180, seed=3, style="aurora", text_boxes=(Box(20, 60, 100, 30),))
    with pytest.raises(AssertionError, match="painted"):  # another calm mask is another background
        ProceduralBackend().generate(moved)


def test_a_damaged_disk_entry_is_painted_again(disk):
    request = GenerateRequest(320, 180, seed=4, style="aurora")
    painted = ProceduralBackend().generate(request).image.tobytes()
    (entry,) = disk.glob("*.npy")
    for damage in (entry.read_bytes()[:200], b"not numpy", np.zeros((5, 5, 3), np.uint8)):
        if isinstance(damage, bytes):
            entry.write_bytes(damage)
        else:
            np.save(entry, damage)
        assert ProceduralBackend().generate(request).image.tobytes() == painted


def test_no_cache_means_the_disk_tier_is_neither_read_nor_written(disk, monkeypatch):
    request = GenerateRequest(320, 180, seed=5, style="aurora")
    with disk_cache(False):
        ProceduralBackend().generate(request)
    assert not disk.exists() or not list(disk.glob("*.npy"))
    ProceduralBackend().generate(request)
    _no_painting(monkeypatch)
    with disk_cache(False), pytest.raises(AssertionError, match="painted"):
        ProceduralBackend().generate(request)


def test_the_disk_tier_is_bounded_per_process_and_in_all(disk, monkeypatch):
    for seed in range(_DiskTier.WRITES_PER_PROCESS + 2):
        ProceduralBackend().generate(GenerateRequest(64, 36, seed=seed, style="aurora"))
    assert len(list(disk.glob("*.npy"))) == _DiskTier.WRITES_PER_PROCESS  # a campaign leaves a handful
    monkeypatch.setattr(_DiskTier, "WRITES_PER_PROCESS", 100)
    monkeypatch.setattr(_DiskTier, "KEPT", 5)
    for seed in range(10, 20):
        ProceduralBackend().generate(GenerateRequest(64, 36, seed=seed, style="aurora"))
    assert len(list(disk.glob("*.npy"))) == 5
    assert not list(disk.glob(".tmp-*"))


def test_the_disk_tier_counts_in_cache_info_and_goes_with_cache_clear(disk):
    from generator.cache import cache_clear, cache_info

    ProceduralBackend().generate(GenerateRequest(64, 36, seed=1, style="aurora"))
    assert cache_info()["entries"] == 1 and cache_info()["bytes"] > 64 * 36 * 3
    assert cache_clear() == 1 and not list(disk.glob("*.npy"))


def test_a_kept_illustration_is_the_same_pixels_and_is_painted_once(monkeypatch):
    from generator import procedural

    painted = []
    real = procedural.pat.illustration
    monkeypatch.setattr(procedural.pat, "illustration", lambda c, shape: painted.append(shape) or real(c, shape))
    request = GenerateRequest(200, 150, seed=4, kind="illustration", options={"shape": "rounded"})
    fresh = ProceduralBackend().generate(request).image.tobytes()
    backend = ProceduralBackend()
    first = backend.generate(request).image
    first.paste((0, 0, 0, 255), (0, 0, 20, 20))  # the caller's copy: the kept one is not changed
    again = backend.generate(request).image
    assert again.tobytes() == fresh and len(painted) == 2  # once for `fresh`, once for `backend`
    backend.generate(GenerateRequest(200, 150, seed=5, kind="illustration", options={"shape": "rounded"}))
    backend.generate(GenerateRequest(200, 150, seed=4, kind="illustration", options={"shape": "none"}))
    assert len(painted) == 4  # another seed or shape is another illustration
    with pytest.raises(SpecError, match="unknown illustration shape"):
        backend.generate(GenerateRequest(200, 150, seed=4, kind="illustration", options={"shape": "star"}))
    assert len(backend._illustrations) == 3
