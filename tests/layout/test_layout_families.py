"""Layout families: every size builds from one slots file, shows the slots it promises, and stays on the canvas."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import composer
from composer.core.errors import SpecError
from composer.lint import _bounds, _overlaps
from composer.spec.loader import load_spec

ROOT = Path(__file__).resolve().parents[2]
SLOTS = {
    "kicker": "Spring collection",
    "headline": "Trail runners built for the long way round",
    "subhead": "Grippy soles, recycled uppers and a fit that lasts past mile 30.",
    "price": "€129",
    "cta": "Shop now",
    "logo": "logo.svg",
    "art": {"prompt": "a trail running shoe", "seed": 7},
    "footer": "northwind.example/trail",
}
LONG = {**SLOTS,
        "headline": "The lightest, grippiest trail runners we have ever made, now in six colours and two widths",
        "subhead": "Grippy soles, recycled uppers and a fit that lasts past mile 30. Free returns for 60 days, "
                   "and we plant a tree for every pair you buy from us this spring."}
ALL = set(SLOTS)
# What each member shows; the rest of the family's slots it leaves out by design (`omits:` in the preset).
FAMILIES = {
    "social/post": ALL,
    "social/square": ALL,
    "social/story": ALL,
    "social/link-card": ALL - {"footer"},
    "ads/medium-rectangle": {"kicker", "headline", "price", "cta", "logo"},
    "ads/leaderboard": {"logo", "headline", "price", "cta"},
    "ads/skyscraper": {"logo", "kicker", "headline", "art", "price", "cta"},
    "ads/square": ALL,
    "print/a4": ALL,
    "print/a3": ALL,
    "print/letter": ALL,
}
SIZES = {"social/post": (1080, 1350), "social/square": (1080, 1080), "social/story": (1080, 1920),
         "social/link-card": (1200, 630), "ads/medium-rectangle": (300, 250), "ads/leaderboard": (728, 90),
         "ads/skyscraper": (160, 600), "ads/square": (1200, 1200)}


@pytest.fixture
def here(tmp_path, monkeypatch):
    """A spec folder holding the logo the slots name (dict specs resolve files from the working folder)."""
    shutil.copy(ROOT / "samples" / "assets" / "logo-dark.svg", tmp_path / "logo.svg")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def spec_for(layout: str, slots: dict) -> dict:
    spec = {"version": 1, "layout": layout, "slots": slots, "outputs": ["png"]}
    if layout.startswith("print/"):
        spec["canvas"] = {"dpi": 60}  # the same design in mm and pt, fewer pixels: a fast test
    return spec


@pytest.mark.parametrize("slots", [SLOTS, LONG], ids=["short", "long"])
@pytest.mark.parametrize("layout", list(FAMILIES))
def test_every_member_builds_from_one_slots_file(here, layout, slots):
    result = composer.build(spec_for(layout, slots), here / "out", name=layout.replace("/", "-"))
    report, comp = result.report, result.composition
    c = comp.layout.canvas
    if layout in SIZES:
        assert (c.width, c.height) == SIZES[layout]
    else:
        assert c.bleed > 0  # print: bleed for the PDF's crop marks
    ids = {e["id"] for e in report["elements"]}
    assert ids & ALL == FAMILIES[layout]
    assert set(report.get("omitted_slots", [])) == ALL - FAMILIES[layout]
    # nothing outside the canvas (art and colour fields may run into the bleed), no text over text
    problems = [p for p in _bounds(comp.layout, comp.legibility.texts) + _overlaps(comp.layout, comp.legibility.texts) if p.severity == "error"]
    assert problems == []
    for e in report["elements"]:
        if e["type"] in ("text", "image", "template"):
            b = e.get("ink_box") if e["type"] == "text" else e["box"]
            assert b["x"] >= 0 and b["y"] >= 0 and b["x"] + b["width"] <= c.width and b["y"] + b["height"] <= c.height, e["id"]
        if e["type"] == "text":
            assert e["legibility"]["met"], (e["id"], e["legibility"])


def test_a_longer_headline_moves_the_copy_below_it(here):
    # an auto-sized headline sets at its max_size until it needs more lines; then it takes them, up to its box height
    short = composer.build(spec_for("social/post", {**SLOTS, "headline": "Trail runners"}), here / "out", name="short").report
    long = composer.build(spec_for("social/post", SLOTS), here / "out", name="long").report
    y = {name: {e["id"]: e["box"] for e in rep["elements"]} for name, rep in (("short", short), ("long", long))}
    for name in y:
        head, sub = y[name]["headline"], y[name]["subhead"]
        assert sub["y"] == pytest.approx(head["y"] + head["height"] + 18, abs=0.05)  # the card's gap
    sizes = {e["id"]: e.get("size") for e in short["elements"]}
    assert sizes["headline"] == 96  # one line at its max_size
    assert y["long"]["headline"]["height"] > y["short"]["headline"]["height"] + 100
    assert y["long"]["subhead"]["y"] > y["short"]["subhead"]["y"]
    assert y["long"]["price"]["y"] == y["short"]["price"]["y"]  # the offer row stays at the card's foot


@pytest.mark.parametrize("sample, layout", [("social-post", "social/post"), ("story", "social/story"), ("link-card", "social/link-card")])
def test_samples_keep_their_slot_names(sample, layout):
    loaded = load_spec(ROOT / "samples" / f"{sample}.yaml")
    assert loaded.spec.layout == layout
    texts = {e.id: e.text for e in _walk(loaded.spec.elements) if e.type == "text"}
    assert "subhead" in texts  # `body` (post, story) and `description` (link card) are aliases of subhead
    raw = (ROOT / "samples" / f"{sample}.yaml").read_text()
    assert texts["subhead"][:20] in raw


def _walk(elements):
    for e in elements:
        yield e
        yield from _walk(getattr(e, "elements", None) or [])


def test_alias_and_its_target_together_are_refused(write_spec):
    p = write_spec("""
        version: 1
        layout: social/post
        slots:
          subhead: one
          body: two
        """)
    with pytest.raises(SpecError) as e:
        composer.validate(p)
    assert str(e.value) == f"{p}:5:3: slots.body: slots 'body' and 'subhead' fill the same slot of layout 'social/post'; give only one of them"


def test_unknown_slot_lists_the_slots_inside_stacks(write_spec):
    p = write_spec("""
        version: 1
        layout: ads/leaderboard
        slots:
          headlin: typo
        """)
    with pytest.raises(SpecError) as e:
        composer.validate(p)
    assert str(e.value) == (f"{p}:4:3: slots.headlin: layout 'ads/leaderboard' has no slot 'headlin'; did you mean 'headline'? "
                            "slots: logo, headline, price, cta")


def test_a_container_whose_slots_are_all_empty_is_left_out(here):
    loaded = load_spec(spec_for("ads/medium-rectangle", {"headline": "Only a headline"}))
    kinds = [(e.type, e.id) for e in _walk(loaded.spec.elements)]
    assert ("stack", "logo-plate") not in kinds  # no logo: no empty paper plate
    assert [i for t, i in kinds if t == "text"] == ["headline"]
