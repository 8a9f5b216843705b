"""System dependencies for tests: skip with the Debian package to install, or fail under CI's strict mode.

`require_font("Noto Sans CJK JP", "fonts-noto-cjk")` skips the calling test with one line naming
the package when fontconfig lacks the family; with PLACARD_REQUIRE_SYSTEM_DEPS=1 it fails instead,
so CI cannot pass by skipping.
"""

from __future__ import annotations

import os

import pytest

from composer.text.fonts import fontconfig_entries


def _missing(what: str, debian_package: str) -> None:
    msg = f"{what} is not installed: apt-get install -y {debian_package}"
    if os.environ.get("PLACARD_REQUIRE_SYSTEM_DEPS") == "1":
        pytest.fail(msg + " (PLACARD_REQUIRE_SYSTEM_DEPS=1)", pytrace=False)
    pytest.skip(msg)


def has_font(family: str) -> bool:
    """Whether fontconfig knows a family (case and spaces ignored)."""
    want = family.replace(" ", "").lower()
    return any(e.family.replace(" ", "").lower() == want for e in fontconfig_entries())


def require_font(family: str, debian_package: str) -> None:
    """Skip (or fail with PLACARD_REQUIRE_SYSTEM_DEPS=1) unless fontconfig has `family`."""
    if not has_font(family):
        _missing(f"font family '{family}'", debian_package)


def require_file(path: str, debian_package: str) -> None:
    """Skip (or fail with PLACARD_REQUIRE_SYSTEM_DEPS=1) unless a file a Debian package installs exists."""
    if not os.path.exists(path):
        _missing(path, debian_package)
