"""Stopping a campaign: Ctrl-C exits 130 with finished files intact, a kill and a rerun end complete,
and no worker process outlives the run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from ctrl_c import as_in_a_terminal

ROOT = Path(__file__).resolve().parents[2]
LAYOUT = """
canvas: {width: 480, height: 320, dpi: 96}
elements:
  - {type: text, id: title, slot: title, box: {x: 24, y: 24, width: 432, height: 200}, font: {family: Inter, weight: 800, size: auto, max_size: 64, min_size: 12}, color: "#FFFFFF"}
"""
SPEC = """
version: 1
layout: card.yaml
data: rows.csv
name: "card-${id}"
slots: {title: "${title}"}
background: {style: aurora, seed: 5}
outputs: [png]
"""
ROWS = 60


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    (tmp_path / "card.yaml").write_text(LAYOUT, encoding="utf-8")
    (tmp_path / "rows.csv").write_text("id,title\n" + "".join(f"{i},Card number {i}\n" for i in range(1, ROWS + 1)), encoding="utf-8")
    (tmp_path / "cards.yaml").write_text(SPEC, encoding="utf-8")
    return tmp_path


def start(folder: Path) -> subprocess.Popen:
    env = {"PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    return subprocess.Popen([sys.executable, "-m", "composer", "build", "cards.yaml", "-o", "out", "-j", "2"], cwd=folder,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=as_in_a_terminal)


def wait_for_outputs(out: Path, n: int, proc: subprocess.Popen, timeout: float = 240) -> None:
    t0 = time.monotonic()
    while len(list(out.glob("*.report.json"))) < n:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() - t0 < timeout, "the batch made no progress"
        time.sleep(0.05)


def session_processes(sid: int) -> list[int]:
    """Every process still alive in the batch's session (the driver, forkserver, workers)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            pids.append(int(stat.parent.name))
    return pids


def check_complete_files(out: Path) -> int:
    """Every report's files exist and decode; no temporary file is left; returns the variant count."""
    assert not list(out.glob(".*.part")), list(out.glob(".*"))
    reports = list(out.glob("*.report.json"))
    for rep in reports:
        for name in json.loads(rep.read_text(encoding="utf-8"))["outputs"]:
            with Image.open(out / name) as im:
                im.load()
    for png in out.glob("*.png"):
        with Image.open(png) as im:
            im.load()
    return len(reports)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to look for leftover workers")
def test_ctrl_c_exits_130_keeps_finished_files_and_leaves_no_worker(batch):
    proc = start(batch)
    wait_for_outputs(batch / "out", 3, proc)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole foreground group
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    built = check_complete_files(batch / "out")
    assert 3 <= built < ROWS
    manifest = [json.loads(line) for line in (batch / "out" / "cards.manifest.jsonl").read_text().splitlines()]
    assert len(manifest) == built and {m["status"] for m in manifest} == {"built"}
    time.sleep(0.5)
    assert session_processes(proc.pid) == []


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to look for leftover workers")
def test_killed_batch_reruns_to_completion(batch):
    proc = start(batch)
    wait_for_outputs(batch / "out", 4, proc)
    os.kill(proc.pid, signal.SIGKILL)  # only the driver: its workers must not carry on alone
    proc.communicate(timeout=60)
    t0 = time.monotonic()
    while session_processes(proc.pid) and time.monotonic() - t0 < 20:
        time.sleep(0.1)
    assert session_processes(proc.pid) == []
    done_before = len(list((batch / "out").glob("*.report.json")))

    again = start(batch)
    _, err = again.communicate(timeout=600)
    assert again.returncode == 0, err
    summary = next(line for line in err.splitlines() if line.startswith("built "))
    built, unchanged = (int(summary.split(",")[i].split()[-1]) for i in (0, 1))
    assert built + unchanged == ROWS and unchanged >= done_before - 2 and summary.endswith("failed 0")
    assert check_complete_files(batch / "out") == ROWS
