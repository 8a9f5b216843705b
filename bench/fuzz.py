"""A long fuzz run of validate and build over mutated samples and random specs; prints a table.

    python bench/fuzz.py --examples 20000 [--seed 1] [--timeout 10] [--formats svg,png] [--show 5] [--sample quote.yaml]
    python bench/fuzz.py --kind data|svg|template --examples 10000   (inputs below the spec: tests/hostile/fuzz_inputs.py)

Uses the strategies of tests/fuzz_specs.py. Counts examples, Placard errors, successful builds,
failures (exceptions that are not PlacardError, examples over the time limit, files written outside
the output folder) and prints the first few failures with their inputs.
"""

from __future__ import annotations

import argparse
import os
import pprint
import shutil
import signal
import sys
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "hostile")]

from hypothesis import HealthCheck, Phase, given, seed, settings, strategies as st  # noqa: E402

import fuzz_specs as fz  # noqa: E402


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per example before it counts as a hang")
    ap.add_argument("--formats", default="svg,png")
    ap.add_argument("--show", type=int, default=5, help="failures to print with their inputs")
    ap.add_argument("--sample", action="append", help="fuzz only this sample (repeatable; '<infographics>' too)")
    ap.add_argument("--kind", choices=["data", "svg", "template"], help="fuzz data files, SVG assets or templates")
    args = ap.parse_args(argv)
    if args.kind:
        return fuzz_inputs(args)
    formats = tuple(args.formats.split(","))
    root = fz.make_workspace()
    counts: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    stages: Counter[str] = Counter()
    failures: list[tuple[fz.Outcome, object]] = []
    seconds: list[float] = []
    signal.signal(signal.SIGALRM, _alarm)

    names = tuple(args.sample) if args.sample else None
    mutated = fz.fuzzed_specs(names)
    strategy = mutated if names else st.one_of(mutated, mutated, mutated, fz.random_specs().map(lambda d: ("<random>", d)))

    @seed(args.seed)
    @settings(max_examples=args.examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck), derandomize=False)
    @given(strategy, st.sampled_from(formats), st.integers(0, 4))
    def one(named, fmt, mode):
        _name, doc = named
        signal.setitimer(signal.ITIMER_REAL, args.timeout)
        try:
            out = fz.run_example(doc, root, formats=(fmt,), via_file=(mode == 0))
        except _Timeout:
            out = fz.Outcome("slow", f"over {args.timeout:g} s", args.timeout)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        counts[out.kind] += 1
        seconds.append(out.seconds)
        stages[out.stages[-1] if out.stages else "-"] += 1
        if out.kind == "placard":
            errors[out.detail.split(":", 1)[0]] += 1
        if out.kind in ("crash", "slow", "leak"):
            failures.append((out, doc))
            if out.kind == "slow":  # the workspace may hold a half-written output folder
                shutil.rmtree(root / "out", ignore_errors=True)

    t0 = time.perf_counter()
    one()
    wall = time.perf_counter() - t0
    shutil.rmtree(root, ignore_errors=True)
    n = sum(counts.values())
    seconds.sort()
    print(f"\nPlacard fuzz: {n} examples in {wall:.0f} s ({n / max(wall, 1e-9):.1f}/s), formats {','.join(formats)}")
    print(f"{'outcome':<28}{'count':>8}")
    for k in ("ok", "placard", "crash", "slow", "leak"):
        print(f"{k:<28}{counts[k]:>8}")
    print(f"{'  furthest stage passed':<28}")
    for k in ("-", "validate", "build"):
        print(f"{'    ' + k:<28}{stages[k]:>8}")
    print(f"{'  error classes':<28}")
    for k, v in errors.most_common():
        print(f"{'    ' + k:<28}{v:>8}")
    if seconds:
        print(f"{'median s/example':<28}{seconds[len(seconds) // 2]:>8.3f}")
        print(f"{'p99 s/example':<28}{seconds[int(len(seconds) * 0.99)]:>8.3f}")
        print(f"{'max s/example':<28}{seconds[-1]:>8.3f}")
    print(f"{'failures':<28}{len(failures):>8}")
    for out, doc in failures[: args.show]:
        print(f"\n--- {out.kind}: {out.detail}\ninput:")
        try:
            print(pprint.pformat(doc, width=120, compact=True)[:3000])
        except RecursionError:  # a deeply nested input
            print(repr(doc)[:3000])
    return 1 if failures else 0


def fuzz_inputs(args: argparse.Namespace) -> int:
    """Fuzz one kind of input below the spec; print a table of outcomes and the first failures."""
    import tempfile

    import fuzz_inputs as fi

    counts: Counter[str] = Counter()
    failures: list[tuple[str, object]] = []
    seconds: list[float] = []
    signal.signal(signal.SIGALRM, _alarm)
    folder = Path(tempfile.mkdtemp(prefix="placard-fuzz-"))

    @seed(args.seed)
    @settings(max_examples=args.examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(fi.STRATEGIES[args.kind])
    def one(value):
        t0 = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, args.timeout)
        try:
            failure = fi.check(args.kind, value, folder)
        except _Timeout:
            failure = f"over {args.timeout:g} s"
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        seconds.append(time.perf_counter() - t0)
        counts["failure" if failure else "ok or PlacardError"] += 1
        if failure:
            failures.append((failure, value))

    t0 = time.perf_counter()
    one()
    wall = time.perf_counter() - t0
    shutil.rmtree(folder, ignore_errors=True)
    seconds.sort()
    n = sum(counts.values())
    print(f"\nPlacard fuzz ({args.kind}): {n} examples in {wall:.0f} s")
    for k in ("ok or PlacardError", "failure"):
        print(f"{k:<28}{counts[k]:>8}")
    if seconds:
        print(f"{'max s/example':<28}{seconds[-1]:>8.3f}")
    for failure, value in failures[: args.show]:
        print(f"\n--- {failure}\ninput: {value!r:.2000}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
