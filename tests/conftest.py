"""Shared fixtures: a temporary spec folder and a helper that writes specs into it."""

from __future__ import annotations

import os
import tempfile
import textwrap
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("PLACARD_CACHE_DIR", tempfile.mkdtemp(prefix="placard-test-cache-"))

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def spec_dir(tmp_path: Path) -> Path:
    """A folder to write specs and assets into."""
    d = tmp_path / "specs"
    d.mkdir()
    return d


@pytest.fixture
def write_spec(spec_dir: Path):
    """write_spec(text, name="spec.yaml") -> Path: dedents and writes a spec file."""

    def _write(text: str, name: str = "spec.yaml") -> Path:
        p = spec_dir / name
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return p

    return _write


# ---------------------------------------------------------------- optional system parts
# @pytest.mark.system("fonts-noto-cjk", ...) : see tests/sysdeps.py


def pytest_configure(config):
    config.addinivalue_line("markers", "system(*packages): needs these Debian packages (skips without them)")


def pytest_runtest_setup(item):
    from sysdeps import require_system

    for mark in item.iter_markers("system"):
        require_system(*mark.args)
