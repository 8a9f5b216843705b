"""Campaigns: one design, many data rows, several sizes (`data:`, `name:`, `sizes:`, `${column}`).

    data.py        streaming CSV / JSON / JSONL readers with limits
    substitute.py  `${column}` placeholders, inserted literally
    variants.py    the campaign template, sizes, names, each variant's spec
    worker.py      one variant: hash every input, skip if unchanged, build, write atomically
    local.py       worker processes on this machine (the default executor)
    ray_exec.py    Ray tasks and GPU actors (`--executor ray`, optional)
    run.py         build_many: plan, run, manifest
    cli.py         the `build` flags
"""

from __future__ import annotations

__all__ = ["VariantResult", "build_many"]


def __getattr__(name: str):
    if name in __all__:  # imported on use: `build --help` stays fast
        from composer.campaign import run

        return getattr(run, name)
    raise AttributeError(name)
