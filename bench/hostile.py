"""Build every hostile case (tests/hostile/hostile_cases.py) with the CLI under 2 GB and 30 s; print a table.

    python bench/hostile.py [--class data] [--case json_deep] [--show]

Per case: exit code, seconds and peak RSS; then per class the worst time and RSS. `--show` prints
each case's message. Exit 1 if any case ends other than 0 or 2, or passes the limits.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "hostile")]

from hostile_cases import CLASSES, cleanup, write_case  # noqa: E402
from hostile_run import MEMORY_LIMIT, TIME_LIMIT  # noqa: E402


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--class", dest="cls", action="append", help="only this class (repeatable)")
    ap.add_argument("--case", action="append", help="only this case (repeatable)")
    ap.add_argument("--show", action="store_true", help="print each case's message")
    args = ap.parse_args(argv)
    worst: dict[str, tuple[float, float]] = {}
    bad = 0
    print(f"{'class':<10} {'case':<28} {'exit':>4} {'seconds':>8} {'RSS MB':>8}")
    for cls, cases in CLASSES.items():
        if args.cls and cls not in args.cls:
            continue
        for name in cases:
            if args.case and name not in args.case:
                continue
            with tempfile.TemporaryDirectory() as tmp:
                spec = write_case(cls, name, Path(tmp) / "case")
                # ru_maxrss of children is a running maximum, so each case runs in a fresh helper process.
                import subprocess

                code = (
                    "import sys,json,resource; sys.path[:0]=sys.argv[1:3]; from hostile_run import run_cli;"
                    "from pathlib import Path; o=run_cli(['build',sys.argv[3],'--out',sys.argv[4]],cwd=Path(sys.argv[5]));"
                    "r=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024;"
                    "print(json.dumps([o.code,o.seconds,r,o.stderr]))"
                )
                out = subprocess.run([sys.executable, "-c", code, str(ROOT), str(ROOT / "tests" / "hostile"), str(spec),
                                      str(Path(tmp) / "out"), tmp], capture_output=True, text=True)
                import json

                exit_code, seconds, rss, stderr = json.loads(out.stdout.strip().splitlines()[-1])
                cleanup(Path(tmp) / "case")
            ok = exit_code in (0, 2) and seconds < TIME_LIMIT and rss < MEMORY_LIMIT / 2**20
            bad += not ok
            w = worst.get(cls, (0.0, 0.0))
            worst[cls] = (max(w[0], seconds), max(w[1], rss))
            print(f"{cls:<10} {name:<28} {exit_code:>4} {seconds:>8.1f} {rss:>8.0f}{'' if ok else '  FAIL'}")
            if args.show and stderr.strip():
                print(f"    {stderr.strip()[:300]}")
    print(f"\n{'class':<10} {'worst s':>8} {'worst RSS MB':>13}")
    for cls, (s, r) in worst.items():
        print(f"{cls:<10} {s:>8.1f} {r:>13.0f}")
    print(f"\nlimits: {TIME_LIMIT:.0f} s and {MEMORY_LIMIT // 2**20} MB a case; {bad} case(s) over or ending badly")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
