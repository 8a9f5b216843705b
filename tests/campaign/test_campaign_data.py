"""Campaign data: streaming readers, their limits and messages, and literal `${column}` substitution."""

from __future__ import annotations

import json
import resource
from pathlib import Path

import pytest

from composer.campaign import data as d
from composer.campaign import substitute as sub
from composer.core.errors import DataError, SpecError


def rows(path: Path) -> list[d.Row]:
    d.check_file(path, path.name)
    return list(d.read_rows(path, path.name))


def test_csv_rows_with_numbers_lines_and_quoted_newlines(tmp_path):
    p = tmp_path / "p.csv"
    p.write_text('sku,name\nA1,"Two\nlines"\n\nB2,Plain\n', encoding="utf-8")
    got = rows(p)
    assert [(r.number, r.line, r.values) for r in got] == [
        (1, 2, {"sku": "A1", "name": "Two\nlines"}),
        (2, 5, {"sku": "B2", "name": "Plain"}),
    ]


def test_csv_wrong_field_count_fails_that_row_only(tmp_path):
    p = tmp_path / "p.csv"
    p.write_text("sku,name,price\nA,x,1\nB,y\nC,z,3\n", encoding="utf-8")
    got = rows(p)
    assert [r.error for r in got] == [None, "row has 2 fields; the header has 3 (sku, name, price)", None]
    assert got[1].where("p.csv") == "p.csv:3"


@pytest.mark.parametrize("content, message", [
    (b"", "p.csv: data file is empty; allowed: a CSV with a header row, a JSON array or JSONL"),
    (b"name\nCaf\xe9\n", "p.csv:2:4: data file is not UTF-8: byte 0xe9 at offset 8; save it as UTF-8"),
])
def test_whole_file_problems(tmp_path, content, message):
    p = tmp_path / "p.csv"
    p.write_bytes(content)
    with pytest.raises(DataError) as e:
        d.check_file(p, "p.csv")
    assert str(e.value) == message


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match=r"^nope.csv: data: data file not found$"):
        d.check_file(tmp_path / "nope.csv", "nope.csv")


def test_control_characters_and_huge_cells_are_refused_with_row_and_column(tmp_path):
    p = tmp_path / "p.csv"
    big = "x" * (d.MAX_FIELD_CHARS + 1)
    p.write_text(f"name,note\nok,fine\nbad\x00name,x\nbig,{big}\n", encoding="utf-8")
    got = rows(p)
    assert got[0].error is None
    assert (got[1].line, got[1].column, got[1].error) == (3, "name", "value holds the control character U+0000; refused")
    assert (got[2].line, got[2].column, got[2].error) == (4, "note", "value is 1,000,001 characters; the limit is 1,000,000")


def test_json_must_be_an_array_of_objects(tmp_path):
    p = tmp_path / "r.json"
    p.write_text('{"name": "x"}', encoding="utf-8")
    with pytest.raises(DataError, match=r"^r.json: a JSON data file must be an array of objects, got an object$"):
        rows(p)
    p.write_text('[{"name": "x", "price": 9.5, "n": 2.0, "off": null, "new": true}, 7]', encoding="utf-8")
    got = rows(p)
    assert got[0].values == {"name": "x", "price": "9.5", "n": "2.0", "off": "", "new": "true"}
    assert got[1].error == "a row must be an object of column: value, got int"
    assert got[1].where("r.json") == "r.json: row 2"


def test_jsonl_lines(tmp_path):
    p = tmp_path / "r.jsonl"
    p.write_text('{"a": "1"}\n\n{"a": \n{"a": [1]}\n', encoding="utf-8")
    got = rows(p)
    assert [(r.line, r.error) for r in got] == [
        (1, None), (3, "not valid JSON: Expecting value at character 8"),
        (4, "value is list; allowed: a string, number, true/false or null"),
    ]


@pytest.mark.slow
def test_a_million_row_csv_streams(tmp_path):
    p = tmp_path / "big.csv"
    with p.open("w", encoding="utf-8") as f:
        f.write("sku,name,price\n")
        for i in range(1_000_000):
            f.write(f"S{i},Product number {i},{i % 997}.99\n")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    d.check_file(p, "big.csv")
    count = 0
    last = None
    for r in d.read_rows(p, "big.csv"):
        count += 1
        last = r
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert count == 1_000_000 and last.values["sku"] == "S999999"
    assert grown_mb < 20, f"reading grew the process by {grown_mb:.0f} MB: rows are being held"


# --------------------------------------------------------------------------- substitution

HOSTILE = ["{{ 7*7 }}", "**bold**", "*it*", "[accent]{x}", "${other}", "$${", "\\*", "{% if %}", "<tspan>&amp;"]


@pytest.mark.parametrize("value", HOSTILE)
def test_values_go_in_literally(value):
    from composer.text.markup import parse

    values = {"v": value, "other": "SHOULD-NOT-APPEAR"}
    plain = sub.render("[${v}]", values)
    assert plain == f"[{value}]"
    marked = sub.render("**Sale:** ${v}", values, markup=True)
    spans = parse(marked, {"accent": "#FFB000"})
    assert "".join(s.text for s in spans) == f"Sale: {value}"
    assert [s.text for s in spans if not s.style.bold] == [f" {value}"]


def test_dollar_dollar_brace_and_builtins():
    assert sub.render("$${price} is ${price}", {"price": "9"}) == "${price} is 9"
    assert sub.render("cost $5", {}) == "cost $5"


def test_only_placeholder_empty_is_absent_and_numbers_become_numbers():
    assert sub.render("${x}", {"x": "  "}) is sub.ABSENT
    assert sub.render("Price: ${x}", {"x": ""}) == "Price: "
    assert sub.render("${x}", {"x": "1234.5"}, number=True) == 1234.5
    assert sub.render("${x}", {"x": "007"}, number=True) == 7
    assert sub.render("${x}", {"x": "007"}) == "007"  # a text field keeps the string as written
    assert sub.render("${x}", {"x": "12 apples"}, number=True) == "12 apples"


def test_tree_substitution_drops_emptied_slots_and_elements():
    spec = {"slots": {"kicker": "${k}", "headline": "${h}", "cta": {"text": "${k}", "fill": "accent"}},
            "elements": [{"type": "text", "text": "${k}", "box": {}}, {"type": "stat", "value": "${n}", "box": {}}]}
    used: dict = {}
    out = sub.drop_empty(sub.substitute(spec, {"k": "", "h": "Hi *there*", "n": "42"}, lambda p: p[-1] == "text" or p[0] == "slots", used), spec)
    assert out == {"slots": {"headline": "Hi \\*there\\*"}, "elements": [{"type": "stat", "value": 42, "box": {}}]}
    assert used[("slots", "headline")] == ["h"]


def test_missing_column_lists_available_and_suggests():
    with pytest.raises(sub.MissingColumn) as e:
        sub.render("${nmae}", {"name": "x", "price": "1", "row": "1", "size": "post"})
    assert str(e.value) == "no column 'nmae'; did you mean 'name'? available: name, price"


def test_unclosed_placeholder_is_a_spec_error():
    with pytest.raises(SpecError, match=r"placeholder '\$\{' at character 7 is never closed"):
        sub.parse("Hello ${name")


def test_cell_text_for_json_values():
    assert [d.cell_text(v) for v in (None, True, 2.0, 2.5, 10, "x")] == ["", "true", "2.0", "2.5", "10", "x"]
    assert json.dumps(d.cell_text(1e20)) == '"1e+20"'
