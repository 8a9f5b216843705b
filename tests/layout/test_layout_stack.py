"""Stacks: children placed by Taffy's flexbox (exact boxes), text at its set height, clear errors."""

from __future__ import annotations

import pytest

import composer
from composer.core.errors import PlacardError, SpecError, TextFitError
from composer.text.stack import lay_out as resolve_layout
from composer.spec.loader import load_spec


def boxes(elements: list, canvas=(600, 800)) -> dict[str, tuple]:
    """Resolve a dict spec and return every element's box as (x, y, width, height) by id."""
    spec = {"version": 1, "canvas": {"width": canvas[0], "height": canvas[1]}, "elements": elements}
    layout = resolve_layout(load_spec(spec))
    return {p.id: tuple(round(v, 3) for v in (p.box.x, p.box.y, p.box.width, p.box.height)) for p in layout.walk()}


def rect(id: str, **kw) -> dict:
    return {"type": "rect", "id": id, "fill": "primary", **kw}


def test_column_with_padding_gap_fixed_sizes_and_grow():
    got = boxes([{"type": "stack", "id": "s", "box": {"x": 50, "y": 40, "width": 500, "height": 700}, "padding": 10, "gap": 20,
                  "elements": [rect("a", box={"height": 100}), rect("b", box={"width": 200, "height": 50}),
                               rect("c", flex={"grow": 1})]}])
    assert got["a"] == (60, 50, 480, 100)  # stretched across the content box
    assert got["b"] == (60, 170, 200, 50)  # a width of its own is kept
    assert got["c"] == (60, 240, 480, 490)  # grows into the rest: 730 - 240


def test_row_justify_space_between_and_align_center():
    got = boxes([{"type": "stack", "box": {"x": 0, "y": 0, "width": 400, "height": 100}, "direction": "row",
                  "justify": "space-between", "align": "center",
                  "elements": [rect("a", box={"width": 50, "height": 20}), rect("b", box={"width": 80, "height": 60}),
                               rect("c", box={"width": 30, "height": 100})]}])
    assert got["a"] == (0, 40, 50, 20)
    assert got["b"] == (170, 20, 80, 60)
    assert got["c"] == (370, 0, 30, 100)


def test_grow_shares_free_space_by_weight_and_padding_takes_four_sides():
    got = boxes([{"type": "stack", "box": {"x": 0, "y": 0, "width": 300, "height": 420}, "padding": [10, 20, 10, 40],
                  "elements": [rect("a", flex={"grow": 1}), rect("b", flex={"grow": 3})]}])
    assert got["a"] == (40, 10, 240, 100)
    assert got["b"] == (40, 110, 240, 300)


def test_justify_end_align_self_and_nested_row():
    got = boxes([{"type": "stack", "box": {"x": 100, "y": 100, "width": 200, "height": 300}, "justify": "end", "gap": 10,
                  "align": "start",
                  "elements": [rect("a", box={"width": 50, "height": 40}),
                               rect("b", box={"width": 50, "height": 40}, flex={"align": "end"}),
                               {"type": "stack", "id": "row", "direction": "row", "gap": 5,
                                "elements": [rect("c", box={"width": 20, "height": 30}), rect("d", box={"width": 20, "height": 10})]}]}])
    assert got["row"] == (100, 370, 45, 30)  # hugs its children; the column's content ends at y 400
    assert got["b"] == (250, 320, 50, 40)
    assert got["a"] == (100, 270, 50, 40)
    assert got["c"] == (100, 370, 20, 30)
    assert got["d"] == (125, 370, 20, 10)


def test_percentages_and_shrink_on_request():
    got = boxes([{"type": "stack", "box": {"x": 0, "y": 0, "width": 200, "height": 100},
                  "elements": [rect("a", box={"width": "50%", "height": 80}), rect("b", box={"height": 80}, flex={"shrink": 1})]}])
    assert got["a"] == (0, 0, 100, 80)
    assert got["b"] == (0, 80, 200, 20)  # only b was allowed to give way


def _text_report(tmp_path, headline: str) -> dict:
    spec = {
        "version": 1, "canvas": {"width": 600, "height": 800}, "background": {"style": "flat"},
        "elements": [{"type": "stack", "id": "copy", "box": {"x": 40, "y": 40, "width": 520, "height": 720}, "gap": 24,
                      "elements": [
                          {"type": "text", "id": "headline", "text": headline, "font": {"family": "Inter", "weight": 800, "size": 48},
                           "color": "#FFFFFF"},
                          {"type": "text", "id": "subhead", "text": "The subhead follows the headline.",
                           "font": {"family": "Inter", "size": 24}, "color": "#FFFFFF"},
                          {"type": "rect", "id": "rule", "box": {"height": 4}, "fill": "accent"},
                      ]}],
        "outputs": ["png"],
    }
    result = composer.build(spec, tmp_path, name="push")
    return {e["id"]: e for e in result.report["elements"]}


def test_longer_headline_pushes_the_subhead_down(tmp_path):
    short = _text_report(tmp_path, "Short headline")
    long = _text_report(tmp_path, "A much longer headline that needs three or four lines to say what it has to say")
    for rep in (short, long):
        head, sub, rule = rep["headline"], rep["subhead"], rep["rule"]
        lines = len(head["lines"])
        assert head["box"]["height"] == pytest.approx(lines * 48 * 1.2, abs=0.05)  # its set height, not a fixed box
        assert sub["box"]["y"] == pytest.approx(head["box"]["y"] + head["box"]["height"] + 24, abs=0.05)
        assert rule["box"]["y"] == pytest.approx(sub["box"]["y"] + 24 * 1.2 + 24, abs=0.05)
    assert len(short["headline"]["lines"]) == 1 and len(long["headline"]["lines"]) >= 3
    assert long["subhead"]["box"]["y"] - short["subhead"]["box"]["y"] == pytest.approx(
        (len(long["headline"]["lines"]) - 1) * 48 * 1.2, abs=0.05)


def test_auto_text_takes_its_share_then_its_set_height(tmp_path):
    spec = {
        "version": 1, "canvas": {"width": 600, "height": 600}, "background": {"style": "flat"},
        "elements": [{"type": "stack", "box": {"x": 0, "y": 0, "width": 600, "height": 600}, "padding": 20, "gap": 20,
                      "elements": [
                          {"type": "rect", "id": "art", "box": {"height": 300}, "fill": "primary"},
                          {"type": "text", "id": "headline", "text": "Fits what is left",
                           "font": {"size": "auto", "min_size": 10, "max_size": 400}, "color": "#FFFFFF"},
                          {"type": "text", "id": "sub", "text": "after the headline", "font": {"size": 20}, "color": "#FFFFFF"},
                      ]}],
        "outputs": ["png"],
    }
    rep = {e["id"]: e for e in composer.build(spec, tmp_path, name="auto").report["elements"]}
    head, sub = rep["headline"], rep["sub"]
    assert 10 < head["size"] < 400
    # art 300 + gaps 40 + subhead 24 leave 216 px inside the padding: the headline fits into that share
    assert head["box"]["y"] == 340
    assert head["box"]["height"] <= 216 + 0.01
    assert sub["box"]["y"] == pytest.approx(head["box"]["y"] + head["box"]["height"] + 20, abs=0.05)
    assert head["size"] > 60 and len(head["lines"]) == 2  # it grew into the share (its width caps it), not to a default


def test_text_in_a_row_hugs_its_width():
    got = boxes([{"type": "stack", "box": {"x": 0, "y": 0, "width": 600, "height": 100}, "direction": "row", "gap": 10, "align": "center",
                  "elements": [{"type": "text", "id": "price", "text": "€129", "font": {"family": "Inter", "size": 40}, "wrap": "none"},
                               rect("cta", box={"width": 100, "height": 40})]}])
    price = got["price"]
    assert 60 < price[2] < 140
    assert got["cta"][0] == price[2] + 10
    assert price[1] == pytest.approx((100 - 48) / 2, abs=0.01)  # one line of 40 px at line_height 1.2, centred


def test_overflowing_stack_is_an_error_naming_its_children():
    with pytest.raises(SpecError) as e:
        boxes([{"type": "stack", "id": "s", "box": {"x": 0, "y": 0, "width": 100, "height": 200},
                "elements": [rect("a", box={"height": 150}), rect("b", box={"height": 100})]}])
    assert str(e.value) == (
        "<spec>:1:1: elements[0]: stack 's' does not fit its content: its children need 250 px but its height inside the "
        "padding is 200 px; 50 px short (a 150 px, b 100 px); shorten the text, lower a min_size, or give the stack more room"
    )


def test_text_that_overflows_a_stack_is_a_text_fit_error():
    with pytest.raises(TextFitError, match="stack 's' does not fit its content"):
        boxes([{"type": "stack", "id": "s", "box": {"x": 0, "y": 0, "width": 200, "height": 60},
                "elements": [{"type": "text", "text": "one two three four five six seven", "font": {"size": 30}}]}])


@pytest.mark.parametrize("element, message", [
    ({"type": "stack", "elements": []},
     "<spec>:1:1: elements[0]: a stack needs a box (x, y, width, height) unless it sits inside another stack"),
    ({"type": "rect", "box": {"x": 0, "y": 0, "width": 10, "height": 10}, "flex": {"grow": 1}},
     "<spec>:1:1: elements[0].flex: flex only applies to elements inside a stack; use box here, or put the element in a stack"),
    ({"type": "rect", "box": {"x": 0, "y": 0, "width": "auto", "height": 10}},
     "<spec>:1:1: elements[0].box.width: invalid width 'auto'; allowed: a length (auto sizes only work inside a stack)"),
    ({"type": "stack", "box": {"width": 100, "height": 100}, "elements": [{"type": "line", "points": [[0, 0], [1, 1]]}]},
     "<spec>:1:1: elements[0].elements[0].type: a line cannot sit in a stack (its points are canvas coordinates); "
     "put it outside the stack, or use a thin rect"),
    ({"type": "stack", "box": {"width": 100, "height": 100}, "elements": [{"type": "image", "id": "pic", "src": "a.png"}]},
     "<spec>:1:1: elements[0].elements[0]: image 'pic' got no height in its stack; give its box a height, "
     "or let it grow (flex: {grow: 1})"),
])
def test_stack_mistakes(element, message):
    with pytest.raises(PlacardError) as e:
        boxes([element])
    assert str(e.value) == message


def test_position_inside_a_stack_is_refused_at_its_line(write_spec):
    p = write_spec("""
        version: 1
        canvas: {width: 400, height: 300}
        elements:
          - type: stack
            box: {x: 0, y: 0, width: 400, height: 300}
            elements:
              - {type: rect, box: {x: 12, height: 10}}
        """)
    with pytest.raises(SpecError) as e:
        composer.validate(p)
    assert str(e.value) == (f"{p}:7:31: elements[0].elements[0].box.x: x has no effect inside a stack (the stack places its "
                            "children); remove it, or use gap, padding, justify or a spacer")


def test_bad_padding_lists_what_is_allowed(write_spec):
    p = write_spec("""
        version: 1
        canvas: {width: 400, height: 300}
        elements:
          - {type: stack, box: {width: 400, height: 300}, padding: [1, 2, 3]}
        """)
    with pytest.raises(SpecError) as e:
        composer.validate(p)
    assert str(e.value) == (f"{p}:4:60: elements[0].padding: invalid padding [1, 2, 3]; allowed: one length, "
                            "[vertical, horizontal] or [top, right, bottom, left]")


def test_taffy_nodes_are_freed_after_layout():
    from composer.layout import flexbox
    tree = flexbox.Tree()
    first = tree.node(None)
    tree.drop()
    for _ in range(3):
        boxes([{"type": "stack", "box": {"x": 0, "y": 0, "width": 300, "height": 300},
                "elements": [{"type": "text", "text": "measured", "font": {"size": 20}}, rect("r", box={"height": 10})]}])
    tree = flexbox.Tree()
    again = tree.node(None)
    tree.drop()
    assert again & 0xFFFFFFFF == first & 0xFFFFFFFF  # Taffy reuses the freed slot: nothing was left behind


def test_stack_panel_is_drawn_under_its_children(tmp_path):
    spec = {"version": 1, "canvas": {"width": 200, "height": 200}, "background": {"style": "flat"},
            "elements": [{"type": "stack", "id": "card", "box": {"x": 20, "y": 20, "width": 160, "height": 160}, "padding": 20,
                          "fill": "#FF0000", "elements": [rect("inner", box={"height": 40}, fill="#00FF00")]}],
            "outputs": ["png"]}
    result = composer.build(spec, tmp_path, name="panel")
    im = result.image
    assert im.getpixel((30, 30)) == (255, 0, 0)  # the panel, inside the padding
    assert im.getpixel((100, 50)) == (0, 255, 0)  # the child, over the panel
    assert [e["id"] for e in result.report["elements"]] == ["card", "card-panel", "inner"]


@pytest.mark.parametrize("limit", ["50%", 100])
def test_a_text_height_limit_clamps_and_ellipsis_cuts(tmp_path, limit):
    spec = {"version": 1, "canvas": {"width": 400, "height": 400}, "background": {"style": "flat"}, "outputs": ["png"],
            "elements": [{"type": "stack", "box": {"x": 0, "y": 0, "width": 400, "height": 200}, "elements": [
                {"type": "text", "id": "t", "text": "one two three four five six seven eight nine ten eleven twelve",
                 "font": {"family": "Inter", "size": 40}, "box": {"height": limit}, "overflow": "ellipsis"},
                rect("r", box={"height": 10})]}]}
    rep = {e["id"]: e for e in composer.build(spec, tmp_path, name="limit").report["elements"]}
    assert rep["t"]["lines"] == ["one two three four", "five six seven eigh…"]
    assert rep["r"]["box"]["y"] == rep["t"]["box"]["height"] <= 100  # 50% of the stack, or 100 px
