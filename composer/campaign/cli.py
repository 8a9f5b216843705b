"""`python -m composer build` for campaign specs (`data:`, `sizes:` or any campaign flag)."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from typing import Any

from composer.core.errors import PlacardError

FLAGS = ("data", "rows", "sizes", "jobs", "executor", "ray_address", "force")


def add_arguments(b: argparse.ArgumentParser) -> None:
    """The campaign flags of `build`."""
    g = b.add_argument_group("campaigns (one design, many rows, several sizes)")
    g.add_argument("--data", metavar="FILE", help="CSV, JSON or JSONL rows (overrides the spec's data:)")
    g.add_argument("--rows", metavar="LIST", help="only these rows, e.g. 1-20,35 (1 = the first data row)")
    g.add_argument("--sizes", metavar="LIST", help="layout presets, e.g. social/post,social/story (overrides sizes:)")
    g.add_argument("-j", "--jobs", metavar="N", help="worker processes (default: the CPU count)")
    g.add_argument("--executor", choices=["local", "ray"], help="where variants are built (default: local)")
    g.add_argument("--ray-address", metavar="ADDR", help="Ray cluster to join (default: RAY_ADDRESS, else a local one)")
    g.add_argument("--force", action="store_true", help="rebuild variants even when nothing changed")


def is_campaign(spec: str, args: argparse.Namespace) -> bool:
    """A campaign flag was given, or the spec has `data:` or `sizes:`."""
    if any(getattr(args, f, None) not in (None, False) for f in FLAGS):
        return True
    from composer.spec.yamlload import load_yaml_file

    try:
        data, _ = load_yaml_file(Path(spec), display=spec)
    except PlacardError:
        return False  # the ordinary build reports it
    return isinstance(data, dict) and ("data" in data or "sizes" in data)


def parse_jobs(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        n = int(value)
    except ValueError:
        n = None
    if n is None or n < 1:
        raise PlacardError(f"invalid value for '-j': {value!r}; allowed: a whole number of worker processes, 1 or more")
    return n


def run(spec: str, args: argparse.Namespace, options: Any) -> int:
    """Build one campaign spec; prints `built N, unchanged M, failed K` and each failure; 0 or 2."""
    from composer.campaign.run import build_many

    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()] if args.sizes else None
    counts = {"built": 0, "unchanged": 0, "failed": 0}
    failures: list[str] = []
    seen: set[str] = set()
    previous = signal.getsignal(signal.SIGTERM)

    def terminate(signum: int, frame: Any) -> None:  # `kill` stops as cleanly as Ctrl-C
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    try:
        results = build_many(spec, args.data, sizes=sizes, out_dir=args.out, jobs=parse_jobs(args.jobs),
                             executor=args.executor or "local", progress=sys.stderr.isatty(), force=args.force,
                             strict=getattr(args, "strict", False),
                             select=args.rows, ray_address=args.ray_address, options=options)
        for r in results:
            counts[r.status] += 1
            if r.error:
                failures.append(r.error)
            for w in r.warnings:
                line = f"warning: {w}"
                if line not in seen:  # once per campaign, not once per row (each report keeps its own)
                    seen.add(line)
                    print(line, file=sys.stderr)
    except KeyboardInterrupt:
        _summary(counts, failures)
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)
    _summary(counts, failures)
    return 2 if counts["failed"] else 0


def _summary(counts: dict[str, int], failures: list[str]) -> None:
    print(f"built {counts['built']}, unchanged {counts['unchanged']}, failed {counts['failed']}", file=sys.stderr)
    for f in failures:
        print(f, file=sys.stderr)


def validate(spec: str, allow_dirs: tuple = (), strict: bool = False) -> int:
    """Check a campaign without rendering: data, columns, sizes, names, and every size's spec for the first row.

    The warnings found on the way are printed; with `strict` they are an error (StrictError).
    """
    from composer.core.warnings import StrictError

    from composer.campaign.run import jobs_for, plan
    from composer.campaign.variants import make_variant
    from composer.pipeline import BuildOptions

    p = plan(spec, options=BuildOptions(allow_dirs=allow_dirs))
    first: dict = {}
    for job in jobs_for(p.camp, p.rows, None):
        if job.error is None and job.size not in first:
            first[job.size] = job
        if len(first) == len(p.camp.sizes):
            break
    found = []
    for job in first.values():
        found += [w for w in make_variant(p.camp, job.row, job.values, job.size, job.name).warnings if w not in found]
    if strict and found:
        raise StrictError(found)
    for w in found:
        print(f"warning: {w}", file=sys.stderr)
    return p.total
