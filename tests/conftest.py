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
# A test that needs a Debian package says so with @pytest.mark.system("fonts-noto-cjk", ...). Without
# the part it skips with one line naming the package, unless PLACARD_REQUIRE_SYSTEM_DEPS=1 (CI), where
# a missing part fails the test instead.

def _fc_has(family: str) -> bool:
    import shutil
    import subprocess

    if shutil.which("fc-list") is None:
        return False
    out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=False).stdout
    return family.lower() in out.lower()


def _which(*names: str) -> bool:
    import shutil

    return all(shutil.which(n) for n in names)


SYSTEM_PARTS = {  # Debian package -> how to tell it is installed
    "fonts-noto-cjk": lambda: _fc_has("Noto Sans CJK"),
    "fonts-symbola": lambda: _fc_has("Symbola"),
    "tesseract-ocr": lambda: _which("tesseract"),
    "poppler-utils": lambda: _which("pdftoppm", "pdfinfo"),
    "chromium": lambda: _which("chromium"),
    "unicode-data": lambda: Path("/usr/share/unicode/BidiCharacterTest.txt").is_file(),
}
_PRESENT: dict[str, bool] = {}


def missing_system_parts(*packages: str) -> list[str]:
    """The Debian packages among `packages` that this machine lacks."""
    for pkg in packages:
        if pkg not in _PRESENT:
            _PRESENT[pkg] = SYSTEM_PARTS[pkg]()
    return [p for p in packages if not _PRESENT[p]]


def require_system(*packages: str) -> None:
    """Skip (or, under PLACARD_REQUIRE_SYSTEM_DEPS=1, fail) unless every package is installed."""
    missing = missing_system_parts(*packages)
    if not missing:
        return
    line = f"needs the Debian package{'s' if len(missing) > 1 else ''} {', '.join(missing)} (apt-get install {' '.join(missing)})"
    if os.environ.get("PLACARD_REQUIRE_SYSTEM_DEPS") == "1":
        pytest.fail(line + "; PLACARD_REQUIRE_SYSTEM_DEPS=1 makes this a failure", pytrace=False)
    pytest.skip(line)


def pytest_configure(config):
    config.addinivalue_line("markers", "system(*packages): needs these Debian packages (skips without them)")


def pytest_runtest_setup(item):
    for mark in item.iter_markers("system"):
        require_system(*mark.args)
