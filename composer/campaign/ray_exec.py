"""The Ray executor (`--executor ray`, the optional extra `.[ray]`): the same batch on a cluster.

Composition runs as Ray tasks; a campaign that paints with diffusion runs on an actor pool, one
actor per GPU (`num_gpus=1`), each loading the model once. Tasks return the encoded files to the
driver, which writes them atomically into OUT_DIR with the same code as the local executor: the
output folder never has to be shared, and the bytes are the local executor's bytes. The driver
also decides what is unchanged (it owns the reports), so workers need no access to OUT_DIR.

Each worker node needs what the spec reads, at the same absolute paths: the spec folder (assets,
data is read by the driver), the brand folder and its fonts, and for diffusion the model in the
local Hugging Face cache. Nothing in this module is imported unless `--executor ray` is asked for.
"""

from __future__ import annotations

import itertools
import os
import socket
from pathlib import Path
from typing import Any, Iterable, Iterator
from urllib.parse import urlsplit

from composer.campaign.local import uses_diffusion
from composer.campaign.variants import Campaign
from composer.campaign.worker import Job, Outcome, failure, run_job, unchanged_files
from composer.core.errors import PlacardError

CONNECT_TIMEOUT_S = 10


def probe(address: str) -> None:
    """Fail fast, naming the address, when nothing answers there (ray.init can wait for minutes)."""
    parts = urlsplit(address if "://" in address else f"gcs://{address}")
    default = 10001 if parts.scheme == "ray" else 6379
    try:
        host, port = parts.hostname, parts.port or default
    except ValueError:
        raise PlacardError(f"invalid Ray address {address!r}; allowed: HOST:PORT or ray://HOST:PORT") from None
    if not host:
        raise PlacardError(f"invalid Ray address {address!r}; allowed: HOST:PORT or ray://HOST:PORT")
    try:
        socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S).close()
    except OSError as e:
        raise PlacardError(f"cannot reach the Ray cluster at {address!r}: {e.strerror or e}; "
                           "check --ray-address or RAY_ADDRESS") from None


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise PlacardError("--executor ray needs Ray; install it with: pip install 'placard[ray]'") from None
    return ray


def _task(camp: Campaign, job: Job, force: bool) -> Outcome:
    return run_job(camp, job, Path("."), force, write=False)


class _Builder:
    """A diffusion actor: holds the model (loaded on its first variant) and builds many."""

    def __init__(self, camp: Campaign, force: bool):
        self.camp, self.force = camp, force

    def build(self, job: Job) -> Outcome:
        return run_job(self.camp, job, Path("."), self.force, write=False)


class RayRunner:
    """Connects to Ray (an address, RAY_ADDRESS, or a local cluster) and runs jobs as tasks."""

    def __init__(self, address: str | None = None):
        self.ray = ray = _ray()
        self.address = address or os.environ.get("RAY_ADDRESS") or None
        self.started = False
        if self.address and self.address not in ("auto", "local"):
            probe(self.address)
        if ray.is_initialized():  # a program (or test session) that already joined a cluster
            return
        try:
            if self.address:
                ray.init(address=self.address, log_to_driver=False)
            else:
                ray.init(include_dashboard=False, log_to_driver=False)
        except (ConnectionError, RuntimeError, TimeoutError) as e:
            where = f"at {self.address!r}" if self.address else "on this machine"
            raise PlacardError(f"cannot start or join the Ray cluster {where}: {e}") from None
        self.started = True

    def run(self, camp: Campaign, jobs: Iterable[Job], out_dir: Path, force: bool) -> Iterator[Outcome]:
        """Yield outcomes as tasks finish; the caller writes each outcome's payload."""
        ray = self.ray
        camp_ref = ray.put(camp)
        gpu = uses_diffusion(camp)
        if gpu:
            n_gpus = int(ray.cluster_resources().get("GPU", 0))
            actor = ray.remote(num_gpus=1 if n_gpus else 0)(_Builder)
            actors = [actor.remote(camp_ref, force) for _ in range(max(1, n_gpus))]
            turn = itertools.cycle(actors)
            submit = (lambda job: next(turn).build.remote(job))
            window = 2 * len(actors)
        else:
            task = ray.remote(num_cpus=1)(_task)
            submit = (lambda job: task.remote(camp_ref, job, force))
            window = 4 * max(1, int(ray.cluster_resources().get("CPU", 1)))
        pending: dict[Any, Job] = {}
        it = iter(jobs)
        try:
            while True:
                while len(pending) < window:
                    job = next(it, None)
                    if job is None:
                        break
                    if not force:
                        job.known = unchanged_files(out_dir, job.name)
                    pending[submit(job)] = job
                if not pending:
                    return
                done, _ = ray.wait(list(pending), num_returns=1)
                for ref in done:
                    job = pending.pop(ref)
                    try:
                        yield ray.get(ref)
                    except ray.exceptions.RayError as e:
                        out = Outcome(job.row, job.size, job.name, "failed")
                        out.error = failure(camp, job, f"the Ray task failed: {type(e).__name__}: {e}", None)
                        yield out
        finally:
            for ref in pending:
                try:
                    ray.cancel(ref, force=not gpu)  # actor tasks cannot be force-cancelled
                except Exception:  # already finished or gone: nothing to stop
                    pass
            if self.started:
                ray.shutdown()
