"""One design, many variants: the campaign's template, its sizes, and each variant's loaded spec.

A `Campaign` is what every worker needs (sent once per worker process or Ray task batch). For a
(row, size) pair it makes the variant's spec: the size's layout preset in place of the spec's own,
the slots that preset lacks dropped with a warning, placeholders filled, then the usual brand and
layout merge and validation of composer.spec.loader.
"""

from __future__ import annotations

import copy
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from composer.campaign import substitute as sub
from composer.core.errors import Location, PlacardError, SpecError
from composer.core.warnings import Warning, collecting, warn
from composer.spec.loader import LoadedSpec, _merge_brand, _merge_layout, available_layouts, layout_path, validate
from composer.spec.yamlload import Positions, format_path, load_yaml_file

CAMPAIGN_KEYS = ("data", "name", "sizes")
MAX_NAME_CHARS = 150
_UNSAFE = re.compile(r"[^\w.+@=-]+")


@dataclass
class Campaign:
    """The template of a campaign and the options every variant shares."""

    display: str  # the spec file as the user named it
    spec_name: str
    base_dir: Path
    raw: dict  # the spec's own data, without data/name/sizes
    positions: Positions
    name_template: str | None
    sizes: list[str | None]  # layout presets; [None] builds the spec's own layout
    data_display: str | None = None
    options: Any = None  # composer.pipeline.BuildOptions
    strict: bool = False
    slot_kinds: dict[str | None, dict[str, tuple[str, bool]]] = field(default_factory=dict)

    def short(self, size: str | None) -> str:
        """`${size}`: the last part of the preset name (`story` for `social/story`)."""
        name = size or self.raw.get("layout") or "custom"
        return Path(str(name)).name.removesuffix(".yaml").removesuffix(".yml")

    def variant_name(self, row: int | None, values: dict[str, str], size: str | None) -> str:
        """The variant's output name, sanitised into one path segment."""
        if self.name_template is None:
            parts = [self.spec_name] + ([str(row)] if row is not None else []) + [self.short(size)]
            return sanitise("-".join(parts))
        value = sub.render(self.name_template, {**values, **builtins(row, self.short(size))})
        return sanitise("" if value is sub.ABSENT else value)


def builtins(row: int | None, short: str) -> dict[str, str]:
    """`${row}` and `${size}` (they win over data columns of the same name)."""
    return {"row": "" if row is None else str(row), "size": short}


def sanitise(name: str) -> str:
    """One safe path segment: no separators, no leading dot, nothing outside letters, digits and `.+@=-_`."""
    out = _UNSAFE.sub("-", name.strip()).strip("-.")[:MAX_NAME_CHARS].strip("-.")
    if not out:
        raise PlacardError(f"variant name {name!r} is empty once made safe for a file name; set `name:` to use a column")
    return out


def from_spec(spec: Path | dict, display: str, *, sizes: list[str] | None, options: Any, strict: bool) -> tuple[Campaign, str | None]:
    """Read a campaign spec (a file, or a dict whose paths are relative to the working folder);
    returns the campaign and its `data:` value (None without one)."""
    if isinstance(spec, dict):
        data, positions, base, spec_name = copy.deepcopy(spec), Positions(display), Path.cwd().resolve(), "spec"
    else:
        data, positions = load_yaml_file(spec, display=display)
        base, spec_name = spec.parent.resolve(), spec.name.split(".")[0]
    if not isinstance(data, dict):
        raise SpecError("a spec must be a mapping of keys (version, canvas, elements, ...)", location=positions.locate(()))
    raw = {k: v for k, v in data.items() if k not in CAMPAIGN_KEYS}
    name_t = data.get("name")
    if name_t is not None and not isinstance(name_t, str):
        raise SpecError(f"invalid name {name_t!r}; allowed: a string such as \"${{sku}}-${{size}}\"", location=positions.locate(("name",)), path="name")
    data_v = data.get("data")
    if data_v is not None and not isinstance(data_v, str):
        raise SpecError(f"invalid data {data_v!r}; allowed: a CSV, JSON or JSONL file beside the spec", location=positions.locate(("data",)), path="data")
    spec_sizes = data.get("sizes")
    if spec_sizes is not None and (not isinstance(spec_sizes, list) or not all(isinstance(s, str) for s in spec_sizes) or not spec_sizes):
        raise SpecError(f"invalid sizes {spec_sizes!r}; allowed: a list of layout presets such as [social/post, social/story]",
                        location=positions.locate(("sizes",)), path="sizes")
    camp = Campaign(display, spec_name, base, raw, positions, name_t, [None],
                    options=options, strict=strict)
    where = positions.locate(("sizes",)) if sizes is None else None  # --sizes has no place in the file
    camp.sizes = resolve_sizes(camp, sizes if sizes is not None else spec_sizes, where)
    return camp, data_v


def resolve_sizes(camp: Campaign, sizes: list[str] | None, location: Location | None) -> list[str | None]:
    """Check size presets (short names like `story` resolve in the spec's layout family)."""
    if not sizes:
        return [None]
    known = available_layouts()
    family = str(camp.raw.get("layout") or "").rpartition("/")[0]
    out: list[str | None] = []
    for s in sizes:
        s = s.strip()
        if s.endswith((".yaml", ".yml")):  # a layout file of the user's own (resolved like `layout:`)
            layout_path(s, camp.base_dir, location)
            out.append(s)
            continue
        name = s if s in known else f"{family}/{s}" if family and f"{family}/{s}" in known else None
        if name is None:
            hint = difflib.get_close_matches(s, known, n=1) or (difflib.get_close_matches(f"{family}/{s}", known, n=1) if family else [])
            did = f"did you mean {hint[0]!r}? " if hint else ""
            raise SpecError(f"unknown size preset {s!r}; {did}known presets: {', '.join(known)}, or a path to a .yaml layout",
                            location=location, path="sizes" if location else "--sizes")
        if name not in out:
            out.append(name)
    return out


def slot_kinds(camp: Campaign, size: str | None) -> dict[str, tuple[str, bool]]:
    """The preset's slots: {slot: (element type, markup on)} (cached per size).

    Slots inside stacks and groups count; a layout's `aliases:` name the same slot as their target;
    a slot the layout `omits:` by design maps to ("omitted", False): it is kept, and the loader
    leaves it out (LoadedSpec.omitted_slots) without a campaign warning.
    """
    if size not in camp.slot_kinds:
        layout = size or camp.raw.get("layout")
        kinds: dict[str, tuple[str, bool]] = {}

        def visit(items: Any) -> None:
            for el in items if isinstance(items, list) else []:
                if not isinstance(el, dict):
                    continue
                if isinstance(el.get("slot"), str) and el["slot"] not in kinds:
                    kinds[el["slot"]] = (str(el.get("type")), el.get("markup", True) is not False)
                visit(el.get("elements"))

        if isinstance(layout, str):
            path, display = layout_path(layout, camp.base_dir, camp.positions.locate(("layout",)))
            ldata, _ = load_yaml_file(path, display=display)
            ldata = ldata if isinstance(ldata, dict) else {}
            visit(ldata.get("elements"))
            aliases = given_aliases if isinstance(given_aliases := ldata.get("aliases"), dict) else {}
            for alias, target in aliases.items():
                if isinstance(target, str) and target in kinds and alias not in kinds:
                    kinds[alias] = kinds[target]
            omits = given_omits if isinstance(given_omits := ldata.get("omits"), list) else []
            for slot in omits:
                kinds.setdefault(str(slot), ("omitted", False))
        camp.slot_kinds[size] = kinds
    return camp.slot_kinds[size]


@dataclass
class Variant:
    """A variant's spec, loaded, with what the campaign changed (warnings) and which columns went where."""

    loaded: LoadedSpec | None
    merged: dict
    warnings: list[Warning]  # the campaign's own (size-slots-dropped) and the loader's, in the order found
    used: dict[tuple, list[str]]


def make_variant(camp: Campaign, row: int | None, values: dict[str, str], size: str | None, name: str) -> Variant:
    """Fill the template for one row and size, merge the preset and validate (SpecError on mistakes)."""
    with collecting() as found:
        return _make_variant(camp, row, values, size, name, found)


def _make_variant(camp: Campaign, row: int | None, values: dict[str, str], size: str | None, name: str,
                  warnings: list[Warning]) -> Variant:
    data = dict(camp.raw)
    if size is not None:
        data["layout"] = size
        if size != camp.raw.get("layout") and isinstance(data.get("canvas"), dict):
            # the preset decides the canvas size; the spec keeps its dpi, bleed and colour
            data["canvas"] = {k: v for k, v in data["canvas"].items() if k not in ("width", "height", "preset")}
        kinds = slot_kinds(camp, size)
        slots = given_slots if isinstance(given_slots := data.get("slots"), dict) else {}
        dropped = [s for s in slots if s not in kinds]
        if dropped:
            data["slots"] = {k: v for k, v in slots.items() if k in kinds}
            loc = camp.positions.locate(("slots", dropped[0]), key=True)
            warn("size-slots-dropped",
                 f"size {camp.short(size)!r} ({size}) has no slot {', '.join(map(repr, dropped))}; not drawn in this size",
                 location=loc, path=f"slots.{dropped[0]}")
    kinds = slot_kinds(camp, size)

    def is_markup(path: tuple) -> bool:
        if len(path) >= 2 and path[0] == "slots":
            kind, markup = kinds.get(path[1], ("", False))
            if kind != "text" or len(path) > 3 or (len(path) == 3 and path[2] != "text"):
                return False
            slot = data["slots"].get(path[1])
            return markup and not (isinstance(slot, dict) and slot.get("markup") is False)
        if len(path) == 3 and path[0] == "elements" and path[2] == "text":
            el = data["elements"][path[1]]
            return isinstance(el, dict) and el.get("type") == "text" and el.get("markup", True) is not False
        return False

    used: dict[tuple, list[str]] = {}
    values = {**values, **builtins(row, camp.short(size))}
    filled = sub.drop_empty(sub.substitute(data, values, is_markup, used), data)
    positions = Positions(camp.positions.file, dict(camp.positions.marks), dict(camp.positions.key_marks))
    omitted: list[str] = []
    allowed = tuple(Path(d).resolve() for d in (camp.options.allow_dirs if camp.options is not None else ()))
    branded, brand_dir = _merge_brand(filled, positions, camp.base_dir, allowed)
    merged = _merge_layout(branded, positions, camp.base_dir, omitted, allowed)
    variant = Variant(None, merged, warnings, used)
    spec = validate(merged, positions)
    variant.loaded = LoadedSpec(spec, positions, camp.base_dir, name, camp.display, merged, tuple(omitted),
                                allow_dirs=allowed, brand_dir=brand_dir)
    return variant


def columns_for(err: PlacardError, variant: Variant | None, template_raw: dict) -> list[str]:
    """Which data columns fed the field an error is about (for `products.csv:17: price: ...`)."""
    if variant is None or not variant.used:
        return []
    targets: set[tuple] = set()
    path = err.path or ""
    m = re.match(r"elements\[(\d+)\]", path)
    el = None
    if m and isinstance(variant.merged.get("elements"), list) and int(m.group(1)) < len(variant.merged["elements"]):
        el = variant.merged["elements"][int(m.group(1))]
    ids = set(re.findall(r'"([^"]+)"', err.message))
    if isinstance(el, dict):
        ids |= {el.get("slot"), el.get("id")}
    if path.startswith("slots."):
        ids.add(path.split(".")[1])
    own = given_own if isinstance(given_own := template_raw.get("elements"), list) else []
    for p in variant.used:
        if p[:1] == ("slots",) and len(p) > 1 and p[1] in ids:
            targets.add(p)
        elif p[:1] == ("elements",) and len(p) > 1 and isinstance(own[p[1]], dict) and own[p[1]].get("id") in ids:
            targets.add(p)
        elif format_path(p) == path:
            targets.add(p)
    cols: list[str] = []
    for p in sorted(targets, key=str):
        cols += [c for c in variant.used[p] if c not in cols and c not in ("row", "size")]
    return cols


def copy_template(camp: Campaign) -> Campaign:
    """A copy safe to hand to another process (slot caches stay per process)."""
    c = copy.copy(camp)
    c.slot_kinds = {}
    return c
