"""Run the Placard CLI on one hostile case in a subprocess held to 2 GB of address space and 30 s."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MEMORY_LIMIT = 2 * 1024**3
TIME_LIMIT = 30.0


@dataclass
class Outcome:
    """What one run ended with: exit code, stderr, seconds and peak RSS of the child (MB)."""

    code: int
    stderr: str
    seconds: float
    rss_mb: float

    @property
    def lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_cli(args: list[str], cwd: Path, timeout: float = TIME_LIMIT, extra_env: dict | None = None) -> Outcome:
    """`python -m composer ARGS` in cwd under the memory and time limits; a timeout is code -9."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1",
           "OPENBLAS_NUM_THREADS": "1", "XDG_CACHE_HOME": str(cwd / ".cache"), **(extra_env or {})}
    start = time.monotonic()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.Popen([sys.executable, "-m", "composer", *args], cwd=cwd, env=env, preexec_fn=_limit,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, errors="replace")
    try:
        _, err = proc.communicate(timeout=timeout)
        code = proc.returncode
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
        code = -9
    seconds = time.monotonic() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest child so far, in KB
    return Outcome(code, err, seconds, peak / 1024 if peak > before else float("nan"))


def check(outcome: Outcome, name: str) -> None:
    """Exit 0, or exit 2 with exactly one `error:` line; never an internal error, a kill or a timeout."""
    assert outcome.code in (0, 2), f"{name}: exit {outcome.code} after {outcome.seconds:.1f}s: {outcome.stderr[-600:]}"
    if outcome.code == 2:
        errors = [line for line in outcome.lines if line.startswith("error:")]
        assert len(errors) == 1 and len(outcome.lines) == 1, f"{name}: {outcome.stderr[-600:]}"
        assert len(errors[0]) < 400, f"{name}: message of {len(errors[0])} characters"
