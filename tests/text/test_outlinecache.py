"""Glyph outlines kept between CLI processes (composer/core/outlinecache.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from composer.core import glyphpaths, outlinecache
from composer.text import FontLibrary
from composer.text import fonts as fonts_module
from composer.text.fonts import FontFace

ROOT = Path(__file__).resolve().parents[2]
LIB = FontLibrary()
SIZES = (12.0, 33.5, 96.0)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PLACARD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("PLACARD_OUTLINE_CACHE", raising=False)
    outlinecache.uninstall()
    yield tmp_path / "cache"
    outlinecache.uninstall()


def _glyphs(face: FontFace, text: str = "Hamburgefonstiv, 0123! ßé") -> list[int]:
    return sorted({face.hb_font.get_nominal_glyph(ord(c)) for c in text} - {None, 0})


def _encoded(face: FontFace) -> dict:
    """Every glyph at every size: (path data, x0, y0) and the rows filed for the renderer."""
    out = {}
    for gid in _glyphs(face):
        for size in SIZES:
            rel, x0, y0 = face.local_path(gid, size)
            out[gid, size] = (rel, x0, y0, list(glyphpaths.recall(rel) or []))
    return out


@pytest.mark.parametrize("family", ["Noto Serif", "Inter"])
def test_kept_outlines_are_the_ones_the_typesetter_writes(cache, monkeypatch, family):
    entry = LIB.entry(family, 700)
    real = _encoded(FontFace(entry.path, entry.index, 700))  # not installed: encoded, nothing kept
    assert not cache.exists()
    outlinecache.install()
    first = _encoded(FontFace(entry.path, entry.index, 700))
    outlinecache.save()
    assert first == real and len(real) >= 60
    (kept,) = (cache / "outlines").glob("*.bin")

    outlinecache.uninstall()
    outlinecache.install()  # the next process

    def no_encoding(*args, **kwargs):
        raise AssertionError("encoded again, though the outline was kept")

    monkeypatch.setattr(fonts_module, "encode_outline", no_encoding)
    glyphpaths.clear()
    assert _encoded(FontFace(entry.path, entry.index, 700)) == real
    # another weight of a variable font, or another face, is another table: encoded afresh
    monkeypatch.undo()
    if FontFace(entry.path, entry.index, 400).location != FontFace(entry.path, entry.index, 700).location:
        _encoded(FontFace(entry.path, entry.index, 400))
        outlinecache.save()
        assert len(list((cache / "outlines").glob("*.bin"))) == 2


def test_an_edited_font_file_starts_a_new_table_and_damaged_entries_are_encoded_again(cache, tmp_path):
    entry = LIB.entry("Noto Serif")
    font = tmp_path / "copy.ttf"
    shutil.copyfile(entry.path, font)
    outlinecache.install()
    face = FontFace(font, entry.index)
    real = _encoded(face)
    outlinecache.save()
    (kept,) = (cache / "outlines").glob("*.bin")

    outlinecache.uninstall()
    outlinecache.install()
    made = font.stat().st_mtime_ns
    os.utime(font, ns=(1, 1))  # an edit (here, only its mtime)
    face = FontFace(font, entry.index)
    table = outlinecache._table(face)
    assert table.entries == {} and table.path != kept

    outlinecache.uninstall()
    outlinecache.install()
    os.utime(font, ns=(made, made))  # the file as it was: its table again
    face = FontFace(font, entry.index)
    table = outlinecache._table(face)
    assert table.path == kept and len(table.entries) == len(real)
    gid = _glyphs(face)[0]
    table.entries[gid, SIZES[0]] = b"\x00damaged"
    assert face.local_path(gid, SIZES[0]) == real[gid, SIZES[0]][:3]


def test_off_unless_installed_or_when_turned_off(cache, monkeypatch):
    entry = LIB.entry("Noto Serif")
    _encoded(FontFace(entry.path, entry.index))
    outlinecache.save()
    monkeypatch.setenv("PLACARD_OUTLINE_CACHE", "0")
    outlinecache.install()
    _encoded(FontFace(entry.path, entry.index))
    outlinecache.save()
    assert not (cache / "outlines").exists()


def test_cli_builds_with_kept_outlines_are_the_same_bytes(tmp_path):
    env = {**os.environ, "PLACARD_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("PLACARD_OUTLINE_CACHE", None)
    outs = []
    for run in range(2):
        out = tmp_path / f"out{run}"
        subprocess.run([sys.executable, "-m", "composer", "build", "samples/launch-poster.yaml", "--format", "png,svg",
                        "-o", str(out)], cwd=ROOT, env=env, check=True, capture_output=True)
        outs.append(out)
        if run == 0:
            assert list((tmp_path / "cache" / "outlines").glob("*.bin"))
    from composer.pipeline import build

    data = build(ROOT / "samples/launch-poster.yaml", None, ["png", "svg"]).data  # in process: nothing kept
    for fmt in ("png", "svg"):
        first, second = ((o / f"launch-poster.{fmt}").read_bytes() for o in outs)
        made = data[fmt]
        assert first == second == (made if isinstance(made, bytes) else b"".join(made))
