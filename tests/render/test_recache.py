"""Compiled regular expressions kept between CLI processes (composer/core/recache.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from composer.core import recache

ROOT = Path(__file__).resolve().parents[2]
PATTERNS = [(r"(?P<word>[A-Za-z]+)-(\d{2,4})?", 0), (r"[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD]", 0),
            (rb"^[\x80-\xff]+$", re.MULTILINE), (r"(?x) a # comment\n b", re.IGNORECASE)]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PLACARD_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("PLACARD_RE_CACHE", raising=False)
    recache.uninstall()
    yield tmp_path
    recache.uninstall()


def _fresh(pattern, flags):
    """Compile through re's front door, past its in-memory cache."""
    re.purge()
    return re.compile(pattern, flags)


def test_kept_patterns_are_the_patterns_python_makes(cache, monkeypatch):
    real = [_fresh(p, f) for p, f in PATTERNS]
    recache.install()
    first = [_fresh(p, f) for p, f in PATTERNS]
    recache.save()
    assert first == real  # Pattern == compares flags, pattern text and opcodes
    (kept,) = cache.glob("re-*.bin")

    recache.uninstall()
    recache.install()  # the next process

    def no_parse(*args, **kwargs):
        raise AssertionError("parsed again, though its opcodes were kept")

    monkeypatch.setattr(recache._parser, "parse", no_parse)
    again = [_fresh(p, f) for p, f in PATTERNS]
    assert again == real
    assert again[0].match("abc-123").group("word", 2) == ("abc", "123")
    assert again[1].search("ok\x00") and not again[1].search("ok")
    assert again[2].match(b"\x80\xff") and again[3].match("AB")


def test_a_damaged_or_foreign_table_is_ignored(cache):
    recache.install()
    for p, f in PATTERNS:
        _fresh(p, f)
    recache.save()
    (kept,) = cache.glob("re-*.bin")
    blob = kept.read_bytes()
    for damaged in (blob[:-5], b"0" * 32 + blob[32:], b""):
        kept.write_bytes(damaged)
        assert recache._load() == {}


def test_opcodes_that_sre_refuses_fall_back_to_a_real_compile(cache):
    recache.install()
    key = (r"[a-c]+x", 0)
    recache._table[key] = (0, [99999, 1, 2], 0, {}, (None,))  # not valid SRE code
    assert _fresh(*key).fullmatch("abcx")
    assert recache._table[key][1] != [99999, 1, 2]  # compiled again and kept properly


def test_debug_patterns_and_turning_it_off(cache, monkeypatch, capsys):
    recache.install()
    _fresh("ab", re.DEBUG)
    assert ("ab", int(re.DEBUG)) not in recache._table and "LITERAL" in capsys.readouterr().out
    recache.uninstall()
    monkeypatch.setenv("PLACARD_RE_CACHE", "0")
    recache.install()
    assert re._compiler.compile is not recache._compile


def test_the_cli_keeps_the_table_for_the_next_process(tmp_path):
    env = {**os.environ, "PLACARD_CACHE_DIR": str(tmp_path)}
    env.pop("PLACARD_RE_CACHE", None)
    subprocess.run([sys.executable, "-m", "composer", "build", "samples/quote.yaml", "--format", "svg", "-o",
                    str(tmp_path / "out")], cwd=ROOT, env=env, check=True, capture_output=True)
    (kept,) = tmp_path.glob("re-*.bin")
    probe = ("import sys, re, composer.core.recache as r; r.install(); "
             "import yaml, jinja2; print(len(r._table), r._grew)")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    entries, grew = out.stdout.split()
    assert int(entries) > 50 and grew == "False"  # yaml's and jinja's patterns came from the kept table
