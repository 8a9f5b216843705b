"""Streaming readers for a campaign's rows: CSV (header row), JSON (an array of objects) and JSONL.

Rows are yielded one at a time and never all held in memory, so a 1,000,000-row file streams.
A problem with the whole file (missing, empty, not UTF-8, not an array) raises DataError before
anything is built; a problem with one row comes back as a `Row` carrying its error, so that row's
variants fail and every other row still builds.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from composer.core.errors import DataError, Location

MAX_DATA_BYTES = 4 * 1024**3  # 4 GiB: a million rich rows fit well below this
MAX_COLUMNS = 1_000
MAX_FIELD_CHARS = 1_000_000  # one cell; longer is refused with the row and column named
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CSV_HARD_LIMIT = 16 * 1024 * 1024  # the csv module's own limit; past it the file is refused
FORMATS = {".csv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}


@dataclass
class Row:
    """One data row: its number (1 = first data row), where it starts, its values or its error."""

    number: int
    line: int | None
    values: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    column: str | None = None

    def where(self, display: str) -> str:
        """`products.csv:17` (a line) or `rows.json: row 3` (no line numbers in a JSON stream)."""
        return f"{display}:{self.line}" if self.line is not None else f"{display}: row {self.number}"


def data_format(path: Path) -> str:
    """The reader for a data file, from its suffix."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise DataError(f"unknown data file type {path.suffix or path.name!r}; allowed: .csv, .json, .jsonl",
                        location=Location(str(path)), path="data")
    return fmt


def check_file(path: Path, display: str) -> None:
    """Refuse a data file that is missing, empty, too large or not UTF-8 (one streaming pass)."""
    if not path.is_file():
        raise DataError("data file not found", location=Location(display), path="data")
    size = path.stat().st_size
    if size == 0:
        raise DataError("data file is empty; allowed: a CSV with a header row, a JSON array or JSONL", location=Location(display))
    if size > MAX_DATA_BYTES:
        raise DataError(f"data file is {size:,} bytes; the limit is {MAX_DATA_BYTES:,}", location=Location(display))
    decoder = codecs.getincrementaldecoder("utf-8")()
    line, offset = 1, 0
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as e:
                bad = offset + e.start
                line += chunk[:e.start].count(b"\n")
                col = e.start - chunk.rfind(b"\n", 0, e.start)
                raise DataError(f"data file is not UTF-8: byte 0x{chunk[e.start]:02x} at offset {bad:,}; save it as UTF-8",
                                location=Location(display, line, col)) from None
            line += chunk.count(b"\n")
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise DataError("data file is not UTF-8: it ends inside a character", location=Location(display, line)) from None


def read_rows(path: Path, display: str) -> Iterator[Row]:
    """Yield every row of a data file in order (call check_file first)."""
    fmt = data_format(path)
    yield from {"csv": _csv_rows, "json": _json_rows, "jsonl": _jsonl_rows}[fmt](path, display)


def columns(path: Path, display: str) -> list[str] | None:
    """The CSV header's columns (None for JSON, whose rows may each have their own keys)."""
    if data_format(path) != "csv":
        return None
    with path.open(encoding="utf-8-sig", newline="") as f:
        header = _header(csv.reader(f), display)
    return header


def _header(reader: Any, display: str) -> list[str]:
    try:
        header = next(reader)
    except StopIteration:
        raise DataError("data file has no header row", location=Location(display, 1)) from None
    except csv.Error as e:
        raise DataError(f"the header row is not valid CSV: {e}", location=Location(display, 1)) from None
    if len(header) > MAX_COLUMNS:
        raise DataError(f"the header has {len(header):,} columns; the limit is {MAX_COLUMNS:,}", location=Location(display, 1))
    seen: set[str] = set()
    for i, name in enumerate(header):
        name = name.strip()
        if not name:
            raise DataError(f"column {i + 1} of the header has no name", location=Location(display, 1))
        if name in seen:
            raise DataError(f"column {name!r} appears twice in the header", location=Location(display, 1))
        seen.add(name)
    return [h.strip() for h in header]


def _csv_rows(path: Path, display: str) -> Iterator[Row]:
    csv.field_size_limit(_CSV_HARD_LIMIT)
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = _header(reader, display)
        number, start = 0, reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as e:  # past the hard limit, or broken quoting: the rest cannot be trusted
                raise DataError(f"not valid CSV: {e}", location=Location(display, start)) from None
            line, start = start, reader.line_num + 1
            if not cells:
                continue  # a blank line
            number += 1
            if len(cells) != len(header):
                yield Row(number, line, error=f"row has {len(cells)} fields; the header has {len(header)} ({', '.join(header)})")
                continue
            yield _checked(Row(number, line, dict(zip(header, cells))))


def _jsonl_rows(path: Path, display: str) -> Iterator[Row]:
    with path.open(encoding="utf-8-sig") as f:
        number = 0
        for line_no, text in enumerate(f, 1):
            if not text.strip():
                continue
            number += 1
            if len(text) > MAX_COLUMNS * MAX_FIELD_CHARS:
                yield Row(number, line_no, error=f"line is {len(text):,} characters; too long")
                continue
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as e:
                yield Row(number, line_no, error=f"not valid JSON: {e.msg} at character {e.pos + 1}")
                continue
            yield _object_row(obj, number, line_no)


def _json_rows(path: Path, display: str) -> Iterator[Row]:
    import ijson  # streams the array item by item; json.load would hold the whole file

    with path.open("rb") as f:
        events = ijson.parse(f, use_float=True)
        try:
            prefix, event, _ = next(events)
        except StopIteration:
            raise DataError("data file is empty", location=Location(display)) from None
        except ijson.JSONError as e:
            raise DataError(f"not valid JSON: {e}", location=Location(display)) from None
        if event != "start_array":
            raise DataError(f"a JSON data file must be an array of objects, got {_json_kind(event)}", location=Location(display))
    with path.open("rb") as f:
        number = 0
        try:
            for obj in ijson.items(f, "item", use_float=True):
                number += 1
                yield _object_row(obj, number, None)
        except ijson.JSONError as e:
            raise DataError(f"not valid JSON after row {number}: {e}", location=Location(display)) from None


def _json_kind(event: str) -> str:
    return {"start_map": "an object", "string": "a string", "number": "a number", "boolean": "true/false",
            "null": "null"}.get(event, event)


def _object_row(obj: Any, number: int, line: int | None) -> Row:
    if not isinstance(obj, dict):
        return Row(number, line, error=f"a row must be an object of column: value, got {type(obj).__name__}")
    if len(obj) > MAX_COLUMNS:
        return Row(number, line, error=f"row has {len(obj):,} keys; the limit is {MAX_COLUMNS:,}")
    values: dict[str, str] = {}
    for k, v in obj.items():
        if isinstance(v, (dict, list)):
            return Row(number, line, error=f"value is {type(v).__name__}; allowed: a string, number, true/false or null",
                       column=str(k))
        values[str(k)] = cell_text(v)
    return _checked(Row(number, line, values))


def cell_text(v: Any) -> str:
    """A JSON value as the text a placeholder inserts: null is empty, 2.0 stays 2.0, true is true."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return repr(v)
    return str(v)


def _checked(row: Row) -> Row:
    """Refuse oversized cells and control characters (a NUL byte has no glyph and breaks files)."""
    for k, v in row.values.items():
        if len(v) > MAX_FIELD_CHARS:
            return Row(row.number, row.line, error=f"value is {len(v):,} characters; the limit is {MAX_FIELD_CHARS:,}", column=k)
        bad = _CONTROL.search(v)
        if bad is not None:
            return Row(row.number, row.line, error=f"value holds the control character U+{ord(bad.group()):04X}; refused",
                       column=k)
    return row


def iter_dicts(rows: Any) -> Iterator[Row]:
    """Rows given in Python (an iterable of dicts) as `Row`s."""
    for number, obj in enumerate(rows, 1):
        yield _object_row(obj, number, None)
