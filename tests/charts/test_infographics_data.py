"""Chart data loading: inline, CSV and JSON, and the exact messages for every data mistake."""

import json
import os

import pytest

from composer.core.errors import AssetError, DataError
from composer.charts import draw
from composer.charts.data import load_table, resolve_series
from composer.charts.graph import parse_graph
from composer.charts.primitives import simple_measure
from composer.core.geometry import Box

CSV = "month,revenue,cost\nJan,10,4\nFeb,\"1,200\",5\nMar,n/a,6\n"


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "sales.csv").write_text(CSV)
    (tmp_path / "good.csv").write_text("month,revenue,cost\nJan,10,4\nFeb,12.5,\nMar,-3,6\n")
    (tmp_path / "rows.json").write_text(json.dumps([{"q": "Q1", "v": 1}, {"q": "Q2", "v": "x"}]))
    return tmp_path


def test_csv_series_load_with_gaps_and_grouped_thousands(folder):
    cats, series = resolve_series({"data": "good.csv", "x": "month", "y": ["revenue", "cost"]}, folder)
    assert cats == ["Jan", "Feb", "Mar"]
    assert [s.name for s in series] == ["revenue", "cost"]
    assert series[0].values == [10.0, 12.5, -3.0]
    assert series[1].values == [4.0, None, 6.0]
    table = load_table("sales.csv", folder)
    assert table.numbers("cost") == [4.0, 5.0, 6.0]
    assert table.column("revenue")[1] == "1,200"


def test_inline_columns_and_rows_are_equivalent():
    by_rows = load_table([{"a": 1, "b": 2}, {"a": 3, "b": 4}])
    by_cols = load_table({"a": [1, 3], "b": [2, 4]})
    assert by_rows.rows == by_cols.rows and by_rows.columns == by_cols.columns == ["a", "b"]


def test_missing_column_lists_columns_and_suggests(folder):
    with pytest.raises(DataError) as err:
        resolve_series({"data": "sales.csv", "x": "month", "y": "revenu"}, folder)
    assert str(err.value) == (
        "sales.csv: no column 'revenu'; columns are: month, revenue, cost (did you mean 'revenue'?)"
    )


def test_non_numeric_csv_value_names_file_line_column_and_value(folder):
    with pytest.raises(DataError) as err:
        resolve_series({"data": "sales.csv", "x": "month", "y": "revenue"}, folder)
    assert str(err.value) == "sales.csv:4: column 'revenue': 'n/a' is not a number"


def test_non_numeric_json_and_inline_values(folder):
    with pytest.raises(DataError) as err:
        resolve_series({"data": "rows.json", "x": "q", "y": "v"}, folder)
    assert str(err.value) == "rows.json[1].v: 'x' is not a number"
    with pytest.raises(DataError) as err:
        resolve_series({"categories": ["a", "b"], "series": [{"name": "S", "values": [1, "lots"]}]})
    assert str(err.value) == "series[0].values[1]: 'lots' is not a number"


def test_mismatched_series_lengths():
    config = {"categories": ["Q1", "Q2", "Q3", "Q4"],
              "series": [{"name": "Revenue", "values": [1, 2, 3, 4]}, {"name": "Cost", "values": [1, 2, 3]}]}
    with pytest.raises(DataError) as err:
        resolve_series(config)
    assert str(err.value) == "series 'Cost' has 3 values but there are 4 categories"


def test_edge_to_unknown_node():
    config = {"nodes": ["web", "api", "db"], "edges": ["web -> api", {"from": "api", "to": "dbb"}]}
    with pytest.raises(DataError) as err:
        parse_graph(config)
    assert str(err.value) == "edges[1].to: 'dbb' is not a node; nodes are: web, api, db (did you mean 'db'?)"


def test_duplicate_node_and_bad_edge_text():
    with pytest.raises(DataError) as err:
        parse_graph({"nodes": ["a", "a"]})
    assert str(err.value) == "nodes[1]: node 'a' is defined twice"
    with pytest.raises(DataError) as err:
        parse_graph({"nodes": ["a"], "edges": ["a to b"]})
    assert str(err.value) == "edges[0]: 'a to b' is not an edge; write \"a -> b\" or {from: a, to: b}"


def test_files_outside_the_spec_folder_are_refused(folder, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere")
    (outside / "secret.csv").write_text("a,b\n1,2\n")
    spec_dir = folder / "spec"
    spec_dir.mkdir()
    os.symlink(outside / "secret.csv", spec_dir / "link.csv")
    allow = "allow its folder with --allow-dir DIR (Python: allow_dirs=[...])"
    where = "expected a path to a file inside the spec's folder; other folders need --allow-dir DIR (Python: allow_dirs=[...])"
    cases = {
        "../sales.csv": f"data: '../sales.csv' leaves the spec's folder through '..'; {allow}",
        "link.csv": f"data: 'link.csv' is a symlink to a place outside the allowed folders; {where}",
        str(outside / "secret.csv"): f"data: absolute path '{outside / 'secret.csv'}' lies outside the spec's folder; {allow}",
        "https://example.com/x.csv": f"data: URLs are not fetched: 'https://example.com/x.csv'; {where}",
        "missing.csv": "data: file not found: 'missing.csv' (looked in the spec's folder)",
    }
    for ref, message in cases.items():
        with pytest.raises(AssetError) as err:
            load_table(ref, spec_dir)
        assert str(err.value) == message
    # `..` is fine when it leads into an allowed folder
    assert load_table("../sales.csv", spec_dir, [folder]).rows == load_table("sales.csv", folder).rows


def test_unsupported_file_type_and_bad_json(folder):
    (folder / "x.txt").write_text("a")
    (folder / "bad.json").write_text("[1, 2,")
    with pytest.raises(DataError) as err:
        load_table("x.txt", folder)
    assert str(err.value) == "x.txt: unsupported data file type '.txt'; allowed: .csv | .json"
    with pytest.raises(DataError) as err:
        load_table("bad.json", folder)
    assert str(err.value).startswith("bad.json:1:7: invalid JSON")


def test_kinds_reach_data_errors_through_draw(folder):
    with pytest.raises(DataError):
        draw("bar", Box(0, 0, 400, 300), {"data": "sales.csv", "y": "revenue"}, ["#000000"], simple_measure,
             base_dir=folder)
    with pytest.raises(DataError) as err:
        draw("donut", Box(0, 0, 400, 300), {"slices": [{"name": "a", "value": -1}]}, [], simple_measure)
    assert str(err.value) == "slice 'a' has a negative value (-1); pie slices must be 0 or more"
