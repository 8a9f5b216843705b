"""Optional system parts for tests: skip with the Debian package to install, or fail under CI's strict mode.

A test says what it needs with `@pytest.mark.system("fonts-noto-cjk")`, or calls
`require_system(...)` / `require_font(family, package)`. Without the part it skips with one line naming
the package; with PLACARD_REQUIRE_SYSTEM_DEPS=1 (set by .ci/run) it fails, so CI cannot pass by skipping.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


def _missing(what: str, debian_package: str) -> None:
    msg = f"{what} is not installed: apt-get install -y {debian_package}"
    if os.environ.get("PLACARD_REQUIRE_SYSTEM_DEPS") == "1":
        pytest.fail(msg + " (PLACARD_REQUIRE_SYSTEM_DEPS=1)", pytrace=False)
    pytest.skip(msg, allow_module_level=True)


def has_font(family: str) -> bool:
    """Whether fontconfig knows a family (case and spaces ignored)."""
    from composer.text.fonts import fontconfig_entries

    want = family.replace(" ", "").lower()
    return any(e.family.replace(" ", "").lower() == want for e in fontconfig_entries())


def _tesseract_langs() -> bool:
    if shutil.which("tesseract") is None:
        return False
    try:
        import pytesseract

        return {"eng", "fra", "deu"} <= set(pytesseract.get_languages())
    except Exception:  # pytesseract missing or tesseract unusable: the part is not there
        return False


SYSTEM_PARTS = {  # Debian package -> how to tell it is installed
    "fonts-noto-cjk": lambda: has_font("Noto Sans CJK JP"),
    "fonts-symbola": lambda: has_font("Symbola"),
    "tesseract-ocr": lambda: shutil.which("tesseract") is not None,
    "tesseract-ocr-fra tesseract-ocr-deu": _tesseract_langs,
    "poppler-utils": lambda: shutil.which("pdftoppm") is not None and shutil.which("pdfinfo") is not None,
    "chromium": lambda: shutil.which("chromium") is not None,
    "unicode-data": lambda: Path("/usr/share/unicode/BidiCharacterTest.txt").is_file(),
}
_PRESENT: dict[str, bool] = {}


def require_system(*packages: str) -> None:
    """Skip (or fail under PLACARD_REQUIRE_SYSTEM_DEPS=1) unless every Debian package is installed."""
    for pkg in packages:
        if pkg not in _PRESENT:
            _PRESENT[pkg] = SYSTEM_PARTS[pkg]()
    missing = [p for p in packages if not _PRESENT[p]]
    if missing:
        _missing("a part this test needs", " ".join(missing))


def require_font(family: str, debian_package: str) -> None:
    """Skip (or fail with PLACARD_REQUIRE_SYSTEM_DEPS=1) unless fontconfig has `family`."""
    if not has_font(family):
        _missing(f"font family '{family}'", debian_package)


def require_file(path: str, debian_package: str) -> None:
    """Skip (or fail with PLACARD_REQUIRE_SYSTEM_DEPS=1) unless a file a Debian package installs exists."""
    if not os.path.exists(path):
        _missing(path, debian_package)
