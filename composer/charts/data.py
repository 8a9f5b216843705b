"""Chart data: inline YAML or a CSV/JSON file beside the spec, loaded safely into columns and series.

Every mistake a user can make in the data ends in a DataError (or an AssetError for a file that
is missing, a URL, or outside the spec's folder) whose message names the file, line or row,
column and value, and lists what exists.
"""

from __future__ import annotations

import csv
import difflib
import json
import math
import re
from dataclasses import dataclass, field
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Mapping, Sequence

from composer.core.errors import AssetError, DataError

__all__ = [
    "Series",
    "Table",
    "load_table",
    "parse_number",
    "resolve_data_path",
    "resolve_series",
]

MAX_DATA_BYTES = 20 * 1024 * 1024
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


@dataclass
class Table:
    """Rows of named cells; `where(i)` says where row i came from for error messages."""

    columns: list[str]
    rows: list[dict[str, Any]]
    source: str = "data"
    lines: list[int] = field(default_factory=list)  # CSV: the file line of each row

    def where(self, i: int, column: str) -> str:
        if self.lines:
            return f"{self.source}:{self.lines[i]}: column {column!r}"
        return f"{self.source}[{i}].{column}"

    def column(self, name: str) -> list[Any]:
        """The raw cells of column `name`, or a DataError listing the columns (with a suggestion)."""
        if name not in self.columns:
            raise DataError(f"{self.source}: no column {name!r}; {_choices('columns', name, self.columns)}")
        return [row.get(name) for row in self.rows]

    def numbers(self, name: str) -> list[float | None]:
        """Column `name` as numbers (None for empty cells); names the first cell that is not a number."""
        return [parse_number(v, self.where(i, name)) for i, v in enumerate(self.column(name))]


@dataclass
class Series:
    """One named series of values (None marks a gap) and its colour, if the spec names one."""

    name: str
    values: list[float | None]
    color: str | None = None


def _choices(what: str, name: str, options: Sequence[str]) -> str:
    listed = ", ".join(options) if options else "(none)"
    close = difflib.get_close_matches(name, list(options), n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"{what} are: {listed}{hint}"


def parse_number(value: Any, where: str) -> float | None:
    """A cell as a float: numbers, numeric strings and "1,234.5"; None or "" is a gap."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise DataError(f"{where}: {value!r} is not a number")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = str(value).strip()
        if _GROUPED.match(text):
            text = text.replace(",", "")
        try:
            number = float(text)
        except ValueError:
            raise DataError(f"{where}: {value!r} is not a number") from None
    if not math.isfinite(number):
        raise DataError(f"{where}: {value!r} is not a finite number")
    return number


# The folders besides the spec's own that data files may come from. A context variable, so the chart
# modules (each calls load_table with its base_dir) need not thread the allowed folders through.
ALLOWED_DIRS: ContextVar[tuple[Path, ...]] = ContextVar("placard_data_allowed_dirs", default=())


def resolve_data_path(ref: str, base_dir: Path, allowed: Sequence[Path] = ()) -> Path:
    """Resolve a data file named in a spec inside base_dir or an allowed folder (`..` may lead there)."""
    from composer.core.paths import resolve_path

    path = resolve_path(str(ref), base_dir, (*allowed, *ALLOWED_DIRS.get()), field="data", kind="file")
    if path.stat().st_size > MAX_DATA_BYTES:
        raise AssetError(f"data file {str(ref)!r} is larger than {MAX_DATA_BYTES // 2**20} MiB")
    return path


def _read_csv(path: Path, name: str) -> Table:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            raise DataError(f"{name}: the file is empty; expected a header row") from None
        header = [h.strip() for h in header]
        rows, lines = [], []
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(header):
                raise DataError(
                    f"{name}:{reader.line_num}: {len(cells)} cells but the header has {len(header)} columns"
                )
            rows.append({h: (cells[i].strip() if i < len(cells) else None) for i, h in enumerate(header)})
            lines.append(reader.line_num)
    return Table(header, rows, name, lines)


def _from_records(records: Any, source: str) -> Table:
    """Inline or JSON data: a list of mappings, or a mapping of column name -> list of values."""
    if isinstance(records, Mapping):
        lengths = {k: len(v) for k, v in records.items() if isinstance(v, list)}
        if len(lengths) != len(records):
            raise DataError(f"{source}: expected every column to be a list of values")
        if len(set(lengths.values())) > 1:
            shown = ", ".join(f"{k}: {n}" for k, n in lengths.items())
            raise DataError(f"{source}: columns have different lengths ({shown})")
        n = next(iter(lengths.values()), 0)
        rows = [{k: records[k][i] for k in records} for i in range(n)]
        return Table(list(records), rows, source)
    if isinstance(records, list):
        columns: list[str] = []
        for i, row in enumerate(records):
            if not isinstance(row, Mapping):
                raise DataError(f"{source}[{i}]: expected a mapping of column: value, got {row!r}")
            columns.extend(k for k in row if k not in columns)
        return Table([str(c) for c in columns], [dict(r) for r in records], source)
    raise DataError(f"{source}: expected a list of rows or a mapping of columns, got {type(records).__name__}")


def load_table(source: Any, base_dir: Path | None = None, allowed: Sequence[Path] = ()) -> Table:
    """Load `data:` from inline rows/columns, or a .csv/.json file resolved inside base_dir."""
    if isinstance(source, Table):
        return source
    if not isinstance(source, (str, Path)):
        return _from_records(source, "data")
    path = resolve_data_path(str(source), base_dir or Path.cwd(), allowed)
    name = str(source)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path, name)
    if suffix == ".json":
        try:
            records = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as err:
            raise DataError(f"{name}:{err.lineno}:{err.colno}: invalid JSON: {err.msg}") from None
        return _from_records(records, name)
    raise DataError(f"{name}: unsupported data file type {suffix or '(none)'!r}; allowed: .csv | .json")


def resolve_series(config: Mapping[str, Any], base_dir: Path | None = None) -> tuple[list[str], list[Series]]:
    """Categories and series of a chart, from inline `categories`/`series` or from `data` + `x`/`y`.

    Inline:  categories: [Q1, Q2]  series: [{name: Revenue, values: [3, 4], color: "#0B5FFF"}]
    File:    data: sales.csv  x: quarter  y: [revenue, cost]  (y may also be one column name)
    """
    if config.get("data") is not None:
        table = load_table(config["data"], base_dir)
        x = config.get("x") or (table.columns[0] if table.columns else None)
        if x is None:
            raise DataError(f"{table.source}: no columns")
        categories = [str(v) if v is not None else "" for v in table.column(x)]
        ys = config.get("y") or [c for c in table.columns if c != x]
        if isinstance(ys, str):
            ys = [ys]
        colors = config.get("colors") or {}
        series = [Series(str(y), table.numbers(y), colors.get(y)) for y in ys]
    else:
        categories = [str(c) for c in config.get("categories") or []]
        series = []
        for i, raw in enumerate(config.get("series") or []):
            if isinstance(raw, Mapping):
                values = raw.get("values") or []
                name = str(raw.get("name", f"Series {i + 1}"))
                color = raw.get("color")
            else:
                values, name, color = raw, f"Series {i + 1}", None
            numbers = [parse_number(v, f"series[{i}].values[{j}]") for j, v in enumerate(values)]
            series.append(Series(name, numbers, color))
        if not categories and series:
            categories = [str(j + 1) for j in range(len(series[0].values))]
    for s in series:
        if len(s.values) != len(categories):
            raise DataError(
                f"series {s.name!r} has {len(s.values)} values but there are "
                f"{len(categories)} categories"
            )
    return categories, series


def check_node(name: Any, nodes: Sequence[str], where: str) -> str:
    """An edge endpoint that must name a node; DataError with the node list otherwise."""
    key = str(name)
    if key not in nodes:
        raise DataError(f"{where}: {key!r} is not a node; {_choices('nodes', key, nodes)}")
    return key
