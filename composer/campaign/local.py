"""The local executor: variants built in worker processes on this machine.

Composition runs in `-j N` processes started by forkserver (spawn where there is none): each
imports composer once and builds many variants. A campaign that paints with diffusion runs in
one worker per GPU instead, each loading the model once and fed by the same job queue; rasters
for identical prompts and seeds are shared through generator/cache.py. Workers ignore Ctrl-C:
the driver stops handing out work, lets each worker finish the variant it is writing, then stops
them, so no file is left half-written and no worker outlives the run.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import signal
import subprocess
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Iterable, Iterator

from composer.campaign.variants import Campaign
from composer.campaign.worker import Job, Outcome, failure, run_job

_STATE: dict[str, Any] = {}


def uses_diffusion(camp: Campaign) -> bool:
    """Whether the campaign paints with a diffusion model (then it runs on the GPU workers)."""
    bg = given_bg if isinstance(given_bg := camp.raw.get("background"), dict) else {}
    if bg.get("generator") == "diffusion" or (camp.options is not None and camp.options.model):
        return True
    els = given_els if isinstance(given_els := camp.raw.get("elements"), list) else []
    return any(isinstance(e, dict) and e.get("generator") == "diffusion" for e in els)


def gpu_ids() -> list[str]:
    """The GPUs to run one diffusion worker each on (without importing torch)."""
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is not None:
        return [g for g in visible.split(",") if g.strip() and g.strip() != "-1"]
    if shutil.which("nvidia-smi"):
        try:
            out = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True, timeout=10).stdout
            return [str(i) for i, line in enumerate(out.splitlines()) if line.startswith("GPU ")]
        except (OSError, subprocess.SubprocessError):
            pass
    return []


def _alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie (a killed driver is one until reaped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel
        try:
            os.kill(pid, 0)
            return True
        except ProcessLookupError:
            return False


def _watch(driver: int) -> None:
    # A forkserver worker's parent is the forkserver, which itself lives as long as its workers, so
    # neither notices a driver killed with SIGKILL: each worker watches the driver and ends with it.
    while _alive(driver):
        time.sleep(0.5)
    os._exit(1)


def _init(camp: Campaign, out_dir: str, force: bool, gpus: Any, driver: int) -> None:
    """Worker start-up: ignore Ctrl-C (the driver decides), end with the driver, pin one GPU."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch, args=(driver,), daemon=True, name="placard-driver-watch").start()
    if gpus is not None:
        try:
            os.environ["CUDA_VISIBLE_DEVICES"] = gpus.get_nowait()
        except Exception:  # more workers than GPUs cannot happen; stay on the default device if it does
            pass
    _STATE.update(camp=camp, out_dir=Path(out_dir), force=force)


def _run(job: Job) -> Outcome:
    return run_job(_STATE["camp"], job, _STATE["out_dir"], _STATE["force"])


def run_local(camp: Campaign, jobs: Iterable[Job], out_dir: Path, force: bool, n_jobs: int,
              leftovers: list[Outcome] | None = None) -> Iterator[Outcome]:
    """Yield each job's outcome as it finishes, using n_jobs worker processes (in-process for 1).

    When the run is stopped early, variants the workers were already writing still finish; their
    outcomes go to `leftovers` so the manifest records them.
    """
    gpus = gpu_ids() if uses_diffusion(camp) else None
    workers = max(1, len(gpus)) if gpus is not None else n_jobs
    if not _main_importable():  # workers re-import __main__; a script piped on stdin cannot be
        workers, gpus = 1, None
    if workers == 1 and not gpus:
        for job in jobs:  # one worker: this process is it (the model, when any, loads once here too)
            yield run_job(camp, job, out_dir, force)
        return
    yield from _pool(camp, iter(jobs), out_dir, force, workers, gpus, leftovers if leftovers is not None else [])


def _main_importable() -> bool:
    """Whether worker processes can re-create __main__ (not when it was read from stdin)."""
    import sys

    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    return getattr(getattr(main, "__spec__", None), "name", None) is not None or path is None or os.path.isfile(path)


def _context() -> Any:
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["composer.pipeline", "composer.campaign.worker"])
        return ctx
    return mp.get_context("spawn")


def _pool(camp: Campaign, jobs: Iterator[Job], out_dir: Path, force: bool, workers: int, gpus: list[str] | None,
          leftovers: list[Outcome]) -> Iterator[Outcome]:
    ctx = _context()

    def start() -> ProcessPoolExecutor:
        queue = None
        if gpus:
            queue = ctx.Queue()
            for g in gpus:
                queue.put(g)
        return ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init, initargs=(camp, str(out_dir), force, queue, os.getpid()))

    pool: ProcessPoolExecutor | None = None  # started on the first variant that needs building
    pending: dict[Future, Job] = {}
    window = workers * 2  # bounded: a million rows never sit in memory as queued jobs
    try:
        while True:
            while len(pending) < window:
                job = next(jobs, None)
                if job is None:
                    break
                if not force and job.error is None and (out_dir / f"{job.name}.report.json").is_file():
                    # cheaper here than in a worker: a rerun with nothing changed starts no process
                    known = run_job(camp, job, out_dir, force, check_only=True)
                    if known is not None:
                        yield known
                        continue
                pool = pool or start()
                pending[pool.submit(_run, job)] = job
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            broken = False
            for fut in done:
                job = pending.pop(fut)
                try:
                    yield fut.result()
                except BrokenProcessPool:
                    broken = True
                    out = Outcome(job.row, job.size, job.name, "failed")
                    out.error = failure(camp, job, "the worker process building it died (out of memory?)", None)
                    yield out
            if broken:  # the pool is unusable: resubmit what was waiting to a fresh one
                assert pool is not None  # a future broke, so the pool had started
                pool.shutdown(wait=True, cancel_futures=True)
                pool = start()
                waiting = list(pending.values())
                pending = {pool.submit(_run, j): j for j in waiting}
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        for fut in pending:
            if not fut.cancelled() and fut.exception() is None:
                leftovers.append(fut.result())
