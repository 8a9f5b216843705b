"""Property-based fuzzing: mutated samples and random specs raise only PlacardError, and write only to out/.

The strategies live in fuzz_specs.py; bench/fuzz.py runs the same ones for much longer.
"""

from __future__ import annotations

import shutil

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import fuzz_specs as fz  # noqa: E402

FAST = settings(deadline=5000, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


SKIP = ("__pycache__", ".hypothesis", ".pytest_cache", ".cache-not-used")


def _repo_files() -> set[str]:
    return {str(p) for p in fz.ROOT.rglob("*") if not any(part in SKIP for part in p.parts)}


@pytest.fixture(scope="module")
def workspace():
    """The fuzz workspace; on teardown, checks that no example wrote into the repository."""
    before = _repo_files()
    root = fz.make_workspace()
    yield root
    shutil.rmtree(root, ignore_errors=True)
    assert _repo_files() == before


def check(outcome: fz.Outcome) -> None:
    assert outcome.kind in ("ok", "placard"), f"{outcome.kind}: {outcome.detail}"


def test_every_sample_is_fuzzed():
    assert len(fz.sample_docs()) == len(list(fz.SAMPLES.glob("*.yaml"))) + 2 >= 10  # + infographics, stacks


@settings(FAST, max_examples=2000)
@given(fz.fuzzed_specs())
def test_validate_mutated_samples(workspace, named):
    check(fz.run_example(named[1], workspace, build=False))


@settings(FAST, max_examples=400)
@given(fz.random_specs())
def test_validate_random_specs(workspace, doc):
    check(fz.run_example(doc, workspace, build=False))


@settings(FAST, max_examples=300)
@given(fz.fuzzed_specs(), st.sampled_from([("svg",), ("png",)]))
def test_build_mutated_samples(workspace, named, formats):
    check(fz.run_example(named[1], workspace, formats=formats))


@settings(FAST, max_examples=60)
@given(fz.fuzzed_specs())
def test_build_mutated_samples_from_a_file(workspace, named):
    check(fz.run_example(named[1], workspace, via_file=True))


@settings(FAST, max_examples=60)
@given(fz.random_specs(), st.sampled_from([("svg",), ("png",)]))
def test_build_random_specs(workspace, doc, formats):
    check(fz.run_example(doc, workspace, formats=formats))


SYSTEM_SAMPLES = {"multilingual.yaml"}  # needs Noto Sans CJK from fontconfig


def _build_small(workspace, names) -> None:
    for name, doc in fz.sample_docs().items():
        if name not in names:
            continue
        small = {**doc, "canvas": {"width": 300, "height": 360, "bleed": 0}, "background": {"style": "flat"}}
        out = fz.run_example(small, workspace)
        assert out.kind == "ok" and out.stages[-1] == "build", (name, out.detail)


def test_unmutated_samples_build_at_a_small_size(workspace):
    """The strategies' starting points are sound: every sample builds once its canvas is shrunk."""
    _build_small(workspace, set(fz.sample_docs()) - SYSTEM_SAMPLES)


@pytest.mark.system("fonts-noto-cjk")
def test_the_multilingual_sample_builds_at_a_small_size(workspace):
    _build_small(workspace, SYSTEM_SAMPLES)


def test_a_leak_is_detected(workspace):
    """The harness itself: a file written beside the output folder is reported."""
    import composer.pipeline as outputs  # the pipeline writes every file through its write_atomic

    real = outputs.write_atomic

    def sneaky(path, data):
        real(path.parent.parent / "specs" / "leaked.txt", b"x")
        real(path, data)

    outputs.write_atomic = sneaky
    try:
        out = fz.run_example(fz.sample_docs()["quote.yaml"] | {"canvas": {"width": 100, "height": 100}}, workspace)
    finally:
        outputs.write_atomic = real
        (workspace / "specs" / "leaked.txt").unlink(missing_ok=True)
    assert out.kind == "leak" and "leaked.txt" in out.detail
