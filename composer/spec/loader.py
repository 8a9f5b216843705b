"""Spec loading: YAML with positions, layout presets and brand files merged, then validated."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from composer.spec import model as specmod
from composer.core.errors import Location, PlacardError, SpecError
from composer.core.warnings import Warning
from composer.core.resources import data_dir
from composer.spec.yamlload import Positions, format_path, load_yaml_file

_E = TypeVar("_E", bound=PlacardError)


@dataclass
class LoadedSpec:
    """A validated spec and everything needed to report errors against its source."""

    spec: specmod.Spec
    positions: Positions
    base_dir: Path
    name: str
    file: str
    raw: dict[str, object]  # the spec's data as merged (presets, brand), before validation
    omitted_slots: tuple[str, ...] = ()  # slots the spec filled that its layout leaves out by design (`omits:`)
    warnings: list[Warning] = field(default_factory=list)  # what `composer.validate` found to warn about
    allow_dirs: tuple[Path, ...] = ()  # folders besides base_dir that the spec's files may come from
    brand_dir: Path | None = None  # the folder of a `brand: file.yaml`: the base of the brand's own paths

    def locate(self, path: tuple) -> str:
        return str(self.positions.locate(path))

    def roots(self, extra: tuple[Path, ...] = ()) -> tuple[Path, ...]:
        """The allowed folders for a file the spec names (besides base_dir)."""
        return tuple(dict.fromkeys((*self.allow_dirs, *extra)))

    def brand_roots(self, extra: tuple[Path, ...] = ()) -> tuple[Path, tuple[Path, ...]]:
        """(base, allowed folders) for a file the brand names: relative to the brand file, which is allowed too."""
        if self.brand_dir is None:
            return self.base_dir, self.roots(extra)
        return self.brand_dir, self.roots((*extra, self.base_dir))


def load_spec(source: str | Path | dict, *, name: str | None = None, base_dir: Path | None = None,
              allow_dirs: Iterable[str | Path] = ()) -> LoadedSpec:
    """Load a spec from a file path or a plain dict; `allow_dirs` are further folders its files may come from."""
    allowed = tuple(Path(d).resolve() for d in (allow_dirs or ()))
    if isinstance(source, dict):
        _check_plain_data(source, name or "<spec>")
        data = copy.deepcopy(source)
        file = name or "<spec>"
        positions = Positions(file)
        base = (base_dir or Path.cwd()).resolve()
    else:
        path = Path(source)
        file = str(source)
        data, positions = load_yaml_file(path, display=file)
        base = (base_dir or path.parent).resolve()
        name = name or path.name.split(".")[0]
    if not isinstance(data, dict):
        raise SpecError(
            f"a spec must be a mapping of keys (version, canvas, elements, ...), got {_kind(data)}",
            location=positions.locate(()),
        )
    data, brand_dir = _merge_brand(data, positions, base, allowed)
    omitted: list[str] = []
    data = _merge_layout(data, positions, base, omitted, allowed)
    spec = validate(data, positions)
    return LoadedSpec(spec, positions, base, name or "spec", file, data, tuple(omitted), allow_dirs=allowed,
                      brand_dir=brand_dir)


def _kind(v: Any) -> str:
    return {type(None): "an empty document", list: "a list", str: "a string"}.get(type(v), type(v).__name__)


def _merge_brand(data: dict, positions: Positions, base: Path, allowed: tuple[Path, ...]) -> tuple[dict, Path | None]:
    """Replace `brand: path.yaml` with the brand file's contents (its positions kept); returns the brand's folder.

    The brand's own paths (logo, font_dirs, lora) stay as written: they are relative to the brand file.
    """
    brand = data.get("brand")
    if not isinstance(brand, str):
        return data, None
    from composer.core.paths import resolve_path

    path = resolve_path(brand, base, allowed, field="brand", location=positions.locate(("brand",)), kind="file")
    bdata, bpos = load_yaml_file(path, display=_display(path, base))
    if not isinstance(bdata, dict):
        raise SpecError("a brand file must be a mapping (colors, fonts, logo)", location=bpos.locate(()))
    positions.graft(bpos, (), ("brand",))
    data["brand"] = bdata
    return data, path.parent


def _display(path: Path, base: Path) -> str:
    """How a file the spec pulled in is named in messages: relative to the spec's folder when it can be."""
    import os

    try:
        return os.path.relpath(path, base)
    except ValueError:  # another drive on Windows
        return str(path)


def _check_plain_data(data: dict, file: str) -> None:
    """Give a dict spec the YAML loader's limits on depth and value count (no RecursionError later)."""
    from composer.core.errors import Location
    from composer.spec.yamlload import MAX_DEPTH, MAX_NODES

    from composer.core.limits import MAX_SPEC_CHARS, MAX_STRING_CHARS
    from composer.spec.yamlload import _NOT_XML

    stack: list[tuple[Any, int]] = [(data, 0)]
    count = chars = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if isinstance(node, str):  # the same string limits as a YAML file (issue 16)
            chars += len(node)
            bad = _NOT_XML.search(node)
            if len(node) > MAX_STRING_CHARS or chars > MAX_SPEC_CHARS or bad:
                why = (f"the character U+{ord(bad.group(0)):04X} cannot appear in a poster's text or SVG" if bad
                       else f"a string of {len(node):,} characters; at most {MAX_STRING_CHARS} characters are allowed"
                       if len(node) > MAX_STRING_CHARS else f"its strings add up to more than {MAX_SPEC_CHARS:,} characters")
                raise SpecError(f"{why}; refused", location=Location(file))
        if depth > MAX_DEPTH:
            raise SpecError(f"the document nests deeper than {MAX_DEPTH} levels; refused", location=Location(file))
        if count > MAX_NODES:
            raise SpecError(f"the document holds more than {MAX_NODES:,} values; refused", location=Location(file))
        if isinstance(node, (dict, list, tuple)):  # a cycle ends at the depth limit
            stack.extend((v, depth + 1) for v in (node.values() if isinstance(node, dict) else node))


def layout_path(name: str, base: Path, location: Location | None, allowed: tuple[Path, ...] = ()) -> tuple[Path, str]:
    """Find a layout preset by name (`poster/hero-top`) or by a path inside the spec's or an allowed folder."""
    if name.endswith((".yaml", ".yml")):
        from composer.core.paths import resolve_path

        p = resolve_path(name, base, allowed, field="layout", location=location, kind="file")
        return p, name
    root = data_dir("layouts")
    try:
        candidate = (root / f"{name}.yaml").resolve()
        if candidate.is_relative_to(root.resolve()) and candidate.is_file():
            return candidate, f"layouts/{name}.yaml"
    except (OSError, ValueError):  # a NUL byte or an over-long name is no preset either
        pass
    names = available_layouts()
    import difflib  # here: only a mistake needs it (a cold build skips the import)

    hint = difflib.get_close_matches(name, names, n=1)
    did = f"did you mean {hint[0]!r}? " if hint else ""
    raise SpecError(
        f"unknown layout {name!r}; {did}allowed: {', '.join(names)}, or a path to a .yaml file",
        location=location,
        path="layout",
    )


def available_layouts() -> list[str]:
    """Names of the built-in layout presets."""
    root = data_dir("layouts")
    return sorted(str(p.relative_to(root).with_suffix("")) for p in root.rglob("*.yaml"))


def _merge_layout(data: dict, positions: Positions, base: Path, omitted: list[str] | None = None,
                  allowed: tuple[Path, ...] = ()) -> dict:
    """Merge a layout preset under the spec: preset first, the spec's own keys win."""
    name = data.get("layout")
    if name is None:
        if data.get("slots"):
            raise SpecError(
                "slots need a layout; add `layout: NAME` (one of: " + ", ".join(available_layouts()) + ")",
                location=positions.locate(("slots",), key=True),
                path="slots",
            )
        return data
    if not isinstance(name, str):
        raise SpecError(f"invalid layout {name!r}; allowed: a preset name or a path", location=positions.locate(("layout",)), path="layout")
    path, display = layout_path(name, base, positions.locate(("layout",)), allowed)
    ldata, lpos = load_yaml_file(path, display=display)
    if not isinstance(ldata, dict):
        raise SpecError("a layout must be a mapping", location=lpos.locate(()))
    merged: dict[str, Any] = {}
    merged_pos = Positions(positions.file)
    # Keys the spec gives win; mappings (canvas, background, brand) merge one level deep.
    for key, value in ldata.items():
        if key in ("description", "slots_doc", "name", "aliases", "omits"):
            continue
        if key == "elements":
            continue
        merged[key] = copy.deepcopy(value)
        merged_pos.graft(lpos, (key,), (key,))
    for key, value in data.items():
        if key == "elements":
            continue
        if isinstance(value, dict) and isinstance(merged.get(key), dict) and key != "slots":
            for k, v in value.items():
                if isinstance(v, dict) and isinstance(merged[key].get(k), dict):
                    merged[key][k] = {**merged[key][k], **v}
                else:
                    merged[key][k] = v
                merged_pos.graft(positions, (key, k), (key, k))
        else:
            merged[key] = value
            merged_pos.graft(positions, (key,), (key,))
    for table in ("marks", "key_marks"):
        for p in (("layout",), ("slots",), ()):
            if p in getattr(positions, table):
                getattr(merged_pos, table)[p] = getattr(positions, table)[p]
    slots = data.get("slots") or {}
    if not isinstance(slots, dict):
        raise SpecError("slots must be a mapping of slot name to content", location=positions.locate(("slots",)), path="slots")
    slots = _apply_aliases(slots, ldata, positions, name)
    layout_elements = ldata.get("elements") or []
    declared = list(dict.fromkeys(_declared(layout_elements)))
    omits = [str(o) for o in ldata.get("omits") or []] if isinstance(ldata.get("omits") or [], list) else []
    for slot in slots:
        if slot in omits and slot not in declared:
            if omitted is not None:
                omitted.append(slot)
            continue
        if slot not in declared:
            import difflib  # here: only a mistake needs it (a cold build skips the import)

            hint = difflib.get_close_matches(str(slot), declared, n=1)
            did = f"did you mean {hint[0]!r}? " if hint else ""
            raise SpecError(
                f"layout {name!r} has no slot {slot!r}; {did}slots: {', '.join(declared)}",
                location=positions.locate(("slots", slot), key=True),
                path=f"slots.{slot}",
            )
    brand = data.get("brand") if isinstance(data.get("brand"), dict) else ldata.get("brand")
    ctx = (slots, brand, positions, lpos, merged_pos)
    elements = _fill_elements(layout_elements, ctx, ("elements",), ("elements",))
    for j, el in enumerate(data.get("elements") or []):
        merged_pos.graft(positions, ("elements", j), ("elements", len(elements)))
        elements.append(el)
    merged["elements"] = elements
    merged.pop("slots", None)
    positions.marks, positions.key_marks = merged_pos.marks, merged_pos.key_marks
    return merged


def _declared(items: list) -> list[str]:
    """Slot names of a layout's elements, stacks' and groups' children included, in order."""
    out = []
    for el in items:
        if isinstance(el, dict):
            if el.get("slot") and isinstance(el["slot"], str):
                out.append(el["slot"])
            if isinstance(el.get("elements"), list):
                out += _declared(el["elements"])
    return out


def _apply_aliases(slots: dict, ldata: dict, positions: Positions, name: str) -> dict:
    """Rename alias slots (`aliases: {body: subhead}` in a layout) to the names the layout's elements use."""
    aliases = ldata.get("aliases") or {}
    if not isinstance(aliases, dict) or not any(a in slots for a in aliases):
        return slots
    out = dict(slots)
    for alias, target in aliases.items():
        if alias not in out or not isinstance(target, str):
            continue
        if target in slots:
            raise SpecError(
                f"slots {alias!r} and {target!r} fill the same slot of layout {name!r}; give only one of them",
                location=positions.locate(("slots", alias), key=True), path=f"slots.{alias}",
            )
        out[target] = out.pop(alias)
        for table in (positions.marks, positions.key_marks):
            for k, mark in list(table.items()):
                if k[:2] == ("slots", alias):
                    table[("slots", target) + k[2:]] = mark
    return out


def _fill_elements(items: list, ctx: tuple, src: tuple, dst: tuple) -> list:
    """A layout's elements with slots filled and unfilled slots left out, recursing into stacks and groups."""
    slots, brand, positions, lpos, merged_pos = ctx
    out: list[Any] = []
    for i, el in enumerate(items):
        slot = el.get("slot") if isinstance(el, dict) and isinstance(el.get("slot"), str) else None
        if slot:
            if slot not in slots:
                brand_logo = el.get("type") == "image" and isinstance(brand, dict) and brand.get("logo")
                if not el.get("keep") and not brand_logo:
                    continue  # an unfilled slot is left out; image slots fall back to the brand's logo
            el = _fill_slot(copy.deepcopy(el), slots.get(slot), positions, slot)
        elif isinstance(el, dict):
            el = copy.deepcopy(el)
        el = {k: v for k, v in el.items() if k not in ("optional", "keep")} if isinstance(el, dict) else el
        here = dst + (len(out),)
        merged_pos.graft(lpos, src + (i,), here)
        if isinstance(el, dict) and el.get("type") in ("stack", "group") and isinstance(el.get("elements"), list):
            kids = el["elements"]
            el["elements"] = _fill_elements(kids, ctx, src + (i, "elements"), here + ("elements",))
            if kids and not el["elements"]:
                continue  # every slot in it was left out: so is the container (and its panel)
        if slot in slots and isinstance(el, dict):
            given = slots[slot]
            keys = set(given) if isinstance(given, dict) else set(SLOT_KEYS.get(str(el.get("type")), ())[:1])
            positions.slot_of[format_path(here)] = (slot, positions.locate(("slots", slot)), keys)
            if isinstance(el.get("type"), str) and el["type"] in SLOT_KEYS:
                for k in _slot_keys(given):
                    merged_pos.graft(positions, ("slots", slot) + k, here + _slot_target(el, k))
        out.append(el)
    return out


def _slot_keys(value: Any) -> list[tuple]:
    return [(k,) for k in value] if isinstance(value, dict) else [()]


# The key a plain string (or number) given to a slot fills, by the slot element's type.
SLOT_KEYS: dict[str, tuple[str, ...]] = {
    "text": ("text",), "image": ("src",), "template": ("params", "text"), "icon": ("name",), "stat": ("value",),
    "progress": ("value",), "qr": ("data",), "illustration": ("prompt",),
}


def _slot_target(el: dict, k: tuple) -> tuple:
    if k:
        return k
    return SLOT_KEYS.get(str(el.get("type")), ("text",))


def name_slot(e: _E, positions: Positions) -> _E:
    """Say `slots.NAME` instead of `elements[i]` in an error about an element a slot filled (in a stack too)."""
    import re

    path = getattr(e, "path", None) or ""
    found = [k for k in positions.slot_of if path == k or path.startswith((k + ".", k + "["))]
    if found:
        key = max(found, key=len)
        rest = path[len(key):]
        name, at, keys = positions.slot_of[key]
        e.path = f"slots.{name}{rest}"
        first = re.match(r"^\.?([A-Za-z_]+)", rest)
        in_given = first is None or first.group(1) in keys
        if in_given and (e.location is None or e.location.file != positions.file):
            e.location = at  # a mistake in what the slot was given: the spec's own line, not the preset's
    return e


def _fill_slot(el: dict, value: Any, positions: Positions, slot: str) -> dict:
    """Put a slot's content into its layout element: a string is the text (or image src)."""
    if value is None:
        return el
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, dict) and isinstance(el.get(k), dict):
                el[k] = {**el[k], **v}
            else:
                el[k] = v
        return el
    if isinstance(value, str) and el.get("type") == "illustration":
        return _illustration_slot(el, value)
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        keys = SLOT_KEYS.get(el["type"]) if isinstance(el.get("type"), str) else None
        if keys is None:
            return el  # a companion shape (a panel behind the slot's text): shown when the slot is filled
        target = el
        for k in keys[:-1]:
            target = target.setdefault(k, {})
        # stat and progress values stay numbers; every other main key is text
        target[keys[-1]] = value if el.get("type") in ("stat", "progress") else str(value)
        return el
    raise SpecError(
        f"invalid slot content {value!r}; allowed: a string, or a mapping of the element's keys",
        location=positions.locate(("slots", slot)),
        path=f"slots.{slot}",
    )


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".svg")


def _illustration_slot(el: dict, value: str) -> dict:
    """An image-like slot (art, photo) takes an image file in place of its prompt, or a prompt."""
    if not value.strip().lower().endswith(IMAGE_SUFFIXES):
        el["prompt"] = value
        return el
    keep = {k: el[k] for k in ("id", "slot", "box", "opacity", "flex") if k in el}  # flex: inside a stack
    radius = el.get("radius", 24) if el.get("blend") == "rounded" else 0
    return {**keep, "type": "image", "src": value, "fit": "cover", "radius": radius}


# --------------------------------------------------------------------------- validation errors


def validate(data: dict, positions: Positions) -> specmod.Spec:
    """Validate merged data into a Spec; the first problem becomes one readable SpecError."""
    try:
        return specmod.Spec.model_validate(data)
    except ValidationError as exc:
        raise name_slot(_to_spec_error(exc, data, positions), positions) from None


def _data_path(loc: tuple, data: Any) -> tuple:
    """Drop pydantic's union/tag segments from a loc so it matches the document's path."""
    out: list[Any] = []
    node = data
    prev: Any = None
    for part in loc:
        if isinstance(prev, int) and isinstance(node, dict) and part == node.get("type"):
            prev = part
            continue  # the discriminator tag pydantic puts after a list index
        prev = part
        if isinstance(node, dict) and part in node:
            out.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out.append(part)
            node = node[part]
        elif isinstance(node, dict) and part not in node:
            # a discriminator tag ("text"), a union branch name ("str", "Gradient"), or a missing key
            if isinstance(part, str) and (part == node.get("type") or _looks_like_branch(part)):
                continue
            out.append(part)
            node = None
        else:
            if isinstance(part, str) and _looks_like_branch(part):
                continue
            out.append(part)
            node = None
    return tuple(out)


def _looks_like_branch(part: str) -> bool:
    return part in {"str", "float", "int", "bool", "list", "dict", "none", "function-after", "function-before"} or part[:1].isupper() or "[" in part


def _model_at(path: tuple, data: Any) -> type[BaseModel] | None:
    """The pydantic model class that validates the mapping at `path`, for did-you-mean lists."""
    import typing

    annotation: Any = specmod.Spec
    node = data
    for part in path:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and part < len(node) else None
            args = typing.get_args(annotation)
            while typing.get_origin(annotation) is typing.Annotated:
                annotation = args[0]
                args = typing.get_args(annotation)
            if typing.get_origin(annotation) in (list, tuple) and args:
                annotation = args[0]
            continue
        model = _resolve_model(annotation, node)
        if model is None:
            return None
        field = model.model_fields.get(part)
        node = node.get(part) if isinstance(node, dict) else None
        annotation = field.annotation if field else None
    return _resolve_model(annotation, node)


def _resolve_model(annotation: Any, node: Any) -> Any:
    import typing

    if annotation is None:
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    args = typing.get_args(annotation)
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        deferred = [m for m in args[1:] if isinstance(m, specmod.Deferred)]  # an infographic, imported on first use
        return deferred[0].model if deferred else _resolve_model(args[0], node)
    if origin in (list, tuple):
        return _resolve_model(args[0], node) if args else None
    models = []
    for a in args:
        m = _resolve_model(a, node)
        if m is not None:
            models.append(m)
    if isinstance(node, dict) and "type" in node:
        for m in models:
            t = m.model_fields.get("type")
            if t is not None and node["type"] in typing.get_args(t.annotation):
                return m
    return models[0] if models else None


def _to_spec_error(exc: ValidationError, data: dict, positions: Positions) -> SpecError:
    errors = exc.errors(include_url=False)
    # Prefer the error that is not a union-branch echo: pick the deepest path of the first field.
    err = _pick(errors)
    path = _data_path(tuple(err["loc"]), data)
    etype = err["type"]
    given = err.get("input")
    ctx = err.get("ctx") or {}
    where = format_path(path)
    if etype == "extra_forbidden":
        key = path[-1]
        model = _model_at(path[:-1], data)
        allowed = [n for n in model.model_fields] if model else []
        import difflib  # here: only a mistake needs it (a cold build skips the import)

        hint = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
        did = f"did you mean {hint[0]!r}? " if hint else ""
        msg = f"unknown key {key!r}; {did}allowed: {', '.join(allowed)}"
        return SpecError(msg, location=positions.locate(path, key=True), path=where)
    if etype == "missing":
        return SpecError(f"missing required key {path[-1]!r}", location=positions.locate(path[:-1]), path=where)
    if etype == "union_tag_invalid":
        tags = ctx.get("expected_tags", "")
        msg = f"unknown element type {ctx.get('tag')!r}; allowed: {tags.replace(', ', ' | ')}"
        return SpecError(msg, location=positions.locate(path + ("type",)), path=where + ".type")
    if etype == "union_tag_not_found":
        return SpecError("missing required key 'type'", location=positions.locate(path), path=where)
    if etype == "literal_error":
        expected = ctx.get("expected", "").replace(" or ", ", ").replace(", ", " | ")
        return SpecError(f"invalid value {given!r}; allowed: {expected}", location=positions.locate(path), path=where)
    if etype == "value_error":
        msg = str(ctx.get("error", err["msg"]))
        return SpecError(msg, location=positions.locate(path), path=where)
    kind = _expected(etype, err["msg"], ctx)
    if etype == "string_type" and isinstance(given, (bool, int, float)):
        kind += ' (YAML read it as a number or true/false: put it in quotes, e.g. "249")'
    return SpecError(f"invalid value {given!r}; {kind}", location=positions.locate(path), path=where)


def _pick(errors: list[ErrorDetails]) -> ErrorDetails:
    """Choose the error a user most needs to see when a union reports every branch's failure."""
    def rank(e: ErrorDetails) -> tuple:
        t = e["type"]
        loc = e["loc"]
        branchy = sum(1 for p in loc if isinstance(p, str) and _looks_like_branch(p))
        pref = 0 if t in ("extra_forbidden", "union_tag_invalid", "literal_error", "value_error", "missing") else 1
        return (branchy, pref, -len(loc))
    return min(errors, key=rank)


def _expected(etype: str, msg: str, ctx: dict) -> str:
    simple = {
        "int_type": "allowed: a whole number", "int_parsing": "allowed: a whole number",
        "int_from_float": "allowed: a whole number",
        "float_type": "allowed: a number", "float_parsing": "allowed: a number",
        "bool_type": "allowed: true or false", "bool_parsing": "allowed: true or false",
        "string_type": "allowed: a string", "list_type": "allowed: a list",
        "dict_type": "allowed: a mapping", "model_type": "allowed: a mapping",
        "finite_number": "allowed: a finite number",
        "tuple_type": "allowed: a list", "model_attributes_type": "allowed: a mapping",
    }
    if etype in simple:
        return simple[etype]
    if etype in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        op = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<", "less_than_equal": "<="}[etype]
        bound = next(iter(ctx.values()), "")
        return f"allowed: a number {op} {bound}"
    if etype in ("too_short", "too_long", "string_too_long"):
        return "allowed: " + msg[0].lower() + msg[1:]
    return "allowed: " + msg[0].lower() + msg[1:]
