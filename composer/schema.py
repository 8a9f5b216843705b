"""The JSON Schemas editors use: the spec (`python -m composer schema`) and brand files (`schema --brand`).

pydantic writes the structure; this module adds what editors need on top: a description and an example
on every key (composer/schema_docs.py), enums for the closed vocabularies (read from the same tables the
build uses), the limits the build enforces, and an element `type` dispatch through if/then, which every
editor honours, so a mistake is reported against the element's own kind.
"""

from __future__ import annotations

import copy
import typing
from functools import lru_cache
from typing import Any

from composer.core.units import CANVAS_PRESETS
from composer.layout.resolve import MAX_SIDE
from composer.schema_docs import describe
from composer.spec import model as M
from composer.spec.kinds import INFOGRAPHIC_TAGS
from composer.spec.loader import available_layouts

__all__ = ["brand_schema", "canvas_presets", "icon_names", "schedulers", "spec_schema", "styles"]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
_NUMBER = r"(?:\d+(?:\.\d*)?|\.\d+)"
# Lengths as core.units reads them: a number with px, mm, cm, in, pt (and % where a reference exists).
PHYSICAL = rf"^\s*{_NUMBER}\s*(?:px|mm|cm|in|pt)?\s*$"
POSITIVE_LENGTH = rf"^\s*{_NUMBER}\s*(?:px|mm|cm|in|pt|%)?\s*$"
ANY_LENGTH = rf"^\s*-?{_NUMBER}\s*(?:px|mm|cm|in|pt|%)?\s*$"


def styles() -> list[str]:
    """The procedural background styles (the generator's STYLES table; no torch)."""
    from generator.procedural import STYLES

    return list(STYLES)


@lru_cache(maxsize=1)
def schedulers() -> list[str]:
    """The diffusion scheduler names, from generator/diffusion_schedulers.py (which imports neither torch nor diffusers)."""
    from generator.diffusion_schedulers import SCHEDULERS

    return sorted(SCHEDULERS)


def icon_names() -> list[str]:
    """The bundled icon names."""
    from composer.charts.icons import icon_names as names

    return list(names())


def canvas_presets() -> list[str]:
    """The named canvas sizes."""
    return list(CANVAS_PRESETS)


# ------------------------------------------------------------------------------------------ building


def spec_schema() -> dict[str, Any]:
    """The JSON Schema of a spec: every key described, closed vocabularies as enums, Placard's own limits."""
    schema = M.Spec.model_json_schema()
    # Elements: an if/then per `type`, so an editor checks an element against its own kind only.
    _elements(schema)
    defs, props = schema["$defs"], schema["properties"]
    # Closed vocabularies
    presets = {"type": "string", "enum": canvas_presets()}
    props["canvas"] = {"if": {"type": "string"}, "then": presets, "else": {"$ref": "#/$defs/CanvasSpec"}}
    _set(defs["CanvasSpec"], "preset", _by_type(string=presets))
    _set(props, "layout", {"anyOf": [{"type": "string", "enum": available_layouts()},
                                     {"type": "string", "pattern": r"\.ya?ml$"}, {"type": "null"}]}, direct=True)
    style = {"anyOf": [{"type": "string", "enum": styles()}, {"type": "null"}]}
    _set(defs["BackgroundSpec"], "style", style)
    _set(defs["IllustrationElement"], "style", style)
    _set(defs["BackgroundSpec"], "scheduler", {"anyOf": [{"type": "string", "enum": schedulers()}, {"type": "null"}]})
    icons = {"type": "string", "enum": icon_names()}
    _set(defs["IconElement"], "name", icons)
    _set(defs["IconItem"], "icon", icons)
    _set(defs["Step"], "icon", {"anyOf": [icons, {"type": "null"}]})
    # The limits the build enforces (layout/resolve.py): canvas sides 1 to MAX_SIDE px, boxes larger than 0.
    side = _by_type(number={"minimum": 1, "maximum": MAX_SIDE}, string={"pattern": PHYSICAL})
    _set(defs["CanvasSpec"], "width", side)
    _set(defs["CanvasSpec"], "height", copy.deepcopy(side))
    _set(defs["CanvasSpec"], "bleed", _by_type(number={"minimum": 0}, string={"pattern": PHYSICAL}, null=False))
    dpi = defs["CanvasSpec"]["properties"]["dpi"]["anyOf"][0]
    _set(defs["CanvasSpec"], "dpi", _by_type(number={k: v for k, v in dpi.items() if k != "type"}))
    # `auto` sizes are for a stack's children (the stack sizes them; spec/base.py BoxSpec._size).
    size = _by_type(number={"exclusiveMinimum": 0, "maximum": 4 * MAX_SIDE},
                    string={"pattern": rf"^\s*auto\s*$|{POSITIVE_LENGTH}"}, null=False)
    _set(defs["BoxSpec"], "width", size)
    _set(defs["BoxSpec"], "height", copy.deepcopy(size))
    at = _by_type(number={"minimum": -4 * MAX_SIDE, "maximum": 4 * MAX_SIDE}, string={"pattern": ANY_LENGTH}, null=False)
    _set(defs["BoxSpec"], "x", at)
    _set(defs["BoxSpec"], "y", copy.deepcopy(at))
    # Font sizes: above 0, in px or a length (not %); `size` may also be auto (spec/model.py FontSpec._size).
    font_px = {"exclusiveMinimum": 0, "maximum": 4 * MAX_SIDE}
    _set(defs["FontSpec"], "size", _by_type(number=font_px, string={"pattern": rf"^\s*auto\s*$|{PHYSICAL}"}))
    _set(defs["FontSpec"], "min_size", _by_type(number=font_px, string={"pattern": PHYSICAL}))
    _set(defs["FontSpec"], "max_size", _by_type(number=font_px, string={"pattern": PHYSICAL}))
    _brand_paths(defs)
    _yaml_off(schema)
    _describe(schema)
    schema["$schema"] = DRAFT
    schema["$id"] = "https://placard.dev/schema/spec-v1.json"
    schema["description"] = "A Placard spec: YAML that python -m composer build turns into PNG, PDF and SVG."
    return schema


def brand_schema() -> dict[str, Any]:
    """The JSON Schema of a brand file (brand/NAME.yaml): colours, font roles, font_dirs, logo variants, LoRA."""
    schema = M.BrandSpec.model_json_schema()
    _brand_paths(schema.setdefault("$defs", {}))
    _describe(schema, root="BrandSpec")
    schema["$schema"] = DRAFT
    schema["$id"] = "https://placard.dev/schema/brand-v1.json"
    schema["description"] = ("A Placard brand file: colours, font roles, font folders, logos and LoRA adapters "
                             "shared by every spec that says `brand: path/to/this.yaml`. Paths are relative to it.")
    return schema


def _brand_paths(defs: dict) -> None:
    """A logo is a file name or {dark, light}: state that at least one variant is given."""
    logo = defs.get("BrandLogo")
    if logo is not None:
        logo["minProperties"] = 1


def _by_type(*, number: dict | None = None, string: dict | None = None, null: bool = True) -> dict:
    """A value that is a number or a string (or null), each with its own limits, chosen by if/then.

    anyOf would report "is not valid under any of the given schemas"; if/then reports the failed limit.
    """
    types = [t for t, given in (("number", number), ("string", string), ("null", null)) if given]
    node: dict = {"type": types}
    for name, rules in (("string", string), ("number", number)):
        if rules is not None:
            node = {"if": {"type": name}, "then": {"type": name, **rules}, "else": node}
    return node


def _yaml_off(node: Any) -> None:
    """YAML 1.1 reads a bare `off` as false; Placard takes it as "off" (spec/base.py), so the schema does too."""
    if isinstance(node, dict):
        if isinstance(node.get("enum"), list) and "off" in node["enum"] and False not in node["enum"]:
            node["enum"] = [*node["enum"], False]
            if node.get("type") == "string":
                node["type"] = ["string", "boolean"]
        for value in node.values():
            _yaml_off(value)
    elif isinstance(node, list):
        for value in node:
            _yaml_off(value)


def _set(props_owner: dict, key: str, schema: dict, *, direct: bool = False) -> None:
    """Replace one property's schema, keeping its default."""
    props = props_owner if direct else props_owner["properties"]
    old = props.get(key, {})
    new = dict(schema)
    if "default" in old:
        new["default"] = old["default"]
    props[key] = new


def _elements(schema: dict) -> None:
    """Turn pydantic's oneOf + discriminator into one `Element` definition dispatched by if/then on `type`."""
    found: list[dict] = []

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            disc = node.get("discriminator")
            if isinstance(disc, dict) and disc.get("propertyName") == "type" and "oneOf" in node:
                found.append(disc["mapping"])
                return {"$ref": "#/$defs/Element"}
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    walked = walk(schema)
    schema.clear()
    schema.update(walked)
    if not found:
        return
    order = [tag for member in typing.get_args(typing.get_args(M.Element)[0]) for tag in _tags(member)]
    mapping = {tag: found[0][tag] for tag in order}
    # A stack sizes its children (spec/model.py StackElement._auto_boxes): inside one, `box` and its width and
    # height may be left out. Elsewhere they are required, so the requirement moves from each element's own
    # definition (shared by both places) to the dispatch: `Element` requires them, `StackChild` does not.
    defs = schema["$defs"]
    boxed = {tag for tag, ref in mapping.items() if "box" in defs[ref.rsplit("/", 1)[1]].get("required", [])}
    for ref in mapping.values():
        d = defs[ref.rsplit("/", 1)[1]]
        if "required" in d:
            d["required"] = [k for k in d["required"] if k != "box"]
    sides = [k for k in ("width", "height") if k in defs["BoxSpec"].get("required", [])]
    defs["BoxSpec"]["required"] = [k for k in defs["BoxSpec"].get("required", []) if k not in sides]

    doc = describe("", "box")
    assert doc is not None  # schema_docs.FIELDS describes box
    text, example = doc

    def then(tag: str, ref: str) -> dict:
        box = {"description": text, "examples": [example], "required": sides}
        if tag in boxed or tag == "stack":  # an outermost stack needs a box too (layout/resolve.py)
            return {"$ref": ref, "required": ["box"], "properties": {"box": box}}
        return {"$ref": ref, "properties": {"box": box}}

    def dispatch(title: str, description: str, outer: bool) -> dict:
        return {
            "title": title,
            "description": description,
            "type": "object",
            "required": ["type"],
            "properties": {"type": {"type": "string", "enum": list(mapping)}},
            "allOf": [{"if": {"properties": {"type": {"const": tag}}, "required": ["type"]},
                       "then": then(tag, ref) if outer else {"$ref": ref}} for tag, ref in mapping.items()],
        }

    defs["Element"] = dispatch("Element", "One element of the design. `type` says which kind, and which other keys "
                               "it takes.", True)
    defs["StackChild"] = dispatch("StackChild", "One child of a stack: an element whose box (or box width and "
                                  "height) may be left out or `auto`, since the stack sizes it.", False)
    stack = defs.get(mapping.get("stack", "").rsplit("/", 1)[-1])
    if stack is not None:
        stack["properties"]["elements"]["items"] = {"$ref": "#/$defs/StackChild"}


def _describe(schema: dict, root: str = "Spec") -> None:
    """Give every property of every model a description and an example (schema_docs.FIELDS)."""
    owners = [(root, schema)] + list(schema.get("$defs", {}).items())
    for model, owner in owners:
        for key, prop in owner.get("properties", {}).items():
            doc = describe(model, key)
            if doc is None:
                continue
            text, example = doc
            prop["description"] = text
            if example is not None:
                prop["examples"] = [example]


def _tags(member: Any) -> tuple[str, ...]:
    """The `type` tags of one member of Spec's element union (a model, or an infographic's Deferred)."""
    deferred = [m for m in typing.get_args(member)[1:] if isinstance(m, M.Deferred)]
    if deferred:
        return INFOGRAPHIC_TAGS[deferred[0].name]
    return typing.get_args(member.model_fields["type"].annotation)
