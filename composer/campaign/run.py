"""`build_many`: plan a campaign, run its variants on an executor, keep the manifest.

    plan        read the spec, check sizes, columns and names (nothing is built if any is wrong)
    jobs        stream the rows again, one Job per (row, size)
    executor    in-process (-j 1), a pool of worker processes (local), or Ray tasks (ray)
    results     yielded as each variant finishes; the manifest gets one JSON line per variant
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from composer.campaign import data as datamod
from composer.campaign import substitute as sub
from composer.campaign.variants import Campaign, Variant, from_spec, make_variant, sanitise
from composer.campaign.worker import Job, Outcome, clean_temporaries
from composer.core.errors import DataError, Location, PlacardError, SpecError
from composer.core.warnings import Warning

EXECUTORS = ("local", "ray")


@dataclass(frozen=True)
class VariantResult:
    """One finished variant: its row (1 = first data row), size preset, name, status, files, warnings, error."""

    row: int | None
    size: str | None
    name: str
    status: str  # built | unchanged | failed
    files: list[Path] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)  # composer.core.warnings.Warning: the variant's and its build's
    error: str | None = None


@dataclass
class Plan:
    """A checked campaign: the template, where rows come from, which rows, and how many variants."""

    camp: Campaign
    rows: Any  # a data file Path, a list of dicts, or None (no data)
    selection: set[int] | None
    total: int
    out_dir: Path


def parse_rows(text: str) -> set[int]:
    """`1-20,35` as a set of row numbers (1 = the first data row)."""
    out: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        try:
            if "-" in part:
                a, b = (int(x) for x in part.split("-", 1))
                if a < 1 or b < a or b - a > 100_000_000:
                    raise ValueError
                out.update(range(a, b + 1))
            elif part:
                n = int(part)
                if n < 1:
                    raise ValueError
                out.add(n)
        except ValueError:
            raise PlacardError(f"invalid value for '--rows': {part!r}; allowed: row numbers from 1 and ranges, such as 1-20,35") from None
    if not out:
        raise PlacardError("invalid value for '--rows': no rows given; allowed: such as 1-20,35")
    return out


def check_jobs(jobs: int | None) -> int:
    """The number of worker processes: `jobs`, or the CPU count."""
    if jobs is None:
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise PlacardError(f"invalid value for '-j': {jobs!r}; allowed: a whole number of worker processes, 1 or more")
    return jobs


def plan(spec: str | Path | dict, rows: Any = None, *, sizes: list[str] | None = None, out_dir: str | Path = "out",
         options: Any = None, strict: bool = False, select: Any = None, select_name: str = "'--rows'") -> Plan:
    """Check everything a campaign needs before building anything; PlacardError on any mistake."""
    if not isinstance(spec, (str, os.PathLike, dict)):
        raise PlacardError(f"a campaign spec is a file path or a dict, got {type(spec).__name__}")
    path = Path("<spec>") if isinstance(spec, dict) else Path(spec)
    camp, data_value = from_spec(spec if isinstance(spec, dict) else path, "<spec>" if isinstance(spec, dict) else str(spec),
                                 sizes=sizes, options=options, strict=strict)
    source: Any = None
    if rows is None and data_value is not None:
        from composer.core.paths import resolve_path

        allowed = tuple(options.allow_dirs) if options is not None else ()
        loc = camp.positions.locate(("data",))
        p = resolve_path(data_value, camp.base_dir, allowed, field="data", location=loc)
        source, camp.data_display = p, os.path.normpath(os.path.join(path.parent, data_value)) if not isinstance(spec, dict) else data_value
    elif isinstance(rows, (str, os.PathLike)):
        source, camp.data_display = Path(rows), str(rows)
    elif rows is not None:
        source, camp.data_display = list(rows), "<rows>"
    if isinstance(source, Path):
        datamod.data_format(source)
        assert camp.data_display is not None  # set with source above
        datamod.check_file(source, camp.data_display)
        _check_columns(camp, datamod.columns(source, camp.data_display))
    selection = parse_rows(select) if isinstance(select, str) else (set(select) if select is not None else None)
    total = _check_names(camp, source, selection, select_name)
    return Plan(camp, source, selection, total, Path(out_dir))


def one_variant(spec: str | Path, row: int | None = None, size: str | None = None, *, options: Any = None) -> Variant:
    """One variant of a campaign spec, loaded and validated but not built (the live preview shows it).

    `row` is a data row number (1 = the first; default 1), `size` a preset of the spec's `sizes:`
    (default: the spec's own layout). A row the data does not have, a bad row or a missing column
    is a PlacardError naming the file and row, as in a campaign build.
    """
    want = 1 if row is None else row
    if want < 1:
        raise DataError(f"invalid value for row: {want}; the rows are numbered from 1")
    p = plan(spec, sizes=[size] if size is not None else None, options=options, select=[want], select_name="row")
    if p.rows is None:
        if row is not None:
            raise SpecError(f"row {row}: this campaign spec has no data file")
        chosen = datamod.Row(0, None, {})
    else:
        found = next((r for r in iter_rows(p.rows, p.camp.data_display) if r.number == want), None)
        if found is None:  # plan() has refused a row past the last already
            raise DataError(f"{p.camp.data_display}: no row {want}")
        chosen = found
    number = chosen.number or None
    job = _job(p.camp, chosen, number, size)
    if job.error is not None:
        where = chosen.where(p.camp.data_display or "<rows>")
        raise DataError(f"{where}: " + (f"{job.column}: " if job.column else "") + job.error)
    try:
        return make_variant(p.camp, number, chosen.values, size, job.name)
    except sub.MissingColumn as e:
        raise DataError(f"{chosen.where(p.camp.data_display or '<rows>')}: {e}") from None


def _placeholders(camp: Campaign) -> list[tuple[tuple, str]]:
    found: list[tuple[tuple, str]] = []

    def visit(node: Any, path: tuple) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                visit(v, path + (k,))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                visit(v, path + (i,))
        elif isinstance(node, str) and "$" in node:
            try:
                found.extend((path, n) for n in sub.names(node))
            except SpecError as e:
                raise SpecError(e.message, location=camp.positions.locate(path), path=_fmt(path)) from None

    visit(camp.raw, ())
    if camp.name_template:
        visit(camp.name_template, ("name",))
    return found


def _fmt(path: tuple) -> str:
    from composer.spec.yamlload import format_path

    return format_path(path)


def _check_columns(camp: Campaign, header: list[str] | None) -> None:
    """Every placeholder names a CSV column (JSON rows are checked row by row)."""
    used = _placeholders(camp)
    if header is None:
        return
    for path, name in used:
        if name not in header and name not in ("row", "size"):
            err = sub.MissingColumn(name, header)
            raise DataError(f"{err} (in {camp.data_display})", location=camp.positions.locate(path), path=_fmt(path))


def iter_rows(source: Any, display: str | None) -> Iterator[datamod.Row]:
    """Stream the rows of a data file or a list of dicts; one empty row without data."""
    if source is None:
        yield datamod.Row(0, None, {})
    elif isinstance(source, Path):
        yield from datamod.read_rows(source, display or str(source))
    else:
        yield from datamod.iter_dicts(source)


def jobs_for(camp: Campaign, source: Any, selection: set[int] | None) -> Iterator[Job]:
    """One Job per selected (row, size), in data order."""
    for r in iter_rows(source, camp.data_display):
        number = r.number or None
        if selection is not None and number not in selection:
            continue
        for size in camp.sizes:
            yield _job(camp, r, number, size)


def _job(camp: Campaign, r: datamod.Row, number: int | None, size: str | None) -> Job:
    if r.error is not None:
        return Job(number, r.line, {}, size, _default_name(camp, number, size), r.error, r.column)
    try:
        name = camp.variant_name(number, r.values, size)
    except sub.MissingColumn as e:
        return Job(number, r.line, r.values, size, _default_name(camp, number, size), str(e), None)
    except PlacardError as e:
        return Job(number, r.line, r.values, size, _default_name(camp, number, size), e.message, "name")
    return Job(number, r.line, r.values, size, name)


def _default_name(camp: Campaign, number: int | None, size: str | None) -> str:
    parts = [camp.spec_name] + ([str(number)] if number is not None else []) + [camp.short(size)]
    return sanitise("-".join(parts))


def _check_names(camp: Campaign, source: Any, selection: set[int] | None, select_name: str = "'--rows'") -> int:
    """Refuse two variants with the same name before anything is built; returns the variant count."""
    seen: set[int] = set()  # 64-bit hashes keep a million names in a few tens of MB
    total = last = 0
    for r in iter_rows(source, camp.data_display):
        last = r.number
        if selection is not None and r.number not in selection:
            continue
        for size in camp.sizes:
            job = _job(camp, r, r.number or None, size)
            total += 1
            key = hash(job.name.casefold())
            if key in seen:
                first = next(j for j in jobs_for(camp, source, selection) if j.name.casefold() == job.name.casefold())
                raise PlacardError(
                    f"two variants would both be written as {job.name!r}: {_label(first)} and {_label(job)}; "
                    "make `name:` unique, e.g. add ${row} or ${size}", location=camp.positions.locate(("name",)),
                    path="name")
            seen.add(key)
    if selection is not None and source is not None:
        missing = sorted(n for n in selection if n > last)
        if missing:
            raise PlacardError(f"invalid value for {select_name}: row {missing[0]} is past the last row ({last}) of {camp.data_display}")
    if total == 0:
        raise DataError("the data has no rows", location=Location(camp.data_display or camp.display))
    return total


def _label(job: Job) -> str:
    return ", ".join(p for p in (f"row {job.row}" if job.row else "", f"size {job.size}" if job.size else "") if p) or "the spec"


class Manifest:
    """`OUT_DIR/<spec name>.manifest.jsonl`, written to a temporary file and renamed when the run ends."""

    def __init__(self, out_dir: Path, spec_name: str):
        out_dir.mkdir(parents=True, exist_ok=True)
        self.path = out_dir / f"{spec_name}.manifest.jsonl"
        # the pid in the name tells the next run's clean-up whether this run is still going
        fd, self.tmp = tempfile.mkstemp(prefix=f".{self.path.name}.pid{os.getpid()}.", suffix=".part", dir=out_dir)
        self.f = os.fdopen(fd, "w", encoding="utf-8")

    def add(self, o: Outcome) -> None:
        line = {"row": o.row, "size": o.size, "name": o.name, "status": o.status, "files": o.files,
                "inputs_sha256": o.inputs_sha256, "error": o.error, "seconds": o.seconds}
        self.f.write(json.dumps(line, ensure_ascii=False) + "\n")

    def close(self) -> None:
        self.f.flush()
        os.fsync(self.f.fileno())
        self.f.close()
        os.chmod(self.tmp, 0o644)
        os.replace(self.tmp, self.path)


def build_many(spec: str | Path | dict, rows: Any = None, *, sizes: Iterable[str] | None = None, out_dir: str | Path = "out",
               formats: Iterable[str] | None = None, jobs: int | None = None, executor: str = "local",
               progress: bool = False, force: bool = False, strict: bool = False, select: Any = None,
               ray_address: str | None = None, options: Any = None) -> Iterator[VariantResult]:
    """Build every (row, size) variant of a campaign spec; yields a VariantResult as each finishes.

    Raises PlacardError before building anything when the campaign itself is wrong (a missing
    data file, an unknown size, a missing column, duplicate names, `jobs < 1`); a bad row never
    raises: its result carries the error.
    """
    from composer.pipeline import BuildOptions

    n_jobs = check_jobs(jobs)
    if executor not in EXECUTORS:
        raise PlacardError(f"invalid value for '--executor': {executor!r}; allowed: local | ray")
    opts = options or BuildOptions()
    if formats is not None:
        opts = BuildOptions(**{**opts.__dict__, "formats": tuple(formats)})
    p = plan(spec, rows, sizes=list(sizes) if sizes is not None else None, out_dir=out_dir, options=opts,
             strict=strict, select=select)
    runner = None
    if executor == "ray":
        from composer.campaign.ray_exec import RayRunner

        runner = RayRunner(ray_address)  # connects now: an unreachable address fails before anything is built
    return _results(p, n_jobs, runner, progress, force)


def _results(p: Plan, n_jobs: int, runner: Any, progress: bool, force: bool) -> Iterator[VariantResult]:
    from composer.campaign.local import run_local
    from composer.campaign.progress import Bar

    clean_temporaries(p.out_dir)
    manifest = Manifest(p.out_dir, p.camp.spec_name)
    bar = Bar(p.total, enabled=progress)
    jobs = jobs_for(p.camp, p.rows, p.selection)
    leftovers: list[Outcome] = []
    outcomes = (runner.run(p.camp, jobs, p.out_dir, force) if runner
                else run_local(p.camp, jobs, p.out_dir, force, n_jobs, leftovers))
    try:
        for o in outcomes:
            if o.payload is not None:  # Ray: the driver writes what the task returned
                from composer.campaign.worker import write_variant

                try:
                    write_variant(p.out_dir, o.payload)
                except PlacardError as e:
                    o.status, o.error, o.files = "failed", str(e), []
                o.payload = None
            manifest.add(o)
            bar.advance(o.status == "failed")
            yield VariantResult(o.row, o.size, o.name, o.status, [p.out_dir / f for f in o.files], o.warnings, o.error)
    finally:
        close = getattr(outcomes, "close", None)
        if close:
            close()  # stops the workers (and waits for the variants they are writing)
        for o in leftovers:
            manifest.add(o)
        bar.close()
        manifest.close()
