"""The Ray executor on a local cluster: the same bytes as the local executor, and a clear unreachable error."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pytest

import composer
from composer.core.errors import PlacardError

ROOT = Path(__file__).resolve().parents[2]
REQUIRE = os.environ.get("PLACARD_REQUIRE_SYSTEM_DEPS") == "1"

try:
    import ray
except ImportError:  # the optional extra `.[ray]`
    ray = None
    if REQUIRE:
        raise

needs_ray = pytest.mark.skipif(ray is None, reason="Ray is not installed (pip install 'placard[ray]'); the Ray executor is not tested")


@pytest.fixture(scope="session")
def ray_cluster():
    """One local Ray cluster for the whole pytest run."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@needs_ray
@pytest.mark.slow
def test_ray_outputs_are_byte_identical_to_the_local_executor(ray_cluster, tmp_path):
    spec = ROOT / "samples" / "campaign" / "products.yaml"
    local = {r.name: r for r in composer.build_many(spec, out_dir=tmp_path / "local", jobs=2, select="1-3")}
    remote = {r.name: r for r in composer.build_many(spec, out_dir=tmp_path / "ray", executor="ray", select="1-3")}
    assert sorted(local) == sorted(remote) and len(local) == 9
    assert {r.status for r in remote.values()} == {"built"}
    for name, r in local.items():
        for f in r.files:
            assert (tmp_path / "ray" / f.name).read_bytes() == f.read_bytes(), f.name
    again = {r.status for r in composer.build_many(spec, out_dir=tmp_path / "ray", executor="ray", select="1-3")}
    assert again == {"unchanged"}  # the driver owns the reports, so reruns skip on Ray too
    assert not list((tmp_path / "ray").glob(".*.part"))


@needs_ray
def test_unreachable_ray_address_is_named_within_30_seconds(tmp_path):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    spec = ROOT / "samples" / "campaign" / "products.yaml"
    t0 = time.monotonic()
    with pytest.raises(PlacardError) as e:
        composer.build_many(spec, out_dir=tmp_path / "o", executor="ray", ray_address=f"127.0.0.1:{port}")
    assert time.monotonic() - t0 < 30
    assert str(e.value).startswith(f"cannot reach the Ray cluster at '127.0.0.1:{port}': ")
    assert not (tmp_path / "o").exists()
