"""Every hostile case ends in exit 0 or exit 2 with one line, within 2 GB and 30 s (issue 16)."""

from __future__ import annotations

import pytest
from hostile_cases import CLASSES, cleanup, write_case
from hostile_run import check, run_cli

CASES = [(cls, name) for cls, cases in CLASSES.items() for name in cases]


@pytest.mark.slow
@pytest.mark.parametrize(("cls", "name"), CASES, ids=[f"{c}-{n}" for c, n in CASES])
def test_hostile_case_ends_cleanly(tmp_path, cls, name):
    spec = write_case(cls, name, tmp_path / "case")
    try:
        outcome = run_cli(["build", str(spec), "--out", str(tmp_path / "out")], cwd=tmp_path)
    finally:
        cleanup(tmp_path / "case")
    check(outcome, f"{cls}/{name}")
