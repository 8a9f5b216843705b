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
from typing import Any, Collection, Mapping, Sequence

from composer.core.errors import AssetError, DataError
from composer.core.limits import (
    MAX_CHART_CATEGORIES,
    MAX_DATA_BYTES,
    MAX_DATA_CELLS,
    MAX_DATA_COLUMNS,
    MAX_DATA_DEPTH,
    MAX_DATA_FIELD_CHARS,
    MAX_DATA_NUMBER_DIGITS,
    MAX_DATA_ROWS,
)

__all__ = [
    "Series",
    "Table",
    "load_table",
    "parse_number",
    "resolve_data_path",
    "resolve_series",
]

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


def _choices(what: str, name: str, options: Collection[str]) -> str:
    listed = ", ".join(options) if options else "(none)"
    close = difflib.get_close_matches(name, list(options), n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"{what} are: {listed}{hint}"


def parse_present(value: Any, where: str) -> float:
    """parse_number for a value the spec's model requires to be there: a blank is an error too."""
    number = parse_number(value, where)
    if number is None:
        raise DataError(f"{where}: expected a number, got a blank")
    return number


def parse_number(value: Any, where: str) -> float | None:
    """A cell as a float: numbers, numeric strings and "1,234.5"; None or "" is a gap."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise DataError(f"{where}: {value!r} is not a number")
    if isinstance(value, (int, float)):
        try:
            number = float(value)
        except OverflowError:  # an integer of hundreds of digits
            raise DataError(f"{where}: {value!r} is not a finite number") from None
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
        raise AssetError(f"data file {str(ref)!r} is larger than {MAX_DATA_BYTES // 2**20} MiB, the limit of a data file")
    return path


def _echo(text: str) -> str:
    return repr(text if len(text) <= 80 else text[:80] + "…")


def _read_csv(path: Path, name: str) -> Table:
    """Stream a CSV file's rows, stopping at the first one past a limit (never holding more)."""
    try:
        with path.open(newline="", encoding="utf-8-sig", errors="strict") as handle:
            return _csv_rows(csv.reader(handle), name)
    except UnicodeDecodeError as err:
        raise DataError(f"{name}: not UTF-8 text (byte 0x{err.object[err.start]:02x} at offset {err.start:,})") from None


def _csv_rows(reader: Any, name: str) -> Table:
    try:
        try:
            header = next(reader)
        except StopIteration:
            raise DataError(f"{name}: the file is empty; expected a header row") from None
        if len(header) > MAX_DATA_COLUMNS:
            raise DataError(f"{name}:1: {len(header):,} columns, over the limit of {MAX_DATA_COLUMNS:,} columns")
        header = [h.strip() for h in header]
        rows: list[dict[str, Any]] = []
        lines: list[int] = []
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            # checked here, not left to csv's field_size_limit(): that is one setting for the whole process,
            # and the campaign reader raises it for its own, larger cells
            if any(len(c) > MAX_DATA_FIELD_CHARS for c in cells):
                raise DataError(f"{name}:{reader.line_num}: a cell is longer than {MAX_DATA_FIELD_CHARS:,} characters, "
                                "the limit of a cell")
            if len(cells) > len(header):
                raise DataError(
                    f"{name}:{reader.line_num}: {len(cells)} cells but the header has {len(header)} columns"
                )
            if len(rows) >= MAX_DATA_ROWS:
                raise DataError(f"{name}: more than {MAX_DATA_ROWS:,} rows, the limit of rows in a data file")
            if len(rows) * len(header) > MAX_DATA_CELLS:
                raise DataError(f"{name}: more than {MAX_DATA_CELLS:,} cells, the limit of cells in a data file")
            rows.append({h: (cells[i].strip() if i < len(cells) else None) for i, h in enumerate(header)})
            lines.append(reader.line_num)
    except csv.Error as err:
        if "field larger than field limit" in str(err):
            raise DataError(
                f"{name}:{reader.line_num}: a cell is longer than {MAX_DATA_FIELD_CHARS:,} characters, "
                "the limit of a cell"
            ) from None
        raise DataError(f"{name}:{reader.line_num}: invalid CSV: {err}") from None
    return Table(header, rows, name, lines)


def _check_json_depth(raw: bytes, name: str) -> None:
    """Refuse JSON nested past MAX_DATA_DEPTH before parsing (Python's json module recurses).

    Brackets inside strings count too, which only errs towards refusing; numpy scans 20 MB in milliseconds.
    """
    import numpy as np

    if raw.count(b"[") + raw.count(b"{") <= MAX_DATA_DEPTH:
        return
    b = np.frombuffer(raw, np.uint8)
    step = ((b == 0x5B) | (b == 0x7B)).astype(np.int8) - ((b == 0x5D) | (b == 0x7D)).astype(np.int8)
    if int(np.cumsum(step, dtype=np.int32).max()) > MAX_DATA_DEPTH:
        raise DataError(f"{name}: JSON nested more than {MAX_DATA_DEPTH} levels deep, the limit of a data file")


class _JsonBudget:
    """Hooks for json.loads that stop the parse as soon as it builds more records or numbers than allowed."""

    def __init__(self) -> None:
        self.records = self.values = 0

    def record(self, pairs: list) -> dict:
        self.records += 1
        if self.records > MAX_DATA_ROWS + 1:  # +1: the top level may be a mapping of columns
            raise DataError(f"more than {MAX_DATA_ROWS:,} records, the limit of rows in a data file")
        return dict(pairs)

    def number(self, kind: type) -> Any:
        def parse(text: str) -> Any:
            self.values += 1
            if self.values > MAX_DATA_CELLS:
                raise DataError(f"more than {MAX_DATA_CELLS:,} numbers, the limit of cells in a data file")
            if len(text) > MAX_DATA_NUMBER_DIGITS:
                raise DataError(f"a number of {len(text):,} digits; the limit is {MAX_DATA_NUMBER_DIGITS} digits")
            return kind(text)

        return parse


def _read_json(path: Path, name: str) -> Any:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DataError(f"{name}: not UTF-8 text (byte 0x{raw[err.start]:02x} at offset {err.start:,})") from None
    _check_json_depth(raw, name)
    budget = _JsonBudget()
    try:
        return json.loads(text, object_pairs_hook=budget.record, parse_int=budget.number(int),
                          parse_float=budget.number(float))
    except json.JSONDecodeError as err:
        raise DataError(f"{name}:{err.lineno}:{err.colno}: invalid JSON: {err.msg}") from None
    except DataError as err:
        raise DataError(f"{name}: {err.message}") from None
    except RecursionError:  # the depth check above bounds nesting; this is the last line of defence
        raise DataError(f"{name}: JSON nested too deep") from None


def _check_table_size(columns: int, rows: int, source: str) -> None:
    if rows > MAX_DATA_ROWS:
        raise DataError(f"{source}: {rows:,} rows, over the limit of {MAX_DATA_ROWS:,} rows in a data file")
    if columns > MAX_DATA_COLUMNS:
        raise DataError(f"{source}: {columns:,} columns, over the limit of {MAX_DATA_COLUMNS:,} columns")


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
        _check_table_size(len(records), n, source)
        rows = [{k: records[k][i] for k in records} for i in range(n)]
        return Table(list(records), rows, source)
    if isinstance(records, list):
        _check_table_size(0, len(records), source)
        columns: dict[Any, None] = {}  # ordered, and a set's speed for 1,000 columns
        for i, row in enumerate(records):
            if not isinstance(row, Mapping):
                raise DataError(f"{source}[{i}]: expected a mapping of column: value, got {_echo(repr(row))}")
            columns.update(dict.fromkeys(row))
            _check_table_size(len(columns), len(records), source)
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
        return _from_records(_read_json(path, name), name)
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
    if len(categories) > MAX_CHART_CATEGORIES:
        raise DataError(
            f"{len(categories):,} categories, over the limit of {MAX_CHART_CATEGORIES:,} in one chart; "
            "aggregate the data first"
        )
    for s in series:
        if len(s.values) != len(categories):
            raise DataError(
                f"series {s.name!r} has {len(s.values)} values but there are "
                f"{len(categories)} categories"
            )
    return categories, series


def check_node(name: Any, nodes: Collection[str], where: str) -> str:
    """An edge endpoint that must name a node; DataError with the node list otherwise."""
    key = str(name)
    if key not in nodes:
        raise DataError(f"{where}: {key!r} is not a node; {_choices('nodes', key, nodes)}")
    return key
